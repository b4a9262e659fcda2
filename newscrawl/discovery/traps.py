"""Bounding spider traps: session ids, calendars, endless pagination, loops.

A cron crawler meets sites whose links never end: a calendar with a "next
month" link to 2099, ``?page=N`` for every N, relative-link bugs that grow
``/a/b/a/b/...``, session ids that make every URL new.  These helpers detect
the shapes; :class:`TrapGuard` applies per-site caps the spider consults
before scheduling a request.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

logger = logging.getLogger(__name__)

SESSION_PARAMS = frozenset(
    [
        "phpsessid", "sid", "sessid", "sessionid", "session_id", "session", "jsessionid",
        "aspsessionid", "cfid", "cftoken", "zenid", "oscsid", "s_id"
    ]
)
CALENDAR_PARAMS = frozenset([
    "date", "day", "month", "year", "cal", "calendar", "ical", "week", "start_date", "end_date"
])
CALENDAR_SEGMENTS = frozenset(["calendar", "calendario", "kalender", "events-calendar", "agenda"])
PAGE_PARAMS = frozenset(["page", "paged", "pg", "pagenum", "page_no", "pageno"])
MIN_SLUG_WORDS = 4  # "pakistan-wins-the-final" is a headline slug (links.url_shape too)
MAX_PAST_YEARS = 40  # dated paths older than this are archive crawls gone wrong
MAX_FUTURE_YEARS = 1  # a dated path in the future is a calendar, not news

_PATH_PARAM_SESSION = re.compile(r";(?:jsessionid|sessionid|sid|phpsessid)=[^/?#]*", re.IGNORECASE)
_ASPNET_COOKIELESS = re.compile(r"/\([A-Z]\([^)]*\)\)", re.IGNORECASE)
_PATH_YEAR = re.compile(r"(?:^|/)((?:1[5-9]|2\d)\d{2})(?:/|-)(?:0?[1-9]|1[0-2])(?=/|-|$)")
_PAGE_SEGMENT = re.compile(r"/(?:page|seite|pagina|p)/(\d{1,9})(?=/|$)", re.IGNORECASE)
_PAGE_FILE = re.compile(r"/(?:index|list|page|node_\d+)[_-](\d{1,9})\.s?html?$", re.IGNORECASE)
_SESSION_VALUE = re.compile(r"^[0-9a-z]{16,}$", re.IGNORECASE)


def _split(url: str):
    return urlsplit(url.strip())


def has_session_id(url: str) -> bool:
    """True when the URL carries a session id (query, ``;jsessionid=`` or ASP.NET)."""
    try:
        parts = _split(url)
    except ValueError:
        return False
    if _PATH_PARAM_SESSION.search(parts.path) or _ASPNET_COOKIELESS.search(parts.path):
        return True
    return any(_is_session_param(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True))


def _is_session_param(key: str, value: str) -> bool:
    key = key.lower()
    if key == "sid":  # short "sid" is also used for section ids: demand a token
        return bool(_SESSION_VALUE.match(value))
    return key in SESSION_PARAMS or key.startswith("aspsessionid")


def strip_session_ids(url: str) -> str:
    """The URL without session ids, other parameters kept in order."""
    try:
        parts = _split(url)
    except ValueError:
        return url
    path = _ASPNET_COOKIELESS.sub("", _PATH_PARAM_SESSION.sub("", parts.path)) or "/"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not _is_session_param(k, v)]
    query = urlencode(kept) if len(kept) != len(pairs) else parts.query
    return urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))


def slug_words(segment: str) -> int:
    """Words of a path segment split at dashes and underscores (a headline slug has
    :data:`MIN_SLUG_WORDS` or more)."""
    return len([w for w in re.split(r"[-_]+", segment) if w])


def is_calendar_trap(url: str, *, now: datetime | None = None) -> bool:
    """Calendar pages and dated paths far in the future or the past.

    A headline slug after the calendar's word names one page, not a calendar
    (``/agenda/2017/10/india-has-139-million-internal-migrants/``: a site's articles
    live under "agenda").
    """
    try:
        parts = _split(url)
    except ValueError:
        return False
    segments = [s.lower() for s in parts.path.split("/") if s]
    hit = next((i for i, s in enumerate(segments) if s in CALENDAR_SEGMENTS), None)
    if hit is not None and not any(slug_words(s) >= MIN_SLUG_WORDS for s in segments[hit + 1:]):
        return True
    if any(k.lower() in CALENDAR_PARAMS for k, _ in parse_qsl(parts.query)):
        return True
    year_now = (now or datetime.now(UTC)).year
    for m in _PATH_YEAR.finditer(parts.path):
        year = int(m.group(1))
        if year > year_now + MAX_FUTURE_YEARS or year < year_now - MAX_PAST_YEARS:
            return True
    return False


def pagination_depth(url: str) -> int | None:
    """The page number a listing URL asks for (``?page=N``, ``/page/N/``,
    ``index_N.html``), or None when it is not paginated."""
    try:
        parts = _split(url)
    except ValueError:
        return None
    for key, value in parse_qsl(parts.query):
        if key.lower() in PAGE_PARAMS and value.strip().isdigit():
            return int(value.strip()[:9])
    m = _PAGE_SEGMENT.search(parts.path) or _PAGE_FILE.search(parts.path)
    return int(m.group(1)) if m else None


def has_repeated_segments(url: str, *, min_repeats: int = 3) -> bool:
    """True for paths where a run of segments repeats back to back
    ``min_repeats`` times (``/a/b/a/b/a/b``), the mark of a relative-link loop."""
    try:
        segs = [s for s in _split(url).path.split("/") if s]
    except ValueError:
        return False
    n = len(segs)
    for size in range(1, n // min_repeats + 1):
        for start in range(n - size * min_repeats + 1):
            block = segs[start:start + size]
            if all(segs[start + i * size:start + (i + 1) * size] == block
                   for i in range(1, min_repeats)):
                return True
    return False


@dataclass(frozen=True)
class TrapLimits:
    max_page_number: int = 50  # deepest ?page=N / /page/N/ followed
    max_listing_pages: int = 500  # distinct listing pages per site per run
    max_url_length: int = 2000
    max_path_segments: int = 15
    max_query_params: int = 12


class TrapGuard:
    """Per-site trap caps the spider asks before scheduling a URL.

    One instance per crawl; counts distinct listing pages per site so an
    endless section cannot eat the whole run.
    """

    def __init__(
        self,
        limits: TrapLimits | None = None,
        *,
        max_listing_pages: int | None = None,
        max_page_number: int | None = None,
        now: datetime | None = None,
    ) -> None:
        limits = limits or TrapLimits()
        if max_listing_pages is not None:
            limits = replace(limits, max_listing_pages=max_listing_pages)
        if max_page_number is not None:
            limits = replace(limits, max_page_number=max_page_number)
        self.default_limits = limits
        self.now = now
        self._site_limits: dict[str, TrapLimits] = {}
        self._listings: dict[str, set[str]] = defaultdict(set)

    def configure(self, site: str, limits: TrapLimits) -> None:
        """Give one site its own caps (e.g. from the registry)."""
        self._site_limits[site] = limits

    def limits_for(self, site: str) -> TrapLimits:
        return self._site_limits.get(site, self.default_limits)

    def allow(self, url: str, site: str, *, kind: str) -> tuple[bool, str]:
        """(allowed, reason); ``kind`` is the caller's verdict on the URL (e.g. from
        :func:`newscrawl.discovery.links.classify_url`): only listings count against the
        cap.  A listing URL already allowed once gets (False, "seen"): the guard doubles
        as the listing de-duplicator."""
        limits = self.limits_for(site)
        reason = self._shape_trap(url, limits)
        if reason:
            return False, reason
        if kind != "listing":
            return True, "ok"
        seen = self._listings[site]
        url = url.split("#", 1)[0]
        if url in seen:
            return False, "seen"
        if len(seen) >= limits.max_listing_pages:
            return False, "listing-cap"
        seen.add(url)
        return True, "ok"

    def _shape_trap(self, url: str, limits: TrapLimits) -> str | None:
        if len(url) > limits.max_url_length:
            return "url-too-long"
        try:
            parts = _split(url)
        except ValueError:
            return "bad-url"
        if len([s for s in parts.path.split("/") if s]) > limits.max_path_segments:
            return "path-too-deep"
        if parts.query.count("&") + 1 > limits.max_query_params:
            return "too-many-params"
        if has_session_id(url):
            return "session-id"
        if is_calendar_trap(url, now=self.now):
            return "calendar"
        page = pagination_depth(url)
        if page is not None and page > limits.max_page_number:
            return "pagination-depth"
        if has_repeated_segments(url):
            return "repeated-segments"
        return None

    def listing_count(self, site: str) -> int:
        return len(self._listings.get(site, ()))
