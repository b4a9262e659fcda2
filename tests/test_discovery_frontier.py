"""Frontier behaviour that keeps memory flat: lazy child sitemaps, depth-aware links."""

from __future__ import annotations

from types import SimpleNamespace

from scrapy.http import HtmlResponse, Request, Response, XmlResponse
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from newscrawl.discovery.feeds import parse_feed
from newscrawl.discovery.links import DEFAULT_THRESHOLDS
from newscrawl.discovery.sitemaps import parse_sitemap
from newscrawl.extraction import extract_article
from newscrawl.extraction.hints import SiteHints
from newscrawl.request_meta import SITE_META
from newscrawl.sites import site_from_url
from newscrawl.spiders.extractor import extract_fields
from newscrawl.spiders.frontier import (
    CHILD_SITEMAP_PRIORITY,
    PAGE_PRIORITY,
    PAUSE,
    SITEMAP_CHAINS,
    SLICE,
    Frontier,
    FrontierOptions,
)
from newscrawl.spiders.judge import PageJudge

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


def _parsed(frontier: Frontier, resp, kind: str, parser) -> object:
    """What the spider hands the frontier: the document parsed (in its worker pool)."""
    if not frontier.usable(resp, kind):
        return None
    return parser(resp.body, resp.url, **frontier.document_options(resp))


def listing_fields(resp) -> object:
    """What the spider hands the frontier for a listing: the worker's links-only parse."""
    return extract_article(resp.body, resp.url, links_only=True)


def from_sitemap(frontier: Frontier, resp, pauses: bool = False) -> list:
    out = list(frontier.from_sitemap(resp, _parsed(frontier, resp, "sitemap", parse_sitemap)))
    return out if pauses else [r for r in out if r is not PAUSE]


def from_feed(frontier: Frontier, resp) -> list:
    return [r for r in frontier.from_feed(resp, _parsed(frontier, resp, "feed", parse_feed))
            if r is not PAUSE]


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
    out = from_sitemap(frontier, response(f"{BASE}sitemap.xml", index(10), site.name))
    # no lastmod: the last listed is the newest (WordPress/Yoast number them that way)
    assert [r.url for r in out] == [f"{BASE}sitemaps/s{9 - i}.xml" for i in range(SITEMAP_CHAINS)]
    assert all(r.priority == CHILD_SITEMAP_PRIORITY < PAGE_PRIORITY for r in out)
    assert len(frontier.children.pending[site.name]) == 10 - SITEMAP_CHAINS


def test_each_finished_or_failed_child_releases_the_next():
    frontier, site = make_frontier()
    from_sitemap(frontier, response(f"{BASE}sitemap.xml", index(5), site.name))
    out = from_sitemap(frontier, response(f"{BASE}sitemaps/s4.xml", urlset(0, 3), site.name))
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
    assert list(frontier.from_listing(deep, listing_fields(deep))) == []
    assert frontier.stats.get_value("newscrawl/discovery/skipped/depth_limit") == 1
    # the same URL from a sitemap is still fetched
    out = from_sitemap(frontier, response(f"{BASE}sitemaps/s0.xml", urlset(1, 1), site.name))
    assert [r.url for r in out] == [f"{BASE}news/2025/story-1.html"]


