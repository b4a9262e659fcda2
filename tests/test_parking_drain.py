"""End-to-end: a parking lot drains when its released requests are refused (no hang).

A request that finds its site's downloader slot full is parked and released, one at
a time, when a request of that site leaves the downloader. A released request that
a downloader middleware refuses (the site's time budget ran out while it was
parked, or the site was given up for a Retry-After beyond the cap) never enters the
slot, so no "left the downloader" follows it: the rest of the lot must still be
released (and refused), and the run must close as finished, not by its
NEWSCRAWL_MAX_RUN_SECONDS deadline. One site, one page at a time, slow pages, so
nearly every article is parked when the cut comes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.faultserver import FaultServer, Reply
from test_faults import Crawl, article_html, run_crawl

pytestmark = pytest.mark.e2e

ARTICLES = 20
PAGE_DELAY = 0.8  # seconds per article: ~4 articles fit in the site's time budget
SITE_SECONDS = 3
MAX_RUN = 40  # a hung run ends here (closespider_timeout)
TEXT = {"Content-Type": "text/html; charset=utf-8"}
SETTINGS = ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "DOWNLOAD_DELAY=0",
            "-s", f"NEWSCRAWL_MAX_RUN_SECONDS={MAX_RUN}", "-s", "NEWSCRAWL_RUN_GRACE=20",
            "-s", "NEWSCRAWL_MAX_RETRY_AFTER=60"]


def _paths() -> list[str]:
    return [f"/2024/05/01/story-{i}.html" for i in range(ARTICLES)]


def _home(fs: FaultServer, path: str) -> Reply:
    links = "".join(f'<a href="{p}">story {i}</a>\n' for i, p in enumerate(_paths()))
    return Reply(200, f"<html><head><title>Home</title></head><body>{links}</body></html>"
                 .encode(), TEXT)


def _slow_article(fs: FaultServer, path: str) -> Reply:
    return Reply(200, article_html(f"Story {path}", "en", path).encode(), TEXT, delay=PAGE_DELAY)


def _gives_up(fs: FaultServer, path: str) -> Reply:
    """Slow articles, then (from the third) a Retry-After far beyond the cap."""
    if fs.count("articles") >= 3:
        return Reply(429, b"", {"Retry-After": "3600"}, delay=PAGE_DELAY)
    return _slow_article(fs, path)


def _crawl(tmp: Path, article: object, *extra: str) -> tuple[FaultServer, Crawl]:
    with FaultServer(["site"]) as fs:
        fs.add("site", "/", _home)
        fs.add("site", "/2024/*", article)  # type: ignore[arg-type]
        crawl = run_crawl(fs, tmp, ["site"], *SETTINGS, *extra)
    return fs, crawl


def _assert_closed_and_drained(crawl: Crawl) -> None:
    closed = [r for r in crawl.records if r["event"] == "closed"]
    assert closed, crawl.log[-3000:]
    print(f"closed '{closed[-1]['reason']}' after {crawl.seconds:.1f}s; "
          f"parked {crawl.stats.get('newscrawl/parking/parked', 0)}, "
          f"released at idle {crawl.stats.get('newscrawl/parking/released_at_idle', 0)}")
    assert closed[-1]["reason"] == "finished", f"run ended by {closed[-1]['reason']}"
    assert crawl.seconds < MAX_RUN
    assert crawl.stats.get("newscrawl/parking/parked", 0) >= ARTICLES // 2  # the lot was used
    assert crawl.stats.get("newscrawl/parking/abandoned_at_close", 0) == 0


def test_lot_drains_when_the_site_time_budget_runs_out(tmp_path: Path) -> None:
    fs, crawl = _crawl(tmp_path, _slow_article, "-s", f"NEWSCRAWL_SITE_MAX_SECONDS={SITE_SECONDS}")
    _assert_closed_and_drained(crawl)
    fetched = {h.path for h in fs.hits_for("site", "/2024/")}
    refused = crawl.stats.get("newscrawl/budget/site_time/site", 0)
    assert 0 < len(fetched) < ARTICLES  # cut by the budget, not crawled to the end
    assert len(fetched) + refused >= ARTICLES  # every article went out or was refused


def test_lot_drains_when_the_site_is_given_up(tmp_path: Path) -> None:
    fs, crawl = _crawl(tmp_path, _gives_up)
    _assert_closed_and_drained(crawl)
    fetched = {h.path for h in fs.hits_for("site", "/2024/")}
    assert crawl.stats.get("newscrawl/retry_after/site_given_up", 0) == 1
    assert 0 < len(fetched) < ARTICLES
    assert len(fetched) + crawl.stats.get("newscrawl/retry_after/dropped", 0) >= ARTICLES
