"""Scale-out on scrapy-redis: N ``scrapy crawl news`` processes share one crawl.

One setting switches it on: ``-s NEWSCRAWL_REDIS_URL=redis://host:port/db``. The
:class:`RedisScaleOut` add-on (``ADDONS``) then applies, from this one place, the
scheduler, dupefilter, safe serializer, acks and claims; the state extension
puts the article state on the same Redis (:mod:`newscrawl.dedup.redis_store`).
In a replay (``-a warc=``) only the claims apply: the WARC paths, not requests, are
shared (:mod:`newscrawl.scaleout.warc`). Without the setting the add-on changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from newscrawl.scaleout.scheduler import KEY_PREFIX, new_worker_id

logger = logging.getLogger(__name__)

PRIORITY = "addon"


class RedisScaleOut:
    """Scrapy add-on: ``ADDONS = {"newscrawl.scaleout.RedisScaleOut": 0}``."""

    def update_settings(self, settings: Any) -> None:
        url = settings.get("NEWSCRAWL_REDIS_URL")
        if not url:
            return
        pkg = "newscrawl.scaleout"
        settings.set("REDIS_URL", url, priority=PRIORITY)
        if not settings.get("NEWSCRAWL_WORKER_ID"):  # declared "" in settings.py: name this worker
            settings.set("NEWSCRAWL_WORKER_ID", new_worker_id(),  # WARC replays too: two ''
                         priority=settings.getpriority("NEWSCRAWL_WORKER_ID") or PRIORITY)
        if settings.getbool("NEWSCRAWL_REPLAY"):  # WARC paths are shared, not requests
            settings.set_in_component_priority_dict(
                "ITEM_PIPELINES", f"{pkg}.claims.ClaimPipeline", 350)
            logger.info("scale-out of WARC paths on %s as worker %s", url,
                        settings.get("NEWSCRAWL_WORKER_ID"))
            return
        for key, value in {
            "SCHEDULER": f"{pkg}.scheduler.ReliableScheduler",
            "DUPEFILTER_CLASS": f"{pkg}.dupefilter.CanonicalDupeFilter",
            "SCHEDULER_PERSIST": True,  # a crashed crawl resumes from the shared queue
            "SCHEDULER_SERIALIZER": f"{pkg}.serializer",  # JSON, never pickle
            "SCHEDULER_QUEUE_KEY": f"{KEY_PREFIX}:%(spider)s:requests",
            "SCHEDULER_DUPEFILTER_KEY": f"{KEY_PREFIX}:%(spider)s:dupefilter",
        }.items():
            settings.set(key, value, priority=PRIORITY)
        if not settings.get("NEWSCRAWL_REDIS_NEARDUP_KEY"):  # declared empty in the project
            settings.set("NEWSCRAWL_REDIS_NEARDUP_KEY", f"{KEY_PREFIX}:%(spider)s:neardup",
                         priority="project")  # the dedup ledger's shared log of signatures
        for name, path, order in (
                ("SPIDER_MIDDLEWARES", f"{pkg}.middlewares.AckSpiderMiddleware", 1),
                ("DOWNLOADER_MIDDLEWARES", f"{pkg}.middlewares.AckDownloaderMiddleware", 90),
                ("ITEM_PIPELINES", f"{pkg}.claims.ClaimPipeline", 350)):
            settings.set_in_component_priority_dict(name, path, order)
        logger.info("scale-out on %s as worker %s", url, settings.get("NEWSCRAWL_WORKER_ID"))
