"""Discovery: finding article URLs (sitemaps, news sitemaps, feeds, links)
and keeping the crawl out of traps.  Pure functions and small stateful
helpers; nothing here does I/O or imports Scrapy."""

from __future__ import annotations

from newscrawl.discovery.feeds import (
    Feed,
    FeedEntry,
    fallback_feed_urls,
    feed_fallbacks,
    find_feed_links,
    parse_feed,
    read_feed,
)
from newscrawl.discovery.links import UrlShape, classify_url, looks_like_article, url_shape
from newscrawl.discovery.safexml import clean_http_url
from newscrawl.discovery.sitemaps import (
    Sitemap,
    SitemapEntry,
    parse_sitemap,
    sitemap_urls_from_robots,
)
from newscrawl.discovery.traps import (
    TrapGuard,
    TrapLimits,
    has_repeated_segments,
    has_session_id,
    is_calendar_trap,
    pagination_depth,
    strip_session_ids,
)
from newscrawl.discovery.walker import SitemapWalker

__all__ = [
    "Feed", "FeedEntry", "Sitemap", "SitemapEntry", "SitemapWalker", "TrapGuard", "TrapLimits",
    "UrlShape", "classify_url", "clean_http_url", "fallback_feed_urls", "feed_fallbacks",
    "find_feed_links",
    "has_repeated_segments", "has_session_id", "is_calendar_trap", "looks_like_article",
    "pagination_depth", "parse_feed", "parse_sitemap", "read_feed",
    "sitemap_urls_from_robots", "strip_session_ids", "url_shape",
]
