"""Boilerplate rules for what body engines leave behind.

Engines keep the headline, bylines, "Read also" teasers, comment-form prompts,
newsletter/share prompts, image credits and author boxes when a template
puts them inside the article container. Each rule here is generic (no site
names), works on the list of body paragraphs, and has its thresholds as named
constants. Tree-level rules (Cloudflare e-mails, containers to prune) are in
``newscrawl.extraction.body.treeclean``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from newscrawl.extraction.body.notes import (
    has_no_words,
    is_account_line,
    is_editor_credit,
    is_end_mark,
    is_field_dateline,
)
from newscrawl.extraction.wordcount import count_words

logger = logging.getLogger(__name__)

# the headline/byline/date block is looked for only in the first paragraphs
HEAD_WINDOW = 4
# a byline or dateline paragraph is short
META_MAX_WORDS = 12
# … and so is a dateline, in characters: the word counter counts CJK dates by characters
DATELINE_MAX_CHARS = 60
# a prompt (comment form, newsletter, share) is short; longer text is content
PROMPT_MAX_WORDS = 25
# paragraphs after a teaser header are dropped while they are this short …
TEASER_MAX_WORDS = 30
# … and an author box is looked for only among the last paragraphs
TAIL_WINDOW = 8
# an author box only follows this many paragraphs of at least this many words
BOX_TEXT_MIN_PARAGRAPHS = 2
BOX_TEXT_MIN_WORDS = 15
# … and is short: a name with this many words of text after it is a byline inside the story
BOX_MAX_WORDS = 120
# an image credit line is very short
CREDIT_MAX_WORDS = 8
# a caption closed by "(credit: …)" / "(Photo: …)" may be a long sentence
CAPTION_MAX_WORDS = 40
# sentence-final punctuation: teaser headlines rarely end with it
_SENTENCE_END = (".", "!", "?", "。", "！", "？", "»", "”", '"', "؟", "۔")


# Section headers that introduce links to *other* stories (many languages).
_TEASER_HEADER = re.compile(
    r"^\W*(must read|read (also|more|next)|also read|related( (articles?|stories|posts|news|content|coverage))?"
    r"|more must[- ]reads?\b.*"
    r"|more (from|on|stories|news)\b.*|recommended( for you)?|you (may|might) (also )?like|trending( now)?"
    r"|popular|most (read|popular|viewed)|top stories|latest( news)?|see also|don'?t miss"
    r"|lesen sie auch|auch interessant|mehr zum thema|weitere artikel|das könnte sie auch interessieren"
    r"|(à )?lire aussi|sur le même sujet|leia (também|mais)|lee (también|más)|te puede interesar"
    r"|leggi anche|potrebbe interessarti|czytaj (też|także|więcej)|les også|läs (också|mer)|læs også"
    r"|lees ook|ook interessant|okuyun|ayrıca bakınız|читайте также|関連(記事|ニュース)|おすすめ(情報|記事)?"
    r"|相关(阅读|新闻|文章)|相關(閱讀|新聞|文章)|推荐阅读|延伸阅读|延伸閱讀|관련 ?기사|اقرأ أيضا|مزید پڑھیں|یہ بھی پڑھیں"
    r"|(أخبار|مواضيع|مقالات) ذات صلة|مطالب مرتبط|بیشتر بخوانید|по теме|читайте також|ilgili haberler"
    r"|baca juga|berita terkait|artikel terkait|tin liên quan|bài liên quan|xem thêm|यह भी पढ़ें|संबंधित (खबरें|ख़बरें)"
    r"|আরও পড়ুন|(เรื่อง|ข่าว|บทความ)ที่เกี่ยวข้อง|อ่านเพิ่มเติม)\W*$",
    re.IGNORECASE,
)
# Inline "Read also: <other story>" lines.
_TEASER_INLINE = re.compile(
    r"^\W*(must read|read (also|more|next)|also read|see also|related|lesen sie auch|mehr zum thema"
    r"|(à )?lire aussi|leia também|lee también|leggi anche|czytaj (też|także|więcej)|les også|läs också"
    r"|lees ook|читайте также|اقرأ أيضا|یہ بھی پڑھیں)\s*[:：|»>-]",
    re.IGNORECASE,
)
# "ALSO READ | headline" in languages the list above does not know
_CAPS_LABEL = re.compile(r"^\W*(\w[\w\s]*?)\s*[|:：»]\s*\w")
CAPS_LABEL_MIN_WORDS = 2
CAPS_LABEL_MAX_WORDS = 5
# Comment forms, newsletter/share/app prompts, paywall notes, image credits.
_PROMPT = re.compile(
    r"leave a (reply|comment)|please enter your (comment|name|email)|you have entered an incorrect"
    r"|^follow .{0,60}\bon (facebook|twitter|instagram|google news|x|linkedin|youtube|whatsapp|telegram)"
    r"|save my name,? email|your email address will not be published|required fields are marked"
    r"|post a comment|add a comment|join (the|our) (conversation|discussion|commenting)|comments? \(\d+\)"
    r"|must be logged in to (post|comment)|sign ?up for (our|the)? ?\w* ?newsletter|subscribe to (our|the)"
    r"|newsletter|thanks for signing up|share (this|on) (article|story|facebook|twitter|x)"
    r"|click here to (subscribe|sign up)|follow us on|download (our|the) app"
    r"|^\W*(\d+\s+)?(comments?|comentar(ios)?|comentários?|commenti|commentaires?|kommentare?|kommentieren"
    r"|reacties|yorumlar?|комментари[ийя]|تعليقات|التعليقات|评论|評論|コメント|댓글)\W*$|tell us what you think|if you (enjoyed|liked|value) this (article|story)"
    r"|^\W*(order reprints?|print (this )?(article|page|story))\W*$|for your personal,? non-commercial use only"
    r"|(この|本)記事は.{0,12}(会員|有料)|会員(登録|限定)(すると|で|の方)|^(この)?(ニュース|記事)を(シェア|共有)(する)?$"
    r"|^(share|tweet|email|print|whatsapp|facebook|twitter|linkedin|copy link)(\s*[|/·]\s*\w+)*$"
    r"|^(advertisement|anzeige|werbung|publicité|publicidad|pubblicità|reklama|annons)$",
    re.IGNORECASE,
)
# Image credits ("Photo: Reuters", "© AFP"); short, or a copyright notice is content.
_CREDIT = re.compile(
    r"^\W*(photo|foto|image|picture|pic|bild|credit|crédit|crédito|illustration|source: getty)"
    r"( ?credits?)?\s*[:©]|^\W*©",
    re.IGNORECASE,
)
# a caption ends with its credit in brackets (table captions keep a trailing "|")
_CAPTION = re.compile(
    r"[(\[](photo|image|picture|foto|bild|credit|crédit|crédito)s?( credits?)?:[^)\]]*[)\]][\s|]*$",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^\W*(by|von|por|par|di|door|av|af|przez|od|de|written by|text|texto|autor|author)\s*[:]?\s+\S",
    re.IGNORECASE,
)
_DATEISH = re.compile(
    r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}:\d{2}|\d{4}年|\b(19|20)\d{2}\b"
    r"|(updated|published|posted|stand|aktualisiert|publié|mis à jour|publicado|actualizado"
    r"|uppdaterad|publicerad|oppdatert|publisert|opdateret|publiceret|bijgewerkt|gepubliceerd"
    r"|aggiornato|pubblicato|atualizado|zaktualizowano|opublikowano)\b",
    re.IGNORECASE,
)
_ELLIPSIS = ("...", "…", "[…]", "[...]")
_BARE_URL = re.compile(r"^\s*(https?://|www\.)\S+\s*$", re.IGNORECASE)
# one URL alone on a line is a permalink/share echo; several are the article's own list
LONE_URL_MAX = 1


@dataclass
class CleanContext:
    """What the page's metadata says, so rules can recognise its echoes in the body."""

    titles: list[str] = field(default_factory=list)  # headline candidates (h1, og, JSON-LD)
    authors: list[str] = field(default_factory=list)


