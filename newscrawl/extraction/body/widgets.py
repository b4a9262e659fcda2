"""Widgets inside the article container: hidden pop-ups, comment sections, tool
buttons, member/donation boxes and stacked link lines.

Templates print these between or below the story's paragraphs; body engines
keep them as text. Each rule here judges them by what a reader would see
(an element styled invisible, a control that opens no page), by the form a
comment section is built around, by class/id words (in camelCase or with
underscores as well) or by link structure, never by a site's texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html

from newscrawl.extraction.body.treeops import drop_all, holds_article
from newscrawl.extraction.wordcount import count_words

# --- elements styled invisible -------------------------------------------------

# a pop-up (save box, share pull-down) hidden until clicked is short; a long hidden
# element is a collapsed part of the story that a "read more" button opens
HIDDEN_MAX_WORDS = 80
_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!important\s*)?(?:;|$)",
                           re.IGNORECASE)


def drop_styled_hidden(tree: lxml.html.HtmlElement, found: Survey | None = None) -> int:
    """Remove short elements the page's own style hides (``display:none``).

    A reader never sees them unless a button opens them: member-tool pop-ups,
    login prompts, share pull-downs. Long hidden blocks are kept (a collapsed
    rest of the story), and so is anything holding the headline or article.
    """
    doomed = [
        el for el in (found or survey(tree)).hidden
        if count_words(el.text_content()) <= HIDDEN_MAX_WORDS and not holds_article(el)
    ]
    return drop_all(doomed)


# --- one walk for the class, id and style rules ---------------------------------------

_HIDEABLE_TAGS = ("div", "p", "section", "span", "ul", "dl", "form", "aside")
_WALKED_TAGS = (*_HIDEABLE_TAGS, "a", "br", "textarea", "button")
_BOX_TAGS = frozenset({"div", "section", "aside", "ul"})
_COMMENT_BOX_TAGS = frozenset({"div", "section"})
_LINE_BLOCK_TAGS = frozenset({"p", "div"})


@dataclass
class Survey:
    """What the widget rules look at, found in one walk over the page (a walk over
    the tree in Python costs a fifth of a millisecond or more; one per rule cost three)."""

    hidden: list[lxml.html.HtmlElement] = field(default_factory=list)  # styled invisible
    comment_boxes: list[lxml.html.HtmlElement] = field(default_factory=list)  # a comment word in class/id
    member_boxes: list[lxml.html.HtmlElement] = field(default_factory=list)  # a member/donation word
    text_boxes: list[lxml.html.HtmlElement] = field(default_factory=list)  # <textarea>s
    buttons: list[lxml.html.HtmlElement] = field(default_factory=list)
    script_links: list[lxml.html.HtmlElement] = field(default_factory=list)  # href="javascript:…"
    broken_blocks: dict[lxml.html.HtmlElement, None] = field(default_factory=dict)  # <p>/<div> with a <br> child


def survey(tree: lxml.html.HtmlElement) -> Survey:
    """Everything the rules below look at, in document order."""
    found = Survey()
    words: dict[tuple[str | None, str | None], tuple[bool, bool]] = {}  # templates repeat their classes
    for el in tree.iter(_WALKED_TAGS):
        tag = el.tag
        if tag == "a":
            href = el.get("href")
            if href and href[:11].lower() == "javascript:":
                found.script_links.append(el)
            continue
        if tag == "br":
            parent = el.getparent()
            if parent is not None and parent.tag in _LINE_BLOCK_TAGS:
                found.broken_blocks[parent] = None
            continue
        if tag in ("textarea", "button"):
            (found.text_boxes if tag == "textarea" else found.buttons).append(el)
            continue
        style = el.get("style")
        if style and _HIDDEN_STYLE.search(style):
            found.hidden.append(el)
        if tag not in _BOX_TAGS:
            continue
        key = (el.get("class"), el.get("id"))
        if key == (None, None):
            continue
        if key not in words:
            words[key] = _marked_words(el, key)
        comment, member = words[key]
        if comment and tag in _COMMENT_BOX_TAGS:
            found.comment_boxes.append(el)
        if member:
            found.member_boxes.append(el)
    return found


def _marked_words(element: lxml.html.HtmlElement, key: tuple[str | None, str | None]) -> tuple[bool, bool]:
    """(a comment word, a member/donation word) in the class and id."""
    lowered = f"{key[0] or ''} {key[1] or ''}".lower()
    if _ANY_NEEDLE.search(lowered) is None:
        return False, False
    return _COMMENT_MARK.search(element, lowered), _WIDGET.search(element, lowered)


def drop_widgets(tree: lxml.html.HtmlElement) -> int:
    """Every rule of this module, in order, on one survey of the page.

    Hidden pop-ups go first; comment sections are found while the empty comment
    widget is still there to point at the box that introduces it.
    """
    found = survey(tree)
    count = drop_styled_hidden(tree, found) + drop_comment_sections(tree, found)
    count += drop_member_widgets(tree, found)
    return count + drop_control_links(tree, found) + drop_link_lines(tree, found)


# --- comment sections -------------------------------------------------------------

_COMMENT_TOKENS = ("comment", "comments", "disqus", "discussion", "kommentar", "kommentare", "comentarios",
                   "commentaires", "reactions", "talkback")



class MarkerWords:
    """Class/id words matched in ``marker`` form; a value holding none of the words'
    first letters-run (lower-cased) is rejected before it is rewritten."""

    def __init__(self, tokens: tuple[str, ...]) -> None:
        self.needles = tuple(dict.fromkeys(t.split("-")[0] for t in tokens))
        self._needles = re.compile("|".join(map(re.escape, self.needles)))
        self._pattern = re.compile(
            r"(?:^|[\s-])(?:" + "|".join(re.escape(t) for t in tokens) + r")(?:$|[\s-])", re.IGNORECASE
        )

    def search(self, element: lxml.html.HtmlElement, lowered: str | None = None) -> bool:
        """Whether a word is in the element's class/id (``lowered``: that value in lower case)."""
        if lowered is None:
            lowered = f"{element.get('class', '')} {element.get('id', '')}".lower()
        if self._needles.search(lowered) is None:
            return False
        return self._pattern.search(marker(element)) is not None


