"""Robustness of titles and authors: the news corpus under edits that keep its truth.

    .venv/bin/python bench/perturb.py [--data ../shared/data] [--variants NAME ...] [--per-page ROWS.jsonl]

A rule fitted to the sample leans on what these pages happen to carry (an og:title,
a JSON-LD block, an h1 inside <article>, a class named "byline"); a principled one
holds when that changes. Each variant edits every page of ``news/`` so that the true
title and authors stay what they are, re-extracts the metadata and scores title
(exact) and authors (F1) with ``../shared/tools/score.py``, on all pages and on the
two publisher halves of bench/extraction.py. Variants:

- ``none``: the page as saved (the reference row);
- ``no_og``: og:title and twitter:title removed;
- ``no_jsonld``: every JSON-LD block removed;
- ``no_meta_title``: both, so only the <title>, the h1 and the page remain;
- ``og_tail``: a section tail the site does not name (" - Region", " | Nachrichten", …)
  appended to og:title and twitter:title;
- ``ld_tail``: the same tails appended to the JSON-LD headline;
- ``ld_cut``: the JSON-LD headline cut at 60 characters with "…" when longer;
- ``h1_out``: the first h1 inside <article>/<main> moved to the top of <body>;
- ``neutral_classes``: every class and id renamed to neutral tokens ("c1", "c2", …);
- ``no_author_meta``: author meta tags removed (JSON-LD and the byline remain).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from extraction import load_scorer, site_half

from newscrawl.extraction.decode import decode_html
from newscrawl.extraction.metadata.cascade import extract_metadata
from newscrawl.extraction.page import parse_html

Tree = lxml.html.HtmlElement
TAILS = (" - Region", " | Nachrichten", " : Le Journal", " — Новости", " · 地方新闻")
CUT = 60
_TITLE_KEYS = {"og:title", "twitter:title"}
_AUTHOR_KEYS = {"author", "article:author", "parsely-author", "sailthru.author", "dc.creator",
                "dcterms.creator", "byl", "og:article:author", "cxenseparse:author"}


def _metas(tree: Tree, keys: set[str]) -> Iterator[Tree]:
    for meta in list(tree.iter("meta")):
        if (meta.get("property") or meta.get("name") or "").lower() in keys:
            yield meta


def drop(elements: Iterator[Tree]) -> None:
    for element in list(elements):
        element.drop_tree()


def _ld_scripts(tree: Tree) -> list[Tree]:
    return [s for s in tree.iter("script") if (s.get("type") or "").strip().lower() == "application/ld+json"]


def _edit_headlines(data: Any, edit: Callable[[str], str], depth: int = 0) -> None:
    if depth > 6:
        return
    items = data if isinstance(data, list) else data.values() if isinstance(data, dict) else []
    if isinstance(data, dict) and isinstance(data.get("headline"), str):
        data["headline"] = edit(data["headline"])
    for item in items:
        if isinstance(item, (dict, list)):
            _edit_headlines(item, edit, depth + 1)


def _edit_ld(tree: Tree, edit: Callable[[str], str]) -> None:
    for script in _ld_scripts(tree):
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue  # a block our lenient reader repairs stays as it is
        _edit_headlines(data, edit)
        script.text = json.dumps(data, ensure_ascii=False)


def no_og(tree: Tree, index: int) -> None:
    drop(_metas(tree, _TITLE_KEYS))


def no_jsonld(tree: Tree, index: int) -> None:
    drop(iter(_ld_scripts(tree)))


def no_meta_title(tree: Tree, index: int) -> None:
    no_og(tree, index)
    no_jsonld(tree, index)


def og_tail(tree: Tree, index: int) -> None:
    tail = TAILS[index % len(TAILS)]
    for meta in _metas(tree, _TITLE_KEYS):
        meta.set("content", (meta.get("content") or "") + tail)


def ld_tail(tree: Tree, index: int) -> None:
    tail = TAILS[index % len(TAILS)]
    _edit_ld(tree, lambda text: text + tail)


def ld_cut(tree: Tree, index: int) -> None:
    _edit_ld(tree, lambda text: text[:CUT].rstrip() + "…" if len(text) > CUT else text)


def h1_out(tree: Tree, index: int) -> None:
    body = tree.find("body")
    for h1 in tree.iter("h1"):
        if body is not None and any(p.tag in {"article", "main"} for p in h1.iterancestors()):
            h1.tail = None
            h1.getparent().remove(h1)
            body.insert(0, h1)
            return


def neutral_classes(tree: Tree, index: int) -> None:
    names: dict[str, str] = {}
    for element in tree.iter(lxml.etree.Element):
        for attr in ("class", "id"):
            value = element.get(attr)
            if value:
                element.set(attr, " ".join(names.setdefault(t, f"c{len(names)}") for t in value.split()))


def no_author_meta(tree: Tree, index: int) -> None:
    drop(_metas(tree, _AUTHOR_KEYS))


def none(tree: Tree, index: int) -> None:
    """The page as saved."""


VARIANTS: dict[str, Callable[[Tree, int], None]] = {
    f.__name__: f
    for f in (none, no_og, no_jsonld, no_meta_title, og_tail, ld_tail, ld_cut, h1_out, neutral_classes,
              no_author_meta)
}


def run_variant(name: str, pages: list[tuple[dict[str, Any], str]], scorer: Any) -> list[dict[str, Any]]:
    """Per page: id, half, title and authors scores and answers under one variant."""
    rows = []
    for index, (truth, text) in enumerate(pages):
        tree = parse_html(text)
        VARIANTS[name](tree, index)
        meta = extract_metadata(tree, truth["url"])
        title_ok = scorer.norm(meta.title).casefold() == scorer.norm(truth.get("title")).casefold()
        rows.append({"id": truth["id"], "half": site_half(truth["url"]), "title": float(title_ok),
                     "authors": scorer.author_f1(truth.get("authors"), meta.authors),
                     "got_title": meta.title, "got_authors": meta.authors})
    return rows


def summary(name: str, rows: list[dict[str, Any]]) -> str:
    cells = []
    for half in ("all", "A", "B"):
        kept = [r for r in rows if half == "all" or r["half"] == half]
        title = sum(r["title"] for r in kept) / len(kept)
        authors = sum(r["authors"] for r in kept) / len(kept)
        cells.append(f"{title:7.3f} {authors:7.3f}")
    return f"{name:16} " + "   ".join(cells)


def load_pages(corpus: Path) -> list[tuple[dict[str, Any], str]]:
    """A corpus's truth records with their decoded pages."""
    truths = [json.loads(line) for line in (corpus / "truth.jsonl").open(encoding="utf-8")]
    pages = []
    for truth in truths:
        with gzip.open(corpus / "pages" / f"{truth['id']}.html.gz") as fh:
            pages.append((truth, decode_html(fh.read()).text))
    return pages


