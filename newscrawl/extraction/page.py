"""Parse a page once and share the tree between metadata, cleaning and body.

Parsing costs about as much as copying a tree (measured: ~4 ms parse vs
~5 ms ``deepcopy`` for a 270 kB page), so each page is parsed exactly once
here. trafilatura 2.x copies any tree it is given before mutating it, so the
shared tree can be handed to it directly.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import lxml.etree
import lxml.html

from newscrawl.extraction.decode import decode_html

logger = logging.getLogger(__name__)

# Same options as trafilatura's own parser, so both see the same document.
_PARSER = lxml.html.HTMLParser(
    collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True,
    encoding="utf-8",  # fed UTF-8 bytes: libxml2 parses those faster than a Python str
)
# lxml.html's own class lookup is a Python method called for every element object
# lxml hands out (3 million calls on the corpora, a sixth of extraction's time, most
# of it inside trafilatura, whose copies of the tree inherit it). This C-level lookup
# gives every element the same HtmlElement class (text_content, drop_tree …); only
# the form-field classes (InputElement.value …) are lost, which no reader uses.
_PARSER.set_element_class_lookup(lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity,
))
# lxml refuses str input that still carries an XML encoding declaration
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# characters XML/lxml cannot hold (NUL and C0 controls other than tab/newlines), as
# bytes: in UTF-8 they are never part of another character, and deleting bytes is a
# C loop where a regex over the decoded page took a millisecond
_BAD_BYTES = bytes(range(0x09)) + b"\x0b\x0c" + bytes(range(0x0e, 0x20))


@dataclass
class Page:
    """A decoded, parsed page: the one tree every extraction step reads."""

    text: str
    tree: lxml.html.HtmlElement
    encoding: str
    url: str | None = None


def parse_html(text: str, utf8: bytes | None = None) -> lxml.html.HtmlElement:
    """Parse decoded HTML leniently; an unparsable page gives an empty document.

    ``utf8``: ``text`` in UTF-8 when the caller has it (the page's own bytes).
    """
    if utf8 is None or _XML_DECL.match(text):
        utf8 = _XML_DECL.sub("", text, count=1).encode("utf-8", "surrogatepass")
    try:
        tree = lxml.html.document_fromstring(utf8.translate(None, _BAD_BYTES), parser=_PARSER)
    except (lxml.etree.ParserError, ValueError) as exc:
        logger.debug("unparsable page (%s); using an empty document", exc)
        tree = lxml.html.document_fromstring("<html><body></body></html>", parser=_PARSER)
    if not isinstance(tree, lxml.html.HtmlElement):  # pragma: no cover - defensive
        tree = lxml.html.document_fromstring("<html><body></body></html>", parser=_PARSER)
    return tree


def load_page(
    html: bytes | str, url: str | None = None, http_charset: str | None = None
) -> Page:
    """Decode and parse once; everything downstream shares ``Page.tree``."""
    decoded = decode_html(html, http_charset)
    return Page(decoded.text, parse_html(decoded.text, decoded.utf8), decoded.encoding, url)
