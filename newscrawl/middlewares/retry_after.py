"""Honour ``Retry-After`` on 429 and 503: ask again in this run, but not before the time given.

Scrapy's RetryMiddleware retries a 429 at once, which is exactly what a rate-limited
site asked us not to do. This middleware sits before it (higher number, so it sees
the response first), turns the response into a retry that is held back until the
time has passed, and holds the whole site with it. A wait beyond the cap gives
the site up for this run: its pending and later requests are dropped.

Held requests wait in a :class:`~newscrawl.middlewares.parking.ParkingLot`, outside
the downloader, so a held site never occupies the global concurrency; the same lot
keeps any site (e.g. one with a long Crawl-delay) from queueing more requests in the
downloader than its own concurrency.
"""

from __future__ import annotations

import logging
import math
import time
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

from newscrawl.middlewares._common import refuse, site_name
from newscrawl.middlewares.parking import ParkingLot
from newscrawl.request_meta import KIND_META, NOT_BEFORE_META, RETRY_AFTER_TIMES_META

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

STAT_GIVEN_UP = "newscrawl/retry_after/site_given_up"
STAT_DROPPED = "newscrawl/retry_after/dropped"
STAT_EXHAUSTED = "newscrawl/retry_after/max_reached"
STAT_HELD = "newscrawl/retry_after/held"
STAT_SLOT_FULL = "newscrawl/parking/slot_full"
RETRY_STATUSES = frozenset({429, 503})
MAX_HEADER_CHARS = 64  # a longer Retry-After is garbage (an HTTP-date is 29 characters)


def parse_retry_after(value: bytes | str | None, now: float) -> float | None:
    """Seconds to wait from *now* (epoch) per a Retry-After value, or None if unusable."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if not text or len(text) > MAX_HEADER_CHARS:
        return None
    if text.isascii() and text.isdigit():  # "²".isdigit() is True, int("²") raises
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


class RetryAfterMiddleware:
    """Place it above RetryMiddleware (550), e.g. at 560, so it handles 429/503 first."""

    def __init__(self, stats: StatsCollector | None, *, max_wait: float, max_times: int,
                 default_429_wait: float, parking: ParkingLot | None = None) -> None:
        self.stats = stats
        self.max_wait = max_wait
        self.max_times = max_times
        self.default_429_wait = default_429_wait
        self.parking = parking  # None (unit tests): nothing is parked
        self._hold_until: dict[str, float] = {}  # site -> monotonic time
        self._given_up: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_RETRY_AFTER_ENABLED", True):
            raise NotConfigured
        return cls(
            crawler.stats,
            max_wait=settings.getfloat("NEWSCRAWL_MAX_RETRY_AFTER", 120.0),
            max_times=settings.getint("NEWSCRAWL_RETRY_AFTER_TIMES", 3),
            default_429_wait=settings.getfloat("NEWSCRAWL_RETRY_AFTER_DEFAULT", 5.0),
            parking=ParkingLot(crawler,
                               park_full_slots=not settings.get("NEWSCRAWL_REDIS_URL")),
        )

    def process_request(self, request: Request) -> Request | None:
        """None to let the request through; a copy to park it (the site is held or busy)."""
        site = site_name(request)
        if site in self._given_up:
            refuse(self.stats, request, STAT_DROPPED, f"site {site} gave up for this run")
        if request.meta.get(KIND_META) == "robots":
            return None  # fetched inside another request's middleware pass: never parked
        until = self.held_until(request)
        if until > time.monotonic():
            if self.stats:
                self.stats.inc_value(STAT_HELD)
            return self.parking.send_back(request, until) if self.parking else None
        if self.parking is not None and self.parking.slot_is_full(request):
            if self.stats:
                self.stats.inc_value(STAT_SLOT_FULL)
            return self.parking.send_back(request)
        return None

    def held_until(self, request: Request) -> float:
        """The monotonic time before which *request* must not be sent (0: none)."""
        return max(self._hold_until.get(site_name(request), 0.0),
                   request.meta.get(NOT_BEFORE_META, 0.0))

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in RETRY_STATUSES or request.meta.get("dont_retry"):
            return response
        wait = parse_retry_after(response.headers.get(b"Retry-After"), time.time())
        if wait is not None and not math.isfinite(wait):
            wait = None
        if wait is None:
            if response.status != 429 or not self.default_429_wait:
                return response  # a plain 503 is RetryMiddleware's business
            wait = self.default_429_wait
        site = site_name(request)
        if wait > self.max_wait:
            stat = STAT_DROPPED if site in self._given_up else STAT_GIVEN_UP
            self._given_up.add(site)
            refuse(self.stats, request, stat,
                   f"Retry-After {wait:.0f}s exceeds the {self.max_wait:.0f}s cap: site given up",
                   logging.WARNING)
        times = request.meta.get(RETRY_AFTER_TIMES_META, 0) + 1
        if times > self.max_times:
            refuse(self.stats, request, STAT_EXHAUSTED,
                   f"still {response.status} after {times - 1} Retry-After waits", logging.INFO)
        until = time.monotonic() + wait
        self._hold_until[site] = max(self._hold_until.get(site, 0.0), until)
        # it has waited its turn once: ahead of the site's fresh requests when the hold ends
        retry = request.replace(dont_filter=True, priority=request.priority + 1)
        retry.meta[NOT_BEFORE_META] = until
        retry.meta[RETRY_AFTER_TIMES_META] = times
        if self.stats:
            self.stats.inc_value("newscrawl/retry_after/retried")
        logger.info("%s answered %s with Retry-After %.1fs: holding site %s",
                    request.url, response.status, wait, site)
        return self.parking.send_back(retry, until) if self.parking else retry
