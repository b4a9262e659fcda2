"""Scrapy glue for the dedup ledger: open it with the run, hear the writer, close it last.

The ledger itself (:mod:`newscrawl.dedup.ledger`) knows no Scrapy component. This
extension builds it from settings, learns the running feed from the writer's
``feed_running`` signal, and closes it at ``engine_stopped`` (after the writer's
last commit at ``spider_closed``), telling it whether the run was complete.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scrapy import signals

from newscrawl.dedup import CorruptState, StateStore, open_state
from newscrawl.dedup.backend import rebuild_state
from newscrawl.dedup.ledger import Ledger
from newscrawl.export.signals import feed_running

logger = logging.getLogger(__name__)


def _state_dir(settings: Any) -> Path:
    return Path(settings.get("NEWSCRAWL_STATE_DIR") or ".newscrawl")


def _finished_feeds(settings: Any, unfinished: Iterable[Path] = ()) -> list[Path]:
    out = Path(settings.get("NEWSCRAWL_OUTPUT_DIR") or "output")
    return [*sorted(out.glob("*/*.jsonl")), *unfinished]


def open_store(settings: Any) -> Any:
    """The configured store: Redis when NEWSCRAWL_REDIS_URL is set, else SQLite
    (quarantined and rebuilt from the finished feeds when corrupt)."""
    return open_state(_state_dir(settings), settings.get("NEWSCRAWL_REDIS_URL") or None,
                      feeds=lambda: _finished_feeds(settings))


def rebuild_store(settings: Any, exc: CorruptState, unfinished: Iterable[Path] = ()) -> StateStore:
    """Move a corrupt SQLite state aside and refill it from the finished feeds.

    Mid-run, ``unfinished`` adds the running feed: its fsynced lines include every
    item this run committed, so they must stay "seen".
    """
    logger.error("%s; rebuilding the state from the finished feeds", exc)
    return rebuild_state(_state_dir(settings), _finished_feeds(settings, unfinished))


class LedgerExtension:
    """EXTENSIONS entry: owns the run's :class:`Ledger` (``crawler.get_extension(...).ledger``)."""

    def __init__(self, ledger: Ledger, stats: Any) -> None:
        self.ledger = ledger
        self.stats = stats
        self.close_reason: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> LedgerExtension:
        settings = crawler.settings
        fresh = bool(getattr(crawler.spider, "fresh", False))
        rebuild = None if settings.get("NEWSCRAWL_REDIS_URL") else \
            (lambda exc, running: rebuild_store(settings, exc, running))
        shared = settings.get("NEWSCRAWL_REDIS_NEARDUP_KEY") or None
        if shared:
            shared = shared % {"spider": crawler.spidercls.name}
        ext = cls(Ledger(open_store(settings), crawler.stats, fresh=fresh, rebuild=rebuild,
                         shared_log=shared), crawler.stats)
        crawler.signals.connect(ext.feed_running, feed_running)
        crawler.signals.connect(ext.spider_closed, signals.spider_closed)
        crawler.signals.connect(ext.engine_stopped, signals.engine_stopped)
        return ext

    def feed_running(self, path: Path | None) -> None:
        self.ledger.running_feed = path

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.close_reason = reason

    def engine_stopped(self) -> None:
        stats = self.stats.get_stats()
        complete = self.close_reason == "finished" \
            and not stats.get("newscrawl/export/failed") \
            and not any(k.startswith("newscrawl/budget/exhausted") for k in stats)
        self.ledger.close(complete)
