"""Sitemaps (XML, gzip, plain text) including the Google News fields.

Scrapy's own sitemap parser drops ``news:publication_date`` and friends,
which are exactly what lets the spider apply ``since`` before fetching.
Parsing streams with ``iterparse`` so a 50 MB sitemap never becomes one
big tree, and refuses entity declarations (see :mod:`.safexml`).
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from lxml import etree

from .dates import parse_date
from .safexml import (
    DEFAULT_MAX_BYTES,
    PARSER_OPTIONS,
    UnsafeDocument,
    clean_http_url,
    localname,
    looks_like_html,
    read_body,
    refuse_entity_declarations,
)
from .walker import SitemapWalker

logger = logging.getLogger(__name__)

__all__ = ["Sitemap", "SitemapEntry", "SitemapWalker", "parse_sitemap", "sitemap_urls_from_robots"]

DEFAULT_MAX_URLS = 50_000  # sitemaps.org limit per file
MAX_TEXT_FIELD = 1000  # longest news:title / language we keep

SitemapKind = Literal["urlset", "index", "invalid"]
_ROBOTS_SITEMAP = re.compile(r"^\s*sitemap\s*:\s*(\S.*?)\s*$", re.IGNORECASE)


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
    events = etree.iterparse(io.BytesIO(data), events=("start", "end"), **PARSER_OPTIONS)
    root = None
    try:
        for event, elem in events:
            if root is None:
                root = elem
                result.kind = _root_kind(localname(elem.tag))
                if result.kind == "invalid":
                    result.error = f"root element <{localname(elem.tag)}> is not a sitemap"
                    return result
                continue
            if event != "end" or elem.getparent() is not root:
                continue
            if localname(elem.tag) in ("url", "sitemap") and not _add_entry(result, elem, max_urls):
                break
            elem.clear()
            while elem.getprevious() is not None:
                del root[0]
    except (etree.LxmlError, ValueError, LookupError, UnicodeError) as exc:
        message = f"xml error: {exc}"[:300]
        if root is None or (result.kind == "invalid"):
            result.kind, result.error = "invalid", message
        else:
            result.warning = message
            logger.info("sitemap %s damaged, %d entries kept: %s", url, len(result.entries), message)
    if root is None and result.error is None:
        result.error = "empty document"
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
    text = "".join(t for t in elem.itertext() if isinstance(t, str)).strip()
    return text[:MAX_TEXT_FIELD] or None


def _child(elem: etree._Element, name: str) -> etree._Element | None:
    for child in elem:
        if localname(child.tag) == name:
            return child
    return None


def _entry_from(elem: etree._Element) -> SitemapEntry | None:
    loc = clean_http_url(_text(_child(elem, "loc")))
    if loc is None:
        return None
    entry = SitemapEntry(loc, lastmod=parse_date(_text(_child(elem, "lastmod"))))
    news = _child(elem, "news")
    if news is not None:
        entry.news_published = parse_date(_text(_child(news, "publication_date")))
        entry.news_title = _text(_child(news, "title"))
        publication = _child(news, "publication")
        if publication is not None:
            entry.news_language = _text(_child(publication, "language"))
    return entry


def sitemap_urls_from_robots(robots_text: str, base_url: str) -> list[str]:
    """``Sitemap:`` lines of a robots.txt, absolute, http(s) only, deduplicated."""
    found: list[str] = []
    for line in robots_text.splitlines():
        m = _ROBOTS_SITEMAP.match(line.split("#", 1)[0])
        if not m:
            continue
        url = clean_http_url(m.group(1), base=base_url)
        if url is not None and url not in found:
            found.append(url)
    return found
