"""The optional large site: N generated articles for the performance benchmark.

Nothing per article is stored: article ``i`` (its title, date, body, URL) is a
pure function of ``i``, rendered when requested, so N=10,000 costs no start-up
time and little memory. Only edited articles are kept, as overrides.
"""

from __future__ import annotations

import json
import logging
import random
import re
from datetime import datetime, timedelta
from functools import lru_cache
from urllib.parse import parse_qs

from newscrawl.demo import chrome, xmlgen
from newscrawl.demo.base import DemoArticle, DemoSite, esc, slugify
from newscrawl.demo.corpus import ANCHOR
from newscrawl.demo.server import NOT_FOUND, RSS, TEXT, XML, Resource
from newscrawl.demo.textgen import (
    PLACES,
    TOPICS,
    generate_body,
    headline,
    person_name,
    pick_subject,
)

logger = logging.getLogger(__name__)

SITEMAP_CHUNK = 1000
LISTING_PAGE = 50
FEED_SIZE = 50
SECTION_OF = {"port": "Business", "farm": "Business", "tech": "Business", "health": "City",
              "transport": "City", "civic": "City", "weather": "Environment",
              "education": "Education", "sport": "Sports"}
TOPIC_KEYS = sorted(TOPICS)
SECTIONS = sorted(set(SECTION_OF.values()))
AUTHORS = tuple(person_name(random.Random(f"author-{n}")) for n in range(40))
ARTICLE_RE = re.compile(r"^/([a-z]+)/(\d{6})-[a-z0-9-]+\.html$")


