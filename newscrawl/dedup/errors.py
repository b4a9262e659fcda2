"""Errors of the dedup layer, typed so the caller can react to each on its own."""

from __future__ import annotations

from pathlib import Path


class CorruptState(RuntimeError):
    """The state database cannot be trusted; carries its path for quarantine and rebuild."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"corrupt state database {path}: {reason}")
        self.path = path  # a file path, or the Redis URL and key prefix
        self.reason = reason


class AlreadyRunning(RuntimeError):
    """Another run holds the lock: this run must exit at once without touching the state."""

    def __init__(self, path: Path, holder: str) -> None:
        super().__init__(
            f"another newscrawl run is in progress ({holder or 'holder unknown'}); "
            f"lock file {path}. Not starting."
        )
        self.path = Path(path)
        self.holder = holder


class StateUnavailable(RuntimeError):
    """The state is healthy as far as we know but cannot be used now: permission denied,
    read-only file system, immutable file, locked or busy database, disk I/O error.

    Never a reason to quarantine: the run stops (exit 8) and leaves the database as it is.
    """

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"state database {path} cannot be used: {reason}")
        self.path = path
        self.reason = reason
