"""The one generic spider: arguments → sites → discovery requests → article items.

Per site it reads robots.txt ``Sitemap:`` lines (from the robots middleware's one
fetch, or guesses ``/sitemap.xml``),
the registry's sitemaps and feeds, and the homepage (feed autodiscovery and
in-site links to sections and articles). What to fetch is decided by
:mod:`newscrawl.discovery`; what a page says by :mod:`newscrawl.extraction`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from newscrawl.dedup.canonical import site_key
from newscrawl.discovery.feeds import parse_feed
from newscrawl.discovery.links import says_article
from newscrawl.discovery.safexml import clean_http_url
from newscrawl.discovery.sitemaps import parse_sitemap
from newscrawl.extraction.decode import header_charset
from newscrawl.extraction.hints import SiteHints
from newscrawl.items import Article
from newscrawl.request_meta import HOME_META, KIND_META, SITE_META
from newscrawl.scaleout.warc import shared_paths
from newscrawl.since import parse_since
from newscrawl.sites import RegistryError, Site, load_registry, site_from_url
from newscrawl.spiders.extractor import (
    ExtractionCrashed,
    ExtractionTimeout,
    PageExtractor,
    extract_fields,
)
from newscrawl.spiders.frontier import PAUSE, Frontier
from newscrawl.spiders.limits import page_too_complex
from newscrawl.spiders.replay import FETCHED_AT_META, ArchiveReader, expand_paths, replay_request

logger = logging.getLogger(__name__)

STAT_CHARSET_FIXED = "newscrawl/charset/fixed"
REPLAY_SETTINGS = {"NEWSCRAWL_REPLAY": True, "ROBOTSTXT_OBEY": False,
                   "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
                   "NEWSCRAWL_TARGET_RESOLVE_HOSTS": False}


class NewsSpider(scrapy.Spider):
    """``scrapy crawl news [-a sites=FILE] [-a site=A,B] [-a url=HOMEPAGE] [-a since=YYYY-MM-DD]
    [-a max_articles=N] [-a fresh=1] [-a warc=PATH[,PATH…]]``.

    With ``-a warc=`` the pages come from WARC files instead of the network (replay,
    backfill): see :mod:`newscrawl.spiders.replay`.
    """

    name = "news"

    def __init__(self, sites: str | None = None, site: str | None = None, url: str | None = None,
                 since: str | None = None, max_articles: str | int | None = None,
                 fresh: str | None = None, warc: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sites = select_sites(sites, site, url)
        self.warc_paths = expand_paths(warc) if warc else []
        self.since = parse_since(since)
        self.max_articles = int(max_articles) if max_articles else 0
        self.fresh = parse_flag("fresh", fresh)
        self.by_name = {s.name: s for s in self.sites}
        self.hints = {s.name: SiteHints(timezone=s.timezone, selectors=dict(s.selectors),
                                        language=s.language) for s in self.sites}

    ARGUMENTS = ("sites", "site", "url", "since", "max_articles", "fresh", "warc")

    @classmethod
    def check_arguments(cls, sites: str | None = None, site: str | None = None,
                        url: str | None = None, since: str | None = None,
                        max_articles: str | None = None, warc: str | None = None,
                        fresh: str | None = None,
                        **others: Any) -> None:
        """Fail before the crawl starts (the crawl command prints one line, exit 2).

        A typo such as ``-a max_article=20`` would otherwise crawl unbounded; names
        starting with ``_`` are the runner's own (Scrapyd's ``_job``)."""
        unknown = sorted(name for name in others if not name.startswith("_"))
        if unknown:
            raise ValueError(f"-a {unknown[0]}: unknown argument "
                             f"(known: {', '.join(cls.ARGUMENTS)})")
        select_sites(sites, site, url)
        if warc is not None:
            expand_paths(warc)
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
        if spider.warc_paths:  # replay: nothing may reach the network, so nothing to pace
            for name, value in REPLAY_SETTINGS.items():
                settings.set(name, value, priority="cmdline")
        return spider

    # -- start ---------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.frontier = Frontier.from_crawler(self.crawler, self.sites, since=self.since,
                                              max_articles=self.max_articles)
        self.frontier.callbacks = {"sitemap": self.parse_sitemap, "feed": self.parse_feed,
                                   "listing": self.parse_listing, "page": self.parse_page}
        self.frontier.errback = self.on_error
        settings = self.crawler.settings
        self.extractor = PageExtractor(settings.getint("NEWSCRAWL_EXTRACT_WORKERS"),
                                       settings.getfloat("NEWSCRAWL_EXTRACT_TIMEOUT"),
                                       self.crawler.stats)
        self.page_caps = (settings.getint("NEWSCRAWL_MAX_PAGE_TAGS"),
                          settings.getint("NEWSCRAWL_MAX_PAGE_ATTRIBUTES"))
        connect = self.crawler.signals.connect
        connect(self.extractor.close, signals.spider_closed)
        connect(self.robots_parsed, signals.robots_parsed)
        connect(self.item_settled, signals.item_scraped)
        connect(self.item_settled, signals.item_dropped)
        connect(self.spider_idle, signals.spider_idle)
        connect(self.warn_silent_sites, signals.spider_closed)
        if self.warc_paths:
            async for request in self._replay():
                yield request
            return
        for site in self.sites:
            for request in self.frontier.start_requests(site):
                yield request

    async def _replay(self) -> AsyncIterator[scrapy.Request]:
        """One request per usable stored response, pulled only when the engine has room:
        however large the files, a few dozen records are in memory at a time."""
        reader = ArchiveReader(self.sites, self.crawler.stats, since=self.since,
                               max_bytes=self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        engine = self.crawler.engine
        async for path in self._warc_files():
            for stored in reader.responses([path]):
                if engine.needs_backout():
                    await self.crawler.signals.wait_for(signals.scheduler_empty)
                yield replay_request(stored, self.parse_page, self.on_error)

    async def _warc_files(self) -> AsyncIterator[Path]:
        """Every file here, or, with NEWSCRAWL_REDIS_URL, the files the shared list hands out."""
        if self.crawler.settings.get("NEWSCRAWL_REDIS_URL"):
            async for path in shared_paths(self.crawler, self.warc_paths):
                yield path
            return
        for path in self.warc_paths:
            yield path

    def _schedule(self, requests: Any) -> int:
        """Requests born outside a callback (signals) go straight to the engine."""
        count = 0
        for request in requests:
            self.crawler.engine.crawl(request)
            count += 1
        return count

    # -- signals -------------------------------------------------------------------------
    def robots_parsed(self, robotparser: Any, request: scrapy.Request) -> None:
        """The robots middleware read a site's robots.txt (the run's only fetch of it)."""
        site = self.by_name.get(request.meta.get(SITE_META, ""))
        if site is None or site_key(request.url) != site.key:
            return
        listed = getattr(getattr(robotparser, "rp", None), "sitemaps", None) or []
        self._schedule(self.frontier.from_robots(site.name, robots_sitemaps(listed, request.url)))

    def item_settled(self, item: Any, response: Any, spider: Any, **kwargs: Any) -> None:
        self._schedule(self.frontier.page_settled(article="exception" not in kwargs))

    def spider_idle(self) -> None:
        """Held links whose dated sources never answered, or pages waiting on the
        max_articles budget: release them rather than stop with them unfetched."""
        scheduled = self._schedule(self.frontier.budget.idle())
        for site_name, held in self.frontier.gate.release_all().items():
            scheduled += self._schedule(self.frontier.release(site_name, held))
        if scheduled:
            raise DontCloseSpider

    def warn_silent_sites(self, spider: Any, reason: str) -> None:
        self.frontier.judge.warn_silent_sites([s.name for s in self.sites])

    # -- discovery callbacks -------------------------------------------------------------
    async def parse_sitemap(self, response: Response) -> AsyncIterator[scrapy.Request]:
        doc = await self._parse_document(response, "sitemap", parse_sitemap)
        async for request in _cooperatively(self.frontier.from_sitemap(response, doc)):
            yield request

    async def parse_feed(self, response: Response) -> AsyncIterator[scrapy.Request]:
        entries = await self._parse_document(response, "feed", parse_feed)
        async for request in _cooperatively(self.frontier.from_feed(response, entries)):
            yield request

    async def _parse_document(self, response: Response, kind: str, parser: Any) -> Any:
        """A usable sitemap or feed parsed in the worker pool, under its time budget (a
        50,000-URL sitemap takes seconds of lxml: never in the reactor); None otherwise."""
        if not self.frontier.usable(response, kind):
            return None
        site = self.by_name[response.meta[SITE_META]]
        task = partial(parser, **self.frontier.document_options(response))
        try:
            return await self.extractor.run(task, response.body, response.url, site=site.name)
        except (ExtractionTimeout, ExtractionCrashed) as exc:
            self.crawler.stats.inc_value(f"newscrawl/errors/{kind}/{type(exc).__name__}")
            logger.warning("%s %s not parsed: %s", kind, response.url, exc)
            if kind == "sitemap":
                self.frontier.limits.sitemap_failed(site.name)
            return None

    async def parse_listing(self, response: Response) -> AsyncIterator[Any]:
        """A listing's links are followed; a listing-shaped URL that carries an article
        (JSON-LD/og:type and a body: ``/blog/x/index-2726.html``) is also an article."""
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("newscrawl/pages/skipped/not_html")
            return
        if (reason := page_too_complex(response.body, *self.page_caps)) is not None:
            self._page_failed(response, reason)  # bounded before any parse
            return
        if response.status != 200:
            for request in self.frontier.from_listing(response, None):
                yield request
            return
        site = self.by_name[response.meta[SITE_META]]
        charset, hints = _header_charset(response), self.hints[site.name]
        try:
            fields = await self.extractor.extract(response.body, response.url, charset, hints,
                                                  links_only=True, site=site.name)
            self._count_charset(charset, fields)
            full = None
            if not response.meta.get(HOME_META) and says_article(fields):
                full = await self._extract(response, site, charset, links=False)  # has them
        except (ExtractionTimeout, ExtractionCrashed) as exc:
            self._page_failed(response, type(exc).__name__)
            logger.warning("listing %s not parsed: %s", response.url, exc)
            return
        if full is not None and self.frontier.judge.judge_listing(site.name, full):
            yield self._article(response, site, full)
        for request in self.frontier.from_listing(response, fields):
            yield request

    # -- article pages ------------------------------------------------------------------
    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        """Extract a page (in the worker pool); yield an Article if the evidence says so."""
        stats = self.crawler.stats
        site = self.by_name[response.meta[SITE_META]]
        if not isinstance(response, TextResponse):
            stats.inc_value("newscrawl/pages/skipped/not_html")
            for request in self.frontier.page_settled(article=False):
                yield request
            return
        fields = None
        if (reason := page_too_complex(response.body, *self.page_caps)) is not None:
            self._page_failed(response, reason)
        else:
            try:
                charset = _header_charset(response)
                fields = await self._extract(response, site, charset,
                                             links=not self.warc_paths  # a replay follows none
                                             and self.frontier.may_follow(response))
                self._count_charset(charset, fields)
            except (ExtractionTimeout, ExtractionCrashed) as exc:
                self._page_failed(response, type(exc).__name__)
                logger.warning("page %s not extracted: %s", response.url, exc)
        if fields is None:  # its max_articles place goes to another page
            for request in self.frontier.page_settled(article=False):
                yield request
            return
        verdict = self.frontier.judge_page(response, fields)
        if verdict != "article":
            for request in self.frontier.page_settled(article=False):
                yield request
        if verdict == "listing" and not self.warc_paths:  # a replay follows no link
            for request in self.frontier.from_listing(response, fields):
                yield request
            return
        if verdict != "article":
            return
        yield self._article(response, site, fields)

    async def _extract(self, response: TextResponse, site: Site, charset: str | None, *,
                       links: bool) -> SimpleNamespace:
        """A full extraction in the worker pool; without the page's links (most of what
        comes back) when none of them will be followed."""
        if links:
            return await self.extractor.extract(response.body, response.url, charset,
                                                self.hints[site.name], site=site.name)
        return SimpleNamespace(**await self.extractor.run(
            partial(extract_fields, links=False), response.body, response.url, charset,
            self.hints[site.name], site=site.name))

    def _article(self, response: TextResponse, site: Site, fields: Any) -> Article:
        for name, source in fields.provenance.items():
            self.crawler.stats.inc_value(f"newscrawl/extract/source/{name}/{source}")
        aliases = self.frontier.aliases_for(response)
        return Article(
            url=response.url, site=site.name, title=fields.title, body=fields.body,
            canonical_url=self.frontier.canonical_for(response, fields.canonical_url),
            authors=list(fields.authors), published=fields.published, modified=fields.modified,
            language=fields.language or site.language, section=fields.section,
            tags=list(fields.tags), description=fields.description, image=fields.image,
            site_name=fields.site_name, provenance=dict(fields.provenance),
            prepared=fields.prepared,  # describes fields.body, cleaned in the worker
            fetched_at=response.meta.get(FETCHED_AT_META)
            or datetime.now(UTC).isoformat(timespec="seconds"),
            aliases=aliases, lastmod=self.frontier.lastmod_for(aliases),
        )

    def _count_charset(self, header: str | None, fields: Any) -> None:
        """The worker decoded the page in another charset than its Content-Type named:
        the bytes contradicted the header (README: faults, "wrong or missing charset")."""
        if header is not None and fields.encoding != header:
            self.crawler.stats.inc_value(STAT_CHARSET_FIXED)
            self.crawler.stats.inc_value(f"{STAT_CHARSET_FIXED}/{fields.encoding}")

    def _page_failed(self, response: Response, reason: str) -> None:
        """A fetched page that could not be extracted counts as a failed page of its site."""
        site = response.meta.get(SITE_META)
        stats = self.crawler.stats
        stats.inc_value(f"newscrawl/errors/page/{reason}")
        stats.inc_value(f"newscrawl/site/{site}/errors")
        stats.inc_value(f"newscrawl/site/{site}/errors/{reason}")

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
        if kind == "sitemap":
            self.frontier.limits.sitemap_failed(site)
        if kind in ("sitemap", "feed"):  # the child sitemaps and links held behind it go on
            yield from self.frontier.document_done(site)
        elif kind == "page":
            yield from self.frontier.page_settled(article=False)
        elif kind == "listing" and request.meta.get(HOME_META):
            yield from self.frontier.home_failed(site)


def robots_sitemaps(listed: Any, robots_url: str) -> list[str]:
    """Protego's ``Sitemap:`` values as absolute http(s) URLs, once each; a value that
    was not valid UTF-8 (decoded to U+FFFD) is skipped: a mangled URL is a wasted fetch."""
    found: dict[str, None] = {}
    for value in listed:
        url = clean_http_url(str(value).strip(), base=robots_url)
        if url is not None and "\ufffd" not in url:
            found[url] = None
    return list(found)


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
        raise RegistryError(f"-a site: no site named {', '.join(missing)} in the registry "
                            f"(known: {', '.join(known)})")
    return [known[n] for n in wanted]


def parse_flag(name: str, value: str | None) -> bool:
    """``-a fresh=1``: a yes/no argument; anything else is a mistake, not "no"."""
    text = str(value or "0").strip().lower()
    if text not in ("1", "true", "yes", "0", "false", "no"):
        raise ValueError(f"-a {name}: expected 1 or 0 (true/false), got {value!r}")
    return text in ("1", "true", "yes")


async def _cooperatively(requests: Iterator[Any]) -> AsyncIterator[scrapy.Request]:
    """The frontier's requests, handing the reactor back at each PAUSE it yields."""
    for request in requests:
        if request is PAUSE:
            await asyncio.sleep(0)
        else:
            yield request


def _header_charset(response: Response) -> str | None:
    return header_charset(response.headers.get(b"Content-Type"))
