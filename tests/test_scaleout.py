"""Scale-out on a real redis-server: two workers share one crawl of the demo network."""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import crawl_settings, start_scrapy
from scrapy import Request, Spider

from newscrawl.dedup.canonical import canonicalize_url
from newscrawl.request_meta import ACK_META
from newscrawl.scaleout import RedisScaleOut, serializer
from newscrawl.scaleout.queue import Keys, ReliableQueue, ack, requeue

REDIS = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed "
                                "(apt-get install redis-server; .ci/run does it)")


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
    # the ledger learns its shared near-duplicate log from a setting, not from scale-out code
    assert settings["NEWSCRAWL_REDIS_NEARDUP_KEY"] == "newscrawl:%(spider)s:neardup"
    project = Settings({"NEWSCRAWL_REDIS_URL": "redis://127.0.0.1:1/0"})
    project.setmodule("newscrawl.settings", priority="project")  # declares the key empty
    project.set("NEWSCRAWL_REDIS_URL", "redis://127.0.0.1:1/0", priority="cmdline")
    RedisScaleOut().update_settings(project)
    assert project["NEWSCRAWL_REDIS_NEARDUP_KEY"] == "newscrawl:%(spider)s:neardup"


def test_each_worker_names_itself_over_the_projects_empty_id_in_a_replay_too() -> None:
    """settings.py declares NEWSCRAWL_WORKER_ID = "" at project priority; an id set at
    add-on priority lost to it in WARC replays, so every worker was '' and each took the
    others' processing list and claims for its own (a page of two files emitted twice)."""
    from scrapy.settings import Settings
    ids = []
    for replay in (True, True, False):
        settings = Settings()
        settings.setmodule("newscrawl.settings", priority="project")
        settings.set("NEWSCRAWL_REDIS_URL", "redis://127.0.0.1:1/0", priority="cmdline")
        settings.set("NEWSCRAWL_REPLAY", replay, priority="spider")
        RedisScaleOut().update_settings(settings)
        ids.append(settings["NEWSCRAWL_WORKER_ID"])
    assert all(ids) and len(set(ids)) == 3, ids
    named = Settings({"NEWSCRAWL_REDIS_URL": "redis://127.0.0.1:1/0", "NEWSCRAWL_REPLAY": True,
                      "NEWSCRAWL_WORKER_ID": "w1"})
    RedisScaleOut().update_settings(named)
    assert named["NEWSCRAWL_WORKER_ID"] == "w1"  # a given id is kept


def make_scheduler(redis_url: str, worker: str, grace: float = 0.0) -> Any:
    from scrapy.settings import Settings
    from scrapy.statscollectors import MemoryStatsCollector

    from newscrawl.scaleout.scheduler import ReliableScheduler
    settings = Settings({"NEWSCRAWL_REDIS_URL": redis_url, "NEWSCRAWL_WORKER_ID": worker,
                         "NEWSCRAWL_REDIS_IDLE_GRACE": grace})
    RedisScaleOut().update_settings(settings)
    scheduler = ReliableScheduler.from_settings(settings)
    scheduler.stats = MemoryStatsCollector(type("C", (), {"settings": settings})())
    return scheduler


def test_a_new_worker_recovers_what_a_dead_worker_had_taken(server: Any, redis_url: str) -> None:
    dead = make_queue(server, worker="dead")
    server.sadd(dead.keys.workers, "dead")  # registered, but its heartbeat key has expired
    dead.push(Request("http://127.0.0.1:1/taken", priority=3))
    assert dead.pop() is not None and len(dead) == 0
    server.sadd(dead.keys.dupefilter, "some-fingerprint")
    scheduler = make_scheduler(redis_url, "fresh-worker")
    scheduler.open(DemoSpider())
    try:
        assert scheduler.mode == "resume"
        assert scheduler.next_request().url == "http://127.0.0.1:1/taken"
        assert server.scard(dead.keys.dupefilter) == 1  # a resumed crawl keeps its dupefilter
        assert not server.sismember(dead.keys.workers, "dead")
    finally:
        scheduler.close("finished")
    assert server.hlen(dead.keys.processing("fresh-worker")) == 0


def test_join_a_live_crawl_or_start_fresh(server: Any, redis_url: str) -> None:
    keys = Keys("newscrawl", "news")
    server.sadd(keys.dupefilter, "old-run")
    server.rpush(keys.neardup, "old-run")
    first = make_scheduler(redis_url, "first")
    first.open(DemoSpider())
    assert first.mode == "fresh" and server.scard(keys.dupefilter) == 0
    assert server.llen(keys.neardup) == 0  # the shared near-dup log lives for one crawl
    server.sadd(keys.dupefilter, "this-run")
    server.rpush(keys.neardup, "this-run")
    second = make_scheduler(redis_url, "second")
    second.open(DemoSpider())
    assert second.mode == "join" and server.scard(keys.dupefilter) == 1
    assert server.llen(keys.neardup) == 1
    second.close("finished")
    first.close("finished")


def test_idle_worker_waits_while_another_is_busy(server: Any, redis_url: str) -> None:
    from scrapy.exceptions import DontCloseSpider
    busy = make_queue(server, worker="busy")
    server.set(busy.keys.alive("busy"), "1")
    server.sadd(busy.keys.workers, "busy")
    busy.push(Request("http://127.0.0.1:1/in-flight"))
    busy.pop()
    idle = make_scheduler(redis_url, "idle", grace=0.2)
    idle.open(DemoSpider())
    try:
        with pytest.raises(DontCloseSpider):
            idle.spider_idle(None)
        server.delete(busy.keys.processing("busy"))  # the busy worker acked its last request
        with pytest.raises(DontCloseSpider):
            idle.spider_idle(None)  # grace period: another worker may still add requests
        time.sleep(0.3)
        idle.spider_idle(None)  # drained: close
    finally:
        idle.close("finished")


