"""The shared dupefilter: article pages are keyed by their canonical URL.

Two workers may discover one article as ``/a/?utm_source=x`` and ``/a/index.html``;
a request fingerprint tells them apart, the canonical key does not, so every
article URL is requested once across all workers.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from scrapy_redis.dupefilter import RFPDupeFilter

from newscrawl.dedup.canonical import canonicalize_url
from newscrawl.request_meta import KIND_META

logger = logging.getLogger(__name__)


class CanonicalDupeFilter(RFPDupeFilter):
    """DUPEFILTER_CLASS when NEWSCRAWL_REDIS_URL is set."""

    def request_fingerprint(self, request: Any) -> str:
        if request.meta.get(KIND_META) == "page" and request.method == "GET":
            key = canonicalize_url(request.url)
            return "page:" + hashlib.sha1(key.encode("utf-8")).hexdigest()
        return super().request_fingerprint(request)