class LargeSite(DemoSite):
    title = "Valley Gazette"
    region = "Punjab, PK"
    timezone = "Asia/Karachi"

    def __init__(self, name: str, url: str, count: int) -> None:
        super().__init__(name, url)
        self.count = count
        self.edited: dict[int, DemoArticle] = {}
        self._render_article = lru_cache(maxsize=512)(self._render_uncached)
        self._listing_cache: dict[str, Resource] = {}

    # ---- article i as a pure function -----------------------------------
    def meta(self, i: int) -> DemoArticle:
        """Everything but the body: what sitemaps and listings need, at a fraction of the cost."""
        if i in self.edited:
            return self.edited[i]
        topic = TOPIC_KEYS[i % len(TOPIC_KEYS)]
        place = PLACES[(i * 7 + i // len(TOPIC_KEYS)) % len(PLACES)]
        title = headline(i, topic, place, pick_subject(i, topic))
        published = (ANCHOR - timedelta(minutes=47 * i)).astimezone(self.tz)
        section = SECTION_OF[topic]
        path = f"/{slugify(section)}/{i:06d}-{slugify(title)[:48].rstrip('-')}.html"
        return DemoArticle(path, title, [AUTHORS[i % len(AUTHORS)]], published,
                           published + timedelta(minutes=30), section, [], [topic])

    def article(self, i: int) -> DemoArticle:
        a = self.meta(i)
        if not a.paragraphs:
            topic = a.tags[0]
            place = PLACES[(i * 7 + i // len(TOPIC_KEYS)) % len(PLACES)]
            a.paragraphs = generate_body(f"large-{i}", topic, place, f"{place.upper()}:",
                                         170 + (i * 53) % 340, pick_subject(i, topic))
        return a

    def index_of(self, path: str) -> int | None:
        m = ARTICLE_RE.match(path)
        if not m:
            return None
        i = int(m.group(2))
        return i if i < self.count else None

    def _render_uncached(self, i: int, version: int) -> Resource:
        a = self.article(i)
        data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title,
                "datePublished": a.published.isoformat(), "dateModified": a.modified.isoformat(),
                "author": [{"@type": "Person", "name": a.authors[0]}],
                "articleSection": a.section, "mainEntityOfPage": self.abs(a.path)}
        head = (f'<link rel="canonical" href="{self.abs(a.path)}"><meta property="og:type" '
                f'content="article"><meta property="og:title" content="{esc(a.title)}">'
                f'<script type="application/ld+json">{json.dumps(data)}</script>')
        body = "".join(f"<p>{esc(p)}</p>" for p in a.paragraphs)
        article = (f"<article><h1>{esc(a.title)}</h1><p class=\"byline\">By {esc(a.authors[0])} · "
                   f"{a.published:%d %B %Y %H:%M}</p><div class=\"article-body\">{body}</div>"
                   f"</article>")
        inner = chrome.wrap_article(article, self._teaser, i)
        return Resource.page(self.shell(a.title, inner, head + chrome.HEAD_EXTRA),
                             modified=a.modified)

    def _teaser(self, j: int) -> tuple[str, str]:
        """Link and headline of another article, for teaser cards (cheap: no body)."""
        other = self.meta(j % self.count)
        return other.path, other.title

    def shell(self, title: str, inner: str, head: str = "") -> str:
        nav = " ".join(f'<a href="/section/{slugify(s)}/">{s}</a>' for s in SECTIONS)
        return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>'
                f"{esc(title)} | {self.title}</title>{head}</head><body><header>{nav}</header>"
                f"{inner}<footer>© 2026 {self.title}</footer></body></html>\n")

    # ---- serving --------------------------------------------------------
    def build(self) -> None:
        self._listing_cache = {}
        self._render_article.cache_clear()

    def resolve(self, path: str, query: str) -> Resource:
        i = self.index_of(path)
        if i is not None:
            expected = self.meta(i).path
            return self._render_article(i, len(self.edited)) if path == expected else NOT_FOUND
        key = f"{path}?{query}" if path.startswith("/section/") and query else path
        cached = self._listing_cache.get(key)
        if cached is None:
            cached = self.render_listing(path, query)
            if cached.status == 200:
                self._listing_cache[key] = cached
        return cached

    def render_listing(self, path: str, query: str) -> Resource:
        newest = max([self.meta(0).modified if self.count else ANCHOR]
                     + [a.modified for a in self.edited.values()])
        if path == "/robots.txt":
            return Resource.page(f"User-agent: *\nDisallow: /admin/\n\nSitemap: "
                                 f"{self.abs('/sitemap.xml')}\n", TEXT, newest)
        if path == "/sitemap.xml":
            kids = [(self.abs(f"/sitemaps/articles-{k + 1}.xml"), self.chunk_lastmod(k))
                    for k in range(self.chunks)]
            return Resource.page(xmlgen.sitemap_index(kids), XML, max(m for _, m in kids))
        m = re.fullmatch(r"/sitemaps/articles-(\d+)\.xml", path)
        if m and 0 < int(m.group(1)) <= self.chunks:
            start = (int(m.group(1)) - 1) * SITEMAP_CHUNK
            arts = [self.meta(i) for i in range(start, min(start + SITEMAP_CHUNK, self.count))]
            return Resource.page(xmlgen.urlset([(self.abs(a.path), a.modified) for a in arts]),
                                 XML, self.chunk_lastmod(start // SITEMAP_CHUNK))
        if path == "/rss.xml":
            arts = [self.article(i) for i in range(min(FEED_SIZE, self.count))]
            entries = [xmlgen.FeedEntry(self.abs(a.path), a.title, a.published, a.modified,
                                        a.summary, a.authors[0]) for a in arts]
            return Resource.page(xmlgen.rss(self.title, self.url, self.abs("/rss.xml"), entries),
                                 RSS, newest)
        if path == "/":
            links = "".join(self.link(i) for i in range(min(20, self.count)))
            return Resource.page(self.shell(self.title, f"<h1>Latest</h1><ul>{links}</ul>"),
                                 modified=newest)
        m = re.fullmatch(r"/section/([a-z]+)/", path)
        if m and m.group(1) in {slugify(s) for s in SECTIONS}:
            return self.section_page(m.group(1), query)
        return NOT_FOUND

    @property
    def chunks(self) -> int:
        return (self.count + SITEMAP_CHUNK - 1) // SITEMAP_CHUNK

    def chunk_lastmod(self, k: int) -> datetime:
        """Newest lastmod in child sitemap k: its first (newest) entry, or an edited one."""
        start, end = k * SITEMAP_CHUNK, (k + 1) * SITEMAP_CHUNK
        return max([self.meta(start).modified]
                   + [a.modified for j, a in self.edited.items() if start <= j < end])

    def link(self, i: int) -> str:
        a = self.meta(i)
        return f'<li><a href="{a.path}">{esc(a.title)}</a></li>'

    def section_members(self, slug: str) -> list[int]:
        topics = [n for n, k in enumerate(TOPIC_KEYS) if slugify(SECTION_OF[k]) == slug]
        return [i for i in range(self.count) if i % len(TOPIC_KEYS) in topics]

    def section_page(self, slug: str, query: str) -> Resource:
        members = self.section_members(slug)
        pages = max(1, (len(members) + LISTING_PAGE - 1) // LISTING_PAGE)
        raw = (parse_qs(query).get("page") or ["1"])[0]
        page = int(raw) if raw.isdigit() else 0
        if not 1 <= page <= pages:
            return NOT_FOUND
        chunk = members[(page - 1) * LISTING_PAGE:page * LISTING_PAGE]
        links = "".join(self.link(i) for i in chunk)
        nxt = f'<a rel="next" href="?page={page + 1}">Older</a>' if page < pages else ""
        return Resource.page(self.shell(f"{slug.title()} page {page}",
                                        f"<h1>{slug.title()}</h1><ul>{links}</ul>{nxt}"))

    # ---- ground truth ---------------------------------------------------
    def truth(self) -> list[dict]:
        return [self.article_truth(self.article(i)) for i in range(self.count)]

    def non_article_urls(self) -> list[str]:
        urls = [self.abs("/")]
        for s in SECTIONS:
            slug = slugify(s)
            pages = max(1, (len(self.section_members(slug)) + LISTING_PAGE - 1) // LISTING_PAGE)
            urls += [self.abs(f"/section/{slug}/" + (f"?page={p}" if p > 1 else ""))
                     for p in range(1, pages + 1)]
        return urls

    def hidden_urls(self) -> list[str]:
        return []

    def url_variants(self) -> dict[str, list[str]]:
        return {}

    def urls_of_kind(self, kind: str) -> list[str]:
        return [self.abs(self.meta(i).path) for i in range(self.count)] \
            if kind == "article" else []

    def edit_article(self, url: str) -> dict:
        i = self.index_of(url.removeprefix(self.url.rstrip("/")))
        if i is None:
            raise KeyError(f"{url} is not an article of {self.name}")
        if i not in self.edited:
            self.edited[i] = self.article(i)  # from now on this copy is the article
        self.articles = list(self.edited.values())  # the base class edits what it can find
        return super().edit_article(url)
