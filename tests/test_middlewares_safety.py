"""TargetFilter and SafeRedirect: no other schemes, no private networks, no off-site redirects."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawl.middlewares.addresses import Origin, host_in_domain, is_public, literal_ip
from newscrawl.middlewares.safety import (
    STAT_LOOP,
    STAT_MAX,
    STAT_OFFSITE,
    STAT_PRIVATE,
    STAT_SCHEME,
    DomainsOffsiteMiddleware,
    SafeRedirectMiddleware,
    TargetFilterMiddleware,
)

SITE = "http://127.0.0.1:8123/"


def make_filter(resolve: bool = True) -> tuple[TargetFilterMiddleware, object]:
    crawler = get_crawler(settings_dict={"NEWSCRAWL_TARGET_RESOLVE_HOSTS": resolve})
    mw = build_from_crawler(TargetFilterMiddleware, crawler)
    spider = SimpleNamespace(sites=[SimpleNamespace(name="local", url=SITE, allowed_domains=()),
                                    {"name": "paper", "url": "https://www.paper.example/",
                                     "allowed_domains": ["cdn-paper.example"]}])
    mw.spider_opened(spider)  # type: ignore[arg-type]
    return mw, crawler


def check(mw: TargetFilterMiddleware, url: str, site: str = "local", **meta: object) -> None:
    asyncio.run(mw.process_request(Request(url, meta={"newscrawl_site": site, **meta})))


@pytest.mark.parametrize("host, public", [
    ("127.0.0.1", False), ("10.0.0.1", False), ("169.254.169.254", False), ("192.168.1.1", False),
    ("::1", False), ("[::ffff:10.0.0.1]", False), ("0x7f.1", False), ("2130706433", False),
    ("0177.0.0.1", False), ("100.64.0.1", False), ("0.0.0.0", False), ("224.0.0.1", False),
    ("8.8.8.8", True), ("2606:4700::1111", True),
])
def test_literal_addresses_are_classified(host: str, public: bool) -> None:
    ip = literal_ip(host)
    assert ip is not None
    assert is_public(ip) is public


def test_hostnames_are_not_literal_addresses() -> None:
    assert literal_ip("example.org") is None
    assert literal_ip("1e100.net") is None


def test_domain_membership_strips_www_only() -> None:
    assert host_in_domain("m.paper.example", "www.paper.example")
    assert host_in_domain("paper.example", "www.paper.example")
    assert not host_in_domain("evilpaper.example", "www.paper.example")
    assert not host_in_domain("127.0.0.2", "127.0.0.1")


def test_origin_uses_default_ports() -> None:
    assert Origin.of("https://A.example/x") == Origin("a.example", 443)
    assert Origin.of("file:///etc/passwd") is None


def test_site_own_private_origin_is_allowed() -> None:
    mw, _ = make_filter()
    check(mw, SITE + "news/1.html")


@pytest.mark.parametrize("url, stat", [
    ("file:///etc/passwd", STAT_SCHEME),
    ("ftp://127.0.0.1/x", STAT_SCHEME),
    ("data:text/html,<p>hi</p>", STAT_SCHEME),
    ("gopher://127.0.0.1:8123/", STAT_SCHEME),
    ("http://169.254.169.254/latest/meta-data/", STAT_PRIVATE),
    ("http://10.0.0.1/", STAT_PRIVATE),
    ("http://127.0.0.1:6379/", STAT_PRIVATE),  # same host, other port: a local service
    ("http://[::1]:8123/", STAT_PRIVATE),
    ("http://0x7f.1:8123/", STAT_PRIVATE),
    ("http://localhost:8123/", STAT_PRIVATE),  # a hostname resolving to loopback
])
def test_refused_targets_count_their_reason(url: str, stat: str) -> None:
    mw, crawler = make_filter()
    with pytest.raises(IgnoreRequest):
        check(mw, url)
    assert crawler.stats.get_value(stat) == 1


def test_private_address_needs_a_matching_site() -> None:
    mw, crawler = make_filter()
    with pytest.raises(IgnoreRequest):
        check(mw, SITE, site="paper")
    with pytest.raises(IgnoreRequest):
        check(mw, SITE, site="unknown")
    assert crawler.stats.get_value(STAT_PRIVATE) == 2


def test_site_url_meta_overrides_the_spider() -> None:
    mw, _ = make_filter()
    check(mw, "http://127.0.0.1:9999/a", site="x", newscrawl_site_url="http://127.0.0.1:9999/")


def test_offsite_redirects_are_refused_but_subdomains_and_allowed_domains_pass() -> None:
    mw, crawler = make_filter(resolve=False)
    redirected = {"redirect_urls": ["https://www.paper.example/a"]}
    check(mw, "https://paper.example/b", site="paper", **redirected)
    check(mw, "https://img.cdn-paper.example/b", site="paper", **redirected)
    with pytest.raises(IgnoreRequest):
        check(mw, "https://other.example/b", site="paper", **redirected)
    assert crawler.stats.get_value(STAT_OFFSITE) == 1


def test_request_scheduled_refuses_without_io() -> None:
    mw, crawler = make_filter()
    with pytest.raises(IgnoreRequest):
        mw.request_scheduled(Request("http://10.0.0.1/", meta={"newscrawl_site": "local"}),
                             None)  # type: ignore[arg-type]
    assert crawler.stats.get_value(STAT_PRIVATE) == 1


def redirect_mw(max_times: int = 5) -> tuple[SafeRedirectMiddleware, object]:
    crawler = get_crawler(settings_dict={"REDIRECT_MAX_TIMES": max_times})
    crawler.spider = crawler._create_spider("x")
    return build_from_crawler(SafeRedirectMiddleware, crawler), crawler


def redirect(url: str, location: str, status: int = 302) -> Response:
    return Response(url, status=status, headers={"Location": location})


def test_redirect_to_file_scheme_is_refused_with_a_stat() -> None:
    mw, crawler = redirect_mw()
    request = Request(SITE + "a")
    with pytest.raises(IgnoreRequest):
        mw.process_response(request, redirect(request.url, "file:///etc/passwd"))
    assert crawler.stats.get_value(STAT_SCHEME) == 1


def test_redirect_loop_is_detected() -> None:
    mw, crawler = redirect_mw()
    first = Request(SITE + "a")
    second = mw.process_response(first, redirect(first.url, "/b"))
    assert isinstance(second, Request) and second.url == SITE + "b"
    with pytest.raises(IgnoreRequest):
        mw.process_response(second, redirect(second.url, "/a"))
    assert crawler.stats.get_value(STAT_LOOP) == 1


def test_redirect_chain_beyond_the_limit_is_counted() -> None:
    mw, crawler = redirect_mw(max_times=2)
    request = Request(SITE + "0")
    with pytest.raises(IgnoreRequest):
        for i in range(1, 5):
            request = mw.process_response(request, redirect(request.url, f"/{i}"))
    assert crawler.stats.get_value(STAT_MAX) == 1


def test_cross_host_redirect_drops_credentials() -> None:
    mw, _ = redirect_mw()
    request = Request(SITE + "a", headers={"Authorization": "Basic eDp5", "Cookie": "s=1"})
    out = mw.process_response(request, redirect(request.url, "http://localhost:8123/b"))
    assert isinstance(out, Request)
    assert b"Authorization" not in out.headers and b"Cookie" not in out.headers


def test_normal_responses_pass_untouched() -> None:
    mw, _ = redirect_mw()
    request = Request(SITE + "a")
    response = HtmlResponse(request.url, body=b"<html></html>")
    assert mw.process_response(request, response) is response


def test_scrapys_offsite_filter_only_for_a_spider_with_allowed_domains() -> None:
    """Without allowed_domains Scrapy's filter lets everything through: it is not built."""
    crawler = get_crawler()
    crawler.spider = SimpleNamespace(name="news")  # the news spider: no allowed_domains
    with pytest.raises(NotConfigured):
        DomainsOffsiteMiddleware.from_crawler(crawler)
    crawler.spider = SimpleNamespace(name="other", allowed_domains=["example.org"])
    mw = DomainsOffsiteMiddleware.from_crawler(crawler)
    mw.spider_opened(crawler.spider)
    assert mw.process_request(Request("http://www.example.org/a")) is None
    with pytest.raises(IgnoreRequest):
        mw.process_request(Request("http://elsewhere.example/a"))
