"""Other stories inside the article: linked headlines, lists of them, teaser cards.

Templates put "related story" headlines, lists and cards inside the article
container; body engines keep them as text. These rules judge them by their
links (a headline linking elsewhere, a list mostly of link text, a picture and
a headline linking the same story), never by a site's class names.
"""

from __future__ import annotations

import lxml.html

from newscrawl.extraction.body.treeops import drop_all, holds_article
from newscrawl.extraction.wordcount import count_words

# a paragraph that is one link and nothing else is a teaser for another story (words
# counted by script, so a Chinese or Japanese headline without spaces counts too)
LINK_PARAGRAPH_MIN_WORDS = 3
_SENTENCE_END = (".", "!", "?", "。", "！", "？", "؟", "۔")


def _linked(element: lxml.html.HtmlElement) -> bool:
    """The element's whole text is one link to another page."""
    text = " ".join(element.text_content().split())
    if count_words(text) < LINK_PARAGRAPH_MIN_WORDS:
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


# a paragraph led by a linked headline whose rest is a date, a time or a count
# ("<a>Other story</a> 03.05.2024, 14:30") is a teaser; so is one whose link is at
# least this share of its text when a neighbour is a teaser too (a run of them)
LINK_LED_SHARE = 0.6


def _led_by_link(element: lxml.html.HtmlElement) -> tuple[bool, bool]:
    """(led by a linked headline that is most of the text or has only a date after it,
    and whether the rest has no letters at all)."""
    if next(element.iterdescendants("a"), None) is None:
        return False, False
    text = " ".join(element.text_content().split())
    if element.tag == "p" and text.endswith(_SENTENCE_END):
        return False, False
    link = next((a for a in element.iter("a") if a.text_content().strip()), None)
    if link is None or not _is_page_link(link):
        return False, False
    link_text = " ".join(link.text_content().split())
    if count_words(link_text) < LINK_PARAGRAPH_MIN_WORDS or not text.startswith(link_text):
        return False, False
    rest = text[len(link_text):]
    bare = not any(c.isalpha() for c in rest)
    return bare or len(link_text) >= LINK_LED_SHARE * len(text), bare


def _teaser_runs(blocks: list[lxml.html.HtmlElement], linked: set[lxml.html.HtmlElement]) -> list[lxml.html.HtmlElement]:
    """Paragraphs led by a linked headline that stand next to another such one (or to
    a ``linked`` one), or whose rest holds no word at all."""
    led = {el: (True, True) if el in linked else _led_by_link(el) for el in blocks}
    doomed = []
    for el, (link_led, bare) in led.items():
        if el in linked or not link_led:
            continue
        neighbours = (el.getprevious(), el.getnext())
        if bare or any(n is not None and led.get(n, (False,))[0] for n in neighbours):
            doomed.append(el)
    return doomed


# a cut excerpt of another story: text cut short by an ellipsis, then a short link to
# the rest ("…/ mehr", "... Read more»", "Plus..."), whatever language the label is in
EXCERPT_MIN_WORDS = 8
EXCERPT_LINK_MAX_WORDS = 3
_ELLIPSES = ("...", "…", "[…]", "[...]")


def _is_cut_excerpt(element: lxml.html.HtmlElement) -> bool:
    """A paragraph ending in a short link to another page after a text cut short."""
    last = element[-1] if len(element) else None
    if last is None or last.tag != "a" or (last.tail or "").strip() or not _is_page_link(last):
        return False
    label = " ".join(last.text_content().split())
    if not label or count_words(label) > EXCERPT_LINK_MAX_WORDS:
        return False
    if label.startswith(("#", "@")) or "/" in label:  # a hashtag, a handle, a URL: the post's own
        return False
    text = " ".join(element.text_content().split())
    if not text.endswith(label):
        return False
    before = text[: len(text) - len(label)].rstrip(" /|»>-–:")
    return (before.endswith(_ELLIPSES) or label.endswith(_ELLIPSES)) and count_words(before) >= EXCERPT_MIN_WORDS


