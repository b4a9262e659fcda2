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

import lxml.html

from newscrawl.extraction.body.classtokens import TokenPattern
from newscrawl.extraction.body.treeops import drop_all, holds_article
from newscrawl.extraction.wordcount import count_words

# --- elements styled invisible -------------------------------------------------

# a pop-up (save box, share pull-down) hidden until clicked is short; a long hidden
# element is a collapsed part of the story that a "read more" button opens
HIDDEN_MAX_WORDS = 80
_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!important\s*)?(?:;|$)",
                           re.IGNORECASE)


def drop_styled_hidden(tree: lxml.html.HtmlElement) -> int:
    """Remove short elements the page's own style hides (``display:none``).

    A reader never sees them unless a button opens them: member-tool pop-ups,
    login prompts, share pull-downs. Long hidden blocks are kept (a collapsed
    rest of the story), and so is anything holding the headline or article.
    """
    doomed = [
        el for el in tree.iter("div", "p", "section", "span", "ul", "dl", "form", "aside")
        if el.get("style") and _HIDDEN_STYLE.search(el.get("style", ""))
        and count_words(el.text_content()) <= HIDDEN_MAX_WORDS and not holds_article(el)
    ]
    return drop_all(doomed)


# --- comment sections -------------------------------------------------------------

_COMMENT_TOKENS = ("comment", "comments", "disqus", "discussion", "kommentar", "kommentare", "comentarios",
                   "commentaires", "reactions", "talkback")
_COMMENT_MARK = TokenPattern(
    r"(?:^|[\s_-])(?:" + "|".join(_COMMENT_TOKENS) + r")(?:$|[\s_-])", _COMMENT_TOKENS
)
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
        if node.tag in ("div", "section", "form", "aside") and _COMMENT_MARK.search(marker(node)):
            if holds_article(node):
                break
            found = node
    return found


def _comment_intro(widget: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The box right before a comment widget, when it is short talk about comments."""
    box = widget.getprevious()
    while box is not None and not box.text_content().strip():
        box = box.getprevious()
    if box is None or box.tag not in ("div", "section", "ul"):
        return None  # a paragraph (<p>) before the comments is the story's last one
    text = box.text_content()
    if len(text) > COMMENT_INTRO_MAX_CHARS or count_words(text) > COMMENT_INTRO_MAX_WORDS:
        return None
    if not _COMMENT_WORDS.search(text) or holds_article(box):
        return None
    return box


def drop_comment_sections(tree: lxml.html.HtmlElement) -> int:
    """Remove comment sections (whatever their length) and the box that introduces them.

    A comment section is built around a form with a text box; the container a
    comment class marks around it goes with its heading, rules and legal notes.
    A comment widget that scripts fill in (empty in the HTML) is often preceded
    by a box of house rules ("opinions below are the readers' own"); that box
    goes when it is short, a box rather than a paragraph, and speaks of comments
    (an empty comment counter in the story's header introduces nothing).
    """
    doomed = [s for s in map(_comment_section_of, tree.iter("textarea")) if s is not None]
    widgets = [el for el in tree.iter("div", "section") if _COMMENT_MARK.search(marker(el))
               and not _COUNTER.search(marker(el)) and not el.text_content().strip()]
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


def drop_control_links(tree: lxml.html.HtmlElement) -> int:
    """Remove script links standing alone: buttons (correction form, log-in, save)."""
    return drop_all([a for a in tree.iter("a") if _is_control(a)])


# --- member, donation and tool boxes ------------------------------------------------

_WIDGET_TOKENS = (
    "regist", "register", "registration", "login", "signin", "sign-in", "donate", "donation",
    "donations", "membership", "support-us", "supporter", "contribute", "contributions",
)
_WIDGET = TokenPattern(
    r"(?:^|[\s-])(?:" + "|".join(re.escape(t) for t in _WIDGET_TOKENS) + r")(?:$|[\s-])", _WIDGET_TOKENS
)
# such a box is a few lines; a long element with such a class wraps the page
WIDGET_MAX_WORDS = 80


def drop_member_widgets(tree: lxml.html.HtmlElement) -> int:
    """Remove short boxes a class names as registration, log-in or donation, and
    short boxes a reader can close (a dismiss button: an overlay or a banner).

    Paywall and membership prompts ("members log in here"), donation appeals and
    article tool bars (save, font size, share) sit inside the article container.
    Paragraphs are never judged so ("paywall" classes mark the story's own
    paragraphs behind a paywall, so that word is no widget's either).
    """
    doomed = [
        el for el in tree.iter("div", "section", "aside", "ul")
        if (el.get("class") or el.get("id")) and _WIDGET.search(marker(el))
        and count_words(el.text_content()) <= WIDGET_MAX_WORDS and not holds_article(el)
    ]
    doomed += [box for box in map(_closable_box, tree.iter("button")) if box is not None]
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
        if child.tag == "br":
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
    # only the block's own children make its lines: a wrapper is not walked down
    if not any(child.tag == "br" for child in block):
        return False
    lines = _lines(block)
    linked = [_line_link(line) for line in lines]
    if linked and not linked[0]:
        label = "".join(x if isinstance(x, str) else x.text_content() for x in lines[0])
        if count_words(label) > LINK_LINES_LABEL_MAX_WORDS:
            return False
        linked = linked[1:]
    return len(linked) >= LINK_LINES_MIN and all(linked)


def drop_link_lines(tree: lxml.html.HtmlElement) -> int:
    """Remove paragraphs that stack linked headlines line under line (``<br>``),
    under at most a short label: a "related stories" box written as one paragraph."""
    return drop_all([p for p in tree.iter("p", "div") if _is_link_lines(p) and not holds_article(p)])