def test_site_timezone_reaches_sitemap_and_feed_dates():
    """A naive "10:00" in a Karachi site's sitemap is 05:00 UTC, as on its pages."""
    import dataclasses
    from datetime import UTC, datetime

    site = dataclasses.replace(site_from_url(BASE), timezone="Asia/Karachi")
    stats = MemoryStatsCollector(get_crawler())
    since = datetime(2024, 3, 5, 5, 30, tzinfo=UTC)  # 10:30 in Karachi
    frontier = Frontier([site], stats, NoState(), FrontierOptions(since=since, max_listing_pages=50),
                        PageJudge(stats, DEFAULT_THRESHOLDS))
    body = ('<urlset><url><loc>http://127.0.0.1:9/news/2024/old-story.html</loc>'
            "<lastmod>2024-03-05T10:00:00</lastmod></url>"
            "<url><loc>http://127.0.0.1:9/news/2024/new-story.html</loc>"
            "<lastmod>2024-03-05T11:00:00</lastmod></url></urlset>")
    out = from_sitemap(frontier, response(f"{BASE}sitemap.xml", body, site.name))
    assert [r.url for r in out] == ["http://127.0.0.1:9/news/2024/new-story.html"]
    assert frontier.lastmod_for(["http://127.0.0.1:9/news/2024/new-story.html"]) == \
        "2024-03-05T11:00:00+05:00"
    feed = ('<?xml version="1.0"?><rss><channel><item><title>新闻</title>'
            "<link>http://127.0.0.1:9/news/2024/feed-story.html</link>"
            "<pubDate>Tue, 05 Mar 2024 10:00:00</pubDate></item><item>"
            "<link>http://127.0.0.1:9/news/2024/feed-new.html</link>"
            "<pubDate>Tue, 05 Mar 2024 11:00:00</pubDate></item></channel></rss>")
    request = Request(f"{BASE}feed/", meta={SITE_META: site.name})
    resp = XmlResponse(url=f"{BASE}feed/", body=feed.encode("gbk"), request=request,
                       headers={"Content-Type": "application/rss+xml; charset=GBK"})
    out = from_feed(frontier, resp)
    assert [r.url for r in out] == ["http://127.0.0.1:9/news/2024/feed-new.html"]


def dated_index(n: int) -> str:
    """An index of ``n`` children, the newest listed last (as WordPress numbers them)."""
    locs = "".join(f"<sitemap><loc>{BASE}sitemaps/s{i}.xml</loc>"
                   f"<lastmod>2025-01-{1 + i % 28:02d}T00:00:00+00:00</lastmod></sitemap>"
                   if i < 28 else f"<sitemap><loc>{BASE}sitemaps/s{i}.xml</loc></sitemap>"
                   for i in range(n))
    return ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
            f'sitemap/0.9">{locs}</sitemapindex>')


def drain(frontier: Frontier, site_name: str) -> list[str]:
    urls = []
    while frontier.children.waiting(site_name):
        urls += [r.url for r in frontier.next_sitemaps(site_name, 1)]
    return urls


def test_every_child_of_a_large_index_is_read_newest_first_without_depth():
    frontier, site = make_frontier(depth_limit=6)
    first = from_sitemap(frontier, response(f"{BASE}sitemap.xml", index(40), site.name))
    urls = [r.url for r in first] + drain(frontier, site.name)
    assert sorted(urls) == sorted(f"{BASE}sitemaps/s{i}.xml" for i in range(40))
    assert urls[0] == f"{BASE}sitemaps/s39.xml"
    assert all(r.meta["depth_reset"] for r in first)
    assert frontier.stats.get_value("newscrawl/discovery/limited/child_sitemaps") is None


def test_the_child_cap_keeps_the_newest_and_counts_the_rest():
    frontier, site = make_frontier()
    frontier.children.cap = 10
    first = from_sitemap(frontier, response(f"{BASE}sitemap.xml", dated_index(30), site.name))
    urls = [r.url for r in first] + drain(frontier, site.name)
    assert len(urls) == 10
    # children with lastmod 2025-01-28 … 2025-01-19 (s27 … s18) are the newest
    assert set(urls) == {f"{BASE}sitemaps/s{i}.xml" for i in range(18, 28)}
    assert frontier.stats.get_value("newscrawl/discovery/limited/child_sitemaps") == 20
    assert frontier.stats.get_value(f"newscrawl/site/{site.name}/limited/child_sitemaps") == 20


