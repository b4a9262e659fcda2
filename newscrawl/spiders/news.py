"""The one generic spider: arguments → sites → discovery requests → article items.

Per site it reads robots.txt ``Sitemap:`` lines (or guesses ``/sitemap.xml``),
the registry's sitemaps and feeds, and the homepage (feed autodiscovery and
in-site links to sections and articles). What to fetch is decided by
:mod:`newscrawl.discovery`; what a page says by :mod:`newscrawl.extraction`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from newscrawl.extraction.hints import SiteHints
from newscrawl.items import Article
from newscrawl.sites import Site, load_registry, site_from_url
from newscrawl.spiders.extractor import PageExtractor
from newscrawl.spiders.frontier import Frontier, parse_since

logger = logging.getLogger(__name__)

KIND_META = "newscrawl_kind"  # robots | sitemap | feed | listing | page
SITE_META = "newscrawl_site"  # registry name of the site a request belongs to


class NewsSpider(scrapy.Spider):
    """``scrapy crawl news [-a sites=FILE] [-a site=A,B] [-a url=HOMEPAGE] [-a since=YYYY-MM-DD]
    [-a max_articles=N] [-a fresh=1]``."""

    name = "news"

    def __init__(self, sites: str | None = None, site: str | None = None, url: str | None = None,
                 since: str | None = None, max_articles: str | int | None = None,
                 fresh: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sites = select_sites(sites, site, url)
        self.since = parse_since(since)
        self.max_articles = int(max_articles) if max_articles else 0
        self.fresh = parse_flag("fresh", fresh)
        self.by_name = {s.name: s for s in self.sites}
        self.hints = {s.name: SiteHints(timezone=s.timezone, selectors=dict(s.selectors),
                                        language=s.language) for s in self.sites}

    ARGUMENTS = ("sites", "site", "url", "since", "max_articles", "fresh")

    @classmethod
    def check_arguments(cls, sites: str | None = None, site: str | None = None,
                        url: str | None = None, since: str | None = None,
                        max_articles: str | None = None, fresh: str | None = None,
                        **others: Any) -> None:
        """Fail before the crawl starts (the crawl command prints one line, exit 2).

        A typo such as ``-a max_article=20`` would otherwise crawl unbounded; names
        starting with ``_`` are the runner's own (Scrapyd's ``_job``)."""
        unknown = sorted(name for name in others if not name.startswith("_"))
        if unknown:
            raise ValueError(f"-a {unknown[0]}: unknown argument "
                             f"(known: {', '.join(cls.ARGUMENTS)})")
        select_sites(sites, site, url)
        parse_since(since)
        if max_articles is not None and not str(max_articles).isdigit():
            raise ValueError(f"-a max_articles: expected a whole number, got {max_articles!r}")
        parse_flag("fresh", fresh)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        if not kwargs.get("sites") and crawler.settings.get("NEWSCRAWL_SITES"):
            kwargs["sites"] = crawler.settings.get("NEWSCRAWL_SITES")  # cron: from the environment
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if spider.max_articles:
            settings.set("CLOSESPIDER_ITEMCOUNT", spider.max_articles, priority="spider")
        # Per-site politeness from the registry, unless the command line said otherwise.
        if settings.getpriority("DOWNLOAD_DELAY") < 40:  # 40 == "cmdline"
            slots = dict(settings.getdict("DOWNLOAD_SLOTS"))
            for site in spider.sites:
                if site.download_delay is not None:
                    slots.setdefault(site.name, {"delay": site.download_delay})
            settings.set("DOWNLOAD_SLOTS", slots, priority="spider")
        return spider

    # -- start ---------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.frontier = Frontier.from_crawler(self.crawler, self.sites, since=self.since)
        self.extractor = PageExtractor(self.crawler.settings.getint("NEWSCRAWL_EXTRACT_WORKERS"))
        self.crawler.signals.connect(self.extractor.close, signals.spider_closed)
        for site in self.sites:
            for request in self.frontier.start_requests(site):
                yield self._bind(request)

    def _bind(self, request: scrapy.Request) -> scrapy.Request:
        """Attach the callback that matches the request's kind."""
        kind = request.meta[KIND_META]
        callback = {"robots": self.parse_robots, "sitemap": self.parse_sitemap,
                    "feed": self.parse_feed, "listing": self.parse_listing,
                    "page": self.parse_page}[kind]
        return request.replace(callback=callback, errback=self.on_error)

    def _follow(self, requests: Iterator[scrapy.Request]) -> Iterator[scrapy.Request]:
        for request in requests:
            yield self._bind(request)

    # -- discovery callbacks -------------------------------------------------------------
    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        yield from self._follow(self.frontier.from_robots(response))

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        yield from self._follow(self.frontier.from_sitemap(response))

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        yield from self._follow(self.frontier.from_feed(response))

    def parse_listing(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("newscrawl/pages/skipped/not_html")
            return
        yield from self._follow(self.frontier.from_listing(response))

    # -- article pages ------------------------------------------------------------------
    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        """Extract a page (in the worker pool); yield an Article if the evidence says so."""
        stats = self.crawler.stats
        site = self.by_name[response.meta[SITE_META]]
        if not isinstance(response, TextResponse):
            stats.inc_value("newscrawl/pages/skipped/not_html")
            return
        fields = await self.extractor.extract(response.body, response.url,
                                              _header_charset(response), self.hints[site.name])
        verdict = self.frontier.judge_page(response, fields)
        if verdict == "listing":
            for request in self._follow(self.frontier.from_listing(response)):
                yield request
            return
        if verdict != "article":
            return
        for name, source in fields.provenance.items():
            stats.inc_value(f"newscrawl/extract/source/{name}/{source}")
        aliases = self.frontier.aliases_for(response)
        yield Article(
            url=response.url, site=site.name, title=fields.title, body=fields.body,
            canonical_url=self.frontier.canonical_for(response, fields.canonical_url),
            authors=list(fields.authors), published=fields.published, modified=fields.modified,
            language=fields.language or site.language, section=fields.section,
            tags=list(fields.tags), description=fields.description, image=fields.image,
            site_name=fields.site_name, provenance=dict(fields.provenance),
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
            aliases=aliases, lastmod=self.frontier.lastmod_for(aliases),
        )

    def on_error(self, failure: Any) -> Iterator[scrapy.Request]:
        request = failure.request
        kind = request.meta.get(KIND_META, "page")
        site = request.meta.get(SITE_META)
        reason = type(failure.value).__name__
        self.crawler.stats.inc_value(f"newscrawl/errors/{kind}/{reason}")
        # refusals are counted by their own stats; HttpError (an IgnoreRequest) is a failure
        if failure.check(HttpError) or not failure.check(IgnoreRequest):
            self.crawler.stats.inc_value(f"newscrawl/site/{site}/errors")
            self.crawler.stats.inc_value(f"newscrawl/site/{site}/errors/{reason}")
            if kind == "page":  # judged per site by the error-rate monitor
                self.crawler.stats.inc_value(f"newscrawl/site/{site}/failed_pages")
        logger.info("%s %s failed: %s", kind, request.url, failure.getErrorMessage())
        if kind == "sitemap":  # the child sitemaps queued behind it must still come
            yield from self._follow(self.frontier.next_sitemaps(site, 1))


def select_sites(sites: str | None, site: str | None, url: str | None) -> list[Site]:
    """The sites of this run, from the spider arguments (see the class docstring)."""
    if url:
        return [site_from_url(url)]
    registry = load_registry(sites)
    if not site:
        return registry
    wanted = [n.strip() for n in site.split(",") if n.strip()]
    known = {s.name: s for s in registry}
    missing = [n for n in wanted if n not in known]
    if missing:
        from newscrawl.exceptions import RegistryError
        raise RegistryError(f"-a site: no site named {', '.join(missing)} in the registry "
                            f"(known: {', '.join(known)})")
    return [known[n] for n in wanted]


def parse_flag(name: str, value: str | None) -> bool:
    """``-a fresh=1``: a yes/no argument; anything else is a mistake, not "no"."""
    text = str(value or "0").strip().lower()
    if text not in ("1", "true", "yes", "0", "false", "no"):
        raise ValueError(f"-a {name}: expected 1 or 0 (true/false), got {value!r}")
    return text in ("1", "true", "yes")


def _header_charset(response: TextResponse) -> str | None:
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
    if "charset=" in content_type:
        return content_type.split("charset=", 1)[1].split(";")[0].strip(" \"'") or None
    return None
