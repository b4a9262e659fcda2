"""HeadMetaRefreshMiddleware decides like Scrapy's MetaRefreshMiddleware, reading the head only."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawl.middlewares.refresh import HeadMetaRefreshMiddleware, head_text

URL = "http://127.0.0.1:8001/news/a"
REFRESH = '<meta http-equiv="refresh" content="0;url=/news/b">'
FILLER = "<p>" + "Regional news paragraph. " * 40 + "</p>\n"


def _page(head_pad: str, body_kb: int, *, refresh: bool = True) -> str:
    tail = FILLER * (body_kb * 1024 // len(FILLER) + 1)
    return (f"<html><head>{head_pad}{REFRESH if refresh else ''}<title>t</title></head>"
            f"<body>{tail}</body></html>")


PAGES = {
    "refresh in a small page": (_page("", 1), "utf-8"),
    "refresh in a large page": (_page("", 96), "utf-8"),
    "no refresh, large page": (_page("", 96, refresh=False), "utf-8"),
    "refresh past 4,096 characters": (_page("<!-- x -->" * 420, 96), "utf-8"),
    "refresh after 4,000 two-byte characters": (_page("é" * 4000, 96), "utf-8"),
    "refresh after 4,100 two-byte characters": (_page("é" * 4100, 96), "utf-8"),
    "utf-16 page": (_page("", 40), "utf-16"),
    "iso-2022-jp page": (_page("\u65e5\u672c" * 3000, 40), "iso-2022-jp"),
    "utf-32 page (the head needs more than 16 KB)": (_page("", 40), "utf-32"),
}


def _built(cls):
    return build_from_crawler(cls, get_crawler())


def _outcome(mw, html: str, charset: str):
    request = Request(URL)
    response = HtmlResponse(URL, body=html.encode(charset), request=request,
                            headers={"Content-Type": f"text/html; charset={charset}"})
    result = mw.process_response(request, response)
    return (type(result).__name__, getattr(result, "url", None)), response


@pytest.mark.parametrize("name", list(PAGES))
def test_same_decision_as_scrapy(name: str) -> None:
    html, charset = PAGES[name]
    ours, _ = _outcome(_built(HeadMetaRefreshMiddleware), html, charset)
    theirs, _ = _outcome(_built(MetaRefreshMiddleware), html, charset)
    assert ours == theirs


def test_redirect_followed_and_large_page_not_decoded_whole() -> None:
    followed, _ = _outcome(_built(HeadMetaRefreshMiddleware), *PAGES["refresh in a large page"])
    assert followed == ("Request", "http://127.0.0.1:8001/news/b")
    kept, response = _outcome(_built(HeadMetaRefreshMiddleware),
                              *PAGES["no refresh, large page"])
    assert kept == ("HtmlResponse", URL)
    assert response._cached_ubody is None  # the 96 KB body was never decoded


@pytest.mark.parametrize("name", list(PAGES))
def test_head_text_is_the_texts_head(name: str) -> None:
    html, charset = PAGES[name]
    response = HtmlResponse(URL, body=html.encode(charset),
                            headers={"Content-Type": f"text/html; charset={charset}"})
    assert head_text(response) == response.text[:4096]
