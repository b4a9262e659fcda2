"""The embedded state across runs: SQLite in ``NEWSCRAWL_STATE_DIR``.

WAL journal with ``synchronous=FULL``: the pipeline commits a batch only
after the feed holding it is flushed, and a commit that a power cut could
still undo (NORMAL) would re-emit those articles next run, doubling them.
Commits are per batch, so the extra fsync is cheap.

Corruption is detected at open (header, ``quick_check``, SQLite errors), on
every read (a CRC per article row) and for a lost WAL: each write bumps a
generation number inside the database and, after the commit, in a sidecar
file; a database behind its sidecar lost committed transactions.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from newscrawl.dedup.canonical import canonicalize_url
from newscrawl.dedup.errors import CorruptState, StateUnavailable
from newscrawl.dedup.neardup import NearDuplicateIndex
from newscrawl.dedup.rebuild import iter_feed_records, merge_records
from newscrawl.dedup.records import (
    ArticleRecord,
    HealthRecord,
    PageVerdict,
    Validators,
    utcnow,
)
from newscrawl.dedup.signature import Signature
from newscrawl.dedup.sqlite_schema import (
    DB_NAME,
    GEN_NAME,
    SCHEMA,
    SCHEMA_VERSION,
    check_header,
    move_aside,
    read_generation,
    write_generation,
)

logger = logging.getLogger(__name__)

_ARTICLE_COLS = "canonical_url, site, content_hash, version, lastmod, story_id, " \
                "first_seen, last_seen, crc"


class StateStore:
    """Seen articles, URL aliases, discovery validators, near-dup signatures, run health."""

    def __init__(self, directory: Path, conn: sqlite3.Connection) -> None:
        self.directory = directory
        self.path = directory / DB_NAME
        self._conn = conn

    # -- lifecycle -------------------------------------------------------------
    @classmethod
    def open(cls, directory: str | os.PathLike[str]) -> StateStore:
        """Open (or create) the store; raise ``CorruptState`` if it cannot be trusted."""
        directory = Path(directory)
        path = directory / DB_NAME
        try:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            sidecar = read_generation(directory / GEN_NAME)
            if not path.exists() and sidecar:
                raise CorruptState(path, "database missing but its generation file says "
                                         f"{sidecar} commits were made")
            check_header(path)
            _check_writable(directory, path)
            conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        except OSError as exc:
            raise StateUnavailable(path, exc.strerror or str(exc)) from exc
        except sqlite3.DatabaseError as exc:
            raise database_error(path, exc) from exc
        try:
            generation = _prepare(conn)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise database_error(path, exc) from exc
        if generation < sidecar:
            conn.close()
            raise CorruptState(path, f"generation {generation} behind committed {sidecar} "
                                     "(write-ahead log lost?)")
        logger.debug("state opened: %s (generation %d)", path, generation)
        return cls(directory, conn)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def quarantine(directory: str | os.PathLike[str]) -> Path:
        """Move the database and its side files aside; the next ``open`` starts empty."""
        target = move_aside(Path(directory), f"corrupt-{utcnow().replace(':', '')}")
        logger.warning("corrupt state moved to %s", target)
        return target

    def verify(self) -> None:
        """Full check (slow, O(size)): ``integrity_check`` and every row's CRC."""
        try:
            result = self._conn.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                raise CorruptState(self.path, f"integrity_check: {result[:3]}")
            for row in self._conn.execute(f"SELECT {_ARTICLE_COLS} FROM articles"):
                self._record(row)
        except sqlite3.DatabaseError as exc:
            raise database_error(self.path, exc) from exc

    # -- articles --------------------------------------------------------------
    def known_url(self, url: str) -> ArticleRecord | None:
        """The article ``url`` leads to: as canonical URL, or through an alias."""
        keys = _keys(url)
        for key in keys:
            record = self.get(key)
            if record is not None:
                return record
        for key in keys:
            row = self._one("SELECT canonical_url FROM url_aliases WHERE url = ?", (key,))
            if row is not None:
                return self.get(row[0])
        return None

    def get(self, canonical_url: str) -> ArticleRecord | None:
        row = self._one(f"SELECT {_ARTICLE_COLS} FROM articles WHERE canonical_url = ?",
                        (canonical_url,))
        return None if row is None else self._record(row)

    def known_hash(self, content_hash: str) -> ArticleRecord | None:
        """The first article seen with this exact normalised body, if any."""
        row = self._one(f"SELECT {_ARTICLE_COLS} FROM articles WHERE content_hash = ? "
                        "ORDER BY first_seen LIMIT 1", (content_hash,))
        return None if row is None else self._record(row)

    def commit_articles(self, records: Iterable[ArticleRecord]) -> int:
        """Upsert articles with their aliases and signatures in one transaction."""
        now = utcnow()
        count = 0
        with self._write() as cur:
            for rec in records:
                cur.execute(
                    f"INSERT INTO articles ({_ARTICLE_COLS}) VALUES (?,?,?,?,?,?,?,?,?) "
                    "ON CONFLICT(canonical_url) DO UPDATE SET site=excluded.site, "
                    "content_hash=excluded.content_hash, version=excluded.version, "
                    "lastmod=excluded.lastmod, story_id=excluded.story_id, "
                    "last_seen=excluded.last_seen, crc=excluded.crc",
                    (rec.canonical_url, rec.site, rec.content_hash, rec.version, rec.lastmod,
                     rec.story_id, rec.first_seen or now, rec.last_seen or now, rec.checksum()))
                aliases = {k for a in rec.aliases for k in _keys(a)} - {rec.canonical_url}
                cur.executemany("INSERT OR REPLACE INTO url_aliases VALUES (?, ?)",
                                [(a, rec.canonical_url) for a in sorted(aliases)])
                if rec.signature is not None:
                    _put_signature(cur, rec.canonical_url, rec.signature)
                count += 1
        return count

    def rebuild_from_feeds(self, paths: Iterable[Path], batch: int = 5000) -> int:
        """Refill the store from finished JSONL feeds (after a quarantine); returns articles."""
        merged = merge_records(iter_feed_records(paths, with_signatures=True))
        records = list(merged.values())
        for start in range(0, len(records), batch):
            self.commit_articles(records[start : start + batch])
        logger.info("state rebuilt from feeds: %d articles", len(records))
        return len(records)

    # -- discovery documents -----------------------------------------------------
    def lastmod(self, url: str) -> str | None:
        """Last recorded ``lastmod`` of a sitemap entry, else of the article it names."""
        for key in _keys(url):
            row = self._one("SELECT lastmod FROM sitemap_lastmod WHERE url = ?", (key,))
            if row is not None:
                return row[0]
        record = self.known_url(url)
        return record.lastmod if record else None

    def set_lastmods(self, lastmods: dict[str, str]) -> None:
        """Record sitemap ``lastmod`` values; call once their articles are committed."""
        with self._write() as cur:
            cur.executemany("INSERT OR REPLACE INTO sitemap_lastmod VALUES (?, ?)",
                            list(lastmods.items()))

    def validators(self, url: str) -> Validators | None:
        row = self._one("SELECT etag, last_modified FROM http_validators WHERE url = ?", (url,))
        return None if row is None else Validators(row[0], row[1])

    def set_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Remember a discovery document's validators; commit after its items are durable."""
        with self._write() as cur:
            cur.execute("INSERT OR REPLACE INTO http_validators VALUES (?, ?, ?, ?)",
                        (url, etag, last_modified, utcnow()))

    def page_verdict(self, url: str) -> PageVerdict | None:
        """What an earlier run judged this non-article page (see :class:`PageVerdict`)."""
        row = self._one("SELECT url, site, verdict, reason, lastmod, checked FROM page_verdicts "
                        "WHERE url = ?", (url,))
        return None if row is None else PageVerdict(*row)

    def set_page_verdicts(self, verdicts: Iterable[PageVerdict]) -> None:
        with self._write() as cur:
            cur.executemany("INSERT OR REPLACE INTO page_verdicts VALUES (?, ?, ?, ?, ?, ?)",
                            [(v.url, v.site, v.verdict, v.reason, v.lastmod, v.checked)
                             for v in verdicts])

    # -- near-duplicate index ----------------------------------------------------
    def neardup_signatures(self) -> Iterator[tuple[str, Signature]]:
        rows = self._conn.execute("SELECT key, size, hashvalues FROM neardup").fetchall()
        for key, size, blob in rows:
            yield key, Signature.from_bytes(blob, size)

    def add_signatures(self, items: Iterable[tuple[str, Signature]]) -> None:
        with self._write() as cur:
            for key, sig in items:
                _put_signature(cur, key, sig)

    def load_neardup_index(self) -> NearDuplicateIndex:
        """An in-memory index holding every persisted signature."""
        index = NearDuplicateIndex()
        for key, sig in self.neardup_signatures():
            index.add_signature(key, sig)
        return index

    # -- runs and health -----------------------------------------------------------
    def begin_run(self) -> int:
        with self._write() as cur:
            cur.execute("INSERT INTO runs (started, status) VALUES (?, 'running')", (utcnow(),))
            return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, status: str) -> None:
        with self._write() as cur:
            cur.execute("UPDATE runs SET finished = ?, status = ? WHERE id = ?",
                        (utcnow(), status, run_id))

    def record_health(self, site: str, coverage: dict[str, float],
                      run_id: int | None = None) -> None:
        with self._write() as cur:
            cur.execute("INSERT INTO site_health (site, run_id, coverage, ts) VALUES (?,?,?,?)",
                        (site, run_id, json.dumps(coverage, sort_keys=True), utcnow()))

    def health_history(self, site: str, n: int = 10) -> list[HealthRecord]:
        """The site's last ``n`` coverage records, newest first."""
        rows = self._conn.execute(
            "SELECT run_id, ts, coverage FROM site_health WHERE site = ? ORDER BY id DESC "
            "LIMIT ?", (site, n)).fetchall()
        return [HealthRecord(site, r[0], r[1], json.loads(r[2])) for r in rows]

    def record_run(self, started: str | None, finished: str | None, exit_code: int,
                   summary: dict[str, Any]) -> int:
        """A finished run, with its summary, for ``scrapy state runs`` and the report."""
        with self._write() as cur:
            cur.execute("INSERT INTO runs (started, finished, status) VALUES (?, ?, ?)",
                        (started or utcnow(), finished or utcnow(), f"exit {exit_code}"))
            run_id = int(cur.lastrowid or 0)
            cur.execute("INSERT INTO run_summaries VALUES (?, ?)",
                        (run_id, json.dumps(summary, sort_keys=True, default=str)))
            return run_id

    def runs(self, n: int = 20) -> list[tuple[int, str, str | None, str, dict[str, Any]]]:
        """The last ``n`` runs, newest first: (id, started, finished, status, summary)."""
        rows = self._conn.execute(
            "SELECT r.id, r.started, r.finished, r.status, s.summary FROM runs r "
            "LEFT JOIN run_summaries s ON s.run_id = r.id ORDER BY r.id DESC LIMIT ?",
            (n,)).fetchall()
        return [(r[0], r[1], r[2], r[3], json.loads(r[4]) if r[4] else {}) for r in rows]

    def counts_for_site(self, site: str) -> int:
        return int(self._conn.execute("SELECT count(*) FROM articles WHERE site = ?",
                                      (site,)).fetchone()[0])

    def forget(self, *, site: str | None = None, url: str | None = None) -> int:
        """Forget one site's or one URL's articles (and their aliases, signatures,
        validators), so the next run crawls them again; returns articles forgotten."""
        from newscrawl.dedup.forget import forget_rows

        with self._write() as cur:
            return forget_rows(cur, site=site, urls=_keys(url) if url else None)

    # -- maintenance -------------------------------------------------------------
    def reset(self) -> None:
        """Forget articles and discovery state (a fresh run); run history is kept."""
        with self._write() as cur:
            for table in ("articles", "url_aliases", "http_validators", "sitemap_lastmod",
                          "neardup", "page_verdicts"):
                cur.execute(f"DELETE FROM {table}")

    def counts(self) -> dict[str, int]:
        tables = ("articles", "url_aliases", "http_validators", "sitemap_lastmod", "neardup",
                  "page_verdicts", "site_health", "runs")
        return {t: self._conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in tables}

    # -- internals -------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[sqlite3.Cursor]:
        """One IMMEDIATE transaction that also bumps the generation; sidecar after commit."""
        cur = self._conn.cursor()
        try:
            cur.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise database_error(self.path, exc) from exc
        try:
            yield cur
            cur.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
            generation = int(cur.execute(
                "SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])
            cur.execute("COMMIT")
        except BaseException as exc:
            if self._conn.in_transaction:
                cur.execute("ROLLBACK")
            if isinstance(exc, sqlite3.DatabaseError):
                raise database_error(self.path, exc) from exc
            raise
        try:
            write_generation(self.directory / GEN_NAME, generation)
        except OSError as exc:
            raise StateUnavailable(self.directory / GEN_NAME, exc.strerror or str(exc)) from exc

    def _one(self, sql: str, args: tuple[object, ...]) -> tuple | None:
        try:
            return self._conn.execute(sql, args).fetchone()
        except sqlite3.DatabaseError as exc:
            raise database_error(self.path, exc) from exc

    def _record(self, row: tuple) -> ArticleRecord:
        rec = ArticleRecord(*row[:8])
        if rec.checksum() != row[8]:
            raise CorruptState(self.path, f"row checksum mismatch for {row[0]!r}")
        return rec


# SQLite result codes that say "this file is damaged"; every other error (READONLY, PERM,
# CANTOPEN, BUSY, LOCKED, IOERR, FULL, AUTH...) is about using it now, not about its content.
CORRUPTION_CODES = frozenset({11, 26})  # SQLITE_CORRUPT, SQLITE_NOTADB


def database_error(path: Path, exc: sqlite3.DatabaseError) -> CorruptState | StateUnavailable:
    """Classify an sqlite3 error: only corruption may lead to quarantine and rebuild."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:  # raised by our own checks (quick_check, schema version)
        return CorruptState(path, f"sqlite: {exc}")
    if code & 0xFF in CORRUPTION_CODES:
        return CorruptState(path, f"sqlite: {exc}")
    return StateUnavailable(path, f"{getattr(exc, 'sqlite_errorname', code)}: {exc}")


def _check_writable(directory: Path, path: Path) -> None:
    """A healthy database we cannot write must stop the run, not be "repaired"."""
    for target in (directory, path) if path.exists() else (directory,):
        if not os.access(target, os.W_OK):
            raise PermissionError(13, "permission denied (not writable)", str(target))


def _keys(url: str) -> list[str]:
    canonical = canonicalize_url(url)
    return [url] if canonical == url else [url, canonical]


def _put_signature(cur: sqlite3.Cursor, key: str, sig: Signature) -> None:
    cur.execute("INSERT OR REPLACE INTO neardup VALUES (?, ?, ?)", (key, sig.size, sig.to_bytes()))


def _prepare(conn: sqlite3.Connection) -> int:
    """Pragmas, a quick structural check, the schema; returns the stored generation."""
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    check = conn.execute("PRAGMA quick_check").fetchall()
    if check != [("ok",)]:
        raise sqlite3.DatabaseError(f"quick_check: {check[:3]}")
    conn.executescript(SCHEMA)
    version = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    if version is None or int(version[0]) != SCHEMA_VERSION:
        raise sqlite3.DatabaseError(f"unexpected schema version {version}")
    return int(conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])
