"""Input limits on what pages and discovery documents say (issue 16, class 6)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from newscrawl.discovery.links import DEFAULT_THRESHOLDS
from newscrawl.export.files import recover_partial_feeds, remove_stale_temporaries
from newscrawl.items import Article
from newscrawl.pipelines import FIELD_CHARS, LIST_CAPS, CleanPipeline
from newscrawl.sites import Site
from newscrawl.spiders.budgets import DiscoveryBudget
from newscrawl.spiders.frontier import Frontier, FrontierOptions, _changed
from newscrawl.spiders.judge import PageJudge
from newscrawl.spiders.limits import page_too_complex


def _stats() -> MemoryStatsCollector:
    return MemoryStatsCollector(get_crawler())


def test_huge_fields_are_capped_in_bounded_time() -> None:
    stats = _stats()
    item = Article(url="http://a.test/x", site="a", title="word " * 200_000, body="text. " * 10,
                   description="d" * 1_000_000, authors=[f"Author {i}" for i in range(10_000)],
                   tags=[f"tag{i} " * 50 for i in range(5000)])
    start = time.perf_counter()
    CleanPipeline(stats).process_item(item)
    assert time.perf_counter() - start < 2
    assert len(item.title) <= FIELD_CHARS["title"] and item.title.startswith("word word")
    assert len(item.description) <= FIELD_CHARS["description"]
    assert len(item.authors) == LIST_CAPS["authors"][0]
    assert len(item.tags) <= LIST_CAPS["tags"][0]
    assert all(len(t) <= LIST_CAPS["tags"][1] for t in item.tags)
    for name in ("title", "description", "authors", "tags"):
        assert stats.get_value(f"newscrawl/clean/capped/{name}"), name


def test_normal_fields_are_untouched() -> None:
    stats = _stats()
    item = Article(url="http://a.test/x", site="a", title="A short title", body="Body.",
                   authors=["Ann Lee", "Bo Chan"], tags=["city"])
    CleanPipeline(stats).process_item(item)
    assert (item.title, item.authors, item.tags) == ("A short title", ["Ann Lee", "Bo Chan"],
                                                     ["city"])
    assert not any(k.startswith("newscrawl/clean/capped") for k in stats.get_stats())


class _NoState:
    def known(self, key: str) -> None:
        return None

    def validators(self, url: str) -> None:
        return None

    def page_verdict(self, key: str) -> None:
        return None


def test_future_lastmod_is_ignored_not_stored() -> None:
    stats = _stats()
    site = Site(name="a", url="http://a.test/")
    frontier = Frontier([site], stats, _NoState(), FrontierOptions(max_listing_pages=5),
                        PageJudge(stats, DEFAULT_THRESHOLDS),
                        DiscoveryBudget(stats, max_urls=0, max_sitemaps=0,
                                        max_sitemap_failures=0, sitemap_seconds=0))
    future = datetime(2099, 1, 1, tzinfo=UTC)
    assert frontier.page_request("http://a.test/2024/05/01/x.html", site, lastmod=future,
                                 via="sitemap") is not None
    assert frontier.lastmods == {}
    assert stats.get_value("newscrawl/discovery/lastmod/future_ignored") == 1
    now = datetime.now(UTC)
    frontier.page_request("http://a.test/2024/05/01/y.html", site, lastmod=now, via="sitemap")
    assert list(frontier.lastmods.values()) == [now]


def test_a_stored_future_lastmod_does_not_hide_later_updates() -> None:
    real_update = datetime.now(UTC) - timedelta(hours=1)
    assert _changed(real_update, "2099-01-01T00:00:00+00:00")
    assert not _changed(real_update, datetime.now(UTC).isoformat())


def test_discovered_url_budget_is_checked_before_building() -> None:
    stats = _stats()
    site = Site(name="a", url="http://a.test/")
    frontier = Frontier([site], stats, _NoState(), FrontierOptions(max_listing_pages=5),
                        PageJudge(stats, DEFAULT_THRESHOLDS),
                        DiscoveryBudget(stats, max_urls=3, max_sitemaps=0,
                                        max_sitemap_failures=0, sitemap_seconds=0))
    built = [frontier.page_request(f"http://a.test/2024/05/01/s{i}.html", site, via="link")
             for i in range(10)]
    assert sum(r is not None for r in built) == 3
    assert len(frontier.requested) == 3  # refused URLs were never even canonicalised
    assert stats.get_value("newscrawl/discovery/budget/urls") == 7


def test_page_precheck_refuses_floods_and_passes_real_pages() -> None:
    flood = b"<div " + b" ".join(b'a%d="v"' % i for i in range(200_000)) + b">"
    assert page_too_complex(flood) == "too_many_attributes"
    assert page_too_complex(b"<p>x</p>" * 60_000) == "too_many_tags"
    assert page_too_complex(b"<html><body>" + b"<p class='x'>text</p>" * 2000 + b"</body></html>") \
        is None


def test_dangling_part_symlink_is_reported_and_left(tmp_path: Path) -> None:
    link = tmp_path / ".20240101T000000Z.jsonl.part"
    link.symlink_to(tmp_path / "nowhere")
    tmp_link = tmp_path / ".x.123.tmp"
    tmp_link.symlink_to(tmp_path / "nowhere-either")
    assert recover_partial_feeds(tmp_path) == []
    remove_stale_temporaries(tmp_path)
    assert link.is_symlink() and tmp_link.is_symlink()
