"""Choosing and opening the state backend: one call for the pipeline and extensions.

``StateBackend`` is the interface both stores implement (SQLite embedded by
default, Redis when ``NEWSCRAWL_REDIS_URL`` is set for scale-out).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol

from newscrawl.dedup.errors import CorruptState
from newscrawl.dedup.records import ArticleRecord, HealthRecord, Validators
from newscrawl.dedup.signature import Signature
from newscrawl.dedup.sqlite_store import StateStore

logger = logging.getLogger(__name__)


class StateBackend(Protocol):
    """What the pipeline, the spider and the run extension may call on a state store."""

    def close(self) -> None: ...
    def known_url(self, url: str) -> ArticleRecord | None: ...
    def get(self, canonical_url: str) -> ArticleRecord | None: ...
    def known_hash(self, content_hash: str) -> ArticleRecord | None: ...
    def commit_articles(self, records: Iterable[ArticleRecord]) -> int: ...
    def rebuild_from_feeds(self, paths: Iterable[Path], batch: int = ...) -> int: ...
    def lastmod(self, url: str) -> str | None: ...
    def set_lastmods(self, lastmods: dict[str, str]) -> None: ...
    def validators(self, url: str) -> Validators | None: ...
    def set_validators(self, url: str, etag: str | None, last_modified: str | None) -> None: ...
    def neardup_signatures(self) -> Iterator[tuple[str, Signature]]: ...
    def add_signatures(self, items: Iterable[tuple[str, Signature]]) -> None: ...
    def begin_run(self) -> int: ...
    def finish_run(self, run_id: int, status: str) -> None: ...
    def record_health(self, site: str, coverage: dict[str, float],
                      run_id: int | None = None) -> None: ...
    def health_history(self, site: str, n: int = 10) -> list[HealthRecord]: ...
    def reset(self) -> None: ...
    def verify(self) -> None: ...


def open_state(state_dir: str | os.PathLike[str], redis_url: str | None = None,
               redis_prefix: str = "newscrawl",
               feeds: Callable[[], Iterable[Path]] | None = None) -> StateBackend:
    """Open the configured store; a corrupt SQLite store is quarantined and rebuilt.

    ``feeds`` lists the finished output feeds to rebuild from (called only on
    corruption).  Without it, ``CorruptState`` propagates to the caller.
    """
    if redis_url:
        from newscrawl.dedup.redis_store import RedisStateStore  # lazy: only scale-out needs redis

        return RedisStateStore.open(redis_url, prefix=redis_prefix)
    try:
        return StateStore.open(state_dir)
    except CorruptState as exc:
        if feeds is None:
            raise
        logger.error("%s; quarantining and rebuilding from the output feeds", exc)
    return rebuild_state(state_dir, feeds())


def rebuild_state(state_dir: str | os.PathLike[str], feeds: Iterable[Path]) -> StateStore:
    """Move a corrupt SQLite store aside and refill a new one from the given feeds."""
    moved = StateStore.quarantine(state_dir)
    store = StateStore.open(state_dir)
    paths = list(feeds)
    count = store.rebuild_from_feeds(paths)
    logger.warning("rebuilt the state from the feeds: %d articles from %d feeds (bad copy kept in %s)",
                   count, len(paths), moved)
    return store
