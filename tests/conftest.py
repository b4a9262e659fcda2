"""Shared fixtures: the demo network and the one way tests launch ``scrapy`` like cron does.

Every subprocess crawl goes through :func:`scrapy_command` (the command line),
:func:`run_scrapy` (run to completion, output captured) or :func:`start_scrapy` (a
``Popen`` the test drives: kills, samplers). :func:`run_crawl` is the demo-crawl shape on
top of them. Tests that launch crawls are marked ``e2e`` (see ``pyproject.toml``).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
SCRAPY = [sys.executable, "-m", "scrapy"]
# No politeness delays against our own 127.0.0.1 servers.
FAST_SETTINGS: dict[str, object] = {
    "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "LOG_LEVEL": "INFO",
}
# Runs print no stats dump (the summary is the last word); tests that read stats ask for it.
DUMP_STATS = ("-s", "STATS_DUMP=True")
FAST = [arg for key, value in FAST_SETTINGS.items() for arg in ("-s", f"{key}={value}")]

# `make soak` (NEWSCRAWL_SOAK=1): the kill/stop loops again with more repetitions beside the
# everyday counts, and the property tests with their full example counts.
SOAK = os.environ.get("NEWSCRAWL_SOAK") == "1"


def soak(everyday: int, longer: int) -> list[int]:
    """Parametrize values: the everyday count, plus the longer one under ``make soak``."""
    return [everyday, longer] if SOAK else [everyday]


# Hypothesis profiles: "soak" runs each property test with its own example count (at most
# 2000), "ci" with at most 400, "dev" with at most 100 for the inner loop.
# HYPOTHESIS_PROFILE picks one; without it, CI=true means "ci" and anything else "dev".
hypothesis_settings.register_profile("soak", max_examples=2000, deadline=None)
hypothesis_settings.register_profile("ci", max_examples=400, deadline=None)
hypothesis_settings.register_profile("dev", max_examples=100, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                                 or ("ci" if os.environ.get("CI") == "true" else "dev"))


def scrapy_stats(stderr: str) -> dict[str, int]:
    """The integer stats of Scrapy's closing stats dump (a run given DUMP_STATS)."""
    import re

    _, marker, dump = stderr.rpartition("Dumping Scrapy stats:")
    assert marker, "no stats dump in the log: give the run DUMP_STATS"  # never a vacuous {}
    return {k: int(v) for k, v in re.findall(r"'([^']+)': (\d+),?\n", dump)}


def examples(wanted: int) -> int:
    """A property test's example count under the loaded profile: *wanted*, capped by it.

    (An explicit ``@settings(max_examples=...)`` would override any profile.)"""
    return min(wanted, hypothesis_settings.default.max_examples)


def scrapy_command(command: str, *args: str, settings: Mapping[str, object] | None = None,
                   prefix: tuple[str, ...] = ()) -> list[str]:
    """``[*prefix, python -m scrapy, command, -s KEY=VALUE ..., *args]``: a ``-s`` in *args*
    comes later, so it wins over *settings*."""
    options = [arg for key, value in (settings or {}).items() for arg in ("-s", f"{key}={value}")]
    return [*prefix, *SCRAPY, command, *options, *args]


def scrapy_env() -> dict[str, str]:
    """The environment with the project and tests/ (for test-only components) importable."""
    paths = [str(TESTS), str(ROOT), os.environ.get("PYTHONPATH", "")]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in paths if p))


def run_scrapy(command: str, *args: str, settings: Mapping[str, object] | None = None,
               timeout: float = 120,
               env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a ``scrapy`` command to its end; exit code and output are the caller's to check.
    *env* adds to (and overrides) the test environment."""
    return subprocess.run(scrapy_command(command, *args, settings=settings), cwd=ROOT,
                          env={**scrapy_env(), **(env or {})}, capture_output=True, text=True,
                          timeout=timeout, check=False)


def start_scrapy(command: str, *args: str, settings: Mapping[str, object] | None = None,
                 prefix: tuple[str, ...] = (), **popen: Any) -> subprocess.Popen:
    """Start a ``scrapy`` command and hand back its process (stdout/stderr as *popen* says)."""
    return subprocess.Popen(scrapy_command(command, *args, settings=settings, prefix=prefix),
                            cwd=ROOT, env=scrapy_env(), **popen)


def crawl_settings(output: Path, state: Path, **extra: object) -> dict[str, object]:
    """FAST_SETTINGS plus where this crawl history keeps its feeds and its state."""
    return {**FAST_SETTINGS, "NEWSCRAWL_OUTPUT_DIR": output, "NEWSCRAWL_STATE_DIR": state,
            **extra}


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
    sites = ["-a", f"sites={registry}"] if registry is not None else []
    proc = run_scrapy("crawl", "news", *sites, *args,
                      settings=crawl_settings(out_dir, tmp / state), timeout=timeout, env=env)
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


# Anything that starts a process or a server is the second (end-to-end) layer, whether
# its file says so or not: `make test-fast` then stays the in-process unit layer.
E2E_CALLS = ("run_crawl(", "run_scrapy(", "start_scrapy(", "subprocess.", "Popen(",
             "FaultServer(", "RealNetwork(", "DemoNetwork(", "redis_url")
E2E_FILES = {"test_hostile_sites.py", "test_recipes.py", "test_stop_and_orphans.py",
             "test_crawl_warc.py", "test_crawl_backfill.py", "test_report.py",
             "test_run_endings.py", "test_state_unavailable.py", "test_state_command.py"}

# Files whose checks compare times or memory with a baseline (a good site's wait under
# attack, a stop within seconds, a lock takeover after 1 s, linear-time ratios, RSS):
# `make test` runs them alone after the rest, which runs on two pytest-xdist workers.
SERIAL_FILES = {"test_hostile_sites.py", "test_faults.py", "test_stop_and_orphans.py",
                "test_dedup_lock.py", "test_safety_linear.py", "test_bench_smoke.py"}


def _starts_processes(source: str, module: Any, depth: int = 2) -> bool:
    """True when *source*, or a function of *module* it calls (two levels deep), starts
    a process or a server."""
    import inspect
    import re

    if any(call in source for call in E2E_CALLS):
        return True
    if depth == 0 or module is None:
        return False
    for name in set(re.findall(r"\b([A-Za-z_]\w*)\(", source)):
        helper = getattr(module, name, None)
        if inspect.isfunction(helper) and helper.__module__ == module.__name__:
            try:
                if _starts_processes(inspect.getsource(helper), module, depth - 1):
                    return True
            except (OSError, TypeError):
                continue
    return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    import inspect

    for item in items:
        if item.path.name in SERIAL_FILES:
            item.add_marker(pytest.mark.serial)
        if item.get_closest_marker("e2e") or item.get_closest_marker("slow"):
            continue
        function = getattr(item, "function", None)
        try:
            source = inspect.getsource(function) if function is not None else ""
        except (OSError, TypeError):
            source = ""
        fixtures = getattr(item, "fixturenames", ())
        module = getattr(item, "module", None)
        if item.path.name in E2E_FILES or "redis_url" in fixtures \
                or _starts_processes(source, module):
            item.add_marker(pytest.mark.e2e)
