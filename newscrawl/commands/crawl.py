"""``scrapy crawl`` with what cron needs: arguments checked before anything starts,
one run at a time per state folder, and an exit code that says how the run went."""

from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from newscrawl import config, exitcodes
from newscrawl.commands import deadlines
from newscrawl.dedup.errors import CorruptState, StateUnavailable
from newscrawl.dedup.lock import AlreadyRunning, RunLock
from newscrawl.sites import RegistryError

logger = logging.getLogger(__name__)


class Command(ScrapyCrawl):
    def short_desc(self) -> str:
        return "Run a spider (news: with run lock, argument checks and exit codes)"

    def process_options(self, args: list[str], opts: Any) -> None:
        """Owner-only files from here on, and the ``--logfile`` folder made (cron has no one
        to ask): Scrapy opens LOG_FILE right after this."""
        super().process_options(args, opts)
        assert self.settings is not None
        try:
            config.check_values(self.settings)
        except config.ConfigError as exc:  # before Scrapy configures logging with a bad value
            print(f"newscrawl: error: {exc}", file=sys.stderr)
            raise SystemExit(exitcodes.BAD_INPUT) from None
        os.umask(int(str(self.settings.get("NEWSCRAWL_UMASK") or "077"), 8) & 0o777)
        log_file = self.settings.get("LOG_FILE")
        if log_file:
            try:
                Path(log_file).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise UsageError(f"--logfile {log_file}: cannot create its folder ({exc})")
        if log_file and Path(log_file).is_file() and Path(log_file).stat().st_uid == os.getuid():
            Path(log_file).chmod(0o600 & ~_current_umask())
        limit = self.settings.getfloat("NEWSCRAWL_MAX_RUN_SECONDS")
        if limit > 0 and not self.settings.getfloat("CLOSESPIDER_TIMEOUT"):
            self.settings.set("CLOSESPIDER_TIMEOUT", limit, priority="cmdline")
        if len(args) == 1:
            code = _check_run_inputs(self.settings, args[0], opts.spargs)
            if code:
                raise SystemExit(code)

    def run(self, args: list[str], opts: Any) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name, e.g. `scrapy crawl news`")
        assert self.crawler_process is not None and self.settings is not None
        config.user_agent(self.settings)
        lock = None
        if not self.settings.get("NEWSCRAWL_REDIS_URL"):  # workers share Redis, not a lock
            lock = RunLock(Path(self.settings.get("NEWSCRAWL_STATE_DIR") or ".newscrawl") / "run.lock",
                           takeover_after=_takeover_after(self.settings))
            try:
                lock.acquire()
                _check_state(self.settings)
            except AlreadyRunning as exc:
                print(f"newscrawl: {exc}", file=sys.stderr)
                self.exitcode = exitcodes.ALREADY_RUNNING
                return
            except (StateUnavailable, OSError) as exc:
                lock.release()
                print(f"newscrawl: error: {_state_message(exc)}", file=sys.stderr)
                self.exitcode = exitcodes.OUTPUT_FAILED
                return
        try:
            _arm_run_deadline(self.settings)
            _handle_stop_signals(_stop_before_or_after_crawl)
            crawler = self._create_crawler(args[0])
            self.crawler_process.crawl(crawler, **opts.spargs)
            _hold_stop_until_engine_runs(self.crawler_process, crawler,
                                         self.settings.getfloat("NEWSCRAWL_STOP_SECONDS"))
            self.crawler_process.start()
            _handle_stop_signals(signal.SIG_IGN)
            self.exitcode = exit_code(crawler, self.crawler_process.bootstrap_failed)
            _log_summary(crawler)
            _quiet_closed_stdout()
        except StopRequested:
            self.exitcode = exitcodes.INTERRUPTED
        finally:
            if lock is not None:
                lock.release()


def _check_run_inputs(settings: Any, spider: str, spargs: dict[str, Any]) -> int:
    """Registry, ``-a`` arguments, state/output folders and Redis, checked before Scrapy
    builds its crawler process: that process logs its start-up banner (a dozen lines on
    stderr), and a mistake must end in the one line that names it (exit 2)."""
    from scrapy.spiderloader import get_spider_loader
    loader = get_spider_loader(settings)
    try:
        spidercls = loader.load(spider)
    except KeyError:
        print(f"newscrawl: error: unknown spider {spider!r} (known: {', '.join(loader.list())})",
              file=sys.stderr)
        return exitcodes.BAD_INPUT
    try:
        config.check_places(settings)
        check = getattr(spidercls, "check_arguments", None)
        if check is not None:
            check(**({"sites": settings.get("NEWSCRAWL_SITES") or None} | spargs))
    except (RegistryError, ValueError, TypeError) as exc:
        print(f"newscrawl: error: {exc}", file=sys.stderr)
        return exitcodes.BAD_INPUT
    return 0


