"""What every demo site shares: its articles, its route table and its ground truth.

A site renders all its pages into a dict of path -> Resource; each route is
tagged with what it is (article, listing, static, discovery, variant), so the
truth and the list of pages a crawl must not yield come from the same place the
pages do and cannot drift apart.
"""

from __future__ import annotations

import html
import logging
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from newscrawl.demo.server import NOT_FOUND, TEXT, Resource

logger = logging.getLogger(__name__)

ARTICLE, LISTING, STATIC, DISCOVERY, VARIANT, HIDDEN = (
    "article", "listing", "static", "discovery", "variant", "hidden")


@dataclass
class DemoArticle:
    """One article page; mutable only through ``DemoSite.edit_article``."""

    path: str
    title: str
    authors: list[str]
    published: datetime
    modified: datetime
    section: str
    paragraphs: list[str]
    tags: list[str] = field(default_factory=list)
    story: str | None = None
    language: str = "en"

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def summary(self) -> str:
        words = self.paragraphs[0].split()
        return " ".join(words[:30]) + ("…" if len(words) > 30 else "")


_NON_WORD = re.compile(r"[\W_]+")


def slugify(text: str) -> str:
    return _NON_WORD.sub("-", text.lower()).strip("-")[:60].rstrip("-")


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def cf_encode(email: str, key: int = 0x5A) -> str:
    """Cloudflare e-mail protection: key byte, then each byte XOR key, in hex."""
    return f"{key:02x}" + "".join(f"{b ^ key:02x}" for b in email.encode("utf-8"))


def cf_decode(hexstr: str) -> str:
    key = int(hexstr[:2], 16)
    return bytes(int(hexstr[i:i + 2], 16) ^ key for i in range(2, len(hexstr), 2)).decode()


class DemoSite:
    """Base class: subclasses set the metadata and implement ``render``."""

    title = "Demo"
    language = "en"
    region = ""
    timezone = "UTC"
    search_param: str | None = None

    def __init__(self, name: str, url: str) -> None:
        self.name = name
        self.url = url
        self.articles: list[DemoArticle] = []
        self._routes: dict[str, tuple[str, Resource]] = {}
        self._variants: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    # ---- building -------------------------------------------------------
    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def abs(self, path: str) -> str:
        return self.url.rstrip("/") + path

    def build(self) -> None:
        """Render every page; the new table replaces the old one in one assignment."""
        routes: dict[str, tuple[str, Resource]] = {}
        variants: dict[str, list[str]] = {}
        self._pending, self._pending_variants = routes, variants
        self.render()
        self._routes, self._variants = routes, variants

    def render(self) -> None:
        raise NotImplementedError

    def add(self, path: str, resource: Resource, kind: str) -> None:
        self._pending[path] = (kind, resource)

    def add_variant(self, canonical_path: str, variant_url: str) -> None:
        self._pending_variants.setdefault(self.abs(canonical_path), []).append(variant_url)

    def robots(self, lines: list[str]) -> None:
        self.add("/robots.txt", Resource.page("\n".join(lines) + "\n", TEXT,
                                              self.newest()), DISCOVERY)

    def newest(self) -> datetime:
        return max((a.modified for a in self.articles),
                   default=datetime(2026, 1, 1, tzinfo=UTC))

    # ---- serving --------------------------------------------------------
    def resolve(self, path: str, query: str) -> Resource:
        routes = self._routes
        if query:
            hit = routes.get(f"{path}?{query}")
            if hit:
                return hit[1]
            if self.search_param and any(k == self.search_param for k, _ in parse_qsl(query)):
                return self.search_page(query)
        hit = routes.get(path)
        return hit[1] if hit else NOT_FOUND

    def search_page(self, query: str) -> Resource:
        return NOT_FOUND

    # ---- ground truth ---------------------------------------------------
    def article_truth(self, article: DemoArticle) -> dict:
        return {"site": self.name, "url": self.abs(article.path), "title": article.title,
                "authors": list(article.authors), "published": article.published.isoformat(),
                "modified": article.modified.isoformat(), "body": article.body,
                "story": article.story, "section": article.section,
                "language": article.language}

    def truth(self) -> list[dict]:
        return [self.article_truth(a) for a in self.articles]

    def non_article_urls(self) -> list[str]:
        return [self.abs(p) for p, (kind, _) in self._routes.items()
                if kind in (LISTING, STATIC, HIDDEN)]

    def hidden_urls(self) -> list[str]:
        """Pages robots.txt forbids: a crawl must never request these."""
        return [self.abs(p) for p, (kind, _) in self._routes.items() if kind == HIDDEN]

    def url_variants(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in self._variants.items()}

    def urls_of_kind(self, kind: str) -> list[str]:
        return [self.abs(p) for p, (k, _) in self._routes.items() if k == kind]

    def registry_entry(self) -> dict:
        return {"name": self.name, "url": self.url, "language": self.language,
                "region": self.region, "timezone": self.timezone}

    def edit_article(self, url: str) -> dict:
        """Append a correction sentence and bump the modified time, then re-render."""
        with self._lock:
            article = next((a for a in self.articles if self.abs(a.path) == url), None)
            if article is None:
                raise KeyError(f"{url} is not an article of {self.name}")
            now = datetime.now(UTC).replace(microsecond=0).astimezone(self.tz)
            article.modified = max(now, article.modified + timedelta(seconds=1))
            stamp = article.modified.strftime("%d %B %Y %H:%M")
            revision = sum("was updated on" in p for p in article.paragraphs) + 1
            article.paragraphs.append(
                f"This story was updated on {stamp} with further comment from the officials "
                f"concerned (revision {revision}).")
            self.build()
            return self.article_truth(article)
