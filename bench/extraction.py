"""Benchmark: newscrawl vs trafilatura vs htmldate on the shared corpora, in one run.

    .venv/bin/python bench/extraction.py [--data ../shared/data] [--corpora bodies news dates]
                                          [--out output/bench] [--engines newscrawl trafilatura htmldate]

Prints one table (body F1/P/R, title, authors, date_day, date_instant,
pages/s per engine and corpus) using the scorer of ``../shared/tools/score.py``
loaded by path, so the numbers agree with it; writes each engine's output as
``OUT/<engine>_<corpus>.jsonl`` so ``python3 ../shared/tools/score.py CORPUS
OUT/<engine>_<corpus>.jsonl`` reproduces any cell. htmldate (a date finder
only) runs on the corpora whose truth has dates.

Cross-validation over publishers: every corpus is also scored on two halves,
split by the site (host of the truth URL) with a hash, so a page never lands in
the half of another page of its site. Rows ``corpus/A`` and ``corpus/B`` show
them; a rule change that lifts one half and lowers the other fits the sample.
The halves' truth files are written under ``OUT/halves/`` so the scorer can
re-score them too.

Speed: before timing, every engine extracts the corpus's first pages once and the
date parser that htmldate builds lazily (dateparser with all its locales, used by
trafilatura, htmldate and our date fallback alike; ~4 s once per process) is
built, so a one-time cost is not charged to whichever engine meets it first. ``pages/s`` counts the CPU time of this process (``time.process_time``),
which other jobs on a shared machine barely disturb; ``wall p/s`` is the
elapsed-time figure. Engines run page by page, interleaved, so both see the
same load; compare them only within one run.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newscrawl.extraction import extract_article

logger = logging.getLogger("bench.extraction")

Engine = Callable[[bytes, str | None], dict[str, Any]]
COLUMNS = ("body_f1", "body_p", "body_r", "snip_f1", "snip_p", "snip_r", "title", "authors", "date_day",
           "date_instant")
FIELDS = 8  # COLUMNS[:FIELDS] are what a date-only engine does not answer


def load_scorer(path: Path) -> ModuleType:
    """The reference scorer, imported from its file so we never diverge from it."""
    spec = importlib.util.spec_from_file_location("shared_score", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load scorer {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def newscrawl_engine(html: bytes, url: str | None) -> dict[str, Any]:
    return extract_article(html, url).to_dict()


def trafilatura_engine(html: bytes, url: str | None) -> dict[str, Any]:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    data = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
    authors = [a.strip() for a in (data.get("author") or "").split(";") if a.strip()]
    return {"title": data.get("title"), "authors": authors, "published": data.get("date"),
            "body": data.get("text")}


def htmldate_engine(html: bytes, url: str | None) -> dict[str, Any]:
    """htmldate alone, as its evaluation runs it: extensive search, original date."""
    from htmldate import find_date

    return {"published": find_date(html, extensive_search=True, original_date=True, url=url)}


ENGINES: dict[str, Engine] = {
    "newscrawl": newscrawl_engine,
    "trafilatura": trafilatura_engine,
    "htmldate": htmldate_engine,
}
DATE_ONLY_ENGINES = frozenset({"htmldate"})
HALVES = ("A", "B")


def site_half(url: str | None) -> str:
    """A or B, from a hash of the page's host: the same site always falls in the same half."""
    host = (urlsplit(url or "").hostname or "").lower().removeprefix("www.")
    return HALVES[hashlib.sha1(host.encode()).digest()[0] % 2]


def write_halves(corpus: Path, out_dir: Path) -> dict[str, Path]:
    """Truth files of the two publisher halves of ``corpus``, as corpus dirs for the scorer."""
    with open(corpus / "truth.jsonl", encoding="utf-8") as fh:
        lines = fh.readlines()
    dirs = {}
    for half in HALVES:
        target = out_dir / "halves" / f"{corpus.name}_{half}"
        target.mkdir(parents=True, exist_ok=True)
        kept = [line for line in lines if site_half(json.loads(line).get("url")) == half]
        (target / "truth.jsonl").write_text("".join(kept), encoding="utf-8")
        dirs[half] = target
    return dirs


def has_dates(corpus: Path) -> bool:
    with open(corpus / "truth.jsonl", encoding="utf-8") as fh:
        return any(json.loads(line).get("published") for line in fh)


def load_corpus(corpus: Path) -> list[tuple[str, str | None, bytes]]:
    """(id, url, raw bytes) for every page, read before timing starts."""
    with open(corpus / "truth.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return [(r["id"], r.get("url"), gzip.open(corpus / "pages" / f"{r['id']}.html.gz").read())
            for r in rows]


WARM_UP_PAGES = 3


