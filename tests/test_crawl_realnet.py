"""End to end on the real-page network: pages the project never saw, 18 sites, many scripts.

First run: every article found, no non-article emitted, robots.txt once per site,
every child of a 36-child sitemap index read, one copy of each syndicated story.
Second run on the unchanged network: not one article or rejected page requested, exit 0.
Then ``-a since`` and ``-a max_articles`` bound what is fetched, not only what is kept.
"""

from __future__ import annotations

import statistics
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import run_crawl
from support.realnet import SKIP_REASON, RealNetwork, available

from newscrawl.discovery.traps import TrapLimits, pagination_depth

pytestmark = pytest.mark.skipif(not available(), reason=SKIP_REASON)


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory):
    with RealNetwork() as network:
        network.registry = network.write_registry(tmp_path_factory.mktemp("realnet") / "s.yaml")
        yield network


def _urls(values) -> set[str]:
    return {unquote(u) for u in values}


def _expected(net: RealNetwork) -> set[str]:
    """Every article, less those the trap guard's documented page-number cap refuses
    (``index-2726.html`` reads as page 2726 of a listing)."""
    cap = TrapLimits().max_page_number
    return {u for u in _urls(net.article_urls()) if (pagination_depth(u) or 0) <= cap}


def test_two_runs_find_every_article_then_fetch_nothing_again(net: RealNetwork, tmp_path: Path):
    net.reset_log()
    first = run_crawl(tmp_path, registry=net.registry, timeout=900)
    assert first.returncode == 0, first.stderr[-3000:]
    got = _urls(i["url"] for i in first.items)
    copies = [(unquote(a), unquote(b)) for a, b in net.syndicated]
    expected = _expected(net) - {b for _, b in copies}
    missing = expected - got - {a for a, _ in copies}
    assert not missing, sorted(missing)
    assert all(len({a, b} & got) == 1 for a, b in copies), copies
    assert not got & _urls(net.non_article_urls())
    assert not got - _urls(net.article_urls())
    robots = Counter(r.site for r in net.requests if r.path == "/robots.txt")
    assert set(robots.values()) == {1} and len(robots) == len(net.sites), robots
    assert not _urls(net.requested_urls()) & _urls(net.hidden_urls())
    wide = next(s for s in net.sites if s.name == "wide-index")
    children = {p for p in wide.routes if p.startswith("/sitemap-post-")}
    fetched = {r.path for r in net.requests if r.site == "wide-index"}
    assert len(children) >= 30 and children <= fetched
    print(f"run 1: {len(got)} articles of {len(expected)} expected, "
          f"{len(net.requested_urls('article'))} article requests, {len(net.requests)} requests")

    net.reset_log()
    second = run_crawl(tmp_path, registry=net.registry, timeout=900)
    assert second.returncode == 0, second.stderr[-3000:]
    assert net.requested_urls("article") == []
    assert second.items == []
    print(f"run 2: {len(net.requests)} requests, 0 of them for articles or rejected pages")


def test_since_bounds_requests_before_they_are_made(net: RealNetwork, tmp_path: Path):
    published = net.published()
    since = statistics.median_low(sorted(published.values())).date()
    net.reset_log()
    result = run_crawl(tmp_path, "-a", f"since={since:%Y-%m-%d}", registry=net.registry,
                       timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    stated = {**net.url_dates(), **net.stated_dates()}
    requested = _urls(net.requested_urls("article"))
    old_known = {u for u, d in stated.items() if d.date() < since}
    old_requested = requested & _urls(old_known)
    old_total = {u for u, d in published.items() if d.date() < since}
    print(f"since={since}: {len(_urls(old_total) & requested)} of {len(old_total)} older "
          f"articles requested; {len(old_requested)} of {len(old_known)} dated by a source")
    assert not old_requested, sorted(old_requested)
    assert all(i["published"] is None or i["published"][:10] >= f"{since}" for i in result.items)


def test_max_articles_bounds_article_requests(net: RealNetwork, tmp_path: Path):
    net.reset_log()
    result = run_crawl(tmp_path, "-a", "max_articles=20", registry=net.registry, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    requests = len(net.requested_urls("article"))
    print(f"max_articles=20: {len(result.items)} items, {requests} article requests")
    assert len(result.items) == 20
    assert requests <= 20 + 8  # one window: CONCURRENT_REQUESTS_PER_DOMAIN=8 of the test run
