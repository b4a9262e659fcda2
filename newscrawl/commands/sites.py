"""``scrapy sites list|validate|probe``: what a user runs before adding a site to cron.

``probe`` is a short, throw-away crawl with the news spider (temporary state and
output, ``max_articles``), so it shows exactly what the hourly job would see:
the sitemaps and feeds it discovers and a sample of articles with their titles.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any, ClassVar

from scrapy import signals
from scrapy.commands import BaseRunSpiderCommand
from scrapy.exceptions import UsageError

from newscrawl import exitcodes
from newscrawl.request_meta import KIND_META
from newscrawl.sites import RegistryError, Site, load_registry

PROBE_SETTINGS = {
    "SPIDERMON_ENABLED": False,  # a probe is not a run: no exit-code monitors, no health record
    "NEWSCRAWL_SUMMARY_ENABLED": False,
    "NEWSCRAWL_REDIS_URL": "",  # never touch a shared frontier
    "CLOSESPIDER_TIMEOUT": 120,
    "LOG_LEVEL": "WARNING",
}


class Command(BaseRunSpiderCommand):
    requires_project = True

    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return ("list [-a sites=FILE] | validate FILE | "
                "probe NAME|URL [-a sites=FILE] [-a max_articles=N]")

    def short_desc(self) -> str:
        return "List, validate or probe the site registry"

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        """Only ``probe`` crawls: ``list`` and ``validate`` answer without a crawler process,
        whose start-up banner (a dozen lines on stderr) would bury their one line."""
        super().process_options(args, opts)
        self.requires_crawler_process = args[:1] == ["probe"]

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give a subcommand: list, validate or probe")
        action, rest = args[0], args[1:]
        try:
            if action == "list" and not rest:
                self.exitcode = list_sites(opts.spargs.get("sites"))
            elif action == "validate" and len(rest) == 1:
                self.exitcode = validate(rest[0])
            elif action == "probe" and len(rest) == 1:
                self.exitcode = self.probe(rest[0], opts.spargs)
            else:
                raise UsageError(f"usage: scrapy sites {self.syntax()}")
        except (RegistryError, ValueError) as exc:  # ValueError: a bad -a argument
            print(f"newscrawl: error: {exc}", file=sys.stderr)
            self.exitcode = exitcodes.BAD_INPUT

    def probe(self, target: str, spargs: dict[str, Any]) -> int:
        assert self.crawler_process is not None and self.settings is not None
        args = {"fresh": "1", "max_articles": spargs.get("max_articles", "5")}
        if target.startswith(("http://", "https://")):
            args["url"] = target
        else:
            args.update(site=target, **({"sites": spargs["sites"]} if "sites" in spargs else {}))
        from newscrawl.spiders.news import NewsSpider
        NewsSpider.check_arguments(**args)
        with tempfile.TemporaryDirectory(prefix="newscrawl-probe-") as tmp:
            for key, value in dict(PROBE_SETTINGS, NEWSCRAWL_STATE_DIR=f"{tmp}/state",
                                   NEWSCRAWL_OUTPUT_DIR=f"{tmp}/out").items():
                if (self.settings.getpriority(key) or 0) < 40:  # the user's -s still wins
                    self.settings.set(key, value, priority="spider")
            crawler = self._create_crawler("news")
            report = ProbeReport()
            crawler.signals.connect(report.response_received, signal=signals.response_received)
            crawler.signals.connect(report.item_scraped, signal=signals.item_scraped)
            self.crawler_process.crawl(crawler, **args)
            self.crawler_process.start()
        print(report.render(target))
        if not report.statuses:
            return exitcodes.NO_SITE_REACHABLE
        return exitcodes.OK if report.articles else exitcodes.CRAWL_FAILED


class ProbeReport:
    """Collects what the probe crawl saw, by request kind."""

    def __init__(self) -> None:
        self.documents: dict[str, list[tuple[int, str]]] = {"robots": [], "sitemap": [], "feed": []}
        self.articles: list[tuple[str, str]] = []
        self.statuses: list[int] = []
        self.pages = 0

    def response_received(self, response: Any, request: Any, spider: Any) -> None:
        kind = request.meta.get(KIND_META, "")
        self.statuses.append(response.status)
        if kind in self.documents:
            entry = (response.status, response.url)
            if entry not in self.documents[kind]:
                self.documents[kind].append(entry)
        elif kind == "page":
            self.pages += 1

    def item_scraped(self, item: Any, response: Any, spider: Any) -> None:
        self.articles.append((item.url, item.title or ""))

    def render(self, target: str) -> str:
        head = (f"probe of {target}: {len(self.statuses)} responses, "
                f"{self.pages} candidate pages fetched")
        lines = [head]
        for kind, title in (("robots", "robots.txt"), ("sitemap", "sitemaps"), ("feed", "feeds")):
            found = self.documents[kind]
            usable = sum(1 for status, _ in found if status == 200)
            lines.append(f"{title}: {usable} usable of {len(found)} tried")
            lines.extend(f"  {status} {url}" for status, url in found)
        lines.append(f"sample articles: {len(self.articles)}")
        lines.extend(f"  {url}\n      {title}" for url, title in self.articles)
        if not self.statuses:
            lines.append("the site did not answer at all")
        elif not self.articles:
            lines.append("no article found: check article_url_pattern / selectors")
        return "\n".join(lines)


def list_sites(path: str | None) -> int:
    sites = load_registry(path)
    print(f"{len(sites)} sites in {path or 'the default registry'}")
    for site in sites:
        print(describe(site))
    return exitcodes.OK


def describe(site: Site) -> str:
    extras = [f"feeds={len(site.feeds)}", f"sitemaps={len(site.sitemaps)}"]
    extras += [f"{k}={v}" for k in ("language", "region", "timezone", "download_delay")
               if (v := getattr(site, k)) is not None]
    return f"{site.name:<24} {site.url:<40} {' '.join(extras)}"


def validate(path: str) -> int:
    if not Path(path).is_file():
        raise RegistryError(f"{path}: no such file")
    sites = load_registry(path)
    print(f"{path}: OK, {len(sites)} sites ({', '.join(s.name for s in sites)})")
    return exitcodes.OK
