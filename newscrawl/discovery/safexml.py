"""Shared safety rails for the sitemap and feed parsers.

Discovery documents come from servers we do not control: they may be gzip
bombs, carry XXE / billion-laughs entity declarations, or smuggle
``javascript:`` and ``file:`` URLs.  Everything that touches raw bytes goes
through here, so both parsers get the same limits.
"""

from __future__ import annotations

import logging
import re
import zlib
from urllib.parse import urljoin, urlsplit

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit, uncompressed
MAX_URL_LENGTH = 2048  # sitemaps.org: locs must be shorter than 2,048 chars
GZIP_MAGIC = b"\x1f\x8b"

_ENTITY_DECL = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)
_CONTROL_CHARS = re.compile(r"[\x00-\x20\x7f]")
_HOSTNAME = re.compile(r"^(?:[\w-]+\.)*[\w-]+\.?$|^[0-9a-f:.]+$")


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


def refuse_entity_declarations(data: bytes) -> None:
    """Refuse documents that declare entities (XXE, billion laughs).

    Sitemaps and feeds never need them; lxml is also told not to resolve
    entities, this check just makes the refusal explicit and cheap.
    """
    probe = data
    if b"\x00" in data[:4]:  # UTF-16/32: look at the decoded text instead
        for codec in ("utf-32", "utf-16"):
            try:
                probe = data.decode(codec).encode("utf-8", "replace")
                break
            except UnicodeError:
                continue
    if _ENTITY_DECL.search(probe):
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
}


def localname(tag: object) -> str:
    """Namespace-free, lower-cased tag name ('' for comments, PIs, entities)."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


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
    if base is not None:
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
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if not _HOSTNAME.match(parts.hostname):
        return None
    if len(url) > MAX_URL_LENGTH:
        return None
    return url
