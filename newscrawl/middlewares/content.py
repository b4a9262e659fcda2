"""Skip responses that are not HTML pages before they reach parsing.

Sites serve PDFs, images and downloads at article-looking URLs, sometimes with a
text/html label. Only HTML goes on to the spider; robots.txt, sitemaps and feeds
(``request.meta[KIND_META]``) are exempt since they are XML or text.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

from newscrawl.discovery.safexml import doctype_html, first_tag_name, opens_with
from newscrawl.middlewares._common import refuse
from newscrawl.request_meta import KIND_META, RESOURCE_KINDS

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

STAT_NON_HTML = "newscrawl/non_html/skipped"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Labels under which servers commonly send HTML without saying so.
VAGUE_TYPES = frozenset({"", "text/plain", "application/octet-stream", "application/unknown",
                         "binary/octet-stream"})
MAGIC = (  # (prefix, kind): file signatures that are never an HTML page
    (b"%PDF-", "application/pdf"), (b"\x89PNG", "image/png"), (b"GIF8", "image/gif"),
    (b"\xff\xd8\xff", "image/jpeg"), (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"), (b"ID3", "audio/mpeg"), (b"OggS", "audio/ogg"),
    (b"\x00\x00\x01\x00", "image/x-icon"), (b"BM", "image/bmp"), (b"%!PS", "application/postscript"),
)
_HTML_TAGS = (b"html", b"head", b"body", b"meta", b"title", b"div", b"p")


def sniff_binary(body: bytes) -> str | None:
    """The media type a body's magic bytes reveal, if it is a known non-HTML format."""
    head = body[:16]
    for prefix, kind in MAGIC:
        if head.startswith(prefix):
            return kind
    if head[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return "image/webp"
    if body[4:8] == b"ftyp":
        return "video/mp4"
    return None


def looks_like_html(body: bytes) -> bool:
    """True when the first bytes (after a BOM) open an HTML document."""
    head = body[:2048].lstrip(b"\xef\xbb\xbf").lstrip(b"\xff\xfe").lstrip(b"\xfe\xff")
    tag = first_tag_name(head, xml_declaration=False)
    return doctype_html(tag) or opens_with(tag, _HTML_TAGS)


def non_html_type(content_type: str, body: bytes) -> str | None:
    """The reason a 2xx response is not an HTML page (its media type), or None if it is."""
    mime = content_type.split(";")[0].strip().lower()
    binary = sniff_binary(body)
    if binary:
        return binary
    if mime in HTML_TYPES:
        return None
    if mime in VAGUE_TYPES and (not body.strip() or looks_like_html(body)):
        return None
    return mime or "unknown"


class ContentTypeFilterMiddleware:
    """Place it below HttpCompressionMiddleware (590), e.g. 585, to see decoded bodies."""

    def __init__(self, stats: StatsCollector | None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSCRAWL_SKIP_NON_HTML", True):
            raise NotConfigured
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get(KIND_META) in RESOURCE_KINDS or not 200 <= response.status < 300:
            return response
        if request.method == "HEAD":
            return response
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        kind = non_html_type(content_type, response.body)
        if kind is None:
            return response
        if self.stats:
            self.stats.inc_value(STAT_NON_HTML)
        stat = f"{STAT_NON_HTML}/{re.sub(r'[^a-z0-9.+-]+', '_', kind)}"
        refuse(self.stats, request, stat, f"not an HTML page ({kind})")
