"""A fault-injecting HTTP server on 127.0.0.1 for end-to-end robustness tests.

Each *role* is one listening port (robots.txt is per origin, so a site whose
robots.txt fails needs its own port); routes are registered per role and each
returns a ``Reply`` that may inject one fault: a status, lying headers, a delay,
a slow drip, a dropped connection, a streamed decompression bomb. Every request
is logged with its arrival time (``time.monotonic()``, a system-wide clock), so
tests can prove that nothing reached a disallowed path, a host whose robots.txt
failed, or a site inside its Retry-After window.

``OutcomeRecorder`` is a test-only spider middleware that writes what became of
every page (item, drop, or the ``newscrawl/pages/*`` verdict stat) to a file.
"""

from __future__ import annotations

import json
import logging
import socket
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

logger = logging.getLogger(__name__)

GIB = 1024**3
_CHUNK = 64 * 1024


@dataclass
class Reply:
    """One HTTP answer. ``body`` may be bytes, a file to stream, or a chunk iterator."""

    status: int = 200
    body: bytes | Path | Callable[[], Iterator[bytes]] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line
    drip: float = 0.0  # seconds between body chunks
    hang_up: bool = False  # close the connection without answering
    content_length: bool = True  # False: close-delimited body, size unknown to the client

    def send(self, handler: BaseHTTPRequestHandler) -> None:
        if self.delay:
            time.sleep(self.delay)
        handler.close_connection = True
        if self.hang_up:
            handler.connection.shutdown(socket.SHUT_RDWR)
            return
        handler.send_response(self.status)
        size = self._size()
        for name, value in self.headers.items():
            handler.send_header(name, value)
        if size is not None and self.content_length:
            handler.send_header("Content-Length", str(size))
        handler.send_header("Connection", "close")
        handler.end_headers()
        if handler.command == "HEAD":
            return
        for chunk in self._chunks():
            handler.wfile.write(chunk)
            if self.drip:
                handler.wfile.flush()
                time.sleep(self.drip)

    def _size(self) -> int | None:
        if isinstance(self.body, bytes):
            return len(self.body)
        if isinstance(self.body, Path):
            return self.body.stat().st_size
        return None

    def _chunks(self) -> Iterator[bytes]:
        if isinstance(self.body, bytes):
            step = 16 if self.drip else len(self.body) or 1
            yield from (self.body[i:i + step] for i in range(0, len(self.body), step))
        elif isinstance(self.body, Path):
            with self.body.open("rb") as fh:
                while chunk := fh.read(_CHUNK):
                    yield chunk
        else:
            yield from self.body()


def zeros(total: int) -> Callable[[], Iterator[bytes]]:
    """A body of *total* zero bytes produced on the fly (nothing held in memory)."""
    def gen() -> Iterator[bytes]:
        block = b"\0" * _CHUNK
        for _ in range(total // _CHUNK):
            yield block
    return gen


_BOMB_LOCK = threading.Lock()


def bomb_file(encoding: str, size: int = GIB) -> Path:
    """A cached file holding *size* zero bytes compressed with *encoding*.

    Built once per machine in the temp dir (gzip of 1 GiB takes a few seconds);
    deflate reuses the gzip stream's raw deflate payload.
    """
    folder = Path(tempfile.gettempdir()) / "newscrawl-faultserver"
    folder.mkdir(exist_ok=True)
    path = folder / f"zeros-{size}.{encoding}"
    with _BOMB_LOCK:
        if not path.exists():
            tmp = path.with_suffix(".part")
            if encoding == "deflate":
                tmp.write_bytes(bomb_file_unlocked_gzip(folder, size).read_bytes()[10:-8])
            else:
                _compress_zeros(tmp, encoding, size)
            tmp.rename(path)
    return path


def bomb_file_unlocked_gzip(folder: Path, size: int) -> Path:
    path = folder / f"zeros-{size}.gzip"
    if not path.exists():
        tmp = path.with_suffix(".part")
        _compress_zeros(tmp, "gzip", size)
        tmp.rename(path)
    return path


def _compress_zeros(path: Path, encoding: str, size: int) -> None:
    block = b"\0" * (1 << 20)
    if encoding == "gzip":
        comp: Any = zlib.compressobj(9, zlib.DEFLATED, 31)
        step, finish = comp.compress, comp.flush
    elif encoding == "br":
        import brotli
        comp = brotli.Compressor(quality=5)
        step, finish = comp.process, comp.finish
    elif encoding == "zstd":
        import zstandard
        comp = zstandard.ZstdCompressor(level=3).compressobj()
        step, finish = comp.compress, comp.flush
    else:
        raise ValueError(encoding)
    with path.open("wb") as out:
        for _ in range(size // len(block)):
            out.write(step(block))
        out.write(finish())


@dataclass(frozen=True)
class Hit:
    role: str
    method: str
    path: str
    at: float  # time.monotonic()
    wall: float  # time.time(), for HTTP-date comparisons
    headers: dict[str, str]


Route = Callable[["FaultServer", str], Reply]  # (server, full path with query) -> reply


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _RoleServer

    def do_GET(self) -> None:
        fault = self.server.fault
        fault.record(Hit(self.server.role, self.command, self.path, time.monotonic(),
                         time.time(), {k.lower(): v for k, v in self.headers.items()}))
        try:
            fault.route(self.server.role, self.path).send(self)
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True

    do_HEAD = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.server.role, *args)


class _RoleServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, fault: FaultServer, role: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fault, self.role = fault, role


class FaultServer:
    """``with FaultServer(roles) as fs:``; ``fs.add(role, path, route)``; ``fs.base(role)``."""

    def __init__(self, roles: Iterable[str]) -> None:
        self._servers = {role: _RoleServer(self, role) for role in roles}
        self._lock = threading.Lock()
        self._routes: dict[tuple[str, str], Route] = {}
        self._counters: dict[str, int] = {}
        self.hits: list[Hit] = []
        self.notes: dict[str, float] = {}  # free-form facts routes record for the tests

    def __enter__(self) -> Self:
        for srv in self._servers.values():
            threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1},
                             daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        for srv in self._servers.values():
            srv.shutdown()
            srv.server_close()

    @property
    def roles(self) -> list[str]:
        return list(self._servers)

    def port(self, role: str) -> int:
        return self._servers[role].server_address[1]

    def base(self, role: str) -> str:
        return f"http://127.0.0.1:{self.port(role)}"

    @property
    def bases(self) -> dict[str, str | int]:
        """``{role: base URL, role_port: port}``, for ``str.format`` in route templates."""
        found: dict[str, str | int] = {}
        for role in self._servers:
            found[role], found[f"{role}_port"] = self.base(role), self.port(role)
        return found

    def add(self, role: str, path: str, route: Route) -> None:
        """Serve *route* at *path* (query ignored) on *role*'s port."""
        if (role, path) in self._routes:
            raise ValueError(f"duplicate route {role} {path}")
        self._routes[(role, path)] = route

    def route(self, role: str, path: str) -> Reply:
        """The exact route for *path*, else the longest ``prefix*`` route, else a 404."""
        bare = path.split("?")[0]
        found = self._routes.get((role, bare))
        if found is None:
            prefixes = [p for (r, p) in self._routes if r == role and p.endswith("*")
                        and bare.startswith(p[:-1])]
            if prefixes:
                found = self._routes[(role, max(prefixes, key=len))]
        if found is None:
            return Reply(404, b"<html><head><title>Not found</title></head></html>",
                         {"Content-Type": "text/html"})
        return found(self, path)

    def record(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)

    def count(self, key: str) -> int:
        """Increment and return a counter (stateful faults: fail first, then work)."""
        with self._lock:
            self._counters[key] = self._counters.get(key, 0) + 1
            return self._counters[key]

    def hits_for(self, role: str, path_prefix: str = "/") -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.role == role and h.path.startswith(path_prefix)]

    def registry_yaml(self, roles: Iterable[str]) -> str:
        """A registry with one site per role; delays come from robots.txt or the command line."""
        lines = ["sites:"]
        for role in roles:
            lines += [f"  - name: {role}", f"    url: {self.base(role)}/", "    download_delay: 0"]
        return "\n".join(lines) + "\n"


