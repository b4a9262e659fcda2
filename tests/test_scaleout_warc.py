"""Scale-out of WARC paths: two workers share a replay through Redis, one file each time.

The files are built from the shared real-page corpus (CC-NEWS style, as in
test_crawl_backfill); some pages are captured in two files, so two workers meet the
same article. Needs redis-server (the ``redis_url`` fixture) and the corpus.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import ROOT, crawl_settings, run_crawl, scrapy_command, scrapy_env
from support.dnsguard import DNS_GUARD
from test_crawl_backfill import CcNewsWriter, captured, corpus, scrapy_stats

from newscrawl.scaleout.queue import Keys
from newscrawl.scaleout.warc import PathQueue, run_id

FILES = 12
FOREIGN_SHARE = 4  # every 4th corpus host stays out of the registry: offsite records


@pytest.fixture
def server(redis_url: str) -> Any:
    import redis
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.close()


def test_paths_of_a_dead_worker_go_back_to_the_list(server: Any, tmp_path: Path) -> None:
    paths = [tmp_path / f"{n}.warc.gz" for n in range(3)]
    keys = Keys("newscrawl", "news")
    one = PathQueue(server, keys, run_id(paths), "w1", ttl=30)
    assert one.open(paths) == "fresh"
    taken = one.pop()
    assert taken == paths[0] and server.llen(one.paths_key) == 2
    server.delete(keys.alive("w1"))  # w1 dies holding the first file
    two = PathQueue(server, keys, run_id(list(reversed(paths))), "w2", ttl=30)
    assert two.open(paths) == "resume"  # same files in another order: the same run
    assert [two.pop() for _ in range(4)] == [paths[0], paths[1], paths[2], None]
    two.ack(paths[1])
    two.close()  # stopped before acking the others: they go back
    assert sorted(server.lrange(two.paths_key, 0, -1)) == sorted(
        str(p).encode() for p in (paths[0], paths[2]))


def build_files(tmp_path: Path) -> tuple[list[Path], set[str], set[str]]:
    """FILES archives; each also holds the first registry page of the next one.
    Returns (files, registry article URLs, foreign URLs)."""
    rows = corpus()
    hosts = sorted({urlsplit(r["url"]).hostname or "" for r in rows})
    ours = {h for i, h in enumerate(hosts) if i % FOREIGN_SHARE}
    sites = [{"name": h.replace(".", "-"), "url": f"https://{h}/"} for h in sorted(ours)]
    (tmp_path / "sites.yaml").write_text(yaml.safe_dump({"sites": sites}), encoding="utf-8")
    parts: list[list[dict]] = [rows[k::FILES] for k in range(FILES)]
    files = []
    for k, part in enumerate(parts):
        files.append(tmp_path / f"part-{k:02d}.warc.gz")
        twin = next(r for r in parts[(k + 1) % FILES] if urlsplit(r["url"]).hostname in ours)
        with open(files[-1], "wb") as fh:
            cc = CcNewsWriter(fh)
            for row in [*part, twin]:
                cc.exchange(row["url"], 200, "text/html", row["html"], captured(row))
    registry = {r["url"] for r in rows if urlsplit(r["url"]).hostname in ours}
    return files, registry, {r["url"] for r in rows} - registry


def _worker(tmp_path: Path, name: str, redis_url: str, env: dict[str, str],
            **extra: object) -> subprocess.Popen:
    # no NEWSCRAWL_WORKER_ID, as in the README: each worker must name itself (both were '')
    settings = crawl_settings(tmp_path / name / "out", tmp_path / name / "state",
                              NEWSCRAWL_REDIS_URL=redis_url,
                              STATS_DUMP=True, **extra)  # scrapy_stats reads the dump
    command = scrapy_command("crawl", "news", "-a", f"sites={tmp_path / 'sites.yaml'}",
                             "-a", f"warc={tmp_path}/part-*.warc.gz", settings=settings)
    log = open(tmp_path / f"{name}.log", "w", encoding="utf-8")  # noqa: SIM115 -- child's
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            text=True)


def _items(tmp_path: Path, name: str) -> list[dict]:
    import json
    return [json.loads(line) for feed in (tmp_path / name / "out" / "news").glob("*.jsonl")
            for line in feed.read_text(encoding="utf-8").splitlines()]


@pytest.mark.e2e
def test_two_workers_share_the_warc_files(server: Any, redis_url: str, tmp_path: Path) -> None:
    files, registry, foreign = build_files(tmp_path)
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(DNS_GUARD, encoding="utf-8")
    dns_log = tmp_path / "dns.log"
    base = scrapy_env()
    env = {**base, "PYTHONPATH": os.pathsep.join([str(guard), base["PYTHONPATH"]]),
           "NEWSCRAWL_TEST_DNS_LOG": str(dns_log)}
    workers = {name: _worker(tmp_path, name, redis_url, env) for name in ("w1", "w2")}
    codes = {name: proc.wait(timeout=600) for name, proc in workers.items()}
    logs = {name: (tmp_path / f"{name}.log").read_text(encoding="utf-8") for name in workers}
    assert codes == {"w1": 0, "w2": 0}, logs["w1"][-3000:] + logs["w2"][-3000:]

    replayed = {name: re.findall(r"worker \S+: replaying (\S+)", log) for name, log in logs.items()}
    counts = Counter(path for paths in replayed.values() for path in paths)
    assert counts == Counter({str(f): 1 for f in files}), counts  # each file by one worker
    assert replayed["w1"] and replayed["w2"], "both workers must take part"
    items = {name: _items(tmp_path, name) for name in workers}
    emitted = Counter(i["url"] for rows in items.values() for i in rows)
    assert {u for u, n in emitted.items() if n > 1} == set()
    assert not set(emitted) & foreign and set(emitted) <= registry
    alone = run_crawl(tmp_path, "-a", f"warc={tmp_path}/part-*.warc.gz",
                      registry=tmp_path / "sites.yaml", env=env, output="alone", state="alone")
    assert alone.returncode == 0, alone.stderr[-3000:]
    assert set(emitted) == {i["url"] for i in alone.items}  # what one worker emits alone
    stats = {name: scrapy_stats(log) for name, log in logs.items()}
    for name in workers:
        assert "downloader/request_count" not in stats[name]
        assert stats[name]["newscrawl/scaleout/warc_files"] == len(replayed[name])
    assert not dns_log.exists(), dns_log.read_text()
    assert server.keys("newscrawl:news:warc:*:paths") == []  # the list is drained
    twins = sum(s.get("newscrawl/scaleout/claimed_elsewhere", 0) for s in stats.values())
    print(f"warc scale-out: {len(files)} files -> w1 {len(replayed['w1'])} files "
          f"{len(items['w1'])} items, w2 {len(replayed['w2'])} files {len(items['w2'])} items; "
          f"{len(registry)} registry pages ({len(alone.items)} items alone), {len(foreign)} foreign; {FILES} twin captures, "
          f"{twins} refused by a claim")


@pytest.mark.e2e
def test_the_file_of_a_killed_worker_is_replayed_by_another(server: Any, redis_url: str,
                                                             tmp_path: Path) -> None:
    files, _, _ = build_files(tmp_path)
    env = scrapy_env()
    first = _worker(tmp_path, "w1", redis_url, env, NEWSCRAWL_REDIS_HEARTBEAT=3)
    log = tmp_path / "w1.log"
    deadline = time.monotonic() + 300
    while "replaying" not in log.read_text(encoding="utf-8") and first.poll() is None:
        assert time.monotonic() < deadline, "w1 never started replaying"
        time.sleep(0.2)
    first.kill()  # kill -9 while it holds a file
    first.wait(timeout=30)
    held = re.findall(r"replaying (\S+)", log.read_text(encoding="utf-8"))
    time.sleep(4)  # the heartbeat (3 s) expires
    second = _worker(tmp_path, "w2", redis_url, env)
    assert second.wait(timeout=600) == 0
    text = (tmp_path / "w2.log").read_text(encoding="utf-8")
    again = re.findall(r"worker \S+: replaying (\S+)", text)
    assert "resuming an interrupted crawl" in text
    assert held[-1] in again  # the file w1 held is replayed by w2
    assert Counter(held[:-1] + again) == Counter({str(f): 1 for f in files})
    assert _items(tmp_path, "w2")
    print(f"kill -9 of w1 after {len(held)} file(s): w2 replayed {len(again)} files, "
          f"{len(_items(tmp_path, 'w2'))} items")
