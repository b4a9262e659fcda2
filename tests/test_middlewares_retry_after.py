"""RetryAfterMiddleware: 429/503 retried in the same run, never before the time given."""

from __future__ import annotations

import time
from email.utils import formatdate

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawl.middlewares.parking import PARK_META, ParkingLot
from newscrawl.middlewares.retry_after import (
    STAT_DROPPED,
    STAT_EXHAUSTED,
    STAT_GIVEN_UP,
    RetryAfterMiddleware,
    parse_retry_after,
)
from newscrawl.request_meta import NOT_BEFORE_META

NOW = 1_700_000_000.0


@pytest.mark.parametrize("value, expected", [
    (b"30", 30.0), ("0", 0.0), (b" 7 ", 7.0), (formatdate(NOW + 90, usegmt=True), 90.0),
    (formatdate(NOW - 90, usegmt=True), 0.0), (b"soon", None), (b"", None), (None, None),
    (b"-5", None), (b"Wed, 99 Foo 2020", None),
])
def test_parse_retry_after(value: bytes | str | None, expected: float | None) -> None:
    got = parse_retry_after(value, NOW)
    assert got == (pytest.approx(expected) if expected is not None else None)


def make(**kw: float) -> tuple[RetryAfterMiddleware, MemoryStatsCollector]:
    crawler = get_crawler()
    stats = MemoryStatsCollector(crawler)
    crawler.stats = stats
    options = {"max_wait": 120.0, "max_times": 3, "default_429_wait": 5.0, **kw}
    mw = RetryAfterMiddleware(stats, parking=ParkingLot(crawler), **options)  # type: ignore[arg-type]
    return mw, stats


def parked_until(result: object) -> float | None:
    """The not-before time a middleware result asks the parking lot for (None: passes)."""
    if result is None:
        return None
    assert isinstance(result, Request) and result.dont_filter
    return result.meta[PARK_META]


def answer(request: Request, status: int, retry_after: str | None) -> Response:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return Response(request.url, status=status, headers=headers)


def page(path: str = "a", site: str = "s") -> Request:
    return Request(f"http://h/{path}", meta={"newscrawl_site": site})


def test_429_becomes_a_held_retry_and_holds_the_site() -> None:
    mw, stats = make()
    request = page()
    start = time.monotonic()
    retry = mw.process_response(request, answer(request, 429, "1"))
    assert isinstance(retry, Request) and retry.dont_filter
    assert retry.meta[NOT_BEFORE_META] > start
    assert parked_until(retry) == retry.meta[NOT_BEFORE_META]  # parked, not held in the downloader
    other = parked_until(mw.process_request(page("other")))  # another page of the same site waits
    assert other is not None and other - start >= 0.95
    assert stats.get_value("newscrawl/retry_after/held") == 1


def test_other_sites_are_not_held() -> None:
    mw, _ = make()
    request = page()
    mw.process_response(request, answer(request, 503, "60"))
    assert mw.process_request(page(site="t")) is None  # passes at once
    assert parked_until(mw.process_request(page("b"))) is not None


def test_plain_503_is_left_to_retry_middleware() -> None:
    mw, _ = make()
    request = page()
    response = answer(request, 503, None)
    assert mw.process_response(request, response) is response


def test_429_without_header_gets_the_default_wait() -> None:
    mw, _ = make(default_429_wait=5.0)
    request = page()
    retry = mw.process_response(request, answer(request, 429, None))
    assert retry.meta[NOT_BEFORE_META] - time.monotonic() == pytest.approx(5.0, abs=0.5)


def test_wait_beyond_cap_gives_the_site_up() -> None:
    mw, stats = make(max_wait=10)
    request = page()
    with pytest.raises(IgnoreRequest):
        mw.process_response(request, answer(request, 429, "3600"))
    for path in ("b", "c"):
        with pytest.raises(IgnoreRequest):
            mw.process_request(page(path))
    mw.process_request(page(site="t"))
    assert stats.get_value(STAT_GIVEN_UP) == 1
    assert stats.get_value(STAT_DROPPED) == 2


def test_retries_are_bounded() -> None:
    mw, stats = make(max_times=2)
    request = page()
    for _ in range(2):
        request = mw.process_response(request, answer(request, 429, "0"))
        assert isinstance(request, Request)
    with pytest.raises(IgnoreRequest):
        mw.process_response(request, answer(request, 429, "0"))
    assert stats.get_value(STAT_EXHAUSTED) == 1


@pytest.mark.parametrize("value", ["²", "9" * 5000, "1e400", "inf", " \t", "Mon, 99 Foo"])
def test_garbage_retry_after_gets_the_default_wait(value: str) -> None:
    mw, _ = make()
    request = page()
    start = time.monotonic()
    retry = mw.process_response(request, answer(request, 429, value))
    assert isinstance(retry, Request)
    assert 4.9 <= retry.meta[NOT_BEFORE_META] - start <= 5.5


def test_from_crawler_reads_settings() -> None:
    crawler = get_crawler(settings_dict={"NEWSCRAWL_MAX_RETRY_AFTER": 7})
    mw = build_from_crawler(RetryAfterMiddleware, crawler)
    assert mw.max_wait == 7
