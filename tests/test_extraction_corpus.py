"""The quality gate: pinned floors on the shared real-page corpora (skips without them).

One extraction run per corpus, scored by ``../shared/tools/score.py`` itself, so
a rule change that loses headlines, authors, days or article text fails here.
The floors sit just below what the engine measures today (see README,
"Extraction on its own"); raise them when a change lifts the figures.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from newscrawl.extraction import extract_article
from newscrawl.extraction.metadata.cascade import extract_metadata
from newscrawl.extraction.page import load_page

SHARED = Path(__file__).resolve().parents[2] / "shared"
FLOORS = {
    "news": {"title": 0.925, "authors": 0.895, "date_day": 0.99, "date_instant": 0.945, "body_f1": 0.969},
    "bodies": {"body_f1": 0.985},
    "dates": {"date_day": 0.94},
}


def _scorer() -> ModuleType:
    path = SHARED / "tools" / "score.py"
    if not path.exists():
        pytest.skip("../shared/tools/score.py not present")
    spec = importlib.util.spec_from_file_location("shared_score", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fields(raw: bytes, url: str | None, with_body: bool) -> dict[str, Any]:
    if with_body:
        return extract_article(raw, url).to_dict()
    meta = extract_metadata(load_page(raw, url).tree, url)  # the dates corpus needs no body
    return {"title": meta.title, "authors": meta.authors, "published": meta.published}


@pytest.mark.parametrize("corpus", sorted(FLOORS))
def test_corpus_floors(corpus: str, tmp_path: Path) -> None:
    folder = SHARED / "data" / corpus
    if not (folder / "truth.jsonl").exists():
        pytest.skip(f"../shared/data/{corpus} not present")
    score = _scorer()
    out = tmp_path / "out.jsonl"
    with_body = any(name.startswith("body") for name in FLOORS[corpus])
    with out.open("w", encoding="utf-8") as handle:
        for line in (folder / "truth.jsonl").open(encoding="utf-8"):
            row = json.loads(line)
            raw = gzip.decompress((folder / "pages" / f"{row['id']}.html.gz").read_bytes())
            fields = _fields(raw, row["url"], with_body)
            handle.write(json.dumps({"id": row["id"], **fields}) + "\n")
    result = score.score(str(folder), str(out))
    for name, floor in FLOORS[corpus].items():
        assert result[name] >= floor, (corpus, name, result[name])
