"""Keep the crawler on its sites: no other schemes, no private networks, no off-site redirects.

A news page or a redirect can point anywhere (``file:///etc/passwd``, the cloud
metadata address, the LAN, a database port on localhost). ``TargetFilterMiddleware``
vets every request -- discovered links, sitemap entries, redirects, robots.txt --
before anything is sent; ``SafeRedirectMiddleware`` counts what Scrapy's redirect
handling silently drops (loops, too many hops, non-HTTP targets).
"""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import TYPE_CHECKING

from scrapy import Request, Spider, signals
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached
from w3lib.url import safe_url_string

from newscrawl.middlewares._common import refuse
from newscrawl.middlewares.addresses import (
    ALLOWED_SCHEMES,
    Origin,
    host_in_domain,
    is_public,
    literal_ip,
)
from newscrawl.request_meta import SITE_META, SITE_URL_META

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

STAT_SCHEME = "newscrawl/target/refused/scheme"
STAT_PRIVATE = "newscrawl/target/refused/private_address"
STAT_OFFSITE = "newscrawl/target/refused/offsite_redirect"
STAT_LOOP = "newscrawl/redirect/loop"
STAT_MAX = "newscrawl/redirect/max_reached"


def _sites_of(spider: Spider | None) -> dict[str, tuple[str, tuple[str, ...]]]:
    """name -> (registry URL, allowed domains) from the spider's ``sites`` (objects or dicts)."""
    found: dict[str, tuple[str, tuple[str, ...]]] = {}
    for entry in getattr(spider, "sites", None) or []:
        get = entry.get if isinstance(entry, dict) else lambda k, e=entry: getattr(e, k, None)
        name, url = get("name"), get("url")
        if name and url:
            found[str(name)] = (str(url), tuple(str(d) for d in get("allowed_domains") or ()))
    return found