def fold(text: str) -> str:
    """Whitespace- and case-folded form used to compare paragraphs."""
    return squeeze(text).casefold()


def squeeze(text: str) -> str:
    """Whitespace runs as one space, none at the ends: ``str.split`` breaks on exactly
    the characters regex ``\\s`` matches, and is several times faster than ``re.sub``."""
    return " ".join(text.split())


def words(text: str) -> int:
    """Words of a paragraph, by the project's one script-aware counter."""
    return count_words(text)


# a headline echo may carry a kicker or section label of up to this many characters
HEADLINE_EXTRA_CHARS = 60


def _key(text: str) -> str:
    """Letters and digits only: the headline printed with other punctuation or spacing
    ("Kicker Headline" for "Kicker: Headline") still compares equal."""
    return re.sub(r"\W+", "", text.casefold())


def _echoes_headline(para: str, titles: set[str]) -> bool:
    p = _key(para)
    if not p or words(para) >= 25:
        return p in titles
    return any(
        t and t in p and len(p) - len(t) <= HEADLINE_EXTRA_CHARS and (p.startswith(t) or p.endswith(t))
        for t in titles
    )


def drop_headline(paras: list[str], ctx: CleanContext) -> list[str]:
    """The headline is a field of its own; engines often repeat it (with its kicker) first."""
    titles = {_key(t) for t in ctx.titles if t}
    for i, para in enumerate(paras[:HEAD_WINDOW]):
        if _echoes_headline(para, titles):
            return paras[:i] + paras[i + 1:]
    return list(paras)


