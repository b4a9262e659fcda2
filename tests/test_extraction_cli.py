"""The ``extract`` CLI: single file and manifest batch."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.extraction.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "fixtures" / "extraction" / "seed_tagdiv.html"


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    html = SEED.read_bytes()
    (tmp_path / "a.html").write_bytes(html)
    (tmp_path / "b.html.gz").write_bytes(gzip.compress(html))
    (tmp_path / "c.html.gz").write_bytes(b"not gzip at all")
    rows = [
        {"id": "a", "url": "https://news.example.com/2024/03/06/a/", "path": str(tmp_path / "a.html")},
        {"id": "missing", "url": None, "path": str(tmp_path / "nope.html")},
        {"id": "b", "url": "https://news.example.com/2024/03/06/b/", "path": str(tmp_path / "b.html.gz")},
        {"id": "c", "url": None, "path": str(tmp_path / "c.html.gz")},
    ]
    manifest = tmp_path / "m.jsonl"
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows) + "not json\n")
    return manifest


def test_manifest_gives_one_line_per_input_in_order(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    assert main(["--manifest", str(corpus), "--output", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["a", "missing", "b", "c", None]
    assert rows[0]["body"] == rows[2]["body"] and "Must Read" not in rows[0]["body"]
    assert set(rows[1]) == {"id", "error"} and "FileNotFoundError" in rows[1]["error"]
    assert set(rows[3]) == {"id", "error"}
    assert "manifest line 5" in rows[4]["error"]
    for key in ("title", "authors", "published", "provenance", "encoding", "paragraphs"):
        assert key in rows[0]


def test_single_file_prints_one_json_object(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(SEED), "--url", "https://news.example.com/x/"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["body"].count("\n\n") == result["paragraphs"] - 1


def test_python_dash_m_newscrawl_extract(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "newscrawl", "extract", str(SEED)],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["paragraphs"] == 6
