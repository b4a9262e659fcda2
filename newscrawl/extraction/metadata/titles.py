"""Headline candidates and their cleaning.

The SEO ``<title>`` carries the site name ("… | Site", "… - Site"), social
titles sometimes too, and the visible ``<h1>`` may hide a kicker in a span.
This module cleans each candidate; metadata.py decides between them.
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

from lxml import html as lxml_html

from newscrawl.extraction.classtokens import SCREEN_READER_ONLY

logger = logging.getLogger(__name__)

MIN_TITLE_CHARS = 5  # shorter h1s are logos or section labels
MAX_TITLE_CHARS = 400
MAX_SUFFIX_WORDS = 6  # a trailing segment longer than this is part of the headline
MAX_LABEL_WORDS = 3  # a section's name in a URL directory ("deutschland-welt"); longer is a slug

# separators between a headline and a site name, most specific first
_SEPARATOR = re.compile(r"\s+[|｜‖•·:»›\-–—]{1,2}\s+|\s*[|｜ㅣ：]\s*|\s+::\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def normalize_space(text: str | None) -> str:
    """Whitespace folded, zero-width characters dropped, entities decoded."""
    if not text:
        return ""
    if "&" in text:
        text = html.unescape(text)
    return re.sub(r"\s+", " ", text.translate(_INVISIBLE)).strip()


def title_key(text: str) -> str:
    """Letters and digits only, case-folded: two titles with the same key state the same words."""
    return re.sub(r"\W+", "", text.casefold())


def site_labels(url: str | None, names: Iterable[str | None]) -> set[str]:
    """Normalised spellings of the site's name: declared names and host labels."""
    labels = {title_key(n) for n in names if n and title_key(n)}
    if url:
        host = (urlsplit(url).hostname or "").lower()
        host = re.sub(r"^(www\d?|m|amp|mobile|edition)\.", "", host)
        if host:
            labels.add(title_key(host))
            labels.add(title_key(host.split(".")[0]))
    return {label for label in labels if len(label) >= 2}


_DATE_SEGMENT = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")


def _is_site_label(segment: str, labels: set[str]) -> bool:
    key = title_key(segment)
    if not key or _DATE_SEGMENT.match(segment.strip()):
        return True
    for label in labels:
        if key == label or (len(label) >= 4 and (label in key or key in label)):
            return True
    return False


def names_site(name: str, labels: set[str]) -> bool:
    """Whether ``name`` is the site's own name ("THE PAPER", "paper.com.tr", "paper NEWS")."""
    key = title_key(name)
    if not key:
        return False
    for label in labels:
        if key == label or (
            len(label) >= 3 and len(key) >= 3 and (key.startswith(label) or label.startswith(key))
        ):
            return True
    return False


def url_directories(url: str | None) -> frozenset[str]:
    """Normalised names of the URL's directories ("/politik/inland/story" → politik, inland):
    the site's own section labels, which titles repeat as a tail ("Story - Politik").
    A directory of more than MAX_LABEL_WORDS words is the story's slug, not a section."""
    if not url:
        return frozenset()
    segments = (urlsplit(url).path or "").split("/")[:-1]
    keys = {
        title_key(s) for s in segments
        if s and not any(ch.isdigit() for ch in s) and len(re.split(r"[-_+.]", s)) <= MAX_LABEL_WORDS
    }
    return frozenset(k for k in keys if len(k) >= 3)


def strip_site_name(
    title: str,
    labels: set[str],
    section: str | None = None,
    directories: frozenset[str] = frozenset(),
) -> str:
    """Remove leading/trailing site-name segments ("Story - Section | Site" → "Story").

    A trailing segment naming one of the URL's directories is a section tail too.
    """
    title = normalize_space(title)
    if not labels or not title:
        return title
    parts = _SEPARATOR.split(title)
    seps = _SEPARATOR.findall(title)
    if len(parts) < 2:
        return title
    section_key = title_key(section) if section else None
    words = sum(len(p.split()) for p in parts)
    head = _Head(parts[0], words, _is_site_label(parts[0], labels))
    end = len(parts)
    stripped_site = False
    while end > 1:
        segment = parts[end - 1]
        head.words -= len(segment.split())
        if _is_site_label(segment, labels):
            stripped_site = True
        elif title_key(segment) in directories or is_furniture(segment, seps[end - 2], head):
            pass
        elif not (stripped_site and section_key and title_key(segment) == section_key):
            break
        end -= 1
    if end < len(parts):
        kept = _join(parts[:end], seps)
        if section and stripped_site:  # "Headline-Section|Site" glued without spaces
            kept = re.sub(r"\s*[-–|]\s*" + re.escape(section) + r"$", "", kept)
        return kept
    if _is_site_label(parts[0], labels) and len(parts[0].split()) <= MAX_SUFFIX_WORDS:
        return _join(parts[1:], seps[1:])
    return title


