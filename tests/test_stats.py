"""DirectStatsCollector: Scrapy's in-memory stats, read and written without the wrapper."""

from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from newscrawl import settings
from newscrawl.stats import DirectStatsCollector


def _same_calls(stats) -> dict:
    stats.inc_value("a")
    stats.inc_value("a", 2)
    stats.inc_value("b", start=10)
    stats.max_value("m", 3)
    stats.max_value("m", 1)
    stats.min_value("n", 5)
    stats.min_value("n", 2)
    stats.set_value("s", "x")
    return dict(stats.get_stats()) | {"get": stats.get_value("a"), "none": stats.get_value("z", 7)}


def test_counts_like_scrapys_collector():
    crawler = get_crawler()
    assert _same_calls(DirectStatsCollector(crawler)) == _same_calls(MemoryStatsCollector(crawler))


def test_methods_are_plain_bound_methods():
    stats = DirectStatsCollector(get_crawler())
    assert stats.inc_value.__func__ is MemoryStatsCollector.inc_value  # no per-call wrapper


def test_is_the_crawls_stats_class():
    crawler = get_crawler(settings_dict={"STATS_CLASS": settings.STATS_CLASS})
    assert type(crawler.stats) is DirectStatsCollector
