"""Sitemaps (XML, gzip, plain text) including the Google News fields.

Scrapy's own sitemap parser drops ``news:publication_date`` and friends,
which are exactly what lets the spider apply ``since`` before fetching.
Parsing streams with a pull parser so a 50 MB sitemap never becomes one
big tree, and refuses entity declarations (see :mod:`.safexml`). Sites also
list RSS/Atom feeds as sitemaps (robots.txt or an index): those are read by
:mod:`.feeds` and give their entries as a urlset.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from lxml import etree

from newscrawl.discovery.feeds import read_feed
from newscrawl.discovery.safexml import (
    DEFAULT_MAX_BYTES,
    PARSER_OPTIONS,
    UnsafeDocument,
    clean_http_url,
    localname,
    looks_like_html,
    prepare,
)
from newscrawl.extraction.dates import parse_feed_date

logger = logging.getLogger(__name__)

__all__ = ["Sitemap", "SitemapEntry", "parse_sitemap", "sitemap_urls_from_robots"]

DEFAULT_MAX_URLS = 50_000  # sitemaps.org limit per file
MAX_TEXT_FIELD = 1000  # longest news:title / language we keep

SitemapKind = Literal["urlset", "index", "invalid"]
ENTRY_TAGS = ("{*}url", "{*}sitemap")
LOC_TAGS = ("{*}url", "{*}sitemap", "{*}loc")
FEED_ROOTS = frozenset({b"rss", b"feed", b"rdf"})
CHUNK_BYTES = 1 << 20  # fed to the pull parser a megabyte at a time
# RFC 9309 2.2.4 and its lenient spirit: "Sitemap:", "Site-map:", "sitemaps :" ...
ROBOTS_SITEMAP_KEYS = frozenset({b"sitemap", b"sitemaps"})
_ROOT_NAME = re.compile(rb"<(?:[\w.-]+:)?([A-Za-z][\w.-]*)[\s/>]")


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
    http_charset: str | None = None,
    timezone: str | None = None,
) -> Sitemap:
    """Parse a sitemap, a sitemap index or a feed listed as one; never raises.

    ``timezone`` (the site's registry zone) places dates without an offset;
    without it they are UTC.
    """
    try:
        data = prepare(body, max_bytes, http_charset)
    except UnsafeDocument as exc:
        return Sitemap(url, "invalid", error=str(exc))
    head = data[:512].lstrip(b" \t\r\n")
    if head and not head.startswith(b"<"):
        return _parse_text(data, url, max_urls)
    if looks_like_html(data):
        return Sitemap(url, "invalid", error="an HTML page, not a sitemap")
    if _root_name(data) in FEED_ROOTS:
        return _from_feed(data, url, max_bytes, max_urls, timezone)
    return _parse_xml(data, url, max_urls, timezone)


def _root_name(data: bytes) -> bytes:
    """Local name of the first element (after the prolog), lower-cased."""
    for match in _ROOT_NAME.finditer(data, 0, 65536):
        return match.group(1).lower()
    return b""


def _from_feed(data: bytes, url: str, max_bytes: int, max_urls: int,
               timezone: str | None) -> Sitemap:
    feed = read_feed(data, url, max_bytes=max_bytes, max_entries=max_urls, timezone=timezone)
    if feed.error:
        return Sitemap(url, "invalid", error=feed.error)
    entries = [SitemapEntry(e.url, news_published=e.published, news_title=e.title)
               for e in feed.entries]
    return Sitemap(url, "urlset", entries, truncated=len(entries) >= max_urls)


def _parse_text(data: bytes, url: str, max_urls: int) -> Sitemap:
    """sitemaps.org plain-text form: one absolute URL per line."""
    result = Sitemap(url, "urlset")
    text = data.decode("utf-8", errors="replace")
    for line in text.splitlines():
        if not line.strip():
            continue
        loc = clean_http_url(line)
        if loc is None or "\ufffd" in loc:
            result.skipped += 1
            continue
        if len(result.entries) >= max_urls:
            result.truncated = True
            break
        result.entries.append(SitemapEntry(loc))
    if not result.entries and result.skipped:
        result.kind, result.error = "invalid", "no URL in text sitemap"
    return result


class _Reader:
    """Turns the pull parser's end events into entries, one at a time.

    ``<loc>`` end events are watched too: an entry whose loc was still open
    when the data ran out (a cut download) is closed by recovery, not by its
    author, and its half URL is dropped.
    """

    def __init__(self, result: Sitemap, max_urls: int, timezone: str | None) -> None:
        self.result, self.max_urls, self.timezone = result, max_urls, timezone
        self.root: etree._Element | None = None
        self.loc_closed = False

    def take(self, events, at_eof: bool = False) -> bool:
        """Consume events; False once the document is known unusable or full."""
        for _, elem in events:
            if self.root is None:
                self.root = elem.getroottree().getroot()
                self.result.kind = _root_kind(localname(self.root.tag))
                if self.result.kind == "invalid":
                    return False
            if elem.tag[-3:] == "loc":  # the only watched tag ending so
                self.loc_closed = not at_eof
                continue
            if elem.getparent() is not self.root:
                continue
            if at_eof and not self.loc_closed:
                self.result.warning = "document cut inside a <loc>: that entry dropped"
            elif not _add_entry(self.result, elem, self.max_urls, self.timezone):
                return False
            self.loc_closed = False
            elem.clear()
            while elem.getprevious() is not None:
                del self.root[0]
        return True


def _parse_xml(data: bytes, url: str, max_urls: int, timezone: str | None) -> Sitemap:
    result = Sitemap(url, "invalid")
    # Only <url>/<sitemap>/<loc> end events: a few events per entry, not one per node.
    parser = etree.XMLPullParser(events=("end",), tag=LOC_TAGS, **PARSER_OPTIONS)
    reader = _Reader(result, max_urls, timezone)
    try:
        going = True
        for start in range(0, len(data), CHUNK_BYTES):
            parser.feed(data[start:start + CHUNK_BYTES])
            going = reader.take(parser.read_events())
            if not going:
                break
        if going:
            root = parser.close()
            reader.root = reader.root if reader.root is not None else root
            reader.take(parser.read_events(), at_eof=True)
    except (etree.LxmlError, ValueError, LookupError, UnicodeError) as exc:
        message = f"xml error: {exc}"[:300]
        if reader.root is None or result.kind == "invalid":
            return Sitemap(url, "invalid", error=message)
        result.warning = message
        logger.info("sitemap %s damaged, %d entries kept: %s",
                    url, len(result.entries), message)
    if reader.root is None:
        return Sitemap(url, "invalid", error="empty document")
    result.kind = _root_kind(localname(reader.root.tag))
    if result.kind == "invalid":
        name = localname(reader.root.tag)
        return Sitemap(url, "invalid", error=f"root element <{name}> is not a sitemap")
    return result


def _root_kind(name: str) -> SitemapKind:
    if name == "urlset":
        return "urlset"
    if name == "sitemapindex":
        return "index"
    return "invalid"


def _add_entry(result: Sitemap, elem: etree._Element, max_urls: int,
               timezone: str | None) -> bool:
    """Append the entry for one <url>/<sitemap>; False once the cap is hit."""
    entry = _entry_from(elem, timezone)
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


def _entry_from(elem: etree._Element, timezone: str | None) -> SitemapEntry | None:
    fields = _children(elem)
    loc = clean_http_url(_text(fields.get("loc")))
    if loc is None:
        return None
    entry = SitemapEntry(loc, lastmod=parse_feed_date(_text(fields.get("lastmod")), timezone))
    news = fields.get("news")
    if news is not None:
        news_fields = _children(news)
        entry.news_published = parse_feed_date(_text(news_fields.get("publication_date")),
                                               timezone)
        entry.news_title = _text(news_fields.get("title"))
        publication = news_fields.get("publication")
        if publication is not None:
            entry.news_language = _text(_children(publication).get("language"))
    return entry


def sitemap_urls_from_robots(robots: bytes | str, base_url: str) -> list[str]:
    """``Sitemap:`` lines of a robots.txt, absolute, http(s) only, deduplicated.

    Plain string operations, linear in the file (a regex was quadratic in a run of
    spaces). robots.txt is UTF-8 (RFC 9309 2.3): a line that is not valid UTF-8 is
    skipped, not guessed at, since a mangled URL only costs a failed fetch.
    """
    data = robots.encode("utf-8", "surrogateescape") if isinstance(robots, str) else robots
    found: dict[str, None] = {}  # ordered set: a list's ``in`` made 10,000 lines quadratic
    for line in data.splitlines():
        key, colon, value = line.split(b"#", 1)[0].partition(b":")
        value = value.strip()
        if not colon or not value or _robots_key(key) not in ROBOTS_SITEMAP_KEYS:
            continue
        try:
            raw = value.decode("utf-8")
        except UnicodeDecodeError:
            logger.info("robots.txt of %s: Sitemap line is not UTF-8, skipped", base_url)
            continue
        url = clean_http_url(raw, base=base_url)
        if url is not None and "\ufffd" not in url:
            found[url] = None
    return list(found)


def _robots_key(key: bytes) -> bytes:
    """``Site-map``, ``SITEMAPS``, `` sitemap `` -> ``sitemap``/``sitemaps``."""
    return key.strip().lower().replace(b"-", b"").replace(b"_", b"").replace(b" ", b"")
