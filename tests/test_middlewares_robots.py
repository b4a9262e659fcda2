"""StrictRobotsTxtMiddleware: RFC 9309 semantics for unreachable files, and Crawl-delay."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
import scrapy
from scrapy import Request
from scrapy.core.downloader import Slot
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawl.middlewares.robots import (
    STAT_DISALLOWED,
    STAT_UNREACHABLE,
    StrictRobotsTxtMiddleware,
)

ROBOTS = b"User-agent: *\nDisallow: /private/\nCrawl-delay: 30\n"


class FakeEngine:
    """Answers robots.txt downloads with a canned outcome and counts them."""

    def __init__(self, outcome: Response | Exception) -> None:
        self.outcome = outcome
        self.fetched: list[str] = []
        self.slot = Slot(concurrency=2, delay=1.0, jitter=0.5)
        self.downloader = SimpleNamespace(_get_slot=lambda request: ("s", self.slot))

    async def download_async(self, request: Request) -> Response:
        self.fetched.append(request.url)
        await asyncio.sleep(0.01)
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome.replace(url=request.url)


def make(outcome: Response | Exception, **settings: object):
    crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True, **settings})
    engine = FakeEngine(outcome)
    crawler.engine = engine  # type: ignore[assignment]
    return build_from_crawler(StrictRobotsTxtMiddleware, crawler), crawler, engine


def fetch(mw: StrictRobotsTxtMiddleware, *urls: str) -> list[str]:
    """Run the middleware on *urls* concurrently; return 'ok' or 'ignored' per URL."""
    async def one(url: str) -> str:
        try:
            await mw.process_request(Request(url, meta={"newscrawl_site": "s"}))
        except IgnoreRequest:
            return "ignored"
        return "ok"

    async def run() -> list[str]:
        return list(await asyncio.gather(*(one(u) for u in urls)))
    return asyncio.run(run())


def robots(status: int, body: bytes = b"") -> Response:
    return TextResponse("http://h/robots.txt", status=status, body=body, encoding="utf-8")


def test_rules_are_obeyed_and_fetched_once() -> None:
    mw, crawler, engine = make(robots(200, ROBOTS))
    assert fetch(mw, "http://h/a", "http://h/private/b", "http://h/c") == ["ok", "ignored", "ok"]
    assert engine.fetched == ["http://h/robots.txt"]
    assert crawler.stats.get_value(STAT_DISALLOWED) == 1


@pytest.mark.parametrize("outcome", [
    robots(503), robots(500), robots(429), TimeoutError("timed out"),
    ConnectionRefusedError("refused"), IgnoreRequest("site known dead"),
])
def test_unreachable_robots_disallows_everything(outcome: Response | Exception) -> None:
    mw, crawler, _ = make(outcome)
    assert fetch(mw, "http://h/", "http://h/a", "http://h/b") == ["ignored"] * 3
    assert crawler.stats.get_value(STAT_UNREACHABLE) == 1
    assert crawler.stats.get_value(STAT_DISALLOWED) == 3


@pytest.mark.parametrize("outcome", [robots(404, b"Disallow: /"), robots(410), robots(403)])
def test_missing_robots_allows_everything(outcome: Response | Exception) -> None:
    mw, crawler, _ = make(outcome)
    assert fetch(mw, "http://h/", "http://h/private/x") == ["ok", "ok"]
    assert not crawler.stats.get_value(STAT_UNREACHABLE)


def test_origins_are_separate() -> None:
    mw, _, engine = make(robots(200, ROBOTS))
    fetch(mw, "http://h/a", "http://h:8080/a", "https://h/a")
    assert sorted(engine.fetched) == ["http://h/robots.txt", "http://h:8080/robots.txt",
                                      "https://h/robots.txt"]


def test_robots_kind_and_opt_out_skip_the_check() -> None:
    mw, _, engine = make(robots(503))
    asyncio.run(mw.process_request(Request("http://h/robots.txt",
                                           meta={"newscrawl_kind": "robots"})))
    asyncio.run(mw.process_request(Request("http://h/x", meta={"dont_obey_robotstxt": True})))
    assert engine.fetched == []


def test_crawl_delay_is_capped_and_applied_to_the_slot() -> None:
    mw, _, engine = make(robots(200, ROBOTS), NEWSCRAWL_MAX_CRAWL_DELAY=7)
    fetch(mw, "http://h/a")
    assert mw.crawl_delay("http://h") == 7
    assert engine.slot.delay == 7 and engine.slot.jitter == 0
    engine.slot.delay = 0.5  # as AutoThrottle would after a fast response
    mw.response_downloaded(robots(200), Request("http://h/a"))
    assert engine.slot.delay == 7


def test_cmdline_download_delay_wins_over_crawl_delay() -> None:
    from scrapy.crawler import Crawler
    from scrapy.settings import Settings
    from scrapy.utils.test import get_reactor_settings

    settings = Settings({"ROBOTSTXT_OBEY": True, **get_reactor_settings()})
    settings.set("DOWNLOAD_DELAY", 0.25, priority="cmdline")
    crawler = Crawler(scrapy.Spider, settings)
    crawler._apply_settings()
    engine = FakeEngine(robots(200, ROBOTS))
    crawler.engine = engine  # type: ignore[assignment]
    mw = build_from_crawler(StrictRobotsTxtMiddleware, crawler)
    fetch(mw, "http://h/a")
    assert engine.slot.delay == 1.0


def test_switched_off_without_robotstxt_obey() -> None:
    from scrapy.exceptions import NotConfigured
    with pytest.raises(NotConfigured):
        build_from_crawler(StrictRobotsTxtMiddleware, get_crawler(settings_dict={}))
