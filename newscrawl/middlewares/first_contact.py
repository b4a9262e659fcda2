"""Short timeout until a site has answered once: a dead site ends the run fast."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import IgnoreRequest

from newscrawl.dedup.canonical import site_key

logger = logging.getLogger(__name__)


class FirstContactMiddleware:
    """Short timeout and one retry until a site has answered once; then give up on it.

    With DOWNLOAD_TIMEOUT=30 and RETRY_TIMES=2 a black-holed site costs 90 s per
    request. Here a site that never answered gets ``timeout`` seconds and
    ``retries`` retries per request, and once a request to it has failed for good
    on the network, its other requests are refused at once (counted): robots.txt
    and homepage failing end the run, with its exit code, well within a minute.
    A site that answered once is treated normally for the rest of the run.
    """

    def __init__(self, stats: Any, timeout: float, retries: int) -> None:
        self.stats, self.timeout, self.retries = stats, timeout, retries
        self.answered: set[str] = set()
        self.down: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> FirstContactMiddleware:
        settings = crawler.settings
        timeout = min(settings.getfloat("NEWSCRAWL_FIRST_CONTACT_TIMEOUT", 10.0),
                      settings.getfloat("DOWNLOAD_TIMEOUT"))  # never longer than the usual one
        return cls(crawler.stats, timeout, settings.getint("NEWSCRAWL_FIRST_CONTACT_RETRIES", 1))

    def process_request(self, request: Any) -> None:
        origin = site_key(request.url)
        if origin in self.answered:
            return
        if origin in self.down:
            self.stats.inc_value("newscrawl/reachability/refused")
            raise IgnoreRequest(f"{origin} never answered and failed on the network")
        request.meta.setdefault("download_timeout", self.timeout)
        request.meta.setdefault("max_retry_times", self.retries)

    def process_response(self, request: Any, response: Any) -> Any:
        self.answered.add(site_key(response.url))
        return response

    def process_exception(self, request: Any, exception: Exception) -> None:
        """Seen only once retries are exhausted (RetryMiddleware sits nearer the downloader)."""
        origin = site_key(request.url)
        if origin not in self.answered and not isinstance(exception, IgnoreRequest):
            if origin not in self.down:
                logger.warning("%s does not answer (%s): skipping the site for this run",
                               origin, type(exception).__name__)
            self.down.add(origin)
