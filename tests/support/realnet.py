"""A local network of real pages: ``../shared/data`` served as 18 sites on 127.0.0.1.

Article pages are real saved pages, served with their bytes as-is at their original
paths (some with a charset in the HTTP header, most without). Around them each site
has generated listings (homepage, sections with pagination, a tag page), a static
page, robots.txt, and one discovery shape: news sitemap, sitemap with lastmod,
sitemap index (by month, or one child per article: >= 30 children, newest last),
RSS or Atom feed (newest entries only; declared in the registry or autodiscovered
from the homepage), or links only. Some sites disallow a section in robots.txt and
link to it; two articles are syndicated (served on a second site too).

    with RealNetwork() as net:
        registry = net.write_registry(tmp / "sites.yaml")
        ...  # crawl, then compare with net.article_urls(), net.requests
"""

from __future__ import annotations

import hashlib
import html
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import quote, unquote, urlsplit

import yaml

from newscrawl.demo import xmlgen
from newscrawl.demo.server import (NOT_FOUND, TEXT, XML, DemoHTTPServer, RequestRecord, Resource,
                                   ServerThread)
from .realpages import RealPage, available, load_pages

__all__ = ["RealNetwork", "available", "SKIP_REASON"]

SKIP_REASON = "../shared/data is not beside the repository (the real-page network needs it)"
SECTIONS = ("news", "sport", "culture")
PER_LISTING_PAGE = 8  # articles per section page; older ones on /page/N/
FEED_SIZE = 10  # feeds carry the newest entries only, like real ones
HOME_ARTICLES = 5
HIDDEN_PATH = "/intern/staff-only-report-on-the-annual-budget-meeting"
ARTICLE, LISTING, STATIC, DISCOVERY, HIDDEN = "article", "listing", "static", "discovery", "hidden"

# name -> (discovery document, where the crawler learns of it, robots.txt disallows /intern/)
SHAPES: dict[str, tuple[str, str, bool]] = {
    "asia-east": ("news-sitemap", "robots", True),
    "hanbando": ("rss", "registry", False),
    "alpen": ("atom", "registry", False),
    "isles": ("sitemap", "guess", False),
    "states": ("rss", "autodiscover", False),
    "maple": ("none", "-", False),
    "southern": ("news-sitemap", "registry", False),
    "iberia": ("index-monthly", "robots", False),
    "romance": ("atom", "autodiscover", True),
    "nordic": ("index-monthly", "guess", False),
    "east": ("rss", "registry", False),
    "rhein": ("news-sitemap", "robots", True),
    "elbe": ("sitemap", "robots", True),
    "spree": ("none", "-", False),
    "wide-index": ("index-wide", "robots", False),
    "links-only": ("none", "-", True),
    "atomic": ("atom", "registry", False),
    "scripts": ("sitemap", "registry", False),
}
# (site the article is first published on, site that republishes it)
SYNDICATION = (("southern", "isles"), ("east", "alpen"))


