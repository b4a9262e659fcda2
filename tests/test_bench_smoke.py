"""bench/crawl.py works end to end on a tiny site (not timed: numbers come from the script)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.e2e, pytest.mark.slow]  # a newscrawl crawl and the baseline crawl


def test_bench_crawl_runs_both_crawlers(tmp_path: Path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "crawl.py"), "--articles", "20", "--no-frontier",
         "--workdir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "| pages/s |" in proc.stdout and "ratio" in proc.stdout
    runs = {r["name"]: r for r in json.loads((tmp_path / "results.json").read_text())["runs"]}
    assert set(runs) == {"newscrawl", "baseline"}
    for run in runs.values():
        assert run["items"] == 20  # every generated article, once
        assert run["responses"] >= 20 and run["peak_rss_mb"] > 0 and run["cpu_s"] > 0


def test_bench_warc_backfills_every_registry_article(tmp_path: Path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "warc.py"), "--articles", "15", "--foreign", "1",
         "--workdir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "| records/s |" in proc.stdout and "ratio to warcio" in proc.stdout
    result = json.loads((tmp_path / "results.json").read_text())
    assert result["items"] == 15 and result["records"] == 1 + 15 * 2 * 2 + 2 * 2 * 2
    assert result["warcio_records_per_s"] > 0 and result["peak_rss_mb"] > 0


def test_hostile_bench_help_and_unknown_attack() -> None:
    """``bench/hostile.py --help`` prints its usage (it was read as an attack: KeyError),
    and an unknown attack is a usage error before any server starts."""
    bench = Path(__file__).resolve().parents[1] / "bench" / "hostile.py"
    helped = subprocess.run([sys.executable, str(bench), "--help"], capture_output=True,
                            text=True, timeout=120)
    assert helped.returncode == 0 and "usage: hostile.py" in helped.stdout
    unknown = subprocess.run([sys.executable, str(bench), "robots+nosuch"], capture_output=True,
                             text=True, timeout=120)
    assert unknown.returncode == 2 and "unknown attack nosuch" in unknown.stderr
    assert "Traceback" not in unknown.stderr
