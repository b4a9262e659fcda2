"""SQLite schema and on-disk files of the state store (kept apart so state.py reads as
behaviour)."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from newscrawl.dedup.errors import CorruptState

logger = logging.getLogger(__name__)

DB_NAME = "state.sqlite"
GEN_NAME = "state.generation"  # last committed generation, written after each commit
SQLITE_MAGIC = b"SQLite format 3\x00"
SCHEMA_VERSION = 1

# WITHOUT ROWID: the URL is the key, so the table *is* the index (smaller, one lookup).
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO meta VALUES ('schema', '{SCHEMA_VERSION}');
INSERT OR IGNORE INTO meta VALUES ('generation', '0');
CREATE TABLE IF NOT EXISTS articles (
    canonical_url TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    content_hash TEXT,
    version INTEGER NOT NULL,
    lastmod TEXT,
    story_id TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    crc INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS articles_content_hash ON articles (content_hash);
CREATE TABLE IF NOT EXISTS url_aliases (
    url TEXT PRIMARY KEY,
    canonical_url TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS http_validators (
    url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, ts TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sitemap_lastmod (url TEXT PRIMARY KEY, lastmod TEXT NOT NULL)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS page_verdicts (url TEXT PRIMARY KEY, site TEXT NOT NULL,
    verdict TEXT NOT NULL, reason TEXT NOT NULL, lastmod TEXT, checked TEXT NOT NULL)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS neardup (key TEXT PRIMARY KEY, size INTEGER NOT NULL,
    hashvalues BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS site_health (
    id INTEGER PRIMARY KEY, site TEXT NOT NULL, run_id INTEGER, coverage TEXT NOT NULL,
    ts TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS site_health_site ON site_health (site, id);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_summaries (run_id INTEGER PRIMARY KEY, summary TEXT NOT NULL);
"""


def check_header(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "rb") as handle:
        header = handle.read(100)
    if header[:16] != SQLITE_MAGIC:
        raise CorruptState(path, "not an SQLite database (header damaged)")
    _check_size(path, header)


def _check_size(path: Path, header: bytes) -> None:
    """With no write-ahead log pending, the file is exactly its header's page count:
    SQLite itself ignores bytes appended by a broken copy or a stray write."""
    wal = path.with_name(f"{path.name}-wal")
    if len(header) < 100 or (wal.exists() and wal.stat().st_size > 0):
        return
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if pages == 0 or header[24:28] != header[92:96]:
        return  # the in-header size is not maintained: nothing to compare
    if path.stat().st_size != pages * page_size:
        raise CorruptState(path, f"file is {path.stat().st_size} bytes, its header says "
                                 f"{pages} pages of {page_size}")


def read_generation(path: Path) -> int:
    try:
        return int(path.read_text().strip() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def write_generation(path: Path, generation: int) -> None:
    """Best effort: a lagging sidecar is safe (it is only a lower bound), so a failed
    write after a successful commit is logged, not raised."""
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(str(generation))
        os.replace(tmp, path)
    except OSError as exc:
        logger.warning("could not record state generation %d in %s: %s", generation, path, exc)


def move_aside(directory: Path, name: str) -> Path:
    """Move the database, its WAL/SHM and generation file into ``directory/name-<pid>``."""
    target = directory / f"{name}-{os.getpid()}"
    target.mkdir(parents=True, exist_ok=True)
    for file in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", GEN_NAME):
        if (directory / file).exists():
            shutil.move(str(directory / file), str(target / file))
    return target
