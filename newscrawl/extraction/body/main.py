"""Article body: site selector, else trafilatura combined with JSON-LD articleBody.

trafilatura is the reference engine; publishers' JSON-LD ``articleBody`` is
often the complete text without any template noise, but sometimes a teaser or
a different story. So the two are compared on shared word trigrams: a longer
JSON-LD text that contains the engine's text replaces it (the engine cut the
article short); a JSON-LD text that covers the article filters out engine
paragraphs it does not contain (boilerplate the engine kept). A page whose
markup holds no article (JS-rendered) gets its text from script data.

Speed: the engine's fast pass (main extractor only) is trusted when its text
looks like an article; the full cascade with readability/justext runs only
when it does not (see ``fast_pass_is_good``).
"""

from __future__ import annotations

import logging
import re
from copy import copy
from dataclasses import dataclass
from typing import Any

import lxml.html
import trafilatura
from trafilatura.settings import Extractor

from newscrawl.extraction.body.clean import CleanContext, clean_paragraphs
from newscrawl.extraction.body.embedded import embedded_paragraphs
from newscrawl.extraction.body.layout import engine_text
from newscrawl.extraction.body.split import restore_split_parts, split_body_parts
from newscrawl.extraction.body.treeclean import prepare_for_engine
from newscrawl.extraction.metadata.meta_context import compile_selector
from newscrawl.extraction.page import Page

logger = logging.getLogger(__name__)

# JSON-LD must contain this share of the engine's trigrams to be trusted at all
JSONLD_COVERAGE_MIN = 0.8
# … and be this much longer than the engine's text to replace it
JSONLD_LONGER_RATIO = 1.3
# an engine paragraph is kept when this share of its trigrams is in JSON-LD
PARAGRAPH_SUPPORT_MIN = 0.5
# trafilatura's readability/justext comparison is a third of its time and changes
# nothing on pages its main extractor gets right, so that pass runs first alone and
# the full cascade only when its text looks poor: short (unless it is a short
# story of several real paragraphs), …
FAST_ACCEPT_MIN_CHARS = 1500
FAST_ACCEPT_SHORT_CHARS = 500
FAST_ACCEPT_SHORT_PARAGRAPHS = 5
# … made of short lines (a menu dump), or without paragraphs (table/list dump)
FAST_ACCEPT_MIN_LINE_CHARS = 60
# below this many characters the JSON-LD body is a teaser, not the article
JSONLD_MIN_CHARS = 200
# a JSON-LD text replaces the engine's only when it keeps paragraph structure
JSONLD_MIN_PARAGRAPHS = 3
# a body shorter than this is looked for in the page's script data as well
POOR_BODY_CHARS = 200
# unsupported paragraphs before the first supported one are kept if this long (the lead)
LEAD_MIN_WORDS = 15

_TOKEN = re.compile(r"\w+")
_HTML_MARKUP = re.compile(r"</?(p|br|div|span|strong|em|a|h[1-6])\b[^>]*>", re.IGNORECASE)
_BLOCK_TAGS = ("p", "h2", "h3", "h4", "li", "blockquote", "pre")


@dataclass
class BodyResult:
    """Body text (paragraphs separated by a blank line) and how it was made."""

    text: str | None
    paragraphs: int
    method: str


def _tokens(text: str) -> list[str]:
    return [t.casefold() for t in _TOKEN.findall(text)]


def _trigrams(text: str) -> set[tuple[str, ...]]:
    return _token_trigrams(_tokens(text))


def _token_trigrams(toks: list[str]) -> set[tuple[str, ...]]:
    if len(toks) < 3:
        return {tuple(toks)} if toks else set()
    return {tuple(toks[i:i + 3]) for i in range(len(toks) - 2)}


def _share(part: set[tuple[str, ...]], whole: set[tuple[str, ...]]) -> float:
    return len(part & whole) / len(part) if part else 0.0


# trafilatura turns its keyword arguments into these options on every call, reading
# its configuration each time (~0.3 ms a page); built once here, copied per page
_ENGINE_OPTIONS = {
    fast: Extractor(output_format="python", fast=fast, comments=False, tables=True, with_metadata=False)
    for fast in (True, False)
}


def _engine_options(fast: bool, url: str | None) -> Extractor:
    options = copy(_ENGINE_OPTIONS[fast])
    options.url = url
    options.source = url and url.encode("utf-8", "replace").decode("utf-8")  # for its log lines
    return options


def _run_engine(page: Page, fast: bool) -> Any:
    try:
        return trafilatura.bare_extraction(page.tree, options=_engine_options(fast, page.url))
    except Exception:
        logger.warning("trafilatura failed on %s", page.url, exc_info=True)
        return None


def fast_pass_is_good(doc: Any) -> bool:
    """Would the fallback extractors leave this main-extractor result alone?

    They replace it only when it is short, has no paragraph markup, or is
    dominated by tables; a long text of short lines is a navigation dump.
    """
    text = getattr(doc, "text", None) or ""
    body = getattr(doc, "body", None)
    if len(text) < FAST_ACCEPT_SHORT_CHARS or body is None:
        return False
    lines = sum(1 for line in text.split("\n") if line.strip())
    if len(text) < FAST_ACCEPT_MIN_LINE_CHARS * lines:
        return False
    paragraphs = len(body.findall(".//p"))
    if paragraphs == 0 or len(body.findall(".//table")) > paragraphs:
        return False
    return len(text) >= FAST_ACCEPT_MIN_CHARS or paragraphs >= FAST_ACCEPT_SHORT_PARAGRAPHS


