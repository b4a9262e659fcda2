"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds, plus feed autodiscovery.

Feeds are the cheapest discovery source: entry URLs with dates, so ``since``
can be applied before fetching.  Real feeds are often malformed, so lxml
runs in recover mode with the same entity/size limits as sitemaps.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

from newscrawl.discovery.dates import parse_date
from newscrawl.discovery.safexml import (
    PARSER_OPTIONS,
    UnsafeDocument,
    clean_http_url,
    localname,
    looks_like_html,
    read_body,
    refuse_entity_declarations,
)

logger = logging.getLogger(__name__)

DEFAULT_MAX_FEED_BYTES = 10 * 1024 * 1024  # feeds are far smaller than sitemaps
DEFAULT_MAX_ENTRIES = 5000
MAX_TITLE = 1000
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
     "text/xml"}
)
FALLBACK_FEED_PATHS = ("/feed/", "/rss.xml", "/feed.xml", "/rss", "/atom.xml")
_TAGS = re.compile(r"<[^>]{0,500}>")
_COMMENT_FEED = re.compile(r"/comments?/(feed|rss)|[?&]feed=comments", re.IGNORECASE)

FeedKind = Literal["rss", "rdf", "atom", "invalid"]


@dataclass
class FeedEntry:
    url: str
    published: datetime | None = None
    title: str | None = None


@dataclass
class Feed:
    url: str
    kind: FeedKind
    entries: list[FeedEntry] = field(default_factory=list)
    error: str | None = None


