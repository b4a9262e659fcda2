"""Body fingerprints: an exact hash and the shingles that near-duplicate search uses.

Both work on the same normalised text, so differences in case, Unicode form,
whitespace or punctuation (curly vs straight quotes, a template's dash style)
never make two copies of one article look different.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import unicodedata

logger = logging.getLogger(__name__)

# Scripts written without spaces between words: word shingles would be whole
# sentences there, so they get character shingles instead.
_UNSPACED_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x2FA1F),  # CJK extensions B+
)
_UNSPACED_RE = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _UNSPACED_RANGES) + "]")
UNSPACED_SHARE = 0.3  # share of letters from those scripts that switches to char shingles
WORD_SHINGLE = 5  # words per shingle for spaced scripts
CHAR_SHINGLE = 4  # characters per shingle for unspaced scripts (about two CJK words)


@functools.lru_cache(maxsize=4)
def normalise_body(text: str) -> str:
    """NFKC, casefold, punctuation and symbols removed, whitespace collapsed.

    Punctuation becomes a space rather than nothing, so "end.Start" stays two
    words; invisible format characters (soft hyphen, ZWNJ) are removed. Each
    distinct character is looked up once (``str.translate``), not each character.
    Cached for the last few bodies: the hash and the near-duplicate shingles of
    one item both need it.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    table = {ord(ch): folded for ch in set(text) if (folded := _fold_char(ch)) != ch}
    return " ".join(text.translate(table).split())


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Cf":
        return ""
    return " " if category[0] in "PSZC" else ch


def content_hash(text: str) -> str:
    """sha1 hex of the normalised body: equal for copies that differ only in form."""
    return hashlib.sha1(normalise_body(text).encode("utf-8")).hexdigest()


def is_unspaced(normalised: str) -> bool:
    """True when most letters come from scripts without word spacing (CJK, Thai …)."""
    letters = len(normalised) - normalised.count(" ")
    unspaced = len(_UNSPACED_RE.findall(normalised))
    return letters > 0 and unspaced / letters >= UNSPACED_SHARE


def shingles(text: str, k: int | None = None) -> set[str]:
    """Overlapping k-grams of the normalised text: words, or characters for CJK-like text.

    ``k`` defaults to ``WORD_SHINGLE`` or ``CHAR_SHINGLE`` by script.  A text
    shorter than one shingle gives itself as the only shingle.
    """
    norm = normalise_body(text)
    if not norm:
        return set()
    if is_unspaced(norm):
        chars = norm.replace(" ", "")
        size = k or CHAR_SHINGLE
        if len(chars) <= size:
            return {chars}
        return {chars[i : i + size] for i in range(len(chars) - size + 1)}
    words = norm.split(" ")
    size = k or WORD_SHINGLE
    if len(words) <= size:
        return {" ".join(words)}
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def story_id(first_canonical_url: str) -> str:
    """Story id shared by every copy of a story: derived from its first copy's URL, so
    workers and runs that meet the same first copy agree without coordination."""
    return hashlib.sha1(first_canonical_url.encode("utf-8")).hexdigest()[:16]
