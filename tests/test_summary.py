"""The run summary: per-site and total figures, logged and written beside the feed."""

from __future__ import annotations

import json
import logging
import os
import subprocess
from pathlib import Path

import pytest
from conftest import crawl_settings, run_scrapy
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from newscrawl.exceptions import DuplicateArticle, MissingContent, UnchangedArticle
from newscrawl.extensions.summary import (
    RunSummary,
    build_summary,
    figures_from_stats,
    format_summary,
    item_fields,
    summary_path,
)
from newscrawl.items import Article

BODY = " ".join(["word"] * 60)


def article(site: str, n: int, **extra: object) -> Article:
    return Article(url=f"http://127.0.0.1:1/{site}/{n}.html", site=site, title=f"T{n}",
                   body=BODY, word_count=60, **extra)


def make_summary(settings: dict | None = None) -> RunSummary:
    crawler = get_crawler(settings_dict={"NEWSCRAWL_PROGRESS_INTERVAL": 0, **(settings or {})})
    crawler.stats.open_spider()
    return RunSummary.from_crawler(crawler)


def feed_a_run(ext: RunSummary) -> None:
    """Two sites: alpha with two new items, an update and drops; beta with an error page."""
    for site, kind in (("alpha", "page"), ("alpha", "page"), ("alpha", "sitemap"),
                       ("beta", "page")):
        request = Request(f"http://127.0.0.1:1/{site}", meta={"newscrawl_site": site,
                                                              "newscrawl_kind": kind})
        ext.request_scheduled(request, None)
        ext.response_received(Response(request.url, status=200 if site == "alpha" else 500),
                              request, None)
    ext.item_scraped(article("alpha", 1, published="2024-01-01", authors=["A"]), None, None)
    ext.item_scraped(article("alpha", 2, duplicate_of="http://x/1"), None, None)
    ext.item_scraped(article("alpha", 3, updated=True, version=2), None, None)
    ext.item_dropped(article("alpha", 4), None, DuplicateArticle("dup"), None)
    ext.item_dropped(article("alpha", 5), None, UnchangedArticle("same"), None)
    ext.item_dropped(Article(url="http://127.0.0.1:1/beta/x", site="beta"), None,
                     MissingContent("no body"), None)
    ext.stats.inc_value("newscrawl/site/beta/errors")
    ext.stats.inc_value("newscrawl/errors/page/HttpError")
    ext.stats.inc_value("item_scraped_count", 3)
    ext.stats.inc_value("item_dropped_reasons_count/DuplicateArticle")


def test_item_fields_measure_coverage() -> None:
    full = article("a", 1, published="2024-01-01", authors=["X"])
    assert item_fields(full, 40) == ["title", "published", "authors", "body"]
    short = Article(url="u", site="a", title="T", body="three short words", word_count=3)
    assert item_fields(short, 40) == ["title"]


def test_per_site_figures() -> None:
    ext = make_summary()
    feed_a_run(ext)
    sites = figures_from_stats(ext.stats.get_stats())
    alpha, beta = sites["alpha"], sites["beta"]
    assert (alpha["discovered"], alpha["fetched"], alpha["pages"]) == (2, 3, 2)
    assert (alpha["articles"], alpha["items"], alpha["new"], alpha["updated"]) == (5, 3, 2, 1)
    assert (alpha["duplicates"], alpha["near_duplicates"], alpha["unchanged"]) == (1, 1, 1)
    assert alpha["dropped"] == {"DuplicateArticle": 1, "UnchangedArticle": 1}
    assert alpha["coverage"] == {"title": 1.0, "published": 0.2, "authors": 0.2, "body": 1.0}
    assert beta["status"] == {"500": 1} and beta["errors"] == 1
    assert beta["dropped"] == {"MissingContent": 1} and beta["coverage"]["title"] == 0.0


