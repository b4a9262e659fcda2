"""Requests that must wait are parked outside the downloader, so waiting costs no concurrency.

Scrapy counts every request between the scheduler and the network against the
global ``CONCURRENT_REQUESTS``: a request held in a middleware (a Retry-After
wait) or queued in its site's slot (a long Crawl-delay) occupies one of the 32
places every other site needs. One rate-limited site then holds all the others.
Here a request that has to wait goes back out of the downloader (a downloader
middleware returns it, Scrapy reschedules it) and is caught at scheduling time
(``request_scheduled``) into a per-site parking lot. It re-enters the scheduler
when its not-before time passes or when a request of its site leaves the
downloader; while anything is parked the spider is kept open.

A released request that a downloader middleware refuses (its site's time budget ran
out while it was parked, or the site was given up) never enters the downloader, so no
request of its site leaves it to release the next one. At idle nothing is in the
downloader, so every due request of every lot is released then: each goes out or is
refused, and the lot drains instead of keeping the spider open to the run's deadline.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest

from newscrawl.request_meta import PARK_META, SENT_BACK_META

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


STAT_PARKED = "newscrawl/parking/parked"
STAT_ABANDONED = "newscrawl/parking/abandoned_at_close"
STAT_RELEASED_AT_IDLE = "newscrawl/parking/released_at_idle"

class ParkingLot:
    """Per downloader slot: parked requests and the earliest time each may leave."""

    def __init__(self, crawler: Crawler, park_full_slots: bool = True) -> None:
        self.crawler = crawler
        # Off for Redis scale-out: a request parked for a busy slot re-entered the shared
        # queue and was fetched twice in the two-worker test (claims protocol); Retry-After
        # parking stays on there.
        self.park_full_slots = park_full_slots
        self._lots: dict[str, deque[tuple[float, Request]]] = {}
        self._timers: dict[str, Any] = {}
        crawler.signals.connect(self._on_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(self._on_left, signal=signals.request_left_downloader)
        crawler.signals.connect(self._on_idle, signal=signals.spider_idle)
        crawler.signals.connect(self._on_closed, signal=signals.spider_closed)

    # -- decisions made in the downloader -------------------------------------------
    def _engine(self) -> Any:
        try:
            return self.crawler.engine
        except RuntimeError:  # Scrapy raises until the crawl starts
            return None

    def slot_is_full(self, request: Request) -> bool:
        """True when the request's site already has its own concurrency in the downloader."""
        if not self.park_full_slots:
            return False
        downloader = getattr(self._engine(), "downloader", None)
        if downloader is None:
            return False
        slot = downloader.slots.get(downloader.get_slot_key(request))
        return slot is not None and len(slot.active) >= max(1, slot.concurrency)

    @staticmethod
    def send_back(request: Request, not_before: float = 0.0) -> Request:
        """The copy of *request* a downloader middleware returns to have it parked."""
        parked = request.replace(dont_filter=True)  # already through the dupefilter once
        parked.meta[PARK_META] = not_before
        parked.meta[SENT_BACK_META] = True
        return parked

    def slot_key(self, request: Request) -> str:
        downloader = getattr(self._engine(), "downloader", None)
        if downloader is None:
            return str(request.meta.get("download_slot", ""))
        return str(downloader.get_slot_key(request))

    # -- signals ---------------------------------------------------------------------
    def _on_scheduled(self, request: Request, spider: Any = None) -> None:
        if PARK_META not in request.meta:
            return
        not_before = request.meta.pop(PARK_META)
        key = self.slot_key(request)
        self._lots.setdefault(key, deque()).append((not_before, request))
        self.crawler.stats.inc_value(STAT_PARKED)
        if not_before > time.monotonic():
            self._arm(key, not_before)
        raise IgnoreRequest("parked")  # the engine then does not enqueue it (not logged)

    def _on_left(self, request: Request, spider: Any = None) -> None:
        self._release(self.slot_key(request), limit=1)

    def _on_idle(self, spider: Any = None) -> None:
        """Release what no departure will release any more (see the module docstring)."""
        counts = {key: self._release(key, limit=None) for key in list(self._lots)}
        released = sum(counts.values())
        if released:
            self.crawler.stats.inc_value(STAT_RELEASED_AT_IDLE, released)
            logger.debug("Released parked requests at idle: %s",
                         {key: n for key, n in counts.items() if n})
        if released or any(self._lots.values()):
            raise DontCloseSpider

    def _on_closed(self, spider: Any = None) -> None:
        abandoned = sum(len(lot) for lot in self._lots.values())
        if abandoned:
            self.crawler.stats.inc_value(STAT_ABANDONED, abandoned)
        for timer in self._timers.values():
            timer.cancel()
        self._lots.clear()
        self._timers.clear()

    # -- release ---------------------------------------------------------------------
    def _arm(self, key: str, when: float) -> None:
        timer = self._timers.get(key)
        if timer is not None and timer.when() <= when:
            return
        if timer is not None:
            timer.cancel()
        loop = asyncio.get_event_loop()
        delay = max(0.0, when - time.monotonic())
        self._timers[key] = loop.call_at(loop.time() + delay, self._on_timer, key)

    def _on_timer(self, key: str) -> None:
        self._timers.pop(key, None)
        self._release(key, limit=None)

    def _release(self, key: str, limit: int | None) -> int:
        """Re-schedule parked requests of *key* whose time has come (at most *limit*); how many."""
        lot = self._lots.get(key)
        engine = self._engine()
        if not lot or engine is None or not engine.running:
            return 0
        now, released, waiting = time.monotonic(), 0, deque()
        while lot and (limit is None or released < limit):
            not_before, request = lot.popleft()
            if not_before > now:
                waiting.append((not_before, request))
                continue
            engine.crawl(request)
            released += 1
        lot.extendleft(reversed(waiting))
        if waiting:
            self._arm(key, min(t for t, _ in waiting))
        return released