@dataclass
class RealSite:
    """One site: its pages, rendered once into ``path -> (kind, Resource)``."""

    name: str
    shape: tuple[str, str, bool]
    pages: list[RealPage]
    url: str = ""
    routes: dict[str, tuple[str, Resource]] = field(default_factory=dict)

    def resolve(self, path: str, query: str) -> Resource:
        route = self.routes.get(unquote(path))
        return route[1] if route else NOT_FOUND

    def link(self, path: str) -> str:
        return self.url.rstrip("/") + quote(path, safe="/-_.~!$&'()*+,;=:@%")

    def urls(self, kind: str) -> list[str]:
        return [self.link(p) for p, (k, _) in self.routes.items() if k == kind]

    # ---- rendering -----------------------------------------------------------
    def build(self) -> None:
        newest = sorted(self.pages, key=lambda p: (p.published, p.id), reverse=True)
        for i, page in enumerate(sorted(self.pages, key=lambda p: p.id)):
            self._add(page.path, ARTICLE, _article(page, header_charset=i % 3 == 0))
        for n, name in enumerate(SECTIONS):
            listed = newest[n::len(SECTIONS)]
            chunks = [listed[i:i + PER_LISTING_PAGE] for i in range(0, len(listed), PER_LISTING_PAGE)]
            for number, chunk in enumerate(chunks or [[]], start=1):
                path = f"/section/{name}/" + (f"page/{number}/" if number > 1 else "")
                more = f"/section/{name}/page/{number + 1}/" if number < len(chunks) else None
                self._listing(path, f"{name.title()} — page {number}", chunk, more)
        self._listing("/tag/weather/", "Tag: weather", newest[1::4], None)
        self._add("/about/", STATIC, _html(_doc("About us", "<p>We are a regional newspaper."
                                                "</p><p>Contact the editors by letter.</p>")))
        self._add("/robots.txt", DISCOVERY, Resource.page(self._robots(), TEXT))
        self._discovery(newest)
        if self.shape[2]:
            self._add(HIDDEN_PATH, HIDDEN, _html(_doc("Internal", "<p>Staff only.</p>" * 40)))
        self._home(newest)

    def _add(self, path: str, kind: str, resource: Resource) -> None:
        if path in self.routes:
            raise ValueError(f"{self.name}: two routes at {path}")
        self.routes[path] = (kind, resource)

    def _listing(self, path: str, title: str, pages: list[RealPage], more: str | None) -> None:
        items = "".join(f'<article><h2><a href="{html.escape(self.link(p.path))}">'
                        f"{html.escape(p.title)}</a></h2><time>{p.published:%Y-%m-%d}</time>"
                        "</article>" for p in pages)
        nav = f'<a rel="next" href="{more}">Older stories</a>' if more else ""
        self._add(path, LISTING, _html(_doc(title, self._nav() + items + nav)))

    def _nav(self) -> str:
        links = [f'<a href="/section/{s}/">{s.title()}</a>' for s in SECTIONS]
        links += ['<a href="/tag/weather/">Weather</a>', '<a href="/about/">About us</a>']
        if self.shape[2]:
            links.append(f'<a href="{HIDDEN_PATH}">Staff</a>')
        return "<nav>" + " | ".join(links) + "</nav>"

    def _home(self, newest: list[RealPage]) -> None:
        head = ""
        if self.shape[1] == "autodiscover":
            mime = "application/rss+xml" if self.shape[0] == "rss" else "application/atom+xml"
            head = f'<link rel="alternate" type="{mime}" title="Latest" href="/feed/">'
        items = "".join(f'<li><a href="{html.escape(self.link(p.path))}">{html.escape(p.title)}'
                        "</a></li>" for p in newest[:HOME_ARTICLES])
        body = self._nav() + f"<h2>Latest</h2><ul>{items}</ul>"
        self._add("/", LISTING, _html(_doc(f"{self.name} — regional news", body, head)))

    def _robots(self) -> str:
        lines = ["User-agent: *"]
        lines.append("Disallow: /intern/" if self.shape[2] else "Disallow:")
        if self.shape[1] == "robots":
            lines.append(f"Sitemap: {self.link(self._discovery_path())}")
        return "\n".join(lines) + "\n"

    def _discovery_path(self) -> str:
        kind = self.shape[0]
        if kind in ("rss", "atom"):
            return "/feed/"
        return "/sitemap_index.xml" if kind.startswith("index") else \
            "/news-sitemap.xml" if kind == "news-sitemap" and self.shape[1] != "guess" \
            else "/sitemap.xml"

    def _discovery(self, newest: list[RealPage]) -> None:
        kind, path = self.shape[0], self._discovery_path()
        if kind == "none":
            return
        entries = [xmlgen.FeedEntry(self.link(p.path), p.title, p.published, p.published)
                   for p in newest]
        if kind == "news-sitemap":
            text, mime = xmlgen.news_sitemap(entries, self.name), XML
        elif kind == "sitemap":
            listings = [(self.link(p), None) for p in ("/", *(f"/section/{s}/" for s in SECTIONS))]
            text, mime = xmlgen.urlset([(e.url, e.updated) for e in entries] + listings), XML
        elif kind in ("rss", "atom"):
            render = xmlgen.rss if kind == "rss" else xmlgen.atom
            text = render(self.name, self.url, self.link(path), entries[:FEED_SIZE])
            mime = "application/rss+xml" if kind == "rss" else "application/atom+xml"
        else:
            text, mime = self._index(kind, entries), XML
        self._add(path, DISCOVERY, Resource.page(text, mime))

    def _index(self, kind: str, entries: list[xmlgen.FeedEntry]) -> str:
        """Children oldest first, as WordPress/Yoast number them: the newest is the last."""
        groups: dict[str, list[xmlgen.FeedEntry]] = {}
        for n, entry in enumerate(reversed(entries), start=1):
            key = f"post-{n}" if kind == "index-wide" else f"{entry.published:%Y-%m}"
            groups.setdefault(key, []).append(entry)
        children = []
        for key, group in groups.items():
            path = f"/sitemap-{key}.xml"
            self._add(path, DISCOVERY, Resource.page(
                xmlgen.urlset([(e.url, e.updated) for e in group]), XML))
            children.append((self.link(path), max(e.updated for e in group)))
        return xmlgen.sitemap_index(children)

    def registry_entry(self) -> dict:
        entry: dict = {"name": self.name, "url": self.url}
        if self.shape[1] == "registry":
            key = "feeds" if self.shape[0] in ("rss", "atom") else "sitemaps"
            entry[key] = [self.link(self._discovery_path())]
        return entry


