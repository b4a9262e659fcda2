"""Article text that only exists inside script data (JS-rendered pages).

Pages built with React/Next.js/Nuxt often ship the article as an HTML string
inside hydration JSON and leave the served markup empty; every DOM-based
engine then finds nothing. When the body came out empty or tiny, the page's
long JSON string literals are decoded and the one holding the most paragraph
text is taken. Only used as a last resort, so it costs nothing on normal pages.
"""

from __future__ import annotations

import json
import logging
import re

import lxml.etree
import lxml.html

logger = logging.getLogger(__name__)

# a string literal shorter than this cannot hold an article
STRING_MIN_CHARS = 400
# the winning candidate must hold this much paragraph text …
EMBEDDED_MIN_CHARS = 300
# … in at least this many paragraphs
EMBEDDED_MIN_PARAGRAPHS = 2
# JSON inside a JS string is escaped twice (Next.js flight data): decode this deep
MAX_DEPTH = 2
# never scan more candidates than this on one page
MAX_CANDIDATES = 200

# paragraph markup as it appears inside a JSON string: raw, or \u003c-escaped
_MARKER = re.compile(r"<p[\s>]|\\u003cp[\s>\\]", re.IGNORECASE)
_PARAGRAPH_MARKUP = re.compile(r"<p[\s>]", re.IGNORECASE)
# inline script bodies: only they hold hydration data (markup outside is the DOM)
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_BLOCKS = ("p", "h2", "h3", "h4", "li", "blockquote")
# photo captions inside the embedded HTML are not article text
_CAPTION = re.compile(r"caption|credit", re.IGNORECASE)


def _decode(literal: str) -> str | None:
    try:
        value = json.loads(f'"{literal}"')
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, str) else None


def _is_wrapper_noise(ancestor: lxml.html.HtmlElement) -> bool:
    """A block nested in another block (counted there) or in a caption."""
    if ancestor.tag in _BLOCKS or ancestor.tag in ("figure", "figcaption"):
        return True
    return bool(_CAPTION.search(ancestor.get("class") or ""))


def _paragraphs(fragment: str) -> list[str]:
    """Text blocks of an HTML fragment, in order (nested blocks counted once)."""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return []
    paras = []
    for block in root.iter(*_BLOCKS):
        if any(_is_wrapper_noise(a) for a in block.iterancestors()):
            continue
        text = " ".join(block.text_content().split())
        if text:
            paras.append(text)
    return paras


def _is_quote(text: str, pos: int) -> bool:
    """An unescaped double quote (preceded by an even number of backslashes)."""
    if text[pos] != '"':
        return False
    slashes = 0
    while pos - slashes - 1 >= 0 and text[pos - slashes - 1] == "\\":
        slashes += 1
    return slashes % 2 == 0


def _literal_around(text: str, pos: int) -> tuple[int, int] | None:
    """Bounds of the JSON string literal that contains position ``pos``."""
    start = text.rfind('"', 0, pos)
    while start >= 0 and not _is_quote(text, start):
        start = text.rfind('"', 0, start)
    end = text.find('"', pos)
    while end >= 0 and not _is_quote(text, end):
        end = text.find('"', end + 1)
    if start < 0 or end < 0 or end - start < STRING_MIN_CHARS:
        return None
    return start, end


def _candidates(text: str, depth: int = 1) -> list[str]:
    """Decoded string literals around paragraph markup, unescaped up to MAX_DEPTH."""
    found: list[str] = []
    done = -1
    for match in _MARKER.finditer(text):
        if match.start() < done or len(found) >= MAX_CANDIDATES:
            continue
        bounds = _literal_around(text, match.start())
        if bounds is None:
            continue
        done = bounds[1]
        value = _decode(text[bounds[0] + 1:bounds[1]])
        if value is None:
            continue
        if _PARAGRAPH_MARKUP.search(value):
            found.append(value)
        elif depth < MAX_DEPTH:
            found.extend(_candidates(value, depth + 1))
    return found


def embedded_paragraphs(html_text: str) -> list[str]:
    """Paragraphs of the richest HTML string embedded in the page's scripts."""
    best: list[str] = []
    fragments = (f for m in _SCRIPT.finditer(html_text) for f in _candidates(m.group(1)))
    for fragment in fragments:
        paras = _paragraphs(fragment)
        if sum(map(len, paras)) > sum(map(len, best)):
            best = paras
    if len(best) < EMBEDDED_MIN_PARAGRAPHS or sum(map(len, best)) < EMBEDDED_MIN_CHARS:
        return []
    logger.debug("body taken from script data (%d paragraphs)", len(best))
    return best
