"""``-a warc=PATH[,PATH…]``: stored responses instead of fetched ones (replay and backfill).

The spider turns each usable ``response`` record into a request that carries the
stored response; :mod:`newscrawl.middlewares.replay` hands it back without a
download, so the article verdict, extraction, cleaning, dedup, state and export
are the live crawl's own. Records are read one at a time from a stream (warcio;
see README "Design"), so memory stays flat whatever the size of the files.
Every record not replayed is counted under ``newscrawl/warc/skipped/<reason>``.
"""

from __future__ import annotations

import glob
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import scrapy
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed

from newscrawl.middlewares.content import HTML_TYPES, VAGUE_TYPES, non_html_type
from newscrawl.request_meta import FETCHED_AT_META, KIND_META, REPLAY_META, SITE_META
from newscrawl.since import before, parse_instant
from newscrawl.sites import Site

logger = logging.getLogger(__name__)

DEFAULT_PORTS = (443, 80)
DROPPED_HEADERS = frozenset({"transfer-encoding", "content-length"})  # framing undone here


@dataclass(frozen=True)
class StoredResponse:
    """A response record's HTTP response, ready to be served again."""

    url: str
    site: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes  # the payload, transfer coding removed, content coding as stored
    date: str | None


def expand_paths(spec: str) -> list[Path]:
    """``PATH[,PATH…]`` with globs → the files, in order; an unmatched entry is an error."""
    paths: list[Path] = []
    for entry in (e.strip() for e in spec.split(",")):
        if not entry:
            continue
        matches = sorted(glob.glob(entry)) if glob.has_magic(entry) else [entry]
        files = [Path(m) for m in matches if Path(m).is_file()]
        if not files:
            raise ValueError(f"-a warc: no WARC file at {entry!r}")
        paths += files
    if not paths:
        raise ValueError("-a warc: give at least one .warc or .warc.gz file")
    return paths


class SiteMatcher:
    """Which registry site a URL belongs to: its host and port (http and https alike),
    or a host under one of the site's allowed domains.

    Dict look-ups only (one per label of the host), so millions of foreign records cost little.
    """

    def __init__(self, sites: list[Site]) -> None:
        self.by_origin: dict[str, str] = {}
        self.by_domain: dict[str, str] = {}
        for site in sites:
            for origin in _origins(site.url):
                self.by_origin.setdefault(origin, site.name)
            for domain in site.allowed_domains:
                self.by_domain.setdefault(domain.lower().strip("."), site.name)

    def site_of(self, url: str) -> str | None:
        origins = _origins(url)
        for origin in origins:
            if origin in self.by_origin:
                return self.by_origin[origin]
        labels = origins[0].rpartition(":")[0].split(".") if origins else []
        for i in range(len(labels) - 1):
            name = self.by_domain.get(".".join(labels[i:]))
            if name is not None:
                return name
        return None


def _origins(url: str) -> list[str]:
    """``host:port`` keys of a URL; a default port stands for both schemes' defaults."""
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").rstrip("."), parts.port
    except ValueError:
        return []
    if not host:
        return []
    if port is None or port in DEFAULT_PORTS:
        return [f"{host}:{p}" for p in DEFAULT_PORTS]
    return [f"{host}:{port}"]


class ArchiveReader:
    """Streams the usable response records of WARC files, counting what it skips."""

    def __init__(self, sites: list[Site], stats: Any, *, since: datetime | None,
                 max_bytes: int) -> None:
        self.matcher = SiteMatcher(sites)
        self.stats, self.since, self.max_bytes = stats, since, max_bytes

    def responses(self, paths: list[Path]) -> Iterator[StoredResponse]:
        for path in paths:
            with open(path, "rb") as fh:
                try:
                    yield from self._records(fh)
                except (ArchiveLoadFailed, ValueError, EOFError, OSError) as exc:
                    self.stats.inc_value("newscrawl/warc/errors/unreadable")
                    logger.error("stopped reading %s: %s", path, exc)

    def _records(self, fh: IO[bytes]) -> Iterator[StoredResponse]:
        for record in ArchiveIterator(fh):
            self.stats.inc_value(f"newscrawl/warc/records/{_token(record.rec_type)}")
            if record.rec_type == "revisit":
                self._skip("revisit")
            elif record.rec_type == "response":
                stored = self._stored(record)
                if isinstance(stored, str):
                    self._skip(stored)
                else:
                    yield stored

    def _stored(self, record: Any) -> StoredResponse | str:
        """The stored response, or the reason (a stat name) it is not replayed."""
        url = record.rec_headers.get_header("WARC-Target-URI") or ""
        site = self.matcher.site_of(url)
        if site is None:
            return "offsite"
        http = record.http_headers
        if http is None or not url.lower().startswith(("http://", "https://")):
            return "not_http"
        status = http.get_statuscode()
        if status != "200":
            return f"status_{status if len(status) == 3 and status.isdigit() else 'other'}"
        content_type = http.get_header("Content-Type") or ""
        if content_type.split(";")[0].strip().lower() not in HTML_TYPES | VAGUE_TYPES:
            return "non_html"
        date = record.rec_headers.get_header("WARC-Date")
        if self.since is not None and date and before(date, self.since):
            return "before_since"
        body = self._payload(record, http)
        if body is None:
            return "too_large"
        if not http.get_header("Content-Encoding") and non_html_type(content_type, body):
            return "non_html"  # an encoded body is sniffed once decoded, later
        headers = [(k, v) for k, v in http.headers if k.lower() not in DROPPED_HEADERS]
        return StoredResponse(url, site, 200, headers, body, date)

    def _payload(self, record: Any, http: Any) -> bytes | None:
        """At most ``max_bytes`` of the payload, chunked transfer coding undone."""
        stream = record.raw_stream
        if "chunked" in (http.get_header("Transfer-Encoding") or "").lower():
            stream = ChunkedDataReader(stream)
        body = stream.read(self.max_bytes + 1)
        return None if len(body) > self.max_bytes else body

    def _skip(self, reason: str) -> None:
        self.stats.inc_value(f"newscrawl/warc/skipped/{reason}")


def replay_request(stored: StoredResponse, callback: Any = None,
                   errback: Any = None) -> scrapy.Request:
    """A page request that the replay middleware answers with the stored response."""
    return scrapy.Request(stored.url, dont_filter=True, callback=callback, errback=errback,
                          meta={
        KIND_META: "page", SITE_META: stored.site, "download_slot": stored.site,
        REPLAY_META: stored, FETCHED_AT_META: _iso(stored.date)})


def _iso(warc_date: str | None) -> str | None:
    when = parse_instant(warc_date)
    return when.isoformat(timespec="seconds") if when is not None else None


def _token(value: str | None) -> str:
    """A record type fit for a stat name (bounded, no slashes)."""
    text = (value or "none")[:20].lower()
    return "".join(c if c.isalnum() else "_" for c in text)
