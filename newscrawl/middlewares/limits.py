"""Response size caps that hold for compressed bodies too, with a counted reason.

Scrapy (>= 2.11.1) already stops decompressing gzip/deflate/br/zstd once the
output exceeds ``DOWNLOAD_MAXSIZE`` and the download handler aborts raw bodies
above it; both drop the page without a stat of their own. These subclasses keep
that behaviour and add ``newscrawl/limits/too_large`` so bombs show up in the
run summary. The cap itself is ``DOWNLOAD_MAXSIZE`` (set it far below the 1 GiB
default, e.g. 10 MiB); note Scrapy drops only bodies strictly larger than it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest, NotConfigured

from newscrawl.middlewares._common import refuse

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

STAT_TOO_LARGE = "newscrawl/limits/too_large"
STAT_TOO_LARGE_DECOMPRESSED = "newscrawl/limits/too_large/decompressed"
STAT_TOO_LARGE_RAW = "newscrawl/limits/too_large/raw"


class BoundedHttpCompressionMiddleware(HttpCompressionMiddleware):
    """Replaces Scrapy's HttpCompressionMiddleware (slot 590); counts decompression bombs."""

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        try:
            return super().process_response(request, response)
        except IgnoreRequest:
            pass  # leave the except block: its traceback would pin the partial body in memory
        if self.stats:
            self.stats.inc_value(STAT_TOO_LARGE)
        refuse(self.stats, request, STAT_TOO_LARGE_DECOMPRESSED,
               f"{response.status} response decompresses beyond DOWNLOAD_MAXSIZE", logging.WARNING)


class SizeLimitStatsMiddleware:
    """Turns the download handler's size abort into a counted, quiet IgnoreRequest.

    Place it above RetryMiddleware (e.g. 595) so the abort is never retried.
    """

    def __init__(self, stats: StatsCollector | None,
                 is_running: Callable[[], bool] | None = None) -> None:
        self.stats = stats
        self._is_running = is_running or (lambda: True)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getint("DOWNLOAD_MAXSIZE"):
            raise NotConfigured
        return cls(crawler.stats, lambda: bool(crawler.crawling))

    def process_exception(self, request: Request, exception: Exception) -> None:
        """A cancelled download is the size cap unless the crawl itself is stopping.

        The handler cancels with a "max size" message when Content-Length is too
        big, but with an empty one when a body without length grows past the cap.
        """
        if not isinstance(exception, DownloadCancelledError):
            return
        if "max size" in str(exception).lower() or self._is_running():
            if self.stats:
                self.stats.inc_value(STAT_TOO_LARGE)
            refuse(self.stats, request, STAT_TOO_LARGE_RAW, "body exceeds DOWNLOAD_MAXSIZE",
                   logging.WARNING)
