"""Ablations of the title and author rules on the news corpus, per publisher half.

    .venv/bin/python bench/ablate.py [--data ../shared/data] [--only NAME ...]

Each row switches one rule off (the named function replaced by a no-op) and
re-extracts the metadata of every ``news/`` page; it prints title (exact) and
authors (F1) on all pages and on the two publisher halves of bench/extraction.py,
and the same weighted by publisher (each publisher counts once, however many of its
pages the sample holds: a closer guess at pages from publishers not in the sample).
A rule earns its place when switching it off lowers both halves.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from extraction import load_scorer, site_half

from newscrawl.extraction.metadata import authors, cascade, headline, meta_context, shown_byline, titles
from newscrawl.extraction.metadata.cascade import extract_metadata
from newscrawl.extraction.page import load_page


def _byline_first(ctx: Any, _orig: Callable[[Any], Any] = cascade._authors) -> Any:
    names = cascade.visible_byline(ctx)
    return (names, "byline") if names else _orig(ctx)


def _h1_first(c: dict[str, str], shown: Any, _orig: Callable[..., Any] = headline.choose_title) -> Any:
    return (shown[0], "h1") if shown else _orig(c, shown)


def _confirmed_h1_first(c: dict[str, str], shown: Any,
                        _orig: Callable[..., Any] = headline.choose_title) -> Any:
    """The displayed headline whenever a headline field (JSON-LD, og, twitter) states it."""
    for source in ("jsonld", "og", "twitter", "microdata"):
        for text in shown if c.get(source) else ():
            if headline.states(c[source], text):
                return headline.spelled(c[source], text), "h1"
    return _orig(c, shown)


NEVER = re.compile(r"(?!x)x")
# name -> (object, attribute, replacement)
ABLATIONS: dict[str, list[tuple[Any, str, Any]]] = {
    "title: h1 first": [(cascade, "choose_title", _h1_first)],
    "title: h1 first when metadata states it": [(cascade, "choose_title", _confirmed_h1_first)],
    "title: no kicker rule": [(headline, "_without_kicker", lambda a, b: False)],
    "title: no seo-copy rule": [(headline, "_jsonld_is_seo_copy", lambda c, s: False)],
    "title: no social-editorial": [(headline, "_social_is_editorial", lambda c, h: False)],
    "title: no h1 cleaning": [(headline, "_displayed", lambda m, s: None)],
    "title: no cross-source tail": [(headline, "_untailed", lambda m, c: m)],
    "title: no furniture tails": [(titles, "is_furniture", lambda s, sep, h: False)],
    "title: exceptions without tail/cut agreement": [(headline, "_agree", headline._same)],
    "title: h1 not spelled by metadata": [(headline, "_spelled_as_stated", lambda s, c: s)],
    "title: no URL-dir tails": [(cascade, "url_directories", lambda u: frozenset())],
    "title: no section tails": [(meta_context.MetaContext, "section_hint", property(lambda s: None))],
    "authors: byline first": [(cascade, "FIELDS", tuple(
        (n, _byline_first if n == "authors" else f) for n, f in cascade.FIELDS))],
    "authors: no bold byline": [(cascade, "find_bold_byline", lambda r: [])],
    "authors: no prefixed byline": [(cascade, "find_prefixed_byline", lambda r: [])],
    "authors: no headline region": [(cascade, "headline_region", lambda t, r: None)],
    "authors: meta keys 3 first": [(cascade, "AUTHOR_META", cascade.AUTHOR_META[:3])],
    "authors: no author-box skip": [(authors, "_in_author_box", lambda e: False)],
    "authors: byline marks itemprop/byline": [(authors, "_BYLINE_MARKS", {
        "itemprop": ("author",), "class": ("byline", "Byline")})],
    "authors: no CJK role suffix": [(authors, "_CJK_ROLE_SUFFIX", NEVER)],
    "authors: no microdata": [(cascade, "_MICRODATA_AUTHOR", "/nothing")],
    "authors: no shown byline": [(cascade, "find_shown_byline", lambda t, r: [])],
    "authors: no labelled meta pair": [(cascade, "labelled_authors", lambda p: [])],
    "authors: no separate names": [(authors, "separate_names", lambda e: [])],
    "authors: no unlinked co-authors": [(authors, "_with_unlinked", lambda linked, line: linked)],
    "authors: no place tail": [(authors, "line_names", authors.looks_like_names)],
    "authors: no byline widening the meta": [(cascade, "_widened", lambda names, source, ctx: (names, source))],
    "authors: no breadcrumb h1": [(shown_byline, "_breadcrumb", lambda h1: None)],
    "authors: no marked bylines below the headline": [
        (shown_byline, "marked_byline_names", lambda e: ([], False))],
    "authors: no agency/outlet tails": [(authors, "_WITH_AGENCY_TAIL", NEVER), (authors, "_FOR_TAIL", NEVER)],
}


def score_rows(pages: list[tuple[dict[str, Any], Any]], scorer: Any) -> list[tuple[dict[str, Any], float, float]]:
    rows = []
    for truth, tree_bytes in pages:
        meta = extract_metadata(load_page(tree_bytes, truth["url"]).tree, truth["url"])
        title = scorer.norm(meta.title).casefold() == scorer.norm(truth.get("title")).casefold()
        rows.append((truth, float(title), scorer.author_f1(truth.get("authors"), meta.authors)))
    return rows


def line(label: str, rows: list[tuple[dict[str, Any], float, float]]) -> str:
    cells = []
    for half in ("all", "A", "B"):
        kept = [r for r in rows if half == "all" or site_half(r[0]["url"]) == half]
        by_pub: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for truth, title, author in kept:
            by_pub[truth.get("publisher") or site_half(truth["url"])].append((title, author))
        page = [sum(r[i] for r in kept) / len(kept) for i in (1, 2)]
        pub = [sum(sum(v[i] for v in vs) / len(vs) for vs in by_pub.values()) / len(by_pub)
               for i in (0, 1)]
        cells.append(f"{page[0]:.3f} {page[1]:.3f} ({pub[0]:.3f} {pub[1]:.3f})")
    return f"{label:38} " + "  ".join(cells)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--only", nargs="+", default=list(ABLATIONS), choices=list(ABLATIONS))
    args = parser.parse_args(argv)
    scorer = load_scorer(args.data.parent / "tools" / "score.py")
    corpus = args.data / "news"
    truths = [json.loads(t) for t in (corpus / "truth.jsonl").open(encoding="utf-8")]
    pages = []
    for truth in truths:
        with gzip.open(corpus / "pages" / f"{truth['id']}.html.gz") as fh:
            pages.append((truth, fh.read()))
    sys.stdout.write(f"{'rule switched off':38} " + "  ".join(
        f"{h + ' title authors (by publisher)':32}" for h in ("all:", "A:", "B:")) + "\n")
    sys.stdout.write(line("(none: the rules as shipped)", score_rows(pages, scorer)) + "\n")
    for name in args.only:
        saved = [(obj, attr, getattr(obj, attr)) for obj, attr, _ in ABLATIONS[name]]
        for obj, attr, value in ABLATIONS[name]:
            setattr(obj, attr, value)
        try:
            sys.stdout.write(line(name, score_rows(pages, scorer)) + "\n")
        finally:
            for obj, attr, value in saved:
                setattr(obj, attr, value)
    return 0


if __name__ == "__main__":
    sys.exit(main())
