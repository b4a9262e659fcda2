"""Per-site discovery budgets, checked before a request is built.

A page budget counted in the downloader (``NEWSCRAWL_MAX_PAGES_PER_SITE``) bounds
what is fetched, not what is discovered: a homepage of 100,000 links or an index
of 6 x 50,000 URLs still became 100,000 request objects in memory (0.5 GB) before
the budget dropped them. Here the frontier asks first: a site that has had its
share of discovered URLs gets no more requests built, and a site's child sitemaps
are bounded in number, failures and time.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from typing import Any

logger = logging.getLogger(__name__)


class DiscoveryBudget:
    """Counts per site; every refusal is a ``newscrawl/discovery/budget/...`` stat."""

    def __init__(self, stats: Any, *, max_urls: int, max_sitemaps: int, max_sitemap_failures: int,
                 sitemap_seconds: float) -> None:
        self.stats = stats
        self.max_urls = max_urls  # 0: no cap
        self.max_sitemaps = max_sitemaps
        self.max_sitemap_failures = max_sitemap_failures
        self.sitemap_seconds = sitemap_seconds
        self.urls: Counter[str] = Counter()
        self.sitemaps: Counter[str] = Counter()
        self.sitemap_failures: Counter[str] = Counter()
        self.sitemap_started: dict[str, float] = {}
        self._told: set[tuple[str, str]] = set()

    @classmethod
    def from_settings(cls, settings: Any, stats: Any) -> DiscoveryBudget:
        return cls(stats, max_urls=settings.getint("NEWSCRAWL_MAX_DISCOVERED_PER_SITE"),
                   max_sitemaps=settings.getint("NEWSCRAWL_MAX_SITEMAPS_PER_SITE"),
                   max_sitemap_failures=settings.getint("NEWSCRAWL_MAX_SITEMAP_FAILURES"),
                   sitemap_seconds=settings.getfloat("NEWSCRAWL_SITEMAP_SECONDS"))

    def urls_left(self, site: str) -> bool:
        """False once *site* has had ``max_urls`` page requests built in this run."""
        if self.max_urls and self.urls[site] >= self.max_urls:
            self._refuse(site, "urls", f"{self.max_urls} discovered URLs")
            return False
        return True

    def take_url(self, site: str) -> bool:
        if not self.urls_left(site):
            return False
        self.urls[site] += 1
        return True

    def take_sitemap(self, site: str) -> bool:
        """May *site* fetch one more child sitemap (count, failures and time so far)?"""
        started = self.sitemap_started.setdefault(site, time.monotonic())
        if not self.urls_left(site):
            return False
        if self.max_sitemaps and self.sitemaps[site] >= self.max_sitemaps:
            self._refuse(site, "sitemaps", f"{self.max_sitemaps} child sitemaps")
            return False
        if self.max_sitemap_failures and \
                self.sitemap_failures[site] >= self.max_sitemap_failures:
            self._refuse(site, "sitemap_failures", f"{self.max_sitemap_failures} failed sitemaps")
            return False
        if self.sitemap_seconds and time.monotonic() - started > self.sitemap_seconds:
            self._refuse(site, "sitemap_time", f"{self.sitemap_seconds:g}s on sitemaps")
            return False
        self.sitemaps[site] += 1
        return True

    def sitemap_failed(self, site: str) -> None:
        self.sitemap_failures[site] += 1

    def _refuse(self, site: str, what: str, limit: str) -> None:
        self.stats.inc_value(f"newscrawl/discovery/budget/{what}")
        if (site, what) not in self._told:
            self._told.add((site, what))
            logger.warning("Site %s reached its discovery budget (%s) for this run", site, limit)