class OutcomeRecorder:
    """Spider middleware (tests only): one JSON line per page verdict, item, drop.

    Enable with ``-s SPIDER_MIDDLEWARES='{"faultserver.OutcomeRecorder": 1000}'`` and
    ``-s FAULT_RECORD_FILE=path`` (tests/ on PYTHONPATH). The verdict stat a page
    callback bumps is read as a stats delta around the callback's first step,
    which runs synchronously, so it belongs to that page alone.
    """

    def __init__(self, crawler: Any, path: Path) -> None:
        self.crawler = crawler
        self._file = path.open("a", encoding="utf-8")

    @classmethod
    def from_crawler(cls, crawler: Any) -> OutcomeRecorder:
        from scrapy import signals
        rec = cls(crawler, Path(crawler.settings["FAULT_RECORD_FILE"]))
        crawler.signals.connect(rec.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(rec.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(rec.spider_closed, signal=signals.spider_closed)
        return rec

    def _write(self, **record: Any) -> None:
        self._file.write(json.dumps(record, default=str, ensure_ascii=False) + "\n")
        self._file.flush()

    @staticmethod
    def _sources(response: Any) -> list[str]:
        return [*response.meta.get("redirect_urls", []), response.url]

    def item_scraped(self, item: Any, response: Any) -> None:
        self._write(event="item", sources=self._sources(response), url=item.url,
                    title=item.title, body=item.body)

    def item_dropped(self, item: Any, response: Any, exception: BaseException) -> None:
        self._write(event="drop", sources=self._sources(response),
                    reason=type(exception).__name__, message=str(exception))

    def spider_closed(self, spider: Any, reason: str) -> None:
        self._write(event="closed", reason=reason, stats=self.crawler.stats.get_stats())
        self._file.close()

    def _verdicts(self) -> dict[str, int]:
        stats = self.crawler.stats.get_stats()
        return {k: v for k, v in stats.items() if k.startswith("newscrawl/pages/")}

    async def process_spider_output(self, response: Any, result: Any) -> Any:
        if response.meta.get("newscrawl_kind") != "page":
            async for element in result:
                yield element
            return
        before, delta, items = self._verdicts(), None, 0
        async for element in result:
            if delta is None:
                delta = self._delta(before)
            items += not hasattr(element, "callback")  # Requests have callbacks; items do not
            yield element
        self._write(event="page", sources=self._sources(response), status=response.status,
                    verdicts=self._delta(before) if delta is None else delta, items=items)

    def _delta(self, before: dict[str, int]) -> list[str]:
        return sorted(k for k, v in self._verdicts().items() if v != before.get(k))
