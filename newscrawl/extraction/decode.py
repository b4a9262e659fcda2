"""Raw bytes → text: the one charset cascade, for pages, sitemaps and feeds.

Built on ``w3lib.encoding``, which reads the BOM, the Content-Type and
``<meta>`` declarations and maps labels to the supersets browsers really use
(WHATWG: ``iso-8859-1`` means cp1252, ``gb2312`` means gb18030...). Its
``html_to_unicode`` trusts the first declaration it finds; regional sites
often lie, so here a declaration is used only when the bytes decode with it.
Order of trust:

1. a byte-order mark;
2. valid UTF-8 with non-ASCII bytes: legacy text is almost never valid UTF-8
   by chance, and ``iso-8859-1`` or ``gbk`` labels on UTF-8 pages are the most
   common mislabel; UTF-8 with a few stray legacy bytes is UTF-8 too (the
   stray bytes read as cp1252);
3. the HTTP charset, then the ``<meta>`` (or ``<?xml?>``) one, if the bytes
   decode strictly with it;
4. statistical detection (charset-normalizer), ties going to the charsets
   most used on the web;
5. the candidate that loses the fewest bytes to U+FFFD.

A multi-byte character cut at the very end (a truncated download) is dropped:
it is no reason to distrust a charset that fits every other byte.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
    to_unicode,
)

logger = logging.getLogger(__name__)

# bytes handed to the detector: enough to be reliable, bounded for speed
DETECT_SAMPLE_BYTES = 256 * 1024
SAMPLE_END_SCAN = 1024  # bytes looked back for a place to end the sample between characters
# Encodings seen on news sites, most common first: the detector only weighs these
# (a page is never cp775), and the order breaks ties between equally good ones
# (cp1250 vs cp1252 on French text).
WEB_ENCODINGS = ("utf_8", "cp1252", "gb18030", "cp932", "cp1256", "cp1251", "euc_kr", "big5",
                 "cp1250", "cp1253", "cp1254", "cp1255", "cp1257", "cp1258", "euc_jp", "koi8_r",
                 "cp874")
CHAOS_MARGIN = 0.05  # candidates this close to the least chaotic one count as equally good
# Python codecs that are no charset: a page labelled with one would have its escapes or
# punycode turned into markup (bytes-to-bytes codecs like base64 are refused by lookup)
_NOT_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape", "idna", "punycode",
                           "undefined", "charmap"})
_CUT_CHAR = 4  # a character cut at the end lies within its longest encoding's length
# how codecs report a character cut at the end (UTF-8/16, UTF-16/32, the CJK codecs)
_CUT_REASONS = ("unexpected end of data", "truncated data", "incomplete multibyte sequence")
# A UTF-8 page may carry a few stray legacy bytes (a widget or footer pasted in cp1252):
# at most this share of its non-ASCII bytes. Legacy text is far above it: a cp1252 letter
# or a Cyrillic byte pair is never valid UTF-8, a GBK or Shift_JIS pair seldom.
MAX_STRAY_SHARE = 0.05
_ASCII = bytes(range(128))
_NON_ASCII = re.compile(rb"[\x80-\xff]")
# 7-bit charsets whose bytes look like ASCII: only the label tells them apart
_SEVEN_BIT = ("iso2022", "hz")


@dataclass(frozen=True)
class Decoded:
    """Decoded text plus the charset actually used (``ArticleFields.encoding``)."""

    text: str
    encoding: str
    # the page's bytes when they are exactly ``text`` in UTF-8 (a valid UTF-8 page read
    # whole), so the parser is handed them instead of the text encoded again (~0.1 ms)
    utf8: bytes | None = None


def _as_given(data: bytes) -> bytes | None:
    """``data`` when its strict UTF-8 decoding took every byte: a character cut at the
    end (dropped by ``decode_strict``) leaves bytes of 0x80 and above, never ASCII."""
    return data if data[-1:] < b"\x80" else None


def normalise_charset(label: str | None) -> str | None:
    """The Python codec browsers would use for a declared label; None if unknown."""
    if not label:
        return None
    return _charset(resolve_encoding(label.strip().strip("\"'")))


def header_charset(content_type: str | bytes | None) -> str | None:
    """The codec a Content-Type header's ``charset=`` names (None: none or unknown)."""
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    return _charset(http_content_type_encoding(content_type))


def meta_charset(data: bytes) -> str | None:
    """The codec the page's ``<meta>`` or ``<?xml?>`` declaration names, if any."""
    return _charset(html_body_declared_encoding(data))


def _charset(name: str | None) -> str | None:
    """``name`` (a codec w3lib resolved) when it is a text charset; None otherwise."""
    if name is None:
        return None
    if name in _NOT_CHARSETS or not codecs.lookup(name)._is_text_encoding:
        logger.debug("charset %r is no text charset; ignored", name)
        return None
    return name


