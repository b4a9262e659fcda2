"""The default feed: atomic JSON Lines files, and "seen" only once durable.

Scrapy writes feeds after the pipelines, so marking an article seen in a
pipeline loses it on a kill. Here each item is written, flushed and fsynced
before the state records it; a feed is written under a hidden name and renamed
to ``<UTC timestamp>.jsonl`` only when complete. A run killed mid-way leaves a
hidden ``.part`` file; the next run promotes its complete lines into a new
finished feed, ``<stamp>-recovered.jsonl``, and records them (see
:mod:`newscrawl.export.files`). A write error (disk full) or a state that cannot
record stops the run with ``newscrawl/export/failed`` (exit 8); its feed stays
unfinished for the next run to recover.

With ``-o``/``-O`` Scrapy's own feed exporter writes the file and the run's
items are recorded when that exporter has closed its feeds.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import IO, Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import CloseSpider
from scrapy.utils.defer import deferred_from_coro

from newscrawl.dedup.ledger import record_fields
from newscrawl.export.files import (  # noqa: F401  (write_atomically: for newscrawl.extensions.summary)
    PART_SUFFIX,
    fresh_stamp,
    fsync_dir,
    recover_partial_feeds,
    try_lock,
    write_atomically,
)
from newscrawl.items import export_fields

logger = logging.getLogger(__name__)


def feed_line(item: Any) -> str:
    adapter = ItemAdapter(item)
    return json.dumps({k: adapter.get(k) for k in export_fields()}, ensure_ascii=False) + "\n"


class FeedWriter:
    """Writes the default feed (when no -o/-O is given) and records durable items as seen."""

    def __init__(self, crawler: Any, output_dir: Path, fsync_every: int, user_feeds: bool) -> None:
        self.crawler = crawler
        self.folder = output_dir
        self.fsync_every = max(1, fsync_every)
        self.user_feeds = user_feeds
        self.pending: list[Any] = []
        self.count = 0
        self.fh: IO[str] | None = None
        self.final: Path | None = None
        self.failed: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> FeedWriter:
        settings = crawler.settings
        folder = Path(settings.get("NEWSCRAWL_OUTPUT_DIR") or "output") / crawler.spidercls.name
        ext = cls(crawler, folder, settings.getint("NEWSCRAWL_FSYNC_EVERY"),
                  user_feeds=bool(settings.getdict("FEEDS")))
        crawler.signals.connect(ext.spider_opened, signals.spider_opened)
        crawler.signals.connect(ext.item_scraped, signals.item_scraped)
        crawler.signals.connect(ext.spider_closed, signals.spider_closed)
        crawler.signals.connect(ext.feeds_closed, signals.feed_exporter_closed)
        return ext

    @property
    def state(self) -> Any:
        from newscrawl.dedup.ledger import StateExtension
        return self.crawler.get_extension(StateExtension)

    @property
    def feed_path(self) -> Path | None:
        """Where this run's items are (the default feed, or the first -o/-O file)."""
        if not self.user_feeds:
            return self.final
        uri = next(iter(self.crawler.settings.getdict("FEEDS")), None)
        return Path(str(uri).removeprefix("file://")) if uri else None

    @property
    def stamp(self) -> str | None:
        """This run's UTC stamp (the default feed's name), which its WARC archive shares."""
        return self.final.stem if self.final is not None and not self.user_feeds else None

    def spider_opened(self, spider: Any) -> None:
        """Recover what killed runs left, then open this run's hidden feed.

        A failure here (disk full while recovering) stops the run before it crawls:
        crawling on would fetch pages whose items could not be written.
        """
        if self.user_feeds:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._recover()
            stamp = fresh_stamp(self.folder)
            self.final = self.folder / f"{stamp}.jsonl"
            self.part = self.folder / f".{stamp}.jsonl{PART_SUFFIX}"
            self.fh = open(self.part, "w", encoding="utf-8")  # noqa: SIM115 (open all run)
            try_lock(self.fh.fileno())  # tells a concurrent recovery this feed is live
        except Exception as exc:  # the disk, or the state refusing the recovered rows
            self._record_failure(exc)
            raise CloseSpider("export_failed") from exc

    def _recover(self) -> None:
        """Promote, record as seen, and only then remove each killed run's ``.part``."""
        recovered = 0
        for recovery in recover_partial_feeds(self.folder):
            if recovery.rows:
                self.state.commit_rows(recovery.rows)
                recovered += len(recovery.rows)
            recovery.part.unlink()
        if recovered:
            fsync_dir(self.folder)
            self.crawler.stats.set_value("newscrawl/export/recovered", recovered)

    def item_scraped(self, item: Any, spider: Any) -> None:
        self.count += 1
        if self.failed:
            return
        if self.user_feeds:  # Scrapy's exporter writes it; keep only what the state needs
            self.pending.append(record_fields(item))
            return
        self.pending.append(item)
        try:
            assert self.fh is not None
            self.fh.write(feed_line(item))
            if len(self.pending) >= self.fsync_every:
                self._sync()
        except OSError as exc:
            self._fail(exc)

    def _sync(self) -> None:
        """Make written lines durable, then record them as seen (that order)."""
        if self.fh is None or self.failed:
            return
        self.fh.flush()
        os.fsync(self.fh.fileno())
        if self.pending:
            self._commit()

    def _commit(self) -> None:
        """Record durable items as seen. If the store cannot (its disk is full, it broke),
        the run stops and its feed stays unfinished: the next run recovers the lines and
        records them, where a finished feed with unrecorded items would be emitted twice."""
        try:
            self.state.commit_items(self.pending)
        except Exception as exc:  # noqa: BLE001 (sqlite3, Redis, CorruptState: "not recorded")
            self._fail(exc, what="to the state")
            return
        self.pending = []

    def _record_failure(self, exc: BaseException, what: str = "the feed") -> None:
        self.failed = f"{type(exc).__name__}: {exc}"
        self.crawler.stats.set_value("newscrawl/export/failed", self.failed)
        where = "" if what != "the feed" else f" {getattr(self, 'part', self.folder)}"
        logger.error("cannot write %s%s: %s; stopping the run", what, where, exc)

    def _fail(self, exc: BaseException, what: str = "the feed") -> None:
        if self.failed:
            return
        self._record_failure(exc, what)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="export_failed"))

    def feeds_closed(self) -> None:
        """-o/-O: Scrapy's exporter has stored its files; now the items are durable."""
        if self.user_feeds and self.pending and not self.crawler.stats.get_value(
                "feedexport/failed_count"):
            self.state.commit_items(self.pending)
            self.pending = []

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.user_feeds or self.fh is None:
            return
        try:
            self._sync()
        except OSError as exc:
            self._fail(exc)
        if self.failed:
            _close_quietly(self.fh)  # the .part stays; the next run recovers its lines
            return
        try:
            self.fh.close()
            assert self.final is not None
            os.replace(self.part, self.final)
            fsync_dir(self.folder)
            logger.info("wrote %d items to %s", self.count, self.final)
        except OSError as exc:
            self._fail(exc)


def _close_quietly(fh: IO[str]) -> None:
    """Close a feed whose writes already failed: flushing its buffer would fail again,
    and a torn last line is what recovery expects anyway."""
    try:
        fh.close()
    except OSError as exc:
        logger.debug("closing the failed feed: %s", exc)
