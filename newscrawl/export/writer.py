"""The default feed: atomic JSON Lines files, and "seen" only once durable.

Scrapy writes feeds after the pipelines, so marking an article seen in a
pipeline loses it on a kill. Here each item is encoded, written, flushed and
fsynced before the ledger commits it; a feed is written under a hidden name and
renamed to ``<UTC timestamp>.jsonl`` only when complete. A run killed mid-way
leaves a hidden ``.part`` file; the next run promotes its complete lines into a
new finished feed, ``<stamp>-recovered.jsonl``, and records them (see
:mod:`newscrawl.export.files`). A write error (disk full) or a ledger that cannot
record stops the run with ``newscrawl/export/failed`` (exit 8); its feed stays
unfinished for the next run to recover. An item that cannot be encoded is
skipped (counted), never half-written.

With ``-o``/``-O`` Scrapy's own feed exporter writes the files and
:mod:`newscrawl.export.user_feeds` commits the run's items once they are stored.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import IO, Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro

from newscrawl.dedup.ledger import record_fields
from newscrawl.export.files import (
    PART_SUFFIX,
    fresh_stamp,
    fsync_dir,
    recover_partial_feeds,
    try_lock,
)
from newscrawl.export.signals import feed_running
from newscrawl.extensions.ledger import LedgerExtension
from newscrawl.items import export_fields

logger = logging.getLogger(__name__)

def feed_line(item: Any) -> bytes:
    """One JSON line in UTF-8. Raises ValueError (UnicodeEncodeError: a lone surrogate)
    or TypeError for an item that cannot be encoded, before anything is written."""
    adapter = ItemAdapter(item)
    line = json.dumps({k: adapter.get(k) for k in export_fields()}, ensure_ascii=False)
    return (line + "\n").encode("utf-8")


def stop_run(crawler: Any) -> None:
    """Close the spider with ``export_failed`` (exit 8): output is failing, crawling on
    would fetch pages whose items cannot be written."""
    deferred_from_coro(crawler.engine.close_spider_async(reason="export_failed"))


def ledger_of(crawler: Any) -> Any:
    """The run's dedup ledger (opened by :class:`LedgerExtension`)."""
    return crawler.get_extension(LedgerExtension).ledger


class FeedWriter:
    """Writes the default feed (when no -o/-O is given) and commits durable items."""

    def __init__(self, crawler: Any, output_dir: Path, fsync_every: int) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.folder = output_dir
        self.fsync_every = max(1, fsync_every)
        self.pending: list[dict[str, Any]] = []  # written, not yet durable and committed
        self.count = 0
        self.fh: IO[bytes] | None = None
        self.part: Path | None = None
        self.final: Path | None = None
        self.failed: str | None = None
        self.ledger: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> FeedWriter:
        settings = crawler.settings
        if settings.getdict("FEEDS"):
            raise NotConfigured  # -o/-O: Scrapy's feed exporter writes the feeds (no WARNING)
        folder = Path(settings.get("NEWSCRAWL_OUTPUT_DIR") or "output") / crawler.spidercls.name
        ext = cls(crawler, folder, settings.getint("NEWSCRAWL_FSYNC_EVERY"))
        crawler.signals.connect(ext.spider_opened, signals.spider_opened)
        crawler.signals.connect(ext.item_scraped, signals.item_scraped)
        crawler.signals.connect(ext.spider_closed, signals.spider_closed)
        return ext

    @property
    def feed_path(self) -> Path | None:
        """Where this run's items are (None until the feed is finished)."""
        return self.final

    def spider_opened(self, spider: Any) -> None:
        """Recover what killed runs left, then open this run's hidden feed.

        A failure here (disk full while recovering) stops the run before it crawls:
        crawling on would fetch pages whose items could not be written.
        """
        self.ledger = self.ledger or ledger_of(self.crawler)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._recover()
            stamp = fresh_stamp(self.folder)
            self.final = self.folder / f"{stamp}.jsonl"
            self.part = self.folder / f".{stamp}.jsonl{PART_SUFFIX}"
            self.fh = open(self.part, "wb")  # noqa: SIM115 (open all run)
            try_lock(self.fh.fileno())  # tells a concurrent recovery this feed is live
        except Exception as exc:  # the disk, or the ledger refusing the recovered rows
            self._record_failure(exc)
            raise CloseSpider("export_failed") from exc
        self.crawler.signals.send_catch_log(feed_running, path=self.part)

    def _recover(self) -> None:
        """Promote, record as seen, and only then remove each killed run's ``.part``."""
        recovered = 0
        for recovery in recover_partial_feeds(self.folder):
            if recovery.rows:
                recovered += self.ledger.recover(recovery.rows)
            recovery.part.unlink()
        if recovered:
            fsync_dir(self.folder)
            self.stats.set_value("newscrawl/export/recovered", recovered)

    def item_scraped(self, item: Any, spider: Any) -> None:
        self.count += 1
        if self.failed or self.fh is None:
            return
        try:
            line = feed_line(item)
        except (ValueError, TypeError) as exc:  # the pipeline drops these; never half-write
            self.stats.inc_value("newscrawl/export/unencodable")
            logger.error("not written (cannot encode): %s: %s", ItemAdapter(item).get("url"), exc)
            return
        try:
            self.fh.write(line)
            self.pending.append(record_fields(item))
            if len(self.pending) >= self.fsync_every:
                self._sync()
        except (OSError, ValueError) as exc:  # disk full, file too large, closed file
            self._fail(exc)

    def _sync(self) -> None:
        """Make written lines durable, then commit them (that order)."""
        assert self.fh is not None
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self._commit()

    def _commit(self) -> None:
        """Commit durable items. If the ledger cannot (its disk is full, the store broke),
        the run stops and its feed stays unfinished: the next run recovers the lines and
        records them, where a finished feed with unrecorded items would be emitted twice."""
        try:
            self.ledger.commit(self.pending)
        except Exception as exc:  # noqa: BLE001 (sqlite3, Redis, CorruptState: "not recorded")
            self._fail(exc, what="to the state")
            return
        self.pending = []

    def _record_failure(self, exc: BaseException, what: str = "the feed") -> None:
        where = f"{what} {self.part or self.folder}" if what == "the feed" else what
        self.failed = f"{where}: {type(exc).__name__}: {exc}"
        self.stats.set_value("newscrawl/export/failed", self.failed)
        logger.error("cannot write %s; stopping the run", self.failed)

    def _fail(self, exc: BaseException, what: str = "the feed") -> None:
        if self.failed:
            return
        self._record_failure(exc, what)
        stop_run(self.crawler)

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Last sync and commit (with the notes of items dropped since), then the rename."""
        if self.fh is None:
            return
        if not self.failed:
            try:
                self._sync()
            except (OSError, ValueError) as exc:
                self._fail(exc)
        if self.failed:
            _close_quietly(self.fh)  # the .part stays; the next run recovers its lines
            return
        try:
            self.fh.close()
            assert self.final is not None and self.part is not None
            os.replace(self.part, self.final)
            fsync_dir(self.folder)
            logger.info("wrote %d items to %s", self.count, self.final)
        except OSError as exc:
            self._fail(exc)
        self.crawler.signals.send_catch_log(feed_running, path=None)


def _close_quietly(fh: IO[bytes]) -> None:
    """Close a feed whose writes already failed: flushing its buffer would fail again,
    and a torn last line is what recovery expects anyway."""
    try:
        fh.close()
    except OSError as exc:
        logger.debug("closing the failed feed: %s", exc)
