"""Helpers shared by the middlewares: site identity and counted refusals."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, NoReturn

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

SITE_META = "newscrawl_site"
KIND_META = "newscrawl_kind"
SITE_URL_META = "newscrawl_site_url"
REPLAY_META = "newscrawl_replay"  # -a warc=: the stored response a request is answered with
# Requests for these kinds are machine-readable resources, not article pages.
RESOURCE_KINDS = frozenset({"robots", "sitemap", "feed"})


def site_key(request: Request) -> str:
    """The registry name of the request's site, else its host: the unit of politeness."""
    site = request.meta.get(SITE_META)
    if site:
        return str(site)
    return urlparse_cached(request).hostname or ""


def refuse(
    stats: StatsCollector | None,
    request: Request,
    stat: str,
    reason: str,
    level: int = logging.DEBUG,
) -> NoReturn:
    """Count *stat*, log the URL with the stat name, and drop the request.

    The log line format ``Ignored <url>: <reason> [<stat>]`` (plus ``(redirected
    from <first url>)``) is stable so tests and operators can attribute every
    ignored request to its reason.
    """
    if stats is not None:
        stats.inc_value(stat)
    origin = request.meta.get("redirect_urls") or []
    if origin:
        logger.log(level, "Ignored %s: %s [%s] (redirected from %s)", request.url, reason, stat,
                   origin[0])
    else:
        logger.log(level, "Ignored %s: %s [%s]", request.url, reason, stat)
    raise IgnoreRequest(f"{reason} [{stat}]")
