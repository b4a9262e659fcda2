"""robots.txt as RFC 9309 reads it: an unreachable file means "disallow all".

Scrapy's RobotsTxtMiddleware treats a robots.txt that answers 5xx (or times out)
as "allow everything", which is exactly when a struggling site least wants us.
Here a 5xx, a 429 or a network error disallows the whole origin for this run,
a 4xx allows it, and a parsed file's ``Crawl-delay`` (capped) becomes the
minimum delay of the site's download slot unless ``DOWNLOAD_DELAY`` was given
on the command line.
"""

from __future__ import annotations

import enum
import logging
from typing import TYPE_CHECKING, Any

from protego import Protego
from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.internet.defer import Deferred

from newscrawl.dedup.canonical import site_key
from newscrawl.middlewares._common import refuse
from newscrawl.request_meta import KIND_META, SITE_META, SITE_URL_META

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.robotstxt import RobotParser

logger = logging.getLogger(__name__)

STAT_DISALLOWED = "newscrawl/robots/disallowed"
STAT_UNREACHABLE = "newscrawl/robots/unreachable"


class Utf8ProtegoParser(ProtegoRobotParser):
    """Scrapy's Protego parser, but bytes that are not UTF-8 (RFC 9309 2.3) become U+FFFD
    instead of vanishing, so a ``Sitemap:`` line that held them is seen as broken and
    skipped rather than fetched as a silently shortened URL."""

    def __init__(self, robotstxt_body: bytes, spider: Any) -> None:  # noqa: D107
        super().__init__(b"", spider)
        self.rp = Protego.parse(robotstxt_body.decode("utf-8-sig", errors="replace"))


class Verdict(enum.Enum):
    """What an origin's robots.txt means when there is no file to parse."""

    ALLOW_ALL = "allow_all"  # 4xx or no usable file: RFC 9309 2.3.1.3
    DISALLOW_ALL = "disallow_all"  # 5xx / 429 / network error: RFC 9309 2.3.1.4



class StrictRobotsTxtMiddleware:
    """Replaces ``scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware`` (slot 100)."""

    DOWNLOAD_PRIORITY = 1000

    def __init__(self, crawler: Crawler, *, parser_cls: type[RobotParser],
                 user_agent: str, max_crawl_delay: float, apply_crawl_delay: bool) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.parser_cls = parser_cls
        self.user_agent = user_agent
        self.max_crawl_delay = max_crawl_delay
        self.apply_crawl_delay = apply_crawl_delay
        self._policies: dict[str, RobotParser | Verdict | Deferred[None]] = {}
        self._delays: dict[str, float] = {}  # origin -> capped crawl delay

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        cmdline_delay = (settings.getpriority("DOWNLOAD_DELAY") or 0) >= SETTINGS_PRIORITIES[
            "cmdline"]
        mw = cls(
            crawler,
            parser_cls=load_object(settings.get("ROBOTSTXT_PARSER")),
            user_agent=settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT"),
            max_crawl_delay=settings.getfloat("NEWSCRAWL_MAX_CRAWL_DELAY", 10.0),
            apply_crawl_delay=not cmdline_delay,
        )
        crawler.signals.connect(mw.response_downloaded, signal=signals.response_downloaded)
        return mw

    async def process_request(self, request: Request) -> None:
        if request.meta.get("dont_obey_robotstxt") or request.meta.get(KIND_META) == "robots":
            return
        if urlparse_cached(request).scheme not in {"http", "https"}:
            return
        origin = site_key(request.url)
        policy = await self.policy_for(request, origin)
        if policy is Verdict.DISALLOW_ALL:
            refuse(self.stats, request, STAT_DISALLOWED, "robots.txt unreachable: disallow all")
        if isinstance(policy, Verdict):
            return
        if not policy.allowed(request.url, self.user_agent):
            refuse(self.stats, request, STAT_DISALLOWED, "forbidden by robots.txt")
        self._apply_delay(request, origin)

    def crawl_delay(self, url: str) -> float | None:
        """The capped Crawl-delay of *url*'s site, if its robots.txt set one."""
        return self._delays.get(site_key(url))

    async def policy_for(self, request: Request, origin: str) -> RobotParser | Verdict:
        """Fetch (once per origin) and return the robots policy; concurrent callers wait."""
        known = self._policies.get(origin)
        if known is None:
            waiter: Deferred[None] = Deferred()
            self._policies[origin] = waiter
            policy = await self._fetch(request, origin)
            self._policies[origin] = policy
            waiter.callback(None)
            return policy
        if isinstance(known, Deferred):
            waiting: Deferred[None] = Deferred()
            known.addBoth(lambda _: waiting.callback(None))
            await maybe_deferred_to_future(waiting)
            return self._policies[origin]  # type: ignore[return-value]
        return known

    async def _fetch(self, request: Request, origin: str) -> RobotParser | Verdict:
        meta = {"dont_obey_robotstxt": True, KIND_META: "robots"}
        for key in (SITE_META, SITE_URL_META, "download_slot"):
            if key in request.meta:
                meta[key] = request.meta[key]
        robots_request = Request(_robots_url(request), priority=self.DOWNLOAD_PRIORITY,
                                 meta=meta, callback=NO_CALLBACK, dont_filter=True)
        self.stats.inc_value("robotstxt/request_count")
        try:
            response = await self.crawler.engine.download_async(robots_request)
        except Exception as exc:  # noqa: BLE001 -- refused (the site is known dead) or failed
            return self._unreachable(origin, f"{type(exc).__name__}: {exc}")
        return await self._policy_from_response(response, request, origin)

    async def _policy_from_response(self, response: Response, request: Request,
                                    origin: str) -> RobotParser | Verdict:
        status = response.status
        self.stats.inc_value(f"robotstxt/response_status_count/{status}")
        if status >= 500 or status == 429:
            return self._unreachable(origin, f"HTTP {status}")
        if status >= 300:
            logger.info("robots.txt of %s answered %s: allow all", origin, status)
            return Verdict.ALLOW_ALL
        parser = build_from_crawler(self.parser_cls, self.crawler, response.body)
        await self.crawler.signals.send_catch_log_async(
            signal=signals.robots_parsed, robotparser=parser, request=request)
        delay = parser.crawl_delay(self.user_agent)
        if delay:
            self._delays[origin] = min(float(delay), self.max_crawl_delay)
            self.stats.max_value("newscrawl/robots/crawl_delay_max", self._delays[origin])
        return parser

    def _unreachable(self, origin: str, why: str) -> Verdict:
        self.stats.inc_value(STAT_UNREACHABLE)
        logger.warning("robots.txt of %s unreachable (%s): disallowing the site for this run",
                       origin, why)
        return Verdict.DISALLOW_ALL

    def response_downloaded(self, response: Response, request: Request) -> None:
        """Re-assert the Crawl-delay after AutoThrottle may have lowered the slot delay."""
        if request.meta.get(KIND_META) != "robots":
            self._apply_delay(request, site_key(request.url))

    def _apply_delay(self, request: Request, origin: str) -> None:
        delay = self._delays.get(origin)
        if not delay or not self.apply_crawl_delay:
            return
        downloader = self.crawler.engine.downloader
        _, slot = downloader._get_slot(request)
        slot.delay = max(slot.delay, delay)
        slot.jitter = 0.0  # a ±50 % jitter would undercut the site's minimum


def _robots_url(request: Request) -> str:
    """robots.txt on the request's own scheme and authority, spelled as the site spells it."""
    parsed = urlparse_cached(request)
    return f"{parsed.scheme}://{parsed.netloc}/robots.txt"
