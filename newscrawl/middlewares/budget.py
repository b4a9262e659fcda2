"""A per-site page budget per run, so no site (or spider trap) eats the whole crawl.

Endless calendars, pagination and session-id link explosions are bounded here
whatever the link classifier lets through: after ``NEWSCRAWL_MAX_PAGES_PER_SITE``
page requests a site gets no more in this run. robots.txt, sitemaps and feeds
are not pages and do not count; retries and redirects of a page count once.

Each site also has a wall-clock budget (``NEWSCRAWL_SITE_MAX_SECONDS``) from its
first request: past it, none of its requests (pages or documents) go out, so one
slow or rate-limited site cannot keep the whole run alive.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

from newscrawl.middlewares._common import refuse, site_name
from newscrawl.request_meta import BUDGET_COUNTED_META, KIND_META, RESOURCE_KINDS

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

STAT_EXHAUSTED = "newscrawl/budget/exhausted"
STAT_TIME = "newscrawl/budget/site_time"


class SiteBudgetMiddleware:
    """Place it early (e.g. 70): refused requests should cost nothing else."""

    def __init__(self, stats: StatsCollector | None, max_pages: int,
                 max_seconds: float = 0.0) -> None:
        self.stats = stats
        self.max_pages = max_pages  # 0: no page budget
        self.max_seconds = max_seconds  # 0: no time budget
        self._started: dict[str, float] = {}
        self._spent: Counter[str] = Counter()
        self._exhausted: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        max_pages = crawler.settings.getint("NEWSCRAWL_MAX_PAGES_PER_SITE", 5000)
        max_seconds = crawler.settings.getfloat("NEWSCRAWL_SITE_MAX_SECONDS", 0.0)
        if max_pages <= 0 and max_seconds <= 0:
            raise NotConfigured
        return cls(crawler.stats, max(0, max_pages), max(0.0, max_seconds))

    def spent(self, site: str) -> int:
        """Pages already granted to *site* in this run."""
        return self._spent[site]

    def process_request(self, request: Request) -> None:
        self._check_time(request)
        if request.meta.get(KIND_META) in RESOURCE_KINDS or request.meta.get(BUDGET_COUNTED_META):
            return
        site = site_name(request)
        if self.max_pages and self._spent[site] >= self.max_pages:
            if site not in self._exhausted:
                self._exhausted.add(site)
                logger.warning("Site %s reached its budget of %d pages for this run",
                               site, self.max_pages)
            refuse(self.stats, request, f"{STAT_EXHAUSTED}/{site}",
                   f"page budget of {self.max_pages} reached")
        self._spent[site] += 1
        request.meta[BUDGET_COUNTED_META] = True

    def _check_time(self, request: Request) -> None:
        if not self.max_seconds:
            return
        site = site_name(request)
        started = self._started.setdefault(site, time.monotonic())
        if time.monotonic() - started > self.max_seconds:
            if site not in self._exhausted:
                self._exhausted.add(site)
                logger.warning("Site %s reached its time budget of %gs for this run",
                               site, self.max_seconds)
            refuse(self.stats, request, f"{STAT_TIME}/{site}",
                   f"site time budget of {self.max_seconds:g}s reached")
