"""The date cascade: published and modified from their most trusted sources.

JSON-LD first, then meta tags (the generic Dublin Core ``date`` keys last),
microdata, the article's ``<time>``, a date in the title, dated byline elements,
the dateline beside the headline (:mod:`.dateline`), htmldate's search of the
whole page and finally the URL. A less trusted source may still *upgrade* the
chosen value when it states the same day (and time) with an offset, because
users need a comparable instant, not a bare local time.

The dateline is the day the page shows its readers, so it may also *overrule*:
an article ``<time>`` or a date in a byline-classed element (either is often a
comment's or a teaser's), a generic ``date`` meta (often the last change), and a
structured published date when another source of the page confirms the shown
day. htmldate only answers when our own sources found nothing, or checks a
byline-element date when there is no dateline: it is slower and only knows the
day, but it reads many more page layouts.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import cache
from typing import Any

from htmldate import find_date

from newscrawl.extraction.dates import ParsedDate, date_from_url, parse_date, parse_text
from newscrawl.extraction.metadata.dateline import dateline
from newscrawl.extraction.metadata.jsonld import text_value
from newscrawl.extraction.metadata.labelled_date import labelled_date
from newscrawl.extraction.metadata.meta_context import MetaContext

logger = logging.getLogger(__name__)

Result = tuple[Any, str | None]
MAX_OFFSET_HOURS = 14  # the widest UTC offset in use

# meta keys in order of trust; lower-case, as collect_meta stores them
PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "og:published_time",
    "published_time",
    "publish-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "article.published",
    "cxenseparse:recs:publishtime",
    "originalpublicationdate",
    "article_date_original",
    "og:pubdate",
    "release_date",
    "displaydate",
    "article:published:time",
    "date.published",
)
# generic keys (Dublin Core's "date": any event in the life of the page, often its last change)
GENERIC_META = ("dc.date", "dcterms.date", "date")
MODIFIED_META = (
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "datemodified",
    "article:modified",
    "modified_time",
    "last-modified",
    "dcterms.modified",
    "dc.date.modified",
    "lastmod",
    "article.updated",
    "updated_time",
    "article:modified:time",
)


def _agrees(best: ParsedDate, other: ParsedDate) -> bool:
    """Whether ``other`` states the same moment as ``best``, only more precisely.

    A bare day agrees with any time on that day; a naive local time agrees with
    an instant showing the same clock minutes and seconds a whole number of hours
    away (the same moment written in UTC or in another zone's offset).
    """
    if not best.has_time:
        return other.value.date() == best.value.date()
    if (other.value.minute, other.value.second) != (best.value.minute, best.value.second):
        return False
    naive_other = other.value.replace(tzinfo=None)
    return abs((naive_other - best.value).total_seconds()) <= MAX_OFFSET_HOURS * 3600


def _pick_date(candidates: list[tuple[ParsedDate, str]]) -> Result:
    """The most trusted date, upgraded by a later one that agrees but carries time/offset."""
    if not candidates:
        return None, None
    best, source = candidates[0]
    for other, other_source in candidates[1:]:
        if best.aware and best.has_time:
            break
        # only a full instant may replace a timed value; a timed one may replace a bare day
        if not (other.has_time and other.aware) and (best.has_time or not other.has_time):
            continue
        if _agrees(best, other):
            best, source = other, other_source
    return best.iso(), source


def _date_candidates(
    ctx: MetaContext, ld_key: str, meta_keys: tuple[str, ...], micro: str
) -> list[tuple[ParsedDate, str]]:
    tz = ctx.hints.timezone
    found: list[tuple[ParsedDate, str]] = []

    def add(raw: Any, source: str) -> None:
        parsed = parse_date(text_value(raw), tz)
        if parsed is not None:
            found.append((parsed, source))

    article = ctx.ld.article or {}
    add(article.get(ld_key), "jsonld")
    for key in meta_keys:
        for value in ctx.page.meta.get(key, ()):
            add(value, "meta")
    for value in ctx.page.microdata.get(micro, ()):
        add(value, "microdata")
    return found


Dateline = Callable[[], ParsedDate | None]  # computed on first call, then remembered


def published(ctx: MetaContext) -> Result:
    """When the article first appeared (selector, structured data, page, search, URL)."""
    selected = ctx.selected_text("published")
    if selected:
        parsed = parse_date(selected, ctx.hints.timezone)
        if parsed:
            return parsed.iso(), "selector"
    from_url = date_from_url(ctx.url)
    printed: Dateline = cache(
        lambda: dateline(ctx.tree, ctx.article_root, ctx.hints.timezone, ctx.page.title_tag)
    )
    # a full date in the path settles the day whatever htmldate would say (below): no search
    search = (lambda: None) if from_url else (lambda: search_page(ctx))
    found = _published_candidates(ctx, printed, search)
    value, source = _pick_date(found or ([(from_url, "url")] if from_url else []))
    if (shown := _shown_day(ctx, printed, found, value, source)) is not None:
        value, source = _pick_date(_on_shown_day(shown, found))
    if source == "text" and not _on_day(value, printed()):
        # a date printed in a byline element may be a teaser's or a comment's; without a
        # dateline beside the headline to settle it, htmldate, which weighs every date of
        # the page, overrules it when they disagree
        if (searched := search()) and not _on_day(value, searched):
            value, source = searched.iso(), "htmldate"
    if from_url and source != "url" and not _on_day(value, from_url):
        # a full date in the path is stamped when the story is filed; a source naming
        # another day describes something else (a re-publication, a template default)
        return from_url.iso(), "url"
    return value, source


def _published_candidates(ctx: MetaContext, printed: Dateline,
                          search: Callable[[], ParsedDate | None]) -> list[tuple[ParsedDate, str]]:
    """Our own sources in order of trust; htmldate's ``search`` only when they have nothing."""
    found = _date_candidates(ctx, "datePublished", PUBLISHED_META + GENERIC_META, "datepublished")
    if not found:
        created = parse_date(text_value((ctx.ld.article or {}).get("dateCreated")), ctx.hints.timezone)
        found = [(created, "jsonld")] if created else []
    found += [(p, "time") for p in ctx.time_dates()]
    if not found:
        titles = (ctx.page.first("og:title"), ctx.page.title_tag)
        found += [(p, "title") for p in map(parse_text, filter(None, titles)) if p]
    if not found:
        found += [(p, "text") for p in ctx.text_dates()]
    if not found and (shown := printed()) is not None:
        found.append((shown, "dateline"))
    if not found and (labelled := labelled_date(ctx.tree, ctx.hints.timezone)) is not None:
        found.append((labelled, "label"))
    if not found:
        found += [(p, "htmldate") for p in [search()] if p]
    return found


def _shown_day(ctx: MetaContext, printed: Dateline, found: list[tuple[ParsedDate, str]],
               value: str | None, source: str | None) -> ParsedDate | None:
    """The date the page shows its readers, when it should replace the chosen one.

    It replaces an article ``<time>`` (several of them are often comments' or teasers')
    and a generic ``date`` meta (Dublin Core's "a date in the life of the resource",
    often the last change) outright. It replaces a published date of the structured
    data only when another source states the shown day too, so a stray date beside
    the headline cannot overrule the CMS alone (when all sources agree, the dateline
    is not even looked for).
    """
    if source == "meta" and _only_generic(ctx):
        times = [p for p, s in found if s == "time"]
        shown = printed() or (times[0] if times else None)
        return shown if shown is not None and _names_other_day(shown, value) else None
    if source not in _OVERRULED or (source not in _PRINTED and _all_on_one_day(found)):
        return None
    shown = printed()
    if shown is None or not _names_other_day(shown, value):
        return None
    if source in _PRINTED or any(_on_day(p.iso(), shown) for p in _witnesses(shown, found)):
        return shown
    return None


def _all_on_one_day(found: list[tuple[ParsedDate, str]]) -> bool:
    return len({p.value.date() for p, _ in found}) <= 1


def _witnesses(printed: ParsedDate, found: list[tuple[ParsedDate, str]]) -> list[ParsedDate]:
    """Other sources that could confirm the dateline: the structured ones, and the
    article's ``<time>`` elements other than the dateline itself (the same element read
    twice confirms nothing)."""
    return [p for p, s in found if s in _STRUCTURED or (s == "time" and p != printed)]


_STRUCTURED = frozenset({"jsonld", "meta", "microdata"})
_PRINTED = frozenset({"time", "text"})  # elements anywhere in the article: teasers', comments'
_OVERRULED = _STRUCTURED | _PRINTED


def _only_generic(ctx: MetaContext) -> bool:
    """Whether the page's only structured published date is a generic ``date`` meta."""
    return not _date_candidates(ctx, "datePublished", PUBLISHED_META, "datepublished")


def _names_other_day(shown: ParsedDate, value: str | None) -> bool:
    """Whether ``shown`` names another day than the answer ``value``, also when read in
    another zone or with day and month swapped (03/05 in a page of the other order)."""
    if parse_date(value) is None or _on_day(value, shown):
        return False
    swapped = shown.swapped()
    return swapped is None or not _on_day(value, swapped)


def _on_shown_day(shown: ParsedDate, found: list[tuple[ParsedDate, str]]) -> list[tuple[ParsedDate, str]]:
    """The dateline first, then the candidates stating its day (they may add time and offset)."""
    return [(shown, "dateline")] + [(p, s) for p, s in found if _on_day(p.iso(), shown)]


def _on_day(value: str | None, day: ParsedDate | None) -> bool:
    """Whether an ISO answer can name ``day``: the same date, or an instant that some
    UTC offset puts on it."""
    parsed = parse_date(value)
    if parsed is None or day is None:
        return False
    if not (parsed.aware and parsed.has_time):
        return parsed.value.date() == day.value.date()
    start = dt.datetime.combine(day.value.date(), dt.time(), tzinfo=dt.UTC)
    window = dt.timedelta(hours=MAX_OFFSET_HOURS)
    return start - window <= parsed.value < start + dt.timedelta(days=1) + window


def search_page(ctx: MetaContext) -> ParsedDate | None:
    """htmldate's search of the parsed page (it copies the tree it is given).

    Its quick search first; the extensive one, whose free-text date parser costs
    seconds per new language, only when the quick one finds nothing.
    """
    for extensive in (False, True):
        try:
            # no URL: the date in the path is our own last step (provenance "url")
            day = find_date(
                ctx.tree, extensive_search=extensive, original_date=True, outputformat="%Y-%m-%d"
            )
        except Exception as exc:  # noqa: BLE001 - a third-party search must not lose the field
            logger.debug("htmldate failed on %s: %r", ctx.url, exc)
            return None
        if day:
            return parse_date(day)
    return None


def modified(ctx: MetaContext) -> Result:
    """When the article last changed, from structured data only (pages print it ambiguously)."""
    return _pick_date(_date_candidates(ctx, "dateModified", MODIFIED_META, "datemodified"))
