"""Acks for the reliable queue: a request is done once its results are scheduled.

The spider middleware acks after the callback's (or errback's) output has been
consumed — by then every follow-up request is in the shared queue, so a worker
dying earlier loses nothing. The downloader middleware acks requests that failed
for good (after retries). Anything left unacked is cleared when the worker is idle.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy_redis.connection import get_redis_from_settings

from newscrawl.request_meta import ACK_META
from newscrawl.scaleout.queue import Keys, ack
from newscrawl.scaleout.scheduler import KEY_PREFIX

logger = logging.getLogger(__name__)


class _Acker:
    def __init__(self, server: Any, spider_name: str) -> None:
        self.server = server
        self.keys = Keys(KEY_PREFIX, spider_name)

    @classmethod
    def from_crawler(cls, crawler: Any) -> Any:
        if not crawler.settings.get("NEWSCRAWL_REDIS_URL"):
            raise NotConfigured
        return cls(get_redis_from_settings(crawler.settings), crawler.spidercls.name)

    def ack(self, request: Any) -> None:
        token = request.meta.pop(ACK_META, None) if request is not None else None
        if token:
            try:
                ack(self.server, self.keys, token)
            except Exception as exc:  # noqa: BLE001 -- the idle sweep clears it later
                logger.warning("could not ack %s: %s", request.url, exc)


class AckSpiderMiddleware(_Acker):
    """SPIDER_MIDDLEWARES entry (outermost): ack after the output is consumed."""

    def process_spider_output(self, response: Any, result: Iterable[Any]) -> Iterator[Any]:
        yield from result
        self.ack(response.request)

    async def process_spider_output_async(self, response: Any,
                                          result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for entry in result:
            yield entry
        self.ack(response.request)

    def process_spider_exception(self, response: Any, exception: Exception) -> None:
        self.ack(response.request)


class AckDownloaderMiddleware(_Acker):
    """DOWNLOADER_MIDDLEWARES entry (outside RetryMiddleware): ack final failures."""

    def process_exception(self, request: Any, exception: Exception) -> None:
        self.ack(request)
