"""Frontier behaviour that keeps memory flat: lazy child sitemaps, depth-aware links."""

from __future__ import annotations

from scrapy.http import HtmlResponse, Request, XmlResponse
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from newscrawl.sites import site_from_url
from newscrawl.spiders.frontier import (
    CHILD_SITEMAP_PRIORITY,
    PAGE_PRIORITY,
    SITEMAP_CHAINS,
    Frontier,
    FrontierOptions,
)
from newscrawl.spiders.judge import PageJudge
from newscrawl.discovery.links import DEFAULT_THRESHOLDS

BASE = "http://127.0.0.1:9/"


class NoState:
    """The state of a first run: nothing known."""

    def validators(self, url: str) -> None:
        return None

    def known(self, key: str) -> None:
        return None

    def page_verdict(self, key: str) -> None:
        return None

    def note_page_verdict(self, verdict: object) -> None:
        pass


def make_frontier(depth_limit: int = 0) -> tuple[Frontier, object]:
    site = site_from_url(BASE)
    stats = MemoryStatsCollector(get_crawler())
    options = FrontierOptions(max_listing_pages=50, depth_limit=depth_limit)
    frontier = Frontier([site], stats, NoState(), options, PageJudge(stats, DEFAULT_THRESHOLDS))
    frontier.gate.home_read.add(site.name)  # as after the homepage was read
    return frontier, site


def response(url: str, body: str, site_name: str, cls: type = XmlResponse, **meta: object):
    request = Request(url, meta={"newscrawl_site": site_name, **meta})
    return cls(url=url, body=body.encode(), request=request, encoding="utf-8")


def index(n: int) -> str:
    locs = "".join(f"<sitemap><loc>{BASE}sitemaps/s{i}.xml</loc></sitemap>" for i in range(n))
    return ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
            f'sitemap/0.9">{locs}</sitemapindex>')


def urlset(start: int, n: int) -> str:
    locs = "".join(f"<url><loc>{BASE}news/2025/story-{i}.html</loc></url>"
                   for i in range(start, start + n))
    return ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{locs}</urlset>")


def test_index_releases_only_a_few_children_at_low_priority():
    frontier, site = make_frontier()
    out = list(frontier.from_sitemap(response(f"{BASE}sitemap.xml", index(10), site.name)))
    # no lastmod: the last listed is the newest (WordPress/Yoast number them that way)
    assert [r.url for r in out] == [f"{BASE}sitemaps/s{9 - i}.xml" for i in range(SITEMAP_CHAINS)]
    assert all(r.priority == CHILD_SITEMAP_PRIORITY < PAGE_PRIORITY for r in out)
    assert len(frontier.pending_sitemaps[site.name]) == 10 - SITEMAP_CHAINS


def test_each_finished_or_failed_child_releases_the_next():
    frontier, site = make_frontier()
    list(frontier.from_sitemap(response(f"{BASE}sitemap.xml", index(5), site.name)))
    out = list(frontier.from_sitemap(response(f"{BASE}sitemaps/s4.xml", urlset(0, 3), site.name)))
    pages = [r for r in out if r.meta["newscrawl_kind"] == "page"]
    sitemaps = [r.url for r in out if r.meta["newscrawl_kind"] == "sitemap"]
    assert len(pages) == 3 and sitemaps == [f"{BASE}sitemaps/s2.xml"]
    # a failed child (the spider's errback asks) lets the next one go too
    assert [r.url for r in frontier.next_sitemaps(site.name, 1)] == [f"{BASE}sitemaps/s1.xml"]
    assert [r.url for r in frontier.next_sitemaps(site.name, 5)] == [f"{BASE}sitemaps/s0.xml"]
    assert list(frontier.next_sitemaps(site.name, 1)) == []


def test_links_beyond_the_depth_limit_are_not_marked_requested():
    frontier, site = make_frontier(depth_limit=3)
    html = f'<html><body><a href="{BASE}news/2025/story-1.html">x</a></body></html>'
    deep = response(f"{BASE}section/?page=9", html, site.name, HtmlResponse, depth=3)
    assert list(frontier.from_listing(deep)) == []
    assert frontier.stats.get_value("newscrawl/discovery/skipped/depth_limit") == 1
    # the same URL from a sitemap is still fetched
    out = list(frontier.from_sitemap(response(f"{BASE}sitemaps/s0.xml", urlset(1, 1), site.name)))
    assert [r.url for r in out] == [f"{BASE}news/2025/story-1.html"]
