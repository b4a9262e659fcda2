"""The byline as the page shows it, found by structure and words instead of class names.

Class names are each site's private vocabulary ("byline", "autor", "sc-95b60818-4"),
so a page from a site nobody looked at, or without JSON-LD, often offers no class
the marked-byline search knows. What every site shares is how a byline reads and
where it sits: just after the headline, a short line of names, introduced by the
language's byline word ("By", "Von", "Par" …, often in an element of its own) or
linking each name to the author's page (``/author/jane-doe``, ``/autoren/…``,
``rel=author``), sometimes in an ``<address>`` (HTML's element for the author's
contact), or declared by RDFa (``property="author"``). This module reads the few
dozen elements after the displayed headline for those signs, nothing else.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from itertools import islice

from lxml import etree
from lxml import html as lxml_html

from newscrawl.extraction.metadata.authors import (
    MAX_BYLINE_CHARS,
    MAX_NAME_CHARS,
    NOT_BYLINE_TAGS,
    clean_authors,
    looks_like_names,
    marked_byline_names,
    prefixed_line_names,
    reads_as_name,
    visible_text,
)

logger = logging.getLogger(__name__)

NEAR_HEADLINE = 60  # elements read after the headline: a byline sits right below it
HEADLINE_LEVELS = 4  # ancestors of the h1 whose following siblings are read
LINK_CLUSTER = 12  # further elements in which co-authors' links are gathered
MAX_LINK_NAME_WORDS = 5
# a path segment naming an author page, followed by the author's own segment
# (literal alternatives only: linear on any href)
AUTHOR_PATH = re.compile(
    r"/(?:authors?|autor(?:en|in|es|as|zy)?|auteurs?|autore|autori|yazar(?:lar)?|"
    r"journalist(?:en|s|e)?|redakteur(?:e|in)?|reporters?|writers?|columnists?|"
    r"contributors?|staff|profil(?:e|es)?/(?:author|journalist))/[^/?#\s]+",
    re.IGNORECASE,
)
AUTHOR_QUERY = re.compile(r"[?&]author=[^&#\s]+", re.IGNORECASE)
_RDFA_AUTHOR = re.compile(r"(?:^|[\s:])(?:author|creator)\b", re.IGNORECASE)


def find_shown_byline(
    tree: lxml_html.HtmlElement, root: lxml_html.HtmlElement
) -> list[str]:
    """Author names from the line below the displayed headline, or []."""
    stream = near_headline(tree, root)
    for index, element in enumerate(stream):
        if element.tag == "a":
            names = _link_names(element) if is_author_link(element) else []
            if names and not _in_non_byline(element):
                return _with_coauthors(names, stream[index + 1 : index + 1 + LINK_CLUSTER])
        names = _element_names(element)
        if names and not _in_non_byline(element):
            return names
    return []


def _element_names(element: lxml_html.HtmlElement) -> list[str]:
    """The names one element below the headline shows as a byline: a marked byline that
    says so ("By …", rel/itemprop author), an <address>, an RDFa author, a line opening
    with a byline word, or a marked byline of nothing but names spelled as names (a
    class "author" also marks brand labels and reading times: "capital", "3 Min")."""
    marked, explicit = marked_byline_names(element)
    if marked and explicit:
        return marked
    return (
        _address_names(element)
        or _rdfa_names(element)
        or prefixed_line_names(element)
        or (marked if all(map(reads_as_name, marked)) else [])
    )


def near_headline(
    tree: lxml_html.HtmlElement, root: lxml_html.HtmlElement
) -> list[lxml_html.HtmlElement]:
    """The elements after the page's headline in document order, at most
    :data:`NEAR_HEADLINE`: the h1's following siblings (and their contents), then its
    parent's, up to :data:`HEADLINE_LEVELS` levels. The headline is the first h1 in the
    article root, else the page's first h1; without one, the root's first elements."""
    h1 = next(root.iter("h1"), None)
    if h1 is None and root is not tree:
        h1 = next(tree.iter("h1"), None)
    if h1 is None:
        return list(islice(root.iterdescendants(etree.Element), NEAR_HEADLINE))
    trail = _breadcrumb(h1)
    return list(islice(_following(h1 if trail is None else trail), NEAR_HEADLINE))


def _breadcrumb(h1: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """The <nav> holding the h1, when the headline is printed as a breadcrumb's last
    item: the byline follows the trail, not the item."""
    for depth, node in enumerate(h1.iterancestors()):
        if depth >= HEADLINE_LEVELS:
            return None
        if node.tag == "nav":
            return node
    return None


def _following(node: lxml_html.HtmlElement) -> Iterator[lxml_html.HtmlElement]:
    for _ in range(HEADLINE_LEVELS):
        for sibling in node.itersiblings():
            yield from sibling.iter(etree.Element)
        parent = node.getparent()
        if parent is None or parent.tag in {"body", "html"}:
            return
        node = parent


def _in_non_byline(element: lxml_html.HtmlElement) -> bool:
    """Inside a caption, figure or navigation (a photo credit, a breadcrumb)."""
    for depth, node in enumerate([element, *element.iterancestors()]):
        if depth > 3:
            return False
        if node.tag in NOT_BYLINE_TAGS:
            return True
    return False


def is_author_link(element: lxml_html.HtmlElement) -> bool:
    """A link to an author's page: rel=author, or an href shaped like one."""
    if element.tag != "a":
        return False
    if "author" in (element.get("rel") or "").lower().split():
        return True
    href = element.get("href") or ""
    return bool(AUTHOR_PATH.search(href) or AUTHOR_QUERY.search(href))


def _link_names(link: lxml_html.HtmlElement) -> list[str]:
    """The one name a link to an author page reads (an avatar link reads none)."""
    text = " ".join(visible_text(link).split())
    if not text or len(text) > MAX_NAME_CHARS:
        return []
    names = clean_authors([text])
    if len(names) != 1 or len(names[0].split()) > MAX_LINK_NAME_WORDS:
        return []
    return names if reads_as_name(names[0]) else []  # "jse": initials link to a page


def _with_coauthors(
    names: list[str], following: list[lxml_html.HtmlElement]
) -> list[str]:
    """The first author link's name and those of the author links just after it
    ("Von Jane Doe und John Roe", each name linked)."""
    seen = {n.casefold() for n in names}
    for element in following:
        if not is_author_link(element):
            continue
        for name in _link_names(element):
            if name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
    return names


def _address_names(element: lxml_html.HtmlElement) -> list[str]:
    """HTML's <address>: the contact of the article's author, so its names."""
    if element.tag != "address":
        return []
    text = visible_text(element)
    return looks_like_names(text) if len(text) <= MAX_BYLINE_CHARS else []


def _rdfa_names(element: lxml_html.HtmlElement) -> list[str]:
    """An RDFa author: ``property="author"`` (or ``schema:author``, ``dc:creator``)."""
    prop = element.get("property")
    if not prop or not _RDFA_AUTHOR.search(prop):
        return []
    text = element.get("content") or visible_text(element)
    return looks_like_names(text) if len(text) <= MAX_BYLINE_CHARS else []
