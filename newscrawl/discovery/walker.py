"""Bounded recursion through sitemap indexes.

An index may list itself, two indexes may list each other, or a generator
bug may nest indexes forever.  The walker remembers which sitemap URLs a site
has already had and how deep each one sits, so each sitemap is fetched once
and recursion stops at ``max_depth``.  One instance lives on the spider.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from urllib.parse import urlsplit, urlunsplit

logger = logging.getLogger(__name__)

DEFAULT_MAX_DEPTH = 3  # robots/top-level sitemap is depth 0
DEFAULT_MAX_SITEMAPS_PER_SITE = 1000


def _key(url: str) -> str:
    """Identity of a sitemap URL: case-folded scheme/host, no fragment."""
    parts = urlsplit(url.strip())
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


class SitemapWalker:
    """Decides which sitemap URLs to fetch, per site, with depth and loop limits."""

    def __init__(
        self,
        max_depth: int = DEFAULT_MAX_DEPTH,
        max_sitemaps_per_site: int = DEFAULT_MAX_SITEMAPS_PER_SITE,
    ) -> None:
        self.max_depth = max_depth
        self.max_sitemaps_per_site = max_sitemaps_per_site
        self._seen: dict[str, dict[str, int]] = defaultdict(dict)  # site -> key -> depth

    def allow(self, url: str, site: str, depth: int = 0) -> tuple[bool, str]:
        """Should ``url`` (at ``depth`` below the top) be fetched for ``site``?

        Marks it as visited when allowed, so a second call says "seen".
        """
        if depth > self.max_depth:
            return False, "max-depth"
        try:
            key = _key(url)
        except ValueError:
            return False, "bad-url"
        seen = self._seen[site]
        if key in seen:
            return False, "seen"
        if len(seen) >= self.max_sitemaps_per_site:
            return False, "max-sitemaps"
        seen[key] = depth
        return True, "ok"

    def follow(self, url: str, *, parent: str, site: str) -> bool:
        """Should a sitemap listed by the index ``parent`` be fetched?

        The parent's depth is what it was allowed at (0 for a top-level
        sitemap the walker has not seen before, which is then recorded, so
        an index listing itself is refused as "seen").
        """
        try:
            parent_key = _key(parent)
        except ValueError:
            return False
        depth = self._seen[site].setdefault(parent_key, 0) + 1
        ok, reason = self.allow(url, site, depth)
        if not ok:
            logger.info("sitemap %s (listed by %s) not followed: %s", url, parent, reason)
        return ok

    def seen_count(self, site: str) -> int:
        return len(self._seen.get(site, ()))
