"""What /proc and signal 0 say about another process: alive, and since when.

The run lock (is its holder the process that took it?) and the feed files (is the
run that owns a temporary file still writing it?) both ask; one answer for each
question.
"""

from __future__ import annotations

import os
from pathlib import Path


def pid_alive(pid: int) -> bool:
    """True while *pid* runs; a zombie (killed, not yet reaped) counts as dead."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def start_ticks(pid: int) -> str:
    """The process's start time in clock ticks since boot ('' without /proc): with the pid,
    it tells a process from a later one that reused its number."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[19]  # field 22, counted after "(comm)"
    except (OSError, IndexError):
        return ""
