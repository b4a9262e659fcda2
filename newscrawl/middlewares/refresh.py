"""Scrapy's meta-refresh redirects, without decoding every page whole to look for one.

Scrapy's ``MetaRefreshMiddleware`` reads the first 4,096 characters of a page's
text for ``<meta http-equiv="refresh">``, but to get them it decodes the whole
body (``response.text``) and resolves its ``<base href>``: ~2 % of the reactor's
busy samples, for pages whose text the reactor never reads otherwise (the
extraction workers decode them). Here the same 4,096 characters are decoded from
the body's first bytes and given to the same w3lib scan; only a page that does
declare a refresh goes on to Scrapy's own handling, which decides as before.
"""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse
from w3lib.encoding import html_to_unicode
from w3lib.html import get_meta_refresh

HEAD_CHARS = 4096  # characters Scrapy's get_meta_refresh scans
HEAD_BYTES = 4 * HEAD_CHARS  # holds them in any charset of at most 4 bytes a character


def head_text(response: HtmlResponse) -> str:
    """``response.text[:4096]``, decoded from the first bytes when they are enough."""
    body = response.body
    if len(body) <= HEAD_BYTES:
        return response.text[:HEAD_CHARS]
    text = html_to_unicode(f"charset={response.encoding}", body[:HEAD_BYTES])[1]
    if len(text) <= HEAD_CHARS:  # a charset that spent more bytes (escape sequences)
        return response.text[:HEAD_CHARS]
    return text[:HEAD_CHARS]  # the cut may have split the next character, not these


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    """``MetaRefreshMiddleware`` (METAREFRESH_* settings) with a cheap first look."""

    def process_response(self, request: Any, response: Any) -> Any:
        if isinstance(response, HtmlResponse) and not self._may_refresh(response):
            return response
        return super().process_response(request, response)

    def _may_refresh(self, response: HtmlResponse) -> bool:
        """False when the page's head declares no refresh: whether a meta tag declares
        one does not depend on the base URL it would be joined with."""
        try:
            _, url = get_meta_refresh(head_text(response), response.url, response.encoding,
                                      ignore_tags=self._ignore_tags)
        except ValueError:  # an unjoinable URL: Scrapy's own handling decides
            return True
        return url is not None
