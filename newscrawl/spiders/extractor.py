"""Runs :func:`newscrawl.extraction.extract_article` off the reactor, each page under a time budget.

Extraction is CPU-bound (lxml, trafilatura) while Scrapy's reactor is one
thread: in-process, every page parsed stalls every download. A small set of
worker processes (``NEWSCRAWL_EXTRACT_WORKERS``, default: one per core) lets
downloads and extraction overlap and uses every core. With 0 workers extraction
runs inline (debugging only: an inline page has no time budget).

Each worker is a child process of the crawl joined to it by one socket
(:mod:`.extractor_channel` is the reactor's end, :mod:`.extractor_worker` the
worker's); the reactor writes and reads it without blocking
(asyncio's transport buffers a 16 MiB body a busy worker has not read yet) and
without helper threads. A worker holds up to ``PREFETCH`` tasks, the one it runs
and the next, so it never idles while the busy reactor gets round to its result.
A page that overstays ``NEWSCRAWL_EXTRACT_TIMEOUT`` (counted from when its worker
starts it) is handled by killing *that* worker and starting a fresh one: the page
counts as failed, the task queued behind it runs on another worker, the other
workers' pages go on. A worker that dies (out of memory) fails the page it was
running, and only that one. Workers die with the crawl whatever kills it: the
kernel kills them when the crawl dies (``PR_SET_PDEATHSIG``; the crawl is their
parent), and each exits at EOF on its socket.
Fields come back as a plain namespace, so the reactor process never imports the
extraction engine (trafilatura and its parsers stay in the workers' memory); an
article's body comes back cleaned, with its word count, hash and near-duplicate
signature (:mod:`newscrawl.dedup.prepared`), work taken off the reactor.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import logging
import pickle
import time
from collections import Counter
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from newscrawl.extraction.hints import SiteHints
from newscrawl.spiders.extractor_channel import CLOSE_GRACE, Task, Worker

logger = logging.getLogger(__name__)

PREFETCH = 2  # tasks sent to a worker at once: the one it runs and the next
# A task is queued behind a running one only if that one looks like a page, soon done: not
# a task carrying HEAVY_BYTES (a 50,000-URL sitemap, a 40,000-link homepage: seconds of
# lxml), not a worker's first (it imports the engine, ~2 s), and not one running LONG_RUN
# already (a page takes ~20 ms). A queued task cannot move to a worker that frees first.
HEAVY_BYTES = 2**20
LONG_RUN = 0.25  # seconds


class ExtractionTimeout(Exception):
    """A page's extraction overstayed its budget; its worker was killed and replaced."""


class ExtractionCrashed(Exception):
    """The worker died while extracting the page (e.g. out of memory)."""


