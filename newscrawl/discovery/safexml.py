"""Shared safety rails for the sitemap and feed parsers.

Discovery documents come from servers we do not control: they may be gzip
bombs, carry XXE / billion-laughs entity declarations, or smuggle
``javascript:`` and ``file:`` URLs; hand-written ones put bare ``&`` in URLs,
HTML entity names in titles and legacy charsets in the XML declaration.
Everything that touches raw bytes goes through :func:`prepare`, so both
parsers get the same limits and the same repairs.
"""

from __future__ import annotations

import logging
import re
import zlib
from functools import lru_cache
from html.entities import html5
from urllib.parse import urljoin, urlsplit

from w3lib.encoding import read_bom

from newscrawl.extraction.decode import decode_html

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit, uncompressed
MAX_URL_LENGTH = 2048  # sitemaps.org: locs must be shorter than 2,048 chars
GZIP_MAGIC = b"\x1f\x8b"

_ENTITY_DECL = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)
_CONTROL_CHARS = re.compile(r"[\x00-\x20\x7f]")
# An absolute URL that urljoin would hand back as it is: its first netloc
# character is there, and nothing urlunparse drops (an empty "?" or "#", the
# ";" of path parameters, whitespace and controls it strips) is in it.
_PLAIN_ABSOLUTE = re.compile(r"https?://[^/?#;\x00-\x20\x7f][^;\x00-\x20\x7f]*")
_HOSTNAME = re.compile(r"^(?:[\w-]+\.)*[\w-]+\.?$|^[0-9a-f:.]+$")
# XML 1.0 appendix F: a document without BOM still starts with "<?" or "<".
_WIDE_STARTS = ((b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"),
                (b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be"))
# A reference XML knows without a DTD; any other "&" is repaired.
_XML_REF = rb"(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});"
_BARE_AMP = re.compile(rb"&(?!" + _XML_REF + rb")(?:(#X[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)?")
_CDATA_OR_AMP = re.compile(rb"<!\[CDATA\[.*?(?:\]\]>|\Z)|" + _BARE_AMP.pattern, re.DOTALL)


class UnsafeDocument(ValueError):
    """The document was refused before parsing; the message is the reason."""


def read_body(body: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Return the document bytes, gunzipped when needed, never above ``max_bytes``.

    The cap applies to the decompressed size so a small .gz cannot expand into
    gigabytes in memory; decompression stops as soon as the cap is passed.
    """
    if len(body) > max_bytes:
        raise UnsafeDocument(f"body larger than {max_bytes} bytes")
    if not body.startswith(GZIP_MAGIC):
        return body
    return _gunzip_capped(body, max_bytes)


def _gunzip_capped(body: bytes, max_bytes: int) -> bytes:
    out = bytearray()
    data = body
    # Concatenated gzip members are legal; each gets its own decompressor.
    while data:
        decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            chunk = decomp.decompress(data, max_bytes + 1 - len(out))
            out += chunk
            while decomp.unconsumed_tail and len(out) <= max_bytes:
                out += decomp.decompress(decomp.unconsumed_tail, max_bytes + 1 - len(out))
        except zlib.error as exc:
            if not out:
                raise UnsafeDocument(f"bad gzip data: {exc}") from None
            logger.debug("gzip stream damaged after %d bytes: %s", len(out), exc)
            break
        if len(out) > max_bytes:
            raise UnsafeDocument(f"decompressed size above {max_bytes} bytes")
        data = decomp.unused_data if decomp.eof else b""
        if data and not data.startswith(GZIP_MAGIC):
            break
    return bytes(out)


def prepare(body: bytes, max_bytes: int = DEFAULT_MAX_BYTES,
            http_charset: str | None = None) -> bytes:
    """Raw response bytes → UTF-8 XML for lxml (parse it with ``PARSER_OPTIONS``).

    Capped and gunzipped, decoded from the charset the document really uses,
    refused when it declares entities, and with references repaired.
    """
    data = to_utf8(read_body(body, max_bytes), http_charset)
    refuse_entity_declarations(data)
    return repair_references(data)


def to_utf8(data: bytes, http_charset: str | None = None) -> bytes:
    """The document as UTF-8, read in the charset it is in, by the one cascade pages
    use (:func:`~newscrawl.extraction.decode.decode_html`: a BOM, valid UTF-8, the HTTP
    charset and the XML declaration if the bytes fit, then detection). Only UTF-16/32
    without a BOM is told here, by its first ``<`` (XML 1.0 appendix F). lxml is then
    told "utf-8", so a declaration naming another charset no longer matters.
    """
    wide = _wide_codec(data)
    if wide is not None:
        return data.decode(wide, "replace").encode("utf-8")
    text = decode_html(data, http_charset).text
    if data.isascii() and text.isascii():  # nothing to convert (ISO-2022 is ASCII too)
        return data
    return text.encode("utf-8", "replace")


def _wide_codec(data: bytes) -> str | None:
    """UTF-16 or UTF-32 told by the NULs around the first character, without a BOM."""
    if read_bom(data)[0] is not None:
        return None  # the cascade reads the BOM
    for start, codec in _WIDE_STARTS:
        if data.startswith(start):
            return codec
    if b"\x00" in data[:4]:  # wide text that starts with whitespace: NULs give the order
        wide = "utf-32" if data[1:3] == b"\x00\x00" else "utf-16"
        return wide + ("-be" if data[:1] == b"\x00" else "-le")
    return None


def repair_references(data: bytes) -> bytes:
    """Make every ``&`` in UTF-8 XML a reference XML resolves without a DTD.

    A bare ``&`` (``?a=1&b=2``) becomes ``&amp;`` instead of eating ``&b``
    in recovery; an HTML entity name (``&aacute;``) becomes its numeric
    reference, so nothing is ever expanded from a declaration; ``&#X41;``
    gets the lower-case ``x`` XML requires. CDATA sections are left alone.
    """
    if b"&" not in data:
        return data
    pattern = _CDATA_OR_AMP if b"<![CDATA[" in data else _BARE_AMP
    return pattern.sub(_repair, data)


def _repair(match: re.Match[bytes]) -> bytes:
    ref = match.group(1)
    if match.group(0)[:1] == b"<":
        return match.group(0)  # a CDATA section
    if ref is None:
        return b"&amp;"
    if ref[:1] == b"#":
        return b"&#x" + ref[2:] + b";"
    chars = html5.get(ref.decode("ascii") + ";")
    if chars is None:
        return b"&amp;" + ref + b";"
    return "".join(f"&#{ord(c)};" for c in chars).encode("ascii")


def refuse_entity_declarations(data: bytes) -> None:
    """Refuse documents that declare entities (XXE, billion laughs).

    Sitemaps and feeds never need them; lxml is also told not to resolve
    entities, this check just makes the refusal explicit and cheap. ``data``
    is UTF-8 (see :func:`to_utf8`), so UTF-16 tricks cannot hide a declaration.
    """
    if _ENTITY_DECL.search(data):
        raise UnsafeDocument("document declares XML entities")


MAX_PROLOG_ITEMS = 200  # comments / declarations skipped before the first tag; more: not a document start
_WHITESPACE = b" \t\r\n\f\v"


def first_tag_name(data: bytes, *, xml_declaration: bool = True) -> bytes:
    """The lower-cased name of the first tag after whitespace, comments (and ``<?xml?>``
    declarations): ``b"html"``, ``b"!doctype html"`` style prefixes are matched by callers.

    A plain left-to-right scan with ``find``: linear in the input by construction, where
    the regex it replaces backtracked exponentially over runs of empty comments
    (40 ``<!---->`` froze the reactor). Returns ``b""`` when no tag opens the data.
    """
    pos, end = 0, len(data)
    for _ in range(MAX_PROLOG_ITEMS):
        while pos < end and data[pos] in _WHITESPACE:
            pos += 1
        if data.startswith(b"<!--", pos):
            close = data.find(b"-->", pos + 4)
            if close < 0:
                return b""
            pos = close + 3
        elif xml_declaration and data.startswith(b"<?", pos):
            close = data.find(b">", pos + 2)
            if close < 0:
                return b""
            pos = close + 1
        elif data.startswith(b"<", pos):
            return data[pos + 1:pos + 65].lower()
        else:
            return b""
    return b""


def opens_with(head: bytes, names: tuple[bytes, ...]) -> bool:
    """True when *head* (from :func:`first_tag_name`) starts with one of *names* as a whole word."""
    for name in names:
        if head.startswith(name):
            rest = head[len(name):len(name) + 1]
            if not rest or not (rest.isalnum() or rest in b"_-:"):
                return True
    return False


def doctype_html(head: bytes) -> bool:
    """``<!doctype html`` with any run of whitespace between the two words."""
    if not head.startswith(b"!doctype"):
        return False
    rest = head[8:]
    stripped = rest.lstrip(_WHITESPACE)
    return len(stripped) < len(rest) and opens_with(stripped, (b"html",))


def looks_like_html(data: bytes) -> bool:
    """True for an HTML page served where a sitemap or feed was expected
    (soft 404s, CMS fallbacks): it is not worth feeding to the XML parser."""
    head = first_tag_name(data[:4096].lstrip(b"\xef\xbb\xbf"))
    return doctype_html(head) or opens_with(head, (b"html",))


PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "recover": True,
    "remove_comments": True,
    "remove_pis": True,
    "encoding": "utf-8",  # what prepare() hands over, whatever the declaration says
}


@lru_cache(maxsize=1024)  # a document uses a handful of tags, each seen per entry
def localname(tag: object) -> str:
    """Namespace-free, lower-cased tag name ('' for comments, PIs, entities)."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def _join_keeps(url: str, base: str) -> bool:
    """True when ``urljoin(base, url) == url``: skips its two parses per entry link.

    The base must parse too, since a broken base makes urljoin raise for any URL.
    """
    return (_PLAIN_ABSOLUTE.fullmatch(url) is not None and not url.endswith(("?", "#"))
            and "?#" not in url and _base_parses(base))


@lru_cache(maxsize=256)  # a feed has one base, or one per xml:base
def _base_parses(base: str) -> bool:
    try:
        urlsplit(base)
    except ValueError:
        return False
    return True


def clean_http_url(raw: str | None, base: str | None = None) -> str | None:
    """Return ``raw`` as an absolute http(s) URL, or None when it is not one.

    With ``base`` relative references are resolved (feeds allow them);
    without it they are rejected (sitemaps require absolute locs).
    """
    if not raw:
        return None
    url = raw.strip()
    if not url or len(url) > MAX_URL_LENGTH:
        return None
    if base is not None and not _join_keeps(url, base):
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    if _CONTROL_CHARS.search(url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a garbage port
    except ValueError:
        return None
    host = parts.hostname  # a property that re-parses the netloc: read it once
    if parts.scheme.lower() not in ("http", "https") or not host or not _HOSTNAME.match(host):
        return None
    if len(url) > MAX_URL_LENGTH:
        return None
    return url
