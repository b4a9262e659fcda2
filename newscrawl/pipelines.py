"""Item pipelines, in order: clean → validate → deduplicate.

Each drops with a typed reason (see :mod:`newscrawl.exceptions`), so Scrapy
counts ``item_dropped_reasons_count/<Reason>`` and the URL is logged.
Export and "mark seen" are not here: :mod:`newscrawl.export.writer` does them once an
item is durably written.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from itemadapter import ItemAdapter
from jsonschema import Draft202012Validator
from scrapy.exceptions import NotConfigured

from newscrawl.dedup.fingerprint import content_hash
from newscrawl.exceptions import (
    ArticleLimitReached,
    DuplicateArticle,
    InvalidArticle,
    MissingContent,
    NearDuplicateArticle,
    TooOld,
    UnchangedArticle,
)
from newscrawl.items import export_fields

logger = logging.getLogger(__name__)

WORD_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+",
                     re.UNICODE)  # CJK characters count one word each


def count_words(text: str) -> int:
    return len(WORD_RE.findall(text or ""))


def clean_text(text: str | None) -> str | None:
    """NFC, no control characters, trimmed lines, paragraphs separated by one blank line."""
    if not text:
        return None
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _drop_controls(text)
    paragraphs = [re.sub(r"[ \t\u00a0]+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    paragraphs = ["\n".join(line.strip() for line in p.split("\n") if line.strip())
                  for p in paragraphs]
    return "\n\n".join(p for p in paragraphs if p) or None


def _drop_controls(text: str) -> str:
    """Remove control/format characters except newline, tab, ZWNJ and ZWJ.

    Categories are looked up once per distinct character, not per character:
    this runs on every body in the reactor process.
    """
    bad = {ch for ch in set(text)
           if unicodedata.category(ch)[0] == "C" and ch not in "\n\t\u200c\u200d"}
    return text.translate(dict.fromkeys(map(ord, bad))) if bad else text


def clean_line(text: str | None) -> str | None:
    cleaned = clean_text(text)
    return re.sub(r"\s+", " ", cleaned).strip() if cleaned else None


class CleanPipeline:
    """Normalise text fields and derive word_count and content_hash."""

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        for name in ("title", "description", "section", "site_name", "language"):
            adapter[name] = clean_line(adapter.get(name))
        adapter["body"] = clean_text(adapter.get("body"))
        adapter["authors"] = _unique(clean_line(a) for a in adapter.get("authors") or [])
        adapter["tags"] = _unique(clean_line(t) for t in adapter.get("tags") or [])
        adapter["canonical_url"] = adapter.get("canonical_url") or adapter["url"]
        adapter["word_count"] = count_words(adapter.get("body") or "")
        adapter["content_hash"] = content_hash(adapter["body"]) if adapter.get("body") else None
        return item


class ValidatePipeline:
    """Never export a half-empty or schema-invalid item; apply ``-a since`` after extraction."""

    def __init__(self, stats: Any, since: datetime | None) -> None:
        self.stats = stats
        self.since = since
        schema = json.loads(resources.files("newscrawl").joinpath(
            "schema/article.schema.json").read_text(encoding="utf-8"))
        self.validator = Draft202012Validator(schema)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ValidatePipeline:
        return cls(crawler.stats, getattr(crawler.spider, "since", None))

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        missing = [f for f in ("title", "body") if not adapter.get(f)]
        if missing:
            logger.info("dropped %s: no %s", adapter["url"], " and no ".join(missing))
            raise MissingContent(f"no {' and no '.join(missing)}: {adapter['url']}")
        if self.since and _before(adapter.get("published"), self.since):
            raise TooOld(f"published {adapter['published']} before since: {adapter['url']}")
        public = {k: adapter.get(k) for k in export_fields()}
        errors = sorted(self.validator.iter_errors(public), key=lambda e: list(e.path))
        if errors:
            first = errors[0]
            where = "/".join(str(p) for p in first.path) or "-"
            self.stats.inc_value("newscrawl/validate/schema_errors")
            logger.warning("invalid item %s: %s: %s", adapter["url"], where, first.message)
            raise InvalidArticle(f"{where}: {first.message}: {adapter['url']}")
        return item


class DeduplicatePipeline:
    """One item per article: canonical URL, exact body hash, near-duplicates, versions.

    Looks are read-only against the state; :mod:`newscrawl.export.writer` records what was
    emitted only after it is durably in the output.
    """

    def __init__(self, crawler: Any, stats: Any, near_mode: str) -> None:
        if near_mode not in ("mark", "drop"):
            # a typo must stop the run, never switch dedup off (NotConfigured means "off")
            raise ValueError(f"NEWSCRAWL_NEAR_DUPLICATES must be mark or drop, not {near_mode!r}")
        self.crawler, self.stats, self.near_mode = crawler, stats, near_mode
        self.urls: set[str] = set()
        self.hashes: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> DeduplicatePipeline:
        return cls(crawler, crawler.stats, crawler.settings.get("NEWSCRAWL_NEAR_DUPLICATES"))

    def open_spider(self) -> None:
        from newscrawl.dedup.ledger import StateExtension
        self.state = self.crawler.get_extension(StateExtension)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        key, digest = adapter["canonical_url"], adapter["content_hash"]
        if key in self.urls or digest in self.hashes:
            first = key if key in self.urls else self.hashes[digest]
            self.state.add_aliases(first, [*adapter.get("aliases", []), adapter["url"], key])
            raise DuplicateArticle(f"already emitted as {first}: {adapter['url']}")
        known = self.state.known(key)
        if known is not None:
            if known.content_hash == digest:
                self.state.touch(key, adapter)
                raise UnchangedArticle(f"unchanged since an earlier run: {key}")
            adapter["version"] = (known.version or 1) + 1
            adapter["updated"] = True
            self.stats.inc_value("newscrawl/dedup/updated")
        self._near(adapter, known)
        self.urls.add(key)
        self.hashes[digest] = key
        return item

    def _near(self, adapter: ItemAdapter, known: Any) -> None:
        key = adapter["canonical_url"]
        first = self.state.near_duplicate_of(key, adapter["body"])
        if first is None or first == key:
            adapter["story_id"] = (known.story_id if known is not None and known.story_id
                                   else self.state.new_story_id(key))
            return
        self.stats.inc_value("newscrawl/dedup/near")
        if self.near_mode == "drop":
            raise NearDuplicateArticle(f"copy of {first}: {key}")
        adapter["duplicate_of"] = first
        adapter["story_id"] = self.state.story_of(first)
        self.state.stories[key] = adapter["story_id"]


class ArticleLimitPipeline:
    """``-a max_articles=N``: at most N items, however many pages were in flight."""

    def __init__(self, limit: int) -> None:
        self.limit, self.count = limit, 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArticleLimitPipeline:
        limit = getattr(crawler.spider, "max_articles", 0)
        if not limit:
            raise NotConfigured  # no -a max_articles: off on purpose, nothing to warn about
        return cls(limit)

    def process_item(self, item: Any) -> Any:
        if self.count >= self.limit:
            raise ArticleLimitReached(f"max_articles={self.limit} reached")
        self.count += 1
        return item


def _unique(values: Any) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        if value and value.casefold() not in seen:
            seen[value.casefold()] = value
    return list(seen.values())


def _before(published: str | None, since: datetime) -> bool:
    if not published:
        return False
    try:
        when = datetime.fromisoformat(published)  # 3.11 reads a trailing Z
    except ValueError:
        return False
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when < since
