"""Plain records exchanged with the state stores (both backends)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from newscrawl.dedup.signature import Signature


@dataclass
class ArticleRecord:
    """What the state remembers about one emitted article (keyed by canonical URL).

    ``aliases`` are the other URLs that led to it (redirect sources, tracking
    variants, a second section path): a later run requests none of them.
    ``signature`` is the near-duplicate signature, persisted with the article.
    """

    canonical_url: str
    site: str
    content_hash: str | None = None
    version: int = 1
    lastmod: str | None = None
    story_id: str | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    aliases: tuple[str, ...] = ()
    signature: Signature | None = field(default=None, repr=False, compare=False)

    def checksum(self) -> int:
        """CRC of the identifying fields: catches bytes flipped inside a stored row."""
        parts = (self.canonical_url, self.site, self.content_hash or "", str(self.version),
                 self.lastmod or "", self.story_id or "")
        return zlib.crc32("\x1f".join(parts).encode("utf-8"))

    def to_json(self) -> dict[str, Any]:
        return {"canonical_url": self.canonical_url, "site": self.site,
                "content_hash": self.content_hash, "version": self.version,
                "lastmod": self.lastmod, "story_id": self.story_id,
                "first_seen": self.first_seen, "last_seen": self.last_seen}

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> ArticleRecord:
        return cls(canonical_url=str(doc["canonical_url"]), site=str(doc["site"]),
                   content_hash=doc.get("content_hash"), version=int(doc.get("version") or 1),
                   lastmod=doc.get("lastmod"), story_id=doc.get("story_id"),
                   first_seen=doc.get("first_seen"), last_seen=doc.get("last_seen"))


@dataclass(frozen=True)
class Validators:
    """HTTP validators of a discovery document, for a conditional request."""

    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class PageVerdict:
    """A fetched page judged not an article: why, the discovery date it had, when judged.

    ``verdict`` is "other" (not fetched again until a discovery source dates it later
    than ``lastmod`` or the re-check interval passes) or "listing" (fetched as a listing).
    """

    url: str
    site: str
    verdict: str
    reason: str
    lastmod: str | None
    checked: str


@dataclass(frozen=True)
class HealthRecord:
    """One run's field coverage for one site (share of items having each field)."""

    site: str
    run_id: int | None
    ts: str
    coverage: dict[str, float]


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
