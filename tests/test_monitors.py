"""Each monitor fires on a failing run and stays quiet on a normal one.

Unit tests run the real spidermon suite against fake stats and a real SQLite
state; the end-to-end tests run ``scrapy crawl news`` in a subprocess against
127.0.0.1 only.
"""

from __future__ import annotations

import logging
import socket
import subprocess
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from conftest import crawl_settings, free_port, run_scrapy
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector
from spidermon.contrib.scrapy.runners import SpiderMonitorRunner
from support.faultserver import FaultServer, Reply

from newscrawl import exitcodes
from newscrawl.demo import DemoNetwork
from newscrawl.extensions.monitors import RunMonitors, health_verdict
from newscrawl.middlewares.first_contact import FirstContactMiddleware


class FakeStore:
    def __init__(self, history: dict[str, list[dict[str, float]]] | None = None) -> None:
        self.history = history or {}
        self.recorded: list[tuple[str, dict[str, float]]] = []

    def health_history(self, site: str, n: int = 10) -> list[Any]:
        return [SimpleNamespace(coverage=c) for c in self.history.get(site, [])[:n]]

    def record_health(self, site: str, coverage: dict[str, float], run_id: Any = None) -> None:
        self.recorded.append((site, coverage))


class FakeCrawler:
    def __init__(self, stats: dict[str, Any], store: FakeStore | None, settings: dict[str, Any]):
        self.settings = Settings(settings)
        self.stats = MemoryStatsCollector(SimpleNamespace(settings=self.settings))
        self.stats.set_stats(dict(stats))
        self.store = store

    def get_extension(self, cls: type) -> Any:
        ledger = SimpleNamespace(store=self.store)
        return SimpleNamespace(ledger=ledger) if self.store is not None else None


def run(stats: dict[str, Any], *, history: dict[str, list[dict[str, float]]] | None = None,
        sites: tuple[str, ...] = ("alpha", "beta"), settings: dict[str, Any] | None = None
        ) -> tuple[FakeCrawler, dict[str, str]]:
    """Run the whole suite; return the crawler and {monitor class name: status}."""
    store = FakeStore(history)
    crawler = FakeCrawler(stats, store, settings or {})
    spider = SimpleNamespace(sites=[SimpleNamespace(name=n) for n in sites],
                             log=lambda msg, level=logging.DEBUG: None)
    runner = SpiderMonitorRunner(spider=spider)
    result = runner.run(RunMonitors(crawler=crawler), stats=crawler.stats.get_stats(),
                        crawler=crawler, spider=spider)
    statuses: dict[str, str] = {}
    for r in result.monitor_results:  # a monitor with several tests: its worst result
        name = type(r.monitor).__name__
        if statuses.get(name) not in ("FAIL", "ERROR"):
            statuses[name] = r.status if statuses.get(name) != "SKIPPED" or r.status != "OK" \
                else "SKIPPED"
    return crawler, statuses


def healthy(site: str, articles: int = 20, covered: int | None = None) -> dict[str, int]:
    covered = articles if covered is None else covered
    p = f"newscrawl/site/{site}/"
    return {p + "fetched": articles + 5, p + "pages": articles, p + "status/200": articles + 4,
            p + "status/404": 1, p + "articles": articles, p + "items": articles,
            p + "field/title": articles, p + "field/body": articles,
            p + "field/published": covered, p + "field/authors": covered}


def normal_stats() -> dict[str, Any]:
    stats: dict[str, Any] = {"finish_reason": "finished", "downloader/request_count": 60,
                             "newscrawl/errors/page/HttpError": 2, "item_scraped_count": 40}
    stats.update(healthy("alpha"))
    stats.update(healthy("beta"))
    return stats


PAST = [{"title": 1.0, "body": 1.0, "published": 0.95, "authors": 0.9, "articles": 20.0}] * 3


def test_normal_run_keeps_every_monitor_quiet() -> None:
    crawler, statuses = run(normal_stats(), history={"alpha": PAST, "beta": PAST})
    assert set(statuses.values()) == {"OK"}, statuses
    assert crawler.stats.get_value(exitcodes.STAT) is None
    recorded = dict(crawler.store.recorded)
    assert recorded["alpha"]["published"] == 1.0 and recorded["alpha"]["articles"] == 20.0