_COMMENT_MARK = MarkerWords(_COMMENT_TOKENS)
# how far up from a comment form's text box the comment section is looked for
COMMENT_FORM_MAX_DEPTH = 6
# a box that introduces the comments (rules, a disclaimer) is a few lines …
COMMENT_INTRO_MAX_WORDS = 80
COMMENT_INTRO_MAX_CHARS = 1500
# … and speaks of comments (stems in many languages; "opinion" alone is a column's word)
_COMMENT_WORDS = re.compile(
    r"comment|komment|comentar|coment[aá]rio|yorum|reacties|reactie|hozzászól|коммент|комент|تعليق|التعليق"
    r"|评论|評論|留言|コメント|댓글|ความคิดเห็น|bình luận|komentar",
    re.IGNORECASE,
)
# a comment counter ("12 comments", filled in by a script) sits in the story's header
_COUNTER = re.compile(r"count|number|total|link|btn|button|icon", re.IGNORECASE)


def marker(element: lxml.html.HtmlElement) -> str:
    """Class and id with camelCase humps and underscores made hyphens, so the
    tokens of ``articleRegist`` or ``sf_comment_form`` are seen as words."""
    value = f"{element.get('class', '')} {element.get('id', '')}"
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "-", value).replace("_", "-")


def _comment_section_of(textarea: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The outermost comment-marked container near a text box, if any."""
    found = None
    for depth, node in enumerate(textarea.iterancestors()):
        if depth == COMMENT_FORM_MAX_DEPTH or node.tag in ("body", "html"):
            break
        if node.tag in ("div", "section", "form", "aside") and _COMMENT_MARK.search(node):
            if holds_article(node):
                break
            found = node
    return found


def _comment_intro(widget: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The box right before a comment widget, when it is short talk about comments."""
    box = widget.getprevious()
    while box is not None and (not isinstance(box.tag, str) or not box.text_content().strip()):
        box = box.getprevious()  # comments and empty dividers between them are skipped
    if box is None or box.tag not in ("div", "section", "ul"):
        return None  # a paragraph (<p>) before the comments is the story's last one
    text = box.text_content()
    if len(text) > COMMENT_INTRO_MAX_CHARS or count_words(text) > COMMENT_INTRO_MAX_WORDS:
        return None
    if not _COMMENT_WORDS.search(text) or holds_article(box):
        return None
    return box


def drop_comment_sections(tree: lxml.html.HtmlElement, found: Survey | None = None) -> int:
    """Remove comment sections (whatever their length) and the box that introduces them.

    A comment section is built around a form with a text box; the container a
    comment class marks around it goes with its heading, rules and legal notes.
    A comment widget that scripts fill in (empty in the HTML) is often preceded
    by a box of house rules ("opinions below are the readers' own"); that box
    goes when it is short, a box rather than a paragraph, and speaks of comments
    (an empty comment counter in the story's header introduces nothing).
    """
    found = found or survey(tree)
    doomed = [s for s in map(_comment_section_of, found.text_boxes) if s is not None]
    widgets = [el for el in found.comment_boxes
               if not _COUNTER.search(marker(el)) and not el.text_content().strip()]
    doomed += [box for box in map(_comment_intro, widgets) if box is not None]
    return drop_all(dict.fromkeys(doomed))


# --- tool buttons -----------------------------------------------------------------

# a control's label ("Print", "【纠错】", "Log in") is a few words
CONTROL_MAX_WORDS = 6
# a script link that is a heading's whole text opens an accordion of the story's own text
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "dt", "summary"})


