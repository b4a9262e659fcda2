"""What every metadata field function reads: the page's sources, gathered once.

JSON-LD, the meta tags and the article root are computed a single time per
page and shared, so eleven small field functions stay cheap and independent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from cssselect import GenericTranslator, SelectorError
from lxml import etree
from lxml import html as lxml_html

from newscrawl.extraction.dates import ParsedDate, parse_date
from newscrawl.extraction.hints import SiteHints
from newscrawl.extraction.metadata.dateline import time_element_date
from newscrawl.extraction.metadata.jsonld import JsonLd, parse_jsonld, text_value
from newscrawl.extraction.metadata.meta_tags import PageMeta, collect_meta
from newscrawl.extraction.metadata.titles import names_site, normalize_space, site_labels

logger = logging.getLogger(__name__)

MAX_TIME_ELEMENTS = 5
MAX_DATE_TEXT = 160  # a longer "date" element is a paragraph, not a dateline
# class words of date and byline elements (case as written: "Date", "Byline" are common)
_DATE_CLASS_WORDS = ("date", "Date", "time", "publish", "datum", "byline", "Byline", "author")
_NOT_DATE_ELEMENTS = frozenset({"script", "style"})


def _date_elements(root: lxml_html.HtmlElement) -> Iterator[lxml_html.HtmlElement]:
    """Descendants whose class names a date or byline, in document order, found lazily:
    the caller stops at its first few dates (the article's own comes early; later ones
    are teasers'), and a walk in Python that stops costs less than an XPath that
    collects every match of the page first (0.34 s against 0.62 s on dates/)."""
    for element in root.iterdescendants():
        classes = element.get("class")
        if classes and any(word in classes for word in _DATE_CLASS_WORDS) and (
            element.tag not in _NOT_DATE_ELEMENTS and isinstance(element.tag, str)
        ):
            yield element


MAX_ARTICLES_MEASURED = 20
_ARTICLES = etree.XPath("//article")
_BODY_PARENT = etree.XPath("(//*[@itemprop][@itemprop='articleBody'])[1]/..")  # existence first: faster
_MAIN = etree.XPath("(//main)[1]")


def find_article_root(tree: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """The element holding the article: the <article> with the h1, else the longest one.

    Listing teasers are <article>s too, so "the first <article>" is often wrong.
    """
    articles = _ARTICLES(tree)
    for article in articles:
        if next(article.iter("h1"), None) is not None:
            return article
    body_parent = _BODY_PARENT(tree)
    if body_parent:
        return body_parent[0]
    if articles:
        return max(articles[:MAX_ARTICLES_MEASURED], key=lambda a: len(a.text_content()))
    main = _MAIN(tree)
    return main[0] if main else tree


@lru_cache(maxsize=256)
def compile_selector(selector: str) -> etree.XPath | None:
    """A registry selector compiled once: XPath when it starts with '/' or '(', else CSS."""
    try:
        if selector.startswith(("/", "(")):
            return etree.XPath(selector)
        return etree.XPath(GenericTranslator().css_to_xpath(selector))
    except (SelectorError, etree.XPathSyntaxError) as exc:
        logger.warning("invalid site selector %r: %s", selector, exc)
        return None


@dataclass
class MetaContext:
    """Sources of one page: tree, URL, hints, JSON-LD, meta tags and the article root."""

    tree: lxml_html.HtmlElement
    url: str | None
    hints: SiteHints
    ld: JsonLd
    page: PageMeta
    article_root: lxml_html.HtmlElement
    site_labels: set[str] = field(default_factory=set)

    def is_site_name(self, name: str) -> bool:
        """Whether ``name`` is this site's own name rather than a person or agency."""
        return names_site(name, self.site_labels)

    @property
    def section_hint(self) -> str | None:
        """The declared section, which some sites append to titles ("Headline-Politics")."""
        return text_value((self.ld.article or {}).get("articleSection")) or self.page.first(
            "article:section", "section"
        )

    def selected_texts(self, name: str) -> list[str]:
        """Texts (or attribute values) the registry selector for ``name`` points at."""
        selector = self.hints.selectors.get(name)
        compiled = compile_selector(selector) if selector else None
        if compiled is None:
            return []
        texts: list[str] = []
        for hit in compiled(self.tree):
            if isinstance(hit, str):
                text = hit
            elif name == "published" and hit.get("datetime"):
                text = hit.get("datetime")
            else:
                text = hit.get("content") or hit.text_content()
            text = normalize_space(text)
            if text:
                texts.append(text)
        return texts

    def selected_text(self, name: str) -> str | None:
        texts = self.selected_texts(name)
        return " ".join(texts) if texts and name != "title" else (texts[0] if texts else None)

    def time_dates(self) -> list[ParsedDate]:
        """Dates of the first ``<time>`` elements in the article (datetime attr, else text);
        one inside a ``<blockquote>`` dates the quoted post (an embedded tweet), not the page."""
        found: list[ParsedDate] = []
        for element in self.article_root.iter("time"):
            if next(element.iterancestors("blockquote"), None) is not None:
                continue
            parsed = time_element_date(element, self.hints.timezone)
            if parsed is not None:
                found.append(parsed)
            if len(found) >= MAX_TIME_ELEMENTS:
                break
        return found

    def text_dates(self) -> list[ParsedDate]:
        """Dates printed in the article's date/byline elements (and their dateline parent)."""
        found: list[ParsedDate] = []
        for element in _date_elements(self.article_root):
            parent = element.getparent()
            for node in (element, parent):
                if node is None:
                    continue
                text = node.text_content()
                if len(text) > MAX_DATE_TEXT:
                    continue
                parsed = parse_date(text, self.hints.timezone)
                if parsed is not None:
                    found.append(parsed)
                    break
            if len(found) >= MAX_TIME_ELEMENTS:
                break
        return found


def build_context(tree: lxml_html.HtmlElement, url: str | None, hints: SiteHints) -> MetaContext:
    """Gather all sources of the page once."""
    ld = parse_jsonld(tree, url)
    page = collect_meta(tree)
    root = find_article_root(tree)
    publisher = ld.resolve((ld.article or {}).get("publisher"))
    names = [
        page.first("og:site_name", "og:site:name"),
        page.first("application-name"),
        text_value(publisher),
    ]
    return MetaContext(
        tree=tree,
        url=url,
        hints=hints,
        ld=ld,
        page=page,
        article_root=root,
        site_labels=site_labels(url, names),
    )