def is_meta_line(para: str, ctx: CleanContext) -> bool:
    """A byline, dateline or 'Updated …' line: metadata, not article text."""
    if words(para) > META_MAX_WORDS:
        return len(para) <= DATELINE_MAX_CHARS and _is_dateline(para)
    p = fold(para)
    if _names_author(p, para, ctx):
        return True
    if _BYLINE.match(para) and (any(fold(a) in p for a in ctx.authors if a) or _DATEISH.search(para)):
        return True
    return _is_dateline(para) or is_field_dateline(para)


def _is_dateline(para: str) -> bool:
    """Dates and times with few letters: '12.05.2024, 14:30 Uhr', '2025年1月14日 01時28分'."""
    return bool(_DATEISH.search(para)) and sum(c.isalpha() for c in para) < 0.6 * len(para)


def drop_leading_meta(paras: list[str], ctx: CleanContext) -> list[str]:
    """Bylines and dates above the text belong in ``authors``/``published``; below
    the head only bylines are (a bare time there heads a live-ticker entry)."""
    size = head_size(paras)
    head = [p for p in paras[:size] if not is_meta_line(p, ctx)]
    return head + [p for p in paras[size:] if not is_byline(p, ctx)]


def head_size(paras: list[str]) -> int:
    """How many paragraphs the head holds: HEAD_WINDOW, or fewer when two paragraphs of
    running text come first (a standfirst and the story's first paragraph: a short
    article's "Warm Up 11:00 Uhr" after them is its programme, not a dateline)."""
    texts = 0
    for index, para in enumerate(paras[:HEAD_WINDOW]):
        texts += words(para) >= BOX_TEXT_MIN_WORDS
        if texts == 2:
            return index + 1
    return HEAD_WINDOW


def is_byline(para: str, ctx: CleanContext) -> bool:
    """A short line naming the page's author, or 'By …' with a date and no full stop.

    Templates print the byline again inside the story (under a picture, above a
    second part); a sentence (one that opens with "By"/"Von"/"De" and a year, or
    "This story was first published by <author>.") ends with punctuation, a byline
    does not.
    """
    if para.rstrip().endswith(_SENTENCE_END):
        return False
    if _names_author(fold(para), para, ctx):
        return True
    return words(para) <= META_MAX_WORDS and _dated(para)


def _names_author(folded: str, para: str, ctx: CleanContext) -> bool:
    """The line is the author names, or holds one of them in few more words."""
    names = [fold(a) for a in ctx.authors if a]
    return bool(names) and (
        folded in names or any(n in folded for n in names) and words(para) <= len(names) * 4 + 4
    )


def is_caps_teaser(para: str) -> bool:
    """'READ ANOTHER STORY | <headline>' in any cased language: a capitalised
    label of a few words, a separator, then a headline without a full stop."""
    match = _CAPS_LABEL.match(para)
    if not match or para.rstrip().endswith(_SENTENCE_END):
        return False
    label = match.group(1)
    return label.isupper() and CAPS_LABEL_MIN_WORDS <= len(label.split()) <= CAPS_LABEL_MAX_WORDS


