"""Robustness of the publication date: dates/ and news/ pages under edits that keep their truth.

    .venv/bin/python bench/perturb_dates.py [--data ../shared/data] [--corpora dates news]
                                            [--variants NAME ...] [--engines newscrawl htmldate]
                                            [--per-page FILE]

Unseen pages state their date in other places than the dev sample does: one has no
JSON-LD, another no date meta, a third prints the day in a byline without a machine
``datetime``. Each variant edits every page so that its true day stays what it is,
then newscrawl's metadata cascade and htmldate (extensive search, original date, the
URL given, as in bench/extraction.py) read the edited page. Scored with
``../shared/tools/score.py``: ``day`` (the page's day), ``inst`` (instant within two
minutes, news/ only), ``cov`` (share of pages given any date), on all pages and on
the two publisher halves of bench/extraction.py. Variants:

- ``none``: the page as saved (the reference row);
- ``no_meta_dates``: every ``<meta>`` naming a date or time, or holding a short date, removed;
- ``no_jsonld``: every JSON-LD block removed;
- ``no_time_attr``: ``datetime`` attributes removed (``<time>`` texts kept);
- ``no_metadata``: all three, and microdata date properties too: only what the page
  prints (and its URL) is left;
- ``bare``: ``no_metadata`` with every class and id renamed to neutral tokens, so no
  "date"/"byline" class points at the dateline either.

The URL keeps its date (a URL cannot be edited without changing the page's identity),
so pages with a dated path stay easy in every variant.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from extraction import load_scorer, site_half
from perturb import bench_parser, drop, neutral_classes, no_jsonld, run_corpora, write_per_page

from newscrawl.extraction.dates import parse_date
from newscrawl.extraction.metadata.cascade import extract_metadata
from newscrawl.extraction.page import parse_html

Tree = lxml.html.HtmlElement
_DATE_KEY = re.compile(r"date|time|publish|modif|creat|issued|updated", re.IGNORECASE)
MAX_DATE_CONTENT = 40  # a longer content is a description, whatever dates it quotes
_META_KEYS = ("property", "name", "itemprop", "http-equiv")


def _is_date_meta(meta: Tree) -> bool:
    keys = " ".join(meta.get(attr) or "" for attr in _META_KEYS)
    content = (meta.get("content") or "").strip()
    short_date = len(content) <= MAX_DATE_CONTENT and parse_date(content) is not None
    return bool(_DATE_KEY.search(keys)) or short_date


def no_meta_dates(tree: Tree, index: int) -> None:
    drop(m for m in list(tree.iter("meta")) if _is_date_meta(m))


def no_time_attr(tree: Tree, index: int) -> None:
    for element in tree.xpath("//*[@datetime]"):
        del element.attrib["datetime"]


def _no_microdata_dates(tree: Tree) -> None:
    """Date itemprops lose the property and its machine value; their printed text stays."""
    for element in tree.xpath("//*[@itemprop]"):
        if _DATE_KEY.search(element.get("itemprop") or ""):
            del element.attrib["itemprop"]
            element.attrib.pop("content", None)


def no_metadata(tree: Tree, index: int) -> None:
    no_meta_dates(tree, index)
    no_jsonld(tree, index)
    no_time_attr(tree, index)
    _no_microdata_dates(tree)


def bare(tree: Tree, index: int) -> None:
    no_metadata(tree, index)
    neutral_classes(tree, index)


def none(tree: Tree, index: int) -> None:
    """The page as saved."""


VARIANTS: dict[str, Callable[[Tree, int], None]] = {
    f.__name__: f for f in (none, no_meta_dates, no_jsonld, no_time_attr, no_metadata, bare)
}


def newscrawl_date(tree: Tree, url: str | None) -> tuple[str | None, str | None]:
    meta = extract_metadata(tree, url)
    return meta.published, meta.provenance.get("published")


def htmldate_date(tree: Tree, url: str | None) -> tuple[str | None, str | None]:
    from htmldate import find_date

    html = lxml.html.tostring(tree, encoding="unicode")
    return find_date(html, extensive_search=True, original_date=True, url=url), "htmldate"


ENGINES = {"newscrawl": newscrawl_date, "htmldate": htmldate_date}


def run_variant(name: str, engines: list[str], pages: list[tuple[dict[str, Any], str]],
                scorer: Any) -> list[dict[str, Any]]:
    """Per page and engine: the answer, its source and its day/instant scores."""
    rows = []
    for index, (truth, text) in enumerate(pages):
        for engine in engines:
            tree = parse_html(text)
            VARIANTS[name](tree, index)
            got, source = ENGINES[engine](tree, truth["url"])
            day, instant = scorer.date_scores(truth["published"], got)
            rows.append({"id": truth["id"], "half": site_half(truth["url"]), "engine": engine,
                         "day": day, "instant": instant, "got": got, "source": source,
                         "truth": truth["published"]})
    return rows


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def summary(corpus: str, name: str, engine: str, rows: list[dict[str, Any]]) -> str:
    cells = []
    for half in ("all", "A", "B"):
        kept = [r for r in rows if r["engine"] == engine and half in ("all", r["half"])]
        instants = [r["instant"] for r in kept if r["instant"] is not None]
        inst = f"{_mean(instants):6.3f}" if instants else f"{'-':>6}"
        cov = _mean([float(r["got"] is not None) for r in kept])
        cells.append(f"{_mean([r['day'] for r in kept]):6.3f} {inst} {cov:6.3f}")
    return f"{corpus:6} {name:14} {engine:10} " + "   ".join(cells)


def main(argv: list[str] | None = None) -> int:
    args = bench_parser(__doc__, list(VARIANTS), ["dates", "news"], list(ENGINES)).parse_args(argv)
    scorer = load_scorer(args.data.parent / "tools" / "score.py")
    head = "   ".join(f"{h + 'day':>6} {h + 'inst':>6} {h + 'cov':>6}" for h in ("", "A ", "B "))
    sys.stdout.write(f"{'corpus':6} {'variant':14} {'engine':10} {head}\n")
    every = run_corpora(args, lambda truth: bool(truth.get("published")),
                        lambda name, pages: run_variant(name, args.engines, pages, scorer), summary)
    write_per_page(args.per_page, every)
    return 0


if __name__ == "__main__":
    sys.exit(main())
