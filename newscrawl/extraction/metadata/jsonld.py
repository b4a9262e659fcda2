"""JSON-LD reading: the most trusted metadata source on news pages.

Publishers embed schema.org objects for search engines, and those objects are
often the only place with machine-readable authors and exact instants. Real
blocks are messy (``@graph`` wrappers, lists, ``@id`` references, control
characters, trailing commas, several blocks per page), so this module parses
leniently and picks the one node that describes the article itself.
"""

from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html

from newscrawl.discovery.vocabulary import ARTICLE_SCHEMA_TYPES

logger = logging.getLogger(__name__)

# Nodes whose fields are read, best first: the article types, then a video page's own node
# (it still carries headline, date and authors; it does not make the page an article).
ARTICLE_TYPES = (*ARTICLE_SCHEMA_TYPES, "VideoObject")
_ARTICLE_RANK = {name.lower(): rank for rank, name in enumerate(ARTICLE_TYPES)}
# pages whose only description of themselves is a generic WebPage node
_PAGE_TYPES = {"webpage", "itempage", "collectionpage"}
_PERSON_TYPES = {"person"}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_COMMENT = re.compile(
    r"^\s*(?:<!--|/\*|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|\*/|//\s*\]\]>|\]\]>)\s*$"
)


@dataclass
class JsonLd:
    """Every node found on the page, the article node, and an @id index."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    article: dict[str, Any] | None = None
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def types(self) -> list[str]:
        """All distinct @type values, in page order (evidence for is-article checks)."""
        seen: list[str] = []
        for node in self.nodes:
            for name in node_types(node):
                if name not in seen:
                    seen.append(name)
        return seen

    def resolve(self, value: Any) -> Any:
        """Follow a bare ``{"@id": ...}`` reference to the full node when we have it."""
        if isinstance(value, dict) and "@id" in value and len(value) <= 2:
            return self.by_id.get(str(value["@id"]), value)
        return value


def node_types(node: dict[str, Any]) -> list[str]:
    """The node's @type as a list of plain names (drops schema.org URL prefixes)."""
    raw = node.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    return [n.rsplit("/", 1)[-1] for n in names if isinstance(n, str)]


def load_block(text: str) -> Any:
    """Parse one script body, repairing the common breakages; None when hopeless."""
    text = text.strip()
    if not text:
        return None
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    lines = [ln for ln in text.splitlines() if not _COMMENT.match(ln)]
    repaired = _TRAILING_COMMA.sub(r"\1", _CONTROL.sub(" ", "\n".join(lines))).strip()
    repaired = repaired.rstrip(";")
    try:
        return json.loads(repaired, strict=False)
    except ValueError:
        pass
    try:  # several objects glued together without a list
        return json.loads("[" + re.sub(r"}\s*{", "},{", repaired) + "]", strict=False)
    except ValueError:
        pass
    try:  # one object, then stray characters ("} }" closing more than it opened)
        return json.JSONDecoder(strict=False).raw_decode(repaired)[0]
    except ValueError as exc:
        logger.debug("unparseable JSON-LD block, salvaging its fields: %s", exc)
        return salvage_block(repaired)


# the fields read from a block no repair can parse (an unescaped quote inside the
# description, single-quoted strings, HTML pasted into a value): a string value
# written as JSON, first occurrence of each (the block's own comes before nested ones)
_SALVAGED_FIELD = re.compile(
    r'"(@type|headline|name|datePublished|dateModified|dateCreated)"\s*:\s*"([^"\\]{1,300})"'
)


def salvage_block(text: str) -> dict[str, str] | None:
    """The typed block's plain string fields, found by pattern; None without an @type."""
    node: dict[str, str] = {}
    for match in _SALVAGED_FIELD.finditer(text):
        node.setdefault(match.group(1), match.group(2))
    return node if "@type" in node else None


