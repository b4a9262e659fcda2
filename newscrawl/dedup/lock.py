"""The run lock: one newscrawl run per state directory at a time.

``fcntl.flock`` on a lock file: the kernel drops the lock when its holder
dies, even by SIGKILL, so a lock left by a killed run is stale by
construction and never blocks the next one.  The file holds the holder's pid
and start time only for the message; it is never deleted (unlinking a locked
file lets two runs lock two different inodes).  Local file systems only:
flock over NFS is not reliable.
"""

from __future__ import annotations

import fcntl
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from newscrawl.dedup.errors import AlreadyRunning

logger = logging.getLogger(__name__)


class RunLock:
    """Exclusive, non-blocking lock: ``with RunLock(state_dir / "run.lock"): ...``."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock or raise ``AlreadyRunning`` at once (never waits)."""
        if self._fd is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise AlreadyRunning(self.path, holder) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid={os.getpid()} started={datetime.now(UTC).isoformat(timespec='seconds')}\n".encode(), 0)
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


def _read_holder(fd: int) -> str:
    try:
        return os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        return ""
