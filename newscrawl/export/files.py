"""Feed files on disk: atomic writes, and recovery of what a killed run left.

Kept apart from the Scrapy extension (:mod:`newscrawl.export.writer`) because these are
plain file operations that a test or a repair script can call directly. Every
step is safe to interrupt with kill -9 and to repeat.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newscrawl.processes import pid_alive

logger = logging.getLogger(__name__)

PART_SUFFIX = ".part"  # the hidden feed a run is writing: `.<stamp>.jsonl.part`
TMP_SUFFIX = ".tmp"  # a whole file being written: `.<name>.<pid>.tmp`
RECOVERED = "-recovered"  # `<stamp of the killed run>-recovered.jsonl`


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, text: str | bytes) -> None:
    """Write a whole file under a hidden name, fsync, rename: readers never see half of it.

    A failed write (disk full) removes its temporary file; one left by a kill is
    removed by the next run (:func:`remove_stale_temporaries`).
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}{TMP_SUFFIX}")
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def remove_stale_temporaries(folder: Path) -> None:
    """Temporary files of writers that died (their pid is gone) are garbage."""
    for tmp in folder.glob(f".*{TMP_SUFFIX}"):
        if _foreign_symlink(tmp):
            continue
        pid = tmp.name.removesuffix(TMP_SUFFIX).rpartition(".")[2]
        if not pid.isdigit() or not _alive_other(int(pid)):
            logger.info("removing %s, left by an interrupted write", tmp)
            tmp.unlink(missing_ok=True)


def _foreign_symlink(path: Path) -> bool:
    """newscrawl never writes symlinks: one named like its temporary files is not followed,
    recovered or deleted, only reported (a dangling one made every run exit 8)."""
    if not path.is_symlink():
        return False
    logger.warning("ignoring %s: a symlink in the output folder is not newscrawl's "
                   "(remove it)", path)
    return True


def _alive_other(pid: int) -> bool:
    return pid != os.getpid() and pid_alive(pid)


def complete_lines(path: Path) -> list[tuple[bytes, dict[str, Any]]]:
    """The lines of a feed with their JSON objects, without a torn or corrupt line."""
    rows = []
    with open(path, "rb") as fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                break  # torn by a kill or a full disk: the item was never recorded as seen
            try:
                row = json.loads(raw)
            except ValueError:
                logger.warning("skipping a corrupt line in %s", path)
                continue
            if isinstance(row, dict):
                rows.append((raw, row))
    return rows


def read_complete_lines(path: Path) -> list[dict[str, Any]]:
    """The JSON objects of a feed, without a torn or corrupt last line."""
    return [row for _, row in complete_lines(path)]


@dataclass
class Recovery:
    """One killed run's unfinished feed and the finished feed its complete lines went to."""

    part: Path
    target: Path | None
    rows: list[dict[str, Any]]


def recover_partial_feeds(folder: Path) -> list[Recovery]:
    """Promote each unfinished feed of a killed run into ``<its stamp>-recovered.jsonl``.

    Idempotent, so a kill during recovery is harmless: a target that exists was
    renamed complete, and its rows are returned again for the state (an upsert);
    the caller removes the ``.part`` only after recording them. A ``.part`` still
    locked belongs to a live run (scale-out workers sharing a folder) and is left.
    """
    remove_stale_temporaries(folder)
    done = []
    for part in sorted(folder.glob(f".*.jsonl{PART_SUFFIX}")):
        if _foreign_symlink(part):
            continue
        stamp = part.name[1:].removesuffix(f".jsonl{PART_SUFFIX}")
        target = folder / f"{stamp}{RECOVERED}.jsonl"
        with open(part, "rb") as fh:
            if not try_lock(fh.fileno()):
                logger.info("%s is being written by a live run; not recovering it", part)
                continue
            if target.exists():
                lines = complete_lines(target)
            else:
                lines = complete_lines(part)
                if lines:
                    write_atomically(target, b"".join(raw for raw, _ in lines))
                    logger.warning("recovered %d items of an interrupted run into %s",
                                   len(lines), target)
        done.append(Recovery(part, target if lines else None, [row for _, row in lines]))
    return done


def try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def utc_stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%SZ")


def fresh_stamp(folder: Path) -> str:
    """This run's stamp, made unique: two runs in one second must not share a feed name,
    or recovering the second would find the first's ``-recovered`` feed and skip it."""
    base = stamp = utc_stamp()
    n = 1
    while any(folder.glob(f"{stamp}.*")) or any(folder.glob(f"{stamp}{RECOVERED}.*")) or \
            (folder / f".{stamp}.jsonl{PART_SUFFIX}").exists():
        n += 1
        stamp = f"{base}-{n}"
    return stamp
