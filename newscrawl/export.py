"""The default feed: atomic JSON Lines files, and "seen" only once durable.

Scrapy writes feeds after the pipelines, so marking an article seen in a
pipeline loses it on a kill. Here each item is written, flushed and fsynced
before the state records it; a feed is written under a hidden name and renamed
to ``<UTC timestamp>.jsonl`` only when complete. A run killed mid-way leaves a
hidden ``.part`` file; the next run promotes its complete lines into a new
finished feed and records them (see :func:`recover_partial_feeds`).

With ``-o``/``-O`` Scrapy's own feed exporter writes the file and the run's
items are recorded when that exporter has closed its feeds.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, IO

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

from newscrawl.items import export_fields

logger = logging.getLogger(__name__)

PART_SUFFIX = ".part"


def feed_line(item: Any) -> str:
    adapter = ItemAdapter(item)
    return json.dumps({k: adapter.get(k) for k in export_fields()}, ensure_ascii=False) + "\n"


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, text: str) -> None:
    """Write a whole file under a hidden name, fsync, rename: readers never see half of it."""
    tmp = path.with_name(f".{path.name}{PART_SUFFIX}")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def read_complete_lines(path: Path) -> list[dict[str, Any]]:
    """The JSON objects of a feed, without a torn or corrupt last line."""
    rows = []
    with open(path, "rb") as fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                break  # torn by a kill: the item was never recorded as seen
            try:
                rows.append(json.loads(raw))
            except ValueError:
                logger.warning("skipping a corrupt line in %s", path)
    return rows


def recover_partial_feeds(folder: Path, stamp: str) -> tuple[Path | None, list[dict[str, Any]]]:
    """Promote the complete lines of killed runs' ``.part`` feeds into one finished feed."""
    parts = sorted(folder.glob(f".*.jsonl{PART_SUFFIX}"))
    rows: list[dict[str, Any]] = []
    for part in parts:
        rows.extend(read_complete_lines(part))
    target = None
    if rows:
        target = folder / f"{stamp}-recovered.jsonl"
        write_atomically(target, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        logger.warning("recovered %d items from an interrupted run into %s", len(rows), target)
    for part in parts:
        part.unlink()
    return target, rows


def utc_stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H-%M-%SZ")


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
        from newscrawl.state import StateExtension
        return self.crawler.get_extension(StateExtension)

    @property
    def feed_path(self) -> Path | None:
        """Where this run's items are (the default feed, or the first -o/-O file)."""
        if not self.user_feeds:
            return self.final
        uri = next(iter(self.crawler.settings.getdict("FEEDS")), None)
        return Path(str(uri).removeprefix("file://")) if uri else None

    def spider_opened(self, spider: Any) -> None:
        self.stamp = utc_stamp()
        if self.user_feeds:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        _, rows = recover_partial_feeds(self.folder, self.stamp)
        if rows:
            self.state.commit_rows(rows)
            self.crawler.stats.set_value("newscrawl/export/recovered", len(rows))
        self.final = self.folder / f"{self.stamp}.jsonl"
        self.part = self.folder / f".{self.stamp}.jsonl{PART_SUFFIX}"
        self.fh = open(self.part, "w", encoding="utf-8")

    def item_scraped(self, item: Any, spider: Any) -> None:
        self.count += 1
        self.pending.append(item)
        if self.user_feeds or self.failed:
            return
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
            self.state.commit_items(self.pending)
            self.pending = []

    def _fail(self, exc: OSError) -> None:
        self.failed = f"{type(exc).__name__}: {exc}"
        self.crawler.stats.set_value("newscrawl/export/failed", self.failed)
        logger.error("cannot write the feed %s: %s; stopping the run", self.part, exc)
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
            self.fh.close()
            if self.failed:
                return  # the .part stays; the next run recovers its complete lines
            os.replace(self.part, self.final)
            fsync_dir(self.folder)
            logger.info("wrote %d items to %s", self.count, self.final)
        except OSError as exc:
            self._fail(exc)
