"""Non-HTML skipping, page budget and size-limit counting (charsets: test_extraction_decode)."""

from __future__ import annotations

import gzip

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawl.middlewares.budget import SiteBudgetMiddleware
from newscrawl.middlewares.content import (
    STAT_NON_HTML,
    ContentTypeFilterMiddleware,
    non_html_type,
)
from newscrawl.middlewares.limits import STAT_TOO_LARGE, BoundedHttpCompressionMiddleware

HTML = b"<!DOCTYPE html><html><head><title>t</title></head><body><p>x</p></body></html>"


@pytest.mark.parametrize("ctype, body, expected", [
    ("text/html; charset=utf-8", HTML, None),
    ("application/xhtml+xml", HTML, None),
    ("", HTML, None),
    ("text/plain", b"  <html><body>hi</body></html>", None),
    ("text/html", b"", None),  # empty pages are the extractor's to judge
    ("application/pdf", b"%PDF-1.7 ...", "application/pdf"),
    ("text/html", b"%PDF-1.4 disguised", "application/pdf"),
    ("text/html", b"\x89PNG\r\n\x1a\n....", "image/png"),
    ("image/jpeg", b"\xff\xd8\xff\xe0", "image/jpeg"),
    ("application/octet-stream", b"\x00\x01binary", "application/octet-stream"),
    ("application/json", b'{"a": 1}', "application/json"),
    ("", b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
])
def test_non_html_type(ctype: str, body: bytes, expected: str | None) -> None:
    assert non_html_type(ctype, body) == expected


def content_mw():
    crawler = get_crawler()
    return build_from_crawler(ContentTypeFilterMiddleware, crawler), crawler


def test_pdf_at_article_url_is_ignored_with_a_stat() -> None:
    mw, crawler = content_mw()
    request = Request("http://h/2024/05/story.html", meta={"newscrawl_kind": "page"})
    response = Response(request.url, body=b"%PDF-1.7", headers={"Content-Type": "application/pdf"})
    with pytest.raises(IgnoreRequest):
        mw.process_response(request, response)
    assert crawler.stats.get_value(STAT_NON_HTML) == 1
    assert crawler.stats.get_value(STAT_NON_HTML + "/application_pdf") == 1


def test_sitemaps_feeds_and_errors_pass() -> None:
    mw, _ = content_mw()
    xml = Response("http://h/s.xml", body=b"<urlset/>", headers={"Content-Type": "text/xml"})
    assert mw.process_response(Request(xml.url, meta={"newscrawl_kind": "sitemap"}), xml) is xml
    err = Response("http://h/x", status=404, headers={"Content-Type": "application/json"})
    assert mw.process_response(Request(err.url), err) is err


def budget(max_pages: int):
    crawler = get_crawler(settings_dict={"NEWSCRAWL_MAX_PAGES_PER_SITE": max_pages})
    return build_from_crawler(SiteBudgetMiddleware, crawler), crawler


def test_budget_caps_pages_per_site_and_ignores_resources() -> None:
    mw, crawler = budget(3)
    refused = 0
    for i in range(10):
        try:
            mw.process_request(Request(f"http://h/{i}", meta={"newscrawl_site": "a"}))
        except IgnoreRequest:
            refused += 1
    mw.process_request(Request("http://h/s.xml", meta={"newscrawl_site": "a",
                                                      "newscrawl_kind": "sitemap"}))
    mw.process_request(Request("http://h/x", meta={"newscrawl_site": "b"}))
    assert refused == 7
    assert crawler.stats.get_value("newscrawl/budget/exhausted/a") == 7


def test_budget_counts_a_redirected_page_once() -> None:
    mw, _ = budget(1)
    request = Request("http://h/a", meta={"newscrawl_site": "a"})
    mw.process_request(request)
    mw.process_request(request.replace(url="http://h/b"))  # redirect keeps the meta
    assert mw.spent("a") == 1


def test_gzip_bomb_is_refused_with_a_stat() -> None:
    crawler = get_crawler(settings_dict={"DOWNLOAD_MAXSIZE": 1024 * 1024})
    mw = build_from_crawler(BoundedHttpCompressionMiddleware, crawler)
    bomb = gzip.compress(b"\0" * (8 * 1024 * 1024))
    response = Response("http://h/a", body=bomb, headers={"Content-Encoding": "gzip",
                                                          "Content-Type": "text/html"})
    with pytest.raises(IgnoreRequest):
        mw.process_response(Request(response.url), response)
    assert crawler.stats.get_value(STAT_TOO_LARGE) == 1


def test_gzip_at_exactly_the_cap_passes() -> None:
    crawler = get_crawler(settings_dict={"DOWNLOAD_MAXSIZE": 4096})
    mw = build_from_crawler(BoundedHttpCompressionMiddleware, crawler)
    body = gzip.compress(b"a" * 4096)
    response = Response("http://h/a", body=body, headers={"Content-Encoding": "gzip"})
    assert len(mw.process_response(Request(response.url), response).body) == 4096


def test_size_abort_becomes_a_counted_ignore() -> None:
    from scrapy.exceptions import DownloadCancelledError

    from newscrawl.middlewares.limits import STAT_TOO_LARGE_RAW, SizeLimitStatsMiddleware
    crawler = get_crawler()
    mw = SizeLimitStatsMiddleware(crawler.stats, is_running=lambda: True)
    with pytest.raises(IgnoreRequest):
        mw.process_exception(Request("http://h/a"), DownloadCancelledError(""))
    assert mw.process_exception(Request("http://h/b"), TimeoutError()) is None
    stopping = SizeLimitStatsMiddleware(crawler.stats, is_running=lambda: False)
    assert stopping.process_exception(Request("http://h/c"), DownloadCancelledError("")) is None
    assert crawler.stats.get_value(STAT_TOO_LARGE_RAW) == 1