def _is_control(link: lxml.html.HtmlElement) -> bool:
    """A script link that is all the text of its parent: a button, not a word of a sentence."""
    if not (link.get("href") or "").strip().lower().startswith("javascript:"):
        return False
    text = link.text_content().strip()
    parent = link.getparent()
    if not text or parent is None or parent.tag in _HEADING_TAGS or count_words(text) > CONTROL_MAX_WORDS:
        return False
    return " ".join(parent.text_content().split()) == " ".join(text.split())


def drop_control_links(tree: lxml.html.HtmlElement, found: Survey | None = None) -> int:
    """Remove script links standing alone: buttons (correction form, log-in, save)."""
    return drop_all([a for a in (found or survey(tree)).script_links if _is_control(a)])


# --- member, donation and tool boxes ------------------------------------------------

_WIDGET_TOKENS = (
    "regist", "register", "registration", "login", "signin", "sign-in", "donate", "donation",
    "donations", "membership", "support-us", "supporter", "contribute", "contributions",
)
_WIDGET = MarkerWords(_WIDGET_TOKENS)
# the survey's quick test: one search for any word's first letters-run
_ANY_NEEDLE = re.compile("|".join(map(re.escape, _COMMENT_MARK.needles + _WIDGET.needles)))
# such a box is a few lines; a long element with such a class wraps the page
WIDGET_MAX_WORDS = 80


def drop_member_widgets(tree: lxml.html.HtmlElement, found: Survey | None = None) -> int:
    """Remove short boxes a class names as registration, log-in or donation, and
    short boxes a reader can close (a dismiss button: an overlay or a banner).

    Paywall and membership prompts ("members log in here"), donation appeals and
    article tool bars (save, font size, share) sit inside the article container.
    Paragraphs are never judged so ("paywall" classes mark the story's own
    paragraphs behind a paywall, so that word is no widget's either).
    """
    found = found or survey(tree)
    doomed = [
        el for el in found.member_boxes
        if count_words(el.text_content()) <= WIDGET_MAX_WORDS and not holds_article(el)
    ]
    doomed += [box for box in map(_closable_box, found.buttons) if box is not None]
    return drop_all(dict.fromkeys(doomed))


