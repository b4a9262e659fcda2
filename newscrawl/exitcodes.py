"""Documented exit codes of ``scrapy crawl news`` (see README "Exit codes").

cron alerts on a non-zero exit; each failure kind has its own code so the
alert says what broke without reading the log.
"""

from __future__ import annotations

from typing import Any

OK = 0  # the run finished; it may have found nothing new
CRAWL_FAILED = 1  # Scrapy could not start the crawl (bootstrap failure)
BAD_INPUT = 2  # a bad registry file or entry, or a bad -a argument
NO_SITE_REACHABLE = 3  # not one site answered
ERROR_RATE = 4  # too many requests failed (NEWSCRAWL_MAX_ERROR_RATE)
SITE_WENT_SILENT = 5  # a site that yielded articles before yields none now
HEALTH_COLLAPSE = 6  # a site's extraction coverage collapsed (a redesign broke extraction)
SCHEMA_INVALID = 7  # items failed schema validation
OUTPUT_FAILED = 8  # the feed or the state cannot be written (disk full, permissions); nothing is marked seen
INTERRUPTED = 9  # stopped by a signal (SIGTERM/SIGINT) before finishing; resumable
ALREADY_RUNNING = 75  # another run holds the lock (EX_TEMPFAIL): try again later

STAT = "newscrawl/exit_code"  # monitors set this stat; the crawl command exits with it


def from_stats(stats: dict[str, Any]) -> int:
    """The exit code of a run from its stats: one rule for the process and its summary.

    A failed output beats the monitors (nothing unwritten was marked seen, but the
    feed is incomplete); a stop signal shows as Scrapy's ``shutdown`` reason.
    """
    if stats.get("newscrawl/export/failed"):
        return OUTPUT_FAILED
    code = stats.get(STAT)
    if code:
        return int(code)
    if stats.get("finish_reason") in ("shutdown", None):  # None: the spider never closed
        return INTERRUPTED
    return OK
