"""A healthy state the crawl cannot write stops the run (exit 8) and is left untouched.

Only integrity failures are corruption (quarantine + rebuild); permission, read-only
and immutable-file errors are not. As root, permission bits do not bind, so the
immutable flag (chattr +i) stands in for them there.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from newscrawl.dedup import ArticleRecord, StateStore, StateUnavailable

ROOT = Path(__file__).resolve().parents[1]


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())
            if p.is_file()}


@pytest.fixture
def locked_state(tmp_path: Path) -> Iterator[Path]:
    """A healthy state holding one article, made unwritable."""
    state = tmp_path / "state"
    with StateStore.open(state) as store:
        store.commit_articles([ArticleRecord(canonical_url="http://a.test/x", site="a")])
    db = state / "state.sqlite3" if (state / "state.sqlite3").exists() else \
        next(p for p in state.iterdir() if p.suffix.startswith(".sqlite") or "sqlite" in p.name)
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(db)], capture_output=True, check=False).returncode != 0:
            pytest.fail("root without chattr +i: cannot make the state unwritable here")
        yield state
        subprocess.run(["chattr", "-i", str(db)], check=True)
    else:
        db.chmod(0o444)
        state.chmod(0o555)
        yield state
        state.chmod(0o755)
        db.chmod(0o644)


def test_unwritable_state_is_unavailable_not_corrupt(locked_state: Path) -> None:
    with pytest.raises(StateUnavailable):
        StateStore.open(locked_state)


def test_crawl_on_unwritable_state_exits_8_and_leaves_it_untouched(
        locked_state: Path, tmp_path: Path) -> None:
    before = _digest(locked_state)
    registry = tmp_path / "sites.yaml"
    registry.write_text("sites:\n  - {name: a, url: 'http://127.0.0.1:9/'}\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sites={registry}",
         "-s", f"NEWSCRAWL_STATE_DIR={locked_state}",
         "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp_path / 'out'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 8, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if "error" in line.lower()]
    assert len(errors) == 1 and "cannot be used" in errors[0] and "untouched" in errors[0]
    after = _digest(locked_state)
    assert {k: v for k, v in after.items() if k != "run.lock"} == \
        {k: v for k, v in before.items() if k != "run.lock"}
    assert not [p for p in locked_state.parent.rglob("*corrupt*")]  # nothing quarantined
