"""Scale-out on a real redis-server: two workers share one crawl of the demo network."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest
from scrapy import Request, Spider

from newscrawl.dedup.canonical import canonicalize_url
from newscrawl.scaleout import RedisScaleOut
from newscrawl.scaleout import serializer
from newscrawl.scaleout.queue import ACK_META, Keys, ReliableQueue, ack, requeue

ROOT = Path(__file__).resolve().parents[1]
REDIS = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed "
                                "(apt-get install redis-server; .ci/run does it)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throw-away redis-server on a free 127.0.0.1 port, no persistence."""
    import redis
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([str(REDIS), "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def server(redis_url: str) -> Any:
    import redis
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    return client


class Exploit:
    """Unpickling this would create the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> Any:
        return (Path.touch, (self.marker,))


class DemoSpider(Spider):
    name = "news"

    def parse_page(self, response: Any) -> None:
        pass


def make_queue(server: Any, worker: str = "w1") -> ReliableQueue:
    keys = Keys("newscrawl", "news")
    return ReliableQueue(server, DemoSpider(), keys.queue, serializer, keys=keys, worker=worker)


# -- serializer ---------------------------------------------------------------------------

def test_serializer_round_trips_bytes_and_headers() -> None:
    request = Request("http://127.0.0.1:1/a", headers={"If-None-Match": '"x"'}, body=b"\x00\xff",
                      meta={"newscrawl_kind": "page", "redirect_urls": ["http://127.0.0.1:1/b"]})
    data = request.to_dict()
    assert serializer.loads(serializer.dumps(data)) == data


@pytest.mark.parametrize("payload", [
    b'{"v":1,"request":{"url":"http://x/","_class":"os.system"}}',
    b'{"v":1,"request":{"url":"http://x/","callback":"close"}}',
    b'{"v":1,"request":{"url":"file:///etc/passwd"}}',
    b"[1, 2]",
])
def test_serializer_refuses_foreign_payloads(payload: bytes) -> None:
    with pytest.raises(serializer.UnsafePayload):
        serializer.loads(payload)


def test_pickled_payload_in_the_queue_is_refused_not_executed(server: Any,
                                                              tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    queue = make_queue(server)
    server.zadd(queue.key, {pickle.dumps(Exploit(marker)): 0})
    queue.push(Request("http://127.0.0.1:1/ok", callback=DemoSpider().parse_page, priority=-1))
    popped = queue.pop()
    assert popped is not None and popped.url == "http://127.0.0.1:1/ok"
    assert not marker.exists()
    assert queue.refused == 1 and queue.pop() is None


# -- reliable queue -----------------------------------------------------------------------

def test_pop_holds_the_entry_until_acked(server: Any) -> None:
    queue = make_queue(server)
    queue.push(Request("http://127.0.0.1:1/a", priority=5))
    request = queue.pop()
    processing = queue.keys.processing("w1")
    assert len(queue) == 0 and server.hlen(processing) == 1
    ack(server, queue.keys, request.meta[ACK_META])
    assert server.hlen(processing) == 0


def test_requests_of_a_dead_worker_go_back_with_their_priority(server: Any) -> None:
    dead = make_queue(server, worker="dead")
    dead.push(Request("http://127.0.0.1:1/low", priority=1))
    dead.push(Request("http://127.0.0.1:1/high", priority=100))
    assert dead.pop().url.endswith("/high")  # taken, then the worker dies
    assert requeue(server, dead.keys, "dead") == 1
    alive = make_queue(server, worker="alive")
    assert [alive.pop().url for _ in range(2)] == ["http://127.0.0.1:1/high",
                                                    "http://127.0.0.1:1/low"]


def test_addon_changes_nothing_without_the_setting() -> None:
    from scrapy.settings import Settings
    settings = Settings()
    RedisScaleOut().update_settings(settings)
    assert settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    settings.set("NEWSCRAWL_REDIS_URL", "redis://127.0.0.1:1/0")
    RedisScaleOut().update_settings(settings)
    assert settings["SCHEDULER"].endswith("ReliableScheduler")
    assert settings.getbool("SCHEDULER_PERSIST")
    assert settings["SCHEDULER_SERIALIZER"] == "newscrawl.scaleout.serializer"


# -- two workers --------------------------------------------------------------------------

def _worker(tmp_path: Path, name: str, registry: Path, redis_url: str) -> subprocess.Popen[str]:
    env = dict(os.environ,
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sites={registry}",
           "-s", f"NEWSCRAWL_REDIS_URL={redis_url}",
           "-s", f"NEWSCRAWL_STATE_DIR={tmp_path / name / 'state'}",
           "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp_path / name / 'out'}",
           "-s", "NEWSCRAWL_REDIS_IDLE_GRACE=3", "-s", "DOWNLOAD_DELAY=0",
           "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4"]
    log = open(tmp_path / f"{name}.log", "w", encoding="utf-8")
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            text=True)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _items(tmp_path: Path, name: str) -> list[dict[str, Any]]:
    rows = []
    for feed in (tmp_path / name / "out" / "news").glob("*.jsonl"):
        rows += [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    return rows


def test_two_workers_share_one_crawl(tmp_path: Path, server: Any, redis_url: str) -> None:
    demo = pytest.importorskip("newscrawl.demo")
    with demo.DemoNetwork(base_port=0) as network:
        registry = network.write_registry(tmp_path / "demo.yaml")
        workers = [_worker(tmp_path, name, registry, redis_url) for name in ("w1", "w2")]
        codes = [w.wait(timeout=150) for w in workers]
        logs = {n: (tmp_path / f"{n}.log").read_text(encoding="utf-8") for n in ("w1", "w2")}
        assert codes == [0, 0], logs["w1"][-3000:] + logs["w2"][-3000:]
        truth = {canonicalize_url(a["url"]) for a in network.truth()}
        article_paths = {(a["site"], _path(a["url"])) for a in network.truth()}
        requested = Counter((r.site, r.path) for r in network.requests)
    one, two = _items(tmp_path, "w1"), _items(tmp_path, "w2")
    assert one and two, "both workers must take part"
    emitted = Counter(canonicalize_url(row["canonical_url"]) for row in one + two)
    assert {k for k, n in emitted.items() if n > 1} == set()
    assert set(emitted) == truth
    twice = {k: n for k, n in requested.items() if k in article_paths and n > 1}
    assert not twice, twice
    assert all(requested[k] == 1 for k in article_paths)
    assert server.zcard("newscrawl:news:requests") == 0