# (a button's label is read this far: the words below open it)
CLOSE_LABEL_MAX_CHARS = 40
# a dismiss button says "×" or "close" (its text, or its label for screen readers)
_CLOSE_SIGNS = frozenset("×✕✖✗xX╳")
_CLOSE_WORDS = re.compile(
    r"^\W*(close|dismiss|schlie(ß|ss)en|fermer|cerrar|chiudi|fechar|sluiten|stäng|lukk|luk|zamknij|закрыть"
    r"|kapat|إغلاق|关闭|關閉|閉じる|닫기|ปิด|đóng|tutup)\b",
    re.IGNORECASE,
)


def _closable_box(button: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The short box a dismiss button closes (the button's parent), if it is one."""
    text = button.text_content().strip()[:CLOSE_LABEL_MAX_CHARS]
    label = (button.get("aria-label") or button.get("title") or "")[:CLOSE_LABEL_MAX_CHARS]
    if not (text in _CLOSE_SIGNS or _CLOSE_WORDS.match(text) or (not text and _CLOSE_WORDS.match(label))):
        return None
    box = button.getparent()
    if box is None or box.tag not in ("div", "section", "aside", "dialog"):
        return None
    if count_words(box.text_content()) > WIDGET_MAX_WORDS or holds_article(box):
        return None
    return box


# --- stacked link lines -------------------------------------------------------------

# a block of at least this many lines that are each one link to another page …
LINK_LINES_MIN = 2
# … under at most one short unlinked label ("Related stories") is a list of other stories
LINK_LINES_LABEL_MAX_WORDS = 6


def _lines(block: lxml.html.HtmlElement) -> list[list[object]]:
    """The block's children and text pieces grouped into lines at each ``<br>``."""
    lines: list[list[object]] = [[block.text or ""]]
    for child in block:
        if not isinstance(child.tag, str):  # an HTML comment: only its tail is text
            lines[-1].append(child.tail or "")
        elif child.tag == "br":
            lines.append([child.tail or ""])
        else:
            lines[-1] += [child, child.tail or ""]
    return [line for line in lines if any(not isinstance(x, str) or x.strip() for x in line)]


def _line_link(line: list[object]) -> bool:
    """The line is one page link (possibly inside a <strong>) and nothing else."""
    elements = [x for x in line if not isinstance(x, str)]
    if any(isinstance(x, str) and x.strip() for x in line) or len(elements) != 1:
        return False
    element = elements[0]
    links = [element] if element.tag == "a" else element.findall(".//a")
    if len(links) != 1:
        return False
    href = (links[0].get("href") or "").strip()
    text = " ".join(element.text_content().split())
    return bool(text) and href.startswith(("http", "/")) and " ".join(links[0].text_content().split()) == text


def _is_link_lines(block: lxml.html.HtmlElement) -> bool:
    lines = _lines(block)
    linked = [_line_link(line) for line in lines]
    if linked and not linked[0]:
        label = "".join(x if isinstance(x, str) else x.text_content() for x in lines[0])
        if count_words(label) > LINK_LINES_LABEL_MAX_WORDS:
            return False
        linked = linked[1:]
    return len(linked) >= LINK_LINES_MIN and all(linked)


def drop_link_lines(tree: lxml.html.HtmlElement, found: Survey | None = None) -> int:
    """Remove paragraphs that stack linked headlines line under line (``<br>``),
    under at most a short label: a "related stories" box written as one paragraph."""
    blocks = (found or survey(tree)).broken_blocks  # only a block's own children make its lines
    return drop_all([p for p in blocks if _is_link_lines(p) and not holds_article(p)])
