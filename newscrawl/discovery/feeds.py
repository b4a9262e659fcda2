"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds, plus feed autodiscovery.

Feeds are the cheapest discovery source: entry URLs with dates, so ``since``
can be applied before fetching.  Real feeds are often malformed, so lxml
runs in recover mode with the same entity/size limits as sitemaps.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

from newscrawl.discovery.safexml import (
    PARSER_OPTIONS,
    UnsafeDocument,
    clean_http_url,
    localname,
    looks_like_html,
    prepare,
)
from newscrawl.extraction.dates import parse_feed_date

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
ATOM_NAMESPACES = frozenset({"http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#"})
# RSS 2.0 has no namespace; RSS 1.0 and 0.90 have their own.
LINK_NAMESPACES = ATOM_NAMESPACES | {"", "http://purl.org/rss/1.0/",
                                     "http://my.netscape.com/rdf/simple/0.9/"}
NOT_ARTICLE_RELS = frozenset({"self", "edit", "edit-media", "replies", "enclosure", "license",
                              "related", "via", "payment", "hub", "first", "last", "next",
                              "previous", "prev", "alternate-feed", "search", "icon"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
URL_NAMES = frozenset({"link", "origlink", "guid", "id"})
URL_TAGS = tuple(f"{{*}}{name}" for name in ("link", "origLink", "origlink", "guid", "id"))
# publication before modification: RSS 2.0, Dublin Core (dc:, dcterms:), Atom in RSS
RSS_DATES = ("pubdate", "date", "issued", "created", "published", "modified", "updated")
ATOM_DATES = ("published", "issued", "created", "date", "updated", "modified")
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
    max_entries: int = DEFAULT_MAX_ENTRIES, http_charset: str | None = None,
    timezone: str | None = None,
) -> list[FeedEntry]:
    """Entries of an RSS/RDF/Atom feed; an empty list for anything unusable."""
    return read_feed(body, url, max_bytes=max_bytes, max_entries=max_entries,
                     http_charset=http_charset, timezone=timezone).entries


def read_feed(
    body: bytes, url: str, *, max_bytes: int = DEFAULT_MAX_FEED_BYTES,
    max_entries: int = DEFAULT_MAX_ENTRIES, http_charset: str | None = None,
    timezone: str | None = None,
) -> Feed:
    """Like :func:`parse_feed` but keeps the feed kind and the reason for failure.

    ``http_charset`` is the Content-Type charset; ``timezone`` (the site's
    registry zone) places dates written without an offset, else UTC.
    """
    try:
        data = prepare(body, max_bytes, http_charset)
        if looks_like_html(data):
            return Feed(url, "invalid", error="an HTML page, not a feed")
        root, complete = _parse(data, url) if data.strip() else (None, set())
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
    read = _atom_entry if kind == "atom" else _rss_entry
    seen: set[str] = set()
    for item in items:
        entry = read(_kids(item, complete), _base(item, url), item, timezone)
        if entry is not None and entry.url not in seen:
            seen.add(entry.url)
            feed.entries.append(entry)
        if len(feed.entries) >= max_entries:
            break
    return feed


def _parse(data: bytes, url: str) -> tuple[etree._Element | None, set[etree._Element]]:
    """The tree, and the URL-carrying elements whose end tag was in the data.

    Recovery closes whatever is open when a download is cut; a ``<link>``
    closed that way holds half a URL, so it is not read (the pull parser only
    reports elements closed by the author before :meth:`close` is called).
    """
    parser = etree.XMLPullParser(events=("end",), tag=URL_TAGS, base_url=url, **PARSER_OPTIONS)
    parser.feed(data)
    complete = {elem for _, elem in parser.read_events()}
    return parser.close(), complete


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
    if len(elem):  # mixed content: rare, the slower path
        text = "".join(t for t in elem.itertext() if isinstance(t, str))
    else:  # CDATA is plain text to lxml, so most fields land here
        text = elem.text or ""
    return text.strip() or None


Kids = dict[str, list[etree._Element]]


def _kids(elem: etree._Element, complete: set[etree._Element]) -> Kids:
    """Children by local name, built once per entry instead of a scan per field;
    URL-carrying children cut off by the end of the data are left out."""
    found: Kids = {}
    for child in elem:
        name = localname(child.tag)
        if name in URL_NAMES and child not in complete:
            continue
        found.setdefault(name, []).append(child)
    return found


def _first_text(kids: Kids, *names: str) -> str | None:
    for name in names:
        for child in kids.get(name, ()):
            text = _text(child)
            if text:
                return text
    return None


def _title(kids: Kids) -> str | None:
    """The entry title as plain text.

    RSS titles and Atom ``type="html"`` hold escaped HTML, often escaped twice
    (``&amp;#8217;``): tags are stripped and entities decoded once, as a
    browser shows them. Atom ``text`` (the default) and ``xhtml`` are text.
    """
    for child in kids.get("title", ()):
        raw = _text(child)
        if not raw:
            continue
        markup = (child.get("type") or ("text" if _in_atom(child) else "html")).lower()
        if markup in ("html", "text/html"):
            raw = html.unescape(_TAGS.sub(" ", raw) if "<" in raw else raw)
        return " ".join(raw.split())[:MAX_TITLE] or None
    return None


def _first_date(kids: Kids, names: tuple[str, ...], timezone: str | None) -> datetime | None:
    """The first of ``names`` (in that order of preference) holding a valid date."""
    for name in names:
        for child in kids.get(name, ()):
            value = parse_feed_date(_text(child), timezone)
            if value is not None:
                return value
    return None


def _base(elem: etree._Element, fallback: str) -> str:
    try:
        return elem.base or fallback
    except (ValueError, UnicodeError):
        return fallback


def _namespace(tag: object) -> str:
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _in_atom(elem: etree._Element) -> bool:
    return _namespace(elem.tag) in ATOM_NAMESPACES


def _best_link(kids: Kids, base: str) -> str | None:
    """The article URL among an entry's ``<link>`` elements.

    Only links of the feed vocabularies count (not ``itunes:link`` or
    ``media:link``); ``rel`` ranks them: alternate (or RSS's plain link), then
    Atom's rel-less link, then an unknown rel; ``self``, ``license``,
    ``enclosure`` and the like never name the article. The URL is the
    ``href``, or the element's text when a producer wrote it there.
    """
    best: tuple[int, int] | None = None
    url = None
    for link in kids.get("link", ()):
        if _namespace(link.tag) not in LINK_NAMESPACES:
            continue
        rel = (link.get("rel") or "").strip().lower()
        if rel in NOT_ARTICLE_RELS:
            continue
        candidate = clean_http_url(link.get("href") or _text(link), base)
        if candidate is None:
            continue
        rss_link = not rel and not _in_atom(link)
        rank = (0 if rel == "alternate" or rss_link else 1 if not rel else 2,
                0 if (link.get("type") or "text/html").lower() in HTML_TYPES else 1)
        if best is None or rank < best:
            best, url = rank, candidate
    return url


def _rss_entry(kids: Kids, base: str, item: etree._Element, timezone: str | None
               ) -> FeedEntry | None:
    url = clean_http_url(_first_text(kids, "origlink"), base)  # FeedBurner's real link
    url = url or _best_link(kids, base)
    if url is None:
        url = clean_http_url(item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"), base)
    if url is None:
        url = _guid_url(kids, base)
    if url is None:
        return None
    return FeedEntry(url, _first_date(kids, RSS_DATES, timezone), _title(kids))


def _guid_url(kids: Kids, base: str) -> str | None:
    """A <guid> is a link unless isPermaLink="false" (RSS 2.0 default: true)."""
    for guid in kids.get("guid", ()):
        if (guid.get("isPermaLink") or "true").strip().lower() == "false":
            continue
        text = _text(guid)
        if text and text.lower().startswith(("http://", "https://")):
            return clean_http_url(text, base)
    return None


def _atom_entry(kids: Kids, base: str, entry: etree._Element, timezone: str | None
                ) -> FeedEntry | None:
    url = _best_link(kids, base)
    if url is None:
        atom_id = _first_text(kids, "id")
        if atom_id and atom_id.lower().startswith(("http://", "https://")):
            url = clean_http_url(atom_id)
    if url is None:
        return None
    return FeedEntry(url, _first_date(kids, ATOM_DATES, timezone), _title(kids))


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
