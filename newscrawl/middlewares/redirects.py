"""Remember page redirects as aliases, so later runs do not request the source again."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from newscrawl.extensions.ledger import LedgerExtension
from newscrawl.request_meta import KIND_META


class RedirectAliasMiddleware:
    """Downloader middleware (before RedirectMiddleware): remember page redirects, so a
    later run does not request the redirect source again, even when this run's
    dupefilter dropped the target as already requested."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedirectAliasMiddleware:
        return cls(crawler)

    def process_response(self, request: Any, response: Any) -> Any:
        location = response.headers.get(b"Location")
        if 300 <= response.status < 400 and location and \
                request.meta.get(KIND_META) == "page":
            ledger = self.crawler.get_extension(LedgerExtension)
            target = urljoin(request.url, location.decode("latin-1"))
            if ledger is not None:
                ledger.ledger.note_redirect(request.url, target)
        return response
