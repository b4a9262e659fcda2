"""The run summary: what happened, per site and in total, for the people who run newscrawl.

Counters are kept as namespaced stats (``newscrawl/site/<name>/<metric>``) so they
show in Scrapy's own stats dump, reach the monitors through the same door, and
survive into the summary without a second bookkeeping. At close the summary is
logged readably and written as ``X.stats.json`` beside the feed ``X.jsonl``.
"""

from __future__ import annotations

import json
import logging
import pprint
import sqlite3
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from newscrawl import exitcodes
from newscrawl.dedup.canonical import site_key
from newscrawl.export.files import write_atomically
from newscrawl.export.writer import FeedWriter
from newscrawl.extensions.ledger import LedgerExtension
from newscrawl.extraction.wordcount import count_words
from newscrawl.request_meta import (KIND_META, RETRY_AFTER_TIMES_META, SENT_BACK_META,
                                     SITE_META)

logger = logging.getLogger(__name__)

SITE_PREFIX = "newscrawl/site/"
HEALTH_FIELDS = ("title", "published", "authors", "body")  # coverage fields, see item_fields()
COUNTS = ("discovered", "fetched", "pages", "articles", "items", "new", "updated", "duplicates",
          "near_duplicates", "unchanged", "errors", "failed_pages",
          "known",  # page URLs not fetched: an article or a non-article of an earlier run
          "rechecked")  # pages judged not-an-article before, fetched again (changed or due)
TABLES = ("dropped", "field", "status",
          "rejected",  # non-article pages by verdict reason
          "limited")  # what a limit dropped: child_sitemaps, depth, max_articles
DUPLICATE_DROPS = {"DuplicateArticle": "duplicates", "NearDuplicateArticle": "near_duplicates",
                   "UnchangedArticle": "unchanged"}
IGNORED_ERRORS = frozenset({"IgnoreRequest"})  # refusals (robots, limits) are not failures
# A retried or parked-and-released request is not "found" again.
RETRY_METAS = ("retry_times", RETRY_AFTER_TIMES_META, SENT_BACK_META)


def site_stat(site: str, *parts: str) -> str:
    return SITE_PREFIX + "/".join((site,) + parts)


def item_fields(item: Any, min_words: int) -> list[str]:
    """The health fields an item has: what extraction coverage is measured on."""
    adapter = ItemAdapter(item)
    words = adapter.get("word_count") or count_words(adapter.get("body"))
    present = {"title": bool(adapter.get("title")), "published": bool(adapter.get("published")),
               "authors": bool(adapter.get("authors")), "body": words >= min_words}
    return [name for name in HEALTH_FIELDS if present[name]]


