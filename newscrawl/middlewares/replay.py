"""Replay mode (``-a warc=…``): answer each request with its stored response, fetch nothing.

First in the chain (slot 50): a response returned from ``process_request`` skips
the download and every later ``process_request`` (robots.txt, the target filter's
DNS look-ups, first-contact timeouts), while every ``process_response`` still runs,
so decompression and the non-HTML filter treat a stored response as they treat
a fetched one. A request that carries no stored response (a link
followed from a replayed page, say) is refused and counted: a replay never
touches the network.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from newscrawl.middlewares._common import refuse
from newscrawl.request_meta import REPLAY_META

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

STAT_REPLAYED = "newscrawl/warc/replayed"
STAT_REFUSED = "newscrawl/warc/refused"


class ReplayMiddleware:
    """Switched on by the spider's ``-a warc=`` (it sets NEWSCRAWL_REPLAY)."""

    def __init__(self, stats: StatsCollector | None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSCRAWL_REPLAY"):
            raise NotConfigured
        return cls(crawler.stats)

    def process_request(self, request: Request) -> Response:
        stored = request.meta.get(REPLAY_META)
        if stored is None or stored is True:
            refuse(self.stats, request, STAT_REFUSED, "a replay fetches nothing")
        headers = Headers()
        for name, value in stored.headers:
            headers.appendlist(name, value)
        cls = responsetypes.from_args(headers=headers, url=stored.url, body=stored.body)
        request.meta[REPLAY_META] = True  # the response, not the meta, holds the body now
        if self.stats is not None:
            self.stats.inc_value(STAT_REPLAYED)
        return cls(url=stored.url, status=stored.status, headers=headers, body=stored.body,
                   request=request, protocol="HTTP/1.1")
