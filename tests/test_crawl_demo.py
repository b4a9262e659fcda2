"""End to end: `scrapy crawl news` over the offline demo network, run like cron runs it."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import run_crawl

from newscrawl.dedup import canonicalize_url

pytestmark = pytest.mark.e2e


def article_paths(net) -> set[str]:
    """Every path under which some demo article is reachable (canonical and variants)."""
    urls = [t["url"] for t in net.truth()]
    for canonical, variants in net.url_variants().items():
        urls += [canonical, *variants]
    return {_path(u) for u in urls}


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.port}{parts.path}" + (f"?{parts.query}" if parts.query else "")


def requested_article_paths(net) -> list[str]:
    wanted = article_paths(net)
    out = []
    for record in net.requests:
        port = next(urlsplit(s.url).port for s in net.sites if s.name == record.site)
        key = f"{port}{record.path}"
        if key in wanted or key.split("?")[0] in wanted:
            out.append(key)
    return out


def test_cron_cycle_first_second_and_changed_run(demo, tmp_path: Path) -> None:
    truth = {canonicalize_url(t["url"]): t for t in demo.truth()}
    non_articles = {canonicalize_url(u) for u in demo.non_article_urls()}

    demo.reset_log()
    first = run_crawl(tmp_path, registry=demo.registry_path)
    assert first.returncode == 0, first.stderr[-2000:]
    keys = Counter(canonicalize_url(i["canonical_url"]) for i in first.items)
    print(f"first run: {len(first.items)} items, {len(truth)} demo articles")
    assert set(keys) == set(truth), (set(truth) - set(keys), set(keys) - set(truth))
    assert max(keys.values()) == 1
    assert not set(keys) & non_articles
    hidden = {_path(u) for u in demo.hidden_urls()}
    assert not [r for r in demo.requests if any(h.endswith(r.path) for h in hidden)]
    for item in first.items:
        expected = truth[canonicalize_url(item["canonical_url"])]
        assert item["title"] == expected["title"]
        assert item["body"] == expected["body"]
        assert sorted(item["authors"]) == sorted(expected["authors"])
        assert item["version"] == 1 and item["updated"] is False

    demo.reset_log()
    second = run_crawl(tmp_path, registry=demo.registry_path)
    assert second.returncode == 0, second.stderr[-2000:]
    refetched = requested_article_paths(demo)
    print(f"second run: {len(second.items)} items, {len(refetched)} article requests")
    assert second.items == [] and second.feed is not None
    assert refetched == []

    changed = next(t for t in demo.truth() if t["site"] == "lahore-ledger")
    new_truth = demo.edit_article(changed["site"], changed["url"])
    demo.reset_log()
    third = run_crawl(tmp_path, registry=demo.registry_path)
    assert third.returncode == 0, third.stderr[-2000:]
    print(third.stderr[-6000:])
    assert [canonicalize_url(i["canonical_url"]) for i in third.items] == [
        canonicalize_url(changed["url"])]
    assert third.items[0]["version"] == 2 and third.items[0]["updated"] is True
    assert third.items[0]["body"] == new_truth["body"]


def test_output_file_option_and_fresh(demo, tmp_path: Path) -> None:
    target = tmp_path / "all.jsonl"
    result = run_crawl(tmp_path, "-O", str(target), registry=demo.registry_path)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [json.loads(line) for line in target.open(encoding="utf-8")]
    assert len(rows) == len(demo.truth())
    assert "aliases" not in rows[0] and "lastmod" not in rows[0]
    assert any(not r["body"].isascii() for r in rows)  # UTF-8, not ASCII-escaped
    assert "\\u" not in target.read_text(encoding="utf-8")
    again = run_crawl(tmp_path, "-a", "fresh=1", registry=demo.registry_path)
    assert again.returncode == 0
    assert len(again.items) == len(demo.truth())


def test_site_filter_and_max_articles(demo, tmp_path: Path) -> None:
    one = demo.sites[0].name
    result = run_crawl(tmp_path, "-a", f"site={one}", "-a", "max_articles=3",
                       registry=demo.registry_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert {i["site"] for i in result.items} == {one}
    assert len(result.items) == 3
    bad = run_crawl(tmp_path, "-a", "site=nope", registry=demo.registry_path)
    assert bad.returncode == 2 and "no site named nope" in bad.stderr


def test_adhoc_url_discovery_only(demo, tmp_path: Path) -> None:
    site = demo.sites[1]
    result = run_crawl(tmp_path, "-a", f"url={site.url}")
    assert result.returncode == 0, result.stderr[-2000:]
    expected = {canonicalize_url(t["url"]) for t in demo.truth() if t["site"] == site.name}
    assert {canonicalize_url(i["canonical_url"]) for i in result.items} == expected


def test_syndicated_copies_linked_precision_recall(demo, tmp_path: Path) -> None:
    """Pairs of items sharing a story_id vs pairs the demo says are one story."""
    from itertools import combinations

    result = run_crawl(tmp_path, registry=demo.registry_path)
    assert result.returncode == 0, result.stderr[-2000:]
    story = {canonicalize_url(t["url"]): t["story"] for t in demo.truth()}
    rows = [(canonicalize_url(i["canonical_url"]), i) for i in result.items]
    tp = fp = fn = 0
    for (ka, a), (kb, b) in combinations(rows, 2):
        predicted = a["story_id"] == b["story_id"]
        actual = story[ka] is not None and story[ka] == story[kb]
        tp += predicted and actual
        fp += predicted and not actual
        fn += actual and not predicted
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    groups = {s for s in story.values() if s}
    print(f"duplicate detection on the demo: {len(groups)} stories, {tp} linked pairs, "
          f"precision {precision:.3f}, recall {recall:.3f}")
    assert tp > 0 and precision >= 0.98 and recall >= 0.98
    firsts = {i["story_id"]: k for k, i in rows if i["duplicate_of"] is None}
    for key, item in rows:
        if item["duplicate_of"]:
            assert canonicalize_url(item["duplicate_of"]) == firsts[item["story_id"]]


def test_since_bounds_the_run(demo, tmp_path: Path) -> None:
    from datetime import datetime, timezone

    since = datetime(2026, 3, 10, tzinfo=timezone.utc)
    expected = {canonicalize_url(t["url"]) for t in demo.truth()
                if datetime.fromisoformat(t["published"]) >= since}
    demo.reset_log()
    result = run_crawl(tmp_path, "-a", "since=2026-03-10", registry=demo.registry_path)
    assert result.returncode == 0, result.stderr[-2000:]
    got = {canonicalize_url(i["canonical_url"]) for i in result.items}
    print(f"since=2026-03-10: {len(got)} items of {len(demo.truth())} demo articles")
    assert got == expected and 0 < len(got) < len(demo.truth())
    bad = run_crawl(tmp_path, "-a", "since=last-week", registry=demo.registry_path)
    assert bad.returncode == 2 and "since" in bad.stderr


def test_near_duplicates_can_be_dropped(demo, tmp_path: Path) -> None:
    result = run_crawl(tmp_path, "-s", "NEWSCRAWL_NEAR_DUPLICATES=drop", registry=demo.registry_path)
    assert result.returncode == 0, result.stderr[-2000:]
    truth = demo.truth()
    stories = {t["story"] for t in truth if t["story"]}
    copies = sum(1 for t in truth if t["story"])
    print(f"drop mode: {len(result.items)} items = {len(truth)} articles - "
          f"{copies - len(stories)} later copies")
    assert len(result.items) == len(truth) - (copies - len(stories))
    assert all(i["duplicate_of"] is None for i in result.items)
    assert len({i["story_id"] for i in result.items}) == len(result.items)
