"""The summary tells the truth: stats.json's exit_code is the process's, in every ending.

Each test runs a real ``scrapy crawl news`` against 127.0.0.1 servers and reads
back both the exit status and the summary the run wrote beside its feed.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import FAST, ROOT
from support.faultserver import FaultServer, Reply

from newscrawl import exitcodes


def command(tmp: Path, registry: Path, *extra: str, python: list[str] | None = None) -> list[str]:
    return [*(python or [sys.executable, "-m", "scrapy"]), "crawl", "news",
            "-a", f"sites={registry}", *FAST,
            "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp / 'out'}", "-s", f"NEWSCRAWL_STATE_DIR={tmp / 'st'}",
            *extra]


def summaries(tmp: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((tmp / "out" / "news").glob("*.stats.json"))]


def registry_for(tmp: Path, sites: dict[str, str]) -> Path:
    path = tmp / "sites.yaml"
    path.write_text("sites:\n" + "".join(f"  - {{name: {n}, url: '{u}'}}\n"
                                          for n, u in sites.items()), encoding="utf-8")
    return path


def test_thirty_500s_count_as_thirty_errors_and_retries_are_not_found(tmp_path: Path) -> None:
    html = {"Content-Type": "text/html; charset=utf-8"}
    links = "".join(f'<a href="/news/2026/03/story-{n}.html">story {n}</a>' for n in range(30))
    with FaultServer(["broken"]) as fs:
        fs.add("broken", "/robots.txt", lambda fs, p: Reply(200, b"User-agent: *\nAllow: /\n"))
        fs.add("broken", "/", lambda fs, p: Reply(200, f"<html><body>{links}</body></html>"
                                                   .encode(), html))
        for n in range(30):
            fs.add("broken", f"/news/2026/03/story-{n}.html",
                   lambda fs, p: Reply(500, b"oops", html))
        registry = registry_for(tmp_path, {"broken": fs.base("broken") + "/"})
        proc = subprocess.run(command(tmp_path, registry), cwd=ROOT, capture_output=True,
                              text=True, timeout=180)
    assert proc.returncode == exitcodes.ERROR_RATE, proc.stderr[-3000:]
    summary = summaries(tmp_path)[-1]
    site = summary["sites"]["broken"]
    assert summary["exit_code"] == proc.returncode
    assert site["errors"] == 30 and site["failed_pages"] == 30
    assert site["discovered"] == 30  # each URL once, however often it was retried


def test_pages_failing_in_processing_fail_the_run(tmp_path: Path, demo: Any) -> None:
    """The bare-venv failure: justext cannot import lxml_html_clean, every page raises."""
    broken = [sys.executable, "-c", ("import sys; sys.modules['lxml_html_clean'] = None; "
                                     "from scrapy.cmdline import execute; execute()")]
    proc = subprocess.run(command(tmp_path, demo.registry_path, "-s",
                                  "NEWSCRAWL_EXTRACT_WORKERS=0", python=broken),
                          cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert proc.returncode == exitcodes.ERROR_RATE, proc.stderr[-3000:]
    summary = summaries(tmp_path)[-1]
    assert summary["exit_code"] == proc.returncode
    assert summary["total"]["items"] == 0
    assert all(s["errors"] >= s["failed_pages"] > 0 for s in summary["sites"].values())
    assert any(k.startswith("processing/") for k in summary["total"]["errors_by_kind"])


def test_finished_run_says_exit_0(tmp_path: Path, demo: Any) -> None:
    proc = subprocess.run(command(tmp_path, demo.registry_path), cwd=ROOT, capture_output=True,
                          text=True, timeout=240)
    assert proc.returncode == exitcodes.OK, proc.stderr[-3000:]
    assert summaries(tmp_path)[-1]["exit_code"] == 0
    assert "WARNING" not in proc.stderr and "Deprecat" not in proc.stderr
    last = proc.stderr.strip().splitlines()
    assert any("run summary (finished" in line for line in last[-12:])
    assert "Dumping Scrapy stats" not in proc.stderr
    report = next((tmp_path / "out" / "news").glob("*.report.html")).read_text(encoding="utf-8")
    assert all(name in report for name in summaries(tmp_path)[-1]["sites"])


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_stopped_run_says_exit_9(tmp_path: Path, demo: Any, signum: int) -> None:
    slow = command(tmp_path, demo.registry_path, "-s", "DOWNLOAD_DELAY=0.3",
                   "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    proc = subprocess.Popen(slow, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "Spider opened" in line:
            break
    time.sleep(2)
    proc.send_signal(signum)
    rest = proc.stderr.read()
    code = proc.wait(timeout=120)
    assert code == exitcodes.INTERRUPTED, rest[-3000:]
    assert summaries(tmp_path)[-1]["exit_code"] == code


def test_output_failure_says_exit_8(tmp_path: Path, demo: Any) -> None:
    """The spider's feed folder cannot be made (a file sits where it should be)."""
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "news").write_text("in the way")
    proc = subprocess.run(command(tmp_path, demo.registry_path), cwd=ROOT, capture_output=True,
                          text=True, timeout=240)
    assert proc.returncode == exitcodes.OUTPUT_FAILED, proc.stderr[-3000:]
    said = [line for line in proc.stderr.splitlines() if "run summary (" in line]
    assert said and f"exit {exitcodes.OUTPUT_FAILED})" in said[-1]