def test_summary_json_beside_the_feed(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    feed = tmp_path / "2024-01-01T00-00-00Z.jsonl"
    feed.write_text('{"a": 1}\n{"a": 2}\n{"a": 3}\n', encoding="utf-8")
    ext = make_summary()
    feed_a_run(ext)
    with caplog.at_level(logging.INFO, logger="newscrawl.extensions.summary"):
        ext.write(feed)
        assert "TOTAL" not in caplog.text  # the table waits for the engine to stop
        ext.engine_stopped()
        ext.engine_stopped()
    assert caplog.text.count("TOTAL") == 1
    written = json.loads(summary_path(feed).read_text(encoding="utf-8"))
    assert summary_path(feed).name == "2024-01-01T00-00-00Z.stats.json"
    assert written["total"]["items"] == 3 == written["total"]["feed_lines"]
    assert set(written["sites"]) == {"alpha", "beta"}
    assert written["sites"]["alpha"]["new"] == 2
    assert written["total"]["dropped"] == {"DuplicateArticle": 1}
    assert written["total"]["errors_by_kind"] == {"page/HttpError": 1}
    assert "TOTAL" in caplog.text and "alpha" in caplog.text
    assert not list(tmp_path.glob(".*"))  # written atomically: no temporary file left


def test_summary_path_for_user_feeds() -> None:
    assert summary_path(Path("/x/out.jsonl")) == Path("/x/out.stats.json")
    assert summary_path(Path("items.json")) == Path("items.stats.json")


def test_format_summary_is_one_line_per_site() -> None:
    ext = make_summary()
    feed_a_run(ext)
    text = format_summary(build_summary(ext.stats.get_stats(), None, 1.0))
    lines = text.splitlines()
    assert lines[1].split()[:3] == ["site", "found", "fetched"]
    assert [line.split()[0] for line in lines[2:5]] == ["alpha", "beta", "TOTAL"]


def test_progress_lines_name_each_site(caplog: pytest.LogCaptureFixture) -> None:
    ext = make_summary()
    feed_a_run(ext)
    with caplog.at_level(logging.INFO, logger="newscrawl.extensions.summary"):
        ext.log_progress()
    assert "alpha: found 2, fetched 3, articles 5, new 2" in caplog.text
    assert "beta: found 1" in caplog.text


def _crawl(tmp_path: Path, registry: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_scrapy("crawl", "news", "-a", f"sites={registry}", *extra,
                      settings=crawl_settings(tmp_path / "out", tmp_path / "state"))


@pytest.mark.e2e
def test_e2e_demo_run_writes_summary_for_default_and_user_feeds(tmp_path: Path) -> None:
    demo = pytest.importorskip("newscrawl.demo")
    with demo.DemoNetwork(base_port=0) as network:
        registry = tmp_path / "demo.yaml"
        network.write_registry(registry)
        proc = _crawl(tmp_path, registry)
        assert proc.returncode == 0, proc.stderr[-3000:]
        out = tmp_path / "user.jsonl"
        user = _crawl(tmp_path, registry, "-a", "fresh=1", "-O", str(out))
        assert user.returncode == 0, user.stderr[-3000:]
    (feed,) = (tmp_path / "out" / "news").glob("*.jsonl")
    summary = json.loads(summary_path(feed).read_text(encoding="utf-8"))
    lines = feed.read_text(encoding="utf-8").splitlines()
    assert summary["total"]["items"] == len(lines) > 0
    assert set(summary["sites"]) == {s for s in (json.loads(x)["site"] for x in lines)} | set(
        summary["sites"])
    assert sum(s["items"] for s in summary["sites"].values()) == len(lines)
    assert "run summary" in proc.stderr
    user_summary = json.loads((tmp_path / "user.stats.json").read_text(encoding="utf-8"))
    assert user_summary["total"]["items"] == len(out.read_text(encoding="utf-8").splitlines())


def test_a_feed_that_is_not_a_regular_file_is_not_counted(tmp_path: Path) -> None:
    """``-O`` into a FIFO (or /dev/full): counting its lines read forever (a FIFO with no
    writer blocks; /dev/full's zeros grew one line to 23 GB in a run)."""
    fifo = tmp_path / "feed.fifo"
    os.mkfifo(fifo)
    ext = make_summary()
    feed_a_run(ext)
    written = ext.write(fifo)
    assert written["total"]["items"] == 3 and "feed_lines" not in written["total"]


def test_no_summary_file_is_written_beside_a_device_or_fifo_feed(tmp_path: Path) -> None:
    """``-O /dev/stdout`` wrote ``/dev/stdout.stats.json`` (as root: a file in /dev);
    such a feed's summary is only logged, as for ``-o -``. A new file's is written."""
    from scrapy.utils.test import get_crawler

    from newscrawl.extensions.summary import RunSummary

    fifo = tmp_path / "feed.fifo"
    os.mkfifo(fifo)
    for target, expected in ((fifo, None), (Path("/dev/stdout"), None),
                             (tmp_path / "new.jsonl", tmp_path / "new.jsonl")):
        crawler = get_crawler(settings_dict={"FEEDS": {str(target): {"format": "jsonlines"}}})
        assert RunSummary.from_crawler(crawler).user_feed == expected