def warm_up(engines: dict[str, Engine], pages: list[tuple[str, str | None, bytes]]) -> None:
    """Untimed first calls: lazy imports and caches, the same for every engine."""
    from htmldate.extractors import external_date_parser

    # a text in no known language makes dateparser load every locale, which it
    # otherwise does (~4 s) on the first free-text date of the process
    external_date_parser("zz 22 qq 2020", "%Y-%m-%d")
    for _, url, html in pages[:WARM_UP_PAGES]:
        for engine in engines.values():
            try:
                engine(html, url)
            except Exception as exc:  # noqa: BLE001 - the timed run records errors
                logger.debug("warm-up failed: %r", exc)


def run_engines(
    engines: dict[str, Engine], pages: list[tuple[str, str | None, bytes]], out_dir: Path, corpus: str
) -> dict[str, tuple[float, float]]:
    """Extract every page with every engine, page by page, so both engines see the
    same machine load (the box is shared); write JSONL; return (CPU, wall) pages/s."""
    warm_up(engines, pages)
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in engines}
    cpu = dict.fromkeys(engines, 0.0)
    wall = dict.fromkeys(engines, 0.0)
    for page_id, url, html in pages:
        for name, engine in engines.items():
            start_cpu, start_wall = time.process_time(), time.perf_counter()
            try:
                row = {"id": page_id, **engine(html, url)}
            except Exception as exc:  # noqa: BLE001 - a crash is recorded, not fatal
                row = {"id": page_id, "error": f"{type(exc).__name__}: {exc}"}
            cpu[name] += time.process_time() - start_cpu
            wall[name] += time.perf_counter() - start_wall
            results[name].append(row)
    for name, rows in results.items():
        with open(out_dir / f"{name}_{corpus}.jsonl", "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return {name: (_rate(len(pages), cpu[name]), _rate(len(pages), wall[name])) for name in engines}


def _rate(count: int, seconds: float) -> float:
    return count / seconds if seconds else float("inf")


def format_table(rows: list[tuple[str, str, dict[str, Any], tuple[float, float]]]) -> str:
    """One line per corpus (or half) and engine; the columns no row has are left out
    (the snippet columns appear for snippet corpora only)."""
    shown = [c for c in COLUMNS if any(c in res for _, _, res, _ in rows)]
    head = f"{'corpus':10} {'engine':12} {'pages':>5} {'errors':>6} " + " ".join(
        f"{c:>12}" for c in shown) + f" {'pages/s':>8} {'wall p/s':>8}"
    lines = [head, "-" * len(head)]
    for corpus, engine, res, (cpu_rate, wall_rate) in rows:
        cells = " ".join(f"{res[c]:12.3f}" if c in res else f"{'-':>12}" for c in shown)
        errors = res["pages"] - res["answered"]
        lines.append(
            f"{corpus:10} {engine:12} {res['pages']:5d} {errors:6d} {cells} {cpu_rate:8.1f} {wall_rate:8.1f}"
        )
    return "\n".join(lines)


def speed_summary(rows: list[tuple[str, str, dict[str, Any], tuple[float, float]]]) -> str:
    """newscrawl's CPU pages/s over trafilatura's, per corpus (the speed target)."""
    rates = {(corpus, engine): speed[0] for corpus, engine, _, speed in rows if "/" not in corpus}
    parts = [
        f"{corpus} {rates[(corpus, 'newscrawl')] / rates[(corpus, 'trafilatura')]:.2f}x"
        for corpus, engine in rates
        if engine == "newscrawl" and (corpus, "trafilatura") in rates
    ]
    return "speed newscrawl/trafilatura (CPU): " + ", ".join(parts) if parts else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--scorer", type=Path, default=None, help="default: DATA/../tools/score.py")
    parser.add_argument("--corpora", nargs="+", default=["bodies", "news", "dates"])
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=list(ENGINES))
    parser.add_argument("--out", type=Path, default=ROOT / "output" / "bench")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    scorer = load_scorer(args.scorer or args.data.parent / "tools" / "score.py")
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for corpus in args.corpora:
        path = args.data / corpus
        names = [n for n in args.engines if n not in DATE_ONLY_ENGINES or has_dates(path)]
        speeds = run_engines({n: ENGINES[n] for n in names}, load_corpus(path), args.out, corpus)
        halves = write_halves(path, args.out)
        for label, truth_dir in (("", path), *((f"/{h}", d) for h, d in halves.items())):
            for name in names:
                out = args.out / f"{name}_{corpus}.jsonl"
                result = scorer.score(str(truth_dir), str(out))
                if name in DATE_ONLY_ENGINES:  # it answers no other field: show none
                    result = {k: v for k, v in result.items() if k not in COLUMNS[:FIELDS]}
                rows.append((corpus + label, name, result, speeds[name]))
    sys.stdout.write(format_table(rows) + "\n")
    sys.stdout.write(speed_summary(rows) + "\n")
    sys.stdout.write(f"outputs: {args.out}/<engine>_<corpus>.jsonl\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
