"""Lines of the body text as a browser shows them: source line breaks are spaces.

trafilatura's fallback extractors (readability, justext) hand back the page's
own elements with their text as written in the source, so a hard-wrapped
paragraph (``<p>one line\\nnext line</p>``, no ``<br>``) comes out as one line per
source line, and a line is a paragraph to everything after the engine. A browser
renders any whitespace run as one space: lines are made by ``<br>`` (the engine's
``lb``) and by block boundaries only. So a whitespace run holding a line break
becomes one space wherever text continues on both sides of it on the same line
(inside a text node, or next to an inline element); next to a block boundary it
is left alone, the engine's serialiser lays blocks out itself. Preformatted text
(``<pre>``, the engine's ``code``) keeps its lines.
"""

from __future__ import annotations

import re
from typing import Any

from trafilatura.xml import xmltotxt

# a line break between two characters of one text node
_INNER_BREAK = re.compile(r"(?<=\S)[ \t\r\f\v]*\n\s*(?=\S)")
_LEADING_BREAK = re.compile(r"^[ \t\r\f\v]*\n\s*")
_TRAILING_BREAK = re.compile(r"\s*\n[ \t\r\f\v]*$")
# elements that start or end a line: the engine's blocks and the HTML ones readability keeps
_BLOCKS = frozenset((
    "p", "head", "list", "item", "quote", "table", "row", "cell", "lb", "graphic", "code", "doc", "body",
    "div", "section", "article", "main", "header", "footer", "aside", "figure", "figcaption", "blockquote",
    "ul", "ol", "li", "dl", "dt", "dd", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
    "br", "hr", "pre", "form", "details", "summary",
))
_PREFORMATTED = frozenset(("code", "pre"))


def _inline(element: Any) -> bool:
    return element is not None and element.tag not in _BLOCKS


def _fold(value: str, joined_before: bool, joined_after: bool) -> str:
    """``value`` with its line breaks as spaces where the text goes on around them."""
    if not value.strip():  # whitespace only: one space when both sides are on the line
        return " " if joined_before and joined_after else value
    value = _INNER_BREAK.sub(" ", value)
    if joined_before:
        value = _LEADING_BREAK.sub(" ", value)
    if joined_after:
        value = _TRAILING_BREAK.sub(" ", value)
    return value


def _fold_element(element: Any) -> bool:
    """Fold the element's own text and its tail; returns whether either held a break."""
    changed = False
    if element.text and "\n" in element.text:
        first = element[0] if len(element) else None
        after = _inline(first) if first is not None else _inline(element)
        element.text = _fold(element.text, _inline(element), after)
        changed = True
    if element.tail and "\n" in element.tail:
        following = element.getnext()
        after = _inline(following) if following is not None else _inline(element.getparent())
        element.tail = _fold(element.tail, _inline(element), after)
        changed = True
    return changed


def fold_source_breaks(body: Any) -> bool:
    """Source line breaks in the engine's tree as spaces (see the module); returns
    whether any text held one. Preformatted subtrees are left as they are."""
    changed = False
    stack = [body]
    while stack:
        element = stack.pop()
        if element.tag in _PREFORMATTED:
            if element.tail and "\n" in element.tail:  # the tail is outside the block
                following = element.getnext()
                after = _inline(following) if following is not None else _inline(element.getparent())
                element.tail = _fold(element.tail, False, after)
                changed = True
            continue
        changed |= _fold_element(element)
        stack.extend(child for child in element if isinstance(child.tag, str))
    return changed


def engine_text(doc: Any) -> str:
    """The engine's text, one line per block or ``<br>`` line."""
    text = getattr(doc, "text", None) or ""
    body = getattr(doc, "body", None)
    if "\n" in text and body is not None and fold_source_breaks(body):
        return xmltotxt(body, include_formatting=False)
    return text
