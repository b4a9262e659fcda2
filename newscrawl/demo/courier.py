"""Site 3: a feed-only Sindh paper (Drupal-like), with local times and no sitemap.

Discovery must autodiscover its Atom feed from the homepage's
``<link rel="alternate">``; /sitemap.xml is a 404. Article pages carry only
OpenGraph/meta tags (no JSON-LD) and a byline in local time without an offset:
the registry's ``timezone`` supplies it.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs

from newscrawl.demo import xmlgen
from newscrawl.demo.base import (
    ARTICLE,
    DISCOVERY,
    LISTING,
    STATIC,
    DemoArticle,
    DemoSite,
    esc,
    slugify,
)
from newscrawl.demo.corpus import COURIER, WIRE, WIRE_STORIES, own_article, wire_copy
from newscrawl.demo.server import ATOM, Resource

logger = logging.getLogger(__name__)

PER_PAGE = 4
FEED_PATH = "/feeds/latest-news.atom"


def local_stamp(a: DemoArticle) -> str:
    """'March 4, 2026, 9:30 am' — what the byline shows, deliberately without offset."""
    hour = a.published.hour % 12 or 12
    ampm = "am" if a.published.hour < 12 else "pm"
    return f"{a.published:%B} {a.published.day}, {a.published.year}, {hour}:{a.published:%M} {ampm}"


class CourierSite(DemoSite):
    title = "Indus Valley Courier"
    region = "Sindh, PK"
    timezone = "Asia/Karachi"
    search_param = "keys"

    def __init__(self, name: str, url: str) -> None:
        super().__init__(name, url)
        tz = self.tz
        self.articles = [own_article(name, s, "", tz) for s in COURIER]
        self.articles.append(wire_copy(WIRE_STORIES["battery-plant"], "", tz, "Amna Soomro",
                                       "Economy", "Chinese battery maker's new plant doubles "
                                       "cell output", delay_minutes=95,
                                       dateline=f"NANJING, China ({WIRE}):"))
        self.articles.append(wire_copy(WIRE_STORIES["smog-drive"], "", tz, "Gul Hassan Jatoi",
                                       "Environment", "Smog: Lahore shuts brick kilns weeks "
                                       "early", trim=True, delay_minutes=130))
        self.articles.sort(key=lambda a: a.published, reverse=True)
        for a in self.articles:
            a.path = f"/news/{slugify(a.title)}"

    def shell(self, title: str, inner: str, head: str = "") -> str:
        nav = "".join(f'<li><a href="/section/{slugify(s)}">{esc(s)}</a></li>'
                      for s in sorted({a.section for a in self.articles}))
        return (f'<!DOCTYPE html>\n<html lang="en" dir="ltr"><head><meta charset="utf-8">'
                f"<title>{esc(title)} | {esc(self.title)}</title>"
                f'<link rel="alternate" type="application/atom+xml" title="Latest news" '
                f'href="{FEED_PATH}">{head}</head>\n<body class="path-frontpage">'
                f'<div id="block-branding"><a href="/" rel="home">{esc(self.title)}</a></div>'
                f'<nav role="navigation"><ul class="menu">{nav}</ul></nav>'
                f'<main role="main"><div class="region-content">{inner}</div></main>'
                f'<footer><ul><li><a href="/about">About</a></li><li><a href="/contact">Contact'
                f"</a></li></ul><p>Powered by Drupal</p></footer></body></html>\n")

    def article_page(self, a: DemoArticle) -> str:
        head = (f'<link rel="canonical" href="{self.abs(a.path)}">'
                f'<meta name="description" content="{esc(a.summary)}">'
                f'<meta property="og:site_name" content="{esc(self.title)}">'
                f'<meta property="og:type" content="article">'
                f'<meta property="og:url" content="{self.abs(a.path)}">'
                f'<meta property="og:title" content="{esc(a.title)}">'
                f'<meta property="og:description" content="{esc(a.summary)}">'
                f'<meta property="article:published_time" '
                f'content="{a.published.replace(tzinfo=None).isoformat()}">'
                f'<meta name="author" content="{esc(a.authors[0])}">')
        body = "".join(f"<p>{esc(p)}</p>" for p in a.paragraphs)
        inner = (f'<article class="node node--type-article"><h1 class="page-title">'
                 f'<span class="field--name-title">{esc(a.title)}</span></h1>'
                 f'<div class="node__meta">By <a href="/author/{slugify(a.authors[0])}">'
                 f"{esc(a.authors[0])}</a> | {local_stamp(a)}</div>"
                 f'<div class="field--name-field-section"><a href="/section/{slugify(a.section)}">'
                 f"{esc(a.section)}</a></div>"
                 f'<div class="clearfix text-formatted field--name-body">{body}</div></article>'
                 f'<section class="comments"><h2>Comments</h2><p>Log in or register to post '
                 f"comments</p></section>")
        return self.shell(a.title, inner, head)

    def listing(self, title: str, items: list[DemoArticle], base: str, page: int,
                pages: int) -> str:
        rows = "".join(f'<div class="views-row"><h3><a href="{a.path}">{esc(a.title)}</a></h3>'
                       f"<p>{esc(a.summary)}</p></div>" for a in items)
        pager = "".join(f'<a href="{base}?page={p}">{p + 1}</a> ' for p in range(pages)
                        if p != page)
        return self.shell(title, f"<h1>{esc(title)}</h1>{rows}"
                          f'<nav class="pager">{pager}</nav>')

    def render(self) -> None:
        for a in self.articles:
            self.add(a.path, Resource.page(self.article_page(a), modified=a.modified), ARTICLE)
        self.add("/", Resource.page(self.listing("Latest news", self.articles[:5], "/node", 0, 1),
                                    modified=self.newest()), LISTING)
        groups: dict[str, tuple[str, list[DemoArticle]]] = {}
        for a in self.articles:
            groups.setdefault(f"/section/{slugify(a.section)}", (a.section, []))[1].append(a)
            groups.setdefault(f"/author/{slugify(a.authors[0])}", (a.authors[0], []))[1].append(a)
        for base, (label, items) in groups.items():
            pages = (len(items) + PER_PAGE - 1) // PER_PAGE
            for page in range(pages):  # Drupal pages are 0-based: ?page=1 is the second
                chunk = items[page * PER_PAGE:(page + 1) * PER_PAGE]
                resource = Resource.page(self.listing(label, chunk, base, page, pages))
                self.add(base if page == 0 else f"{base}?page={page}", resource, LISTING)
        for path, title in (("/about", "About us"), ("/contact", "Contact")):
            inner = (f"<h1>{title}</h1><p>The Indus Valley Courier has reported from Sukkur, "
                     f"Hyderabad and Larkana since 2004.</p>")
            self.add(path, Resource.page(self.shell(title, inner)), STATIC)
        entries = [xmlgen.FeedEntry(self.abs(a.path), a.title, a.published, a.modified,
                                    a.summary, a.authors[0]) for a in self.articles]
        feed = xmlgen.atom(self.title, self.url, self.abs(FEED_PATH), entries)
        self.add(FEED_PATH, Resource.page(feed, ATOM, self.newest()), DISCOVERY)
        self.robots(["User-agent: *", "Disallow: /admin/", "Disallow: /user/",
                     "Disallow: /search/"])

    def search_page(self, query: str) -> Resource:
        term = (parse_qs(query).get("keys") or [""])[0].lower()
        hits = [a for a in self.articles if term and term in a.body.lower()]
        return Resource.page(self.listing(f"Search: {term}", hits, "/", 0, 1))