def test_no_site_reachable_fires() -> None:
    stats = {"finish_reason": "finished", "downloader/request_count": 4,
             "newscrawl/errors/listing/ConnectionRefusedError": 2,
             "newscrawl/site/alpha/errors": 2, "newscrawl/site/beta/status/503": 3}
    crawler, statuses = run(stats)
    assert statuses["NoSiteReachableMonitor"] == "FAIL"
    assert crawler.stats.get_value(exitcodes.STAT) == exitcodes.NO_SITE_REACHABLE


def test_one_reachable_site_is_enough() -> None:
    stats = {"finish_reason": "finished", "newscrawl/site/beta/status/404": 1}
    _, statuses = run(stats)
    assert statuses["NoSiteReachableMonitor"] == "OK"
    without_summary = {"finish_reason": "finished", "downloader/response_status_count/200": 1}
    assert run(without_summary)[1]["NoSiteReachableMonitor"] == "OK"


def test_error_rate_fires_above_threshold() -> None:
    stats = normal_stats() | {"newscrawl/errors/page/TimeoutError": 30}
    crawler, statuses = run(stats, settings={"NEWSCRAWL_MAX_ERROR_RATE": 0.25})
    assert statuses["ErrorRateMonitor"] == "FAIL"
    assert crawler.stats.get_value(exitcodes.STAT) == exitcodes.ERROR_RATE


def test_error_rate_ignores_refusals_and_small_runs() -> None:
    refused = normal_stats() | {"newscrawl/errors/page/IgnoreRequest": 50}
    assert run(refused)[1]["ErrorRateMonitor"] == "OK"
    tiny = {"finish_reason": "finished", "downloader/request_count": 3,
            "newscrawl/errors/page/HttpError": 2, "newscrawl/site/alpha/status/200": 1}
    assert run(tiny)[1]["ErrorRateMonitor"] == "SKIPPED"


def test_site_went_silent_fires_when_pages_yield_no_article() -> None:
    stats = normal_stats()
    for key in [k for k in stats if k.startswith("newscrawl/site/beta/")]:
        del stats[key]
    stats.update({"newscrawl/site/beta/pages": 12, "newscrawl/site/beta/status/200": 14})
    crawler, statuses = run(stats, history={"alpha": PAST, "beta": PAST})
    assert statuses["SiteWentSilentMonitor"] == "FAIL"
    assert crawler.stats.get_value(exitcodes.STAT) == exitcodes.SITE_WENT_SILENT


def test_site_went_silent_fires_when_a_productive_site_is_down() -> None:
    stats = {k: v for k, v in normal_stats().items() if "/beta/" not in k}
    _, statuses = run(stats, history={"beta": PAST})
    assert statuses["SiteWentSilentMonitor"] == "FAIL"


def test_a_replay_without_records_of_a_site_is_neither_unreachable_nor_silent() -> None:
    """-a warc=: a file with no record of ours (or of one site) says nothing about the sites;
    a replayed site whose pages yield no article still fires."""
    stats = {k: v for k, v in normal_stats().items() if "/beta/" not in k}
    replay = {"NEWSCRAWL_REPLAY": True}
    assert run(stats, history={"beta": PAST}, settings=replay)[1]["SiteWentSilentMonitor"] == "OK"
    nothing = {"finish_reason": "finished", "newscrawl/warc/skipped/offsite": 40}
    _, statuses = run(nothing, history={"alpha": PAST, "beta": PAST}, settings=replay)
    assert statuses["NoSiteReachableMonitor"] == "SKIPPED"
    assert statuses["SiteWentSilentMonitor"] == "OK"
    assert run(nothing)[1]["NoSiteReachableMonitor"] == "FAIL"  # a live run: it fires
    silent = stats | {"newscrawl/site/beta/pages": 12,
                       "newscrawl/site/beta/status/200": 14}
    assert run(silent, history={"beta": PAST}, settings=replay)[1][
        "SiteWentSilentMonitor"] == "FAIL"


def test_incremental_run_with_nothing_new_is_quiet() -> None:
    """Known URLs are skipped before fetching: no pages, no articles, no alarm."""
    stats = {"finish_reason": "finished", "downloader/request_count": 8,
             "newscrawl/site/alpha/status/200": 2, "newscrawl/site/alpha/status/304": 2,
             "newscrawl/site/beta/status/200": 2, "newscrawl/site/beta/status/304": 2}
    crawler, statuses = run(stats, history={"alpha": PAST, "beta": PAST})
    assert set(statuses.values()) <= {"OK", "SKIPPED"}, statuses
    assert crawler.stats.get_value(exitcodes.STAT) is None
    assert crawler.store.recorded == []  # nothing extracted: no coverage to record


