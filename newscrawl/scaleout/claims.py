"""One emission per article across workers: a claim in Redis before an item goes out.

Each worker's dedup pipeline knows only its own run and what earlier runs
committed; two workers that reach one article by different URLs (an AMP twin,
a syndicated copy under the same canonical) would both emit it. The first to
claim the canonical URL (and the body hash) emits; a claim held by a dead worker is
taken over, since that worker never made the item durable. The URL is claimed without
its text, as one run emits at most one version of a URL: two workers can extract one
page's text differently (each learns its own site hints), seen in a replay where two
WARC files hold captures of the same page.
"""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured
from scrapy_redis.connection import get_redis_from_settings

from newscrawl.exceptions import DuplicateArticle
from newscrawl.scaleout.queue import Keys
from newscrawl.scaleout.scheduler import KEY_PREFIX

logger = logging.getLogger(__name__)


class ClaimPipeline:
    """ITEM_PIPELINES entry after DeduplicatePipeline when NEWSCRAWL_REDIS_URL is set."""

    def __init__(self, server: Any, keys: Keys, worker: str, stats: Any) -> None:
        self.server, self.keys, self.worker, self.stats = server, keys, worker, stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ClaimPipeline:
        settings = crawler.settings
        if not settings.get("NEWSCRAWL_REDIS_URL"):
            raise NotConfigured
        return cls(get_redis_from_settings(settings), Keys(KEY_PREFIX, crawler.spidercls.name),
                   settings.get("NEWSCRAWL_WORKER_ID"), crawler.stats)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        digest = adapter.get("content_hash") or ""
        for claim in (f"url:{adapter.get('canonical_url')}", f"body:{digest}"):
            owner = self._claim(claim)
            if owner is not None:
                self.stats.inc_value("newscrawl/scaleout/claimed_elsewhere")
                raise DuplicateArticle(f"emitted by worker {owner}: {adapter.get('url')}")
        return item

    def _claim(self, claim: str) -> str | None:
        """None when this worker may emit; else the live worker that already did."""
        if self.server.hsetnx(self.keys.claims, claim, self.worker):
            return None
        owner = self.server.hget(self.keys.claims, claim)
        owner = owner.decode() if isinstance(owner, bytes) else owner
        if owner == self.worker or not self.server.exists(self.keys.alive(owner)):
            self.server.hset(self.keys.claims, claim, self.worker)
            return None
        return owner
