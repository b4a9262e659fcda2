"""The HTTP side of the demo network: one threaded stdlib server per site.

Pages are pre-rendered ``Resource`` objects (or rendered lazily by the large
site), so a request costs a dict lookup and a socket write; conditional GETs
(ETag / If-Modified-Since) are answered here once for every kind of page.
Every request is logged so tests can assert what a crawl fetched.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable

logger = logging.getLogger(__name__)

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Resource:
    """One response, ready to send. ``modified`` drives Last-Modified; the ETag hashes the body."""

    body: bytes
    content_type: str = HTML
    status: int = 200
    modified: datetime | None = None
    location: str | None = None
    etag: str = field(default="", compare=False)

    @classmethod
    def page(cls, text: str, content_type: str = HTML, modified: datetime | None = None,
             status: int = 200) -> Resource:
        body = text.encode("utf-8")
        etag = '"' + hashlib.blake2b(body, digest_size=10).hexdigest() + '"'
        return cls(body, content_type, status, modified, None, etag)

    @classmethod
    def redirect(cls, location: str, status: int = 301) -> Resource:
        return cls(b"", HTML, status, None, location)


NOT_FOUND = Resource(b"<!DOCTYPE html><html><head><title>404 Not Found</title></head>"
                     b"<body><h1>Not Found</h1></body></html>", HTML, 404)


@dataclass(frozen=True)
class RequestRecord:
    """What the server saw: tests assert on these (e.g. 'no article refetched')."""

    site: str
    method: str
    path: str
    headers: dict[str, str]
    status: int


class Resolver(Protocol):
    name: str

    def resolve(self, path: str, query: str) -> Resource: ...


def is_not_modified(resource: Resource, headers: dict[str, str]) -> bool:
    """RFC 9110 order: If-None-Match wins; If-Modified-Since only when it is absent."""
    if resource.status != 200:
        return False
    inm = headers.get("if-none-match")
    if inm is not None:
        if not resource.etag:
            return False
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or resource.etag in tags
    ims = headers.get("if-modified-since")
    if ims and resource.modified is not None:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return resource.modified.replace(microsecond=0) <= since
    return False


class DemoHandler(BaseHTTPRequestHandler):
    """Keep-alive HTTP/1.1 handler serving whatever the server's site resolves."""

    protocol_version = "HTTP/1.1"
    server_version = "NewscrawlDemo/1.0"
    timeout = 30  # idle keep-alive connections must not pin threads forever
    disable_nagle_algorithm = True  # headers and body go out as separate writes: no 40 ms stalls

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, head: bool) -> None:
        server: DemoHTTPServer = self.server  # type: ignore[assignment]
        path, _, query = self.path.partition("?")
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            resource = server.site.resolve(path, query)
        except Exception:  # a demo bug must show up as a 500, not a dead connection
            logger.exception("demo site %s failed on %s", server.site.name, self.path)
            resource = Resource(b"internal error", TEXT, 500)
        status = 304 if is_not_modified(resource, headers) else resource.status
        server.record(RequestRecord(server.site.name, self.command, self.path, headers, status))
        self.send_response(status)
        self.send_header("Content-Type", resource.content_type)
        if resource.etag:
            self.send_header("ETag", resource.etag)
        if resource.modified is not None:
            self.send_header("Last-Modified", format_datetime(
                resource.modified.astimezone(UTC), usegmt=True))
        if resource.location:
            self.send_header("Location", resource.location)
        body = b"" if status == 304 else resource.body
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and not head:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s %s", self.address_string(), format % args)


class DemoHTTPServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer that knows its site and reports each request."""

    daemon_threads = True
    block_on_close = False  # stop() must not wait for idle keep-alive clients
    request_queue_size = 128

    def __init__(self, host: str, port: int, record: Callable[[RequestRecord], None]) -> None:
        super().__init__((host, port), DemoHandler)  # binds now, so the port is known
        self.site: Resolver = _Unready()
        self.record = record


class _Unready:
    """Placeholder until the site (whose pages embed the bound port) is built."""

    name = "unready"

    def resolve(self, path: str, query: str) -> Resource:
        return Resource(b"starting", TEXT, 503)


class ServerThread:
    """Runs one DemoHTTPServer in a daemon thread; ``stop`` is idempotent."""

    def __init__(self, server: DemoHTTPServer) -> None:
        self.server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name=f"demo-{server.site.name}", daemon=True)
        self._stopped = False

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
