"""Always stoppable, never orphaned (issue 16 class 2, issue 10 item 4).

- a worker task over its time budget is killed and its worker replaced;
- SIGKILL of the crawl's main process alone: nothing of the crawl is alive 5 s later;
- SIGTERM while downloads hang: the run ends within NEWSCRAWL_STOP_SECONDS (+ a margin);
- NEWSCRAWL_MAX_RUN_SECONDS ends an overstaying run gracefully: feed and summary written.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.faultserver import FaultServer, Reply
from test_faults import article_html

from newscrawl.spiders.extractor import ExtractionTimeout, PageExtractor

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
ARTICLES = 6


def test_task_over_budget_kills_only_its_worker() -> None:
    async def scenario() -> tuple[float, set[int], set[int]]:
        extractor = PageExtractor(2, timeout=1.0)
        try:
            before = {await extractor.run(os.getpid) for _ in range(2)}
            start = time.monotonic()
            with pytest.raises(ExtractionTimeout):
                await extractor.run(time.sleep, 60)
            spent = time.monotonic() - start
            after = {await extractor.run(os.getpid) for _ in range(6)}
            return spent, before, after
        finally:
            extractor.close()
    spent, before, after = asyncio.run(scenario())
    assert spent < 5
    assert len(before) == 2 and len(after) == 2
    assert len(before & after) == 1  # one worker kept, the hung one replaced by a new one


def _session(sid: int) -> list[int]:
    """Pids of live processes in session *sid* (the crawl runs in its own session)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":  # field 6: session id; skip zombies
            found.append(int(stat.parent.name))
    return found


def _server() -> FaultServer:
    """A good site (articles) and a slow one whose pages drip for a minute."""
    fs = FaultServer(["good", "slow"])
    home = "".join(f'<a href="/2024/05/01/story-{i}.html">s</a>' for i in range(ARTICLES))
    slow = "".join(f'<a href="/2024/05/01/slow-{i}.html">s</a>' for i in range(40))
    for role, links in (("good", home), ("slow", slow)):
        body = f"<html><head><title>Home</title></head><body>{links}</body></html>".encode()
        fs.add(role, "/", lambda f, p, b=body: Reply(200, b, {"Content-Type": "text/html"}))
    fs.add("good", "/2024/*", lambda f, p: Reply(200, article_html(f"Story {p}", "en", p).encode(),
                                                 {"Content-Type": "text/html"}))
    fs.add("slow", "/2024/*", lambda f, p: Reply(200, b"<html>" + b" " * 4000, {
        "Content-Type": "text/html"}, drip=1.0))
    return fs


def _crawl(fs: FaultServer, tmp: Path, *settings: str) -> subprocess.Popen[bytes]:
    registry = tmp / "sites.yaml"
    registry.write_text(fs.registry_yaml(["good", "slow"]), encoding="utf-8")
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sites={registry}",
           "-a", "fresh=1", "-s", f"NEWSCRAWL_STATE_DIR={tmp / 'state'}",
           "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp / 'output'}", "-s", f"LOG_FILE={tmp / 'crawl.log'}",
           "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_TIMEOUT=60"]
    for setting in settings:
        cmd += ["-s", setting]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(ROOT)])}
    return subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_for(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def busy_crawl(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], FaultServer]]:
    """A crawl that has extracted articles (workers up) and is stuck on slow downloads."""
    with _server() as fs:
        proc = _crawl(fs, tmp_path, "NEWSCRAWL_STOP_SECONDS=5")
        try:
            assert _wait_for(lambda: len(fs.hits_for("slow", "/2024/")) >= 2
                             and len(fs.hits_for("good", "/2024/")) >= ARTICLES
                             and len(_session(proc.pid)) >= 3, 90), "crawl never got busy"
            time.sleep(3)  # the good site's pages reach the workers
            yield proc, fs
        finally:
            for pid in _session(proc.pid):
                os.kill(pid, signal.SIGKILL)
            proc.wait()


def test_sigkill_of_main_process_leaves_no_orphans(
        busy_crawl: tuple[subprocess.Popen[bytes], FaultServer]) -> None:
    proc, _ = busy_crawl
    helpers = [pid for pid in _session(proc.pid) if pid != proc.pid]
    assert len(helpers) >= 2  # forkserver and at least one extraction worker
    os.kill(proc.pid, signal.SIGKILL)  # the main process alone, as the OOM killer does
    proc.wait()
    start = time.monotonic()
    gone = _wait_for(lambda: not _session(proc.pid), 5)
    print(f"helpers {len(helpers)}, all gone {time.monotonic() - start:.2f}s after SIGKILL")
    assert gone, f"still alive 5 s after SIGKILL: {_session(proc.pid)}"


def test_sigterm_ends_the_run_within_seconds_while_downloads_hang(
        busy_crawl: tuple[subprocess.Popen[bytes], FaultServer]) -> None:
    proc, _ = busy_crawl
    start = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=30)
    took = time.monotonic() - start
    print(f"SIGTERM -> exit {code} in {took:.2f}s")
    assert took < 5 + 3  # NEWSCRAWL_STOP_SECONDS=5, plus interpreter exit
    assert code == 9
    assert _wait_for(lambda: not _session(proc.pid), 5)


def test_max_run_seconds_closes_an_overstaying_run_with_its_feed(tmp_path: Path) -> None:
    with _server() as fs:
        start = time.monotonic()
        proc = _crawl(fs, tmp_path, "NEWSCRAWL_MAX_RUN_SECONDS=25", "DOWNLOAD_TIMEOUT=5",
                      "NEWSCRAWL_RUN_GRACE=30")
        try:
            code = proc.wait(timeout=120)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        took = time.monotonic() - start
    feeds = sorted((tmp_path / "output").rglob("*.jsonl"))
    summaries = sorted((tmp_path / "output").rglob("*.stats.json"))
    print(f"max-run 25s: exit {code} after {took:.1f}s, feeds {[f.name for f in feeds]}")
    assert took < 25 + 30, "ended by the hard deadline, not the graceful close"
    assert feeds and summaries
    items = [json.loads(line) for line in feeds[-1].read_text().splitlines()]
    assert sum(1 for i in items if i["site"] == "good") == ARTICLES
    summary = json.loads(summaries[-1].read_text())
    assert "closespider_timeout" in json.dumps(summary)
    assert code in (0, 4, 5)  # a judged outcome, not a kill (the slow site's timeouts count)