def test_new_site_without_history_is_not_silent() -> None:
    stats = {"finish_reason": "finished", "newscrawl/site/alpha/status/200": 30,
             "newscrawl/site/alpha/pages": 25, "newscrawl/site/beta/status/200": 3}
    assert run(stats)[1]["SiteWentSilentMonitor"] == "OK"


def test_schema_validation_fires_on_invalid_items() -> None:
    stats = normal_stats() | {"item_dropped_reasons_count/InvalidArticle": 3}
    crawler, statuses = run(stats, history={"alpha": PAST, "beta": PAST})
    assert statuses["SchemaValidationMonitor"] == "FAIL"
    assert crawler.stats.get_value(exitcodes.STAT) == exitcodes.SCHEMA_INVALID


def test_schema_validation_quiet_without_invalid_items() -> None:
    stats = normal_stats() | {"item_dropped_reasons_count/MissingContent": 3}
    assert run(stats)[1]["SchemaValidationMonitor"] == "OK"


def test_extraction_health_fires_when_coverage_collapses() -> None:
    stats = normal_stats() | healthy("beta", articles=20, covered=2)  # dates/authors: 10 %
    crawler, statuses = run(stats, history={"alpha": PAST, "beta": PAST})
    assert statuses["ExtractionHealthMonitor"] == "FAIL"
    assert crawler.stats.get_value(exitcodes.STAT) == exitcodes.HEALTH_COLLAPSE


def test_extraction_health_warns_on_a_moderate_drop(caplog: pytest.LogCaptureFixture) -> None:
    stats = normal_stats() | healthy("beta", articles=20, covered=13)  # 65 % vs 90-95 %
    with caplog.at_level(logging.WARNING, logger="newscrawl.extensions.monitors"):
        crawler, statuses = run(stats, history={"alpha": PAST, "beta": PAST})
    assert statuses["ExtractionHealthMonitor"] == "OK"
    assert crawler.stats.get_value("newscrawl/health/warnings") == 1
    assert "extraction health of beta dropped" in caplog.text


def test_lowest_code_wins_when_several_monitors_fail() -> None:
    stats = normal_stats() | {"item_dropped_reasons_count/InvalidArticle": 1,
                              "newscrawl/errors/page/TimeoutError": 40}
    crawler, statuses = run(stats)
    assert statuses["ErrorRateMonitor"] == statuses["SchemaValidationMonitor"] == "FAIL"
    assert crawler.stats.get_value(exitcodes.STAT) == exitcodes.ERROR_RATE


def test_site_failing_on_most_pages_fails_a_small_run() -> None:
    """Six pages, all raising in processing: too few requests for the global rate."""
    p = "newscrawl/site/alpha/"
    stats = {"finish_reason": "finished", "downloader/request_count": 9,
             "newscrawl/errors/processing/ImportError": 6, p + "discovered": 6, p + "pages": 6,
             p + "status/200": 9, p + "errors": 6, p + "failed_pages": 6}
    crawler, statuses = run(stats, sites=("alpha",))
    assert statuses["ErrorRateMonitor"] == "FAIL"
    assert crawler.stats.get_value(exitcodes.STAT) == exitcodes.ERROR_RATE


def test_a_few_failed_pages_do_not_fail_the_run() -> None:
    p = "newscrawl/site/alpha/"
    stats = normal_stats() | {p + "discovered": 20, p + "failed_pages": 3}
    _, statuses = run(stats)
    assert statuses["ErrorRateMonitor"] == "OK"


def test_no_site_reachable_is_quiet_when_the_run_stopped_before_any_request() -> None:
    _, statuses = run({"finish_reason": "export_failed", "downloader/request_count": 0})
    assert statuses["NoSiteReachableMonitor"] == "SKIPPED"


def test_health_verdict_needs_enough_items_and_history() -> None:
    now = {"title": 1.0, "body": 1.0, "published": 0.0, "authors": 0.0}
    args = {"min_items": 5, "warn_drop": 0.2, "fail_drop": 0.5}
    assert health_verdict(now, PAST, articles=3, **args)[0] == "ok"  # too small to judge
    assert health_verdict(now, [], articles=30, **args)[0] == "ok"  # first run
    level, lines = health_verdict(now, PAST, articles=30, **args)
    assert level == "fail" and any(line.startswith("published coverage 0%") for line in lines)


