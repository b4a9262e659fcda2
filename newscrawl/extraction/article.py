"""Assembly: raw page → ``ArticleFields``, the one entry point of extraction.

Decode and parse once, fix the shared tree (Cloudflare e-mails), read the
metadata cascade, then the body; record which source produced every field.
Pure: no I/O, no Scrapy; the spider and the CLI both call ``extract_article``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from itertools import islice
from typing import Any
from urllib.parse import urljoin

import lxml.etree

from newscrawl.extraction.body.clean import CleanContext
from newscrawl.extraction.body.main import extract_body
from newscrawl.extraction.body.treeclean import decode_cloudflare_emails
from newscrawl.extraction.hints import SiteHints
from newscrawl.extraction.metadata.cascade import extract_metadata, page_types
from newscrawl.extraction.page import Page, load_page

logger = logging.getLogger(__name__)

# og:title / twitter:title, read from <head> only
_TITLE_META = {"og:title", "twitter:title"}
# headline candidates looked at (a page rarely has more than one real h1)
MAX_HEADLINES = 5
MAX_LINKS = 5000  # links kept per page: a listing bigger than this is a trap anyway
_HREFS = lxml.etree.XPath("//a/@href", smart_strings=False)  # one C-level walk, plain strings out


@dataclass
class ArticleFields:
    """Everything extraction knows about one page, plus evidence and provenance."""

    title: str | None = None
    description: str | None = None
    language: str | None = None
    section: str | None = None
    image: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    published: str | None = None
    modified: str | None = None
    body: str | None = None
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)  # field -> source
    og_type: str | None = None  # evidence for article-vs-listing decisions
    jsonld_types: list[str] = field(default_factory=list)
    paragraphs: int = 0  # number of body paragraphs
    encoding: str = "utf-8"  # charset finally used to decode
    links: list[str] = field(default_factory=list)  # <a href> targets as written, page order
    base_url: str | None = None  # what ``links`` are relative to (<base href>, else the URL)
    feed_links: list[str] = field(default_factory=list)  # <link rel=alternate> RSS/Atom feeds

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (CLI output, spider item building)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


_META_FIELDS = (
    "title", "description", "language", "section", "image", "canonical_url", "site_name",
    "published", "modified", "authors", "tags", "og_type", "jsonld_types",
)


def _metadata(page: Page, hints: SiteHints) -> Any:
    try:
        return extract_metadata(page.tree, page.url, hints)
    except Exception:
        logger.warning("metadata extraction failed on %s", page.url, exc_info=True)
        return None


def _headlines(page: Page, title: str | None) -> list[str]:
    """Every form of the headline the body might repeat on its first line."""
    found = [title] if title else []
    head = page.tree.find("head")
    metas = head.iter("meta") if head is not None else iter(())
    for meta in metas:
        if (meta.get("property") or meta.get("name")) in _TITLE_META and meta.get("content"):
            found.append(meta.get("content").strip())
    for h1 in islice(page.tree.iter("h1"), MAX_HEADLINES):
        text = h1.text_content().strip()
        if text:
            found.append(text)
    return [t for t in found if t]


def page_links(page: Page) -> tuple[list[str], list[str], str]:
    """Link targets as written (first MAX_LINKS, deduplicated), announced feeds, and
    the base URL to resolve them against: only a listing's links are ever resolved,
    so the reactor joins them (``urljoin`` per link would cost article pages ~3 ms)."""
    from newscrawl.discovery.feeds import feed_links_in

    base = page_base(page)
    hrefs = dict.fromkeys(h.strip() for h in _HREFS(page.tree) if h and h[0] != "#")
    return list(hrefs)[:MAX_LINKS], feed_links_in(page.tree, base) if base else [], base


def page_base(page: Page) -> str:
    """What the page's relative links resolve against: its ``<base href>``, else its URL."""
    base = page.url or ""
    for tag in page.tree.iter("base"):
        try:
            return urljoin(base, (tag.get("href") or "").strip()) or base
        except ValueError:  # "http://[not-an-ip]/": Python's parser refuses it
            return base
    return base


def extract_article(
    html: bytes | str,
    url: str | None = None,
    *,
    http_charset: str | None = None,
    hints: SiteHints | None = None,
    links_only: bool = False,
    links: bool = True,
) -> ArticleFields:
    """All fields of one article page; never does I/O, same input → same output.

    The page's links and feed links come from the same tree (a listing needs
    nothing but its ``og:type`` and JSON-LD types: ``links_only`` stops there, before
    the body, which on a big listing page costs the worker tens of MB of peak memory).
    ``links=False`` when the caller follows none of the page's links (an article URL):
    they are not looked for.
    """
    hints = hints or SiteHints()
    page = load_page(html, url, http_charset)
    fields = ArticleFields(encoding=page.encoding)
    if links:
        fields.links, fields.feed_links, fields.base_url = page_links(page)
    else:
        fields.base_url = page_base(page)
    if links_only:
        try:
            fields.og_type, fields.jsonld_types = page_types(page.tree, page.url)
        except Exception:
            logger.warning("page type unreadable on %s", page.url, exc_info=True)
        return fields
    decode_cloudflare_emails(page.tree, page.text)
    meta = _metadata(page, hints)
    if meta is not None:
        for name in _META_FIELDS:
            setattr(fields, name, getattr(meta, name))
        fields.provenance.update(meta.provenance)
    if hints.language and not fields.language:
        fields.language, fields.provenance["language"] = hints.language, "registry"
    ctx = CleanContext(titles=_headlines(page, fields.title), authors=list(fields.authors))
    body = extract_body(
        page,
        ctx,
        jsonld_body=getattr(meta, "jsonld_body", None),
        selector=hints.selectors.get("body"),
    )
    fields.body, fields.paragraphs = body.text, body.paragraphs
    if body.text:
        fields.provenance["body"] = body.method
    return fields
