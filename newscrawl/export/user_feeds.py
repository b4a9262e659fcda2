"""``-o``/``-O``/``-o -``: Scrapy's feed exporter writes; seen follows written.

Scrapy logs a feed's write errors and carries on, so an unwritable ``-O`` or a
broken pipe used to end the run with exit 0 and every article marked seen. Here
the storages (FEED_STORAGES) report every failure of open, write, flush and
store with the ``feed_failed`` signal, and make a stored file durable (fsync).
:class:`UserFeedCommitter` stops the run on such a signal (exit 8) and commits
the run's items only after Scrapy closed every feed, each without error and
holding every item. A feed that failed takes no more items
(:class:`WatchedFeedExporter`): its one ERROR line is the whole story, not a
traceback for every item scraped while the run stops.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path
from typing import IO, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.extensions.feedexport import FeedExporter, FileFeedStorage, StdoutFeedStorage

from newscrawl.dedup.ledger import record_fields
from newscrawl.export.files import fsync_dir
from newscrawl.export.signals import feed_failed
from newscrawl.export.writer import stop_run
from newscrawl.extensions.ledger import LedgerExtension

logger = logging.getLogger(__name__)


class _Watched:
    """A feed's file: its first error of write/flush/close is reported, then raised.

    After it the file is dead: a write or flush does nothing (the reader has gone, the
    disk is full; the run is already stopping and commits nothing), so Scrapy's closing
    of the feed (``finish_exporting``, ``store``) raises no second error for it to log
    with a traceback."""

    def __init__(self, fh: IO[bytes], storage: _Reporting) -> None:
        self._fh, self._storage = fh, storage

    def _call(self, name: str, *args: Any) -> Any:
        try:
            return getattr(self._fh, name)(*args)
        except (OSError, ValueError) as exc:
            self._storage.report(exc)
            raise

    def write(self, data: bytes) -> int:
        return len(data) if self._storage.failed else self._call("write", data)

    def flush(self) -> None:
        if not self._storage.failed:
            self._call("flush")

    def close(self) -> None:
        if not self._storage.failed:
            self._call("close")
            return
        with contextlib.suppress(OSError, ValueError):  # the fd is released all the same
            self._fh.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fh, name)


class _Reporting:
    """The reporting half both storages share: which feed, the signal, whether it failed."""

    crawler: Any
    feed: str
    failed: str | None = None  # the first error, once there was one

    def report(self, exc: BaseException) -> None:
        if self.failed:
            return  # reported once; the committer records the first failure only anyway
        self.failed = f"{type(exc).__name__}: {exc}"
        self.crawler.signals.send_catch_log(feed_failed, feed=self.feed, reason=self.failed)

    def watched_open(self, opener: Any, spider: Any) -> _Watched:
        try:
            return _Watched(opener(spider), self)
        except (OSError, ValueError) as exc:  # parent is a file, no permission, disk full
            self.report(exc)
            raise


class WatchedFileStorage(_Reporting, FileFeedStorage):
    """FEED_STORAGES "" and "file": a stored feed is fsynced, and its failures reported."""

    def __init__(self, uri: str, crawler: Any, *, feed_options: dict[str, Any] | None = None):
        super().__init__(uri, feed_options=feed_options)
        self.crawler, self.feed = crawler, self.path

    @classmethod
    def from_crawler(cls, crawler: Any, uri: str, *,
                     feed_options: dict[str, Any] | None = None) -> WatchedFileStorage:
        return cls(uri, crawler, feed_options=feed_options)

    def open(self, spider: Any) -> Any:
        return self.watched_open(super().open, spider)

    def store(self, file: Any) -> None:
        if self.failed:
            file.close()  # nothing of it will be called written; no fsync to fail again
            return
        file.flush()
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            file.close()  # -O /dev/stdout, a FIFO: nothing to make durable (fsync: EINVAL)
            return
        try:
            os.fsync(file.fileno())
        except OSError as exc:
            self.report(exc)
            raise
        file.close()
        fsync_dir(Path(self.path).resolve().parent)


class WatchedStdoutStorage(_Reporting, StdoutFeedStorage):
    """FEED_STORAGES "stdout" (``-o -``): a broken pipe or a full disk is a failed feed."""

    def __init__(self, uri: str, crawler: Any, *, feed_options: dict[str, Any] | None = None):
        super().__init__(uri, feed_options=feed_options)
        self.crawler, self.feed = crawler, "stdout"

    @classmethod
    def from_crawler(cls, crawler: Any, uri: str, *,
                     feed_options: dict[str, Any] | None = None) -> WatchedStdoutStorage:
        return cls(uri, crawler, feed_options=feed_options)

    def open(self, spider: Any) -> Any:
        return self.watched_open(super().open, spider)

    def store(self, file: Any) -> None:
        file.flush()  # what a pipe reader got is all the run may call seen


class WatchedFeedExporter(FeedExporter):
    """EXTENSIONS in place of Scrapy's FeedExporter: a feed whose storage failed is
    skipped for every later item.

    Scrapy's handler lets a storage's write error escape to ``send_catch_log``, which
    logs a traceback for it, and for every item scraped while the run stops (each one
    writes into the dead file again) - after ``| head -n 1`` a cron mail full of them.
    The storage has reported the failure in one line (``feed_failed``); the items it did
    not take are not counted in the feed (Scrapy's "Stored ... (N items)"), and the
    other feeds still get every item."""

    def item_scraped(self, item: Any, spider: Any) -> None:
        every, kept = self.slots, []
        try:
            for slot in every:
                self.slots = [slot]  # Scrapy's handler on this slot alone (it may start a batch)
                if not _has_failed(slot):
                    self._export(item, spider, slot)
                kept += self.slots
        except BaseException:
            self.slots = every  # as Scrapy's own handler leaves them when an export raises
            raise
        self.slots = kept

    def _export(self, item: Any, spider: Any, slot: Any) -> None:
        try:
            super().item_scraped(item, spider)
        except (OSError, ValueError):
            if not _has_failed(slot):
                raise  # not an error the storage reported: Scrapy logs it as before


def _has_failed(slot: Any) -> bool:
    """Whether a slot's storage reported a failure (Scrapy's own storages never do)."""
    return bool(getattr(slot.storage, "failed", None))


class UserFeedCommitter:
    """EXTENSIONS entry with -o/-O: commit this run's items once every feed is stored."""

    def __init__(self, crawler: Any, feeds: list[str]) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.feeds = feeds  # FEEDS keys, as Scrapy's exporter names them
        self.pending: list[dict[str, Any]] = []
        self.exported: dict[str, int] = dict.fromkeys(feeds, 0)
        self.failed: str | None = None
        self.ledger: Any = None  # the run's ledger, found at the commit

    @classmethod
    def from_crawler(cls, crawler: Any) -> UserFeedCommitter:
        feeds = crawler.settings.getdict("FEEDS")
        if not feeds:
            raise NotConfigured  # no -o/-O: the default feed writer commits (no message: no WARNING)
        ext = cls(crawler, [str(Path(k).absolute()) if isinstance(k, Path) else str(k)
                            for k in feeds])
        for handler, signal in ((ext.item_scraped, signals.item_scraped),
                                (ext.feed_failed, feed_failed),
                                (ext.slot_closed, signals.feed_slot_closed),
                                (ext.feeds_closed, signals.feed_exporter_closed)):
            crawler.signals.connect(handler, signal=signal)
        return ext

    def item_scraped(self, item: Any, spider: Any) -> None:
        if not self.failed:
            self.pending.append(record_fields(item))

    def feed_failed(self, feed: str, reason: str) -> None:
        """A storage reported an error: the run stops, and commits nothing."""
        if self._record(feed, reason):
            stop_run(self.crawler)

    def _record(self, feed: str, reason: str) -> bool:
        if self.failed:
            return False
        self.failed = f"{feed}: {reason}"
        self.stats.set_value("newscrawl/export/failed", self.failed)
        logger.error("cannot write the feed %s; stopping the run, nothing marked seen",
                     self.failed)
        return True

    def slot_closed(self, slot: Any) -> None:
        self.exported[slot.uri_template] = self.exported.get(slot.uri_template, 0) + slot.itemcount

    def feeds_closed(self) -> None:
        """Every feed stored: commit, unless one failed or lost items on the way."""
        for feed in self.feeds:
            missing = len(self.pending) - self.exported.get(feed, 0)
            if missing > 0 and _takes_all(self.crawler, feed):
                self._record(feed, f"{missing} of {len(self.pending)} items were not exported")
        pending, self.pending = self.pending, []
        if self.failed:
            return
        try:
            ledger = self.ledger or self.crawler.get_extension(LedgerExtension).ledger
            ledger.commit(pending)
        except Exception as exc:  # noqa: BLE001 (sqlite3, Redis, CorruptState: "not recorded")
            self._record("the state", f"{type(exc).__name__}: {exc}")


def _takes_all(crawler: Any, feed: str) -> bool:
    """A feed with no item filter must hold every scraped item."""
    options = crawler.settings.getdict("FEEDS").get(feed) or {}
    return not options.get("item_classes") and not options.get("item_filter")