def _walk(data: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    """Collect typed nodes from lists and @graph wrappers, top level first."""
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            _walk(item, out, depth + 1)
    elif isinstance(data, dict):
        if "@type" in data or "@id" in data:
            out.append(data)
        graph = data.get("@graph")
        if graph is not None:
            _walk(graph, out, depth + 1)
        main = data.get("mainEntity")
        if isinstance(main, (dict, list)) and not _is_article(data):
            _walk(main, out, depth + 1)


def article_rank(node: dict[str, Any]) -> int | None:
    """How well the node's type names an article (lower is better); None: not an article.

    Non-standard subtypes such as "ReportageNewsArticle" are common, so any type
    ending in Article/Posting counts, ranked just after the standard ones.
    """
    ranks = []
    for name in node_types(node):
        low = name.lower()
        if low in _ARTICLE_RANK:
            ranks.append(_ARTICLE_RANK[low])
        elif low.endswith(("article", "posting")):
            ranks.append(_ARTICLE_RANK["article"])
    return min(ranks) if ranks else None


def is_video(node: dict[str, Any]) -> bool:
    """A VideoObject node and no article type: a video's own description, which may be
    the page's (a video page) or one the article embeds."""
    return article_rank(node) == _ARTICLE_RANK["videoobject"]


def _is_article(node: dict[str, Any]) -> bool:
    return article_rank(node) is not None


def _pick_article(nodes: list[dict[str, Any]], url: str | None) -> dict[str, Any] | None:
    """The node describing this page's article: typed best, with a headline, matching URL."""
    best: tuple[int, int, int] | None = None
    chosen = None
    for index, node in enumerate(nodes):
        rank = article_rank(node)
        if rank is None:
            if not ({t.lower() for t in node_types(node)} & _PAGE_TYPES and node.get("headline")):
                continue
            rank = len(ARTICLE_TYPES) + 1
        has_headline = 0 if node.get("headline") else 1 if node.get("name") else 2
        url_miss = 0 if url and _node_url_matches(node, url) else 1
        key = (has_headline, url_miss + (0 if node.get("datePublished") else 1), rank * 100 + index)
        if best is None or key < best:
            best, chosen = key, node
    return chosen


def _node_url_matches(node: dict[str, Any], url: str) -> bool:
    target = url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    for key in ("url", "mainEntityOfPage", "@id"):
        value = node.get(key)
        if isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        if isinstance(value, str) and value.split("?", 1)[0].split("#", 1)[0].rstrip("/") == target:
            return True
    return False


def parse_jsonld(tree: lxml_html.HtmlElement, url: str | None = None) -> JsonLd:
    """All JSON-LD of the page, parsed leniently, with the article node chosen."""
    nodes: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        kind = (script.get("type") or "").strip().lower()
        if kind != "application/ld+json" or not script.text:
            continue
        _walk(load_block(script.text), nodes)
    result = JsonLd(nodes=nodes)
    for node in nodes:
        node_id = node.get("@id")
        if isinstance(node_id, str) and len(node) > 2:
            result.by_id.setdefault(node_id, node)
    result.article = _pick_article(nodes, url)
    return result


def text_value(value: Any) -> str | None:
    """A clean string from a JSON-LD value: first of a list, entities unescaped."""
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("url")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = html.unescape(html.unescape(value)) if "&" in value else value
    value = re.sub(r"\s+", " ", value).strip()
    return value or None


def person_names(ld: JsonLd, value: Any) -> list[tuple[str, bool]]:
    """Names of an author/creator value as (name, is_person) pairs, references resolved."""
    items = value if isinstance(value, list) else [value]
    names: list[tuple[str, bool]] = []
    for item in items:
        item = ld.resolve(item)
        if isinstance(item, str):
            name = text_value(item)
            if name:
                names.append((name, True))
            continue
        if not isinstance(item, dict):
            continue
        name = text_value(item.get("name"))
        if not name and (item.get("givenName") or item.get("familyName")):
            name = " ".join(
                p
                for p in (text_value(item.get("givenName")), text_value(item.get("familyName")))
                if p
            )
        if name:
            types = {t.lower() for t in node_types(item)}
            names.append((name, not types or bool(types & _PERSON_TYPES)))
    return names
