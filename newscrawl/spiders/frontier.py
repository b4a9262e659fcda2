"""The frontier: which requests a site's discovery documents lead to.

The spider hands each robots.txt, sitemap, feed and listing response here and
gets the next requests back. Every decision not to fetch is counted under
``newscrawl/discovery/...`` so a user can see why a URL was not requested.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Response, TextResponse

from newscrawl.dedup.canonical import canonicalize_url, resolve_canonical, site_key, strip_tracking
from newscrawl.discovery.feeds import fallback_feed_urls, find_feed_links, parse_feed
from newscrawl.discovery.links import looks_like_article, url_shape
from newscrawl.discovery.sitemaps import parse_sitemap, sitemap_urls_from_robots
from newscrawl.discovery.traps import TrapGuard, strip_session_ids
from newscrawl.discovery.walker import SitemapWalker
from newscrawl.extensions.ledger import LedgerExtension
from newscrawl.extraction.decode import header_charset
from newscrawl.extraction.wordcount import count_words
from newscrawl.request_meta import HOME_META, KIND_META, SITE_META
from newscrawl.sites import RegistryError, Site
from newscrawl.spiders.budgets import DiscoveryBudget

logger = logging.getLogger(__name__)

GUESSED_SITEMAPS = ("/sitemap.xml", "/sitemap_index.xml")
DISCOVERY_PRIORITY = 100  # discovery documents before pages: the frontier fills early
PAGE_PRIORITY = 0
LISTING_PRIORITY = 50
# Child sitemaps of an index are released a few at a time, each after another
# sitemap is done, and wait behind the pages already found: a year of sitemaps
# never sits in the scheduler at once, so memory stays flat however large the
# frontier, and a run stopped by max_articles fetches no more of them.
CHILD_SITEMAP_PRIORITY = -10
SITEMAP_CHAINS = 2  # child sitemaps of one site in flight at once
FUTURE_SLACK = timedelta(days=1)  # lastmods later than now + this are ignored (clock skew allowed)


def parse_since(value: str | None) -> datetime | None:
    """``-a since=YYYY-MM-DD`` → an aware UTC datetime (start of that day)."""
    if not value:
        return None
    try:
        day = datetime.strptime(value.strip(), "%Y-%m-%d")
    except ValueError:
        raise RegistryError(f"-a since: expected YYYY-MM-DD, got {value!r}") from None
    return day.replace(tzinfo=UTC)


class Frontier:
    """Per-run discovery state: requested keys, trap guard, sitemap walker, state look-ups."""

    def __init__(self, sites: list[Site], stats: Any, state: Any, *, since: datetime | None,
                 min_words: int, max_listing_pages: int, depth_limit: int = 0,
                 budget: DiscoveryBudget | None = None, max_links: int = 0) -> None:
        self.sites = {s.name: s for s in sites}
        self.stats = stats
        self.state = state  # the run's dedup ledger (its look-ups miss with -a fresh=1)
        self.since = since
        self.min_words = min_words
        self.depth_limit = depth_limit  # DEPTH_LIMIT: links on a page this deep are not followed
        self.guard = TrapGuard(max_listing_pages=max_listing_pages)
        self.walker = SitemapWalker()
        self.pending_sitemaps: dict[str, deque[str]] = {}  # site -> child sitemaps not yet released
        self.requested: set[str] = set()  # canonical keys of pages requested in this run
        self.lastmods: dict[str, datetime] = {}  # canonical key -> newest sitemap/feed date
        self.validators: dict[str, tuple] = {}  # discovery URL -> (etag, last_modified) seen now
        self.max_links = max_links  # <a> elements read per listing page (0: all)
        self.budget = budget or DiscoveryBudget(stats, max_urls=0, max_sitemaps=0,
                                                max_sitemap_failures=0, sitemap_seconds=0)

    @classmethod
    def from_crawler(cls, crawler: Any, sites: list[Site], *,
                     since: datetime | None) -> Frontier:
        ledger = crawler.get_extension(LedgerExtension).ledger
        frontier = cls(sites, crawler.stats, ledger, since=since,
                       min_words=crawler.settings.getint("NEWSCRAWL_MIN_WORDS"),
                       max_listing_pages=crawler.settings.getint("NEWSCRAWL_MAX_LISTING_PAGES"),
                       depth_limit=crawler.settings.getint("DEPTH_LIMIT"),
                       budget=DiscoveryBudget.from_settings(crawler.settings, crawler.stats),
                       max_links=crawler.settings.getint("NEWSCRAWL_MAX_LINKS_PER_PAGE"))
        crawler.signals.connect(frontier.spider_closed, signals.spider_closed)
        return frontier

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Hand the validators read this run to the ledger (stored if the run completes)."""
        self.state.note_validators(self.validators)

    # -- requests ---------------------------------------------------------------------
    def request(self, url: str, site: Site, kind: str, priority: int | None = None,
                **meta: Any) -> scrapy.Request:
        headers = {}
        known = self.state.validators(url) if kind in ("sitemap", "feed") else None
        if known is not None:
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        if priority is None:
            priority = {"page": PAGE_PRIORITY, "listing": LISTING_PRIORITY}.get(
                kind, DISCOVERY_PRIORITY)
        meta.update({KIND_META: kind, SITE_META: site.name, "download_slot": site.name})
        if kind != "page":
            meta.setdefault("handle_httpstatus_list", [304, 404, 410])
        return scrapy.Request(url, headers=headers, priority=priority, meta=meta,
                              dont_filter=kind == "robots")

    def start_requests(self, site: Site) -> Iterator[scrapy.Request]:
        yield self.request(urljoin(site.url, "/robots.txt"), site, "robots",
                           dont_obey_robotstxt=True)
        for url in site.sitemaps:
            yield self.request(url, site, "sitemap")
        for url in site.feeds:
            yield self.request(url, site, "feed")
        self.guard.allow(site.url, site.name, kind="listing")
        yield self.request(site.url, site, "listing", **{HOME_META: True})

    def page_request(self, url: str, site: Site, *, lastmod: datetime | None = None,
                     via: str) -> scrapy.Request | None:
        """A request for a candidate article, or None (counted) when it is not needed."""
        if not self.budget.urls_left(site.name):
            return None
        url = strip_tracking(url)
        key = canonicalize_url(url)
        lastmod = self._plausible(lastmod)
        if lastmod is not None:
            self.lastmods[key] = max(lastmod, self.lastmods.get(key, lastmod))
        if key in self.requested:
            self.stats.inc_value("newscrawl/discovery/skipped/already_requested")
            return None
        known = self.state.known(key)
        if known is not None and not _changed(lastmod, known.lastmod or known.last_seen):
            self.stats.inc_value("newscrawl/discovery/skipped/seen_before")
            return None
        self.requested.add(key)
        self.budget.take_url(site.name)
        self.stats.inc_value(f"newscrawl/discovery/pages/{via}")
        return self.request(url, site, "page")

    def lastmod_for(self, aliases: list[str]) -> str | None:
        """The newest date a discovery document gave for this page (stored with it);
        ``aliases`` are its canonical keys, from :meth:`aliases_for`."""
        dates = [self.lastmods[k] for k in aliases if k in self.lastmods]
        return max(dates).isoformat() if dates else None

    # -- documents ----------------------------------------------------------------------
    def from_robots(self, response: Response) -> Iterator[scrapy.Request]:
        site = self._site(response)
        urls: list[str] = []
        if response.status == 200 and isinstance(response, TextResponse):
            urls = sitemap_urls_from_robots(response.body, response.url)
        if not urls and not site.sitemaps:
            urls = [urljoin(site.url, path) for path in GUESSED_SITEMAPS]
        for url in urls:
            yield self.request(url, site, "sitemap")

    def from_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        site = self._site(response)
        if self._usable(response, "sitemap"):
            yield from self._sitemap_entries(response, site)
        yield from self.next_sitemaps(site.name, 1)

    def next_sitemaps(self, site_name: str, count: int) -> Iterator[scrapy.Request]:
        """Release up to ``count`` pending child sitemaps (also after a failed one)."""
        pending = self.pending_sitemaps.get(site_name)
        while pending and count > 0:
            if not self.budget.take_sitemap(site_name):
                pending.clear()
                return
            count -= 1
            yield self.request(pending.popleft(), self.sites[site_name], "sitemap",
                               CHILD_SITEMAP_PRIORITY)

    def _sitemap_entries(self, response: Response, site: Site) -> Iterator[scrapy.Request]:
        doc = parse_sitemap(response.body, response.url, timezone=site.timezone,
                            http_charset=header_charset(response.headers.get(b"Content-Type")))
        if doc.error:
            self.stats.inc_value("newscrawl/discovery/sitemap/invalid")
            logger.info("sitemap %s unusable: %s", response.url, doc.error)
            return
        if doc.kind == "index":
            pending = self.pending_sitemaps.setdefault(site.name, deque())
            for entry in doc.entries:
                if self._too_old(entry.lastmod):
                    continue
                if self.walker.follow(entry.loc, parent=response.url, site=site.name):
                    pending.append(entry.loc)
            yield from self.next_sitemaps(site.name, SITEMAP_CHAINS - 1)  # +1 by the caller
            return
        for entry in doc.entries:
            if not self.budget.urls_left(site.name):
                return
            yield from self._candidate(entry.loc, site, entry.news_published or entry.lastmod,
                                       lastmod=entry.lastmod, via="sitemap")

    def from_feed(self, response: Response) -> Iterator[scrapy.Request]:
        site = self._site(response)
        if not self._usable(response, "feed"):
            return
        charset = header_charset(response.headers.get(b"Content-Type"))
        for entry in parse_feed(response.body, response.url, http_charset=charset,
                                timezone=site.timezone):
            yield from self._candidate(entry.url, site, entry.published, lastmod=None, via="feed")

    def from_listing(self, response: TextResponse) -> Iterator[scrapy.Request]:
        site = self._site(response)
        if response.status != 200:
            self.stats.inc_value(f"newscrawl/discovery/listing/status_{response.status}")
            return
        if response.meta.get(HOME_META) and not site.feeds:
            feeds = find_feed_links(response.text, response.url) or fallback_feed_urls(response.url)
            for url in feeds:
                if self._same_site(url, site):
                    yield self.request(url, site, "feed")
        if self.depth_limit and response.meta.get("depth", 0) >= self.depth_limit:
            # DepthMiddleware would drop these requests after page_request() had
            # marked them requested, hiding them from the sitemaps that list them too
            self.stats.inc_value("newscrawl/discovery/skipped/depth_limit")
            return
        for href in self._hrefs(response):
            if not self.budget.urls_left(site.name):
                return
            url = response.urljoin(href.strip())
            if not self._same_site(url, site):
                continue
            url = strip_session_ids(strip_tracking(url))
            kind = self._kind(url, site)
            if kind in ("article", "unknown"):
                request = self.page_request(url, site, via="link")
                if request is not None:
                    yield request
            elif kind == "listing" and self._listing_allowed(url, site):
                yield self.request(url, site, "listing")

    # -- pages ------------------------------------------------------------------------
    def judge_page(self, response: Response, fields: Any) -> str:
        """"article", "listing" (follow its links) or "other", counted with its reason.

        A page of unknown URL shape that is no article is followed like a listing
        (within the trap guard's caps): sections often have article-like URLs.
        """
        site = self._site(response)
        url_kind = self._kind(response.url, site)
        words = count_words(fields.body)
        is_article, reason = looks_like_article(
            url_kind=url_kind, og_type=fields.og_type, jsonld_types=fields.jsonld_types,
            word_count=words, paragraphs=fields.paragraphs)
        verdict = "article" if is_article else "other"
        if not is_article and url_kind in ("listing", "unknown") \
                and self._listing_allowed(response.url, site):
            verdict = "listing"
        self.stats.inc_value(f"newscrawl/pages/{verdict}/{reason}")
        return verdict

    def canonical_for(self, response: Response, declared: str | None) -> str:
        return resolve_canonical(response.url, declared, urlsplit(self._site(response).url).netloc)

    def aliases_for(self, response: Response) -> list[str]:
        """Every URL that led to this page: redirect sources and the requested variant."""
        requested = response.request.url if response.request is not None else response.url
        urls = [*response.meta.get("redirect_urls", []), requested, response.url]
        return sorted({canonicalize_url(u) for u in urls})

    # -- helpers ------------------------------------------------------------------------
    def _hrefs(self, response: TextResponse) -> Iterator[str]:
        """The page's ``<a href>`` values, at most ``max_links`` of them.

        Straight from the lxml tree: parsel's ``a::attr(href)`` built one Selector per
        link (1.5 s of reactor time for a 40,000-link homepage).
        """
        for count, anchor in enumerate(response.selector.root.iter("a")):
            if self.max_links and count >= self.max_links:
                self.stats.inc_value("newscrawl/discovery/budget/links_per_page")
                return
            href = anchor.get("href")
            if href:
                yield href

    def _candidate(self, url: str, site: Site, date: datetime | None, *,
                   lastmod: datetime | None, via: str) -> Iterator[scrapy.Request]:
        if self._too_old(date):
            return
        if not self._same_site(url, site):
            self.stats.inc_value(f"newscrawl/discovery/skipped/offsite_{via}")
            return
        kind = self._kind(url, site)
        if kind in ("static", "skip", "listing"):
            self.stats.inc_value(f"newscrawl/discovery/skipped/{kind}_{via}")
            return
        request = self.page_request(url, site, lastmod=lastmod, via=via)
        if request is not None:
            yield request

    def _kind(self, url: str, site: Site) -> str:
        """URL-shape evidence: article, listing, static, skip or unknown."""
        return url_shape(url, article_pattern=site.article_url_pattern,
                         exclude_pattern=site.exclude_url_pattern).kind

    def _listing_allowed(self, url: str, site: Site) -> bool:
        allowed, reason = self.guard.allow(url, site.name, kind="listing")
        if not allowed and reason != "seen":
            self.stats.inc_value(f"newscrawl/discovery/trap/{reason}")
        return allowed

    def _plausible(self, lastmod: datetime | None) -> datetime | None:
        """An aware lastmod, or None when it lies in the future (a ``2099`` once stored
        would hide every later real update of the page)."""
        if lastmod is None:
            return None
        lastmod = lastmod if lastmod.tzinfo else lastmod.replace(tzinfo=UTC)
        if lastmod > datetime.now(UTC) + FUTURE_SLACK:
            self.stats.inc_value("newscrawl/discovery/lastmod/future_ignored")
            return None
        return lastmod

    def _too_old(self, date: datetime | None) -> bool:
        if self.since is None or date is None:
            return False
        if date.tzinfo is None:
            date = date.replace(tzinfo=UTC)
        if date < self.since:
            self.stats.inc_value("newscrawl/discovery/skipped/before_since")
            return True
        return False

    def _usable(self, response: Response, kind: str) -> bool:
        if response.status == 304:
            self.stats.inc_value(f"newscrawl/discovery/{kind}/not_modified")
            return False
        if response.status != 200:
            self.stats.inc_value(f"newscrawl/discovery/{kind}/status_{response.status}")
            return False
        etag = response.headers.get(b"ETag")
        modified = response.headers.get(b"Last-Modified")
        if etag or modified:
            self.validators[response.url] = (
                etag.decode("latin-1") if etag else None,
                modified.decode("latin-1") if modified else None)
        return True

    def _site(self, response: Response) -> Site:
        return self.sites[response.meta[SITE_META]]

    @staticmethod
    def _same_site(url: str, site: Site) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        if site_key(url) == site.key:
            return True
        host = (parts.hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in site.allowed_domains)


def _changed(lastmod: datetime | None, stored: str | None) -> bool:
    """True when the discovery document dates the URL after what the state recorded
    (a stored date in the future, left by an older version, counts as no date)."""
    if lastmod is None or not stored:
        return False
    try:
        previous = datetime.fromisoformat(stored)
    except ValueError:
        return True
    if previous.tzinfo is None:
        previous = previous.replace(tzinfo=UTC)
    if previous > datetime.now(UTC) + FUTURE_SLACK:
        return True
    if lastmod.tzinfo is None:
        lastmod = lastmod.replace(tzinfo=UTC)
    return lastmod > previous
