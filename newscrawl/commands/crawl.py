"""``scrapy crawl`` with what cron needs: arguments checked before anything starts,
one run at a time per state folder, and an exit code that says how the run went."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from newscrawl import exitcodes
from newscrawl.dedup.lock import AlreadyRunning, RunLock
from newscrawl.exceptions import RegistryError


class Command(ScrapyCrawl):
    def short_desc(self) -> str:
        return "Run a spider (news: with run lock, argument checks and exit codes)"

    def run(self, args: list[str], opts: Any) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name, e.g. `scrapy crawl news`")
        assert self.crawler_process is not None and self.settings is not None
        spidercls = self.crawler_process.spider_loader.load(args[0])
        try:
            check = getattr(spidercls, "check_arguments", None)
            if check is not None:
                check(**opts.spargs)
        except (RegistryError, ValueError, TypeError) as exc:
            print(f"newscrawl: error: {exc}", file=sys.stderr)
            self.exitcode = exitcodes.BAD_INPUT
            return
        lock = None
        if not self.settings.get("NEWSCRAWL_REDIS_URL"):  # workers share Redis, not a lock
            lock = RunLock(Path(self.settings.get("NEWSCRAWL_STATE_DIR") or ".newscrawl") / "run.lock")
            try:
                lock.acquire()
            except AlreadyRunning as exc:
                print(f"newscrawl: {exc}; not starting a second run", file=sys.stderr)
                self.exitcode = exitcodes.ALREADY_RUNNING
                return
        try:
            crawler = self._create_crawler(args[0])
            self.crawler_process.crawl(crawler, **opts.spargs)
            self.crawler_process.start()
            self.exitcode = exit_code(crawler, self.crawler_process.bootstrap_failed)
        finally:
            if lock is not None:
                lock.release()


def exit_code(crawler: Any, bootstrap_failed: bool) -> int:
    """The run's exit code from its stats (monitors set ``newscrawl/exit_code``)."""
    if bootstrap_failed or crawler.stats is None:
        return exitcodes.CRAWL_FAILED
    stats = crawler.stats.get_stats()
    if stats.get("newscrawl/export/failed"):
        return exitcodes.OUTPUT_FAILED
    code = stats.get(exitcodes.STAT)
    if code:
        return int(code)
    if stats.get("finish_reason") == "shutdown":
        return exitcodes.INTERRUPTED
    return exitcodes.OK
