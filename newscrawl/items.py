"""The Article item: the one contract newscrawl gives its downstream users.

A plain dataclass of JSON-serialisable fields, handled through itemadapter.
``newscrawl/schema/article.schema.json`` is the same contract as JSON Schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

SCHEMA_VERSION = "1.0"
INTERNAL = {"internal": True}


@dataclass
class Article:
    url: str  # fetched URL after redirects
    site: str  # registry name of the site
    title: str | None = None
    body: str | None = None  # plain text, paragraphs separated by a blank line
    canonical_url: str | None = None  # declared canonical, normalised
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601, with UTC offset when known
    modified: str | None = None
    language: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    description: str | None = None
    image: str | None = None
    site_name: str | None = None
    word_count: int = 0
    fetched_at: str | None = None  # ISO 8601 UTC
    content_hash: str | None = None  # sha1 of the normalised body
    version: int = 1  # bumped when a seen article changed
    updated: bool = False  # true when this is a new version of an article seen before
    duplicate_of: str | None = None  # canonical URL of the first copy of a syndicated story
    story_id: str | None = None  # shared by all copies of one story
    provenance: dict[str, str] = field(default_factory=dict)  # field -> source that produced it
    schema_version: str = SCHEMA_VERSION
    # Internal: used by the dedup pipeline and the state, never exported.
    aliases: list[str] = field(default_factory=list, metadata=INTERNAL)  # URLs that led here
    lastmod: str | None = field(default=None, metadata=INTERNAL)  # sitemap/feed date of the URL
    # the body's word count, hash and signature, computed with it in the extraction worker
    prepared: Any = field(default=None, metadata=INTERNAL)  # newscrawl.dedup.prepared.PreparedBody


def export_fields() -> list[str]:
    """The public fields, in order: what feeds contain (FEED_EXPORT_FIELDS)."""
    return [f.name for f in fields(Article) if not f.metadata.get("internal")]
