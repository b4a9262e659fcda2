"""SQLite state safety: corruption is detected (or harmless) and rebuilt from feeds;
kill -9 in the middle of a write leaves no half-committed batch."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import soak

from newscrawl.dedup import ArticleRecord, CorruptState, StateStore, open_state
from newscrawl.dedup.sqlite_schema import DB_NAME

N_ARTICLES = 1500
PAGE = 4096


def _records() -> list[ArticleRecord]:
    return [ArticleRecord(canonical_url=f"http://127.0.0.1:8001/news/story-{i}", site="demo",
                          content_hash=f"{i:040x}", version=1 + i % 3, story_id=f"s{i}",
                          aliases=(f"http://127.0.0.1:8001/old/{i}",))
            for i in range(N_ARTICLES)]


def _write_feed(path: Path, records: list[ArticleRecord]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps({
                "url": f"http://127.0.0.1:8001/old/{r.canonical_url.rsplit('-', 1)[1]}",
                "canonical_url": r.canonical_url, "content_hash": r.content_hash,
                "version": r.version, "site": r.site, "story_id": r.story_id}) + "\n" for r in records)


def _scribble(path: Path, offset: int, size: int, seed: int) -> None:
    rng = random.Random(seed)
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(bytes(rng.randrange(256) for _ in range(size)))


def _truncate(path: Path, size: int) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(size)


def _size(path: Path) -> int:
    return path.stat().st_size


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "zeroed header": lambda p: _scribble_zero(p, 0, 100),
    "zeroed first page": lambda p: _scribble_zero(p, 0, PAGE),
    "truncated to half": lambda p: _truncate(p, _size(p) // 2 // PAGE * PAGE),
    "truncated to one page": lambda p: _truncate(p, PAGE),
    "truncated mid-page": lambda p: _truncate(p, _size(p) - 1000),
    "random bytes, one page": lambda p: _scribble(p, 3 * PAGE, PAGE, 1),
    "random bytes, scattered": lambda p: [_scribble(p, off, 16, off) for off in
                                          range(2 * PAGE + 200, _size(p), _size(p) // 11)],
    "random bytes, last page": lambda p: _scribble(p, _size(p) - PAGE, PAGE, 2),
    "random bytes, whole file": lambda p: _scribble(p, 0, _size(p), 3),
    "zero-length file": lambda p: _truncate(p, 0),
}


def _scribble_zero(path: Path, offset: int, size: int) -> None:
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(b"\0" * size)


def _assert_all_known(store: StateStore, records: list[ArticleRecord]) -> None:
    for r in records:
        got = store.known_url(f"http://127.0.0.1:8001/old/{r.canonical_url.rsplit('-', 1)[1]}")
        assert got is not None and (got.canonical_url, got.content_hash, got.version) == (
            r.canonical_url, r.content_hash, r.version)


def _open_checked(state_dir: Path, records: list[ArticleRecord]) -> str:
    """'detected' if CorruptState is raised anywhere, 'harmless' if all data is intact."""
    try:
        with StateStore.open(state_dir) as store:
            store.verify()
            _assert_all_known(store, records)
    except CorruptState:
        return "detected"
    return "harmless"


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_corruption_detected_quarantined_rebuilt(kind: str, tmp_path: Path) -> None:
    records = _records()
    state_dir, feed = tmp_path / "state", tmp_path / "feed.jsonl"
    with StateStore.open(state_dir) as store:
        store.commit_articles(records)
    _write_feed(feed, records)
    CORRUPTIONS[kind](state_dir / DB_NAME)
    outcome = _open_checked(state_dir, records)
    print(f"\n{kind}: {outcome}")
    assert outcome == "detected", f"{kind} went unnoticed"
    moved = StateStore.quarantine(state_dir)
    assert (moved / DB_NAME).exists() and not (state_dir / DB_NAME).exists()
    with StateStore.open(state_dir) as store:
        assert store.rebuild_from_feeds([feed]) == N_ARTICLES
        store.verify()
        _assert_all_known(store, records)


WRITER = textwrap.dedent("""
    import sys
    from newscrawl.dedup import ArticleRecord, StateStore
    store = StateStore.open(sys.argv[1])
    store._conn.execute("PRAGMA wal_autocheckpoint=0")  # keep commits in the WAL
    batch = int(sys.argv[2])
    print("ready", flush=True)
    while True:
        store.commit_articles([ArticleRecord(
            canonical_url=f"http://127.0.0.1:8001/{batch}/{i}", site="demo",
            story_id=str(batch), aliases=(f"http://127.0.0.1:8001/alias/{batch}/{i}",))
            for i in range(200)])
        print(batch, flush=True)
        batch += 1
""")


def _run_writer(state_dir: Path, first_batch: int, kill_after: float) -> list[int]:
    """Start a committing process, SIGKILL it ``kill_after`` s into its commits."""
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(state_dir), str(first_batch)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    time.sleep(kill_after)
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=30)
    return [int(x) for x in out.split()]


def test_deleted_wal_after_kill_is_detected(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    reported = _run_writer(state_dir, 0, 1.0)
    assert reported, "writer committed nothing before the kill"
    assert (state_dir / f"{DB_NAME}-wal").exists()
    os.remove(state_dir / f"{DB_NAME}-wal")
    if (state_dir / f"{DB_NAME}-shm").exists():
        os.remove(state_dir / f"{DB_NAME}-shm")
    with pytest.raises(CorruptState, match="behind"):
        StateStore.open(state_dir)


@pytest.mark.parametrize("kills", soak(3, 10))
def test_kill_9_during_commits_leaves_whole_batches(tmp_path: Path, kills: int) -> None:
    state_dir = tmp_path / "state"
    rng = random.Random(11)
    committed: list[int] = []
    next_batch = 0
    for _round in range(kills):
        committed += _run_writer(state_dir, next_batch, rng.uniform(0.0, 0.8))
        next_batch = (max(committed) + 1000) if committed else next_batch + 1000
        conn = sqlite3.connect(state_dir / DB_NAME)
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        sizes = dict(conn.execute("SELECT story_id, count(*) FROM articles GROUP BY story_id"))
        aliases = conn.execute("SELECT count(*) FROM url_aliases").fetchone()[0]
        conn.close()
        assert set(sizes.values()) <= {200}, "half-committed batch"
        assert aliases == 200 * len(sizes)
        assert {str(b) for b in committed} <= set(sizes), "a reported commit was lost"
        with StateStore.open(state_dir) as store:  # opens cleanly after every kill
            store.verify()
    print(f"\nkill -9 x{kills}: {len(committed)} batches reported, all whole, none lost")


def test_open_state_rebuilds_a_corrupt_store_from_feeds(tmp_path: Path) -> None:
    records = _records()[:200]
    state_dir, feed = tmp_path / "state", tmp_path / "feed.jsonl"
    with StateStore.open(state_dir) as store:
        store.commit_articles(records)
    _write_feed(feed, records)
    _scribble_zero(state_dir / DB_NAME, 0, 100)
    with pytest.raises(CorruptState):
        open_state(state_dir)  # without feeds the caller decides
    store = open_state(state_dir, feeds=lambda: [feed])
    try:
        _assert_all_known(store, records)  # type: ignore[arg-type]
    finally:
        store.close()
    assert any(p.name.startswith("corrupt-") for p in state_dir.iterdir())