class DomainsOffsiteMiddleware(OffsiteMiddleware):
    """Scrapy's OffsiteMiddleware, on only for a spider with ``allowed_domains``.

    Without them it lets every request through, yet re-reads the spider's list and
    matches every host twice per request (at scheduling and before sending): ~2 % of
    the reactor's busy samples. The news spider has none (a site's own
    ``allowed_domains`` are the frontier's and :class:`TargetFilterMiddleware`'s rule).
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not getattr(crawler.spider, "allowed_domains", None):
            raise NotConfigured
        return super().from_crawler(crawler)


class TargetFilterMiddleware:
    """Refuse requests to non-HTTP schemes, private addresses and off-site redirect targets.

    A private (loopback, LAN, link-local, reserved) address is allowed only when it
    is the site's own origin: the host *and* port of its registry URL.
    """

    def __init__(self, stats: StatsCollector | None, resolve_hosts: bool = True,
                 resolve_timeout: float = 10.0) -> None:
        self.stats = stats
        self.resolve_hosts = resolve_hosts
        self.resolve_timeout = resolve_timeout
        self._sites: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._allowed_domains: list[str] = []
        self._resolved: dict[str, bool] = {}  # host -> all addresses public

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_TARGET_FILTER_ENABLED", True):
            raise NotConfigured
        mw = cls(crawler.stats, settings.getbool("NEWSCRAWL_TARGET_RESOLVE_HOSTS", True),
                 settings.getfloat("DNS_TIMEOUT", 10.0))
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.request_scheduled, signal=signals.request_scheduled)
        return mw

    def spider_opened(self, spider: Spider) -> None:
        self._sites = _sites_of(spider)
        self._allowed_domains = [d for d in getattr(spider, "allowed_domains", None) or [] if d]

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        """Refuse what needs no DNS before it even enters the scheduler."""
        self.check_static(request)

    async def process_request(self, request: Request) -> None:
        self.check_static(request)
        origin = Origin.of(request.url)
        if origin is None or not self.resolve_hosts or origin == self.site_origin(request):
            return
        if literal_ip(origin.host) is None and not await self._host_is_public(origin.host):
            refuse(self.stats, request, STAT_PRIVATE,
                   f"host {origin.host} resolves to a non-public address", logging.INFO)

    def site_origin(self, request: Request) -> Origin | None:
        """The origin of the site's registry URL, from request meta or the spider's sites."""
        url = request.meta.get(SITE_URL_META) or self._sites.get(
            str(request.meta.get(SITE_META, "")), ("", ()))[0]
        return Origin.of(url) if url else None

    def check_static(self, request: Request) -> None:
        """Scheme, literal-address and off-site-redirect rules (no I/O)."""
        parsed = urlparse_cached(request)
        if parsed.scheme.lower() not in ALLOWED_SCHEMES:
            refuse(self.stats, request, STAT_SCHEME, f"scheme {parsed.scheme!r}", logging.INFO)
        origin = Origin.of(request.url)
        if origin is None:
            refuse(self.stats, request, STAT_SCHEME, "no host", logging.INFO)
        site = self.site_origin(request)
        if origin == site:
            return
        ip = literal_ip(origin.host)
        if ip is not None and not is_public(ip):
            refuse(self.stats, request, STAT_PRIVATE, f"non-public address {ip}", logging.INFO)
        if request.meta.get("redirect_urls") and not self._on_site(origin.host, site, request):
            refuse(self.stats, request, STAT_OFFSITE, "redirect leaves the site", logging.INFO)

    def _on_site(self, host: str, site: Origin | None, request: Request) -> bool:
        """The site's host and domain, its registry ``allowed_domains``, else the spider's."""
        extra = self._sites.get(str(request.meta.get(SITE_META, "")), ("", ()))[1]
        if site is not None:
            return host_in_domain(host, site.host) or any(host_in_domain(host, d) for d in extra)
        return any(host_in_domain(host, d) for d in self._allowed_domains)

    async def _host_is_public(self, host: str) -> bool:
        """Resolve *host* (without blocking the reactor) and cache whether all its addresses are public.

        A lookup failure counts as public: the download will fail on its own, and
        nothing is sent to an address we could not learn.
        """
        if host in self._resolved:
            return self._resolved[host]
        loop = asyncio.get_running_loop()
        try:
            infos = await asyncio.wait_for(
                loop.getaddrinfo(host, None, type=socket.SOCK_STREAM), self.resolve_timeout)
        except (TimeoutError, OSError, UnicodeError) as exc:
            logger.debug("Could not resolve %s: %s", host, exc)
            return True
        public = all(is_public(ip) for ip in (literal_ip(str(i[4][0])) for i in infos) if ip)
        self._resolved[host] = public
        return public


class SafeRedirectMiddleware(RedirectMiddleware):
    """Scrapy's redirect handling, plus loop detection and a counted reason for every refusal.

    Replaces ``scrapy.downloadermiddlewares.redirect.RedirectMiddleware`` (same slot, 600).
    The redirected request then passes ``TargetFilterMiddleware`` like any other.
    """

    stats: StatsCollector | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        mw = super().from_crawler(crawler)
        mw.stats = crawler.stats
        return mw

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        try:
            result = super().process_response(request, response)
        except IgnoreRequest:
            refuse(self.stats, request, STAT_MAX, "too many redirects", logging.INFO)
        if isinstance(result, Request):
            seen = {*request.meta.get("redirect_urls", []), request.url}
            if result.url in seen:
                refuse(self.stats, request, STAT_LOOP, f"redirect loop to {result.url}",
                       logging.INFO)
            return result
        if self._is_unfollowed_redirect(request, response):
            refuse(self.stats, request, STAT_SCHEME, "redirect to a non-HTTP scheme",
                   logging.INFO)
        return result

    def _is_unfollowed_redirect(self, request: Request, response: Response) -> bool:
        """A 3xx with a Location Scrapy declined (non-HTTP scheme) that nobody asked to handle."""
        if response.status not in {301, 302, 303, 307, 308} or b"Location" not in response.headers:
            return False
        if request.meta.get("dont_redirect") or request.meta.get("handle_httpstatus_all"):
            return False
        if response.status in request.meta.get("handle_httpstatus_list", ()):
            return False
        location = safe_url_string(response.headers[b"Location"] or b"")
        scheme = location.split(":", 1)[0].lower() if ":" in location else ""
        return bool(scheme) and "/" not in scheme and scheme not in ALLOWED_SCHEMES