def test_since_is_bounded_by_url_dates_and_by_dates_other_sources_gave():
    from datetime import UTC, datetime
    frontier, site = make_frontier()
    frontier.since = datetime(2025, 6, 1, tzinfo=UTC)
    assert frontier.page_request(f"{BASE}news/2025/05/30/a-story", site, via="link") is None
    assert frontier.page_request(f"{BASE}news/2025/06/02/a-story", site, via="link") is not None
    sitemap = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               f"<url><loc>{BASE}news/old-story-of-may</loc><lastmod>2025-05-02</lastmod></url>"
               "</urlset>")
    assert from_sitemap(frontier, response(f"{BASE}s.xml", sitemap, site.name)) == []
    # the same URL found later by a link is not fetched either
    assert frontier.page_request(f"{BASE}news/old-story-of-may", site, via="link") is None
    assert frontier.stats.get_value("newscrawl/discovery/skipped/before_since") == 3


def test_listing_links_come_from_the_worker_parse_not_the_response():
    """The reactor never decodes a listing: a bare Response (no .text, no .selector)
    with the worker's fields gives the same requests, <base href> and feed links too."""
    html = (f'<html><head><base href="{BASE}news/"><link rel="alternate" '
            f'type="application/rss+xml" href="{BASE}rss.xml"></head><body>'
            '<a href="2025/a-long-story-slug-here">x</a><a href="/2025/other-story-slug">y</a>'
            "</body></html>")
    frontier, site = make_frontier()
    fields = extract_article(html.encode(), f"{BASE}section/", links_only=True)

    def bare(url: str, **meta: object) -> Response:
        return Response(url, body=b"", request=Request(url, meta={"newscrawl_site": site.name,
                                                                   **meta}))
    out = list(frontier.from_listing(bare(f"{BASE}section/"), fields))
    assert {r.url for r in out} == {f"{BASE}news/2025/a-long-story-slug-here",
                                    f"{BASE}2025/other-story-slug"}
    home = list(frontier.from_listing(bare(site.url, newscrawl_home=True), fields))
    assert [r.url for r in home if r.meta["newscrawl_kind"] == "feed"] == [f"{BASE}rss.xml"]


def test_link_found_pages_wait_for_the_sites_dated_sources():
    frontier, site = make_frontier()
    frontier.gate.home_read.discard(site.name)
    feed = frontier.document(f"{BASE}feed/", site, "feed")
    html = f'<html><body><a href="{BASE}news/a-long-story-slug-here">x</a></body></html>'
    home = response(site.url, html, site.name, HtmlResponse, newscrawl_home=True)
    out = list(frontier.from_listing(home, listing_fields(home)))
    assert [r for r in out if r.meta["newscrawl_kind"] == "page"] == []  # held: feed unread
    assert feed is not None
    # the homepage announced no feed: the fallback feeds and guessed sitemaps are dated too
    documents = [r for r in out if r.meta["newscrawl_kind"] in ("feed", "sitemap")]
    assert documents
    released = []
    for _ in documents:
        released += list(frontier.document_done(site.name))
    assert released == []  # the registry feed is still unread
    released = list(frontier.document_done(site.name))
    assert [r.url for r in released] == [f"{BASE}news/a-long-story-slug-here"]


def test_max_articles_holds_requests_beyond_the_budget():
    frontier, site = make_frontier()
    frontier.budget.limit = 2
    made = [frontier.page_request(f"{BASE}news/story-number-{i}-of-many", site, via="link")
            for i in range(5)]
    assert sum(r is not None for r in made) == 2
    assert len(frontier.page_settled(article=False)) == 1  # a rejected page frees its slot
    assert frontier.page_settled(article=True) == []
    assert frontier.page_settled(article=True) == []  # limit met: the waiting two are dropped
    assert frontier.stats.get_value("newscrawl/discovery/limited/max_articles") == 2


def test_a_page_rejected_before_is_left_alone_until_a_source_dates_it_later():
    from datetime import UTC, datetime

    from newscrawl.dedup.records import PageVerdict, utcnow

    class Remembers(NoState):
        def page_verdict(self, key: str) -> PageVerdict:
            return PageVerdict(key, "s", "other", "url:article:too-short",
                               "2025-01-01T00:00:00+00:00", utcnow())

    frontier, site = make_frontier()
    frontier.state = Remembers()
    url = f"{BASE}news/a-page-that-was-too-short"
    assert frontier.page_request(url, site, via="link") is None
    assert frontier.stats.get_value("newscrawl/discovery/skipped/rejected_before") == 1
    frontier.requested.clear()
    changed = frontier.page_request(url, site, lastmod=datetime(2025, 2, 1, tzinfo=UTC),
                                    via="sitemap")
    assert changed is not None


