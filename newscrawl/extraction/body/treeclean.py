"""Tree-level cleaning done once on the shared tree, before any extraction.

Cloudflare replaces every e-mail address with "[email protected]" and keeps the
real one XOR-encoded in ``data-cfemail`` (or in the ``/cdn-cgi/l/email-protection#HEX``
link). Decoding it in the tree fixes body, bylines and metadata at once.
``prepare_for_engine`` then readies the tree for the body engine: it removes
containers that hold other stories, forms or bios, linked teaser headlines,
lists and cards (``teasers``), inlines ruby readings, promotes classed-div
subheadings, and drops scripts/styles/chrome the engine would copy and scan
only to discard.
"""

from __future__ import annotations

import logging
import re

import lxml.etree
import lxml.html

from newscrawl.extraction.classtokens import SCREEN_READER_ONLY, TokenPattern
from newscrawl.extraction.body.teasers import (
    drop_inline_cards,
    drop_link_paragraphs,
    drop_teaser_cards,
    drop_teaser_lists,
)
from newscrawl.extraction.body.treeops import ArticleGuard, drop_all, holds_article
from newscrawl.extraction.body.widgets import drop_widgets

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


# Calls to action (subscription offers, messenger channels, comment prompts) and
# fact boxes beside the story are short widgets; a long element with such a class
# wraps the article instead.
_PROMPT_TOKENS = (
    "cta", "whatsapp", "show-comments", "notification", "promo", "infobox", "factbox", "fact-box",
    "comment", "comments",
)
PROMPT_BLOCK_MAX_WORDS = 120

_PROMPT_BLOCK = TokenPattern(
    r"(?:^|[\s_-])(?:" + "|".join(_PROMPT_TOKENS) + r")(?:$|[\s_-])", _PROMPT_TOKENS
)
_BOILERPLATE = TokenPattern(
    r"(?:^|[\s_-])(?:" + "|".join(re.escape(t) for t in _BOILERPLATE_TOKENS) + r")", _BOILERPLATE_TOKENS
)
_PRUNABLE_TAGS = {"div", "section", "aside", "ul", "form", "nav"}
# Elements every body engine discards; they are half the nodes of a modern page
# (inline scripts, SVG icons, menus), and trafilatura copies and XPath-scans all of them.
_CODE_TAGS = (
    "script", "style", "noscript", "template", "svg", "iframe", "link", "meta", "canvas",
    "button", "input", "select", "option",
)
_STRIPPED_TAGS = tuple(tag for tag in _CODE_TAGS if tag != "script")
# the code elements that may hold a page's content (flow content, or misnested markup)
_CONTAINER_CODE_TAGS = ("noscript", "button", "template")
# page chrome, dropped too unless a template (mis)uses it to wrap the article
_CHROME_TAGS = ("nav", "footer", "aside")
# the same landmarks given by ARIA role on any element (a fact box beside the story
# is a <div role="complementary">, a menu a <div role="navigation">)
_CHROME_ROLES = ("complementary", "navigation", "contentinfo")
_CHROME_BY_ROLE = lxml.etree.XPath(  # [@role] first: libxml2 then skips most elements at once
    "//*[@role][" + " or ".join(f"@role='{role}'" for role in _CHROME_ROLES) + "]"
)


def prune_boilerplate(tree: lxml.html.HtmlElement, guard: ArticleGuard | None = None) -> int:
    """Remove bio boxes, comment forms, related/share/newsletter blocks in place.

    Done in Python with one regex over class/id (an XPath with dozens of
    ``contains()`` tests per element was the slowest step of extraction).
    """
    guard = guard or ArticleGuard(tree)
    doomed = []
    marks: dict[str, tuple[bool, bool]] = {}  # templates repeat their class/id values
    for element in tree.iter(*_PRUNABLE_TAGS):
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        if marker == " ":
            continue
        if (found := marks.get(marker)) is None:
            found = marks[marker] = _boilerplate_marks(marker)
        boilerplate, prompt = found
        if (boilerplate or (
            prompt and len(element.text_content().split()) <= PROMPT_BLOCK_MAX_WORDS
        )) and not guard.holds(element):
            doomed.append(element)
    return drop_all(doomed)


def _boilerplate_marks(marker: str) -> tuple[bool, bool]:
    """(a boilerplate token, a prompt token) in a class/id value; (False, False) for blanks."""
    if not marker.strip():
        return False, False
    return bool(_BOILERPLATE.search(marker)), bool(_PROMPT_BLOCK.search(marker))


# A caption or credit is a few sentences at most; a longer "caption" block is a wrapper.
CAPTION_MAX_WORDS = 60
_CAPTION_CLASS = TokenPattern(
    r"(?:^|[\s_-])(?:caption|credit|copyright)s?(?:$|[\s_-])", ("caption", "credit", "copyright")
)
# text only screen readers get (a teaser headline repeated for accessibility too);
# ``hidden``/``aria-hidden`` also mark collapsed article parts
_HIDDEN_CLASS = SCREEN_READER_ONLY
_MARKED_TAGS = ("figcaption", "div", "p", "span", "small", "a", "section")


