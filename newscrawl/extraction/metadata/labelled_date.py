"""A date the page labels as its publication date: "Veröffentlicht am 16.08.2019",
"<h5>Datum:</h5> 03.02.2022", "PUBLISHED: 8 Nov 2023".

Pages without structured dates, byline classes or a dateline beside the headline
(podcast and institutional templates) still say in words which of their dates is
the publication's. Only a text piece that *starts* with a label word counts, so a
date mentioned in prose ("the report published on …") does not; the date is in
the rest of that piece, or in the next one when the piece is the label alone.
The walk is bounded in elements, so a huge page costs no more than a small one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from lxml import html as lxml_html

from newscrawl.extraction.date_words import PUBLISHED_LABELS
from newscrawl.extraction.dates import ParsedDate, parse_text

MAX_ELEMENTS = 5000  # elements read; the page's own label comes before any footer
MAX_DATE_CHARS = 80  # a longer rest of the piece is prose, not a label's date
MIN_DATE_CHARS = 6  # a shorter rest ("Datum:") is the label alone: the date follows
_LABEL = re.compile(
    r"\W{0,3}(?:" + "|".join(sorted(set(PUBLISHED_LABELS), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_SKIPPED = frozenset({"script", "style", "noscript", "template"})


def labelled_date(tree: lxml_html.HtmlElement, timezone: str | None = None) -> ParsedDate | None:
    """The first date that a label word introduces, or None."""
    pieces = _texts(tree)
    for piece in pieces:
        match = _LABEL.match(piece)
        if match is None:
            continue
        rest = piece[match.end():]
        if len(rest.strip(" :.-–")) < MIN_DATE_CHARS:
            rest += " " + next(pieces, "")
        if len(rest) <= MAX_DATE_CHARS and (parsed := parse_text(rest, timezone)) is not None:
            return parsed
    return None


def _texts(tree: lxml_html.HtmlElement) -> Iterator[str]:
    """The page's text nodes in document order, space-normalised, scripts skipped."""
    for node in islice(tree.iter(), MAX_ELEMENTS):
        own = node.text if isinstance(node.tag, str) and node.tag not in _SKIPPED else None
        for text in (own, node.tail):
            if text and not text.isspace():
                yield " ".join(text.split())
