"""``scrapy state``: runs, a site's history, forgetting a site or a URL, re-export."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import ROOT, run_crawl


def state(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scrapy", "state", *args,
                           "-s", f"NEWSCRAWL_STATE_DIR={tmp / 'state'}",
                           "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp / 'out'}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_runs_site_forget_and_export(tmp_path: Path, demo: Any) -> None:
    first = run_crawl(tmp_path, registry=demo.registry_path)
    assert first.returncode == 0 and len(first.items) == len(demo.truth())
    per_site = {name: sum(1 for i in first.items if i["site"] == name)
                for name in {i["site"] for i in first.items}}

    runs = state(tmp_path, "runs")
    assert runs.returncode == 0, runs.stderr[-2000:]
    row = runs.stdout.strip().splitlines()[1]
    assert "exit 0" in row and f" {len(first.items)} " in row
    assert all(f"{name}={count}" in row for name, count in per_site.items())

    site = state(tmp_path, "site", "lahore-ledger")
    assert site.returncode == 0
    assert f"lahore-ledger: {per_site['lahore-ledger']} articles known" in site.stdout
    assert "title 100%" in site.stdout

    forget = state(tmp_path, "forget", "--site", "lahore-ledger")
    assert forget.returncode == 0
    assert f"forgot {per_site['lahore-ledger']} articles" in forget.stdout
    again = run_crawl(tmp_path, registry=demo.registry_path)
    assert again.returncode == 0
    assert {i["site"] for i in again.items} == {"lahore-ledger"}
    assert len(again.items) == per_site["lahore-ledger"]
    assert not any(i.get("duplicate_of") == i["canonical_url"] for i in again.items)

    url = again.items[0]["url"]
    assert state(tmp_path, "forget", "--url", url).stdout.startswith("forgot 1 articles")
    once_more = run_crawl(tmp_path, registry=demo.registry_path)
    assert [i["url"] for i in once_more.items] == [url]

    runs = state(tmp_path, "runs")
    assert len(runs.stdout.strip().splitlines()) == 1 + 3

    target = tmp_path / "re-export.jsonl"
    export = state(tmp_path, "export", "--since", "2000-01-01", "-O", str(target))
    assert export.returncode == 0, export.stderr[-2000:]
    lines = [json.loads(line) for line in target.open(encoding="utf-8")]
    assert len(lines) == len(first.items) + len(again.items) + 1
    future = state(tmp_path, "export", "--since", "2999-01-01", "-O", str(target))
    assert future.returncode == 0 and target.read_text() == ""


def test_bad_use_is_one_line_and_exit_2(tmp_path: Path) -> None:
    for args in (["site", "nosuch"], ["export", "--since", "yesterday", "-O", "x.jsonl"]):
        proc = state(tmp_path, *args)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert proc.stderr.strip().splitlines()[-1].startswith("newscrawl: error:")
