"""``scrapy crawl`` with what cron needs: arguments checked before anything starts,
one run at a time per state folder, and an exit code that says how the run went."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from newscrawl import config, exitcodes
from newscrawl.dedup.lock import AlreadyRunning, RunLock
from newscrawl.exceptions import RegistryError


class Command(ScrapyCrawl):
    def short_desc(self) -> str:
        return "Run a spider (news: with run lock, argument checks and exit codes)"

    def process_options(self, args: list[str], opts: Any) -> None:
        """``--logfile output/logs/news.log`` on a fresh install: Scrapy opens the log
        before our command runs, so its folder is made here (cron has no one to ask)."""
        super().process_options(args, opts)
        assert self.settings is not None
        log_file = self.settings.get("LOG_FILE")
        if log_file:
            try:
                Path(log_file).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise UsageError(f"--logfile {log_file}: cannot create its folder ({exc})")

    def run(self, args: list[str], opts: Any) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name, e.g. `scrapy crawl news`")
        assert self.crawler_process is not None and self.settings is not None
        spidercls = self.crawler_process.spider_loader.load(args[0])
        try:
            config.check_run(self.settings)
            check = getattr(spidercls, "check_arguments", None)
            if check is not None:
                check(**({"sites": self.settings.get("NEWSCRAWL_SITES") or None} | opts.spargs))
        except (RegistryError, ValueError, TypeError) as exc:
            print(f"newscrawl: error: {exc}", file=sys.stderr)
            self.exitcode = exitcodes.BAD_INPUT
            return
        config.user_agent(self.settings)
        lock = None
        if not self.settings.get("NEWSCRAWL_REDIS_URL"):  # workers share Redis, not a lock
            lock = RunLock(Path(self.settings.get("NEWSCRAWL_STATE_DIR") or ".newscrawl") / "run.lock")
            try:
                lock.acquire()
            except AlreadyRunning as exc:
                print(f"newscrawl: {exc}", file=sys.stderr)
                self.exitcode = exitcodes.ALREADY_RUNNING
                return
        try:
            _handle_stop_signals(_stop_before_or_after_crawl)
            crawler = self._create_crawler(args[0])
            self.crawler_process.crawl(crawler, **opts.spargs)
            _hold_stop_until_engine_runs(self.crawler_process, crawler)
            self.crawler_process.start()
            _handle_stop_signals(signal.SIG_IGN)
            self.exitcode = exit_code(crawler, self.crawler_process.bootstrap_failed)
            _log_summary(crawler)
        except StopRequested:
            self.exitcode = exitcodes.INTERRUPTED
        finally:
            if lock is not None:
                lock.release()


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


def _hold_stop_until_engine_runs(process: Any, crawler: Any) -> None:
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
        reactor.callFromThread(when_running, signum, frame, 0)

    process._signal_shutdown = shutdown  # read when the reactor installs its handlers


HOLD_STEP, HOLD_TRIES = 0.05, 400  # hold a stop signal for at most 20 s of engine start-up


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
