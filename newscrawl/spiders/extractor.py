"""Runs :func:`newscrawl.extraction.extract_article` off the reactor.

Extraction is CPU-bound (lxml, trafilatura) while Scrapy's reactor is one
thread: in-process, every page parsed stalls every download. A small process
pool (``NEWSCRAWL_EXTRACT_WORKERS``, default: one per core) lets downloads and
extraction overlap and uses every core. With 0 workers extraction runs inline.
Fields come back as a plain namespace, so the reactor process never imports the
extraction engine (trafilatura and its parsers stay in the workers' memory).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import SimpleNamespace
from typing import Any

from newscrawl.extraction.hints import SiteHints

logger = logging.getLogger(__name__)


def _worker_init() -> None:
    """Workers ignore SIGINT/SIGTERM: the crawl's graceful stop drains them itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


class PageExtractor:
    """Owns the pool for one crawl; ``await extract(...)`` from an async callback."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: Executor | None = None

    def _pool(self) -> Executor | None:
        if self.workers > 0 and self.pool is None:
            context = multiprocessing.get_context("forkserver")
            self.pool = ProcessPoolExecutor(self.workers, mp_context=context,
                                            initializer=_worker_init)
        return self.pool

    async def extract(self, body: bytes, url: str, charset: str | None,
                      hints: SiteHints, links_only: bool = False) -> SimpleNamespace:
        """The page's fields (and links); ``links_only`` for a listing that needs no more."""
        pool = self._pool()
        if pool is None:
            return SimpleNamespace(**_extract(body, url, charset, hints, links_only))
        loop = asyncio.get_running_loop()
        try:
            fields = await loop.run_in_executor(pool, _extract, body, url, charset, hints,
                                                links_only)
        except BrokenProcessPool:
            logger.warning("extraction worker died; restarting the pool (page %s)", url)
            self.pool = None
            fields = _extract(body, url, charset, hints, links_only)
        return SimpleNamespace(**fields)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _extract(body: bytes, url: str, charset: str | None, hints: SiteHints,
             links_only: bool = False) -> dict[str, Any]:
    from newscrawl.extraction import extract_article

    return extract_article(body, url, http_charset=charset, hints=hints,
                           links_only=links_only).to_dict()