def engine_paragraphs(page: Page) -> list[str]:
    """trafilatura's text, one entry per block, with the parts of a split body it missed.

    The body is the last reader of the shared tree, so boilerplate containers
    are pruned in place (trafilatura copies the tree it gets anyway).
    """
    prepare_for_engine(page.tree)
    parts = split_body_parts(page.tree)
    doc = _run_engine(page, fast=True)
    if not fast_pass_is_good(doc):
        doc = _run_engine(page, fast=False)
    text = engine_text(doc)
    paras = [line.strip() for line in text.split("\n") if line.strip()]
    return restore_split_parts(paras, parts) if parts else paras


def selector_paragraphs(tree: lxml.html.HtmlElement, selector: str) -> list[str]:
    """Text blocks under the registry's body selector, in document order."""
    paras: list[str] = []
    xpath = compile_selector(selector)
    nodes = xpath(tree) if xpath is not None else []
    for node in nodes:
        if not isinstance(node, lxml.html.HtmlElement):
            continue
        blocks = node.xpath(".//*[" + " or ".join(f"self::{t}" for t in _BLOCK_TAGS) + "]")
        leaf_blocks = [b for b in blocks if not any(a in blocks for a in b.iterancestors())]
        for block in leaf_blocks or [node]:
            text = block.text_content().strip()
            if text:
                paras.append(text)
    return paras


def jsonld_paragraphs(body: str) -> list[str]:
    """articleBody as paragraphs; some CMSs put HTML markup in it."""
    if _HTML_MARKUP.search(body):
        body = re.sub(r"(?i)<br\s*/?>|</(p|div|h[1-6])>", "\n", body)
        body = lxml.html.fromstring(f"<div>{body}</div>").text_content()
    return [p.strip() for p in re.split(r"\n+", body) if p.strip()]


def _supported(para: str, ld_grams: set[tuple[str, ...]], ld_words: str) -> bool:
    """Whether the JSON-LD text holds the paragraph: most of its trigrams, or, for a
    line of one or two words (a list item "Praktiziere Dankbarkeit", which has no
    trigram), those words in a row."""
    toks = _tokens(para)
    if len(toks) < 3:
        return bool(toks) and f" {' '.join(toks)} " in ld_words
    return _share(_token_trigrams(toks), ld_grams) >= PARAGRAPH_SUPPORT_MIN


def _filter_by_jsonld(engine: list[str], ld_grams: set[tuple[str, ...]], ld_text: str) -> list[str]:
    """Engine paragraphs JSON-LD supports, plus a long lead above the first of them."""
    ld_words = f" {' '.join(_tokens(ld_text))} "
    supported = [_supported(p, ld_grams, ld_words) for p in engine]
    first = supported.index(True) if True in supported else len(engine)
    return [
        p for i, p in enumerate(engine)
        if supported[i] or (i < first and len(p.split()) >= LEAD_MIN_WORDS)
    ]


def combine(engine: list[str], jsonld_body: str | None) -> tuple[list[str], str]:
    """Merge engine paragraphs with JSON-LD articleBody; returns (paragraphs, method)."""
    if not jsonld_body or len(jsonld_body) < JSONLD_MIN_CHARS:
        return engine, "trafilatura"
    ld_paras = jsonld_paragraphs(jsonld_body)
    if not engine:
        return ld_paras, "jsonld"
    ld_text = "\n".join(ld_paras)
    ld_grams = _trigrams(ld_text)
    engine_text = "\n".join(engine)
    if _share(_trigrams(engine_text), ld_grams) < JSONLD_COVERAGE_MIN:
        return engine, "trafilatura"  # JSON-LD is a teaser or another text
    if len(ld_text) > JSONLD_LONGER_RATIO * len(engine_text):
        if len(ld_paras) >= JSONLD_MIN_PARAGRAPHS:
            return ld_paras, "jsonld"
        return engine, "trafilatura"
    return _filter_by_jsonld(engine, ld_grams, ld_text), "trafilatura+jsonld"


def extract_body(
    page: Page,
    ctx: CleanContext,
    jsonld_body: str | None = None,
    selector: str | None = None,
) -> BodyResult:
    """Best body: selector > engine ⊕ JSON-LD > script data, then boilerplate rules."""
    paras: list[str] = []
    method = "none"
    if selector:
        paras = selector_paragraphs(page.tree, selector)
        method = "selector"
    if not paras:
        paras, method = combine(engine_paragraphs(page), jsonld_body)
    if sum(map(len, paras)) < POOR_BODY_CHARS:
        embedded = embedded_paragraphs(page.text)
        if sum(map(len, embedded)) > sum(map(len, paras)):
            paras, method = embedded, "embedded"
    paras = clean_paragraphs(paras, ctx)
    if not paras:
        return BodyResult(None, 0, "none")
    return BodyResult("\n\n".join(paras), len(paras), method)