def parse_feed(
    body: bytes, url: str, *, max_bytes: int = DEFAULT_MAX_FEED_BYTES,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> list[FeedEntry]:
    """Entries of an RSS/RDF/Atom feed; an empty list for anything unusable."""
    return read_feed(body, url, max_bytes=max_bytes, max_entries=max_entries).entries


def read_feed(
    body: bytes, url: str, *, max_bytes: int = DEFAULT_MAX_FEED_BYTES,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> Feed:
    """Like :func:`parse_feed` but keeps the feed kind and the reason for failure."""
    try:
        data = read_body(body, max_bytes)
        refuse_entity_declarations(data)
        if looks_like_html(data):
            return Feed(url, "invalid", error="an HTML page, not a feed")
        parser = etree.XMLParser(**PARSER_OPTIONS)
        root = etree.fromstring(data, parser, base_url=url) if data.strip() else None
    except UnsafeDocument as exc:
        return Feed(url, "invalid", error=str(exc))
    except (etree.LxmlError, ValueError, LookupError, UnicodeError) as exc:
        return Feed(url, "invalid", error=f"xml error: {exc}"[:300])
    if root is None:
        return Feed(url, "invalid", error="empty document")
    kind, items = _items(root)
    feed = Feed(url, kind)
    if kind == "invalid":
        feed.error = f"root element <{localname(root.tag)}> is not a feed"
        return feed
    for item in items:
        entry = _atom_entry(item, url) if kind == "atom" else _rss_entry(item, url)
        if entry is not None and all(e.url != entry.url for e in feed.entries[-50:]):
            feed.entries.append(entry)
        if len(feed.entries) >= max_entries:
            break
    return feed


def _items(root: etree._Element) -> tuple[FeedKind, list[etree._Element]]:
    name = localname(root.tag)
    if name == "feed":
        return "atom", [e for e in root if localname(e.tag) == "entry"]
    if name == "rss":
        channels = [c for c in root if localname(c.tag) == "channel"] or [root]
        return "rss", [i for c in channels for i in c if localname(i.tag) == "item"]
    if name == "rdf":
        # RSS 1.0 puts <item> beside <channel>; some producers nest them.
        items = [i for i in root.iter() if localname(i.tag) == "item"]
        return "rdf", items
    return "invalid", []


def _text(elem: etree._Element | None) -> str | None:
    if elem is None:
        return None
    text = "".join(t for t in elem.itertext() if isinstance(t, str)).strip()
    return text or None


def _children(elem: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in elem if localname(c.tag) == name]


def _first_text(elem: etree._Element, *names: str) -> str | None:
    for name in names:
        for child in _children(elem, name):
            text = _text(child)
            if text:
                return text
    return None


def _clean_title(raw: str | None) -> str | None:
    """Titles may be escaped HTML (Atom type="html"): strip tags, squeeze spaces."""
    if not raw:
        return None
    text = " ".join(_TAGS.sub(" ", raw).split())
    return text[:MAX_TITLE] or None


def _base(elem: etree._Element, fallback: str) -> str:
    try:
        return elem.base or fallback
    except (ValueError, UnicodeError):
        return fallback


def _rss_entry(item: etree._Element, feed_url: str) -> FeedEntry | None:
    base = _base(item, feed_url)
    url = clean_http_url(_first_text(item, "origlink"), base)  # FeedBurner's real link
    url = url or clean_http_url(_first_text(item, "link"), base)
    if url is None:
        for link in _children(item, "link"):  # atom:link inside RSS items
            url = url or clean_http_url(link.get("href"), base)
    if url is None:
        url = clean_http_url(item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"), base)
    if url is None:
        url = _guid_url(item, base)
    if url is None:
        return None
    published = parse_date(_first_text(item, "pubdate", "date", "published", "issued", "updated"))
    return FeedEntry(url, published, _clean_title(_first_text(item, "title")))


def _guid_url(item: etree._Element, base: str) -> str | None:
    """A <guid> is a link unless isPermaLink="false" (RSS 2.0 default: true)."""
    for guid in _children(item, "guid"):
        if (guid.get("isPermaLink") or "true").strip().lower() == "false":
            continue
        text = _text(guid)
        if text and text.lower().startswith(("http://", "https://")):
            return clean_http_url(text, base)
    return None


def _atom_entry(entry: etree._Element, feed_url: str) -> FeedEntry | None:
    base = _base(entry, feed_url)
    url = None
    fallback = None
    for link in _children(entry, "link"):
        rel = (link.get("rel") or "alternate").strip().lower()
        candidate = clean_http_url(link.get("href"), base)
        if rel == "alternate" and candidate:
            url = candidate
            break
        if rel not in ("self", "edit", "replies", "enclosure", "related") and candidate:
            fallback = fallback or candidate
    url = url or fallback
    if url is None:
        atom_id = _first_text(entry, "id")
        if atom_id and atom_id.lower().startswith(("http://", "https://")):
            url = clean_http_url(atom_id)
    if url is None:
        return None
    published = parse_date(_first_text(entry, "published", "issued", "date", "updated", "modified"))
    return FeedEntry(url, published, _clean_title(_first_text(entry, "title")))


def find_feed_links(html: str | bytes, base_url: str) -> list[str]:
    """Feeds a page announces with ``<link rel="alternate" type="…rss/atom…">``,
    in page order, comment feeds left out."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    if not html.strip():
        return []
    try:
        doc = lxml_html.document_fromstring(html)
    except (etree.LxmlError, ValueError):
        return []
    return feed_links_in(doc, base_url)


def feed_links_in(doc: Any, base_url: str) -> list[str]:
    """:func:`find_feed_links` on a tree already parsed (the extraction worker's)."""
    base = base_url
    for tag in doc.iter("base"):
        base = clean_http_url(tag.get("href"), base_url) or base_url
        break
    found: list[str] = []
    for link in doc.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        ftype = (link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" not in rels or ftype not in FEED_TYPES:
            continue
        url = clean_http_url(link.get("href"), base)
        if url and url not in found and not _COMMENT_FEED.search(url):
            found.append(url)
    return found


def feed_fallbacks(base_url: str) -> list[str]:
    """Conventional feed locations to try when a site announces none."""
    urls = []
    for path in FALLBACK_FEED_PATHS:
        url = clean_http_url(urljoin(base_url, path))
        if url and url not in urls:
            urls.append(url)
    return urls


fallback_feed_urls = feed_fallbacks  # the name the brief used