def is_prompt(para: str) -> bool:
    """Comment form, newsletter/share prompt, image credit or 'Read also: …' line."""
    count = words(para)
    if count <= CAPTION_MAX_WORDS and _CAPTION.search(para):
        return True
    if count > PROMPT_MAX_WORDS:
        return False
    if count <= CREDIT_MAX_WORDS and _CREDIT.search(para):
        return True
    return bool(_PROMPT.search(para) or _TEASER_INLINE.match(para) or is_caps_teaser(para))


def drop_lone_urls(paras: list[str]) -> list[str]:
    """A bare URL line is the page's permalink printed for sharing, unless there are many."""
    urls = [p for p in paras if _BARE_URL.match(p)]
    if not urls or len(urls) > LONE_URL_MAX:
        return paras
    return [p for p in paras if not _BARE_URL.match(p)]


def _is_teaser_item(para: str) -> bool:
    """A linked headline (no final full stop) or a cut excerpt ('While...')."""
    text = para.rstrip()
    if text.endswith(_ELLIPSIS):
        return True
    return words(text) <= TEASER_MAX_WORDS and not text.endswith(_SENTENCE_END)


def drop_teaser_blocks(paras: list[str]) -> list[str]:
    """A 'Must Read'/'Related' header and the short teasers that follow it."""
    out: list[str] = []
    skipping = False
    for para in paras:
        if _TEASER_HEADER.match(para.strip()):
            skipping = True
            continue
        if skipping and _is_teaser_item(para):
            continue
        skipping = False
        out.append(para)
    return out


def drop_author_box(paras: list[str], ctx: CleanContext) -> list[str]:
    """An author's name repeated near the end starts a bio box: cut from there.

    Only below real text (a byline above a short story is not a bio box), and only
    when what follows is as short as a bio: a byline printed inside the story (after
    a picture, before a second part) has the rest of the story after it, and a
    dated "By <name> | <date>" line is a byline, not a bio's heading. The
    paragraphs of real text above are counted once, not again for every candidate.
    """
    names = {fold(a) for a in ctx.authors if a}
    if not names:
        return paras
    start = max(0, len(paras) - TAIL_WINDOW)
    text_above = _count_text_paragraphs(paras[:start])
    words_after = sum(words(p) for p in paras[start:])
    for i in range(start, len(paras)):
        count = words(paras[i])
        words_after -= count
        if text_above >= BOX_TEXT_MIN_PARAGRAPHS and words_after <= BOX_MAX_WORDS and not _dated(paras[i]):
            p = fold(paras[i])
            if p in names or (count <= 6 and any(n in p for n in names)):
                return paras[:i]
        text_above += count >= BOX_TEXT_MIN_WORDS
    return paras


def _dated(para: str) -> bool:
    """A 'By <name>' line with a date: when the story was written, so a byline."""
    return bool(_BYLINE.match(para) and _DATEISH.search(para))


def _count_text_paragraphs(paras: list[str]) -> int:
    """Paragraphs of at least BOX_TEXT_MIN_WORDS words, counted up to BOX_TEXT_MIN_PARAGRAPHS
    (all an author box needs to know)."""
    count = 0
    for para in paras:
        if count >= BOX_TEXT_MIN_PARAGRAPHS:
            break
        count += words(para) >= BOX_TEXT_MIN_WORDS
    return count


def dedupe(paras: list[str]) -> list[str]:
    """Drop empty paragraphs and immediate repeats (author box printed twice)."""
    out: list[str] = []
    last = None
    for para in paras:
        folded = fold(para)
        if folded and folded != last:
            out.append(para)
            last = folded
    return out


def clean_paragraphs(paras: list[str], ctx: CleanContext) -> list[str]:
    """Apply every rule in order; each is safe to run on text without boilerplate."""
    paras = dedupe([squeeze(p) for p in paras])
    paras = drop_headline(paras, ctx)
    paras = drop_author_box(paras, ctx)
    paras = drop_leading_meta(paras, ctx)
    paras = drop_teaser_blocks(paras)
    paras = [p for p in paras if not (is_prompt(p) or is_note(p))]
    return dedupe(drop_lone_urls(paras))


def is_note(para: str) -> bool:
    """An editor's credit, a site's account line, an end mark or a line without a word."""
    return has_no_words(para) or is_end_mark(para) or is_editor_credit(para) or is_account_line(para)