def figures_from_stats(stats: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per-site figures parsed back from the ``newscrawl/site/<name>/...`` stats."""
    sites: dict[str, dict[str, Any]] = defaultdict(_empty_site)
    for key, value in stats.items():
        if not key.startswith(SITE_PREFIX) or not isinstance(value, (int, float)):
            continue
        name, _, rest = key[len(SITE_PREFIX):].partition("/")
        metric, _, sub = rest.partition("/")
        entry = sites[name]
        if metric == "errors" and sub:
            entry["errors_by_kind"][sub] = value
        elif metric in TABLES and sub:
            entry[metric][sub] = value
        elif metric in COUNTS and not sub:
            entry[metric] = value
    for entry in sites.values():
        extracted = entry["articles"]
        entry["coverage"] = {f: round(entry["field"].get(f, 0) / extracted, 3) if extracted else None
                             for f in HEALTH_FIELDS}
        if entry["errors"] and not entry["errors_by_kind"]:
            entry["errors_by_kind"] = {"total": entry["errors"]}
    return dict(sites)


def _empty_site() -> dict[str, Any]:
    entry: dict[str, Any] = {name: 0 for name in COUNTS}
    entry.update(dropped={}, errors_by_kind={}, field={}, status={}, rejected={}, limited={})
    return entry


def totals(sites: dict[str, dict[str, Any]], stats: dict[str, Any]) -> dict[str, Any]:
    """Sum the per-site figures; dropped and errors by kind come from Scrapy's global stats."""
    total: dict[str, Any] = {name: sum(s[name] for s in sites.values()) for name in COUNTS}
    total["items"] = int(stats.get("item_scraped_count", 0))
    total["dropped"] = {k.rsplit("/", 1)[1]: v for k, v in stats.items()
                        if k.startswith("item_dropped_reasons_count/")}
    total["errors_by_kind"] = {k[len("newscrawl/errors/"):]: v for k, v in stats.items()
                               if k.startswith("newscrawl/errors/")}
    total["limited"] = {k.rsplit("/", 1)[1]: v for k, v in stats.items()
                        if k.startswith("newscrawl/discovery/limited/")}
    return total


def build_summary(stats: dict[str, Any], feed: Path | None, duration: float) -> dict[str, Any]:
    sites = figures_from_stats(stats)
    return {
        "spider": "news", "feed": str(feed) if feed else None,
        "started": _iso(stats.get("start_time")), "finished": _iso(stats.get("finish_time")),
        "duration_s": round(duration, 1), "finish_reason": stats.get("finish_reason"),
        "exit_code": exitcodes.from_stats(stats),  # the code the process exits with
        "output_failed": stats.get("newscrawl/export/failed"),
        "total": totals(sites, stats),
        "sites": {name: {k: v for k, v in entry.items() if k != "field"}
                  for name, entry in sorted(sites.items())},
    }


def summary_path(feed: Path) -> Path:
    """``X.jsonl`` → ``X.stats.json`` (any other suffix is replaced the same way)."""
    return feed.with_name(feed.name.removesuffix(feed.suffix) + ".stats.json")


def format_summary(summary: dict[str, Any]) -> str:
    """A readable table for the log: one line per site, then the total."""
    head = f"{'site':<24}{'found':>7}{'fetched':>8}{'articles':>9}{'new':>6}{'upd':>5}" \
           f"{'dup':>5}{'errors':>7}"
    title = (f"run summary ({summary['finish_reason']}, {summary['duration_s']}s, "
             f"exit {summary['exit_code']}): {summary['total']['items']} items -> "
             f"{summary['feed']}" + (" (NOT written)" if summary.get("output_failed") else ""))
    lines = [title, head]
    if summary.get("output_failed"):
        lines.insert(1, f"output failed (nothing unwritten marked seen): {summary['output_failed']}")
    rows = list(summary["sites"].items()) + [("TOTAL", summary["total"])]
    for name, s in rows:
        lines.append(f"{name[:23]:<24}{s['discovered']:>7}{s['fetched']:>8}{s['articles']:>9}"
                     f"{s['new']:>6}{s['updated']:>5}{s['duplicates'] + s['near_duplicates']:>5}"
                     f"{s['errors']:>7}")
    total = summary["total"]
    for label, table in (("dropped", total["dropped"]), ("errors", total["errors_by_kind"]),
                         ("limited (not fetched)", total.get("limited", {}))):
        if table:
            lines.append(f"{label}: " + ", ".join(f"{k}={v}" for k, v in sorted(table.items())))
    return "\n".join(lines)


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value


class RunSummary:
    """Counts per site from signals, logs progress while running, writes the summary at close."""

    def __init__(self, crawler: Any, *, min_words: int, progress_interval: float,
                 user_feed: Path | None, user_feeds: bool = False, report_runs: int = 0,
                 verdict_rules: dict[str, Any] | None = None) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.min_words = min_words
        self.progress_interval = progress_interval
        self.user_feed = user_feed
        self.report_runs = report_runs  # runs charted in X.report.html (0: no report)
        self.verdict_rules = verdict_rules or {}
        self.keys: dict[str, str] = {}  # site key (scheme://host:port) -> registry name
        self.started = time.monotonic()
        self.task: LoopingCall | None = None
        self.written: Path | None = None
        self.user_feeds = user_feeds  # -o/-O: Scrapy's exporter writes (a file, stdout, ...)
        self.table = ""  # logged when the engine stops: the last thing a user reads
        self.table_logged = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunSummary:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_SUMMARY_ENABLED", True):
            raise NotConfigured
        feeds = settings.getdict("FEEDS")
        uri = str(next(iter(feeds), ""))
        local = bool(uri) and urlsplit(uri).scheme in ("", "file")  # not stdout:, s3:, ...
        if local and _device(Path(uri.removeprefix("file://"))):
            local = False  # -O /dev/stdout, a FIFO: no X.stats.json beside it in /dev
        report_runs = (settings.getint("NEWSCRAWL_REPORT_RUNS")
                       if settings.getbool("NEWSCRAWL_REPORT_ENABLED") else 0)
        rules = {"max_failed": settings.getfloat("NEWSCRAWL_MAX_FAILED_PAGES"),
                 "min_pages": settings.getint("NEWSCRAWL_FAILED_PAGES_MIN")}
        ext = cls(crawler, min_words=settings.getint("NEWSCRAWL_HEALTH_MIN_WORDS", 40),
                  progress_interval=settings.getfloat("NEWSCRAWL_PROGRESS_INTERVAL", 60.0),
                  user_feed=Path(uri.removeprefix("file://")) if local else None,
                  user_feeds=bool(feeds), report_runs=report_runs, verdict_rules=rules)
        for handler, signal in ((ext.spider_opened, signals.spider_opened),
                                (ext.request_scheduled, signals.request_scheduled),
                                (ext.request_dropped, signals.request_dropped),
                                (ext.spider_error, signals.spider_error),
                                (ext.response_received, signals.response_received),
                                (ext.item_scraped, signals.item_scraped),
                                (ext.item_dropped, signals.item_dropped),
                                (ext.spider_closed, signals.spider_closed),
                                (ext.feeds_closed, signals.feed_exporter_closed),
                                (ext.engine_stopped, signals.engine_stopped)):
            crawler.signals.connect(handler, signal=signal)
        return ext

    # -- counting -----------------------------------------------------------------------
    def spider_opened(self, spider: Any) -> None:
        self.started = time.monotonic()
        for site in getattr(spider, "sites", []):
            self.keys[site.key] = site.name
        if self.progress_interval > 0:
            self.task = LoopingCall(self.log_progress)
            self.task.start(self.progress_interval, now=False)

    def site_of(self, request: Any) -> str | None:
        name = request.meta.get(SITE_META)
        return name or self.keys.get(site_key(request.url))

    def _new_page(self, request: Any) -> str | None:
        """The site of a page request seen for the first time (retries are not "found")."""
        if request.meta.get(KIND_META) != "page":
            return None
        if any(request.meta.get(key) for key in RETRY_METAS):
            return None
        return self.site_of(request)

    def request_scheduled(self, request: Any, spider: Any) -> None:
        site = self._new_page(request)
        if site:
            self.stats.inc_value(site_stat(site, "discovered"))

    def request_dropped(self, request: Any, spider: Any) -> None:
        """The scheduler refused it (a duplicate, or another worker has it): not discovered."""
        site = self._new_page(request)
        if site:
            self.stats.inc_value(site_stat(site, "discovered"), -1)

    def spider_error(self, failure: Any, response: Any, spider: Any) -> None:
        """A page whose processing raised (extraction included) is a failed page."""
        site = self.site_of(response.request) if response.request is not None else None
        reason = type(failure.value).__name__
        self.stats.inc_value(f"newscrawl/errors/processing/{reason}")
        if site:
            for parts in (("errors",), ("errors", reason), ("failed_pages",)):
                self.stats.inc_value(site_stat(site, *parts))

    def response_received(self, response: Any, request: Any, spider: Any) -> None:
        site = self.site_of(request)
        if site:
            self.stats.inc_value(site_stat(site, "fetched"))
            self.stats.inc_value(site_stat(site, "status", str(response.status)))
            if request.meta.get(KIND_META) == "page":
                self.stats.inc_value(site_stat(site, "pages"))

    def _extracted(self, item: Any) -> str:
        site = ItemAdapter(item).get("site") or "-"
        self.stats.inc_value(site_stat(site, "articles"))
        for name in item_fields(item, self.min_words):
            self.stats.inc_value(site_stat(site, "field", name))
        return site

    def item_scraped(self, item: Any, response: Any, spider: Any) -> None:
        site = self._extracted(item)
        adapter = ItemAdapter(item)
        self.stats.inc_value(site_stat(site, "items"))
        self.stats.inc_value(site_stat(site, "updated" if adapter.get("updated") else "new"))
        if adapter.get("duplicate_of"):
            self.stats.inc_value(site_stat(site, "near_duplicates"))

    def item_dropped(self, item: Any, response: Any, exception: BaseException,
                     spider: Any) -> None:
        site = self._extracted(item)
        reason = type(exception).__name__
        self.stats.inc_value(site_stat(site, "dropped", reason))
        if reason in DUPLICATE_DROPS:
            self.stats.inc_value(site_stat(site, DUPLICATE_DROPS[reason]))

    def log_progress(self) -> None:
        """One line per site: enough to see a stuck or failing site while the run goes on."""
        elapsed = time.monotonic() - self.started
        for name, s in sorted(figures_from_stats(self.stats.get_stats()).items()):
            logger.info("progress %.0fs %s: found %d, fetched %d, articles %d, new %d, errors %d",
                        elapsed, name, s["discovered"], s["fetched"], s["articles"], s["new"],
                        s["errors"])

    # -- closing ------------------------------------------------------------------------
    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        if not self.user_feeds:
            writer = self.crawler.get_extension(FeedWriter)
            feed = writer.final if writer is not None and not writer.failed else None
            self.write(feed)

    def feeds_closed(self) -> None:
        """-o/-O: Scrapy's exporter has closed the file, so its lines can be counted."""
        if self.user_feeds:  # stdout or a remote feed: the summary is only logged
            self.write(self.user_feed)

    def engine_stopped(self) -> None:
        self.log_table()

    def log_table(self) -> None:
        """Once, after "Spider closed"; the crawl command calls it too, for a run closed
        while still opening (the engine then never sends engine_stopped)."""
        if self.table and not self.table_logged:
            self.table_logged = True
            logger.info("%s", self.table)

    def _store(self) -> Any:
        ext = self.crawler.get_extension(LedgerExtension)
        store = ext.ledger.store if ext is not None and ext.ledger is not None else None
        return store if hasattr(store, "record_run") else None  # Redis: no run history

    def record_run(self, summary: dict[str, Any]) -> list[dict[str, Any]]:
        """The run into the state's history; returns the recent runs' summaries, newest
        first (``scrapy state runs``, the report's charts)."""
        store = self._store()
        if store is None:
            return [summary]
        try:
            store.record_run(summary["started"], summary["finished"], summary["exit_code"],
                             summary)
            return [run[4] for run in store.runs(max(self.report_runs, 1))]
        except (sqlite3.Error, OSError) as exc:  # the feed is written: not worth failing for
            logger.error("cannot record the run in the state: %s", exc)
            return [summary]


    def write(self, feed: Path | None) -> dict[str, Any]:
        stats = self.stats.get_stats()
        summary = build_summary(stats, feed, time.monotonic() - self.started)
        if feed is not None and feed.is_file():  # -O /dev/full, a FIFO: reading never ends
            summary["total"]["feed_lines"] = _count_lines(feed)
            if summary["total"]["feed_lines"] != summary["total"]["items"]:
                logger.info("feed %s holds %d lines (%d from this run)", feed,
                            summary["total"]["feed_lines"], summary["total"]["items"])
        logger.debug("Scrapy stats:\n%s", pprint.pformat(stats))
        runs = self.record_run(summary)
        self.table = format_summary(summary)
        if feed is not None:
            path = summary_path(feed)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                write_atomically(path, json.dumps(summary, indent=2, ensure_ascii=False,
                                                  default=str) + "\n")
                self.written = path
                logger.info("run summary written to %s", path)
            except OSError as exc:
                logger.error("cannot write the run summary %s: %s", path, exc)
            if self.report_runs:
                from newscrawl.extensions.report import write_report
                write_report(feed, summary, runs, **self.verdict_rules)
        return summary


def _device(path: Path) -> bool:
    """Whether a feed path names a device (``/dev/stdout`` is a regular file when the
    shell redirects it into one) or something that exists and is no regular file."""
    if path.is_absolute() and path.parts[1:2] in (("dev",), ("proc",)):
        return True
    try:
        return path.exists() and not path.is_file()
    except OSError:
        return False


def _count_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for _ in fh)