def test_a_stopped_worker_puts_its_requests_back(server: Any, redis_url: str) -> None:
    scheduler = make_scheduler(redis_url, "stopping")
    scheduler.open(DemoSpider())
    scheduler.queue.push(Request("http://127.0.0.1:1/a"))
    assert scheduler.next_request() is not None and len(scheduler.queue) == 0
    scheduler.close("shutdown")
    assert len(scheduler.queue) == 1


# -- two workers --------------------------------------------------------------------------

def _worker(tmp_path: Path, name: str, registry: Path, redis_url: str) -> subprocess.Popen[str]:
    settings = crawl_settings(tmp_path / name / "out", tmp_path / name / "state",
                              NEWSCRAWL_REDIS_URL=redis_url, NEWSCRAWL_REDIS_IDLE_GRACE=3,
                              CONCURRENT_REQUESTS_PER_DOMAIN=4,
                              # polite pacing: the crawl lasts ~12 s, not the ~1 s one
                              # worker alone needs, so a worker started later (a loaded
                              # machine: 0.3 s let one worker take all 42 articles in a
                              # CI run) still finds work in the shared queue
                              DOWNLOAD_DELAY=0.8)
    with open(tmp_path / f"{name}.log", "w", encoding="utf-8") as log:
        return start_scrapy("crawl", "news", "-a", f"sites={registry}", settings=settings,
                            stdout=log, stderr=subprocess.STDOUT, text=True)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _items(tmp_path: Path, name: str) -> list[dict[str, Any]]:
    rows = []
    for feed in (tmp_path / name / "out" / "news").glob("*.jsonl"):
        rows += [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    return rows


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> dict[str, Any]:
    """One crawl of the demo network by two workers (run once for the tests below)."""
    import redis
    demo = pytest.importorskip("newscrawl.demo")
    redis.Redis.from_url(redis_url).flushdb()
    tmp_path = tmp_path_factory.mktemp("two-workers")
    with demo.DemoNetwork(base_port=0) as network:
        registry = network.write_registry(tmp_path / "demo.yaml")
        workers = [_worker(tmp_path, name, registry, redis_url) for name in ("w1", "w2")]
        codes = [w.wait(timeout=150) for w in workers]
        logs = {n: (tmp_path / f"{n}.log").read_text(encoding="utf-8") for n in ("w1", "w2")}
        assert codes == [0, 0], f"{codes}\n" + logs["w1"][-3000:] + logs["w2"][-3000:]
        return {"truth": network.truth(), "requests": list(network.requests),
                "items": [_items(tmp_path, "w1"), _items(tmp_path, "w2")]}


@pytest.mark.e2e
def test_two_workers_share_one_crawl(two_workers: dict[str, Any], redis_url: str) -> None:
    import redis
    truth = {canonicalize_url(a["url"]) for a in two_workers["truth"]}
    article_paths = {(a["site"], _path(a["url"])) for a in two_workers["truth"]}
    requested = Counter((r.site, r.path) for r in two_workers["requests"])
    one, two = two_workers["items"]
    assert one and two, "both workers must take part"
    emitted = Counter(canonicalize_url(row["canonical_url"]) for row in one + two)
    assert {k for k, n in emitted.items() if n > 1} == set()
    assert set(emitted) == truth
    twice = {k: n for k, n in requested.items() if k in article_paths and n > 1}
    assert not twice, twice
    assert all(requested[k] == 1 for k in article_paths)
    assert redis.Redis.from_url(redis_url).zcard("newscrawl:news:requests") == 0


def _pairs(groups: dict[str, set[str]]) -> set[frozenset[str]]:
    return {frozenset((a, b)) for members in groups.values() for a in members for b in members
            if a < b}


@pytest.mark.e2e
def test_two_workers_link_syndicated_copies(two_workers: dict[str, Any]) -> None:
    """Copies of one story handled by different workers share the first copy's story id."""
    story = {canonicalize_url(a["url"]): a["story"] for a in two_workers["truth"]}
    rows = {canonicalize_url(r["canonical_url"]): (r, worker)
            for worker, items in enumerate(two_workers["items"]) for r in items}
    truth: dict[str, set[str]] = {}
    found: dict[str, set[str]] = {}
    for key, (row, _worker_no) in rows.items():
        if story.get(key):
            truth.setdefault(story[key], set()).add(key)
        found.setdefault(row["story_id"], set()).add(key)
    true_pairs, found_pairs = _pairs(truth), _pairs(found)
    hit = len(true_pairs & found_pairs)
    precision = hit / len(found_pairs) if found_pairs else 1.0
    recall = hit / len(true_pairs) if true_pairs else 1.0
    across = sum(1 for members in truth.values() if len({rows[k][1] for k in members}) > 1)
    print(f"story linking across 2 workers: precision {precision:.3f} recall {recall:.3f} "
          f"({len(true_pairs)} copy pairs, {len(truth)} stories, {across} split across workers)")
    assert len(true_pairs) >= 3 and precision >= 0.98 and recall >= 0.98
    for name, members in truth.items():
        assert len({rows[k][0]["story_id"] for k in members}) == 1, name
        firsts = [k for k in members if rows[k][0]["duplicate_of"] is None]
        assert len(firsts) == 1, (name, firsts)
        assert all(rows[k][0]["duplicate_of"] in (None, firsts[0]) for k in members), name
