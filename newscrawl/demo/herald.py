"""Site 2: a Jiangsu daily with JSON-LD ``NewsArticle`` and AMP twins.

It exists to exercise URL canonicalisation and discovery rules: AMP pages,
tracking parameters on homepage links, one story under two section paths
(both declaring one canonical), a 301 from an old URL, a Google News sitemap
named in robots.txt, and a /private/ page that robots.txt forbids.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs

from newscrawl.demo import xmlgen
from newscrawl.demo.base import (
    ARTICLE,
    DISCOVERY,
    HIDDEN,
    LISTING,
    STATIC,
    VARIANT,
    DemoArticle,
    DemoSite,
    esc,
    slugify,
)
from newscrawl.demo.corpus import HERALD, WIRE_STORIES, own_article, wire_copy
from newscrawl.demo.server import XML, Resource

logger = logging.getLogger(__name__)

PER_PAGE = 3
TWIN_TITLE = "Changzhou startup incubator graduates its first robotics firms"


class HeraldSite(DemoSite):
    title = "Yangtze Delta Herald"
    region = "Jiangsu, CN"
    timezone = "Asia/Shanghai"
    search_param = "query"

    def __init__(self, name: str, url: str) -> None:
        super().__init__(name, url)
        tz = self.tz
        self.articles = [own_article(name, s, "", tz) for s in HERALD]
        self.articles.append(wire_copy(WIRE_STORIES["battery-plant"], "", tz, "Chen Hao",
                                       "Business", delay_minutes=40))
        self.articles.sort(key=lambda a: a.published, reverse=True)
        for i, a in enumerate(self.articles):
            a.path = (f"/{slugify(a.section)}/{a.published:%Y%m}/{a.published:%d}/"
                      f"WS{0x65e70000 + 7919 * i:x}.html")

    def second_path(self, a: DemoArticle) -> str | None:
        """The one story also filed under Business keeps its Tech canonical."""
        if a.title == TWIN_TITLE:
            return "/business/" + a.path.split("/", 2)[2]
        return None

    def shell(self, title: str, inner: str, head: str = "", amp: bool = False) -> str:
        nav = "".join(f'<a href="/{slugify(s)}/">{esc(s)}</a> ' for s in self.sections())
        html_attr = ' amp lang="en"' if amp else ' lang="en"'
        return (f"<!DOCTYPE html>\n<html{html_attr}><head><meta charset=\"utf-8\">"
                f"<title>{esc(title)}</title>{head}</head>\n<body>"
                f'<header class="topbar"><a class="logo" href="/">{esc(self.title)}</a>'
                f'<nav class="channels">{nav}</nav></header>\n<main>{inner}</main>\n'
                f'<footer><a href="/about.html">About us</a> | <a href="/contact.html">Contact'
                f"</a><p>Copyright 2026 Yangtze Delta Herald. All rights reserved. Registered "
                f"number 0000-0000.</p></footer></body></html>\n")

    def sections(self) -> list[str]:
        return sorted({a.section for a in self.articles})

    def jsonld(self, a: DemoArticle) -> str:
        data = {
            "@context": "https://schema.org", "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": self.abs(a.path)},
            "headline": a.title, "datePublished": a.published.isoformat(),
            "dateModified": a.modified.isoformat(), "articleSection": a.section,
            "keywords": ", ".join(a.tags), "inLanguage": "en",
            "author": [{"@type": "Person", "name": n} for n in a.authors],
            "publisher": {"@type": "Organization", "name": self.title,
                          "logo": {"@type": "ImageObject", "url": self.abs("/img/logo.png")}},
            "description": a.summary,
        }
        return ('<script type="application/ld+json">'
                + json.dumps(data, ensure_ascii=False).replace("</", "<\\/") + "</script>")

    def article_page(self, a: DemoArticle, amp: bool) -> str:
        canonical = self.abs(a.path)
        head = f'<link rel="canonical" href="{canonical}">'
        if not amp:
            head += f'<link rel="amphtml" href="{self.abs("/amp" + a.path)}">'
        head += (f'<meta property="og:type" content="article"><meta property="og:title" '
                 f'content="{esc(a.title)}">' + self.jsonld(a))
        related = [o for o in self.articles if o is not a][:3]
        rel = "".join(f'<li><a href="{self.abs(o.path)}">{esc(o.title)}</a></li>' for o in related)
        body = "".join(f"<p>{esc(p)}</p>" for p in a.paragraphs)
        inner = (f'<div class="breadcrumb"><a href="/">Home</a> / <a href="/{slugify(a.section)}/">'
                 f'{esc(a.section)}</a></div><div class="lft_art"><h1>{esc(a.title)}</h1>'
                 f'<div class="info"><span class="info_l">By {esc(", ".join(a.authors))} | '
                 f"{esc(self.title)} | Updated: {a.modified:%Y-%m-%d %H:%M}</span></div>"
                 f'<div id="Content">{body}</div>'
                 f'<div class="share">Share: WeChat | Weibo | Facebook</div></div>'
                 f'<div class="mb10"><h3>Related stories</h3><ul>{rel}</ul></div>'
                 f'<div class="editor">Editor: {esc(a.authors[0])}</div>')
        return self.shell(f"{a.title} - {self.title}", inner, head, amp)

    def listing_html(self, title: str, items: list[tuple[str, DemoArticle]],
                     extra: str = "") -> str:
        rows = "".join(f'<li><h4><a href="{self.abs(path)}">{esc(a.title)}</a></h4>'
                       f"<p>{esc(a.summary)}</p><b>{a.published:%Y-%m-%d %H:%M}</b></li>"
                       for path, a in items)
        return self.shell(f"{title} - {self.title}", f"<h1>{esc(title)}</h1><ul>{rows}</ul>"
                          + extra)

    def render(self) -> None:
        for a in self.articles:
            page = Resource.page(self.article_page(a, amp=False), modified=a.modified)
            self.add(a.path, page, ARTICLE)
            self.add("/amp" + a.path, Resource.page(self.article_page(a, amp=True),
                                                    modified=a.modified), VARIANT)
            self.add_variant(a.path, self.abs("/amp" + a.path))
            twin = self.second_path(a)
            if twin:
                self.add(twin, page, VARIANT)
                self.add_variant(a.path, self.abs(twin))
        self.render_home()
        self.render_listings()
        self.render_discovery()

    def render_home(self) -> None:
        a = self.articles
        old = f"/news/2026/old_{slugify(a[4].title)[:20]}.shtml"
        self.add(old, Resource.redirect(self.abs(a[4].path)), DISCOVERY)
        self.add_variant(a[4].path, self.abs(old))
        tracked = [f"{a[0].path}?utm_source=homepage&utm_medium=hero&utm_campaign=top",
                   f"{a[1].path}?fbclid=IwAR0demoXb7Qk2", f"{a[2].path}?utm_source=newsletter"]
        for t in tracked:
            self.add_variant(t.split("?")[0], self.abs(t))
        links = "".join(f'<li><a href="{self.abs(t)}">{esc(x.title)}</a></li>'
                        for t, x in zip(tracked, a))
        links += "".join(f'<li><a href="{self.abs(x.path)}">{esc(x.title)}</a></li>'
                         for x in a[3:6])
        links += (f'<li><a href="{self.abs(old)}">From the archive: {esc(a[4].title)}</a></li>'
                  f'<li><a href="/private/budget-draft-2026.html">Exclusive: draft budget</a></li>')
        hot = '<p>Hot searches: <a href="/search?query=metro">metro</a></p>'
        self.add("/", Resource.page(self.shell(self.title, f"<ul class=\"top\">{links}</ul>{hot}"),
                                    modified=self.newest()), LISTING)
        self.add("/search?query=metro", self.search_page("query=metro"), LISTING)
        secret = self.shell("Draft budget - internal", "<h1>Draft budget 2026 (embargoed)</h1>"
                            + "<p>Internal planning figures. Not for publication.</p>" * 40)
        self.add("/private/budget-draft-2026.html", Resource.page(secret), HIDDEN)

    def render_listings(self) -> None:
        groups: dict[str, tuple[str, list[tuple[str, DemoArticle]]]] = {}
        for a in self.articles:
            for key, label in ((f"/{slugify(a.section)}/", a.section),
                               (f"/authors/{slugify(a.authors[0])}.html", a.authors[0]),
                               *((f"/tags/{slugify(t)}.html", t) for t in a.tags)):
                groups.setdefault(key, (label, []))[1].append((a.path, a))
            twin = self.second_path(a)
            if twin:  # the twin is listed under its second section by its second path
                groups.setdefault("/business/", ("Business", []))[1].append((twin, a))
        for base, (label, items) in groups.items():
            if not base.endswith("/"):  # tag and author pages: one page each
                self.add(base, Resource.page(self.listing_html(label, items)), LISTING)
                continue
            pages = (len(items) + PER_PAGE - 1) // PER_PAGE
            for page in range(1, pages + 1):
                chunk = items[(page - 1) * PER_PAGE:page * PER_PAGE]
                nxt = (f'<a class="next" href="{base}page_{page + 1}.html">Next</a>'
                       if page < pages else "")
                path = base if page == 1 else f"{base}page_{page}.html"
                self.add(path, Resource.page(self.listing_html(label, chunk, nxt)), LISTING)
        for path, title in (("/about.html", "About us"), ("/contact.html", "Contact")):
            inner = f"<h1>{title}</h1><p>The Yangtze Delta Herald is published in Nanjing.</p>"
            self.add(path, Resource.page(self.shell(title, inner)), STATIC)

    def render_discovery(self) -> None:
        entries = [xmlgen.FeedEntry(self.abs(a.path), a.title, a.published, a.modified)
                   for a in self.articles]
        self.add("/news-sitemap.xml", Resource.page(xmlgen.news_sitemap(entries, self.title),
                                                    XML, self.newest()), DISCOVERY)
        self.robots(["User-agent: *", "Disallow: /private/", "",
                     f"Sitemap: {self.abs('/news-sitemap.xml')}"])

    def search_page(self, query: str) -> Resource:
        term = (parse_qs(query).get("query") or [""])[0].lower()
        hits = [(a.path, a) for a in self.articles if term and term in a.body.lower()][:5]
        return Resource.page(self.listing_html(f"Search: {term}", hits))
