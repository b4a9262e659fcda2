"""Give HTML responses the encoding their bytes are really in.

Regional sites often declare utf-8 while serving windows-1256, GBK or Shift_JIS,
or declare nothing at all; Scrapy then decodes with replacement characters or
cp1252 mojibake. ``CharsetFixMiddleware`` checks the declared encoding against
the bytes and, when they disagree, rebuilds the response with the encoding that
decodes them (the in-page ``<meta charset>`` first, then charset-normalizer),
rewriting the Content-Type charset too so every later reader agrees.
"""

from __future__ import annotations

import codecs
import logging
from typing import TYPE_CHECKING

from charset_normalizer import from_bytes
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

STAT_FIXED = "newscrawl/charset/fixed"
# Encodings seen on news sites, most common first: the tie-breaker between
# candidates that decode the bytes equally well (cp1250 vs cp1252 for French...).
WEB_ENCODINGS = ("utf_8", "cp1252", "gb18030", "cp932", "cp1256", "cp1251", "euc_kr", "big5",
                 "cp1250", "cp1253", "cp1254", "cp1255", "cp1257", "cp1258", "euc_jp", "koi8_r",
                 "cp874")
# Supersets decode everything their subsets do, plus the vendor extensions sites use.
SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "shift_jis": "cp932", "latin_1": "cp1252",
             "iso8859_1": "cp1252", "ascii": "cp1252", "euc_kr": "cp949"}
CHAOS_MARGIN = 0.05  # candidates this close to the least chaotic one count as equally good
DETECT_BYTES = 256 * 1024  # enough text to detect; keeps detection cheap on big pages


def codec_name(label: str | None) -> str | None:
    """Python's canonical codec for a web label, widened to its superset; None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label).name.replace("-", "_")
    except LookupError:
        return None
    return SUPERSETS.get(name, name)


def decodes(body: bytes, encoding: str) -> bool:
    """True when *body* decodes strictly; an incomplete last character is tolerated."""
    try:
        body.decode(encoding)
    except UnicodeDecodeError as exc:
        return exc.reason == "unexpected end of data" and exc.start >= len(body) - 4
    except LookupError:
        return False
    return True


def detect(body: bytes) -> str | None:
    """charset-normalizer's guess among web encodings, preferring common ones on a tie."""
    results = from_bytes(body[:DETECT_BYTES], cp_isolation=list(WEB_ENCODINGS))
    best = results.best()
    if best is None:
        return None
    close = [m for m in results if m.chaos <= best.chaos + CHAOS_MARGIN]
    order = {name: i for i, name in enumerate(WEB_ENCODINGS)}
    pick = min(close, key=lambda m: (-round(m.coherence, 1), order.get(m.encoding, 99)))
    return codec_name(pick.encoding)


def complete_length(body: bytes, encoding: str) -> int:
    """Length of *body* without a multi-byte character cut off at its very end."""
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        if isinstance(exc, UnicodeDecodeError) and exc.reason == "unexpected end of data":
            return exc.start
    return len(body)


def _has_non_ascii(body: bytes) -> bool:
    return not body.isascii()


def better_encoding(body: bytes, header_label: str | None, used: str) -> str | None:
    """The encoding *body* should be decoded with, or None if *used* is already right.

    A BOM always wins (Scrapy honours it). Valid UTF-8 with non-ASCII bytes is
    UTF-8 whatever the label says -- legacy text is almost never valid UTF-8 by
    chance. Otherwise a declared encoding stands if the bytes decode under it.
    """
    if read_bom(body)[0] or not _has_non_ascii(body):
        return None
    used_codec = codec_name(used) or used
    if decodes(body, "utf_8"):
        return None if used_codec == "utf_8" else "utf_8"
    header = codec_name(header_label)
    meta = codec_name(html_body_declared_encoding(body))
    declared = header or meta
    if declared and declared != "utf_8" and decodes(body, declared):
        return None if used_codec == declared else declared
    if meta and meta != declared and decodes(body, meta):
        return meta
    guess = detect(body)
    if guess and guess != used_codec and decodes(body, guess):
        return guess
    return None


class CharsetFixMiddleware:
    """Place it below HttpCompressionMiddleware (590), e.g. 584, so it sees decoded bodies."""

    def __init__(self, stats: StatsCollector | None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSCRAWL_CHARSET_FIX_ENABLED", True):
            raise NotConfigured
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, HtmlResponse) or not response.body:
            return response
        content_type = response.headers.get(b"Content-Type") or b""
        header_label = http_content_type_encoding(content_type.decode("latin-1"))
        fixed = better_encoding(response.body, header_label, response.encoding)
        cut = complete_length(response.body, codec_name(fixed or response.encoding) or "utf_8")
        if cut < len(response.body):
            if self.stats:
                self.stats.inc_value("newscrawl/charset/truncated_char")
            response = response.replace(body=response.body[:cut])
        if fixed is None:
            return response
        if self.stats:
            self.stats.inc_value(STAT_FIXED)
            self.stats.inc_value(f"{STAT_FIXED}/{fixed}")
        logger.debug("%s: decoding as %s, not %s", response.url, fixed, response.encoding)
        headers = response.headers.copy()
        mime = content_type.split(b";")[0].strip() or b"text/html"
        headers[b"Content-Type"] = mime + b"; charset=" + fixed.encode()
        return response.replace(headers=headers, encoding=fixed)
