"""Spidermon monitors run at spider close: did this run fail in a way cron must hear about?

Each monitor owns one documented exit code (:mod:`newscrawl.exitcodes`); when
several fail, the lowest code wins (the most fundamental failure). The monitors
read the run's stats (see :mod:`newscrawl.extensions.summary`) and, for extraction health,
the per-site coverage history kept in the state. They must not cry wolf: a few
404s, an incremental run that finds nothing new, or a small run are all quiet.
"""

from __future__ import annotations

import logging
import statistics
from typing import Any, ClassVar

from spidermon import Monitor, MonitorSuite, monitors
from spidermon.core.actions import Action

from newscrawl import exitcodes
from newscrawl.extensions.ledger import LedgerExtension
from newscrawl.extensions.summary import HEALTH_FIELDS, IGNORED_ERRORS, figures_from_stats

logger = logging.getLogger(__name__)

COMPLETE_REASONS = ("finished", "closespider_itemcount", "closespider_pagecount",
                    "closespider_timeout")  # runs long enough to judge a site's yield


def _setting(monitor: Any, name: str, default: Any, kind: type = float) -> Any:
    value = monitor.data.crawler.settings.get(name, default)
    return kind(value) if value is not None else default


def _replay(monitor: Any) -> bool:
    return bool(monitor.data.crawler.settings.getbool("NEWSCRAWL_REPLAY"))


def _shared(monitor: Any) -> bool:
    """A scale-out worker: the sites' requests are shared with other workers."""
    return bool(monitor.data.crawler.settings.get("NEWSCRAWL_REDIS_URL"))


def _complete(stats: dict[str, Any]) -> bool:
    return str(stats.get("finish_reason", "finished")) in COMPLETE_REASONS


def reachable_sites(stats: dict[str, Any]) -> list[str]:
    """Sites that answered at least once with something other than a server error."""
    return [name for name, s in figures_from_stats(stats).items()
            if any(int(code) < 500 for code in s["status"])]


def any_answer(stats: dict[str, Any]) -> bool:
    """Scrapy's own status counts: the fallback when the run summary is switched off."""
    prefix = "downloader/response_status_count/"
    return any(k.startswith(prefix) and k[len(prefix):].isdigit() and int(k[len(prefix):]) < 500
               for k in stats)


def error_rate(stats: dict[str, Any]) -> tuple[int, int]:
    """(failed requests, attempted requests); refusals such as robots.txt are not failures."""
    failed = sum(v for k, v in stats.items() if k.startswith("newscrawl/errors/")
                 and k.rsplit("/", 1)[-1] not in IGNORED_ERRORS and isinstance(v, int))
    return failed, int(stats.get("downloader/request_count", 0))


def health_verdict(current: dict[str, float | None], history: list[dict[str, float]], *,
                   min_items: int, warn_drop: float, fail_drop: float,
                   articles: int) -> tuple[str, list[str]]:
    """"ok", "warn" or "fail", with one line per field whose coverage dropped.

    The baseline is the median coverage of earlier runs that had at least
    ``min_items`` articles: one odd run does not move it, and a small run is not judged.
    """
    past = [h for h in history if h.get("articles", 0) >= min_items]
    if articles < min_items or not past:
        return "ok", []
    level, lines = "ok", []
    for name in HEALTH_FIELDS:
        values = [h[name] for h in past if h.get(name) is not None]
        now = current.get(name)
        if not values or now is None:
            continue
        baseline = statistics.median(values)
        drop = baseline - now
        if drop >= fail_drop:
            level = "fail"
        elif drop >= warn_drop and level == "ok":
            level = "warn"
        else:
            continue
        lines.append(f"{name} coverage {now:.0%} (was {baseline:.0%} over {len(values)} runs)")
    return level, lines


def history_of(crawler: Any, site: str, n: int) -> list[dict[str, float]]:
    """Coverage of the site's last ``n`` recorded runs, newest first ([] without a state)."""
    store = _store(crawler)
    if store is None:
        return []
    return [dict(record.coverage) for record in store.health_history(site, n)]


