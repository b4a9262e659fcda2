"""Text cleaning of item fields: pure functions, shared by the clean pipeline and the
extraction workers (which clean and fingerprint each body before it reaches the
reactor process, see :mod:`newscrawl.dedup.prepared`). No Scrapy imports."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# Field caps (characters; list lengths): a 1 MB <title> or 10,000 JSON-LD authors
# are a hostile or broken page, not data; cut, counted under newscrawl/clean/capped/<field>.
FIELD_CHARS = {"title": 500, "description": 2000, "section": 200, "site_name": 200,
               "language": 35, "body": 500_000}
LIST_CAPS = {"authors": (20, 200), "tags": (50, 100)}  # field -> (max entries, max chars each)
PRE_CUT = 4  # a field is cut at this many times its cap before cleaning: cleaning stays bounded

_SURROGATE = re.compile("[\ud800-\udfff]")


def sanitised(value: Any) -> Any:
    """``value`` with every string (nested in lists and dicts too) encodable as UTF-8:
    a lone surrogate (a JSON-LD ``"\\ud83d"``) becomes U+FFFD, a split pair is joined."""
    if isinstance(value, str):
        if not _SURROGATE.search(value):
            return value
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list | tuple):
        return [sanitised(v) for v in value]
    if isinstance(value, dict):
        return {sanitised(k): sanitised(v) for k, v in value.items()}
    return value


def clean_text(text: str | None) -> str | None:
    """NFC, no control characters, trimmed lines, paragraphs separated by one blank line."""
    if not text:
        return None
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _drop_controls(text)
    paragraphs = [re.sub(r"[ \t\u00a0]+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    paragraphs = ["\n".join(line.strip() for line in p.split("\n") if line.strip())
                  for p in paragraphs]
    return "\n\n".join(p for p in paragraphs if p) or None


def _drop_controls(text: str) -> str:
    """Remove control/format characters except newline, tab, ZWNJ and ZWJ.

    Categories are looked up once per distinct character, not per character.
    """
    bad = {ch for ch in set(text)
           if unicodedata.category(ch)[0] == "C" and ch not in "\n\t\u200c\u200d"}
    return text.translate(dict.fromkeys(map(ord, bad))) if bad else text


def clean_line(text: str | None) -> str | None:
    cleaned = clean_text(text)
    return re.sub(r"\s+", " ", cleaned).strip() if cleaned else None


def cap_text(text: str | None, limit: int) -> tuple[str | None, bool]:
    """*text* cut to at most *limit* characters (at a space when one is near), and whether it was."""
    if text is None or len(text) <= limit:
        return text, False
    cut = text.rfind(" ", int(limit * 0.8), limit)
    return text[:cut if cut > 0 else limit].rstrip(), True


def clean_field(text: str | None, limit: int, paragraphs: bool = False) -> tuple[str | None, bool]:
    """A text field cleaned (``paragraphs`` kept, for the body; else one line) and cut to
    *limit* characters; and whether it was cut."""
    text, cut = cap_text(text, limit * PRE_CUT)
    text, cut_again = cap_text(clean_text(text) if paragraphs else clean_line(text), limit)
    return text, cut or cut_again