def write_per_page(path: Path | None, rows: list[dict[str, Any]]) -> None:
    """The per-page rows as JSON Lines, when ``--per-page`` asked for them."""
    if path is not None:
        with path.open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def bench_parser(doc: str, variants: list[str], corpora: list[str] | None = None,
                 engines: list[str] | None = None) -> argparse.ArgumentParser:
    """The options every perturbation bench takes: the data, its variants (and corpora
    and engines where it has a choice of them), and where per-page rows go."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    if corpora:
        parser.add_argument("--corpora", nargs="+", default=corpora)
    parser.add_argument("--variants", nargs="+", default=variants, choices=variants)
    if engines:
        parser.add_argument("--engines", nargs="+", default=engines, choices=engines)
    parser.add_argument("--per-page", type=Path, default=None, help="write every per-page row to this JSONL file")
    return parser


def run_corpora(args: argparse.Namespace, keep: Callable[[dict[str, Any]], bool],
                run: Callable[[str, list[tuple[dict[str, Any], str]]], list[dict[str, Any]]],
                summary_line: Callable[[str, str, str, list[dict[str, Any]]], str]) -> list[dict[str, Any]]:
    """Every variant of ``args`` on every corpus's pages that ``keep`` takes, one
    summary line per engine as soon as a variant is done; returns all per-page rows."""
    every: list[dict[str, Any]] = []
    for corpus in args.corpora:
        pages = [(truth, html) for truth, html in load_pages(args.data / corpus) if keep(truth)]
        for name in args.variants:
            rows = run(name, pages)
            for engine in args.engines:
                sys.stdout.write(summary_line(corpus, name, engine, rows) + "\n")
            sys.stdout.flush()
            every.extend({"corpus": corpus, "variant": name, **r} for r in rows)
    return every


def main(argv: list[str] | None = None) -> int:
    args = bench_parser(__doc__, list(VARIANTS)).parse_args(argv)
    scorer = load_scorer(args.data.parent / "tools" / "score.py")
    pages = load_pages(args.data / "news")
    sys.stdout.write(f"{'variant':16} {'title':>7} {'authors':>7}   {'A title':>7} {'A auth':>7}"
                     f"   {'B title':>7} {'B auth':>7}\n")
    every: list[dict[str, Any]] = []
    for name in args.variants:
        rows = run_variant(name, pages, scorer)
        sys.stdout.write(summary(name, rows) + "\n")
        every.extend({"variant": name, **r} for r in rows)
    write_per_page(args.per_page, every)
    return 0


if __name__ == "__main__":
    sys.exit(main())
