"""The run lock: a second run fails at once; a lock left by a kill -9 does not block."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from newscrawl.dedup import AlreadyRunning, RunLock

HOLDER = textwrap.dedent("""
    import subprocess, sys, time
    from newscrawl.dedup.lock import RunLock
    lock = RunLock(sys.argv[1])
    lock.acquire()
    child = 0
    if len(sys.argv) > 2:  # leave a grandchild behind, as a crawl's helper process would
        child = subprocess.Popen(["sleep", "30"]).pid
    print("locked", child, flush=True)
    time.sleep(60)
""")


def _holder(lock_path: Path, *extra: str) -> tuple[subprocess.Popen[str], int]:
    """A process holding the lock, and the pid of the grandchild it left (0 if none)."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock_path), *extra],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    word, child = proc.stdout.readline().split()
    assert word == "locked"
    return proc, int(child)


def test_second_run_in_other_process_fails_at_once(tmp_path: Path) -> None:
    lock_path = tmp_path / "state" / "run.lock"
    proc, _ = _holder(lock_path)
    try:
        started = time.monotonic()
        with pytest.raises(AlreadyRunning) as info:
            RunLock(lock_path).acquire()
        assert time.monotonic() - started < 1.0
        assert f"pid={proc.pid}" in str(info.value)
        assert "another newscrawl run is in progress" in str(info.value)
        assert sorted(os.listdir(tmp_path / "state")) == ["run.lock"]  # nothing else touched
    finally:
        proc.kill()
        proc.wait()


def test_lock_of_killed_run_is_stale(tmp_path: Path) -> None:
    lock_path = tmp_path / "run.lock"
    proc, _ = _holder(lock_path)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert f"pid={proc.pid}" in lock_path.read_text()  # the dead run's note is still there
    with RunLock(lock_path) as lock:
        assert lock.held
        assert f"pid={os.getpid()}" in lock_path.read_text()


def test_children_of_a_killed_run_do_not_keep_the_lock(tmp_path: Path) -> None:
    lock_path = tmp_path / "run.lock"
    proc, child = _holder(lock_path, "spawn")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    try:
        with RunLock(lock_path):
            pass
    finally:
        os.kill(child, signal.SIGKILL)


def test_same_process_second_lock_fails_then_release_frees(tmp_path: Path) -> None:
    lock_path = tmp_path / "run.lock"
    first = RunLock(lock_path)
    first.acquire()
    first.acquire()  # idempotent for its holder
    with pytest.raises(AlreadyRunning):
        RunLock(lock_path).acquire()
    first.release()
    assert lock_path.exists()  # never unlinked: avoids two runs locking two inodes
    with RunLock(lock_path) as again:
        assert again.held
    assert not again.held


def test_frozen_holder_past_the_limit_is_killed_and_the_lock_taken(tmp_path: Path) -> None:
    lock_path = tmp_path / "run.lock"
    proc, _ = _holder(lock_path)
    proc.send_signal(signal.SIGSTOP)  # frozen: alive, holding the lock, answering nothing
    try:
        with pytest.raises(AlreadyRunning):
            RunLock(lock_path, takeover_after=60).acquire()  # not old enough yet
        time.sleep(1.2)
        started = time.monotonic()
        lock = RunLock(lock_path, takeover_after=1)
        lock.acquire()
        assert time.monotonic() - started < 5
        assert proc.wait(timeout=5) == -signal.SIGKILL
        assert f"pid={os.getpid()}" in lock_path.read_text()
        lock.release()
    finally:
        proc.kill()
        proc.wait()


def test_takeover_never_kills_a_process_the_lock_file_does_not_name(tmp_path: Path) -> None:
    lock_path = tmp_path / "run.lock"
    proc, _ = _holder(lock_path)
    try:
        text = lock_path.read_text()
        lock_path.write_text(text.replace("ticks=", "ticks=1"))  # as if the pid were reused
        time.sleep(1.2)
        with pytest.raises(AlreadyRunning):
            RunLock(lock_path, takeover_after=1).acquire()
        assert proc.poll() is None
        assert oct(lock_path.stat().st_mode & 0o777) == "0o600"
    finally:
        proc.kill()
        proc.wait()