def _doc(title: str, body: str, head: str = "") -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}'
            f"</title>{head}</head><body><header><h1>{html.escape(title)}</h1></header>"
            f"<main>{body}</main><footer>© regional press</footer></body></html>")


def _html(text: str) -> Resource:
    return Resource.page(text, "text/html; charset=utf-8")


def _article(page: RealPage, *, header_charset: bool) -> Resource:
    """The saved bytes as they are; the charset in the header for every third page."""
    mime = f"text/html; charset={page.meta_charset}" if header_charset and page.meta_charset \
        else "text/html"
    etag = '"' + hashlib.blake2b(page.body, digest_size=10).hexdigest() + '"'
    return Resource(page.body, mime, 200, page.published, None, etag)


class RealNetwork:
    """Start/stop the sites; expose what a crawl should find and what it requested."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.sites: list[RealSite] = []
        self.syndicated: list[tuple[str, str]] = []  # (original URL, copy URL)
        self._threads: list[ServerThread] = []
        self._log: list[RequestRecord] = []
        self._lock = threading.Lock()

    def start(self) -> Self:
        pages = load_pages()
        servers = {name: DemoHTTPServer(self.host, 0, self._record) for name in SHAPES}
        for name, server in servers.items():
            site = RealSite(name, SHAPES[name], [p for p in pages if p.site == name],
                            f"http://{self.host}:{server.server_address[1]}/")
            self.sites.append(site)
        self._syndicate()
        for site in self.sites:
            site.build()
            servers[site.name].site = site
            thread = ServerThread(servers[site.name])
            thread.start()
            self._threads.append(thread)
        return self

    def _syndicate(self) -> None:
        by_name = {s.name: s for s in self.sites}
        for source, target in SYNDICATION:
            original = min(by_name[source].pages, key=lambda p: p.id)
            copy = RealPage(**{**original.__dict__, "site": target,
                               "path": "/syndicated" + original.path})
            by_name[target].pages.append(copy)
            self.syndicated.append((by_name[source].link(original.path),
                                    by_name[target].link(copy.path)))

    def stop(self) -> None:
        for thread in self._threads:
            thread.stop()
        self._threads.clear()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # ---- what a crawl should see ------------------------------------------------
    def registry_yaml(self) -> str:
        data = {"sites": [s.registry_entry() for s in self.sites]}
        return ("# The real-page network (tests/support/realnet.py)\n"
                + yaml.safe_dump(data, sort_keys=False, allow_unicode=True))

    def write_registry(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.registry_yaml(), encoding="utf-8")
        return path

    def article_urls(self) -> set[str]:
        """Every article page, syndicated copies included (a crawl keeps one of each pair)."""
        return {u for s in self.sites for u in s.urls(ARTICLE)}

    def non_article_urls(self) -> set[str]:
        return {u for s in self.sites for kind in (LISTING, STATIC) for u in s.urls(kind)}

    def hidden_urls(self) -> set[str]:
        return {u for s in self.sites for u in s.urls(HIDDEN)}

    def stated_dates(self) -> dict[str, datetime]:
        """Article URL -> the date a discovery document (sitemap, feed) gives it.

        Feeds carry only their newest entries, so older articles of feed sites have no
        stated date (their links come from the section pages).
        """
        out: dict[str, datetime] = {}
        for site in self.sites:
            kind = site.shape[0]
            if kind == "none":
                continue
            dated = sorted(site.pages, key=lambda p: (p.published, p.id), reverse=True)
            if kind in ("rss", "atom"):
                dated = dated[:FEED_SIZE]
            out.update({site.link(p.path): p.published for p in dated})
        return out

    def url_dates(self) -> dict[str, datetime]:
        """Article URL -> the date its path carries (``/2019/11/19/``)."""
        return {s.link(p.path): p.url_date for s in self.sites for p in s.pages
                if p.url_date is not None}

    def published(self) -> dict[str, datetime]:
        return {s.link(p.path): p.published for s in self.sites for p in s.pages}

    def site_of(self, url: str) -> str:
        netloc = urlsplit(url).netloc
        return next(s.name for s in self.sites if urlsplit(s.url).netloc == netloc)

    # ---- request log --------------------------------------------------------------
    def _record(self, record: RequestRecord) -> None:
        with self._lock:
            self._log.append(record)

    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)

    def requested_urls(self, kind: str | None = None) -> list[str]:
        """URLs requested (in order), optionally only those of one route kind."""
        by_name = {s.name: s for s in self.sites}
        out = []
        for record in self.requests:
            site = by_name[record.site]
            path = unquote(record.path.partition("?")[0])
            route = site.routes.get(path)
            if kind is None or (route is not None and route[0] == kind):
                out.append(site.link(path))
        return out

    def reset_log(self) -> None:
        with self._lock:
            self._log.clear()