def test_first_contact_middleware_shortens_only_until_the_site_answers() -> None:
    from scrapy import Request
    from scrapy.http import Response
    mw = FirstContactMiddleware(MemoryStatsCollector(SimpleNamespace(settings=Settings())),
                                timeout=5.0, retries=1)
    first = Request("http://127.0.0.1:1/robots.txt")
    mw.process_request(first)
    assert first.meta["download_timeout"] == 5.0 and first.meta["max_retry_times"] == 1
    mw.process_response(first, Response("http://127.0.0.1:1/robots.txt"))
    later = Request("http://127.0.0.1:1/news/a.html")
    mw.process_request(later)
    assert "download_timeout" not in later.meta


def test_first_contact_middleware_gives_up_on_a_site_that_never_answered() -> None:
    from scrapy import Request
    from scrapy.exceptions import IgnoreRequest
    stats = MemoryStatsCollector(SimpleNamespace(settings=Settings()))
    mw = FirstContactMiddleware(stats, timeout=5.0, retries=1)
    robots = Request("http://127.0.0.1:2/robots.txt")
    mw.process_request(robots)
    mw.process_exception(robots, TimeoutError("took longer than 5.0 seconds"))
    with pytest.raises(IgnoreRequest):
        mw.process_request(Request("http://127.0.0.1:2/"))
    assert stats.get_value("newscrawl/reachability/refused") == 1
    mw.process_request(Request("http://127.0.0.1:3/"))  # another site is not affected


# -- end to end -------------------------------------------------------------------------

def _crawl(tmp_path: Path, registry: Path, *extra: str, timeout: float = 120) -> tuple[
        subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    proc = run_scrapy("crawl", "news", "-a", f"sites={registry}", *extra, timeout=timeout,
                      settings=crawl_settings(tmp_path / "out", tmp_path / "state"))
    return proc, time.monotonic() - started


@pytest.fixture
def blackhole() -> Any:
    """A port that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(50)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.mark.e2e
def test_e2e_no_site_reachable_exits_with_its_code_within_60s(tmp_path: Path,
                                                                blackhole: int) -> None:
    registry = tmp_path / "down.yaml"
    registry.write_text(
        "sites:\n"
        f"  - {{name: refused, url: 'http://127.0.0.1:{free_port()}/'}}\n"
        f"  - {{name: silent, url: 'http://127.0.0.1:{blackhole}/'}}\n", encoding="utf-8")
    proc, took = _crawl(tmp_path, registry)
    assert proc.returncode == exitcodes.NO_SITE_REACHABLE, proc.stderr[-3000:]
    assert took < 60, f"took {took:.0f}s"
    assert "No site reachable" in proc.stderr


def _faulty_site(fs: Any) -> None:
    """A site whose pages answer 404, 500 and a redirect loop: a normal day on the web."""
    html = {"Content-Type": "text/html; charset=utf-8"}
    links = "".join(f'<a href="/news/2026/03/{n}-story.html">story</a>' for n in
                    ("missing", "broken", "looping"))
    fs.add("faulty", "/robots.txt", lambda fs, p: Reply(200, b"User-agent: *\nAllow: /\n"))
    fs.add("faulty", "/", lambda fs, p: Reply(200, f"<html><body>{links}</body></html>".encode(),
                                                html))
    fs.add("faulty", "/news/2026/03/broken-story.html", lambda fs, p: Reply(500, b"oops", html))
    fs.add("faulty", "/news/2026/03/looping-story.html",
           lambda fs, p: Reply(302, b"", {"Location": "/news/2026/03/looping-story.html"}))


@pytest.mark.e2e
def test_e2e_normal_demo_run_exits_zero_and_incremental_run_too(tmp_path: Path) -> None:
    with DemoNetwork(base_port=0) as network, FaultServer(["faulty"]) as fs:
        _faulty_site(fs)
        registry = tmp_path / "demo.yaml"
        network.write_registry(registry)
        entries = yaml.safe_load(registry.read_text(encoding="utf-8"))
        entries["sites"].append({"name": "faulty", "url": fs.base("faulty") + "/"})
        registry.write_text(yaml.safe_dump(entries), encoding="utf-8")
        first, _ = _crawl(tmp_path, registry)
        assert first.returncode == exitcodes.OK, first.stderr[-3000:]
        second, _ = _crawl(tmp_path, registry)
        assert second.returncode == exitcodes.OK, second.stderr[-3000:]
        statuses = {h.path: h for h in fs.hits_for("faulty")}
    assert {"/news/2026/03/broken-story.html", "/news/2026/03/looping-story.html",
            "/news/2026/03/missing-story.html"} <= set(statuses)
    assert "Extraction health" in first.stderr
