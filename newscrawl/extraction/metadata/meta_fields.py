"""The simple metadata fields: description, language, section, tags, image, URLs, site.

Each is a small function of the shared MetaContext returning ``(value, source)``;
they differ only in which keys they trust first.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urljoin

from newscrawl.extraction.metadata.jsonld import text_value
from newscrawl.extraction.metadata.meta_context import MetaContext
from newscrawl.extraction.metadata.titles import normalize_space

logger = logging.getLogger(__name__)

Result = tuple[Any, str | None]
MAX_TAGS = 50
MAX_TAG_CHARS = 80
_LANG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_]([a-zA-Z]{2}|[a-zA-Z]{4}))?\b")


def _absolute(ctx: MetaContext, value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("//"):
        value = "https:" + value
    if ctx.url and not value.startswith(("http://", "https://")):
        value = urljoin(ctx.url, value)
    return value if value.startswith(("http://", "https://")) else None


def description(ctx: MetaContext) -> Result:
    for key, source in (
        ("og:description", "og"),
        ("description", "meta"),
        ("twitter:description", "twitter"),
    ):
        value = normalize_space(ctx.page.first(key))
        if value:
            return value, source
    from_ld = text_value((ctx.ld.article or {}).get("description"))
    return (from_ld, "jsonld") if from_ld else (None, None)


def normalize_language(raw: str | None) -> str | None:
    """'de-DE' / 'de_DE' → 'de'; Chinese keeps its script or region ('zh-tw')."""
    match = _LANG.match((raw or "").strip())
    if not match:
        return None
    primary = match.group(1).lower()
    if primary == "zh" and match.group(2):
        return f"zh-{match.group(2).lower()}"
    return primary


def language(ctx: MetaContext) -> Result:
    for raw, source in (
        (ctx.page.html_lang, "html"),
        (text_value((ctx.ld.article or {}).get("inLanguage")), "jsonld"),
        (ctx.page.first("og:locale"), "og"),
        (ctx.page.first("content-language", "language", "dc.language"), "meta"),
        (ctx.hints.language, "registry"),
    ):
        value = normalize_language(raw)
        if value:
            return value, source
    return None, None


def section(ctx: MetaContext) -> Result:
    for raw, source in (
        (text_value((ctx.ld.article or {}).get("articleSection")), "jsonld"),
        (
            ctx.page.first(
                "article:section",
                "og:article:section",
                "parsely-section",
                "section",
                "sailthru.section",
                "cxenseparse:recs:articlesection",
            ),
            "meta",
        ),
        (next(iter(ctx.page.microdata.get("articlesection", [])), None), "microdata"),
    ):
        value = normalize_space(raw)
        if value:
            return value, source
    return None, None


def _split_tags(values: list[Any]) -> list[str]:
    tags: list[str] = []
    seen: set[str] = set()
    for value in values:
        if isinstance(value, list):
            parts = [text_value(v) or "" for v in value]
        elif isinstance(value, str):
            parts = re.split(r"[,;]", value)
        else:
            continue
        for part in parts:
            tag = normalize_space(part)
            if tag and len(tag) <= MAX_TAG_CHARS and tag.casefold() not in seen:
                seen.add(tag.casefold())
                tags.append(tag)
    return tags[:MAX_TAGS]


def tags(ctx: MetaContext) -> Result:
    for values, source in (
        (ctx.page.all("article:tag", "og:article:tag"), "meta"),
        ([(ctx.ld.article or {}).get("keywords")], "jsonld"),
        (ctx.page.all("news_keywords", "keywords", "parsely-tags", "sailthru.tags"), "meta"),
    ):
        found = _split_tags(values)
        if found:
            return found, source
    return [], None


def image(ctx: MetaContext) -> Result:
    ld_image = (ctx.ld.article or {}).get("image")
    if isinstance(ld_image, list) and ld_image:
        ld_image = ld_image[0]
    if isinstance(ld_image, dict):
        ld_image = ld_image.get("url") or ld_image.get("contentUrl")
    for raw, source in (
        (ctx.page.first("og:image", "og:image:url", "og:image:secure_url"), "og"),
        (ctx.page.first("twitter:image", "twitter:image:src"), "twitter"),
        (ld_image if isinstance(ld_image, str) else None, "jsonld"),
        (next(iter(ctx.page.links.get("image_src", [])), None), "link"),
    ):
        value = _absolute(ctx, raw)
        if value:
            return value, source
    return None, None


def canonical_url(ctx: MetaContext) -> Result:
    article = ctx.ld.article or {}
    main = article.get("mainEntityOfPage")
    if isinstance(main, dict):
        main = main.get("@id") or main.get("url")
    for raw, source in (
        (next(iter(ctx.page.links.get("canonical", [])), None), "link"),
        (ctx.page.first("og:url"), "og"),
        (text_value(article.get("url")) or (main if isinstance(main, str) else None), "jsonld"),
    ):
        value = _absolute(ctx, raw)
        if value:
            return value, source
    return None, None


def site_name(ctx: MetaContext) -> Result:
    publisher = ctx.ld.resolve((ctx.ld.article or {}).get("publisher"))
    for raw, source in (
        (ctx.page.first("og:site_name"), "og"),
        (text_value(publisher), "jsonld"),
        (ctx.page.first("application-name", "apple-mobile-web-app-title"), "meta"),
    ):
        value = normalize_space(raw)
        if value and not value.startswith("http"):
            return value, source
    return None, None