def _class_marks(classes: str) -> tuple[bool, bool]:
    """(a screen-reader-only class, a caption/credit class) in a class value."""
    return bool(_HIDDEN_CLASS.search(classes)), bool(_CAPTION_CLASS.search(classes))


def _is_unseen_or_caption(
    element: lxml.html.HtmlElement, marks: dict[str, tuple[bool, bool]], guard: ArticleGuard
) -> bool:
    """``marks``: the page's class values already judged (templates repeat them)."""
    if element.tag == "figcaption":
        return True
    classes = element.get("class")
    if not classes:
        return False
    if (found := marks.get(classes)) is None:
        found = marks[classes] = _class_marks(classes)
    hidden, caption = found
    if hidden:
        return not guard.holds(element)
    return (
        element.tag != "a"
        and caption
        and len(element.text_content().split()) <= CAPTION_MAX_WORDS
        and not holds_article(element)
    )


def drop_hidden_and_captions(tree: lxml.html.HtmlElement, guard: ArticleGuard | None = None) -> int:
    """Remove screen-reader-only text, image captions and photo credits, in one pass.

    None of it is what a reader sees as the story: captions describe a picture and
    engines keep them as paragraphs when a figure sits inside the article text.
    """
    guard = guard or ArticleGuard(tree)
    marks: dict[str, tuple[bool, bool]] = {}
    doomed = [el for el in tree.iter(*_MARKED_TAGS) if _is_unseen_or_caption(el, marks, guard)]
    return drop_all(doomed)


# a picture's wrapper (a link, a <picture>, a span) is climbed this many levels at most
PICTURE_MAX_DEPTH = 3
# a caption printed beside a picture is a line or two
CAPTION_BESIDE_MAX_WORDS = 40
_PICTURE_BOX_TAGS = frozenset({"div", "figure", "section", "span"})
_CAPTION_TEXT_TAGS = frozenset({"p", "div", "span", "small", "em", "i", "cite"})


