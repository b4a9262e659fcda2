"""DemoNetwork: all demo sites on 127.0.0.1, one port each, with their ground truth.

Tests start it in a fixture (background threads) and crawl it from a
subprocess; ``python -m newscrawl.demo`` runs the same thing for ``make demo``.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
from pathlib import Path
from types import TracebackType
from typing import Self

import yaml

from newscrawl.demo.base import DemoSite
from newscrawl.demo.coastal import CoastalSite
from newscrawl.demo.courier import CourierSite
from newscrawl.demo.herald import HeraldSite
from newscrawl.demo.large import LargeSite
from newscrawl.demo.server import DemoHTTPServer, RequestRecord, ServerThread
from newscrawl.demo.wordpress import LedgerSite

logger = logging.getLogger(__name__)

SITE_CLASSES: tuple[tuple[str, type[DemoSite]], ...] = (
    ("lahore-ledger", LedgerSite),
    ("yangtze-herald", HeraldSite),
    ("indus-courier", CourierSite),
    ("coastal-times", CoastalSite),
)
LARGE_NAME = "valley-gazette"


def check_loopback(host: str) -> None:
    """The demo must never listen beyond this machine."""
    if host == "localhost":
        return
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"demo network binds loopback only, not {host!r}")


class DemoNetwork:
    """Start/stop the demo sites; expose truth, request log and edits for tests."""

    def __init__(self, base_port: int = 0, large: int = 0, host: str = "127.0.0.1") -> None:
        check_loopback(host)
        self.host, self.base_port, self.large = host, base_port, large
        self.sites: list[DemoSite] = []
        self._threads: list[ServerThread] = []
        self._log: list[RequestRecord] = []
        self._log_lock = threading.Lock()

    # ---- lifecycle ------------------------------------------------------
    def start(self) -> Self:
        if self._threads:
            return self
        self.sites = []
        specs: list[tuple[str, type[DemoSite] | None]] = list(SITE_CLASSES)
        if self.large:
            specs.append((LARGE_NAME, None))
        try:
            for i, (name, cls) in enumerate(specs):
                port = self.base_port + i if self.base_port else 0
                server = DemoHTTPServer(self.host, port, self._record)
                url = f"http://{self.host}:{server.server_address[1]}/"
                site = LargeSite(name, url, self.large) if cls is None else cls(name, url)
                site.build()
                server.site = site
                thread = ServerThread(server)
                thread.start()
                self.sites.append(site)
                self._threads.append(thread)
                logger.info("demo site %-16s %s", name, url)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for thread in self._threads:
            thread.stop()
        self._threads.clear()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # ---- lookups --------------------------------------------------------
    def site(self, name: str) -> DemoSite:
        for site in self.sites:
            if site.name == name:
                return site
        raise KeyError(name)

    def write_registry(self, path: str | Path) -> Path:
        """Write atomically: a script polling for the file never reads half of it."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"sites": [s.registry_entry() for s in self.sites]}
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text("# Written by newscrawl.demo: the offline demo network.\n"
                       + yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                       encoding="utf-8")
        tmp.replace(path)
        return path

    def truth(self) -> list[dict]:
        return [t for s in self.sites for t in s.truth()]

    def non_article_urls(self) -> list[str]:
        return [u for s in self.sites for u in s.non_article_urls()]

    def hidden_urls(self) -> list[str]:
        """URLs robots.txt disallows: a polite crawl never requests them."""
        return [u for s in self.sites for u in s.hidden_urls()]

    def url_variants(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for s in self.sites:
            out.update(s.url_variants())
        return out

    def edit_article(self, site: str | DemoSite, url: str) -> dict:
        target = site if isinstance(site, DemoSite) else self.site(site)
        return target.edit_article(url)

    # ---- request log ----------------------------------------------------
    def _record(self, record: RequestRecord) -> None:
        with self._log_lock:
            self._log.append(record)

    @property
    def requests(self) -> list[RequestRecord]:
        with self._log_lock:
            return list(self._log)

    def reset_log(self) -> None:
        with self._log_lock:
            self._log.clear()
