"""Tree-level cleaning done once on the shared tree, before any extraction.

Cloudflare replaces every e-mail address with "[email protected]" and keeps the
real one XOR-encoded in ``data-cfemail`` (or in the ``/cdn-cgi/l/email-protection#HEX``
link). Decoding it in the tree fixes body, bylines and metadata at once.
``prepare_for_engine`` then readies the tree for the body engine: it removes
containers that hold other stories, forms or bios, linked teaser headlines and
lists, inlines ruby readings, promotes classed-div subheadings, and drops
scripts/styles/chrome the engine would copy and scan only to discard.
"""

from __future__ import annotations

import logging
import re

import lxml.etree
import lxml.html

from newscrawl.extraction.body.classtokens import TokenPattern

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
# page chrome, dropped too unless a template (mis)uses it to wrap the article
_CHROME_TAGS = ("nav", "footer", "aside")
# the same landmarks given by ARIA role on any element (a fact box beside the story
# is a <div role="complementary">, a menu a <div role="navigation">)
_CHROME_ROLES = ("complementary", "navigation", "contentinfo")
_CHROME_BY_ROLE = lxml.etree.XPath(
    "//*[" + " or ".join(f"@role='{role}'" for role in _CHROME_ROLES) + "]"
)


def _holds_article(element: lxml.html.HtmlElement) -> bool:
    """Never prune a container of the headline or the article element itself."""
    return (
        next(element.iterdescendants("h1", "article"), None) is not None  # one walk for both
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
        if not marker.strip():
            continue
        if (_BOILERPLATE.search(marker) or (
            _PROMPT_BLOCK.search(marker)
            and len(element.text_content().split()) <= PROMPT_BLOCK_MAX_WORDS
        )) and not _holds_article(element):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()  # keeps the tail text, which belongs to the parent
    return len(doomed)


# a paragraph that is one link and nothing else is a teaser for another story
LINK_PARAGRAPH_MIN_WORDS = 3
_SENTENCE_END = (".", "!", "?", "。", "！", "？", "؟", "۔")


def _linked(element: lxml.html.HtmlElement) -> bool:
    """The element's whole text is one link to another page."""
    text = " ".join(element.text_content().split())
    if len(text.split()) < LINK_PARAGRAPH_MIN_WORDS:
        return False
    for link in element.iterancestors("a"):  # a teaser card: <a><h3>…</h3></a>
        return _is_page_link(link)
    links = element.findall(".//a")
    return (
        len(links) == 1 and _is_page_link(links[0])
        and " ".join(links[0].text_content().split()) == text
    )


def _is_page_link(link: lxml.html.HtmlElement) -> bool:
    href = (link.get("href") or "").strip()
    return bool(href) and not href.startswith(("#", "javascript:"))


def _is_link_paragraph(element: lxml.html.HtmlElement) -> bool:
    # most paragraphs hold no link and sit in none: no need to read their text
    if next(element.iterdescendants("a"), None) is None and next(element.iterancestors("a"), None) is None:
        return False
    text = element.text_content().strip()
    if element.tag == "p" and text.endswith(_SENTENCE_END):
        return False
    return _linked(element)


def drop_link_paragraphs(tree: lxml.html.HtmlElement) -> int:
    """Remove paragraphs and subheadings that are a single linked headline.

    Templates put "related story" headlines inside the article as paragraphs
    (often in capitals) or as linked ``<h3>`` cards; body engines keep them as
    text. A linked sentence ending with a full stop is kept: it may be the
    article's own; in-page anchors (``#section``) are kept too.
    """
    doomed = [el for el in tree.iter("p", "h2", "h3", "h4") if _is_link_paragraph(el)]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
    return len(doomed)


# a list of at least this many items, each opening with a linked headline …
TEASER_LIST_MIN_ITEMS = 3
# … whose link is at least this share of the item's text, is a list of other stories
TEASER_LINK_SHARE = 0.3


def _is_teaser_item(item: lxml.html.HtmlElement) -> bool:
    """The item opens with a linked headline (a thumbnail link before it is skipped)."""
    texts = (" ".join(a.text_content().split()) for a in item.iter("a"))
    link_text = next((t for t in texts if t), "")
    item_text = " ".join(item.text_content().split())
    return (
        len(link_text.split()) >= LINK_PARAGRAPH_MIN_WORDS
        and item_text.startswith(link_text)
        and len(link_text) >= TEASER_LINK_SHARE * len(item_text)
    )


# a list whose text is at least this share link text is a list of other pages …
LINK_LIST_SHARE = 0.5
# … when its items are headlines of this many words on average (menus of one- or
# two-word items are left to the engine, which reads them as navigation)
LINK_LIST_MIN_ITEM_WORDS = 4


def _is_link_list(lst: lxml.html.HtmlElement, items: int) -> bool:
    """Most of the list's text is linked headlines: related stories, sources.

    Article lists (steps, facts, specifications) are text with at most a link
    inside; a list of linked headlines is read as one whatever its length.
    """
    if not items or next(lst.iter("a"), None) is None:  # most lists of a page hold no link
        return False
    text = lst.text_content()
    if len(text.split()) < LINK_LIST_MIN_ITEM_WORDS * items:
        return False
    chars = len("".join(text.split()))
    linked = sum(len("".join(a.text_content().split())) for a in lst.iter("a") if _is_page_link(a))
    return linked >= LINK_LIST_SHARE * chars and not _holds_article(lst)


def drop_teaser_lists(tree: lxml.html.HtmlElement) -> int:
    """Remove lists of other stories: every item starts with a linked headline, or
    the list is mostly link text.

    Article lists (steps, facts, sources) have items that are text first.
    """
    doomed = []
    for lst in tree.iter("ul", "ol"):
        items = [child for child in lst if child.tag == "li"]
        if len(items) >= TEASER_LIST_MIN_ITEMS and all(_is_teaser_item(i) for i in items):
            doomed.append(lst)
        elif _is_link_list(lst, len(items)):
            doomed.append(lst)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
    return len(doomed)


# A caption or credit is a few sentences at most; a longer "caption" block is a wrapper.
CAPTION_MAX_WORDS = 60
_CAPTION_CLASS = TokenPattern(
    r"(?:^|[\s_-])(?:caption|credit|copyright)s?(?:$|[\s_-])", ("caption", "credit", "copyright")
)
# text only screen readers get ("Opens in a new window", a teaser headline repeated
# for accessibility); ``hidden``/``aria-hidden`` also mark collapsed article parts
_HIDDEN_CLASS = TokenPattern(
    r"(?:^|\s)(?:sr-only|screen-reader-text|visually-?hidden|u?-?a11y-hidden)(?:$|\s)",
    ("sr-only", "screen-reader-text", "visually", "a11y-hidden"),
)
_MARKED_TAGS = ("figcaption", "div", "p", "span", "small", "a", "section")


def _is_unseen_or_caption(element: lxml.html.HtmlElement) -> bool:
    if element.tag == "figcaption":
        return True
    classes = element.get("class")
    if not classes:
        return False
    if _HIDDEN_CLASS.search(classes):
        return not _holds_article(element)
    return (
        element.tag != "a"
        and bool(_CAPTION_CLASS.search(classes))
        and len(element.text_content().split()) <= CAPTION_MAX_WORDS
        and not _holds_article(element)
    )


def drop_hidden_and_captions(tree: lxml.html.HtmlElement) -> int:
    """Remove screen-reader-only text, image captions and photo credits, in one pass.

    None of it is what a reader sees as the story: captions describe a picture and
    engines keep them as paragraphs when a figure sits inside the article text.
    """
    doomed = [el for el in tree.iter(*_MARKED_TAGS) if _is_unseen_or_caption(el)]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
    return len(doomed)


# a teaser card (image + headline + dek) of another story is short
CARD_MAX_WORDS = 80
# how far up from the image link the card's headline link is looked for
CARD_MAX_DEPTH = 4


def _card_of(image_link: lxml.html.HtmlElement, text_link: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The smallest short container holding both links, if it is near the image link."""
    node = image_link
    for _ in range(CARD_MAX_DEPTH):
        node = node.getparent()
        if node is None:
            return None
        if any(a is node for a in text_link.iterancestors()):
            too_long = len(node.text_content().split()) > CARD_MAX_WORDS
            return None if too_long or _holds_article(node) else node
    return None


def drop_teaser_cards(tree: lxml.html.HtmlElement) -> int:
    """Remove cards linking another story twice, by its picture and by its headline.

    Templates put "more stories" cards inside and below the article; their deks
    are full sentences, so only this double link tells them from article text.
    Links are grouped by target once, so only pictures with a headline link are
    walked up.
    """
    pictures: dict[str, lxml.html.HtmlElement] = {}
    texts: dict[str, lxml.html.HtmlElement] = {}
    for link in tree.iter("a"):
        href = link.get("href") or ""
        if not href.startswith(("http", "/")):
            continue
        has_text = bool(link.text_content().strip())
        if not has_text and link.find(".//img") is not None:
            pictures.setdefault(href, link)
        elif has_text:
            texts.setdefault(href, link)
    doomed = [
        card for href, picture in pictures.items()
        if href in texts and (card := _card_of(picture, texts[href])) is not None
    ]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
    return len(doomed)


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
    for div in tree.iter("div"):
        if not _SUBHEAD_CLASS.search(div.get("class") or ""):
            continue
        if any(child.tag in _BLOCK_TAGS for child in div.iterdescendants()):
            continue
        if 0 < len(div.text_content().split()) <= SUBHEAD_MAX_WORDS:
            div.tag = "h3"
            count += 1
    return count


def strip_code(tree: lxml.html.HtmlElement) -> int:
    """Drop scripts, styles, icons, form controls and page chrome once metadata is read.

    JSON-LD blocks stay: trafilatura reads them to recognise forum threads. Which
    scripts and chrome go is decided before anything is removed (a headline may sit
    in a ``<noscript>`` inside the chrome); the other code elements, half the page's
    nodes, are removed by lxml in C (``drop_tree`` one by one cost 0.4 ms a page).
    """
    doomed = [
        el for el in tree.iter("script", *_CHROME_TAGS)
        if (el.tag != "script" or "ld+json" not in (el.get("type") or ""))
        and (el.tag not in _CHROME_TAGS or not _holds_article(el))
    ]
    doomed += [el for el in _CHROME_BY_ROLE(tree) if el.tag not in _CHROME_TAGS and not _holds_article(el)]
    count = len(doomed) + sum(1 for _ in tree.iter(*_STRIPPED_TAGS))
    lxml.etree.strip_elements(tree, *_STRIPPED_TAGS, with_tail=False)  # tails stay, as with drop_tree
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
    return count


def prepare_for_engine(tree: lxml.html.HtmlElement) -> None:
    """Every tree rule, in order, on the shared tree once metadata has been read.

    Boilerplate containers and teasers go first (they are judged on links and
    classes), then markup engines mishandle is normalised, then code is dropped.
    """
    pruned = prune_boilerplate(tree) + drop_hidden_and_captions(tree)
    teasers = drop_teaser_cards(tree) + drop_link_paragraphs(tree) + drop_teaser_lists(tree)
    flatten_ruby(tree)
    promote_subheadings(tree)
    strip_code(tree)
    logger.debug("pruned %d boilerplate containers and %d teasers", pruned, teasers)


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
