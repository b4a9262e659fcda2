"""SQLite schema of the state store (kept apart so state.py reads as behaviour)."""

from __future__ import annotations

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
"""
