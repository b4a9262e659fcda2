"""When the frontier may let a request go: three small bookkeepers.

:class:`DatedSourcesGate` holds a site's link-found URLs until the site's dated
sources (sitemaps, child sitemaps, feeds, the homepage that may announce feeds) are
read, so a date any of them states bounds ``-a since`` before the URL is requested,
whichever source found it first.

:class:`ArticleBudget` makes ``-a max_articles=N`` bound fetching: page requests
wait while the articles emitted plus the pages still undecided reach N, and the
waiting ones are dropped (counted) once N articles are out.

:class:`SitemapQueue` holds the child sitemaps of each site's indexes, newest
first, released a few at a time so a year of sitemaps never sits in the scheduler.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any


class DatedSourcesGate:
    """Per site: discovery documents outstanding, and the link-found URLs waiting on them."""

    def __init__(self) -> None:
        self.outstanding: Counter[str] = Counter()  # site -> sitemaps/feeds not yet read
        self.home_read: set[str] = set()  # sites whose homepage (feed autodiscovery) is read
        self.held: dict[str, list[tuple[str, str]]] = {}  # site -> (url, via) waiting

    def opened(self, site: str) -> None:
        self.outstanding[site] += 1

    def closed(self, site: str) -> None:
        self.outstanding[site] = max(0, self.outstanding[site] - 1)

    def open_for(self, site: str, more_pending: bool) -> bool:
        """Dated sources all read: nothing outstanding, none queued, homepage seen."""
        return site in self.home_read and not self.outstanding[site] and not more_pending

    def hold(self, site: str, url: str, via: str) -> None:
        self.held.setdefault(site, []).append((url, via))

    def release(self, site: str) -> list[tuple[str, str]]:
        return self.held.pop(site, [])

    def release_all(self) -> dict[str, list[tuple[str, str]]]:
        """Whatever still waits when the crawl would go idle (a source never answered)."""
        held, self.held = self.held, {}
        return held


class ArticleBudget:
    """Page requests in flight versus the articles still wanted (0 = no limit)."""

    def __init__(self, limit: int, on_drop: Callable[[int], None]) -> None:
        self.limit = limit
        self.on_drop = on_drop  # called with the number of waiting requests given up
        self.articles = 0  # items that reached the output
        self.undecided = 0  # page requests sent whose outcome is not known yet
        self.waiting: list[Any] = []

    def admit(self, request: Any) -> Any | None:
        """The request if it may go now; else it waits (or is dropped when the limit is met)."""
        if not self.limit:
            return request
        if self.articles >= self.limit:
            self.on_drop(1)
            return None
        if self.articles + self.undecided >= self.limit:
            self.waiting.append(request)
            return None
        self.undecided += 1
        return request

    def settled(self, article: bool) -> list[Any]:
        """A page's outcome is known; returns the waiting requests that may go now."""
        if not self.limit:
            return []
        self.undecided = max(0, self.undecided - 1)
        self.articles += article
        if self.articles >= self.limit:
            if self.waiting:
                self.on_drop(len(self.waiting))
            self.waiting = []
            return []
        room = self.limit - self.articles - self.undecided
        released, self.waiting = self.waiting[:max(room, 0)], self.waiting[max(room, 0):]
        self.undecided += len(released)
        return released

    def idle(self) -> list[Any]:
        """The crawl went idle: nothing is in flight, whatever the count says."""
        if not self.limit or not self.waiting:
            return []
        self.undecided = 1  # settled() takes it back
        return self.settled(False)


class SitemapQueue:
    """Per site: child sitemaps to read, newest first (by ``lastmod``, else the last
    listed first, as WordPress/Yoast number them), at most ``cap`` per index."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.pending: dict[str, deque[str]] = {}

    def queue(self, site: str, entries: list[Any], parent: str,
              follow: Callable[[str], bool]) -> int:
        """Queue an index's children that ``follow`` allows; returns how many the cap drops."""
        oldest = datetime.min.replace(tzinfo=UTC)
        ordered = sorted(enumerate(entries), reverse=True,
                         key=lambda e: (e[1].lastmod or oldest, e[0]))
        pending = self.pending.setdefault(site, deque())
        kept = dropped = 0
        for _, entry in ordered:
            if kept >= self.cap:
                dropped += 1
            elif follow(entry.loc):
                pending.append(entry.loc)
                kept += 1
        return dropped

    def waiting(self, site: str) -> bool:
        return bool(self.pending.get(site))

    def pop(self, site: str) -> str:
        return self.pending[site].popleft()
