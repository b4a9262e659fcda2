"""Garbage-collector tuning for the reactor process: the crawl's largest hotspot.

Profiling a 5,000-page crawl (``bench/crawl.py``, py-spy ``--native``) showed
``gc_collect_main`` as the top self-time frame of the reactor: Scrapy allocates
short-lived tasks, Deferreds and requests at a high rate, each 700 allocations
start a collection, and the older-generation ones rescan every object the
imports created (Scrapy, Twisted, lxml, trafilatura, jsonschema …), which
never become garbage.  Freezing what exists when the engine starts moves those
objects out of the collector's sight, and a larger young-generation threshold
makes collections rarer; cyclic garbage is still collected, only less often.
"""

from __future__ import annotations

import gc
import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)


class GcTuning:
    """``NEWSCRAWL_GC_THRESHOLD`` (young-generation allocations between collections; 0: off).

    On ``engine_started``: one full collection, ``gc.freeze()``, the new
    thresholds.  On ``engine_stopped`` the previous thresholds come back and the
    frozen objects are collectable again.
    """

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self.previous: tuple[int, int, int] | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> GcTuning:
        threshold = crawler.settings.getint("NEWSCRAWL_GC_THRESHOLD")
        if threshold <= 0:
            raise NotConfigured  # 0: Python's collector defaults, on purpose
        ext = cls(threshold)
        crawler.signals.connect(ext.engine_started, signals.engine_started)
        crawler.signals.connect(ext.engine_stopped, signals.engine_stopped)
        return ext

    def engine_started(self) -> None:
        self.previous = gc.get_threshold()
        gc.collect()
        gc.freeze()
        # keep the older generations' ratios: a full pass per 10 × 10 young ones
        gc.set_threshold(self.threshold, 10, 10)
        logger.debug("gc: %d objects frozen, thresholds %s", gc.get_freeze_count(),
                     gc.get_threshold())

    def engine_stopped(self) -> None:
        if self.previous is not None:
            gc.set_threshold(*self.previous)
            gc.unfreeze()
            self.previous = None
