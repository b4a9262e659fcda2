"""Runs :func:`newscrawl.extraction.extract_article` off the reactor, each page under a time budget.

Extraction is CPU-bound (lxml, trafilatura) while Scrapy's reactor is one
thread: in-process, every page parsed stalls every download. A small set of
worker processes (``NEWSCRAWL_EXTRACT_WORKERS``, default: one per core) lets
downloads and extraction overlap and uses every core. With 0 workers extraction
runs inline (debugging only: an inline page has no time budget).

Each worker is its own one-process executor, so a page that overstays
``NEWSCRAWL_EXTRACT_TIMEOUT`` is handled by killing *that* worker and starting a
fresh one: the page counts as failed, the other workers' pages go on. A
``ProcessPoolExecutor`` shared by all workers could only be torn down whole.
Workers die with the crawl whatever kills it. Their parent is the forkserver,
which stays alive as long as any worker does (each worker holds its "alive"
pipe), so a parent-death signal alone never fires when the crawl's main process
is killed: each worker also runs a watchdog thread that polls the crawl's pid
and exits within ``PARENT_POLL`` seconds of its death (zombie included).
``PR_SET_PDEATHSIG`` still covers the forkserver itself being killed. Once the
workers are gone, the forkserver and resource tracker see EOF and exit.
Fields come back as a plain namespace, so the reactor process never imports the
extraction engine (trafilatura and its parsers stay in the workers' memory); an
article's body comes back cleaned, with its word count, hash and near-duplicate
signature (:mod:`newscrawl.dedup.prepared`), work taken off the reactor.
"""

from __future__ import annotations

import asyncio
import ctypes
import functools
import itertools
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import SimpleNamespace
from typing import Any

from newscrawl.extraction.hints import SiteHints
from newscrawl.processes import pid_alive

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PARENT_POLL = 0.5  # seconds between checks that the crawl's main process is alive
CLOSE_GRACE = 2.0  # seconds a worker gets to finish at close before it is killed


class ExtractionTimeout(Exception):
    """A page's extraction overstayed its budget; its worker was killed and replaced."""


class ExtractionCrashed(Exception):
    """The worker died while extracting the page (e.g. out of memory)."""


def _worker_init(crawl_pid: int) -> None:
    """Ignore SIGINT/SIGTERM (the crawl stops workers itself) and die with the crawl."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent or not pid_alive(crawl_pid):  # died before we were watching
        os._exit(1)
    threading.Thread(target=_watch, args=(crawl_pid,), daemon=True,
                     name="newscrawl-watch-crawl").start()


def _watch(crawl_pid: int) -> None:
    while pid_alive(crawl_pid):
        time.sleep(PARENT_POLL)
    os._exit(1)


class _Worker:
    """One worker process behind a one-slot executor, killable on its own."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.executor = ProcessPoolExecutor(1, mp_context=context, initializer=_worker_init,
                                            initargs=(os.getpid(),))

    def kill(self) -> None:
        processes = list((getattr(self.executor, "_processes", None) or {}).values())
        self.executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.kill()
        for process in processes:
            process.join(CLOSE_GRACE)


