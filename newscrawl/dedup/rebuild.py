"""Reading finished JSON Lines feeds back into state records (rebuild after corruption)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from newscrawl.dedup.canonical import canonicalize_url
from newscrawl.dedup.neardup import NearDuplicateIndex
from newscrawl.dedup.records import ArticleRecord

logger = logging.getLogger(__name__)

REQUIRED = ("url", "site")


def iter_feed_records(paths: Iterable[Path], with_signatures: bool = False,
                      ) -> Iterator[ArticleRecord]:
    """One record per valid feed line, in file order; torn or foreign lines are skipped.

    With ``with_signatures``, each record carries its body's near-dup signature.
    """
    index = None
    if with_signatures:
        index = NearDuplicateIndex()
    for path in paths:
        skipped = 0
        with open(path, "rb") as handle:
            for raw in handle:
                record = _parse_line(raw, index)
                if record is None:
                    skipped += 1
                else:
                    yield record
        if skipped:
            logger.warning("rebuild: skipped %d unreadable lines in %s", skipped, path)


def merge_records(records: Iterable[ArticleRecord]) -> dict[str, ArticleRecord]:
    """Keep the highest version per canonical URL; gather every URL as an alias."""
    merged: dict[str, ArticleRecord] = {}
    for rec in records:
        old = merged.get(rec.canonical_url)
        if old is None:
            merged[rec.canonical_url] = rec
            continue
        newer, other = (rec, old) if rec.version >= old.version else (old, rec)
        newer.aliases = tuple(dict.fromkeys(other.aliases + newer.aliases))
        newer.signature = newer.signature or other.signature
        newer.first_seen = min(filter(None, (old.first_seen, rec.first_seen)), default=None)
        merged[rec.canonical_url] = newer
    return merged


def _parse_line(raw: bytes, index: NearDuplicateIndex | None) -> ArticleRecord | None:
    if not raw.endswith(b"\n"):
        return None  # torn last line of a killed write
    try:
        doc = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return record_from_row(doc, index) if isinstance(doc, dict) else None


def record_from_row(doc: dict, index: NearDuplicateIndex | None = None) -> ArticleRecord | None:
    """The state record of one feed line (None for a foreign one); with ``index``, its
    body's near-duplicate signature too. Rebuild and recovery read lines alike."""
    if not all(isinstance(doc.get(k), str) for k in REQUIRED):
        return None
    url = doc["url"]
    canonical = canonicalize_url(doc.get("canonical_url") or url)
    body = doc.get("body")
    signature = index.signature(body) if index is not None and isinstance(body, str) else None
    return ArticleRecord(
        canonical_url=canonical, site=doc["site"], content_hash=doc.get("content_hash"),
        # the sitemap date is not in the feed; the page's own ``modified`` is no stand-in
        # (sitemaps often date a page later): the fetch time decides instead
        version=int(doc.get("version") or 1), lastmod=doc.get("lastmod"),
        story_id=doc.get("story_id"), first_seen=doc.get("fetched_at"),
        last_seen=doc.get("fetched_at"), aliases=(url,) if url != canonical else (),
        signature=signature,
    )
