"""Deduplication and incremental state: canonical URLs, fingerprints, near-duplicates,
the state store (SQLite, or Redis for scale-out) and the run lock.

No Scrapy imports: the pipeline and extensions adapt these plain classes. Names
load on first use: an extraction worker importing ``newscrawl.dedup.prepared``
must not pay for the state stores (SQLite, Redis client), about a second each.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "StateBackend": "backend", "open_state": "backend",
    "canonicalize_url": "canonical", "resolve_canonical": "canonical", "site_key": "canonical",
    "AlreadyRunning": "errors", "CorruptState": "errors", "StateUnavailable": "errors",
    "content_hash": "fingerprint", "normalise_body": "fingerprint", "shingles": "fingerprint",
    "story_id": "fingerprint", "RunLock": "lock", "Match": "neardup",
    "NearDuplicateIndex": "neardup", "ArticleRecord": "records", "HealthRecord": "records",
    "Validators": "records", "Signature": "signature", "StateStore": "sqlite_store",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value


__all__ = [  # each name loads in __getattr__
    "AlreadyRunning", "ArticleRecord", "CorruptState", "HealthRecord", "Match",
    "NearDuplicateIndex", "RunLock", "Signature", "StateBackend", "StateStore",
    "StateUnavailable", "Validators", "canonicalize_url", "content_hash", "normalise_body",
    "open_state", "resolve_canonical", "shingles", "site_key", "story_id",
]
