"""The date a page prints beside its headline: the day a reader is told it appeared.

Structured data is written by the CMS and often carries an import, a template or a
first-draft date; the dateline under (or just above) the ``<h1>`` is the one the
editors show. It is found by reading the few text nodes that follow the headline
in document order (a byline, a "Published" line, a ``<time>``), and, when none
does, the few that precede it (a kicker line "03.05.2024 10:16 Uhr - Sport").
The walk is bounded in nodes and characters, so a huge page costs no more than
a small one.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from lxml import html as lxml_html

from newscrawl.extraction.dates import ParsedDate, parse_date, parse_text

AFTER_CHARS = 220  # a byline or dateline; further on the lead's own dates begin
BEFORE_CHARS = 90  # a kicker line; further back the navigation begins
MAX_NODES = 60  # elements visited on either side
MAX_PIECE = 120  # a longer text node is prose, not a dateline
MIN_HEADLINE = 12  # a shorter <h1> is the site's logo, not the headline
MAX_HEADINGS = 5
_SKIPPED = frozenset({"script", "style", "noscript", "template", "button", "select", "option"})


def headline(tree: lxml_html.HtmlElement, root: lxml_html.HtmlElement,
             title: str | None = None) -> lxml_html.HtmlElement | None:
    """The article's headline element: the first ``<h1>`` in the article root, else the
    first long enough to be a headline (sites wrap their logo in an ``<h1>`` too), else
    an ``<h2>`` that the page's ``<title>`` repeats (templates that keep the ``<h1>`` for
    the site)."""
    for scope in (root, tree):
        for h1 in islice(scope.iter("h1"), MAX_HEADINGS):
            if len(_text(h1)) >= MIN_HEADLINE:
                return h1
    wanted = (title or "").casefold()
    for h2 in islice(tree.iter("h2"), MAX_HEADINGS):
        text = _text(h2)
        if len(text) >= MIN_HEADLINE and text.casefold() in wanted:
            return h2
    return None


def _text(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def dateline(tree: lxml_html.HtmlElement, root: lxml_html.HtmlElement,
             timezone: str | None = None, title: str | None = None) -> ParsedDate | None:
    """The first date in the text right after the headline, else right before it."""
    h1 = headline(tree, root, title)
    if h1 is None:
        return None
    return _first_date(_after(h1, timezone), AFTER_CHARS, timezone) or _first_date(
        _before(h1, timezone), BEFORE_CHARS, timezone
    )


def _first_date(pieces: Iterator[str | ParsedDate], budget: int, timezone: str | None) -> ParsedDate | None:
    """The first piece that is (or states) a date, within ``budget`` characters of text."""
    for piece in pieces:
        if isinstance(piece, ParsedDate):
            return piece
        if len(piece) <= MAX_PIECE and (parsed := parse_text(piece, timezone)) is not None:
            return parsed
        budget -= len(piece)
        if budget <= 0:
            return None
    return None


def _time_value(element: lxml_html.HtmlElement, timezone: str | None) -> ParsedDate | None:
    """A ``<time>``'s machine value, which is more precise than its printed text."""
    if element.tag != "time" or not element.get("datetime"):
        return None
    return time_element_date(element, timezone)


def time_element_date(element: lxml_html.HtmlElement, timezone: str | None) -> ParsedDate | None:
    """The date of a ``<time>``: its ``datetime`` value (more precise than its text),
    unless the text it prints states a full date more than a day away, also read with
    day and month swapped: then the template filled the attribute with another
    moment ("Publié le 29 juin 2019" over ``datetime="2019-07-03T10:18:46Z"``) and
    the reader's date is the printed one. No ``datetime``: the text."""
    machine = parse_date(element.get("datetime"), timezone)
    text = _short_text(element, MAX_PIECE)
    if text is None:
        return machine
    printed = parse_text(text, timezone) if text else None
    if machine is None or printed is None:
        return machine or printed
    day = machine.value.date()
    if any(abs((reading.value.date() - day).days) <= 1 for reading in (printed, printed.swapped()) if reading):
        return machine
    return printed


def _short_text(element: lxml_html.HtmlElement, limit: int) -> str | None:
    """The element's text with blanks folded, or None when it is longer than ``limit``;
    its text nodes are read only until then (a ``<time>`` may wrap a whole page, and
    nested ones would make reading each one's text quadratic)."""
    pieces: list[str] = []
    size = 0
    for piece in element.itertext():
        pieces.append(piece)
        size += len(" ".join(piece.split()))  # never more than the folded whole
        if size > limit:
            return None
    text = " ".join("".join(pieces).split())
    return text if len(text) <= limit else None


def _pieces(element: lxml_html.HtmlElement, timezone: str | None = None) -> Iterator[str | ParsedDate]:
    """The element's own text nodes in document order (its tail excluded), a ``<time>``
    with a datetime as its parsed value, scripts and widgets skipped."""
    for node in islice(element.iter(), MAX_NODES):
        if not isinstance(node.tag, str):  # comment or processing instruction
            if node.tail and node.tail.strip():
                yield node.tail.strip()
            continue
        if node.tag in _SKIPPED:
            continue
        if (value := _time_value(node, timezone)) is not None:
            yield value
        if node.text and node.text.strip():
            yield node.text.strip()
        if node is not element and node.tail and node.tail.strip():
            yield node.tail.strip()


def _after(h1: lxml_html.HtmlElement, timezone: str | None) -> Iterator[str | ParsedDate]:
    """Text that follows the headline: its tail, its next siblings, then its ancestors'."""
    node: lxml_html.HtmlElement | None = h1
    visited = 0
    while node is not None and visited < MAX_NODES:
        if node.tail and node.tail.strip():
            yield node.tail.strip()
        for sibling in node.itersiblings():
            visited += 1
            if visited > MAX_NODES:
                return
            yield from _pieces(sibling, timezone)
            if sibling.tail and sibling.tail.strip():
                yield sibling.tail.strip()
        node = node.getparent()


def _before(h1: lxml_html.HtmlElement, timezone: str | None) -> Iterator[str | ParsedDate]:
    """Text that precedes the headline, nearest first: earlier siblings, then ancestors'."""
    node: lxml_html.HtmlElement | None = h1
    visited = 0
    while node is not None and visited < MAX_NODES:
        for sibling in node.itersiblings(preceding=True):
            visited += 1
            if visited > MAX_NODES:
                return
            if sibling.tail and sibling.tail.strip():
                yield sibling.tail.strip()
            yield from reversed(list(_pieces(sibling, timezone)))
        parent = node.getparent()
        if parent is not None and parent.text and parent.text.strip():
            yield parent.text.strip()
        node = parent