def without_glued_site(shown: str, labels: set[str], copies: Iterable[str]) -> str:
    """A displayed headline less the site's name glued to its end with no separator
    ("Headline<a href=/>Site Paper</a>" reads "Headline Site Paper"), when a metadata
    copy states the headline without it: both are needed, a headline may end in the
    site's name, and a copy may be cut short."""
    words = shown.split()
    keys = {title_key(copy) for copy in copies} - {""}
    if not labels or not keys or len(words) < 2:
        return shown
    head_key = ""
    for end in range(1, len(words)):
        head_key += title_key(words[end - 1])  # built up: linear in the headline's length
        tail = " ".join(words[end:])
        if (head_key in keys and len(words) - end <= MAX_SUFFIX_WORDS and title_key(tail)
                and _is_site_label(tail, labels)):
            return " ".join(words[:end])
    return shown


_BAR = frozenset("|｜")


@dataclass
class _Head:
    """What a tail is weighed against: the headline's opening segment (its scripts are
    read only when a tail is in question), the words before the segment, and whether
    the title opens with the site's name ("Site | Story")."""

    text: str
    words: int
    site_first: bool

    @cached_property
    def scripts(self) -> frozenset[str]:
        return scripts(self.text)


def is_furniture(segment: str, separator: str, head: _Head) -> bool:
    """Whether a trailing segment is page furniture whatever it names: a few words after a
    vertical bar (a bar is no punctuation of prose: on the dev sample every bar segment of
    three words or fewer is a site or section name — "| Europa", "| NTV Haber" —, the one
    bar inside a headline opens a kicker: "BUDGET 3.0 | Sars gets …"), or a short segment in
    a script the headline does not use ("شعر وردي … - Lebanon News"). Never the longer half
    of the title, nor after a leading site name: "Site | Story" and "Europe | Story" keep
    their story."""
    words = len(segment.split())
    if head.site_first or head.words <= words:
        return False
    if words <= MAX_LABEL_WORDS and not _BAR.isdisjoint(separator):
        return True
    if words > MAX_SUFFIX_WORDS:
        return False
    tail_scripts = scripts(segment)
    return bool(tail_scripts and head.scripts) and tail_scripts.isdisjoint(head.scripts)


def scripts(text: str) -> frozenset[str]:
    """The writing systems of ``text``'s letters (LATIN, CYRILLIC, CJK, HANGUL, ARABIC, …)."""
    return frozenset(unicodedata.name(ch, "?").split(" ", 1)[0] for ch in text if ch.isalpha())


def _join(parts: list[str], seps: list[str]) -> str:
    out = parts[0]
    for sep, part in zip(seps, parts[1:]):
        out += sep + part
    return out.strip()


_SPACED_TAGS = frozenset({"div", "p", "br", "span", "small"})


# punctuation that closes a phrase: no space before it even across a span boundary
_CLOSING_PUNCTUATION = tuple(":;,.!?…")


# a piece of a heading that is a printed date or time only ("27.01.2022", "10:15",
# "2022-01-27 10:15"); read only when that short
_NUMERIC_DATE = re.compile(
    r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\.?(?:\s+\d{1,2}[.:]\d{2}(?::\d{2})?)?|\d{1,2}:\d{2}(?::\d{2})?"
)
MAX_DATE_CHARS = 24
MAX_SEPARATOR_CHARS = 3


def is_headline_part(child: lxml_html.HtmlElement) -> bool:
    """Whether a heading's child shows headline text: not code, not a ``<time>``, a
    ``<small>`` side note or a printed date beside the headline, not words only screen
    readers get ("Datum:"). A screen-reader-only separator between kicker and headline
    ("Kicker<span class=sr-only>:</span> Headline") stays: the metadata copies state it."""
    if not isinstance(child.tag, str) or child.tag in {"script", "style", "noscript", "time", "small"}:
        return False
    text = (child.text or "").strip()
    if SCREEN_READER_ONLY.search(child.get("class") or ""):
        return len(child) == 0 and len(text) <= MAX_SEPARATOR_CHARS and not any(c.isalnum() for c in text)
    return not (len(child) == 0 and len(text) <= MAX_DATE_CHARS and _NUMERIC_DATE.fullmatch(text))


def heading_text(element: lxml_html.HtmlElement) -> str:
    """Visible text of a heading; kicker spans and line breaks become a space.

    A child that opens with punctuation ("<span class=hidden>:</span>") is glued to
    the text before it, so "Kicker<span>:</span> Headline" reads "Kicker: Headline".
    Children that are no headline text (:func:`is_headline_part`) are left out.
    """
    pieces: list[str] = [element.text or ""]
    for child in element:
        if not is_headline_part(child):
            pieces.append(child.tail or "")
            continue
        inner = heading_text(child)
        spaced = child.tag in _SPACED_TAGS
        if inner.startswith(_CLOSING_PUNCTUATION):
            pieces = ["".join(pieces).rstrip()]
            spaced_before = ""
        else:
            spaced_before = " " if spaced else ""
        pieces.append(spaced_before + inner + (" " if spaced else ""))
        pieces.append(child.tail or "")
    return normalize_space("".join(pieces))


def title_segments(title: str) -> list[str]:
    """The title cut at its headline/site separators ("A - B | C" → A, B, C)."""
    return _SEPARATOR.split(title)