class StopRequested(Exception):
    """SIGTERM/SIGINT outside the crawl proper, where Scrapy's own handlers are not set."""


def _stop_before_or_after_crawl(signum: int, frame: Any) -> None:
    raise StopRequested(signum)


def _handle_stop_signals(handler: Any) -> None:
    """Scrapy handles SIGTERM/SIGINT gracefully only while the reactor runs, and Twisted
    restores the previous handlers when it stops. Ours is that previous handler: a
    signal before the crawl starts stops the run (exit 9) instead of killing it, and
    once the crawl is over (feed finished, outcome known) stop signals are ignored so
    a late SIGTERM cannot turn a finished run into a killed one (exit -15)."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handler)


def _check_state(settings: Any) -> None:
    """Open the SQLite state once before the crawl: a state we may not write (permissions,
    read-only file system, immutable file, busy database) stops the run here with exit 8
    and is left untouched. Corruption is left to the run, which quarantines and rebuilds."""
    from newscrawl.dedup.sqlite_store import StateStore
    try:
        StateStore.open(settings.get("NEWSCRAWL_STATE_DIR") or ".newscrawl").close()
    except CorruptState:
        pass


def _state_message(exc: BaseException) -> str:
    if isinstance(exc, StateUnavailable):
        return f"{exc} (state left untouched)"
    where = getattr(exc, "filename", None)
    return f"cannot write the state folder{f' {where}' if where else ''}: " \
           f"{getattr(exc, 'strerror', None) or exc}"


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _arm_run_deadline(settings: Any) -> None:
    """A run past NEWSCRAWL_MAX_RUN_SECONDS closes gracefully (CLOSESPIDER_TIMEOUT, feed and
    summary written); one still alive NEWSCRAWL_RUN_GRACE seconds later is ended hard."""
    limit = settings.getfloat("NEWSCRAWL_MAX_RUN_SECONDS")
    if limit > 0:
        deadlines.arm(limit + settings.getfloat("NEWSCRAWL_RUN_GRACE"),
                      f"still running {limit:g}s + grace after NEWSCRAWL_MAX_RUN_SECONDS")


def _takeover_after(settings: Any) -> float:
    """Age past which a lock holder is frozen for sure: its own hard deadline plus margin."""
    limit = settings.getfloat("NEWSCRAWL_MAX_RUN_SECONDS")
    if limit <= 0:
        return 0.0
    return limit + settings.getfloat("NEWSCRAWL_RUN_GRACE") + deadlines.ALARM_MARGIN + 60


def _hold_stop_until_engine_runs(process: Any, crawler: Any, stop_seconds: float = 0.0) -> None:
    """Scrapy 2.19 loses a SIGTERM that arrives while the engine is starting (between
    "Spider opened" and the engine running): its stop stops only a running engine,
    then stops the reactor, so the spider is never closed and the feed never
    finished. Such a signal is held here until the engine runs, then passed on."""
    original = getattr(process, "_signal_shutdown", None)
    if original is None:  # another Scrapy: keep its own handling
        return
    from twisted.internet import reactor

    def when_running(signum: int, frame: Any, tries: int) -> None:
        engine = getattr(crawler, "_engine", None)
        starting = engine is not None and not engine.running and crawler.crawling
        if starting and tries < HOLD_TRIES:
            reactor.callLater(HOLD_STEP, when_running, signum, frame, tries + 1)  # type: ignore[arg-type]
            return
        original(signum, frame)

    def shutdown(signum: int, frame: Any) -> None:
        # graceful first; if the stop has not ended the process in stop_seconds, end it
        deadlines.arm(stop_seconds, f"stop signal {signum} not honoured within {stop_seconds:g}s")
        reactor.callFromThread(when_running, signum, frame, 0)

    process._signal_shutdown = shutdown  # read when the reactor installs its handlers


HOLD_STEP, HOLD_TRIES = 0.05, 400  # hold a stop signal for at most 20 s of engine start-up


def _quiet_closed_stdout() -> None:
    """``-o - | head -n 1``: the reader is gone and the run already failed (exit 8); the
    bytes still buffered go to /dev/null, so Python's exit does not turn 8 into 120."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _log_summary(crawler: Any) -> None:
    from newscrawl.extensions.summary import RunSummary

    summary = crawler.get_extension(RunSummary) if crawler._extensions is not None else None
    if summary is not None:
        summary.log_table()


def exit_code(crawler: Any, bootstrap_failed: bool) -> int:
    """The run's exit code from its stats: the same rule the summary wrote down."""
    if bootstrap_failed or crawler.stats is None:
        return exitcodes.CRAWL_FAILED
    return exitcodes.from_stats(crawler.stats.get_stats())
