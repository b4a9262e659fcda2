"""QuietLogFormatter: drops as URL + reason; per-page DEBUG lines only when DEBUG is logged."""

from __future__ import annotations

import logging

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from newscrawl.logformat import QuietLogFormatter

URL = "http://127.0.0.1:8001/news/a"


def _formatter(level: str | int) -> QuietLogFormatter:
    return QuietLogFormatter.from_crawler(get_crawler(settings_dict={"LOG_LEVEL": level}))


@pytest.mark.parametrize("level", ["INFO", "warning", logging.INFO])
def test_no_debug_lines_built_above_debug(level: str | int) -> None:
    formatter, spider = _formatter(level), Spider("s")
    request = Request(URL)
    response = HtmlResponse(URL, body=b"<p>x</p>", request=request)
    assert formatter.crawled(request, response, spider) is None
    assert formatter.scraped({"url": URL}, response, spider) is None


@pytest.mark.parametrize("level", ["DEBUG", logging.DEBUG])
def test_debug_lines_as_scrapys_at_debug(level: str | int) -> None:
    formatter, spider = _formatter(level), Spider("s")
    request = Request(URL)
    response = HtmlResponse(URL, body=b"<p>x</p>", request=request)
    crawled = formatter.crawled(request, response, spider)
    assert crawled["level"] == logging.DEBUG and crawled["args"]["status"] == 200
    assert formatter.scraped({"url": URL}, response, spider)["args"]["item"] == {"url": URL}


def test_drop_is_url_and_reason_at_info() -> None:
    line = _formatter("INFO").dropped({"url": URL, "body": "x" * 5000}, DropItem("dup"), None,
                                      Spider("s"))
    assert line["level"] == logging.INFO
    assert line["args"] == {"url": URL, "reason": "DropItem", "why": "dup"}
