"""One hostile site never stalls, starves or bloats the run (issue 16).

A good site is crawled beside every attack at once: a text/plain homepage and a
sitemap of 40 empty comments, a robots.txt with a 300 KB run of spaces, a 3 MB
homepage of 200,000 attributes, a 40,000-link homepage, a sitemap index of
6 x 50,000 URLs and a site answering 429 + Retry-After: 30 to its 80 pages. The
good site's articles must be requested about as fast as with no attack at all,
the whole process group must stay under 400 MB, and the attacks must be stopped
by their budgets (not merely survived).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.faultserver import FaultServer
from support.hostile import ATTACKS, GOOD_ARTICLES, LIMITED_ARTICLES, build, good_wait
from test_faults import Crawl, run_crawl

MAX_RSS = 400 * 1024 * 1024
# The rate-limited site's budget leaves room for one Retry-After (30 s) after its first
# pages even when they go out up to 25 s after its first request (with 40 s, one CI run
# saw no retry inside the budget at all; the cause of the late first pages is not known).
SETTINGS = ["-s", "NEWSCRAWL_MAX_DISCOVERED_PER_SITE=200", "-s", "NEWSCRAWL_MAX_SITEMAPS_PER_SITE=3",
            "-s", "NEWSCRAWL_MAX_RETRY_AFTER=60", "-s", "NEWSCRAWL_SITE_MAX_SECONDS=55"]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> float:
    with build([]) as fs:
        run_crawl(fs, tmp_path_factory.mktemp("baseline"), ["good"], *SETTINGS)
        return good_wait(fs)


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FaultServer, Crawl]]:
    roles = sorted(ATTACKS)
    with build(roles) as fs:
        yield fs, run_crawl(fs, tmp_path_factory.mktemp("attacked"), ["good", *roles], *SETTINGS)


def test_good_site_is_not_delayed_by_any_attack(
        baseline: float, attacked: tuple[FaultServer, Crawl]) -> None:
    fs, crawl = attacked
    wait = good_wait(fs)
    print(f"good-site wait: {wait:.2f}s under all attacks, {baseline:.2f}s alone; "
          f"run {crawl.seconds:.1f}s, peak RSS {crawl.peak_rss / 2**20:.0f} MB")
    assert wait < baseline + 5, f"good site waited {wait:.1f}s (alone: {baseline:.1f}s)"
    good_items = [i for i in crawl.items if i["site"] == "good"]
    assert len(good_items) == GOOD_ARTICLES


@pytest.mark.parametrize("attack", ["links", "index"])
def test_peak_rss_stays_bounded_whatever_one_site_serves(
        attack: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The whole process group (reactor, forkserver, workers), one hostile site beside the good one."""
    with build([attack]) as fs:
        crawl = run_crawl(fs, tmp_path_factory.mktemp(attack), ["good", attack], *SETTINGS)
    print(f"{attack}: peak RSS {crawl.peak_rss / 2**20:.0f} MB")
    assert 0 < crawl.peak_rss <= MAX_RSS, f"peak RSS {crawl.peak_rss / 2**20:.0f} MB"


def test_attacks_are_stopped_by_budgets(attacked: tuple[FaultServer, Crawl]) -> None:
    fs, crawl = attacked
    stats = crawl.stats
    assert len(fs.hits_for("links", "/2024/")) <= 200  # discovered-URL cap before building
    assert len({h.path for h in fs.hits_for("index", "/child-")}) <= 3  # child-sitemap budget
    assert len(fs.hits_for("index", "/2024/")) <= 200
    assert stats.get("newscrawl/discovery/budget/urls", 0) > 0
    assert stats.get("newscrawl/errors/page/too_many_attributes", 0) == 1  # the attrs homepage


def test_rate_limited_site_is_held_alone_then_cut_by_its_time_budget(
        attacked: tuple[FaultServer, Crawl]) -> None:
    fs, crawl = attacked
    pages = fs.hits_for("limited", "/2024/")
    first: dict[str, float] = {}
    for hit in pages:
        first.setdefault(hit.path, hit.at)
    retried = [h for h in pages if h.at > first[h.path]]
    assert retried and all(h.at - first[h.path] >= 29 for h in retried)  # Retry-After honoured
    assert any(i["site"] == "limited" for i in crawl.items)  # held, not given up
    assert crawl.stats.get("newscrawl/parking/parked", 0) > 0
    assert crawl.stats.get("newscrawl/budget/site_time/limited", 0) > 0
    assert len(first) < LIMITED_ARTICLES  # the rest was cut by NEWSCRAWL_SITE_MAX_SECONDS


def test_run_ends_cleanly(attacked: tuple[FaultServer, Crawl], tmp_path: Path) -> None:
    _, crawl = attacked
    assert "Traceback" not in crawl.log
    assert crawl.returncode == 0, crawl.log[-3000:]
