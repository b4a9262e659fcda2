"""What every tree rule of the body stage shares: the guard that keeps the article,
and the removal of what a rule decided on."""

from __future__ import annotations

from collections.abc import Iterable

import lxml.etree
import lxml.html

# compiled once; testing that the attribute exists before comparing its value makes
# libxml2 skip most elements at once (32 µs a container against 55 µs)
_ARTICLE_BODY = lxml.etree.XPath("(.//*[@itemprop][@itemprop='articleBody'])[1]")


def holds_article(element: lxml.html.HtmlElement) -> bool:
    """Never prune a container of the headline or the article element itself."""
    return (
        next(element.iterdescendants("h1", "article"), None) is not None  # one walk for both
        or bool(_ARTICLE_BODY(element))
    )


# A container a rule removes by its class, tag or role never holds most of the page's
# paragraph text: one that does is the article's wrapper (a template classing it
# "sharing"), or the page itself (a <button> the HTML parser let swallow the rest of
# the page, a <noscript> copy of the page for browsers without JavaScript).
WRAPPER_SHARE = 0.5
# … and at least this much of it (a page of a few lines has no such wrapper to spare)
WRAPPER_MIN_CHARS = 500


def paragraph_chars(element: lxml.html.HtmlElement) -> int:
    """Characters of text in the ``<p>`` elements under ``element``."""
    return sum(len(p.text_content()) for p in element.iter("p"))


class ArticleGuard:
    """What no removal rule may take: the headline, the article element, the
    ``articleBody``, or most of the page's paragraph text.

    The page's paragraph text is counted once, the first time a container holds
    enough to ask (on most pages none does, and counting costs a walk of the page):
    what earlier rules removed is not counted.
    """

    def __init__(self, tree: lxml.html.HtmlElement) -> None:
        self._tree = tree
        self._page_chars: int | None = None

    def wraps_text(self, element: lxml.html.HtmlElement) -> bool:
        chars = paragraph_chars(element)
        if chars < WRAPPER_MIN_CHARS:
            return False
        if self._page_chars is None:
            self._page_chars = paragraph_chars(self._tree)
        return chars > WRAPPER_SHARE * self._page_chars

    def holds(self, element: lxml.html.HtmlElement) -> bool:
        return holds_article(element) or self.wraps_text(element)


def drop_all(elements: Iterable[lxml.html.HtmlElement]) -> int:
    """Remove the elements decided on (a walk never removes while it iterates).

    Their tails stay, as text of the parent; an element inside one removed
    before it goes with it. Returns how many were decided on.
    """
    count = 0
    for element in elements:
        count += 1
        if element.getparent() is not None:
            element.drop_tree()
    return count