def _store(crawler: Any) -> Any:
    ext = crawler.get_extension(LedgerExtension)
    return ext.ledger.store if ext is not None else None


@monitors.name("No site reachable")
class NoSiteReachableMonitor(Monitor):
    """Not one site answered: network down, DNS broken, or every site blocks us."""

    exit_code = exitcodes.NO_SITE_REACHABLE

    @monitors.name("at least one site answered")
    def test_some_site_answered(self) -> None:
        if _replay(self):
            self.skipTest("a replay (-a warc=) fetches nothing: a file may hold no record of ours")
        stats = self.data.stats
        if not _complete(stats):  # stopped (signal, output failure) before sites could answer
            self.skipTest(f"run ended early ({stats.get('finish_reason')})")
        if _shared(self) and not stats.get("downloader/request_count"):
            self.skipTest("a scale-out worker that was handed no request (its peers had them)")
        self.assertTrue(reachable_sites(stats) or any_answer(stats),
                        "no site answered a single request (network, DNS or blocking)")


@monitors.name("Error rate")
class ErrorRateMonitor(Monitor):
    """Too many requests failed for good (after retries); refusals do not count."""

    exit_code = exitcodes.ERROR_RATE

    @monitors.name("error rate below NEWSCRAWL_MAX_ERROR_RATE")
    def test_error_rate(self) -> None:
        failed, attempted = error_rate(self.data.stats)
        minimum = _setting(self, "NEWSCRAWL_ERROR_RATE_MIN_REQUESTS", 20, int)
        if attempted < minimum:
            self.skipTest(f"only {attempted} requests (< {minimum}): too few to judge")
        limit = _setting(self, "NEWSCRAWL_MAX_ERROR_RATE", 0.25)
        rate = failed / attempted
        self.assertLessEqual(rate, limit, f"{failed} of {attempted} requests failed "
                             f"({rate:.0%} > NEWSCRAWL_MAX_ERROR_RATE {limit:.0%})")


    @monitors.name("no site failed on most of its pages")
    def test_failed_pages(self) -> None:
        """A small run escapes the global rate; a site whose every page fails must not."""
        limit = _setting(self, "NEWSCRAWL_MAX_FAILED_PAGES", 0.5)
        minimum = _setting(self, "NEWSCRAWL_FAILED_PAGES_MIN", 5, int)
        failing = [f"{name} ({s['failed_pages']} of {s['discovered']} pages failed)"
                   for name, s in sorted(figures_from_stats(self.data.stats).items())
                   if s["discovered"] >= minimum and s["failed_pages"] > limit * s["discovered"]]
        self.assertFalse(failing, "sites failing on most pages (> NEWSCRAWL_MAX_FAILED_PAGES "
                         f"{limit:.0%}): " + ", ".join(failing))


@monitors.name("Sites went silent")
class SiteWentSilentMonitor(Monitor):
    """A site that yielded articles before yields none now although it was crawled.

    "Crawled" means: pages never judged before were fetched and none was an article
    (a redesign), or the site did not answer at all. An incremental run that skips
    every known or rejected URL, or only re-checks pages rejected before, or reads
    listings with nothing new, stays quiet.
    """

    exit_code = exitcodes.SITE_WENT_SILENT

    @monitors.name("every productive site still yields articles")
    def test_sites_yield(self) -> None:
        stats = self.data.stats
        if not _complete(stats):
            self.skipTest(f"run ended early ({stats.get('finish_reason')})")
        if _setting(self, "NEWSCRAWL_REDIS_URL", "", str):
            self.skipTest("scale-out: one worker sees only part of each site")
        min_pages = _setting(self, "NEWSCRAWL_SILENT_MIN_PAGES", 5, int)
        figures = figures_from_stats(stats)
        silent = []
        for site in getattr(self.data.spider, "sites", []):
            s = figures.get(site.name) or {"articles": 0, "pages": 0, "status": {}}
            if s["articles"]:
                continue
            answered = any(int(c) < 500 for c in s["status"])
            if not answered and _replay(self):
                continue  # the replayed files held no page of the site: nothing to judge
            if answered and s["pages"] - s.get("rechecked", 0) < min_pages:
                continue  # only known or re-checked pages: an incremental run, not a failure
            history = history_of(self.data.crawler, site.name, 5)
            if any(h.get("articles", 0) > 0 for h in history):
                why = f"no article in {s['pages']} pages" if answered else "unreachable"
                silent.append(f"{site.name} ({why})")
        self.assertFalse(silent, "sites that yielded articles before yield none now: "
                         + ", ".join(silent))


