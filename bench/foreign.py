"""Benchmark on pages nobody here tuned for: another project's test fixtures.

    .venv/bin/python bench/foreign.py [--out output/bench-foreign] [--cache DIR]

newspaper4k ships real news pages with its source distribution on PyPI
(``tests/data/html/NAME.html``) together with what its own extractor returns for
them (``metadata/NAME.json``: title, authors, publish date; ``txt/NAME.txt``: the
text), which its test suite pins. This script fetches that source distribution
with pip (the only network it needs, from the package index), lays the pages out
as a corpus in the shared format (``pages/<id>.html.gz`` + ``truth.jsonl``) and runs
``bench/extraction.py`` on it for newscrawl and trafilatura, scored by the same
``score.py``.

What the numbers mean: **agreement with newspaper4k's pinned answers**, not
accuracy. Those answers were reviewed by newspaper4k's maintainers but are one
tool's output: its text keeps some comment boxes and misses some leads, its
titles follow the SEO ``<title>`` on some pages. Authors are not scored (its
pinned lists hold "www.facebook.com" and "on December"). Publish dates pinned at
midnight without a zone are read as a day. Use the per-page output
(``OUT/<engine>_newspaper4k.jsonl``) to read the disagreements one by one: the
point of the set is that none of its pages was seen while the rules were written.
Rules must never key on these pages either.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import extraction  # noqa: E402 - bench/extraction.py, beside this file

PACKAGE = "newspaper4k==0.9.6"  # pinned: the fixtures change between releases
CORPUS = "newspaper4k"
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]00:00:00$")


def fetch_sdist(cache: Path) -> Path:
    """The package's source distribution, downloaded once into ``cache``."""
    cache.mkdir(parents=True, exist_ok=True)
    found = sorted(cache.glob("newspaper4k-*.tar.gz"))
    if found:
        return found[-1]
    subprocess.run(
        [sys.executable, "-m", "pip", "download", PACKAGE, "--no-deps", "--no-binary", ":all:",
         "--quiet", "-d", str(cache)],
        check=True,
    )
    found = sorted(cache.glob("newspaper4k-*.tar.gz"))
    if not found:
        raise SystemExit(f"pip downloaded no source distribution of {PACKAGE} into {cache}")
    return found[-1]


def fixture_members(sdist: Path) -> dict[str, dict[str, bytes]]:
    """``{name: {"html": …, "json": …, "txt": …}}`` for every fixture page of the archive."""
    kinds = {"html/": "html", "metadata/": "json", "txt/": "txt"}
    found: dict[str, dict[str, bytes]] = {}
    with tarfile.open(sdist) as archive:
        for member in archive.getmembers():
            path = member.name.split("/tests/data/", 1)
            if len(path) != 2 or not member.isfile():
                continue
            for prefix, kind in kinds.items():
                if path[1].startswith(prefix) and "/" not in path[1][len(prefix):]:
                    name = path[1][len(prefix):].rsplit(".", 1)[0]
                    handle = archive.extractfile(member)
                    if handle is not None:
                        found.setdefault(name, {})[kind] = handle.read()
    return found


def truth_row(name: str, files: dict[str, bytes]) -> dict[str, Any] | None:
    """The shared truth format for one fixture page with pinned metadata, else None."""
    if "html" not in files or "json" not in files:
        return None
    meta = json.loads(files["json"])
    row: dict[str, Any] = {"id": name, "url": meta.get("url"), "source": CORPUS}
    if meta.get("title"):
        row["title"] = meta["title"]
    date = (meta.get("publish_date") or "").strip()
    if date:
        midnight = _MIDNIGHT.match(date)
        row["published"] = midnight.group(1) if midnight else date
    if "txt" in files:
        row["body"] = files["txt"].decode("utf-8", "replace")
    row["authors"] = meta.get("authors") or []  # kept for reading; score.py scores fundus authors only
    return row


def build_corpus(sdist: Path, data: Path) -> int:
    """Write ``data/newspaper4k/{pages,truth.jsonl}``; the number of pages."""
    corpus = data / CORPUS
    (corpus / "pages").mkdir(parents=True, exist_ok=True)
    rows = []
    for name, files in sorted(fixture_members(sdist).items()):
        row = truth_row(name, files)
        if row is None:
            continue
        (corpus / "pages" / f"{name}.html.gz").write_bytes(gzip.compress(files["html"]))
        rows.append(row)
    with open(corpus / "truth.jsonl", "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "output" / "bench-foreign")
    parser.add_argument("--cache", type=Path, default=ROOT / "output" / "bench-foreign" / "sdist")
    parser.add_argument("--scorer", type=Path, default=ROOT.parent / "shared" / "tools" / "score.py")
    args = parser.parse_args(argv)
    if not args.scorer.is_file():
        parser.error(f"scorer not found: {args.scorer} (pass --scorer)")
    sdist = fetch_sdist(args.cache)
    with tempfile.TemporaryDirectory() as tmp:
        pages = build_corpus(sdist, Path(tmp))
        print(f"{sdist.name}: {pages} fixture pages with pinned metadata")
        return extraction.main([
            "--data", tmp, "--scorer", str(args.scorer), "--corpora", CORPUS,
            "--engines", "newscrawl", "trafilatura", "--out", str(args.out),
        ])


if __name__ == "__main__":
    raise SystemExit(main())
