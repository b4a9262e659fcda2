"""Sitemaps (XML, gzip, plain text) including the Google News fields.

Scrapy's own sitemap parser drops ``news:publication_date`` and friends,
which are exactly what lets the spider apply ``since`` before fetching.
Parsing streams with ``iterparse`` so a 50 MB sitemap never becomes one
big tree, and refuses entity declarations (see :mod:`.safexml`).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from lxml import etree

from newscrawl.discovery.dates import parse_date
from newscrawl.discovery.safexml import (
    DEFAULT_MAX_BYTES,
    PARSER_OPTIONS,
    UnsafeDocument,
    clean_http_url,
    localname,
    looks_like_html,
    read_body,
    refuse_entity_declarations,
)
from newscrawl.discovery.walker import SitemapWalker

logger = logging.getLogger(__name__)

__all__ = ["Sitemap", "SitemapEntry", "SitemapWalker", "parse_sitemap", "sitemap_urls_from_robots"]

DEFAULT_MAX_URLS = 50_000  # sitemaps.org limit per file
MAX_TEXT_FIELD = 1000  # longest news:title / language we keep

SitemapKind = Literal["urlset", "index", "invalid"]
ENTRY_TAGS = ("{*}url", "{*}sitemap")


@dataclass
class SitemapEntry:
    loc: str
    lastmod: datetime | None = None
    news_published: datetime | None = None
    news_title: str | None = None
    news_language: str | None = None

    @property
    def best_date(self) -> datetime | None:
        """The date to compare with ``since``: the news date, else lastmod."""
        return self.news_published or self.lastmod


@dataclass
class Sitemap:
    url: str
    kind: SitemapKind
    entries: list[SitemapEntry] = field(default_factory=list)
    error: str | None = None  # set when the document is unusable (kind "invalid")
    warning: str | None = None  # damage after which the entries so far were kept
    truncated: bool = False  # more than max_urls entries; the rest was ignored
    skipped: int = 0  # entries dropped for a missing/relative/non-http loc


def parse_sitemap(
    body: bytes,
    url: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_urls: int = DEFAULT_MAX_URLS,
) -> Sitemap:
    """Parse a sitemap or sitemap index; never raises on bad input."""
    try:
        data = read_body(body, max_bytes)
        refuse_entity_declarations(data)
    except UnsafeDocument as exc:
        return Sitemap(url, "invalid", error=str(exc))
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head and not head.startswith(b"<") and b"\x00" not in data[:4]:
        return _parse_text(data, url, max_urls)
    if looks_like_html(data):
        return Sitemap(url, "invalid", error="an HTML page, not a sitemap")
    return _parse_xml(data, url, max_urls)


def _parse_text(data: bytes, url: str, max_urls: int) -> Sitemap:
    """sitemaps.org plain-text form: one absolute URL per line."""
    result = Sitemap(url, "urlset")
    text = data.decode("utf-8-sig", errors="replace")
    for line in text.splitlines():
        if not line.strip():
            continue
        loc = clean_http_url(line)
        if loc is None:
            result.skipped += 1
            continue
        if len(result.entries) >= max_urls:
            result.truncated = True
            break
        result.entries.append(SitemapEntry(loc))
    if not result.entries and result.skipped:
        result.kind, result.error = "invalid", "no URL in text sitemap"
    return result


def _parse_xml(data: bytes, url: str, max_urls: int) -> Sitemap:
    result = Sitemap(url, "invalid")
    # Only <url>/<sitemap> end events: a handful of events per entry, not one per node.
    events = etree.iterparse(io.BytesIO(data), events=("end",), tag=ENTRY_TAGS, **PARSER_OPTIONS)
    root = None
    try:
        for _, elem in events:
            if root is None:
                root = elem.getroottree().getroot()
                result.kind = _root_kind(localname(root.tag))
                if result.kind == "invalid":
                    break
            if elem.getparent() is not root:
                continue
            if not _add_entry(result, elem, max_urls):
                break
            elem.clear()
            while elem.getprevious() is not None:
                del root[0]
        if root is None:
            root = events.root
    except (etree.LxmlError, ValueError, LookupError, UnicodeError) as exc:
        message = f"xml error: {exc}"[:300]
        if root is None or result.kind == "invalid":
            return Sitemap(url, "invalid", error=message)
        result.warning = message
        logger.info("sitemap %s damaged, %d entries kept: %s",
                    url, len(result.entries), message)
    if root is None:
        return Sitemap(url, "invalid", error="empty document")
    result.kind = _root_kind(localname(root.tag))
    if result.kind == "invalid":
        return Sitemap(url, "invalid", error=f"root element <{localname(root.tag)}> is not a sitemap")
    return result


def _root_kind(name: str) -> SitemapKind:
    if name == "urlset":
        return "urlset"
    if name == "sitemapindex":
        return "index"
    return "invalid"


def _add_entry(result: Sitemap, elem: etree._Element, max_urls: int) -> bool:
    """Append the entry for one <url>/<sitemap>; False once the cap is hit."""
    entry = _entry_from(elem)
    if entry is None:
        result.skipped += 1
        return True
    if len(result.entries) >= max_urls:
        result.truncated = True
        return False
    result.entries.append(entry)
    return True


def _text(elem: etree._Element | None) -> str | None:
    if elem is None:
        return None
    if len(elem):  # mixed content (CDATA is plain text to lxml): rare, slower path
        text = "".join(t for t in elem.itertext() if isinstance(t, str))
    else:
        text = elem.text or ""
    return text.strip()[:MAX_TEXT_FIELD] or None


def _children(elem: etree._Element) -> dict[str, etree._Element]:
    """First child per local name: one pass instead of a scan per field."""
    found: dict[str, etree._Element] = {}
    for child in elem:
        found.setdefault(localname(child.tag), child)
    return found


def _entry_from(elem: etree._Element) -> SitemapEntry | None:
    fields = _children(elem)
    loc = clean_http_url(_text(fields.get("loc")))
    if loc is None:
        return None
    entry = SitemapEntry(loc, lastmod=parse_date(_text(fields.get("lastmod"))))
    news = fields.get("news")
    if news is not None:
        news_fields = _children(news)
        entry.news_published = parse_date(_text(news_fields.get("publication_date")))
        entry.news_title = _text(news_fields.get("title"))
        publication = news_fields.get("publication")
        if publication is not None:
            entry.news_language = _text(_children(publication).get("language"))
    return entry


def sitemap_urls_from_robots(robots_text: str, base_url: str) -> list[str]:
    """``Sitemap:`` lines of a robots.txt, absolute, http(s) only, deduplicated."""
    found: dict[str, None] = {}  # ordered set: a list's ``in`` made 10,000 lines quadratic
    for line in robots_text.splitlines():
        key, colon, value = line.split("#", 1)[0].partition(":")
        value = value.strip()
        if not colon or key.strip().lower() != "sitemap" or not value:
            continue
        url = clean_http_url(value, base=base_url)
        if url is not None:
            found[url] = None
    return list(found)
