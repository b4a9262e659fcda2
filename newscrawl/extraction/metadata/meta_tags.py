"""One pass over <meta>, <link> and microdata: the page's declared metadata.

OpenGraph, Twitter cards, Dublin Core, Parse.ly, Sailthru and plain ``name=``
tags all live in ``<meta>``; reading them once into a dict keeps every field
function a cheap lookup instead of another walk over a large tree.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

logger = logging.getLogger(__name__)

# microdata properties worth reading outside <meta> (value from content/datetime/text)
MICRODATA_PROPS = frozenset(
    {
        "headline",
        "name",
        "author",
        "datepublished",
        "datemodified",
        "datecreated",
        "articlesection",
        "keywords",
        "description",
        "inlanguage",
    }
)
MAX_MICRODATA_TEXT = 300
_ITEMPROPS = etree.XPath("//*[@itemprop][not(self::meta)]")  # compiled once, not per page


@dataclass
class PageMeta:
    """Declared metadata: meta key → values, rel → hrefs, microdata, <html lang>."""

    meta: dict[str, list[str]] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=dict)
    microdata: dict[str, list[str]] = field(default_factory=dict)
    html_lang: str | None = None
    title_tag: str | None = None

    def first(self, *keys: str) -> str | None:
        """The first non-empty value among ``keys`` (lower-case), in the order given."""
        for key in keys:
            for value in self.meta.get(key, ()):
                if value:
                    return value
        return None

    def all(self, *keys: str) -> list[str]:
        """Every non-empty value among ``keys``, in key order."""
        return [v for key in keys for v in self.meta.get(key, ()) if v]


def collect_meta(tree: lxml_html.HtmlElement) -> PageMeta:
    """Read <meta>, <link rel>, <title>, html@lang and microdata itemprops in one walk."""
    page = PageMeta(html_lang=(tree.get("lang") or tree.get("xml:lang") or "").strip() or None)
    for element in tree.iter("meta", "link", "title"):
        if element.tag == "meta":
            _add_meta(page, element)
        elif element.tag == "link":
            rel = (element.get("rel") or "").lower().split()
            href = (element.get("href") or "").strip()
            for name in rel:
                if href:
                    page.links.setdefault(name, []).append(href)
        elif page.title_tag is None and element.text:
            page.title_tag = element.text.strip()
    for element in _ITEMPROPS(tree):
        _add_microdata(page, element)
    return page


def _add_meta(page: PageMeta, element: lxml_html.HtmlElement) -> None:
    content = element.get("content")
    if content is None:
        return
    content = content.strip()
    for attr in ("property", "name", "itemprop", "http-equiv"):
        key = element.get(attr)
        if key:
            key = key.strip().lower()
            page.meta.setdefault(key, []).append(content)
            if attr == "itemprop":
                page.microdata.setdefault(key, []).append(content)


def _add_microdata(page: PageMeta, element: lxml_html.HtmlElement) -> None:
    for prop in (element.get("itemprop") or "").lower().split():
        if prop not in MICRODATA_PROPS:
            continue
        value = element.get("content") or element.get("datetime")
        if value is None:
            if prop == "author" and element.get("itemscope") is not None:
                names = element.xpath(".//*[@itemprop='name']")
                value = (names[0].get("content") or names[0].text_content()) if names else None
            else:
                value = element.text_content()
        if value:
            value = " ".join(value.split())
            if len(value) <= MAX_MICRODATA_TEXT:
                page.microdata.setdefault(prop, []).append(value)