class PageExtractor:
    """Owns the workers for one crawl; ``await extract(...)`` from an async callback.

    Workers are handed out fairly between sites: a freed worker goes to the waiting
    task whose site holds the fewest workers, then whose site was served longest ago,
    then the earliest, so a site
    serving 5 MB sitemaps or 40,000-link listings keeps at most the workers nobody
    else is waiting for, and another site's homepage waits for one task at most.
    """

    def __init__(self, workers: int, timeout: float = 0.0, stats: Any = None) -> None:
        self.workers = workers
        self.timeout = timeout  # seconds per task; 0: no budget
        self.stats = stats
        self._idle: list[_Worker] | None = None
        self._waiting: list[tuple[str, asyncio.Future[_Worker]]] = []
        self._busy: Counter[str] = Counter()  # site -> workers it holds
        self._served: dict[str, int] = {}  # site -> when it was last handed a worker
        self._ticket = itertools.count()
        self._all: list[_Worker] = []
        self._context = multiprocessing.get_context("forkserver")

    def _pool(self) -> list[_Worker]:
        if self._idle is None:
            self._idle = [self._spawn() for _ in range(self.workers)]
        return self._idle

    def _spawn(self) -> _Worker:
        worker = _Worker(self._context)
        self._all.append(worker)
        return worker

    def _replace(self, worker: _Worker) -> _Worker:
        worker.kill()
        if worker in self._all:
            self._all.remove(worker)
        return self._spawn()

    async def _acquire(self, site: str) -> _Worker:
        idle = self._pool()
        if idle and not self._waiting:
            self._hand_to(site)
            return idle.pop(0)  # the longest idle: sequential tasks rotate the workers
        turn: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
        self._waiting.append((site, turn))
        try:
            return await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():  # handed a worker as it was cancelled
                self._release(turn.result(), site)
            raise

    def _release(self, worker: _Worker, site: str) -> None:
        self._busy[site] -= 1
        if self._idle is None:  # closed: the worker is gone with the others
            return
        self._waiting = [(s, t) for s, t in self._waiting if not t.done()]  # cancelled
        if not self._waiting:
            self._pool().append(worker)
            return
        index = min(range(len(self._waiting)), key=lambda i: (
            self._busy[self._waiting[i][0]], self._served.get(self._waiting[i][0], -1), i))
        next_site, turn = self._waiting.pop(index)
        self._hand_to(next_site)
        turn.set_result(worker)

    def _hand_to(self, site: str) -> None:
        self._busy[site] += 1
        self._served[site] = next(self._ticket)

    async def run(self, func: Callable[..., Any], *args: Any, site: str = "") -> Any:
        """``func(*args)`` in a worker within the time budget (inline with 0 workers);
        *site* is whose task it is (fair hand-out). The wait for a worker is not part of
        the budget.

        Raises :class:`ExtractionTimeout` or :class:`ExtractionCrashed`; either way the
        worker is replaced before the next task.
        """
        if self.workers <= 0:
            return func(*args)
        worker = await self._acquire(site)
        try:
            future = asyncio.get_running_loop().run_in_executor(worker.executor, _task,
                                                                func, *args)
            result = await asyncio.wait_for(future, self.timeout or None)
        except TimeoutError:
            self._count("timeout")
            worker = self._replace(worker)
            raise ExtractionTimeout(f"over the {self.timeout:g}s budget") from None
        except BrokenProcessPool:
            self._count("crashed")
            worker = self._replace(worker)
            raise ExtractionCrashed("extraction worker died") from None
        finally:
            self._release(worker, site)
        return result

    async def extract(self, body: bytes, url: str, charset: str | None,
                      hints: SiteHints, links_only: bool = False,
                      site: str = "") -> SimpleNamespace:
        """The page's fields (and links); ``links_only`` for a listing that needs no more."""
        return SimpleNamespace(**await self.run(_extract, body, url, charset, hints, links_only,
                                                site=site))

    def close(self) -> None:
        """Stop every worker: an idle one exits at once, a busy one is killed."""
        for _, turn in self._waiting:
            turn.cancel()
        self._waiting.clear()
        for worker in self._all:
            worker.executor.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + CLOSE_GRACE
        for worker in self._all:
            for process in list((getattr(worker.executor, "_processes", None) or {}).values()):
                process.join(max(0.0, deadline - time.monotonic()))
            worker.kill()
        self._all.clear()
        self._idle = None

    def _count(self, what: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"newscrawl/extract/{what}")


def _task(func: Callable[..., Any], *args: Any) -> Any:
    """Run one task in a worker, then hand the heap it freed back to the system: a
    40,000-link listing parsed once would otherwise keep the worker ~80 MB larger for
    the rest of the run (glibc keeps freed arenas), and the run's memory is the sum
    over all its processes."""
    try:
        return func(*args)
    finally:
        _trim_heap()


def _trim_heap() -> None:
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL(None).malloc_trim  # glibc; absent elsewhere (musl, macOS)
    except (OSError, AttributeError):
        return None


def _extract(body: bytes, url: str, charset: str | None, hints: SiteHints,
             links_only: bool = False, links: bool = True) -> dict[str, Any]:
    """The page's fields; ``words`` counts the extracted body (the article verdict's
    measure). A full extraction's body comes back cleaned, with its ``prepared``
    facts (word count, hash, signature): the reactor process need not compute them.
    ``links=False`` when the caller will follow none of the page's links (an article
    URL): they are most of the pickled result, and unpickling them costs the reactor."""
    from newscrawl.dedup.prepared import prepare_body
    from newscrawl.extraction import extract_article
    from newscrawl.extraction.wordcount import count_words

    fields = extract_article(body, url, http_charset=charset, hints=hints,
                             links_only=links_only).to_dict()
    fields["words"] = count_words(fields["body"])
    if not links:
        fields["links"], fields["feed_links"] = [], []
    fields["prepared"] = None
    if not links_only:
        fields["body"], fields["prepared"] = prepare_body(fields["body"])
    return fields


extract_fields = _extract  # the task behind PageExtractor.extract, for run() with options