@monitors.name("Schema validation")
class SchemaValidationMonitor(Monitor):
    """Items failed the Article JSON Schema (dropped, so downstream never saw them)."""

    exit_code = exitcodes.SCHEMA_INVALID

    @monitors.name("no item failed schema validation")
    def test_schema_valid(self) -> None:
        invalid = int(self.data.stats.get("item_dropped_reasons_count/InvalidArticle", 0))
        allowed = _setting(self, "NEWSCRAWL_MAX_INVALID_ITEMS", 0, int)
        self.assertLessEqual(invalid, allowed,
                             f"{invalid} items failed schema validation (allowed {allowed})")


@monitors.name("Extraction health")
class ExtractionHealthMonitor(Monitor):
    """A site's field coverage collapsed run over run: the sign of a redesign."""

    exit_code = exitcodes.HEALTH_COLLAPSE

    @monitors.name("field coverage per site holds up")
    def test_coverage(self) -> None:
        options = {"min_items": _setting(self, "NEWSCRAWL_HEALTH_MIN_ITEMS", 5, int),
                   "warn_drop": _setting(self, "NEWSCRAWL_HEALTH_WARN_DROP", 0.2),
                   "fail_drop": _setting(self, "NEWSCRAWL_HEALTH_FAIL_DROP", 0.5)}
        runs = _setting(self, "NEWSCRAWL_HEALTH_RUNS", 5, int)
        failed = []
        for name, s in sorted(figures_from_stats(self.data.stats).items()):
            history = history_of(self.data.crawler, name, runs)
            level, lines = health_verdict(s["coverage"], history, articles=s["articles"],
                                          **options)
            if level == "warn":
                logger.warning("extraction health of %s dropped: %s", name, "; ".join(lines))
                self.data.crawler.stats.inc_value("newscrawl/health/warnings")
            elif level == "fail":
                failed.append(f"{name}: {'; '.join(lines)}")
        self.assertFalse(failed, "extraction coverage collapsed: " + " | ".join(failed))


class SetExitCode(Action):
    """Sets ``newscrawl/exit_code`` to the lowest code among the failed monitors."""

    def run_action(self) -> None:
        codes = [getattr(r.monitor, "exit_code", exitcodes.CRAWL_FAILED)
                 for r in self.result.monitors_failed_results if r.status == "FAIL"]
        if codes:
            stats = self.data.crawler.stats
            current = stats.get_value(exitcodes.STAT)
            stats.set_value(exitcodes.STAT, min(codes + ([current] if current else [])))


class RecordHealth(Action):
    """Stores each site's coverage of this run, after the monitors compared it to the past."""

    def run_action(self) -> None:
        store = _store(self.data.crawler)
        if store is None or not _complete(self.data.stats):
            return
        for name, s in figures_from_stats(self.data.stats).items():
            if s["articles"]:
                coverage = {k: v for k, v in s["coverage"].items() if v is not None}
                store.record_health(name, dict(coverage, articles=float(s["articles"])))


class RunMonitors(MonitorSuite):
    """SPIDERMON_SPIDER_CLOSE_MONITORS: everything cron needs an exit code for."""

    monitors: ClassVar[list[Any]] = [NoSiteReachableMonitor, ErrorRateMonitor,
                                      SiteWentSilentMonitor, SchemaValidationMonitor,
                                      ExtractionHealthMonitor]
    monitors_finished_actions: ClassVar[list[Any]] = [RecordHealth]
    monitors_failed_actions: ClassVar[list[Any]] = [SetExitCode]
