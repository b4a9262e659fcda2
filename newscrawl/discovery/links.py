"""Telling article URLs from listings, static pages and junk, by evidence.

Two stages: :func:`url_shape` judges a URL before it is fetched (so assets,
login pages and traps cost no request), :func:`looks_like_article` judges a
fetched page from its structured data, URL shape and text length.  No rule
names a site: every pattern here is a shape many CMSs share.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import parse_qsl, unquote, urlsplit

from newscrawl.discovery.patterns import UrlPattern, compile_pattern
from newscrawl.discovery.traps import MIN_SLUG_WORDS, has_session_id, is_calendar_trap, slug_words
from newscrawl.discovery.vocabulary import (
    ARTICLE_CONTAINERS,
    ARTICLE_JSONLD_TYPES,
    ARTICLE_QUERY_KEYS,
    GENERIC_QUERY_ID_KEYS,
    LISTING_JSONLD_TYPES,
    LISTING_SEGMENTS,
    NON_ARTICLE_OG_TYPES,
    SKIP_EXTENSIONS,
    SKIP_QUERY_KEYS,
    SKIP_SCHEMES,
    SKIP_SEGMENTS,
    STATIC_WORDS,
)

UrlKind = Literal["article", "listing", "static", "skip", "unknown"]

MIN_NUMERIC_ID_DIGITS = 5


_SKIP_FRAGMENT = re.compile(r"^(comments?|respond|reply|disqus_thread|comment-\d+)", re.IGNORECASE)
_STATIC_EXT = re.compile(r"\.(html?|shtml|php|aspx?|jsp)$", re.IGNORECASE)
_LISTING_FILE = re.compile(r"^(index|default|home|list|node|page)([_-]\d+)*$", re.IGNORECASE)
_DATE_PATH = re.compile(
    r"/(?:19|20)\d{2}(?:/|-)(?:0?[1-9]|1[0-2])(?:/|-)(?:0?[1-9]|[12]\d|3[01])(?=/|$)"
    r"|/(?:19|20)\d{2}(?:0[1-9]|1[0-2])/(?:0[1-9]|[12]\d|3[01])(?=/|$)"
    r"|/(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?=/|$)"
)
_MONTH_PATH = re.compile(r"/(?:19|20)\d{2}/(?:0?[1-9]|1[0-2])(?=/|$)")
_NUMERIC_ID = re.compile(
    rf"(?:^|[^a-z0-9])\d{{{MIN_NUMERIC_ID_DIGITS},}}(?:[^0-9]|$)", re.IGNORECASE
)
# Doc files and hex ids are tested with plain string operations: their regex forms
# (``[\w-]*\d[\w-]*\.ext`` and a look-ahead pair) were quadratic in a long segment.
_DOC_STEM = re.compile(r"[\w-]+")
_ALNUM_RUN = re.compile(r"[a-z0-9]+", re.IGNORECASE)
MAX_URL_CHARS = 2048  # longer links are skipped unclassified (sitemaps.org's loc limit)


@dataclass(frozen=True)
class Thresholds:
    """How much body text the article verdict asks for, by the evidence a page has.

    The one place these numbers live: the spider builds it from the settings
    ``NEWSCRAWL_MIN_WORDS``, ``NEWSCRAWL_MIN_WORDS_ARTICLE_URL`` and
    ``NEWSCRAWL_MIN_WORDS_NO_EVIDENCE``; words are counted by
    :func:`newscrawl.extraction.wordcount.count_words` (script-aware).
    """

    with_metadata: int = 40  # JSON-LD/og:type say article: only reject empty shells
    article_url: int = 120  # only the URL looks like an article: a short story is fine
    no_evidence: int = 250  # nothing but text: ask for a real body
    article_url_paragraphs: int = 2
    no_evidence_paragraphs: int = 4


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class UrlShape:
    kind: UrlKind
    reason: str


def _segments(path: str) -> list[str]:
    return [unquote(s) for s in path.split("/") if s]


def url_shape(
    url: str,
    *,
    article_pattern: UrlPattern | str | None = None,
    exclude_pattern: UrlPattern | str | None = None,
) -> UrlShape:
    """Classify a URL by shape, with the reason; ``unknown`` when there is no evidence.

    A site's ``exclude_pattern`` wins over everything; its ``article_pattern``
    wins over shape (URLs not matching it are never articles).
    """
    if isinstance(article_pattern, str):
        article_pattern = compile_pattern(article_pattern)
    if isinstance(exclude_pattern, str):
        exclude_pattern = compile_pattern(exclude_pattern)
    if len(url) > MAX_URL_CHARS:
        return UrlShape("skip", "too-long")
    lowered = url.strip().lower()
    if lowered.startswith(SKIP_SCHEMES) or not lowered.startswith(("http://", "https://")):
        return UrlShape("skip", "scheme")
    if exclude_pattern is not None and pattern_matches(exclude_pattern, url):
        return UrlShape("skip", "exclude-pattern")
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return UrlShape("skip", "bad-url")
    segments = _segments(parts.path)
    query = {k.lower(): v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
    skip = _skip_reason(parts.path, segments, query, parts.fragment, url)
    if skip:
        return UrlShape("skip", skip)
    static = _static_reason(segments)
    if article_pattern is not None:
        if pattern_matches(article_pattern, url):
            return UrlShape("article", "article-pattern")
        return UrlShape("static", static) if static else UrlShape("listing", "not-article-pattern")
    if static:
        return UrlShape("static", static)
    return _listing_or_article(parts.path, segments, query)


def pattern_matches(pattern: re.Pattern[str], url: str) -> bool:
    """A registry URL pattern is searched in the full URL (``/\\d{4}/\\d{2}/``, ``/live/``);
    one anchored at a path (``^/news/``) is matched against the path and query instead,
    since a full URL never starts with ``/``."""
    if pattern.pattern.startswith("^/"):
        parts = urlsplit(url.strip())
        return pattern.search(parts.path + ("?" + parts.query if parts.query else "")) is not None
    return pattern.search(url) is not None


def classify_url(
    url: str,
    *,
    article_pattern: UrlPattern | str | None = None,
    exclude_pattern: UrlPattern | str | None = None,
) -> str:
    """"article" | "listing" | "static" | "skip" — see :func:`url_shape`.

    A URL without evidence becomes "listing" when it looks like a section
    (``/sports/``, ``/news/pakistan/``) and "article" otherwise: both get
    fetched, and the page-level :func:`looks_like_article` has the last word.
    """
    shape = url_shape(url, article_pattern=article_pattern, exclude_pattern=exclude_pattern)
    if shape.kind != "unknown":
        return shape.kind
    return "listing" if _section_like(url) else "article"


def _section_like(url: str) -> bool:
    segments = [s.lower() for s in _segments(urlsplit(url.strip()).path)]
    if len(segments) > 2 or not segments:
        return len(segments) == 0
    if len(segments) == 2 and segments[0] in ARTICLE_CONTAINERS:
        return False
    last = segments[-1]
    words = [w for w in re.split(r"[-_+.]+", last) if w]
    return len(words) <= 3 and not any(ch.isdigit() for ch in last)


def _skip_reason(path: str, segments: list[str], query: dict[str, str], fragment: str,
                 url: str) -> str | None:
    last = segments[-1].lower() if segments else ""
    if "." in last and last.rsplit(".", 1)[1] in SKIP_EXTENSIONS:
        return "extension"
    lowered = {s.lower() for s in segments}
    hit = lowered & SKIP_SEGMENTS
    if hit:
        return f"path:{min(hit)}"
    if any(_utility_segment(s) for s in lowered):
        return "path:utility"
    key = next((k for k in query if k in SKIP_QUERY_KEYS), None)
    if key:
        return f"query:{key}"
    if fragment and _SKIP_FRAGMENT.match(fragment):
        return "comment-anchor"
    if has_session_id(url):
        return "session-id"
    if is_calendar_trap(url):
        return "calendar"
    return None


def _utility_segment(segment: str) -> bool:
    """``wp-login.php``, ``share-this``, ``print-article``: a button's URL. A headline
    slug that starts with the word ("share-market-update-psu-bank-shares-gain") is not."""
    if segment.startswith("wp-login"):
        return True
    return segment.startswith(("share-", "print-")) \
        and slug_words(segment) < MIN_SLUG_WORDS


def _static_reason(segments: list[str]) -> str | None:
    for seg in segments[:2]:
        word = _STATIC_EXT.sub("", seg.lower())
        if word in STATIC_WORDS:
            return f"static:{word}"
    return None


def _listing_or_article(path: str, segments: list[str], query: dict[str, str]) -> UrlShape:
    lowered = [s.lower() for s in segments]
    if not segments:
        if _query_says_article(query):
            return UrlShape("article", "query-id")
        return UrlShape("listing", "homepage")
    if "page" in lowered or any(k in ("page", "paged", "pg") for k in query):
        # news_view.html?idx=8723&page=1: a story's own id beats the page of the listing
        # the link was found on (a bare ?id= may be the listing's category)
        if _query_says_article(query, generic=False):
            return UrlShape("article", "query-id")
        return UrlShape("listing", "pagination")
    hit = next((i for i, s in enumerate(lowered) if s in LISTING_SEGMENTS), None)
    if hit is not None:
        # /archives/2024/10/16/2003825491, /columnists/2019111810773-a-slug: what follows
        # the listing word dates or numbers one story; /tag/some-long-name does not
        after = _story_id(segments[hit + 1:])
        return after or UrlShape("listing", f"path:{lowered[hit]}")
    if _query_says_article(query):
        return UrlShape("article", "query-id")
    last = _STATIC_EXT.sub("", lowered[-1])
    if _LISTING_FILE.match(last):
        # /2019/11/18/politics/a-story-slug/index.html: the directory is the story
        inner = _article_evidence(path.rsplit("/", 1)[0] + "/", segments[:-1]) \
            if len(segments) > 1 else None
        return inner if inner is not None and inner.kind == "article" \
            else UrlShape("listing", "index-file")
    return _article_evidence(path, segments) or _no_evidence(path, segments)


def _query_says_article(query: dict[str, str], generic: bool = True) -> bool:
    """``?p=123``, ``?id=123``, Joomla's ``view=article&id=…``; ``generic=False``: not on
    a key that may name a category (``id``) alone."""
    if query.get("view", "").lower() == "article":
        return True
    keys = ARTICLE_QUERY_KEYS if generic else ARTICLE_QUERY_KEYS - GENERIC_QUERY_ID_KEYS
    # a stray slash after the id (?p=959/) is a theme's link, still one post
    return any(k in keys and v.rstrip("/").isdigit() for k, v in query.items())


def _article_evidence(path: str, segments: list[str]) -> UrlShape | None:
    last = segments[-1]
    date = _DATE_PATH.search(path) or _MONTH_PATH.search(path)
    if date:
        # /2024/03/05/ or /2024/03/ alone is an archive; something after the date is a story
        if path[date.end():].strip("/"):
            return UrlShape("article", "date-path")
        return UrlShape("listing", "date-archive")
    if _doc_file(last):
        return UrlShape("article", "document-id")
    if max(slug_words(s) for s in segments) >= MIN_SLUG_WORDS:
        return UrlShape("article", "slug")
    if any(_NUMERIC_ID.search(s) for s in segments):
        return UrlShape("article", "numeric-id")
    if _STATIC_EXT.search(last) and _has_hex_id(last):
        return UrlShape("article", "document-id")
    return None


def _story_id(segments: list[str]) -> UrlShape | None:
    """A date with something after it, or a long number: one story, not a listing."""
    if not segments:
        return None
    evidence = _article_evidence("/" + "/".join(segments), segments)
    if evidence is not None and evidence.reason in ("date-path", "document-id"):
        return evidence
    if any(_NUMERIC_ID.search(s) for s in segments):
        return UrlShape("article", "numeric-id")
    return None


def _no_evidence(path: str, segments: list[str]) -> UrlShape:
    if re.fullmatch(r"/(?:19|20)\d{2}/?", path):
        return UrlShape("listing", "date-archive")
    if len(segments) <= 2:
        return UrlShape("unknown", "section-like")
    return UrlShape("unknown", "no-evidence")


_URL_DAY = re.compile(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?=/|$)"
                      r"|/((?:19|20)\d{2})(0[1-9]|1[0-2])/?(0[1-9]|[12]\d|3[01])(?=/|$)")


def date_in_url(url: str) -> datetime | None:
    """The day a URL's path names (``/2024/10/16/``, ``/2024-10-16/``, ``/20241016/``), UTC.

    Used to bound ``-a since`` before a request: a story is not published after
    the day in its own URL's path (it may be a day later in UTC: callers allow that).
    """
    match = _URL_DAY.search(urlsplit(url).path)
    if not match:
        return None
    parts = [int(g) for g in match.groups() if g is not None]
    try:
        return datetime(parts[0], parts[1], parts[2], tzinfo=UTC)
    except ValueError:
        return None


def _types(jsonld_types: Iterable[str] | None) -> set[str]:
    return {t.rsplit("/", 1)[-1].lower() for t in (jsonld_types or ()) if isinstance(t, str)}


def says_article(fields: object) -> bool:
    """Structured data alone (``og:type``, JSON-LD) names the page an article."""
    og = (getattr(fields, "og_type", None) or "").strip().lower()
    types = _types(getattr(fields, "jsonld_types", None))
    return bool(types & ARTICLE_JSONLD_TYPES) or og == "article" or og.startswith("article:")


def looks_like_article(
    *,
    url_kind: str,
    og_type: str | None,
    jsonld_types: Iterable[str] | None,
    word_count: int,
    paragraphs: int,
    byline: bool = False,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> tuple[bool, str]:
    """Page-level decision after the fetch, with a reason for the stats and the log.

    Structured data decides first (JSON-LD article types, then og:type),
    then URL shape plus text length against ``thresholds``. ``byline``: the page
    names a publication date or an author, so an article-shaped URL needs only the
    short-story minimum (news briefs of 80 words are articles).
    """
    low = thresholds.with_metadata
    types = _types(jsonld_types)
    og = (og_type or "").strip().lower()
    if url_kind == "skip":
        return False, "url:skip"
    if types & ARTICLE_JSONLD_TYPES:
        if word_count < low:
            return False, "jsonld-article:too-short"
        return True, f"jsonld:{min(types & ARTICLE_JSONLD_TYPES)}"
    if types & LISTING_JSONLD_TYPES and og != "article":
        return False, f"jsonld:{min(types & LISTING_JSONLD_TYPES)}"
    if url_kind == "static":
        return False, "url:static"
    if og == "article" or og.startswith("article:"):
        if word_count < low:
            return False, "og-article:too-short"
        return True, "og:article"
    if og in NON_ARTICLE_OG_TYPES:
        return False, f"og:{og}"
    if og == "website" and url_kind == "article":
        # Sections say "website"; so do a few CMSs on every story. An article-shaped URL
        # with a stated date or author is a story's evidence still (a short one will do,
        # as with no og:type at all but for the shortest briefs); without either, ask
        # for a real body.
        return _by_text("article" if byline else "unknown", word_count, paragraphs, thresholds)
    if url_kind == "article" and byline and word_count >= low \
            and paragraphs >= thresholds.article_url_paragraphs:
        return True, "url:article+byline"
    return _by_text(url_kind, word_count, paragraphs, thresholds)


def _by_text(url_kind: str, word_count: int, paragraphs: int,
             thresholds: Thresholds) -> tuple[bool, str]:
    if url_kind == "article":
        ok = word_count >= thresholds.article_url \
            and paragraphs >= thresholds.article_url_paragraphs
        return (True, "url:article+text") if ok else (False, "url:article:too-short")
    if url_kind == "listing":
        return False, "url:listing"
    ok = word_count >= thresholds.no_evidence and paragraphs >= thresholds.no_evidence_paragraphs
    return (True, "text-only") if ok else (False, "no-evidence:too-short")


def _doc_file(name: str) -> bool:
    """``story-12345.html``: a word stem holding a digit, then a page extension."""
    stem, dot, ext = name.rpartition(".")
    return bool(dot and _STATIC_EXT.fullmatch("." + ext) and _DOC_STEM.fullmatch(stem)
                and any(c.isdigit() for c in stem))


def _has_hex_id(name: str) -> bool:
    """A run of 12+ letters and digits mixing both (``a3f9c2e81b7d``)."""
    return any(len(run) >= 12 and not run.isdigit() and not run.isalpha()
               for run in _ALNUM_RUN.findall(name))
