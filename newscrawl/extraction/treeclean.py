"""Tree-level cleaning done once on the shared tree, before any extraction.

Cloudflare replaces every e-mail address with "[email protected]" and keeps the
real one XOR-encoded in ``data-cfemail`` (or in the ``/cdn-cgi/l/email-protection#HEX``
link). Decoding it in the tree fixes body, bylines and metadata at once.
``prune_boilerplate`` removes containers that hold other stories, forms or
bios, so the body engine never sees them.
"""

from __future__ import annotations

import logging
import re

import lxml.html

logger = logging.getLogger(__name__)

CFEMAIL_PATH = "/cdn-cgi/l/email-protection"

# Containers that never hold article text, matched on class/id tokens. Each
# token is specific enough not to hit article wrappers ("related" alone would
# match "related-topics" link lists, which are fine to drop too).
_BOILERPLATE_TOKENS = (
    "author-box", "authorbox", "author-bio", "about-author", "author-info", "td-author",
    "comment-respond", "comments-area", "comment-form",
    "related-posts", "related-articles", "relatedposts", "jp-relatedposts", "related-stories",
    "td-related", "yarpp", "must-read", "also-read", "more-stories",
    "newsletter", "signup", "sign-up",
    "share-buttons", "sharedaddy", "social-share", "share-bar", "sharing",
)


_BOILERPLATE = re.compile(
    r"(?:^|[\s_-])(?:" + "|".join(re.escape(t) for t in _BOILERPLATE_TOKENS) + r")", re.IGNORECASE
)
_PRUNABLE_TAGS = {"div", "section", "aside", "ul", "form", "nav"}


def _holds_article(element: lxml.html.HtmlElement) -> bool:
    """Never prune a container of the headline or the article element itself."""
    return (
        element.find(".//h1") is not None
        or element.find(".//article") is not None
        or bool(element.xpath(".//*[@itemprop='articleBody']"))
    )


def prune_boilerplate(tree: lxml.html.HtmlElement) -> int:
    """Remove bio boxes, comment forms, related/share/newsletter blocks in place.

    Done in Python with one regex over class/id (an XPath with dozens of
    ``contains()`` tests per element was the slowest step of extraction).
    """
    doomed = []
    for element in tree.iter(*_PRUNABLE_TAGS):
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        if marker.strip() and _BOILERPLATE.search(marker) and not _holds_article(element):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()  # keeps the tail text, which belongs to the parent
    return len(doomed)


def decode_cfemail(hexdata: str) -> str | None:
    """Cloudflare's scheme: first byte is the key, the rest are XOR-ed chars."""
    try:
        raw = bytes.fromhex(hexdata.strip())
    except ValueError:
        return None
    if len(raw) < 2:
        return None
    key = raw[0]
    try:
        return bytes(b ^ key for b in raw[1:]).decode("utf-8")
    except UnicodeDecodeError:
        return None


def _replace_text(element: lxml.html.HtmlElement, text: str) -> None:
    """Replace an element's content with text, keeping its tail."""
    for child in list(element):
        element.remove(child)
    element.text = text


def decode_cloudflare_emails(tree: lxml.html.HtmlElement) -> int:
    """Put real addresses back in place of Cloudflare's placeholders; returns count."""
    count = 0
    for node in tree.xpath("//*[@data-cfemail]"):
        email = decode_cfemail(node.get("data-cfemail", ""))
        if email:
            _replace_text(node, email)
            del node.attrib["data-cfemail"]
            count += 1
    for link in tree.xpath(f"//a[contains(@href, '{CFEMAIL_PATH}')]"):
        href = link.get("href", "")
        email = decode_cfemail(href.partition("#")[2])
        if email:
            link.set("href", f"mailto:{email}")
            if "[email" in (link.text_content() or "") or not link.text_content().strip():
                _replace_text(link, email)
            count += 1
    if count:
        logger.debug("decoded %d Cloudflare-protected e-mails", count)
    return count
