"""Deduplication and incremental state: canonical URLs, fingerprints, near-duplicates,
the state store (SQLite, or Redis for scale-out) and the run lock.

No Scrapy imports: the pipeline and extensions adapt these plain classes.
"""

from __future__ import annotations

from newscrawl.dedup.backend import StateBackend, open_state
from newscrawl.dedup.canonical import canonicalize_url, resolve_canonical, site_key
from newscrawl.dedup.errors import AlreadyRunning, CorruptState, StateUnavailable
from newscrawl.dedup.fingerprint import content_hash, normalise_body, shingles, story_id
from newscrawl.dedup.lock import RunLock
from newscrawl.dedup.neardup import Match, NearDuplicateIndex
from newscrawl.dedup.records import ArticleRecord, HealthRecord, Validators
from newscrawl.dedup.signature import Signature
from newscrawl.dedup.sqlite_store import StateStore

__all__ = [
    "AlreadyRunning", "ArticleRecord", "CorruptState", "HealthRecord", "Match",
    "NearDuplicateIndex", "RunLock", "Signature", "StateBackend", "StateStore", "StateUnavailable", "Validators",
    "canonicalize_url", "content_hash", "normalise_body", "open_state", "resolve_canonical",
    "shingles", "site_key", "story_id",
]
