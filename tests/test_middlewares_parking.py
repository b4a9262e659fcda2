"""Full-slot parking: first in the chain, one lot per crawl shared with RetryAfterMiddleware."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from newscrawl.middlewares.parking import (
    PARK_META,
    STAT_SLOT_FULL,
    FullSlotMiddleware,
    parking_lot,
)
from newscrawl.middlewares.retry_after import RetryAfterMiddleware
from newscrawl.request_meta import KIND_META

URL = "http://127.0.0.1:8001/news/a"


def _crawler(active: int, concurrency: int = 2, **settings: str):
    crawler = get_crawler(settings_dict=settings)
    slot = SimpleNamespace(active=set(range(active)), concurrency=concurrency)
    crawler.engine = SimpleNamespace(running=True, downloader=SimpleNamespace(
        slots={"site": slot}, get_slot_key=lambda request: "site"))
    return crawler


def test_busy_site_request_is_parked_first_and_counted() -> None:
    crawler = _crawler(active=2)
    parked = FullSlotMiddleware.from_crawler(crawler).process_request(Request(URL))
    assert isinstance(parked, Request) and parked.dont_filter and parked.meta[PARK_META] == 0.0
    assert crawler.stats.get_value(STAT_SLOT_FULL) == 1


def test_request_with_room_and_robots_requests_pass() -> None:
    assert FullSlotMiddleware.from_crawler(_crawler(active=1)).process_request(Request(URL)) is None
    robots = Request("http://127.0.0.1:8001/robots.txt", meta={KIND_META: "robots"})
    assert FullSlotMiddleware.from_crawler(_crawler(active=5)).process_request(robots) is None


def test_one_lot_per_crawl() -> None:
    crawler = _crawler(active=0)
    assert FullSlotMiddleware.from_crawler(crawler).lot is parking_lot(crawler)
    assert RetryAfterMiddleware.from_crawler(crawler).parking is parking_lot(crawler)
    assert parking_lot(_crawler(active=0)) is not parking_lot(crawler)


def test_off_with_redis_scale_out() -> None:
    with pytest.raises(NotConfigured):
        FullSlotMiddleware.from_crawler(_crawler(active=2, NEWSCRAWL_REDIS_URL="redis://x/0"))
