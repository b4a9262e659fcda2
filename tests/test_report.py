"""The HTML report: correct content, escaped, self-contained, and rendered by a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from newscrawl.extensions.report import history_points, render_report, report_path


def site(articles: int, coverage: float, **extra: Any) -> dict[str, Any]:
    return {"articles": articles, "items": articles, "pages": articles + 2, "errors": 0,
            "discovered": articles + 2, "failed_pages": 0,
            "coverage": {"title": 1.0, "published": coverage, "authors": coverage / 2,
                         "body": 1.0}} | extra


def summary(n: int, alpha_articles: int, coverage: float) -> dict[str, Any]:
    return {"started": f"2026-11-0{n}T06:00:00+00:00", "exit_code": 0,
            "finish_reason": "finished", "duration_s": 12.5, "feed": f"out/news/{n}.jsonl",
            "total": {"items": alpha_articles + 8},
            "sites": {"alpha": site(alpha_articles, coverage),
                      "<b>evil</b>": site(0, 0.0, pages=9, discovered=9, failed_pages=8,
                                          errors=8)}}


RUNS = [summary(n, 10 + n, 1.0 - n / 10) for n in range(5, 0, -1)]  # newest first


def test_report_path_beside_the_feed() -> None:
    assert report_path(Path("out/news/2026-12-01T06-00-00Z.jsonl")).name == \
        "2026-12-01T06-00-00Z.report.html"


def test_history_is_oldest_first_and_per_site() -> None:
    points = history_points(RUNS, "alpha")
    assert [p["articles"] for p in points] == [11, 12, 13, 14, 15]
    assert history_points(RUNS, "nosuch") == []


def test_report_is_self_contained_and_escaped() -> None:
    html = render_report(RUNS[0], RUNS)
    assert "<b>evil</b>" not in html and "&lt;b&gt;evil&lt;/b&gt;" in html
    assert "<script" not in html.lower()
    assert not re.search(r"\b(src|href)=", html)  # nothing fetched, nothing linked
    assert html.count("<svg") == 2
    assert "8 of 9 pages failed" in html


@pytest.fixture
def chromium() -> str:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.fail("chromium missing: .ci/run installs it (apt-get install -y chromium)")
    return binary


def headless(chromium: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                           "--hide-scrollbars", "--window-size=1200,900", *args],
                          capture_output=True, text=True, timeout=120)


def test_report_renders_in_headless_chromium(tmp_path: Path, chromium: str) -> None:
    page = tmp_path / "2026-11-05T06-00-00Z.report.html"
    page.write_text(render_report(RUNS[0], RUNS), encoding="utf-8")
    dom = headless(chromium, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    rows = re.findall(r"<tr>(.*?)</tr>", dom.stdout, re.S)
    assert len(rows) == 3  # header + two sites
    alpha = next(r for r in rows if "alpha" in r)
    evil = next(r for r in rows if "evil" in r)
    assert ">15<" in alpha and ">50%<" in alpha and 'class="ok"' in alpha
    assert "8 of 9 pages failed" in evil and 'class="fail"' in evil
    assert dom.stdout.count("<svg") == 2 and dom.stdout.count('class="bar"') == 5 + 5
    assert 'class="cov-published"' in dom.stdout
    shot = tmp_path / "report.png"
    taken = headless(chromium, f"--screenshot={shot}", page.as_uri())
    assert taken.returncode == 0 and shot.stat().st_size > 10_000
    keep = Path("/tmp/newscrawl-report-screenshot.png")
    shutil.copy(shot, keep)  # for a human look after the run
