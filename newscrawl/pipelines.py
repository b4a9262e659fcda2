"""Item pipelines, in order: clean → validate → encodable → deduplicate → limit.

Each drops with a typed reason (see :mod:`newscrawl.exceptions`), so Scrapy
counts ``item_dropped_reasons_count/<Reason>`` and the URL is logged.
Export and "mark seen" are not here: :mod:`newscrawl.export.writer` does them once an
item is durably written.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from importlib import resources
from typing import Any

import fastjsonschema
from itemadapter import ItemAdapter
from jsonschema import Draft202012Validator
from scrapy.exceptions import NotConfigured

from newscrawl.cleaning import FIELD_CHARS, LIST_CAPS, clean_field, sanitised
from newscrawl.dedup.fingerprint import content_hash, story_id
from newscrawl.exceptions import (
    ArticleLimitReached,
    DuplicateArticle,
    InvalidArticle,
    MissingContent,
    NearDuplicateArticle,
    TooOld,
    UnchangedArticle,
    UnencodableArticle,
)
from newscrawl.export.writer import feed_line
from newscrawl.extensions.ledger import LedgerExtension
from newscrawl.extraction.wordcount import count_words
from newscrawl.items import export_fields
from newscrawl.since import before

logger = logging.getLogger(__name__)

class CleanPipeline:
    """Normalise text fields, cap their sizes, derive word_count and content_hash.

    An item from the spider carries its body already cleaned by the extraction
    worker, with its facts (``prepared``, :mod:`newscrawl.dedup.prepared`): the
    body is then taken as it is, and its facts are used.
    """

    def __init__(self, stats: Any = None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> CleanPipeline:
        return cls(crawler.stats)

    def _capped(self, name: str, text: str | None, limit: int) -> str | None:
        text, cut = clean_field(text, limit, paragraphs=name == "body")
        if cut:
            self._count_capped(name)
        return text

    def _count_capped(self, name: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"newscrawl/clean/capped/{name}")

    def _capped_list(self, name: str, values: Any) -> list[str]:
        entries, chars = LIST_CAPS[name]
        values = list(values or [])
        if len(values) > entries:
            self._count_capped(name)
        return _unique(self._capped(name, v, chars) for v in values[:entries * 4])[:entries]

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        prepared = adapter.get("prepared")
        for name in adapter.field_names():  # every string, nested too: no lone surrogate
            if name != "prepared":
                adapter[name] = sanitised(adapter.get(name))
        for name, limit in FIELD_CHARS.items():
            if name != "body" or prepared is None:
                adapter[name] = self._capped(name, adapter.get(name), limit)
        for name in LIST_CAPS:
            adapter[name] = self._capped_list(name, adapter.get(name))
        adapter["canonical_url"] = adapter.get("canonical_url") or adapter["url"]
        if prepared is not None:
            if prepared.capped:
                self._count_capped("body")
            adapter["word_count"], adapter["content_hash"] = \
                prepared.word_count, prepared.content_hash
            return item
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
        self.fast = fastjsonschema.compile(schema)  # the fast yes; jsonschema says why not

    @classmethod
    def from_crawler(cls, crawler: Any) -> ValidatePipeline:
        return cls(crawler.stats, getattr(crawler.spider, "since", None))

    def valid(self, public: dict[str, Any]) -> bool:
        """True when the line satisfies the schema (fastjsonschema's generated code)."""
        try:
            self.fast(public)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        missing = [f for f in ("title", "body") if not adapter.get(f)]
        if missing:
            logger.info("dropped %s: no %s", adapter["url"], " and no ".join(missing))
            raise MissingContent(f"no {' and no '.join(missing)}: {adapter['url']}")
        if self.since and before(adapter.get("published"), self.since):
            raise TooOld(f"published {adapter['published']} before since: {adapter['url']}")
        public = {k: adapter.get(k) for k in export_fields()}
        if self.valid(public):
            return item
        errors = sorted(self.validator.iter_errors(public), key=lambda e: list(e.path))
        if errors:
            first = errors[0]
            where = "/".join(str(p) for p in first.path) or "-"
            self.stats.inc_value("newscrawl/validate/schema_errors")
            logger.warning("invalid item %s: %s: %s", adapter["url"], where, first.message)
            raise InvalidArticle(f"{where}: {first.message}: {adapter['url']}")
        return item


class EncodablePipeline:
    """Drop, with its reason, an item no feed could encode (the writer never half-writes)."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> EncodablePipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        try:
            feed_line(item)
        except (ValueError, TypeError) as exc:
            self.stats.inc_value("newscrawl/export/unencodable")
            raise UnencodableArticle(f"{exc}: {ItemAdapter(item).get('url')}") from exc
        return item


class DeduplicatePipeline:
    """One item per article: canonical URL, exact body hash, near-duplicates, versions.

    It only asks the ledger and leaves it notes; the output side commits what was
    emitted once it is durably written (:mod:`newscrawl.dedup.ledger`).
    """

    def __init__(self, crawler: Any, stats: Any, near_mode: str) -> None:
        if near_mode not in ("mark", "drop"):
            # a typo must stop the run, never switch dedup off (NotConfigured means "off")
            raise ValueError(f"NEWSCRAWL_NEAR_DUPLICATES must be mark or drop, not {near_mode!r}")
        self.crawler, self.stats, self.near_mode = crawler, stats, near_mode
        self.ledger: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> DeduplicatePipeline:
        return cls(crawler, crawler.stats, crawler.settings.get("NEWSCRAWL_NEAR_DUPLICATES"))

    def open_spider(self) -> None:
        self.ledger = self.crawler.get_extension(LedgerExtension).ledger

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        key, digest = adapter["canonical_url"], adapter["content_hash"]
        urls = [*adapter.get("aliases", []), adapter["url"], key]
        first = self.ledger.twin_of(key, digest)
        if first is not None:
            self.ledger.note_alias(first, urls)
            raise DuplicateArticle(f"already emitted as {first}: {adapter['url']}")
        known = self.ledger.known(key)
        if known is not None:
            if known.content_hash == digest:
                self.ledger.note_unchanged(known, item)
                raise UnchangedArticle(f"unchanged since an earlier run: {key}")
            adapter["version"] = (known.version or 1) + 1
            adapter["updated"] = True
            self.stats.inc_value("newscrawl/dedup/updated")
        elif digest and (twin := self.ledger.known_body(digest)) is not None:
            self.ledger.note_alias(twin.canonical_url, urls)
            raise DuplicateArticle(f"emitted by an earlier run as {twin.canonical_url}: {key}")
        self._near(adapter, known)
        self.ledger.accept(key, digest, adapter["story_id"])
        adapter["prepared"] = None  # its last reader: the item waits for its feed without it
        return item

    def _near(self, adapter: ItemAdapter, known: Any) -> None:
        key = adapter["canonical_url"]
        prepared = adapter.get("prepared")
        first = self.ledger.near_duplicate_of(
            key, adapter["body"], prepared.signature if prepared is not None else None)
        if first is None or first == key:
            adapter["story_id"] = (known.story_id if known is not None and known.story_id
                                   else story_id(key))
            return
        self.stats.inc_value("newscrawl/dedup/near")
        if self.near_mode == "drop":
            raise NearDuplicateArticle(f"copy of {first}: {key}")
        adapter["duplicate_of"] = first
        adapter["story_id"] = self.ledger.story_of(first)


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
