"""Site 4: a Karachi paper on its own template that also runs wire copy.

Its wire copies share a story with sites 1–3 but wear this site's boilerplate,
sometimes a new headline and a trimmed last paragraph; one article is in Urdu.
Its sitemap sits at /sitemap.xml and is *not* named in robots.txt.
"""

from __future__ import annotations

import logging

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
from newscrawl.demo.corpus import COASTAL, WIRE_STORIES, own_article, urdu_article, wire_copy
from newscrawl.demo.server import XML, Resource

logger = logging.getLogger(__name__)

PER_PAGE = 3


class CoastalSite(DemoSite):
    title = "Coastal Times"
    region = "Sindh, PK"
    timezone = "Asia/Karachi"

    def __init__(self, name: str, url: str) -> None:
        super().__init__(name, url)
        tz = self.tz
        self.articles = [own_article(name, s, "", tz) for s in COASTAL]
        self.articles.append(urdu_article("", tz))
        self.articles.append(wire_copy(WIRE_STORIES["port-terminal"], "", tz, "Web Desk",
                                       "Business", "Automated gates cut truck queues at "
                                       "Karachi port", trim=True, delay_minutes=55))
        self.articles.append(wire_copy(WIRE_STORIES["battery-plant"], "", tz, "Web Desk",
                                       "Business", trim=True, delay_minutes=70))
        self.articles.sort(key=lambda a: a.published, reverse=True)
        for i, a in enumerate(self.articles):
            slug = "kitab-mela" if a.language == "ur" else slugify(a.title)
            a.path = f"/{slugify(a.section)}/{208311 + 13 * i}-{slug}.html"

    def sections(self) -> list[str]:
        return sorted({a.section for a in self.articles})

    def shell(self, title: str, inner: str, head: str = "", lang: str = "en") -> str:
        direction = "rtl" if lang == "ur" else "ltr"
        nav = " · ".join(f'<a href="/{slugify(s)}/">{esc(s)}</a>' for s in self.sections())
        return (f'<!DOCTYPE html>\n<html lang="{lang}" dir="{direction}"><head>'
                f'<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
                f"<title>{esc(title)}</title>{head}</head>\n<body>"
                f'<div id="masthead"><a href="/"><img alt="{esc(self.title)}" src="/logo.png">'
                f'</a><div class="ticker">Markets: KSE-100 steady · Weather: Karachi 31°C</div>'
                f'</div><div id="nav">{nav}</div>\n<div id="wrap">{inner}</div>\n'
                f'<div id="newsletter">Subscribe to our morning briefing — the day\'s top '
                f"stories in your inbox before 8am.</div>"
                f'<div id="foot"><a href="/pages/about-us.html">About</a> · '
                f'<a href="/pages/advertise.html">Advertise</a><br>© 2026 Coastal Times. '
                f"All rights reserved. Reproduction without permission is prohibited.</div>"
                f"</body></html>\n")

    def article_page(self, a: DemoArticle) -> str:
        url = self.abs(a.path)
        head = (f'<link rel="canonical" href="{url}"><meta name="description" '
                f'content="{esc(a.summary)}"><meta property="og:title" content="{esc(a.title)}">'
                f'<meta property="og:type" content="article"><meta property="og:url" '
                f'content="{url}">')
        related = [o for o in self.articles if o is not a and o.section == a.section][:3]
        rel = "".join(f'<li><a href="{o.path}">{esc(o.title)}</a></li>' for o in related)
        body = "".join(f"<p>{esc(p)}</p>" for p in a.paragraphs)
        inner = (f'<div class="story" itemscope itemtype="https://schema.org/NewsArticle">'
                 f'<h1 itemprop="headline">{esc(a.title)}</h1>'
                 f'<div class="byline">By <span itemprop="author">{esc(a.authors[0])}</span> · '
                 f'<time itemprop="datePublished" datetime="{a.published.isoformat()}">'
                 f"{a.published:%d %b %Y, %H:%M} PKT</time></div>"
                 f'<div class="follow">Follow Coastal Times on WhatsApp for breaking news</div>'
                 f'<div class="story-text" itemprop="articleBody">{body}</div>'
                 f'<div class="closed">Comments are closed.</div></div>'
                 f'<div class="related"><h3>Related stories</h3><ul>{rel}</ul></div>')
        return self.shell(a.title, inner, head, a.language)

    def listing(self, title: str, items: list[DemoArticle], nxt: str | None) -> str:
        rows = "".join(f'<div class="item"><a href="{a.path}">{esc(a.title)}</a>'
                       f'<span class="date">{a.published:%d %b %Y}</span></div>' for a in items)
        more = f'<a class="more" href="{nxt}">More stories</a>' if nxt else ""
        return self.shell(f"{title} — {self.title}", f"<h1>{esc(title)}</h1>{rows}{more}")

    def render(self) -> None:
        for a in self.articles:
            self.add(a.path, Resource.page(self.article_page(a), modified=a.modified), ARTICLE)
        self.add("/", Resource.page(self.listing("Top stories", self.articles[:4], None),
                                    modified=self.newest()), LISTING)
        for section in self.sections():
            items = [a for a in self.articles if a.section == section]
            base = f"/{slugify(section)}/"
            pages = (len(items) + PER_PAGE - 1) // PER_PAGE
            for page in range(1, pages + 1):
                nxt = f"{base}index-{page + 1}.html" if page < pages else None
                path = base if page == 1 else f"{base}index-{page}.html"
                chunk = items[(page - 1) * PER_PAGE:page * PER_PAGE]
                self.add(path, Resource.page(self.listing(section, chunk, nxt)), LISTING)
        for path, title in (("/pages/about-us.html", "About"),
                            ("/pages/advertise.html", "Advertise")):
            inner = f"<h1>{title}</h1><p>Coastal Times, Karachi's evening paper since 1987.</p>"
            self.add(path, Resource.page(self.shell(title, inner)), STATIC)
        sitemap = xmlgen.urlset([(self.abs(a.path), a.modified) for a in self.articles]
                                + [(self.abs("/pages/about-us.html"), None),
                                   (self.abs("/pages/advertise.html"), None)])
        self.add("/sitemap.xml", Resource.page(sitemap, XML, self.newest()), DISCOVERY)
        self.robots(["User-agent: *", "Disallow: /cgi-bin/", "Disallow: /admin/"])
