"""The headline: chosen among the metadata titles, read as the article displays it.

Publishers state a headline several times: the visible ``<h1>``, the JSON-LD
headline, og:title, twitter:title and the SEO ``<title>``. The metadata copies carry
site and section tails, are cut at ~110 characters, re-space punctuation, or are a
different headline written for search or sharing; the page's ``<h1>`` may be the
site logo or a section label. The rule: the metadata decides *which* headline (in
its order of trust, as measured per publisher on the dev sample: where JSON-LD,
og:title and the h1 state different headlines the truth sides with the metadata
for most publishers); the display decides *how it reads*: when an h1 is what the
chosen title states minus a tail, a cut or re-spaced punctuation, the h1's text is
the answer, and a tail that another source's copy lacks is cut even without an h1.
An h1 that no metadata states is only a fallback.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence

from lxml import html as lxml_html

from newscrawl.extraction.classtokens import SCREEN_READER_ONLY

from newscrawl.extraction.metadata.titles import (
    MAX_SUFFIX_WORDS,
    MAX_TITLE_CHARS,
    MIN_TITLE_CHARS,
    heading_text,
    title_key,
    title_segments,
)

logger = logging.getLogger(__name__)

MAX_SHOWN = 5  # displayed headline candidates kept (a page rarely has more than one real h1)
MAX_SCANNED = 20  # headline elements read to find them
CUT_LENGTH = 100  # a metadata title this long that the h1 continues was cut (limits of ~110)
MIN_CUT_KEY = 20  # a shorter "cut-off copy" is a kicker or a section, not a truncation
_ELLIPSES = ("…", "...")
# order of trust between the headline's sources
FALLBACK = ("jsonld", "og", "h1", "twitter", "microdata", "meta", "title", "video")
_REGION_TAGS = frozenset({"article", "main"})
_CHROME_TAGS = frozenset({"header", "footer", "nav", "aside"})


def visible_headlines(tree: lxml_html.HtmlElement) -> list[str]:
    """Texts of the page's headline elements, those inside the article region first."""
    inside: list[str] = []
    outside: list[str] = []
    for count, element in enumerate(_elements(tree)):
        if count >= MAX_SCANNED:
            break
        text = heading_text(element)
        if MIN_TITLE_CHARS <= len(text) <= MAX_TITLE_CHARS and text not in inside + outside:
            (inside if _inside_article(element) else outside).append(text)
    return (inside + outside)[:MAX_SHOWN]


def _elements(tree: lxml_html.HtmlElement) -> Iterator[lxml_html.HtmlElement]:
    """The h1s a reader sees: not those only screen readers get (a site's name or "Navigation"
    as an ``aural``/``sr-only`` heading). Elements marked itemprop=headline are not read:
    finding them walks every element, ~0.9 ms a page, and no page of the dev sample needed them."""
    for h1 in tree.iter("h1"):
        if not SCREEN_READER_ONLY.search(h1.get("class") or ""):
            yield h1


def _inside_article(element: lxml_html.HtmlElement) -> bool:
    for parent in element.iterancestors():
        if parent.tag in _REGION_TAGS or parent.get("itemprop") == "articleBody":
            return True
        if parent.tag in _CHROME_TAGS and parent.get("role") == "banner":
            return False
    return False


def states(meta: str, shown: str) -> bool:
    """Whether a metadata title states the displayed headline ``shown``: the same words
    (spacing and punctuation aside), the same words before a short separated tail
    ("Headline - Section", "Headline : Site", in any script), or a copy cut short."""
    key, shown_key = title_key(meta), title_key(shown)
    if not key or not shown_key:
        return False
    if key == shown_key:
        return True
    if key.startswith(shown_key) and _has_tail(meta, shown_key):
        return True
    return _is_cut(meta) and len(key) >= MIN_CUT_KEY and shown_key.startswith(key)


def _has_tail(meta: str, shown_key: str) -> bool:
    """``meta`` is the headline followed by separated segments of few words; a short
    single word before them is a section label ("Politics - Headline"), not the headline."""
    parts = title_segments(meta)
    head_key = ""
    for end in range(1, len(parts)):
        head_key += title_key(parts[end - 1])  # built up: linear in the title's length
        if len(head_key) > len(shown_key):
            return False
        if head_key == shown_key:
            head = " ".join(parts[:end])
            labelled = len(head.split()) < 2 and len(head) < MIN_CUT_KEY
            return not labelled and len(" ".join(parts[end:]).split()) <= MAX_SUFFIX_WORDS
    return False


def _is_cut(meta: str) -> bool:
    text = meta.rstrip()
    return text.endswith(_ELLIPSES) or len(text) >= CUT_LENGTH


def spelled(meta: str, shown: str) -> str:
    """The confirmed headline's spelling: the displayed one where the two differ only in
    spacing ("wieder da : Thioune" / "wieder da: Thioune") or the metadata carries a tail
    or a cut; the metadata's own characters where the words match but quotes or dashes differ."""
    if title_key(meta) != title_key(shown) or "".join(meta.split()) == "".join(shown.split()):
        return shown
    return shown if meta.rstrip().endswith(_ELLIPSES) else meta  # a cut copy's quotes are cut too