def test_a_long_sitemap_is_judged_in_slices_that_hand_the_reactor_back() -> None:
    """50,000 entries cost seconds of reactor time: PAUSE comes between every SLICE."""
    frontier, site = make_frontier()
    n = SLICE * 4 + 7
    out = from_sitemap(frontier, response(f"{BASE}s.xml", urlset(0, n), site.name), pauses=True)
    pauses = [i for i, r in enumerate(out) if r is PAUSE]
    assert len(pauses) == n // SLICE
    assert all(b - a == SLICE + 1 for a, b in zip([-1, *pauses], pauses, strict=False))


def test_links_are_wanted_exactly_when_a_rejected_page_becomes_a_listing() -> None:
    """The spider asks the worker for a page's links only when ``may_follow`` says the
    verdict can be "listing": for a thin page it is "listing" exactly then."""
    thin = b"<html><body><p>Short teaser.</p><a href='/2025/x-story-slug'>x</a></body></html>"
    urls = [f"{BASE}news/2025/05/12/council-approves-the-new-harbour-budget.html",
            f"{BASE}section/politics/", f"{BASE}tag/harbour/", f"{BASE}about-us",
            f"{BASE}2025/another-long-story-slug-about-the-river"]
    wanted = set()
    for url in urls:
        frontier, site = make_frontier()
        resp = response(url, thin.decode(), site.name, cls=HtmlResponse)
        verdict = frontier.judge_page(resp, SimpleNamespace(
            **extract_fields(thin, url, None, SiteHints(), links=frontier.may_follow(resp))))
        assert (verdict == "listing") == frontier.may_follow(resp), url
        wanted.add(frontier.may_follow(resp))
    assert wanted == {True, False}  # both kinds of URL were among them


def test_a_page_extracted_without_links_brings_none_back() -> None:
    html = b"<html><head><link rel='alternate' type='application/rss+xml' href='/rss'></head>" \
           b"<body><a href='/a'>a</a><a href='/b'>b</a></body></html>"
    full = extract_fields(html, BASE, None, SiteHints())
    bare = extract_fields(html, BASE, None, SiteHints(), links=False)
    assert full["links"] and full["feed_links"]
    assert bare["links"] == bare["feed_links"] == []
    same = [k for k in full if "links" not in k and k != "prepared"]  # a numpy signature
    assert [bare[k] for k in same] == [full[k] for k in same]
    assert bare["prepared"].content_hash == full["prepared"].content_hash


def test_a_link_python_cannot_parse_is_dropped_and_the_listing_s_other_links_stay():
    """A port out of range or not a number (a broken template's link) on the site's own
    host makes the URL key raise: such a link is dropped, the links after it still count
    (no request is made: the frontier only builds them)."""
    home = "http://127.0.0.1/"  # on the default port: a link's bad port reads as the site's
    site = site_from_url(home)
    stats = MemoryStatsCollector(get_crawler())
    frontier = Frontier([site], stats, NoState(), FrontierOptions(max_listing_pages=50),
                        PageJudge(stats, DEFAULT_THRESHOLDS))
    frontier.gate.home_read.add(site.name)
    html = ('<html><body><a href="http://127.0.0.1:99999/2025/a-broken-port-story-slug">x</a>'
            '<a href="http://127.0.0.1:abc/2025/a-broken-port-story-slug">x</a>'
            '<a href="http://[ccpa-preferences]">x</a>'
            '<a href="/2025/the-story-after-the-broken-links">y</a></body></html>')
    fields = extract_article(html.encode(), f"{home}section/", links_only=True)
    request = Request(f"{home}section/", meta={"newscrawl_site": site.name})
    out = list(frontier.from_listing(Response(f"{home}section/", body=b"", request=request), fields))
    assert [r.url for r in out] == [f"{home}2025/the-story-after-the-broken-links"]