def drop_link_paragraphs(tree: lxml.html.HtmlElement) -> int:
    """Remove paragraphs and subheadings that are a single linked headline, runs
    of paragraphs led by one, and cut excerpts of other stories (:func:`_is_cut_excerpt`).

    Templates put "related story" headlines inside the article as paragraphs
    (often in capitals) or as linked ``<h3>`` cards; body engines keep them as
    text. A linked sentence ending with a full stop is kept: it may be the
    article's own; in-page anchors (``#section``) are kept too. A headline with a
    date or a section name after it is a teaser as well when it comes in a run,
    or when the rest is only a date, a time or a count.
    """
    blocks = [el for el in tree.iter("p", "h2", "h3", "h4") if next(el.iter("a"), None) is not None
              or next(el.iterancestors("a"), None) is not None]
    linked = [el for el in blocks if _is_link_paragraph(el)]
    excerpts = [el for el in blocks if el.tag == "p" and el not in linked and _is_cut_excerpt(el)]
    return drop_all(linked + excerpts + _teaser_runs(blocks, set(linked)))


# a list of at least this many items, each opening with a linked headline …
TEASER_LIST_MIN_ITEMS = 3
# … whose link is at least this share of the item's text, is a list of other stories
TEASER_LINK_SHARE = 0.3


def _is_teaser_item(item: lxml.html.HtmlElement) -> bool:
    """The item opens with a linked headline (a thumbnail link before it is skipped)."""
    texts = (" ".join(a.text_content().split()) for a in item.iter("a"))
    link_text = next((t for t in texts if t), "")
    if count_words(link_text) < LINK_PARAGRAPH_MIN_WORDS:  # the item's text is read only past this
        return False
    item_text = " ".join(item.text_content().split())
    return item_text.startswith(link_text) and len(link_text) >= TEASER_LINK_SHARE * len(item_text)


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
    if not items:
        return False
    words = lst.text_content().split()
    if len(words) < LINK_LIST_MIN_ITEM_WORDS * items:
        return False
    chars = len("".join(words))
    # characters other than spaces add up over a concatenation: one split for all links
    linked = len("".join("".join(a.text_content() for a in lst.iter("a") if _is_page_link(a)).split()))
    return linked >= LINK_LIST_SHARE * chars and not holds_article(lst)


def drop_teaser_lists(tree: lxml.html.HtmlElement) -> int:
    """Remove lists of other stories: every item starts with a linked headline, or
    the list is mostly link text.

    Article lists (steps, facts, sources) have items that are text first.
    """
    doomed = []
    for lst in tree.iter("ul", "ol"):
        if next(lst.iter("a"), None) is None:  # most lists of a page hold no link: neither test holds
            continue
        items = [child for child in lst if child.tag == "li"]
        if len(items) >= TEASER_LIST_MIN_ITEMS and all(_is_teaser_item(i) for i in items):
            doomed.append(lst)
        elif _is_link_list(lst, len(items)):
            doomed.append(lst)
    return drop_all(doomed)


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
            return None if too_long or holds_article(node) else node
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
        if not href.startswith(("http", "/")) or (href in texts and href in pictures):
            continue  # a target seen both ways already: only its first links count
        # most links open with their text: their whole text is read only when they do not
        has_text = bool((link.text or "").strip() or link.text_content().strip())
        if not has_text and link.find(".//img") is not None:
            pictures.setdefault(href, link)
        elif has_text:
            texts.setdefault(href, link)
    doomed = [
        card for href, picture in pictures.items()
        if href in texts and (card := _card_of(picture, texts[href])) is not None
    ]
    return drop_all(doomed)


# a card inside running text (a person's picture and links to their stories,
# shown on hover) holds at least this many links …
INLINE_CARD_MIN_LINKS = 2
# … and its picture sits at most this many levels below the paragraph
INLINE_CARD_MAX_DEPTH = 6


def _inline_card(image: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The innermost span around the picture with links in it, if a paragraph holds it."""
    spans = []
    for depth, node in enumerate(image.iterancestors()):
        if node.tag == "p":
            return next((s for s in spans if sum(1 for _ in s.iter("a")) >= INLINE_CARD_MIN_LINKS), None)
        if depth == INLINE_CARD_MAX_DEPTH or node.tag != "span":
            return None  # a picture in a figure, a link or a div is no inline card
        spans.append(node)
    return None


def drop_inline_cards(tree: lxml.html.HtmlElement) -> int:
    """Remove pop-up cards nested in a paragraph: a ``<span>`` with a picture and links.

    Text is never a picture; a paragraph's span that holds one and several links
    is a hover card (a person's photo, name and latest headlines) the engine
    would read into the middle of the sentence. Walked from the pictures, which
    are few; the innermost such span is the card (the one around it also holds
    the linked name that belongs to the sentence).
    """
    cards = (_inline_card(image) for image in tree.iter("img"))
    return drop_all(dict.fromkeys(card for card in cards if card is not None))
