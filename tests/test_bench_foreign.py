"""bench/foreign.py lays another project's fixture pages out as a corpus in the shared format."""

from __future__ import annotations

import gzip
import io
import json
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import foreign  # noqa: E402


def _sdist(path: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"newspaper4k-0.0.1/tests/data/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_fixture_pages_become_a_corpus_with_days_for_midnight_dates(tmp_path: Path) -> None:
    meta = {"url": "https://paper.example/a", "title": "Ferry fares rise",
            "authors": ["Ann Lee"], "publish_date": "2023-11-06T00:00:00"}
    timed = {"url": "https://paper.example/b", "title": "Dam holds",
             "publish_date": "2023-11-07T02:00:00-05:00"}
    sdist = _sdist(tmp_path / "newspaper4k-0.0.1.tar.gz", {
        "html/a.html": b"<html><h1>Ferry fares rise</h1></html>",
        "metadata/a.json": json.dumps(meta).encode(),
        "txt/a.txt": "Fares rise by a tenth.".encode(),
        "html/b.html": b"<html><h1>Dam holds</h1></html>",
        "metadata/b.json": json.dumps(timed).encode(),
        "html/no_meta.html": b"<html></html>",  # no pinned answers: not a corpus page
        "txt/summary.txt": b"a text without a page",
    })
    assert foreign.fetch_sdist(tmp_path) == sdist  # already in the cache: no download
    assert foreign.build_corpus(sdist, tmp_path / "data") == 2
    corpus = tmp_path / "data" / foreign.CORPUS
    rows = {r["id"]: r for r in map(json.loads, (corpus / "truth.jsonl").read_text().splitlines())}
    assert rows["a"] == {"id": "a", "url": "https://paper.example/a", "source": "newspaper4k",
                         "title": "Ferry fares rise", "published": "2023-11-06",
                         "body": "Fares rise by a tenth.", "authors": ["Ann Lee"]}
    assert rows["b"]["published"] == "2023-11-07T02:00:00-05:00" and "body" not in rows["b"]
    assert gzip.decompress((corpus / "pages" / "a.html.gz").read_bytes()).startswith(b"<html><h1>Ferry")
    assert sorted(p.name for p in (corpus / "pages").iterdir()) == ["a.html.gz", "b.html.gz"]
