"""WARC archives of what a crawl fetched: written atomically, rotated by size, recovered.

An archive is what lets a corpus be reproduced and re-extracted when extraction
improves, without fetching again. Like the feeds (:mod:`newscrawl.export.files`) an
archive is written under a hidden ``.part`` name and renamed only when complete;
every record is its own gzip member, so a killed run's ``.part`` is cut back to its
last complete member on the next start and renamed ``<name>-recovered.warc.gz``
(or removed when it holds no record beyond its warcinfo). This module is plain file work;
the Scrapy glue is :mod:`newscrawl.middlewares.archive`.
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import IO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newscrawl.export.files import PART_SUFFIX, RECOVERED, fsync_dir, try_lock

logger = logging.getLogger(__name__)

SUFFIX = ".warc.gz"
WARC_VERSION = "WARC/1.1"
SCAN_CHUNK = 1 << 16  # bytes read at a time while looking for the last complete member
Headers = list[tuple[str, str]]


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and the response it got, as plain values (no Scrapy objects)."""

    url: str
    method: str
    request_headers: Headers
    protocol: str  # "HTTP/1.1"
    status: int
    reason: str
    response_headers: Headers
    body: bytes  # the payload as stored (see the middleware for which bytes)
    date: str  # WARC-Date: ISO 8601 UTC with microseconds
    ip: str | None = None


class WarcArchive:
    """This run's archive files: ``<stamp>.warc.gz``, then ``<stamp>.2.warc.gz`` … past the cap.

    A file is renamed to its finished name when it reaches ``max_bytes`` (the next
    record goes to a new file with its own warcinfo) and at :meth:`close`.
    """

    def __init__(self, folder: Path, stamp: str, max_bytes: int, info: dict[str, str]) -> None:
        self.folder, self.stamp, self.max_bytes, self.info = folder, stamp, max_bytes, info
        self.index = 0
        self.fh: IO[bytes] | None = None
        self.writer: WARCWriter | None = None
        self.finished: list[Path] = []
        self.records = 0

    def _name(self) -> str:
        return f"{self.stamp}{SUFFIX}" if self.index <= 1 else f"{self.stamp}.{self.index}{SUFFIX}"

    @property
    def part(self) -> Path:
        return self.folder / f".{self._name()}{PART_SUFFIX}"

    def _open(self) -> WARCWriter:
        self.index += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        self.fh = open(self.part, "wb")  # noqa: SIM115 (open until rotated or closed)
        try_lock(self.fh.fileno())  # tells a recovery running beside us this file is live
        writer = WARCWriter(self.fh, gzip=True, warc_version=WARC_VERSION)
        writer.write_record(writer.create_warcinfo_record(self._name(), dict(self.info)))
        self.writer = writer
        return writer

    def write(self, exchange: Exchange) -> None:
        """Append the exchange's request and response records (one gzip member each)."""
        writer = self.writer or self._open()
        response = writer.create_warc_record(
            exchange.url, "response", payload=BytesIO(exchange.body), length=len(exchange.body),
            http_headers=StatusAndHeaders(f"{exchange.status} {exchange.reason}".strip(),
                                          exchange.response_headers, protocol=exchange.protocol),
            warc_headers_dict=_warc_headers(exchange))
        request = writer.create_warc_record(
            exchange.url, "request", payload=BytesIO(b""), length=0,
            http_headers=StatusAndHeaders(
                f"{exchange.method} {_request_target(exchange.url)} {exchange.protocol}",
                exchange.request_headers, is_http_request=True))  # splits off the method
        writer.write_request_response_pair(request, response)
        self.records += 1
        assert self.fh is not None
        if self.fh.tell() >= self.max_bytes > 0:
            self._finish()

    def _finish(self) -> None:
        """fsync, then rename the current file to its finished name."""
        if self.fh is None:
            return
        fh, part = self.fh, self.part
        self.fh = self.writer = None
        fh.flush()
        os.fsync(fh.fileno())
        fh.close()
        final = part.with_name(part.name[1:].removesuffix(PART_SUFFIX))
        os.replace(part, final)
        fsync_dir(self.folder)
        self.finished.append(final)

    def close(self) -> list[Path]:
        """Finish the open file (if any record was written); the finished files of the run."""
        self._finish()
        return self.finished

    def abandon(self) -> None:
        """A write failed: close without renaming; the next run recovers what is complete."""
        if self.fh is not None:
            try:
                self.fh.close()
            except OSError as exc:
                logger.debug("closing the failed archive: %s", exc)
            self.fh = self.writer = None


def _warc_headers(exchange: Exchange) -> dict[str, str]:
    headers = {"WARC-Date": exchange.date}
    if exchange.ip:
        headers["WARC-IP-Address"] = exchange.ip
    return headers


def _request_target(url: str) -> str:
    """The request line's target: path and query of the URL ("/" at least)."""
    rest = url.split("://", 1)[-1]
    slash = rest.find("/")
    target = rest[slash:] if slash >= 0 else "/"
    return target.split("#", 1)[0] or "/"


# -- recovery ------------------------------------------------------------------------------
def complete_members_end(path: Path) -> tuple[int, int]:
    """(offset after the last complete gzip member, number of complete members).

    Streams the file once in fixed chunks: constant memory whatever its size. A
    member counts only when its trailer (CRC and length) checked out.
    """
    end = members = 0
    offset = 0  # file offset where the current member starts
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    consumed = 0  # compressed bytes fed into the current member
    with open(path, "rb") as fh:
        while chunk := fh.read(SCAN_CHUNK):
            while chunk:
                try:
                    inflater.decompress(chunk, SCAN_CHUNK)
                    while inflater.unconsumed_tail:  # bounded output per call
                        inflater.decompress(inflater.unconsumed_tail, SCAN_CHUNK)
                except zlib.error:
                    return end, members  # a corrupt member: keep what came before it
                if not inflater.eof:
                    consumed += len(chunk)
                    break
                used = len(chunk) - len(inflater.unused_data)
                offset += consumed + used
                end, members, consumed = offset, members + 1, 0
                chunk = inflater.unused_data
                inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    return end, members


def recover_partial_archives(folder: Path) -> list[Path]:
    """Complete or discard each ``.part`` a killed run left; the archives recovered.

    Idempotent and safe to interrupt: the cut is a truncate of the hidden file,
    the promotion one rename. A ``.part`` still locked belongs to a live run.
    """
    recovered = []
    for part in sorted(folder.glob(f".*{SUFFIX}{PART_SUFFIX}")):
        with open(part, "r+b") as fh:
            if not try_lock(fh.fileno()):
                logger.info("%s is being written by a live run; not recovering it", part)
                continue
            end, members = complete_members_end(part)
            if members < 2:  # no record beyond the warcinfo
                logger.info("removing %s: an interrupted archive with no complete record", part)
                part.unlink()
                continue
            fh.truncate(end)
            fh.flush()
            os.fsync(fh.fileno())
        stem = part.name[1:].removesuffix(f"{SUFFIX}{PART_SUFFIX}")
        target = folder / f"{stem}{RECOVERED}{SUFFIX}"
        os.replace(part, target)
        logger.warning("recovered %d records of an interrupted run into %s", members, target)
        recovered.append(target)
    if recovered:
        fsync_dir(folder)
    return recovered


def finished_archives(folder: Path) -> Iterable[Path]:
    return sorted(folder.glob(f"*{SUFFIX}"))
