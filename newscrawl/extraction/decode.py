"""Raw page bytes → text, robust to the mislabelled charsets of regional sites.

Order of trust: a byte-order mark, then the HTTP charset and the ``<meta>``
charset *if the bytes decode cleanly with them*, then statistical detection.
Valid UTF-8 with multi-byte sequences almost never happens by accident in a
whole page, so it beats any declared charset (``iso-8859-1`` or ``gbk`` labels
on UTF-8 pages are the most common mislabel).
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

import charset_normalizer

logger = logging.getLogger(__name__)

# how many leading bytes to scan for a <meta charset> declaration
META_SCAN_BYTES = 4096
# bytes handed to the detector: enough to be reliable, bounded for speed
DETECT_SAMPLE_BYTES = 200_000

# tie-break order for the detector: the charsets most pages on the web use
WEB_PREFERENCE = ("utf_8", "cp1252", "gb18030", "cp932", "cp1251", "cp1256", "euc_kr", "big5")

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels browsers treat as their superset (WHATWG Encoding Standard): pages
# labelled with the narrow name routinely contain the superset's characters.
_SUPERSETS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
}
_ALIASES = {"x-sjis": "shift_jis", "windows-31j": "cp932", "x-gbk": "gbk", "unicode": "utf-8",
            "mac": "mac_roman", "csmacintosh": "mac_roman", "ms-cyrl": "cp1251"}


@dataclass(frozen=True)
class Decoded:
    """Decoded text plus the charset actually used (reported on the item)."""

    text: str
    encoding: str


def normalise_charset(label: str | None) -> str | None:
    """Map a declared label to the Python codec browsers would really use."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        logger.debug("unknown charset label %r", label)
        return None
    return _SUPERSETS.get(name, name)


def header_charset(content_type: str | bytes | None) -> str | None:
    """The ``charset=`` parameter of a Content-Type header, as written (or None)."""
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    if not content_type or "charset=" not in content_type.lower():
        return None
    value = re.split("charset=", content_type, maxsplit=1, flags=re.IGNORECASE)[1]
    return value.split(";")[0].strip(" \"'") or None


def meta_charset(data: bytes) -> str | None:
    """The charset declared in the page's first bytes, normalised."""
    match = _META_CHARSET.search(data[:META_SCAN_BYTES])
    return normalise_charset(match.group(1).decode("ascii", "ignore")) if match else None


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(data: bytes) -> str | None:
    """Statistical guess, used only when no declared charset fits the bytes.

    The detector often ties between sibling code pages (cp1250/cp1252 on French
    text); ties go to the charset most used on the web.
    """
    matches = list(charset_normalizer.from_bytes(data[:DETECT_SAMPLE_BYTES]))
    if not matches:
        return None
    top = [m for m in matches if (m.chaos, m.coherence) == (matches[0].chaos, matches[0].coherence)]
    for preferred in WEB_PREFERENCE:
        for match in top:
            if preferred in match.could_be_from_charset:
                return normalise_charset(preferred)
    return normalise_charset(matches[0].encoding)


def _fallback(data: bytes, candidates: list[str]) -> Decoded:
    """No charset decodes everything: take the one losing the fewest bytes."""
    best: Decoded | None = None
    best_bad = -1
    for enc in dict.fromkeys(candidates + ["utf-8"]):
        text = data.decode(enc, errors="replace")
        bad = text.count("\ufffd")
        if best is None or bad < best_bad:
            best, best_bad = Decoded(text, enc), bad
    assert best is not None
    logger.debug("no clean charset; %s with %d replacements", best.encoding, best_bad)
    return best


def decode_html(data: bytes | str, http_charset: str | None = None) -> Decoded:
    """Decode page bytes; never raises, and avoids U+FFFD whenever a charset fits."""
    if isinstance(data, str):
        return Decoded(data, "unicode")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], enc)
            if text is not None:
                return Decoded(text, enc)
    declared = [c for c in (normalise_charset(http_charset), meta_charset(data)) if c]
    utf8 = _strict(data, "utf-8")
    if utf8 is not None:
        return Decoded(utf8, "utf-8" if not utf8.isascii() or not declared else declared[0])
    for enc in declared:
        text = _strict(data, enc)
        if text is not None:
            return Decoded(text, enc)
    detected = _detect(data)
    if detected:
        text = _strict(data, detected)
        if text is not None:
            return Decoded(text, detected)
    return _fallback(data, declared + ([detected] if detected else []))
