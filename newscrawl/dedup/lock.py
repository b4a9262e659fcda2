"""The run lock: one newscrawl run per state directory at a time.

``fcntl.flock`` on a lock file: the kernel drops the lock when its holder
dies, even by SIGKILL, so a lock left by a killed run is stale by
construction and never blocks the next one.  The file holds the holder's pid
and start time; it is never deleted (unlinking a locked file lets two runs lock
two different inodes).  Local file systems only: flock over NFS is not reliable.

A *live* holder can still be frozen (stopped, stuck in the kernel, or past every
in-process deadline). With ``takeover_after`` (the crawl passes
``NEWSCRAWL_MAX_RUN_SECONDS`` plus its grace periods) a later run that finds the
lock held for longer than that kills the holder with SIGKILL and takes the lock.
It kills only the process that wrote the lock file: the pid *and* its kernel
start time (``/proc/<pid>/stat``) must match what the holder recorded, so a
reused pid is never hit. Without ``/proc`` (not Linux) there is no takeover.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import time
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from newscrawl.dedup.errors import AlreadyRunning
from newscrawl.processes import start_ticks

logger = logging.getLogger(__name__)

TAKEOVER_WAIT = 5.0  # seconds for the kernel to release a killed holder's lock


class RunLock:
    """Exclusive, non-blocking lock: ``with RunLock(state_dir / "run.lock"): ...``."""

    def __init__(self, path: str | os.PathLike[str], takeover_after: float = 0.0) -> None:
        self.path = Path(path)
        self.takeover_after = takeover_after  # seconds; 0: never take over a live holder
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock or raise ``AlreadyRunning`` at once (never waits)."""
        if self._fd is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            if not _try_lock(fd):
                holder = _read_holder(fd)
                if not self._take_over(fd, holder):
                    raise AlreadyRunning(self.path, holder)
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        record = f"pid={os.getpid()} started={now} epoch={time.time():.3f} " \
                 f"ticks={start_ticks(os.getpid())}\n"
        os.pwrite(fd, record.encode(), 0)
        self._fd = fd
        logger.debug("run lock taken: %s", self.path)

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


    def _take_over(self, fd: int, holder: str) -> bool:
        """Kill a holder older than ``takeover_after`` (same pid and start time) and lock."""
        fields = dict(part.split("=", 1) for part in holder.split() if "=" in part)
        try:
            pid, epoch, ticks = int(fields["pid"]), float(fields["epoch"]), fields["ticks"]
        except (KeyError, ValueError):
            return False
        if not self.takeover_after or time.time() - epoch <= self.takeover_after:
            return False
        if not ticks or start_ticks(pid) != ticks:
            return False  # gone, or the pid now names another process
        logger.warning("run lock %s held by pid %d for %.0fs (limit %.0fs): killing it",
                       self.path, pid, time.time() - epoch, self.takeover_after)
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            return False
        deadline = time.monotonic() + TAKEOVER_WAIT
        while time.monotonic() < deadline:
            if _try_lock(fd):
                return True
            time.sleep(0.05)
        return False


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _read_holder(fd: int) -> str:
    try:
        return os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        return ""