class PageExtractor:
    """Owns the workers for one crawl; ``await extract(...)`` from an async callback.

    Worker slots are handed out fairly between sites: a free slot (a worker holds
    ``PREFETCH``) goes to the waiting task whose site holds the fewest slots, then
    whose site was served longest ago, then the earliest, so a site serving 5 MB
    sitemaps or 40,000-link listings keeps at most the slots nobody else is waiting
    for. With no slot free, the tasks workers hold next are recalled for it where
    their site would still hold more slots than its own: another site's homepage
    waits for one task at most, the first to end (two if a recall reaches a worker
    just after it started the recalled task). An idle worker is filled before any
    gets a second, and a worker gets a second only behind a task that looks short
    (``LONG_RUN``), so a task waits for the first worker to end rather than behind
    a long one. Heavy tasks (``HEAVY_BYTES``) are held by all workers but one at
    most: a site's big sitemaps do not keep every worker busy for seconds while
    another site's homepage waits.
    """

    def __init__(self, workers: int, timeout: float = 0.0, stats: Any = None) -> None:
        self.workers = workers
        self.timeout = timeout  # seconds per task; 0: no budget
        self.stats = stats
        self._pool: list[Worker] = []
        self._waiting: list[Task] = []  # not yet sent to a worker
        self._busy: Counter[str] = Counter()  # site -> slots it holds
        self._served: dict[str, int] = {}  # site -> when it was last handed a slot
        self._ticket = itertools.count()

    async def run(self, func: Callable[..., Any], *args: Any, site: str = "") -> Any:
        """``func(*args)`` in a worker within the time budget (inline with 0 workers);
        *site* is whose task it is (fair hand-out). The wait for a worker is not part of
        the budget. *func* travels by name: a module-level function of an importable
        module (a worker does not import the crawl's ``__main__``).

        Raises :class:`ExtractionTimeout` or :class:`ExtractionCrashed`; either way the
        worker is replaced before the next task.
        """
        if self.workers <= 0:
            return func(*args)
        self._fill()
        task = Task(next(self._ticket), func, args, site,
                    asyncio.get_running_loop().create_future(),
                    heavy=_carried(args) >= HEAVY_BYTES)
        self._waiting.append(task)
        self._dispatch()
        return await task.future

    async def extract(self, body: bytes, url: str, charset: str | None,
                      hints: SiteHints, links_only: bool = False,
                      site: str = "") -> SimpleNamespace:
        """The page's fields (and links); ``links_only`` for a listing that needs no more."""
        return SimpleNamespace(**await self.run(extract_fields, body, url, charset, hints, links_only,
                                                site=site))

    def close(self) -> None:
        """Stop every worker: an idle one exits at once, a busy one is killed after
        ``CLOSE_GRACE``; tasks not done are cancelled."""
        for task in self._waiting:
            task.future.cancel()
        self._waiting.clear()
        for worker in self._pool:
            worker.hang_up()
        deadline = time.monotonic() + CLOSE_GRACE
        for worker in self._pool:
            worker.stop(grace=max(0.0, deadline - time.monotonic()))
            for task in worker.tasks:
                task.future.cancel()
        self._pool.clear()
        self._busy.clear()

    # -- hand-out ------------------------------------------------------------------------
    def _fill(self) -> None:
        while len(self._pool) < self.workers:
            worker = Worker(self._received, self._lost)
            worker.handed = next(self._ticket)
            self._pool.append(worker)

    def _dispatch(self) -> None:
        """Send waiting tasks to free slots, fairest first; with no slot free, recall a
        queued task of a site that holds more slots than the fairest task's site."""
        self._waiting = [task for task in self._waiting if not task.future.done()]  # cancelled
        while (index := self._fairest()) is not None:
            worker = self._free_worker()
            if worker is None:
                self._recall_for(self._waiting[index].site)
                return
            self._send(worker, self._waiting.pop(index))

    def _free_worker(self) -> Worker | None:
        now = time.monotonic()
        free = [worker for worker in self._pool if not worker.tasks or (
            len(worker.tasks) < PREFETCH and self._ends_soon(worker, now))]
        return min(free, key=lambda w: (len(w.tasks), w.handed), default=None)

    @staticmethod
    def _ends_soon(worker: Worker, now: float) -> bool:
        """Whether the task *worker* runs looks like a page: a task queued behind it
        would start soon."""
        return worker.warm and not worker.tasks[0].heavy and now - worker.started < LONG_RUN

    def _fairest(self) -> int | None:
        """The waiting task to hand out next; a heavy one only while another worker
        is left for the rest (None: nothing may go)."""
        waiting, busy, served = self._waiting, self._busy, self._served
        heavy_ok = sum(task.heavy for worker in self._pool for task in worker.tasks) < max(
            1, self.workers - 1)
        return min((i for i in range(len(waiting)) if heavy_ok or not waiting[i].heavy),
                   key=lambda i: (busy[waiting[i].site], served.get(waiting[i].site, -1), i),
                   default=None)

    def _recall_for(self, site: str) -> None:
        """Ask every worker holding next a task whose site would still hold more slots
        than *site* without it to give that task back if not started: the first worker
        to finish its running task then has a free slot for *site* (as with no prefetch,
        the waiting task waits for one task, the shortest)."""
        for worker in self._pool:
            if (worker.recalling is None and len(worker.tasks) == PREFETCH
                    and self._busy[worker.tasks[-1].site] - 1 > self._busy[site]):
                worker.recalling = worker.tasks[-1]
                worker.channel.send(pickle.dumps(worker.recalling.ident))

    def _send(self, worker: Worker, task: Task) -> None:
        try:
            data = pickle.dumps((task.ident, task.func, task.args), pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - pickling raises many types; the caller gets it
            task.future.set_exception(exc)
            return
        self._busy[task.site] += 1
        self._served[task.site] = worker.handed = next(self._ticket)
        worker.tasks.append(task)
        worker.channel.send(data)
        if len(worker.tasks) == 1:
            self._start_clock(worker)

    def _start_clock(self, worker: Worker) -> None:
        """The budget of the task the worker starts now (sent earlier if it was queued)."""
        worker.started = time.monotonic()
        if self.timeout:
            worker.clock = asyncio.get_running_loop().call_later(
                self.timeout, self._overstayed, worker)

    # -- outcomes ------------------------------------------------------------------------
    def _received(self, worker: Worker, data: bytes) -> None:
        """A task's answer: its outcome, and the queued tasks the worker gave back."""
        task = worker.tasks.popleft()
        self._busy[task.site] -= 1
        worker.warm = True
        if worker.clock is not None:
            worker.clock.cancel()
            worker.clock = None
        answer = io.BytesIO(data)  # two pickles: each loaded with its own memo
        self._given_back(worker, pickle.load(answer))
        if worker.tasks:
            self._start_clock(worker)  # the one it runs now
        try:
            ok, value = pickle.load(answer)
        except Exception as exc:  # noqa: BLE001 - an exception type not rebuilt here
            ok, value = False, exc
        if task.future.done():  # cancelled by its caller meanwhile
            pass
        elif ok:
            task.future.set_result(value)
        else:
            task.future.set_exception(value)
        self._dispatch()

    def _given_back(self, worker: Worker, idents: list[int]) -> None:
        """Recalled tasks the worker had not started go first to the next free slot; a
        recalled task it started (the recall came too late) is an ordinary one again."""
        back = [task for task in worker.tasks if task.ident in idents]
        for task in back:
            worker.tasks.remove(task)
            self._busy[task.site] -= 1
        self._waiting[:0] = back
        if worker.recalling is not None and (
                worker.recalling in back or worker.tasks[0] is worker.recalling):
            worker.recalling = None

    def _overstayed(self, worker: Worker) -> None:
        self._count("timeout")
        self._retire(worker, ExtractionTimeout(f"over the {self.timeout:g}s budget"))

    def _lost(self, worker: Worker) -> None:
        if worker.gone:  # hung up or stopped by us
            return
        if worker.tasks:
            self._count("crashed")
        self._retire(worker, ExtractionCrashed("extraction worker died"))

    def _retire(self, worker: Worker, error: Exception) -> None:
        """Kill and replace *worker*: its running task fails with *error*, those it had
        not started go first to the next free slots."""
        worker.stop()
        self._pool.remove(worker)
        queued = list(worker.tasks)
        for task in queued:
            self._busy[task.site] -= 1
        if queued and not queued[0].future.done():
            queued[0].future.set_exception(error)
        self._waiting[:0] = queued[1:]
        self._fill()
        self._dispatch()

    def _count(self, what: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"newscrawl/extract/{what}")


def _carried(args: tuple[Any, ...]) -> int:
    """Bytes of body a task carries (its bytes and str arguments)."""
    return sum(len(arg) for arg in args if isinstance(arg, (bytes, str)))


def extract_fields(body: bytes, url: str, charset: str | None, hints: SiteHints,
                   links_only: bool = False, links: bool = True) -> dict[str, Any]:
    """The page's fields; ``words`` counts the extracted body (the article verdict's
    measure). A full extraction's body comes back cleaned, with its ``prepared``
    facts (word count, hash, signature): the reactor process need not compute them.
    ``links=False`` when the caller will follow none of the page's links (an article
    URL): they are not looked for, and would be most of the pickled result."""
    from newscrawl.dedup.prepared import prepare_body
    from newscrawl.extraction import extract_article
    from newscrawl.extraction.wordcount import count_words

    fields = extract_article(body, url, http_charset=charset, hints=hints,
                             links_only=links_only, links=links).to_dict()
    raw, fields["prepared"] = fields["body"], None
    if not links_only:
        fields["body"], fields["prepared"] = prepare_body(raw)
    prepared = fields["prepared"]
    # The cleaned body's count is the raw one's (cleaning drops no words) unless it was cut.
    fields["words"] = (prepared.word_count if prepared is not None and not prepared.capped
                       else count_words(raw))
    return fields

