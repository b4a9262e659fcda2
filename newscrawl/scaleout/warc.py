"""WARC paths shared through Redis: N replay workers, each file replayed by exactly one.

A replay's unit of work is a file, not a URL: its records hold whole responses,
too big for the shared request queue and pointless to spread record by record.
The first worker of a run pushes the expanded paths into a Redis list keyed by
the run (a digest of those paths); each worker moves one path at a time, with
``LMOVE``, into its own processing list, replays it through its local pipeline and
acks it once every request of the file has been handled. Liveness is the
scale-out's own heartbeat key: a worker that dies leaves its path in its
processing list, and whoever notices the expired heartbeat puts it back. Items
meet the shared claims (:mod:`newscrawl.scaleout.claims`) as in a URL crawl.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy_redis.connection import get_redis_from_settings
from twisted.internet.task import LoopingCall

from newscrawl.scaleout.queue import Keys
from newscrawl.scaleout.scheduler import KEY_PREFIX, MODES, _StartLock

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.5  # how often a waiting worker looks at the engine and the shared list


def run_id(paths: list[Path]) -> str:
    """Workers given the same files (in any order) join one run."""
    names = sorted(str(p.resolve()) for p in paths)
    return hashlib.sha1("\n".join(names).encode("utf-8")).hexdigest()[:16]


class PathQueue:
    """The shared list of one run's WARC paths, with per-worker processing lists."""

    def __init__(self, server: Any, keys: Keys, run: str, worker: str, ttl: float) -> None:
        self.server, self.keys, self.worker, self.ttl = server, keys, worker, ttl
        self.base = f"{KEY_PREFIX}:{keys.spider}:warc:{run}"
        self.paths_key = f"{self.base}:paths"
        self.workers_key = f"{self.base}:workers"

    def processing(self, worker: str) -> str:
        return f"{self.base}:processing:{worker}"

    def open(self, paths: list[Path]) -> str:
        """Join a live run, resume a dead one, or start fresh by pushing every path."""
        with _StartLock(self.server, f"{self.base}:startlock", self.worker):
            self.beat()
            self.server.sadd(self.workers_key, self.worker)
            self.recover_dead()
            if self.live_workers() - {self.worker}:
                return "join"
            if self.server.llen(self.paths_key):
                return "resume"
            self.server.rpush(self.paths_key, *(str(p) for p in paths))
            return "fresh"

    def pop(self) -> Path | None:
        raw = self.server.lmove(self.paths_key, self.processing(self.worker), "LEFT", "RIGHT")
        return None if raw is None else Path(raw.decode() if isinstance(raw, bytes) else raw)

    def ack(self, path: Path) -> None:
        self.server.lrem(self.processing(self.worker), 1, str(path))

    def close(self) -> None:
        """Whatever this worker still holds goes back (a stop before a file was done).

        Connected to ``spider_closed``: a stopped crawl may never resume the start iterator.
        """
        self._requeue(self.worker)
        self.server.srem(self.workers_key, self.worker)
        self.server.delete(self.keys.alive(self.worker))

    def beat(self) -> None:
        self.server.set(self.keys.alive(self.worker), "1", px=int(self.ttl * 1000))

    def live_workers(self) -> set[str]:
        members = {m.decode() if isinstance(m, bytes) else m
                   for m in self.server.smembers(self.workers_key)}
        return {w for w in members if self.server.exists(self.keys.alive(w))}

    def others_busy(self) -> bool:
        return any(self.server.llen(self.processing(w))
                   for w in self.live_workers() - {self.worker})

    def recover_dead(self) -> int:
        """Put back the paths of workers whose heartbeat expired; forget those workers."""
        moved = 0
        for raw in self.server.smembers(self.workers_key):
            worker = raw.decode() if isinstance(raw, bytes) else raw
            if worker != self.worker and not self.server.exists(self.keys.alive(worker)):
                count = self._requeue(worker)
                if count:
                    logger.warning("worker %s is gone: %d WARC files back in the list",
                                   worker, count)
                self.server.srem(self.workers_key, worker)
                moved += count
        return moved

    def _requeue(self, worker: str) -> int:
        count = 0
        while self.server.lmove(self.processing(worker), self.paths_key, "RIGHT", "LEFT"):
            count += 1
        return count


def open_queue(crawler: Any, paths: list[Path]) -> PathQueue:
    """This worker's place in the run of these files; closed with the spider."""
    settings = crawler.settings
    queue = PathQueue(get_redis_from_settings(settings), Keys(KEY_PREFIX, crawler.spidercls.name),
                      run_id(paths), settings.get("NEWSCRAWL_WORKER_ID"),
                      settings.getfloat("NEWSCRAWL_REDIS_HEARTBEAT", 30.0))
    mode = queue.open(paths)
    crawler.signals.connect(queue.close, signals.spider_closed, weak=False)
    logger.info("worker %s: %s of %d WARC files (run %s)", queue.worker, MODES[mode],
                len(paths), queue.base.rsplit(":", 1)[-1])
    crawler.stats.set_value("newscrawl/scaleout/mode", mode)
    return queue


async def shared_paths(crawler: Any, paths: list[Path]) -> AsyncIterator[Path]:
    """The files this worker replays: popped one by one, each acked once fully handled."""
    queue = open_queue(crawler, paths)
    heartbeat = LoopingCall(_tick, queue)
    heartbeat.start(max(1.0, queue.ttl / 3), now=False)
    try:
        while True:
            path = queue.pop()
            if path is None:
                if not queue.others_busy():
                    return
                await asyncio.sleep(POLL_SECONDS)  # a busy worker may still die
                continue
            if not path.is_file():  # the files must be at the same path on every worker
                logger.error("worker %s: no WARC file at %s here; skipped", queue.worker, path)
                crawler.stats.inc_value("newscrawl/warc/errors/missing")
                queue.ack(path)
                continue
            logger.info("worker %s: replaying %s", queue.worker, path)
            yield path
            await _drained(crawler.engine)
            queue.ack(path)
            crawler.stats.inc_value("newscrawl/scaleout/warc_files")
    finally:
        if heartbeat.running:
            heartbeat.stop()


def _tick(queue: PathQueue) -> None:
    try:
        queue.beat()
        queue.recover_dead()
    except Exception as exc:  # noqa: BLE001 -- a Redis hiccup must not kill the loop
        logger.warning("heartbeat of worker %s failed: %s", queue.worker, exc)


async def _drained(engine: Any) -> None:
    """Wait until every request yielded so far is handled (the start iterator aside)."""
    while not (engine.scraper.slot.is_idle() and not engine.downloader.active
               and not engine._slot.scheduler.has_pending_requests()):
        await asyncio.sleep(POLL_SECONDS / 5)
