"""The crawler a user would write instead of newscrawl: the benchmark's baseline.

A plain Scrapy ``SitemapSpider`` over one site's sitemap that hands every page
to ``trafilatura.bare_extraction`` and yields whatever comes back; Scrapy's
``-O out.jsonl`` writes it.  No discovery beyond the sitemap, no cleaning,
validation, deduplication or state.  Run by ``bench/crawl.py`` as

    scrapy runspider bench/baseline_spider.py -a sitemap=URL -O out.jsonl
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, ClassVar

import scrapy
import trafilatura
from scrapy.spiders import SitemapSpider

logger = logging.getLogger(__name__)


class BaselineSpider(SitemapSpider):
    """``-a sitemap=URL``: crawl the sitemap (and its index children), extract every page."""

    name = "baseline"
    custom_settings: ClassVar[dict[str, Any]] = {"ROBOTSTXT_OBEY": True, "FEED_EXPORT_ENCODING": "utf-8",
                       "TELNETCONSOLE_ENABLED": False}

    def __init__(self, sitemap: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not sitemap:
            raise ValueError("-a sitemap=URL is required")
        self.sitemap_urls = [sitemap]

    def parse(self, response: scrapy.http.Response) -> Iterator[dict[str, Any]]:
        doc = trafilatura.bare_extraction(response.text, url=response.url, with_metadata=True)
        if doc is None:
            logger.debug("nothing extracted from %s", response.url)
            return
        data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
        yield {k: data.get(k) for k in ("url", "title", "author", "date", "sitename",
                                        "description", "categories", "tags", "text")}