def _without_kicker(short: str | None, long: str | None) -> bool:
    """Whether ``long`` is ``short`` with a kicker in front ("Topic: Headline")."""
    if not short or not long:
        return False
    s, l = short.casefold(), long.casefold()
    return len(l) > len(s) and l.endswith(s) and bool(re.search(r"[:：]\s*$", l[: len(l) - len(s)]))


def _same(a: str | None, b: str | None) -> bool:
    return bool(a and b) and title_key(a) == title_key(b)  # type: ignore[arg-type]


def _agree(a: str | None, b: str | None) -> bool:
    """Whether two copies state the same headline: the same words, or one is the other
    plus a tail or cut short (:func:`states`): a tail or a cut changes a copy, not
    which headline it is, so the exceptions below read through them."""
    return bool(a and b) and (states(a, b) or states(b, a))  # type: ignore[arg-type]


def choose_title(c: dict[str, str], shown: Sequence[str] = ()) -> tuple[str | None, str | None]:
    """The headline from cleaned metadata candidates ``c`` (keyed by source) and the
    displayed headlines ``shown`` (article region first).

    The metadata decides which headline (JSON-LD, og:title, the first h1, …, in that
    order of trust, with the three exceptions below); the displayed headline decides
    how it reads: when a displayed headline is what the chosen title states, minus a
    tail, a cut or re-spaced punctuation, the displayed text is returned.
    Exceptions (each measured on both publisher halves, see README):
    - a social title equal to the JSON-LD/displayed headline minus its kicker
      ("Topic: Headline") is the headline: the site itself split the kicker off;
    - a JSON-LD headline that only repeats the SEO <title> loses to the displayed
      headline when the social title states it too;
    - a distinct social title beats a JSON-LD headline the h1 repeats
      (:func:`_social_is_editorial`).
    The exceptions read copies through a tail or a cut (:func:`_agree`).
    """
    jl = c.get("jsonld")
    shown = _stated_first(c, shown)
    h1 = shown[0] if shown else None
    social_source = "og" if c.get("og") else "twitter"
    social = c.get(social_source)
    for base in (jl, h1):
        if _without_kicker(social, base):
            return social, social_source
    if _jsonld_is_seo_copy(c, shown) and social and (confirmed := _displayed(social, shown)):
        return confirmed, "h1"
    if _social_is_editorial(c, h1):
        return _displayed(social, shown) or social, social_source  # type: ignore[arg-type]
    ranked = {**c, "h1": h1} if h1 else c
    for source in FALLBACK:
        if ranked.get(source):
            if source == "h1":
                return _spelled_as_stated(ranked[source], c), source
            return _displayed(ranked[source], shown) or _untailed(ranked[source], c), source
    return None, None


def _stated_first(c: dict[str, str], shown: Sequence[str]) -> list[str]:
    """The displayed headlines, those a metadata copy states first: a page with several
    h1s (the site's logo in one, the story's headline in the next) shows its headline in
    the one the metadata repeats; order is kept where none or all are stated."""
    stated = [s for s in shown if any(states(meta, s) for meta in c.values())]
    return stated + [s for s in shown if s not in stated]


def _spelled_as_stated(shown: str, c: dict[str, str]) -> str:
    """The displayed headline, in the spelling of a metadata copy stating the same words
    (:func:`spelled`: its quotes and dashes, the display's spacing): where the h1 answers
    for want of JSON-LD and og, the <title> or twitter:title still spells it."""
    for meta in c.values():
        if title_key(meta) == title_key(shown):
            return spelled(meta, shown)
    return shown


def _untailed(meta: str, c: dict[str, str]) -> str:
    """``meta`` without a tail that another source's copy of the headline lacks
    ("Headline - Region" where the SEO title reads "Headline | Site"), or in full where
    it is a cut copy of another source's: the words all sources share are the headline."""
    for other in c.values():
        if other != meta and states(meta, other):
            return other
    return meta


def _jsonld_is_seo_copy(c: dict[str, str], shown: Sequence[str]) -> bool:
    """The JSON-LD headline repeats the SEO <title> and no displayed headline: it was
    written for search, and a social title stating the display outvotes it."""
    jl = c.get("jsonld")
    return bool(jl) and _agree(jl, c.get("title")) and not any(_agree(jl, s) for s in shown)


def _social_is_editorial(c: dict[str, str], h1: str | None) -> bool:
    """JSON-LD and the h1 agree, the social title says something else and the other
    social tag does not side with the h1: the site wrote a headline for sharing, and
    that is the one it publishes (on the dev sample og wins here for 7 publishers, the
    h1 for 2)."""
    jl, social = c.get("jsonld"), c.get("og") or c.get("twitter")
    return bool(
        jl and h1 and social and _agree(jl, h1) and not _agree(social, jl)
        and not _without_kicker(jl, social)  # "Analysis: Headline" adds a kicker, no headline
        and not _same(social, c.get("title")) and not _agree(c.get("twitter"), h1)
    )


def _displayed(meta: str, shown: Sequence[str]) -> str | None:
    """The displayed headline that ``meta`` states, spelled as :func:`spelled` says."""
    for text in shown:
        if states(meta, text):
            return spelled(meta, text)
    return None
