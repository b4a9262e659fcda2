"""Shared fixtures: the demo network and a helper that runs `scrapy crawl` like cron does."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "LOG_LEVEL=INFO"]


@dataclass
class CrawlResult:
    returncode: int
    stderr: str
    items: list[dict]
    feed: Path | None


def run_crawl(tmp: Path, *args: str, registry: Path | None = None, timeout: int = 240,
              output: str = "out", state: str = "state",
              env: dict[str, str] | None = None) -> CrawlResult:
    """One `scrapy crawl news` subprocess; returns its exit code, log and the new feed's items."""
    out_dir = tmp / output
    before = set((out_dir / "news").glob("*.jsonl")) if (out_dir / "news").exists() else set()
    command = [sys.executable, "-m", "scrapy", "crawl", "news", *FAST,
               "-s", f"NEWSCRAWL_OUTPUT_DIR={out_dir}", "-s", f"NEWSCRAWL_STATE_DIR={tmp / state}"]
    if registry is not None:
        command += ["-a", f"sites={registry}"]
    proc = subprocess.run(command + list(args), cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=env)
    new = sorted(set((out_dir / "news").glob("*.jsonl")) - before) if (out_dir / "news").exists() else []
    feed = new[-1] if new else None
    items = [json.loads(line) for f in new for line in f.open(encoding="utf-8")]
    return CrawlResult(proc.returncode, proc.stderr, items, feed)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    from newscrawl.demo import DemoNetwork

    with DemoNetwork(base_port=0) as net:
        net.registry_path = net.write_registry(tmp_path_factory.mktemp("demo") / "sites.yaml")
        yield net


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway redis-server on a free loopback port, no persistence (.ci/run installs it)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server binary not installed (apt-get install redis-server)")
    import redis

    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path_factory.mktemp("redis"))],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("redis-server did not start")
    yield url
    client.close()
    proc.terminate()
    proc.wait(timeout=10)


_FIGURES: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Keep what passing tests print (their measured figures) for the summary below."""
    if report.when == "call" and report.passed and report.capstdout.strip():
        for line in report.capstdout.strip().splitlines():
            _FIGURES.append(f"{report.nodeid.split('::')[-1]}: {line}")


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """CI shows the figures (counts of faults, kills, duplicates …) without -s."""
    if _FIGURES:
        terminalreporter.section("figures printed by the tests")
        for line in _FIGURES:
            terminalreporter.write_line(line[:300])
