"""The metadata cascade: every field from its most trusted source, with provenance.

Order of trust per field: registry selectors (when the site has them), JSON-LD,
OpenGraph/meta, microdata, then what the page shows (h1, byline, ``<time>``)
and finally the URL. Each field is its own small function returning
``(value, source)``; a failing field is logged and left at its default so one
odd page never loses the whole article. Pure: no I/O, no Scrapy, the tree is
only read.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html

from newscrawl.extraction.hints import SiteHints
from newscrawl.extraction.metadata import meta_dates, meta_fields
from newscrawl.extraction.metadata.authors import (
    clean_authors,
    find_bold_byline,
    find_prefixed_byline,
    is_bare_prefix,
    looks_like_names,
    name_key,
    scan_bylines,
    split_names,
)
from newscrawl.extraction.metadata.headline import choose_title, visible_headlines
from newscrawl.extraction.metadata.jsonld import is_video, parse_jsonld, person_names, text_value
from newscrawl.extraction.metadata.meta_context import MetaContext, build_context
from newscrawl.extraction.metadata.meta_tags import PageMeta, collect_meta
from newscrawl.extraction.metadata.shown_byline import find_shown_byline
from newscrawl.extraction.metadata.titles import (
    MIN_TITLE_CHARS,
    normalize_space,
    strip_site_name,
    title_key,
    url_directories,
    without_glued_site,
)

logger = logging.getLogger(__name__)

Result = tuple[Any, str | None]

# meta keys in order of trust; lower-case, as collect_meta stores them
EDITOR_META = ("editor",)
AUTHOR_META = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "byl",
    "og:article:author",
    "cxenseparse:author",
    "articleauthor",
    "article:author_name",
    "dcsext.author",
)


@dataclass
class Metadata:
    """All metadata fields of one page, plus where each came from and article evidence."""

    title: str | None = None
    description: str | None = None
    language: str | None = None
    section: str | None = None
    image: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)  # field -> source
    og_type: str | None = None
    jsonld_types: list[str] = field(default_factory=list)
    jsonld_body: str | None = None


def _title(ctx: MetaContext) -> Result:
    """The headline: the registry selector, else the displayed headline the metadata
    confirms, else the metadata (see headline.choose_title)."""
    selected = ctx.selected_text("title")
    if selected:
        return selected, "selector"
    labels = ctx.site_labels
    article = ctx.ld.article or {}
    ld_title = text_value(article.get("headline") or article.get("name"))
    # a video's name names the video: the page's headline only when nothing else is stated
    # (an article embedding a video, with no article node, has its own og:title and h1)
    video = is_video(article)
    raw = {
        "jsonld": (None if video else ld_title) or ctx.page.first("headline"),
        "video": ld_title if video else None,
        "og": ctx.page.first("og:title"),
        "twitter": ctx.page.first("twitter:title"),
        "meta": ctx.page.first("dc.title", "title", "sailthru.title", "parsely-title"),
        "title": ctx.page.title_tag,
    }
    directories = url_directories(ctx.url)
    candidates = {
        source: strip_site_name(value, labels, ctx.section_hint, directories)
        for source, value in raw.items()
        if value
    }
    micro = ctx.page.microdata.get("headline")
    if micro:
        candidates["microdata"] = normalize_space(micro[0])
    kept = {s: t for s, t in candidates.items() if len(t) >= MIN_TITLE_CHARS}
    shown = [without_glued_site(h, labels, kept.values()) for h in _headlines_shown(ctx, directories)]
    return choose_title(kept, shown)


def _headlines_shown(ctx: MetaContext, directories: frozenset[str]) -> list[str]:
    """The page's h1 texts less those that are labels: the site's name (a logo) or one of
    the URL's directories ("Politik" over the story). The declared section is no such
    test: pages fill the section meta with anything, the headline included."""
    labels = directories | ctx.site_labels
    return [text for text in visible_headlines(ctx.tree) if title_key(text) not in labels]


def _jsonld_authors(ctx: MetaContext) -> tuple[list[str], bool]:
    """JSON-LD author names, and whether any of them is a person (not the site, not an org)."""
    article = ctx.ld.article or {}
    raw = person_names(ctx.ld, article.get("author") or article.get("creator"))
    names = clean_authors(name for name, _ in raw)
    orgs = {n.casefold() for name, person in raw if not person for n in clean_authors([name])}
    has_person = any(n.casefold() not in orgs and not ctx.is_site_name(n) for n in names)
    if has_person and len(names) > 1:  # keep agencies beside persons, drop the site's own name
        names = [n for n in names if not ctx.is_site_name(n)]
    return names, has_person


def _authors(ctx: MetaContext) -> Result:
    """Person names first (selector, JSON-LD, meta, byline, microdata); organisations last.

    A wire agency named beside persons in JSON-LD is kept; the site's own name
    is only an author when nothing better names one (pages without bylines).
    """
    selected = ctx.selected_texts("authors")
    if selected and (names := clean_authors(selected)):
        return names, "selector"
    ld_names, ld_has_person = _jsonld_authors(ctx)
    if ld_has_person:
        return ld_names, "jsonld"
    is_site = ctx.is_site_name
    editors = set(map(name_key, clean_authors(ctx.page.all(*EDITOR_META))))
    # a CMS that fills the author tag with the desk editor's name says so in its editor tag
    meta_values = [
        v for v in ctx.page.all(*AUTHOR_META)
        if not v.startswith(("http", "@")) and not (editors and name_key(v) in editors)
    ]
    # "paper.example, Frankfurt, Germany": a value naming the site is an address, not people
    if people := clean_authors(v for v in meta_values if not any(map(is_site, split_names(v)))):
        return _widened(people, ctx)
    if labelled := [n for n in labelled_authors(ctx.page) if not is_site(n)]:
        return _widened(labelled, ctx)
    if byline := visible_byline(ctx):
        return byline, "byline"
    micro = clean_authors(ctx.article_root.xpath(_MICRODATA_AUTHOR))
    if micro_persons := [n for n in micro if not is_site(n)]:
        return micro_persons, "microdata"
    if ld_names:
        return ld_names, "jsonld"
    site_names = [n for n in clean_authors(meta_values) if is_site(n)]
    return (site_names, "meta") if site_names else ([], None)


def visible_byline(ctx: MetaContext) -> list[str]:
    """The names the page prints as its byline, the site's own name left out: the line
    below the headline first, then the article's bylines that say so ("By …",
    rel=author), its prefixed lines, any marked byline, a bold name line."""
    is_site = ctx.is_site_name
    regions = [r for r in (ctx.article_root, headline_region(ctx.tree, ctx.article_root)) if r is not None]
    if shown := [n for n in find_shown_byline(ctx.tree, ctx.article_root) if not is_site(n)]:
        return shown
    scans: dict[int, tuple[list[str], list[str]]] = {}  # one walk a region serves both byline steps

    def scanned(i: int) -> tuple[list[str], list[str]]:
        if i not in scans:
            scans[i] = scan_bylines(regions[i])
        return scans[i]

    finds: list[Callable[[int], list[str]]] = [
        lambda i: scanned(i)[0],  # a byline that says so ("By …", rel=author)
        lambda i: find_prefixed_byline(regions[i]),
        lambda i: scanned(i)[0] or scanned(i)[1],  # any marked byline
    ]
    for find in finds:
        for i in range(len(regions)):
            if byline := [n for n in find(i) if not is_site(n)]:
                return byline
    return find_bold_byline(ctx.article_root)


def _widened(names: list[str], ctx: MetaContext) -> Result:
    """Metadata names, or the visible byline when it names every one of them and more:
    author meta tags often hold only the first of several authors the page shows."""
    shown = visible_byline(ctx)
    keys = {name_key(n) for n in shown}
    if len(shown) <= len(names) or not all(name_key(n) in keys for n in names):
        return names, "meta"
    given = {name_key(n) for n in names}
    # the added names must read as persons' names: a place or a role beside the name is not one
    if all(looks_like_names(n) == [n] for n in shown if name_key(n) not in given):
        return shown, "byline"
    return names, "meta"


LABELLED_PAIRS = 4  # twitter:label1 … twitter:label4
_MISC_PREFIX = "twitter:misc:"


def labelled_authors(page: PageMeta) -> list[str]:
    """Authors named in a labelled meta pair: ``twitter:label1`` "Written by" (the
    label in the site's language: "Verfasst von", "Escrito por" …) with the name in
    ``twitter:data1``, or ``twitter:misc:Written by``, as WordPress SEO plugins print
    them. The label is known by its last word, the language's byline word."""
    for number in range(1, LABELLED_PAIRS + 1):
        label = page.first(f"twitter:label{number}")
        if label and _is_byline_label(label):
            return split_names(page.first(f"twitter:data{number}") or "")
    for key, values in page.meta.items():
        if key.startswith(_MISC_PREFIX) and _is_byline_label(key[len(_MISC_PREFIX):]):
            return clean_authors(values)
    return []


def _is_byline_label(label: str) -> bool:
    words = label.split()
    return bool(words) and is_bare_prefix(words[-1])


HEADLINE_REGION_LEVELS = 4  # a byline sits within a few levels of the headline


def headline_region(
    tree: lxml_html.HtmlElement, root: lxml_html.HtmlElement
) -> lxml_html.HtmlElement | None:
    """The block around the first h1 when it lies outside the article root: bylines are
    printed beside the headline, often in a header the <article> does not hold."""
    h1 = next(tree.iter("h1"), None)
    if h1 is None or root in h1.iterancestors():
        return None
    region = h1
    for level, parent in enumerate(h1.iterancestors()):
        if level >= HEADLINE_REGION_LEVELS or parent.tag in {"body", "html"}:
            break
        region = parent
    return region


_MICRODATA_AUTHOR = (
    "(.//*[contains(@itemprop,'author')])[1]//*[@itemprop='name']/@content | "
    "(.//*[contains(@itemprop,'author')])[1]//*[@itemprop='name']/text()"
)


FIELDS: tuple[tuple[str, Callable[[MetaContext], Result]], ...] = (
    ("title", _title),
    ("authors", _authors),
    ("published", meta_dates.published),
    ("modified", meta_dates.modified),
    ("description", meta_fields.description),
    ("language", meta_fields.language),
    ("section", meta_fields.section),
    ("tags", meta_fields.tags),
    ("image", meta_fields.image),
    ("canonical_url", meta_fields.canonical_url),
    ("site_name", meta_fields.site_name),
)


def extract_metadata(
    tree: lxml_html.HtmlElement, url: str | None, hints: SiteHints | None = None
) -> Metadata:
    """Every metadata field of a parsed page, each from its most trusted source."""
    ctx = build_context(tree, url, hints or SiteHints())
    result = Metadata(
        og_type=ctx.page.first("og:type"),
        jsonld_types=ctx.ld.types,
        jsonld_body=_article_body(ctx),
    )
    for name, func in FIELDS:
        try:
            value, source = func(ctx)
        except Exception as exc:  # noqa: BLE001 - one bad field must not lose the article
            logger.warning("metadata field %s failed on %s: %r", name, url, exc)
            continue
        if value:
            setattr(result, name, value)
            if source:
                result.provenance[name] = source
    return result


def page_types(tree: lxml_html.HtmlElement, url: str | None) -> tuple[str | None, list[str]]:
    """``og:type`` and the JSON-LD ``@type``s alone: all a listing page needs to say whether
    it is an article (the whole cascade searched a 40,000-link listing for dates ~3 s)."""
    return collect_meta(tree).first("og:type"), list(parse_jsonld(tree, url).types)


def _article_body(ctx: MetaContext) -> str | None:
    """JSON-LD articleBody with its line breaks kept (the body extractor may use it)."""
    body = (ctx.ld.article or {}).get("articleBody")
    if isinstance(body, list):
        body = "\n".join(b for b in body if isinstance(b, str))
    if not isinstance(body, str) or not body.strip():
        return None
    return html.unescape(body).strip() if "&" in body else body.strip()
