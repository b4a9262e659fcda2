"""The date cascade: published and modified from their most trusted sources.

JSON-LD first, then meta tags, microdata, the article's ``<time>``, a date in
the title, dated byline elements, htmldate's search of the whole page and
finally the URL. A less trusted source may still *upgrade* the chosen value
when it states the same day (and time) with an offset, because users need a
comparable instant, not a bare local time. htmldate only answers when our own
sources found nothing: it is slower and only knows the day, but it reads many
more page layouts (dates in free text, comment-free copyright lines excluded).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from htmldate import find_date

from newscrawl.extraction.dates import ParsedDate, date_from_url, parse_date, parse_text
from newscrawl.extraction.metadata.jsonld import text_value
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
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "date",
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


def published(ctx: MetaContext) -> Result:
    """When the article first appeared (selector, structured data, page, search, URL)."""
    selected = ctx.selected_text("published")
    if selected:
        parsed = parse_date(selected, ctx.hints.timezone)
        if parsed:
            return parsed.iso(), "selector"
    from_url = date_from_url(ctx.url)
    value, source = _pick_date(_published_candidates(ctx) or ([(from_url, "url")] if from_url else []))
    if source == "text" and (searched := search_page(ctx)) and not _on_day(value, searched):
        # a date printed near the byline may be a teaser's or a comment's; htmldate weighs
        # every date of the page, so its day overrules ours when they disagree
        value, source = searched.iso(), "htmldate"
    if from_url and source != "url" and not _on_day(value, from_url):
        # a full date in the path is stamped when the story is filed; a source naming
        # another day describes something else (a re-publication, a template default)
        return from_url.iso(), "url"
    return value, source


def _published_candidates(ctx: MetaContext) -> list[tuple[ParsedDate, str]]:
    """Our own sources in order of trust; htmldate's search only when they have nothing."""
    found = _date_candidates(ctx, "datePublished", PUBLISHED_META, "datepublished")
    if not found:
        created = parse_date(text_value((ctx.ld.article or {}).get("dateCreated")), ctx.hints.timezone)
        found = [(created, "jsonld")] if created else []
    found += [(p, "time") for p in ctx.time_dates()]
    if not found:
        titles = (ctx.page.first("og:title"), ctx.page.title_tag)
        found += [(p, "title") for p in map(parse_text, filter(None, titles)) if p]
    if not found:
        found += [(p, "text") for p in ctx.text_dates()]
    if not found:
        found += [(p, "htmldate") for p in [search_page(ctx)] if p]
    return found


def _on_day(value: str | None, day: ParsedDate) -> bool:
    """Whether an ISO answer can name ``day``: the same date, or an instant that some
    UTC offset puts on it."""
    parsed = parse_date(value)
    if parsed is None:
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