def decode_strict(data: bytes, encoding: str) -> str | None:
    """The text when every byte is valid in ``encoding`` (checking is decoding, so
    once); a character cut at the very end is dropped. None when it does not fit."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        cut = exc.reason in _CUT_REASONS and exc.end == len(data)
        if not cut or exc.start < len(data) - _CUT_CHAR:
            return None
        return decode_strict(data[:exc.start], encoding)
    except LookupError:
        return None


def detect(data: bytes) -> str | None:
    """charset-normalizer's guess among web encodings, preferring common ones on a tie."""
    results = from_bytes(_sample(data), cp_isolation=list(WEB_ENCODINGS))
    best = results.best()
    if best is None:
        return None
    close = [m for m in results if m.chaos <= best.chaos + CHAOS_MARGIN]
    order = {name: i for i, name in enumerate(WEB_ENCODINGS)}
    pick = min(close, key=lambda m: (-round(m.coherence, 1), order.get(m.encoding, 99)))
    return normalise_charset(pick.encoding)


def _sample(data: bytes) -> bytes:
    """The detector's bytes: at most DETECT_SAMPLE_BYTES from just before the first
    non-ASCII byte (a big page may have none in its first 256 KiB: the detector then
    said "utf-8"), ending after a byte below 0x30 (space, newline, ``<``, ``>``...),
    which no multi-byte character of the web's charsets contains: charset-normalizer
    rejects a charset whose last character is cut, so a sample ending mid-character
    lost every big GBK or Shift_JIS page half the time."""
    first = _NON_ASCII.search(data)
    start = max(0, first.start() - SAMPLE_END_SCAN) if first else 0  # all ASCII before it
    head = data[start:start + DETECT_SAMPLE_BYTES]
    for end in range(len(head), max(len(head) - SAMPLE_END_SCAN, 0), -1):
        if head[end - 1] < 0x30:
            return head[:end]
    return head


def _fallback(data: bytes, candidates: list[str]) -> Decoded:
    """No charset decodes everything: take the one losing the fewest bytes."""
    best: Decoded | None = None
    best_bad = -1
    for enc in dict.fromkeys([*candidates, "utf-8"]):
        text = to_unicode(data, enc)
        bad = text.count("\ufffd")
        if best is None or bad < best_bad:
            best, best_bad = Decoded(text, enc), bad
    assert best is not None
    logger.debug("no clean charset; %s with %d replacements", best.encoding, best_bad)
    return best


def _mostly_utf8(data: bytes) -> str | None:
    """The text of a UTF-8 page with a few stray cp1252 bytes, or None if it is not one."""
    non_ascii = len(data.translate(None, _ASCII))
    stray = data.decode("utf-8", "replace").count("\ufffd") - data.count("\ufffd".encode())
    if stray > non_ascii * MAX_STRAY_SHARE:
        return None
    return data.decode("utf-8", "newscrawl_stray_cp1252")


def _stray_cp1252(exc: UnicodeError) -> tuple[str, int]:
    """A byte UTF-8 rejects, read as cp1252 (as Latin-1 where cp1252 leaves a hole)."""
    assert isinstance(exc, UnicodeDecodeError)
    stray = exc.object[exc.start:exc.end]
    return "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in stray), exc.end


codecs.register_error("newscrawl_stray_cp1252", _stray_cp1252)


def _with_bom(data: bytes) -> Decoded | None:
    """A byte-order mark decides, whatever the labels say (browsers agree)."""
    encoding, bom = read_bom(data)
    if encoding is None or bom is None:
        return None
    body = data[len(bom):]
    text = decode_strict(body, encoding)
    return Decoded(text if text is not None else to_unicode(body, encoding), encoding)


def _ascii(data: bytes, text: str, declared: list[str]) -> Decoded:
    """ASCII bytes read the same in every ASCII-compatible charset, so the declared one
    is reported; a 7-bit charset (ISO-2022-JP, HZ) spells other text in them."""
    encoding = declared[0] if declared else "utf-8"
    if encoding.startswith(_SEVEN_BIT):
        seven = decode_strict(data, encoding)
        return Decoded(seven, encoding) if seven is not None else Decoded(text, "utf-8", _as_given(data))
    return Decoded(text, encoding if "<".encode(encoding) == b"<" else "utf-8", _as_given(data))


def decode_html(data: bytes | str, http_charset: str | None = None) -> Decoded:
    """Decode page bytes; never raises, and avoids U+FFFD whenever a charset fits.

    ``http_charset`` is the Content-Type's charset, as a label or as
    :func:`header_charset` resolved it.
    """
    if isinstance(data, str):
        return Decoded(data, "unicode")
    with_bom = _with_bom(data)
    if with_bom is not None:
        return with_bom
    declared = [c for c in dict.fromkeys((normalise_charset(http_charset), meta_charset(data)))
                if c]
    utf8 = decode_strict(data, "utf-8")
    if utf8 is not None:
        return Decoded(utf8, "utf-8", _as_given(data)) if not utf8.isascii() else _ascii(data, utf8, declared)
    mixed = _mostly_utf8(data)
    if mixed is not None:
        return Decoded(mixed, "utf-8")
    for enc in declared:
        text = decode_strict(data, enc)
        if text is not None:
            return Decoded(text, enc)
    detected = detect(data)
    if detected and detected not in declared:
        text = decode_strict(data, detected)
        if text is not None:
            return Decoded(text, detected)
    return _fallback(data, declared + ([detected] if detected else []))