def _caption_beside(image: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The one short text element sharing a small box with the picture, if any.

    The picture is climbed up its wrappers (a link, a ``<picture>``: one child, no
    text); the box above must hold that wrapper, one text element and no loose
    text, so a paragraph in the article's container (which has many children) is
    never a caption. Outside a ``<figure>`` the picture comes first; a ``<figure>``
    beside the text has its own caption (templates that wrap every paragraph in a
    box of its own put a figure there). A caption stands beside other text: a box
    that is all its parent says is a short story with its picture. The tests go
    from the cheapest (child counts) to the dearest (texts), as most pictures are
    no caption's.
    """
    picture = image
    for _ in range(PICTURE_MAX_DEPTH):
        parent = picture.getparent()
        if parent is None or len(parent) != 1 or (parent.text or "").strip() or (picture.tail or "").strip():
            break
        picture = parent
    box = picture.getparent()
    if box is None or box.tag not in _PICTURE_BOX_TAGS or len(box) != 2 or (box.text or "").strip():
        return None
    if picture.tag == "figure" or next(picture.iter("figure"), None) is not None:
        return None
    first, second = box
    caption = second if first is picture else first
    if caption.tag not in _CAPTION_TEXT_TAGS or (box.tag != "figure" and first is not picture):
        return None
    if (picture.tail or "").strip() or (caption.tail or "").strip():
        return None
    text = caption.text_content()
    if not 0 < len(text.split()) <= CAPTION_BESIDE_MAX_WORDS or holds_article(box):
        return None
    outer = box.getparent()
    if outer is None or not _text_longer_than(outer, sum(len(piece.strip()) for piece in caption.itertext())):
        return None
    return caption


def _text_longer_than(element: lxml.html.HtmlElement, chars: int) -> bool:
    """Whether the element's text (spaces aside) is longer than ``chars``; reads its
    text nodes only until it is (an article container's whole text is never built)."""
    total = 0
    for piece in element.itertext():
        total += len(piece.strip())
        if total > chars:
            return True
    return False


def drop_captions_beside_pictures(tree: lxml.html.HtmlElement) -> int:
    """Remove the short text that shares a box with a picture and nothing else.

    A caption need not be a ``<figcaption>`` nor have a class saying so: a box
    holding only a picture and one short line is a picture with its caption,
    whatever the template calls it. Walked from the pictures, which are few.
    """
    captions = (_caption_beside(image) for image in tree.iter("img"))
    return drop_all(dict.fromkeys(c for c in captions if c is not None))


def _merge_into_text(element: lxml.html.HtmlElement, text: str) -> None:
    """Replace an element by plain text (plus its tail) inside its parent."""
    parent = element.getparent()
    if parent is None:
        return
    merged = text + (element.tail or "")
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + merged
    else:
        parent.text = (parent.text or "") + merged
    parent.remove(element)


def flatten_ruby(tree: lxml.html.HtmlElement) -> int:
    """Turn ``<ruby>`` readings (CJK pronunciation glosses) into inline text.

    Engines treat ``rb``/``rt``/``rp`` as unknown blocks and split or drop the
    sentence around them; inline it reads "尹錫悦（ユンソンニョル）" as printed.
    """
    rubies = list(tree.iter("ruby"))
    for ruby in rubies:
        _merge_into_text(ruby, "".join(ruby.itertext()).strip())
    return len(rubies)


# Subheadings some templates write as classed <div>s, which engines skip as
# layout; the class names the role (English, German, French newsroom terms).
_SUBHEAD_CLASS = TokenPattern(
    r"sub-?head|cross-?head|intertit|zwischen-?(ue|ü)berschrift", ("head", "intertit", "zwischen")
)
SUBHEAD_MAX_WORDS = 20
_BLOCK_TAGS = frozenset({"div", "p", "ul", "ol", "table", "section", "article", "figure", "h1", "h2", "h3", "h4"})


def promote_subheadings(tree: lxml.html.HtmlElement) -> int:
    """Make short classed ``<div>`` subheadings real ``<h3>`` so they are kept."""
    count = 0
    marked: dict[str, bool] = {}  # templates repeat their class values
    for div in tree.iter("div"):
        classes = div.get("class") or ""
        if (found := marked.get(classes)) is None:
            found = marked[classes] = bool(_SUBHEAD_CLASS.search(classes))
        if not found:
            continue
        if any(child.tag in _BLOCK_TAGS for child in div.iterdescendants()):
            continue
        if 0 < len(div.text_content().split()) <= SUBHEAD_MAX_WORDS:
            div.tag = "h3"
            count += 1
    return count


def strip_code(tree: lxml.html.HtmlElement, guard: ArticleGuard | None = None) -> int:
    """Drop scripts, styles, icons, form controls and page chrome once metadata is read.

    JSON-LD blocks stay: trafilatura reads them to recognise forum threads. Which
    scripts and chrome go is decided before anything is removed (a headline may sit
    in a ``<noscript>`` inside the chrome); the other code elements, half the page's
    nodes, are removed by lxml in C (``drop_tree`` one by one cost 0.4 ms a page).
    A ``<noscript>``, ``<button>`` or ``<template>`` holding most of the page's
    paragraph text is the page (see ``ArticleGuard``): its tag goes, its content stays.
    """
    guard = guard or ArticleGuard(tree)
    for element in [el for el in tree.iter(*_CONTAINER_CODE_TAGS) if guard.wraps_text(el)]:
        element.drop_tag()
    doomed = [
        el for el in tree.iter("script", *_CHROME_TAGS)
        if (el.tag != "script" or "ld+json" not in (el.get("type") or ""))
        and (el.tag not in _CHROME_TAGS or not guard.holds(el))
    ]
    doomed += [el for el in _CHROME_BY_ROLE(tree) if el.tag not in _CHROME_TAGS and not guard.holds(el)]
    count = len(doomed) + sum(1 for _ in tree.iter(*_STRIPPED_TAGS))
    lxml.etree.strip_elements(tree, *_STRIPPED_TAGS, with_tail=False)  # tails stay, as with drop_tree
    drop_all(doomed)
    return count


def prepare_for_engine(tree: lxml.html.HtmlElement) -> None:
    """Every tree rule, in order, on the shared tree once metadata has been read.

    Widgets (hidden pop-ups, comment sections, member boxes, controls) go first:
    a comment widget must still be there to find the box that introduces it;
    then boilerplate containers and teasers (judged on links and classes),
    then markup engines mishandle is normalised, then code is dropped.
    """
    guard = ArticleGuard(tree)
    widgets = drop_widgets(tree)
    pruned = (
        prune_boilerplate(tree, guard) + drop_hidden_and_captions(tree, guard)
        + drop_captions_beside_pictures(tree)
    )
    teasers = drop_teaser_cards(tree) + drop_inline_cards(tree) + drop_link_paragraphs(tree) + drop_teaser_lists(tree)
    flatten_ruby(tree)
    promote_subheadings(tree)
    strip_code(tree, guard)
    logger.debug("pruned %d boilerplate containers, %d widgets and %d teasers", pruned, widgets, teasers)


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
        text = bytes(b ^ key for b in raw[1:]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    # a real address is printable; garbage (or a forged value) must not reach the tree
    return text if text.isprintable() and text.strip() else None


def _replace_text(element: lxml.html.HtmlElement, text: str) -> None:
    """Replace an element's content with text, keeping its tail."""
    for child in list(element):
        element.remove(child)
    element.text = text


def decode_cloudflare_emails(tree: lxml.html.HtmlElement, source: str | None = None) -> int:
    """Put real addresses back in place of Cloudflare's placeholders; returns count.

    ``source`` (the page's HTML) lets pages without any placeholder skip two
    whole-tree XPath scans.
    """
    if source is not None and "data-cfemail" not in source and CFEMAIL_PATH not in source:
        return 0
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
