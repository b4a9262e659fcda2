"""The frontier: which requests a site's discovery documents lead to.

The spider hands each robots.txt, sitemap, feed and listing response here and
gets the next requests back. Every decision not to fetch is counted under
``newscrawl/discovery/...`` so a user can see why a URL was not requested.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Response

from newscrawl.dedup.canonical import canonicalize_url, resolve_canonical, site_key, strip_tracking
from newscrawl.dedup.records import PageVerdict, utcnow
from newscrawl.discovery.feeds import FeedEntry, fallback_feed_urls
from newscrawl.discovery.links import MAX_URL_CHARS, date_in_url, url_shape
from newscrawl.discovery.sitemaps import Sitemap, SitemapEntry
from newscrawl.discovery.traps import TrapGuard, strip_session_ids
from newscrawl.discovery.walker import SitemapWalker
from newscrawl.extensions.ledger import LedgerExtension
from newscrawl.extensions.summary import site_stat
from newscrawl.extraction.decode import header_charset
from newscrawl.request_meta import HOME_META, KIND_META, SITE_META
from newscrawl.since import aware, before, parse_instant
from newscrawl.sites import Site
from newscrawl.spiders.budgets import DiscoveryBudget
from newscrawl.spiders.judge import PageJudge, thresholds_from_settings
from newscrawl.spiders.pacing import ArticleBudget, DatedSourcesGate, SitemapQueue

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
URL_DATE_SLACK = timedelta(days=1)  # a URL's day is local: the UTC instant may be a day later
# A sitemap may list 50,000 URLs: its entries are judged in slices, and between two the
# generator yields PAUSE so the spider can hand the reactor back (downloads, timeouts).
PAUSE = object()
SLICE = 500
KIND_MEMO_SIZE = 4096  # URL kinds remembered: a child sitemap's pages are judged soon after


@dataclass(frozen=True)
class FrontierOptions:
    """The settings and arguments the frontier works with (see settings.py)."""

    since: datetime | None = None
    max_listing_pages: int = 200
    depth_limit: int = 0  # DEPTH_LIMIT: links on a page this deep are not followed
    max_articles: int = 0
    max_child_sitemaps: int = 1000  # NEWSCRAWL_MAX_CHILD_SITEMAPS, per index, newest first
    recheck: timedelta = timedelta(days=14)  # NEWSCRAWL_RECHECK_DAYS
    max_links: int = 0  # NEWSCRAWL_MAX_LINKS_PER_PAGE: <a> elements read per listing (0: all)


class Frontier:
    """Per-run discovery state: requested keys, trap guard, sitemap walker, state look-ups."""

    def __init__(self, sites: list[Site], stats: Any, state: Any, options: FrontierOptions,
                 judge: PageJudge, limits: DiscoveryBudget | None = None) -> None:
        self.sites = {s.name: s for s in sites}
        self.stats = stats
        self.state = state  # the run's dedup ledger (its look-ups miss with -a fresh=1)
        self.options = options
        self.since = options.since
        self.judge = judge
        self.guard = TrapGuard(max_listing_pages=options.max_listing_pages)
        self.walker = SitemapWalker()
        self.gate = DatedSourcesGate()
        self.budget = ArticleBudget(options.max_articles, self._budget_drop)
        self.children = SitemapQueue(options.max_child_sitemaps)  # child sitemaps not yet released
        self.requested: set[str] = set()  # canonical keys of pages requested in this run
        self.documents: set[str] = set()  # discovery URLs requested in this run
        self.robots_sitemaps: dict[str, list[str]] = {}  # site -> Sitemap: lines of robots.txt
        self.lastmods: dict[str, datetime] = {}  # canonical key -> newest sitemap lastmod
        self.dated: dict[str, datetime] = {}  # canonical key -> newest date any source stated
        self.validators: dict[str, tuple] = {}  # discovery URL -> (etag, last_modified) seen now
        self.limits = limits or DiscoveryBudget(stats, max_urls=0, max_sitemaps=0,
                                                max_sitemap_failures=0, sitemap_seconds=0)

    @classmethod
    def from_crawler(cls, crawler: Any, sites: list[Site], *, since: datetime | None,
                     max_articles: int = 0) -> Frontier:
        settings = crawler.settings
        options = FrontierOptions(
            since=since, max_listing_pages=settings.getint("NEWSCRAWL_MAX_LISTING_PAGES"),
            depth_limit=settings.getint("DEPTH_LIMIT"), max_articles=max_articles,
            max_child_sitemaps=settings.getint("NEWSCRAWL_MAX_CHILD_SITEMAPS"),
            recheck=timedelta(days=settings.getfloat("NEWSCRAWL_RECHECK_DAYS")),
            max_links=settings.getint("NEWSCRAWL_MAX_LINKS_PER_PAGE"))
        judge = PageJudge(crawler.stats, thresholds_from_settings(settings))
        frontier = cls(sites, crawler.stats, crawler.get_extension(LedgerExtension).ledger,
                       options, judge, DiscoveryBudget.from_settings(settings, crawler.stats))
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
        if kind in ("sitemap", "feed"):
            self.gate.opened(site.name)
            meta["depth_reset"] = True  # a discovery document is one hop, however it was found
        if kind != "page":
            meta.setdefault("handle_httpstatus_list", [304, 404, 410])
        return scrapy.Request(url, headers=headers, priority=priority, meta=meta,
                              callback=self.callbacks.get(kind), errback=self.errback)

    callbacks: dict[str, Any] = {}  # kind -> spider callback, set by the spider
    errback: Any = None

    def document(self, url: str, site: Site, kind: str,
                 priority: int | None = None) -> scrapy.Request | None:
        """A sitemap or feed request, once per run whoever lists it (robots, registry, page)."""
        if url in self.documents:
            return None
        self.documents.add(url)
        return self.request(url, site, kind, priority)

    def start_requests(self, site: Site) -> Iterator[scrapy.Request]:
        """Registry sitemaps and feeds, then the homepage. robots.txt is fetched once, by
        the robots middleware; its Sitemap: lines arrive through :meth:`from_robots`."""
        for url, kind in [*((u, "sitemap") for u in site.sitemaps),
                          *((u, "feed") for u in site.feeds)]:
            request = self.document(url, site, kind)
            if request is not None:
                yield request
        self.guard.allow(site.url, site.name, kind="listing")
        yield self.request(site.url, site, "listing", **{HOME_META: True})

    def page_request(self, url: str, site: Site, *, lastmod: datetime | None = None,
                     date: datetime | None = None, via: str) -> scrapy.Request | None:
        """A request for a candidate article, or None (counted) when it is not needed."""
        if not self.limits.urls_left(site.name):
            return None
        url = strip_tracking(url)
        key = canonicalize_url(url)
        lastmod = self._plausible(lastmod)
        if lastmod is not None:
            self.lastmods[key] = max(lastmod, self.lastmods.get(key, lastmod))
        if key in self.requested:
            self.stats.inc_value("newscrawl/discovery/skipped/already_requested")
            return None
        if self._too_old(date or self.dated.get(key)) or self._url_too_old(url):
            return None
        known = self.state.known(key)
        if known is not None and not _changed(lastmod, known.lastmod or known.last_seen):
            self.stats.inc_value("newscrawl/discovery/skipped/seen_before")
            self.stats.inc_value(site_stat(site.name, "known"))
            return None
        self.requested.add(key)
        remembered = self._remembered(key, site, lastmod)
        if remembered is not None:
            return remembered or None
        request = self.budget.admit(self.request(url, site, "page"))
        if request is not None:
            self.limits.take_url(site.name)
            self.stats.inc_value(f"newscrawl/discovery/pages/{via}")
        return request

    def _remembered(self, key: str, site: Site, lastmod: datetime | None) -> Any:
        """An earlier run's verdict on a non-article page: a listing request for a listing,
        False for a page to leave alone, None when the page is to be judged (again)."""
        verdict = self.state.page_verdict(key)
        if verdict is None:
            return None
        if not self.judge.still_valid(verdict, lastmod, self.options.recheck):
            self.stats.inc_value(site_stat(site.name, "rechecked"))
            return None
        self.stats.inc_value(site_stat(site.name, "known"))
        if verdict.verdict == "listing" and self._listing_allowed(key, site):
            self.stats.inc_value("newscrawl/discovery/remembered/listing")
            return self.request(key, site, "listing")
        self.stats.inc_value("newscrawl/discovery/skipped/rejected_before")
        return False

    def lastmod_for(self, aliases: list[str]) -> str | None:
        """The newest date a discovery document gave for this page (stored with it);
        ``aliases`` are its canonical keys, from :meth:`aliases_for`."""
        dates = [self.lastmods[k] for k in aliases if k in self.lastmods]
        return max(dates).isoformat() if dates else None

    # -- documents ----------------------------------------------------------------------
    def from_robots(self, site_name: str, sitemaps: list[str]) -> Iterator[scrapy.Request]:
        """The robots middleware parsed the site's robots.txt: its Sitemap: lines."""
        site = self.sites[site_name]
        self.robots_sitemaps[site_name] = list(sitemaps)
        for url in sitemaps:
            request = self.document(url, site, "sitemap")
            if request is not None:
                yield request

    def from_sitemap(self, response: Response, doc: Sitemap | None) -> Iterator[Any]:
        """Requests from a sitemap the spider had parsed off the reactor (None: not usable
        or not parsed), then the next child sitemap; PAUSE between slices of entries."""
        site = self._site(response)
        if doc is not None:
            yield from self._sitemap_entries(response, site, doc)
        yield from self.document_done(site.name)

    def document_done(self, site_name: str) -> Iterator[scrapy.Request]:
        """A sitemap or feed was read (or failed): the next child, maybe the held links."""
        self.gate.closed(site_name)
        yield from self.next_sitemaps(site_name, 1)
        yield from self._release_links(site_name)

    def next_sitemaps(self, site_name: str, count: int) -> Iterator[scrapy.Request]:
        """Release up to ``count`` pending child sitemaps (newest first)."""
        while count > 0 and self.children.waiting(site_name):
            if not self.limits.take_sitemap(site_name):
                self.children.pending[site_name].clear()
                return
            count -= 1
            request = self.document(self.children.pop(site_name), self.sites[site_name],
                                    "sitemap", CHILD_SITEMAP_PRIORITY)
            if request is not None:
                yield request

    def _sitemap_entries(self, response: Response, site: Site, doc: Sitemap) -> Iterator[Any]:
        if doc.error:
            self.stats.inc_value("newscrawl/discovery/sitemap/invalid")
            logger.info("sitemap %s unusable: %s", response.url, doc.error)
            return
        if doc.kind == "index":
            self._queue_children(doc.entries, response.url, site)
            yield from self.next_sitemaps(site.name, SITEMAP_CHAINS - 1)  # +1 by the caller
            return
        for n, entry in enumerate(doc.entries):
            if n and not n % SLICE:
                yield PAUSE
            if not self.limits.urls_left(site.name):
                return
            yield from self._candidate(entry.loc, site, entry.news_published or entry.lastmod,
                                       lastmod=entry.lastmod,
                                       via="news-sitemap" if entry.news_published else "sitemap")

    def _queue_children(self, entries: list[SitemapEntry], parent: str, site: Site) -> None:
        """Every child of an index, newest first, up to the cap (see SitemapQueue); a child
        older than -a since is read all the same: the dates it gives bound the same URLs
        when a section page links them (cheap: 304 once validated)."""
        dropped = self.children.queue(site.name, entries, parent,
                                      lambda loc: self.walker.follow(loc, parent=parent,
                                                                     site=site.name))
        if dropped:
            self._limited(site.name, "child_sitemaps", dropped)
            logger.warning("sitemap index %s lists %d children; read the newest %d, %d not "
                           "(NEWSCRAWL_MAX_CHILD_SITEMAPS)", parent, len(entries),
                           len(entries) - dropped, dropped)

    def from_feed(self, response: Response, entries: list[FeedEntry] | None) -> Iterator[Any]:
        """Requests from a feed the spider had parsed off the reactor (None: not usable or
        not parsed); PAUSE between slices of entries."""
        site = self._site(response)
        for n, entry in enumerate(entries or ()):
            if n and not n % SLICE:
                yield PAUSE
            # the entry's date doubles as lastmod: a page rejected before is re-judged
            # when its feed entry is newer than the verdict
            yield from self._candidate(entry.url, site, entry.published,
                                       lastmod=entry.published, via="feed")
        yield from self.document_done(site.name)

    def from_listing(self, response: Response, fields: Any | None) -> Iterator[scrapy.Request]:
        """A listing's in-site links, from the worker parse's ``fields`` (None: the
        listing was not a 200, so not parsed), become page and listing requests."""
        site = self._site(response)
        home = bool(response.meta.get(HOME_META))
        if response.status != 200 or fields is None:
            self.stats.inc_value(f"newscrawl/discovery/listing/status_{response.status}")
            if home:  # a site without a homepage may still have a sitemap where sites keep it
                yield from self._guessed_sitemaps(site)
        else:
            if home:
                yield from self._from_home(response, site, fields.feed_links)
            base = fields.base_url or response.url
            yield from self._links(response, site, [u for u in (_join(base, h)
                                                                for h in fields.links) if u])
        if home:
            self.gate.home_read.add(site.name)
            yield from self._release_links(site.name)

    def _from_home(self, response: Response, site: Site,
                   feed_links: list[str]) -> Iterator[scrapy.Request]:
        """Feed autodiscovery, and guessed sitemaps when neither robots.txt nor the
        registry named one (by now the robots middleware has read robots.txt)."""
        if not site.feeds:
            for url in feed_links or fallback_feed_urls(response.url):
                request = self.document(url, site, "feed") if self._same_site(url, site) else None
                if request is not None:
                    yield request
        yield from self._guessed_sitemaps(site)

    def _guessed_sitemaps(self, site: Site) -> Iterator[scrapy.Request]:
        """``/sitemap.xml`` and ``/sitemap_index.xml`` when neither robots.txt nor the
        registry named a sitemap."""
        if not site.sitemaps and not self.robots_sitemaps.get(site.name):
            for path in GUESSED_SITEMAPS:
                request = self.document(urljoin(site.url, path), site, "sitemap")
                if request is not None:
                    yield request

    def home_failed(self, site_name: str) -> Iterator[scrapy.Request]:
        """No homepage: its links never come, the held ones need not wait for it; the
        guessed sitemaps are still worth a try."""
        self.gate.home_read.add(site_name)
        yield from self._guessed_sitemaps(self.sites[site_name])
        yield from self._release_links(site_name)

    def _links(self, response: Response, site: Site,
               links: list[str]) -> Iterator[scrapy.Request]:
        if self.options.depth_limit and response.meta.get("depth", 0) >= self.options.depth_limit:
            # DepthMiddleware would drop these requests after page_request() had
            # marked them requested, hiding them from the sitemaps that list them too
            self.stats.inc_value("newscrawl/discovery/skipped/depth_limit")
            self._limited(site.name, "depth")
            return
        if self.options.max_links and len(links) > self.options.max_links:
            self.stats.inc_value("newscrawl/discovery/budget/links_per_page")
            links = links[:self.options.max_links]
        for url in links:
            if not self.limits.urls_left(site.name):
                return
            if not self._same_site(url, site):
                continue
            url = strip_session_ids(strip_tracking(url))
            kind = self._kind(url, site)
            if kind in ("article", "unknown"):
                yield from self._link_page(url, site)
            elif kind == "listing" and self._listing_allowed(url, site):
                yield self.request(url, site, "listing")

    def _link_page(self, url: str, site: Site) -> Iterator[scrapy.Request]:
        """Link-found pages wait until the site's dated sources are read (see pacing)."""
        pending = self.children.waiting(site.name)
        if not self.gate.open_for(site.name, pending):
            self.gate.hold(site.name, url, "link")
            return
        request = self.page_request(url, site, via="link")
        if request is not None:
            yield request

    def _release_links(self, site_name: str) -> Iterator[scrapy.Request]:
        if not self.gate.open_for(site_name, self.children.waiting(site_name)):
            return
        yield from self.release(site_name, self.gate.release(site_name))

    def release(self, site_name: str, held: list[tuple[str, str]]) -> Iterator[scrapy.Request]:
        site = self.sites[site_name]
        for url, via in held:
            request = self.page_request(url, site, via=via)
            if request is not None:
                yield request

    # -- pages ------------------------------------------------------------------------
    def judge_page(self, response: Response, fields: Any) -> str:
        """"article", "listing" (follow its links) or "other", counted with its reason;
        a non-article is remembered so that later runs need not fetch it again.

        A page of unknown URL shape that is no article is followed like a listing
        (within the trap guard's caps): sections often have article-like URLs.
        """
        site = self._site(response)
        url_kind = self._kind(response.url, site)
        is_article, reason = self.judge.judge(response.url, site.name, url_kind, fields)
        verdict = "article" if is_article else "other"
        if not is_article and self.may_follow(response) \
                and self._listing_allowed(response.url, site):
            verdict = "listing"
        self.stats.inc_value(f"newscrawl/pages/{verdict}/{reason}")
        if not is_article:
            keys = self.aliases_for(response)
            lastmod = self.lastmod_for(keys)
            for key in keys:
                self.state.note_page_verdict(PageVerdict(key, site.name, verdict, reason,
                                                         lastmod, utcnow()))
        return verdict

    def may_follow(self, response: Response) -> bool:
        """Whether :meth:`judge_page` can make this page a listing whose links are
        followed: only a listing or unknown URL shape can (an article URL never)."""
        return self._kind(response.url, self._site(response)) in ("listing", "unknown")

    def page_settled(self, article: bool) -> list[scrapy.Request]:
        """-a max_articles: a page's outcome is known; the requests that may go now."""
        return self.budget.settled(article)

    def canonical_for(self, response: Response, declared: str | None) -> str:
        return resolve_canonical(response.url, declared, urlsplit(self._site(response).url).netloc)

    def aliases_for(self, response: Response) -> list[str]:
        """Every URL that led to this page: redirect sources and the requested variant."""
        requested = response.request.url if response.request is not None else response.url
        urls = [*response.meta.get("redirect_urls", []), requested, response.url]
        return sorted({canonicalize_url(u) for u in urls})

    # -- helpers ------------------------------------------------------------------------
    def _candidate(self, url: str, site: Site, date: datetime | None, *,
                   lastmod: datetime | None, via: str) -> Iterator[scrapy.Request]:
        if date is not None:  # remembered: the same URL found by a link is bounded too
            date = aware(date)
            key = canonicalize_url(strip_tracking(url))
            self.dated[key] = max(date, self.dated.get(key, date))
        if self._too_old(date):
            return
        if not self._same_site(url, site):
            self.stats.inc_value(f"newscrawl/discovery/skipped/offsite_{via}")
            return
        kind = self._kind(url, site)
        # feeds and news sitemaps list stories: their entries are judged after the fetch
        declared = via in ("feed", "news-sitemap")
        if kind in ("static", "skip") or (kind == "listing" and not declared):
            self.stats.inc_value(f"newscrawl/discovery/skipped/{kind}_{via}")
            return
        request = self.page_request(url, site, lastmod=lastmod, via=via)
        if request is not None:
            yield request

    def _kind(self, url: str, site: Site) -> str:
        """URL-shape evidence: article, listing, static, skip or unknown."""
        if len(url) > MAX_URL_CHARS:  # skipped unclassified, and not worth remembering
            return _url_kind.__wrapped__(url, site.article_url_pattern, site.exclude_url_pattern)
        return _url_kind(url, site.article_url_pattern, site.exclude_url_pattern)

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
        lastmod = aware(lastmod)
        if lastmod > datetime.now(UTC) + FUTURE_SLACK:
            self.stats.inc_value("newscrawl/discovery/lastmod/future_ignored")
            return None
        return lastmod

    def _too_old(self, date: datetime | None) -> bool:
        if self.since is None or not before(date, self.since):
            return False
        self.stats.inc_value("newscrawl/discovery/skipped/before_since")
        return True

    def _url_too_old(self, url: str) -> bool:
        day = date_in_url(url) if self.since is not None else None
        return day is not None and self._too_old(day + URL_DATE_SLACK)

    def _limited(self, site_name: str, what: str, count: int = 1) -> None:
        """Something a limit dropped: counted in the stats and in the run summary."""
        self.stats.inc_value(f"newscrawl/discovery/limited/{what}", count)
        self.stats.inc_value(site_stat(site_name, "limited", what), count)

    def _budget_drop(self, count: int) -> None:
        self.stats.inc_value("newscrawl/discovery/limited/max_articles", count)

    def document_options(self, response: Response) -> dict[str, Any]:
        """Keyword arguments for parsing a site's sitemap or feed: its registry timezone
        (naive dates) and the HTTP charset."""
        return {"timezone": self._site(response).timezone,
                "http_charset": header_charset(response.headers.get(b"Content-Type"))}

    def usable(self, response: Response, kind: str) -> bool:
        """A 200 sitemap or feed worth parsing (its validators kept for the next run)."""
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


@functools.lru_cache(maxsize=KIND_MEMO_SIZE)
def _url_kind(url: str, article_pattern: Any, exclude_pattern: Any) -> str:
    """A page's URL is classified when a source lists it and again when it is judged:
    the last few thousand answers are remembered (a pattern is the site's compiled
    object, the same for the whole run)."""
    return url_shape(url, article_pattern=article_pattern, exclude_pattern=exclude_pattern).kind


def _join(base: str, href: str) -> str | None:
    """The link's absolute URL, or None for one no request can be made of: a script or
    mail link, or one Python's parser refuses (a bracketed host that is no IP address,
    a port out of range or not a number, which the URL key would raise on later)."""
    if href.startswith(("javascript:", "mailto:", "tel:")):
        return None
    try:
        url = urljoin(base, href)
        urlsplit(url).port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    return url


def _changed(lastmod: datetime | None, stored: str | None) -> bool:
    """True when the discovery document dates the URL after what the state recorded
    (a stored date in the future, left by an older version, counts as no date)."""
    if lastmod is None or not stored:
        return False
    previous = parse_instant(stored)
    if previous is None or previous > datetime.now(UTC) + FUTURE_SLACK:
        return True
    return aware(lastmod) > previous
