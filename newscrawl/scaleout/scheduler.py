"""The shared scheduler: scrapy-redis's, with reliable pops, liveness and a self-closing worker.

Start-up, under a lock held for milliseconds (never for the run), decides what
this worker does: *join* a crawl other live workers are running, *resume* one a
dead crawl left in the queue (the persisted queue and dupefilter), or start a
*fresh* one (an empty dupefilter, so discovery documents are fetched again; the
article state on Redis still skips what earlier runs emitted).
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from typing import Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from newscrawl.request_meta import ACK_META
from newscrawl.scaleout.queue import Keys, ReliableQueue, ack, requeue

logger = logging.getLogger(__name__)

KEY_PREFIX = "newscrawl"
LOCK_TTL_MS = 10_000
MODES = {"join": "joining the running crawl", "resume": "resuming an interrupted crawl",
         "fresh": "starting a fresh crawl"}


def new_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class ReliableScheduler(Scheduler):
    """SCHEDULER when NEWSCRAWL_REDIS_URL is set (see :mod:`newscrawl.scaleout`)."""

    def __init__(self, server: Any, *, worker: str, heartbeat_ttl: float, idle_grace: float,
                 **kwargs: Any) -> None:
        super().__init__(server, **kwargs)
        self.df: Any = kwargs.get("dupefilter")
        self.worker = worker
        self.heartbeat_ttl = heartbeat_ttl
        self.idle_grace = idle_grace
        self.idle_since: float | None = None
        self.task: LoopingCall | None = None
        self.mode = "fresh"

    @classmethod
    def from_settings(cls, settings: Any) -> ReliableScheduler:
        base = Scheduler.from_settings(settings)
        kwargs = {name: getattr(base, name) for name in (
            "persist", "flush_on_start", "queue_key", "queue_cls", "dupefilter_key",
            "dupefilter_cls", "idle_before_close", "serializer")}
        return cls(base.server, dupefilter=base.df,
                   worker=settings.get("NEWSCRAWL_WORKER_ID") or new_worker_id(),
                   heartbeat_ttl=settings.getfloat("NEWSCRAWL_REDIS_HEARTBEAT", 30.0),
                   idle_grace=settings.getfloat("NEWSCRAWL_REDIS_IDLE_GRACE", 10.0), **kwargs)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ReliableScheduler:
        scheduler = cls.from_settings(crawler.settings)
        scheduler.stats = crawler.stats
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    # -- lifecycle --------------------------------------------------------------------------
    def open(self, spider: Any) -> None:
        self.spider = spider
        self.keys = Keys(KEY_PREFIX, spider.name)
        self.queue = ReliableQueue(self.server, spider, self.keys.queue,
                                   serializer=self.serializer, keys=self.keys,
                                   worker=self.worker)
        if not self.df:
            self.df = load_object(self.dupefilter_cls)(self.server, key=self.keys.dupefilter)
        with self._start_lock():
            self._beat()
            self.server.sadd(self.keys.workers, self.worker)
            recovered = self.recover_dead()
            others = self.live_workers() - {self.worker}
            if others:
                self.mode = "join"
            elif len(self.queue):
                self.mode = "resume"
            else:
                self.mode = "fresh"
                self.server.delete(self.keys.dupefilter, self.keys.claims, self.keys.neardup)
        logger.info("worker %s: %s (%d queued, %d recovered, %d other live workers)",
                    self.worker, MODES[self.mode], len(self.queue), recovered, len(others))
        self.stats.set_value("newscrawl/scaleout/mode", self.mode)
        self.task = LoopingCall(self._tick)
        self.task.start(max(1.0, self.heartbeat_ttl / 3), now=False)

    def close(self, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        own = self.keys.processing(self.worker)
        if reason == "finished":
            self.server.delete(own)  # the engine was idle: every popped request is done
        else:
            moved = requeue(self.server, self.keys, self.worker)
            logger.info("worker %s stopped (%s): %d requests back in the queue",
                        self.worker, reason, moved)
        self.server.srem(self.keys.workers, self.worker)
        self.server.delete(self.keys.alive(self.worker))
        super().close(reason)

    # -- queue ----------------------------------------------------------------------------
    def enqueue_request(self, request: Any) -> bool:
        """A retry or redirect replaces the request it came from: ack the old entry."""
        ack(self.server, self.keys, request.meta.pop(ACK_META, None))
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            self.stats.inc_value("dupefilter/filtered")
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Any:
        request = self.queue.pop()
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    # -- liveness ---------------------------------------------------------------------------
    def _beat(self) -> None:
        self.server.set(self.keys.alive(self.worker), "1", px=int(self.heartbeat_ttl * 1000))

    def _tick(self) -> None:
        try:
            self._beat()
            self.recover_dead()
        except Exception as exc:  # noqa: BLE001 -- a Redis hiccup must not kill the loop
            logger.warning("heartbeat of worker %s failed: %s", self.worker, exc)

    def live_workers(self) -> set[str]:
        members = {m.decode() if isinstance(m, bytes) else m
                   for m in self.server.smembers(self.keys.workers)}
        return {w for w in members if self.server.exists(self.keys.alive(w))}

    def recover_dead(self) -> int:
        """Requeue what workers whose heartbeat expired had taken; forget those workers."""
        moved = 0
        for raw in self.server.smembers(self.keys.workers):
            worker = raw.decode() if isinstance(raw, bytes) else raw
            if worker == self.worker or self.server.exists(self.keys.alive(worker)):
                continue
            count = requeue(self.server, self.keys, worker)
            self.server.srem(self.keys.workers, worker)
            if count:
                logger.warning("worker %s is gone: %d of its requests back in the queue",
                               worker, count)
                self.stats.inc_value("newscrawl/scaleout/recovered", count)
            moved += count
        return moved

    def spider_idle(self, spider: Any) -> None:
        """Close only when the shared queue is empty, nobody is busy, and a grace has passed."""
        self.server.delete(self.keys.processing(self.worker))
        self.recover_dead()
        busy = len(self.queue) > 0 or any(
            self.server.hlen(self.keys.processing(w)) for w in self.live_workers())
        now = time.monotonic()
        if busy:
            self.idle_since = None
            raise DontCloseSpider
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.idle_grace:
            raise DontCloseSpider
        logger.info("worker %s: shared queue drained, closing", self.worker)

    # -- start lock -------------------------------------------------------------------------
    def _start_lock(self) -> _StartLock:
        return _StartLock(self.server, self.keys.start_lock, self.worker)


class _StartLock:
    """Serialises the join/resume/fresh decision of workers starting together."""

    def __init__(self, server: Any, key: str, owner: str) -> None:
        self.server, self.key, self.owner = server, key, owner

    def __enter__(self) -> None:
        deadline = time.monotonic() + LOCK_TTL_MS / 1000 * 1.5
        while not self.server.set(self.key, self.owner, nx=True, px=LOCK_TTL_MS):
            if time.monotonic() > deadline:
                logger.warning("start lock %s held too long; going ahead", self.key)
                return
            time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        value = self.server.get(self.key)
        if value in (self.owner, self.owner.encode()):
            self.server.delete(self.key)
