"""``-s NEWSCRAWL_WARC=1``: every fetched response, with its request, into a WARC archive.

Sits next to the downloader (slot 950) so it sees responses before any middleware
changes them: the body is archived as received — still gzip/br/zstd-encoded when
the server encoded it, with its ``Content-Encoding`` kept, so the stored payload and
its headers agree and the payload digest is the server's entity body. The download
handler has already removed chunked transfer coding, so ``Transfer-Encoding`` is
stored as ``X-Crawler-Transfer-Encoding`` (as Common Crawl does) and
``Content-Length`` is set to the stored length. Redirects, 304s, 404s, sitemaps,
feeds and listings are all archived; robots.txt too unless NEWSCRAWL_WARC_ROBOTS is off.
The archive is named after the run's feed (``<output>/warc/<feed stamp>.warc.gz``).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured

from newscrawl import __version__
from newscrawl.export.files import fresh_stamp
from newscrawl.export.signals import feed_running
from newscrawl.export.warc import Exchange, WarcArchive, recover_partial_archives
from newscrawl.request_meta import REPLAY_META

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

ARCHIVE_DIR = "warc"
FRAMING_HEADERS = (b"Transfer-Encoding",)  # undone by the download handler: renamed
INFO_SETTINGS = ("USER_AGENT", "ROBOTSTXT_OBEY", "DOWNLOAD_MAXSIZE", "DEPTH_LIMIT",
                 "NEWSCRAWL_WARC_MAX_BYTES", "NEWSCRAWL_WARC_ROBOTS", "NEWSCRAWL_MAX_PAGES_PER_SITE")
STAT_ARCHIVED = "newscrawl/warc/archived"


class WarcArchiveMiddleware:
    """Writes the archive; switched off (NotConfigured) without NEWSCRAWL_WARC or in a replay."""

    def __init__(self, crawler: Crawler, folder: Path, max_bytes: int, robots: bool,
                 info: dict[str, str]) -> None:
        self.crawler, self.stats = crawler, crawler.stats
        self.folder, self.max_bytes, self.robots, self.info = folder, max_bytes, robots, info
        self.archive: WarcArchive | None = None
        self.failed = False
        self.feed_stamp: str | None = None  # from the default feed's feed_running signal

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_WARC") or settings.getbool("NEWSCRAWL_REPLAY"):
            raise NotConfigured
        max_bytes = settings.getint("NEWSCRAWL_WARC_MAX_BYTES")
        if max_bytes < 0:
            raise ValueError(f"NEWSCRAWL_WARC_MAX_BYTES must be >= 0, got {max_bytes}")
        info = {"software": f"newscrawl/{__version__}", "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
                              "warc-format/warc-1.1/",
                "payload": "as received (content coding kept, transfer coding removed)"}
        info.update({name: str(settings.get(name)) for name in INFO_SETTINGS})
        folder = Path(settings.get("NEWSCRAWL_OUTPUT_DIR") or "output") / ARCHIVE_DIR
        mw = cls(crawler, folder, max_bytes, settings.getbool("NEWSCRAWL_WARC_ROBOTS"), info)
        crawler.signals.connect(mw.spider_opened, signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signals.spider_closed)
        crawler.signals.connect(mw.feed_running, feed_running)
        return mw

    def feed_running(self, path: Path | None) -> None:
        """The default feed announces its hidden file ``.<stamp>.jsonl.part``: share its stamp."""
        if path is not None:
            self.feed_stamp = path.name.lstrip(".").split(".jsonl", 1)[0]

    def spider_opened(self, spider: Any) -> None:
        """Complete (or discard) what killed runs left before this run writes its own."""
        if self.folder.exists():
            recovered = recover_partial_archives(self.folder)
            if recovered:
                self.stats.set_value("newscrawl/warc/recovered", len(recovered))

    def process_response(self, request: Request, response: Response) -> Response:
        if self.failed or request.meta.get(REPLAY_META) is not None:
            return response
        if not self.robots and urlsplit(request.url).path == "/robots.txt":
            return response
        try:
            self._archive().write(exchange_of(request, response))
        except OSError as exc:  # disk full: the crawl and its feed go on, unarchived
            self.failed = True
            self.stats.set_value("newscrawl/warc/failed", f"{type(exc).__name__}: {exc}")
            logger.error("cannot write the WARC archive: %s; archiving stops", exc)
            if self.archive is not None:
                self.archive.abandon()
            return response
        self.stats.inc_value(STAT_ARCHIVED)
        return response

    def _archive(self) -> WarcArchive:
        """Opened at the first response, when the feed writer has chosen the run's stamp."""
        if self.archive is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            stamp = self.feed_stamp or fresh_stamp(self.folder)  # -o/-O: no default feed
            self.archive = WarcArchive(self.folder, stamp, self.max_bytes, self.info)
        return self.archive

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.archive is None or self.failed:
            return
        try:
            files = self.archive.close()
        except OSError as exc:
            self.stats.set_value("newscrawl/warc/failed", f"{type(exc).__name__}: {exc}")
            logger.error("cannot finish the WARC archive: %s", exc)
            return
        self.stats.set_value("newscrawl/warc/files", len(files))
        for path in files:
            logger.info("archived to %s", path)


def exchange_of(request: Request, response: Response) -> Exchange:
    """The request and response as the WARC stores them (see the module docstring)."""
    netloc = urlsplit(request.url).netloc
    request_headers = [("Host", netloc), *_header_list(request.headers)]
    response_headers = []
    for name, value in _header_list(response.headers):
        if name.encode("latin-1").title() in FRAMING_HEADERS:
            name = f"X-Crawler-{name}"
        elif name.lower() == "content-length":
            continue
        response_headers.append((name, value))
    response_headers.append(("Content-Length", str(len(response.body))))
    status = response.status
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:  # a status code outside the standard's list
        reason = ""
    ip = getattr(response, "ip_address", None)
    return Exchange(
        url=request.url, method=request.method, request_headers=request_headers,
        protocol=getattr(response, "protocol", None) or "HTTP/1.1", status=status, reason=reason,
        response_headers=response_headers, body=response.body,
        date=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        ip=str(ip) if ip is not None else None)


def _header_list(headers: Any) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1"))
            for name, values in headers.items() for value in values]
