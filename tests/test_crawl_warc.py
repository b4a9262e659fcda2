"""End to end: archive a crawl of the demo network, replay it with the server gone,
and re-extract it into an existing state; a kill -9 never leaves a torn finished archive."""

from __future__ import annotations

import json
import random
import signal
import time
from io import BytesIO
from pathlib import Path

from conftest import DUMP_STATS, run_crawl, scrapy_stats
from test_resilience import SEED, Env, kill_group
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from newscrawl.demo import DemoNetwork
from newscrawl.export.warc import complete_members_end


def response_records(paths: list[Path]) -> list[tuple[str, str, str]]:
    """(target URI, status, content type) of every response record, digests checked."""
    found = []
    for path in paths:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh, check_digests=True):
                if record.rec_type == "response":
                    record.content_stream().read()
                    found.append((record.rec_headers.get_header("WARC-Target-URI"),
                                  record.http_headers.get_statuscode(),
                                  record.http_headers.get_header("Content-Type") or ""))
    return found


def responses_in(paths: list[Path]) -> dict[str, tuple[str, str]]:
    return {url: (status, ctype) for url, status, ctype in response_records(paths)}


def edited_copy(source: Path, target: Path, url: str) -> None:
    """The archive again, with one page's text changed (as if the site had edited it)."""
    with open(source, "rb") as src, open(target, "wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        for record in ArchiveIterator(src):
            if record.rec_type != "response" or record.rec_headers.get_header(
                    "WARC-Target-URI") != url:
                writer.write_record(record)
                continue
            body = record.content_stream().read().replace(b"<p>", b"<p>Correction: ", 1)
            record.http_headers.replace_header("Content-Length", str(len(body)))
            record.http_headers.remove_header("Content-Encoding")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=BytesIO(body), length=len(body),
                http_headers=record.http_headers,
                warc_headers_dict={"WARC-Date": record.rec_headers.get_header("WARC-Date")}))


def test_archived_crawl_replays_without_the_server_and_reextracts_into_the_state(
        tmp_path: Path) -> None:
    with DemoNetwork(base_port=0) as net:
        registry = net.write_registry(tmp_path / "sites.yaml")
        live = run_crawl(tmp_path, "-s", "NEWSCRAWL_WARC=1", *DUMP_STATS, registry=registry)
        served = len(net.requests)
    assert live.returncode == 0, live.stderr[-3000:]
    assert live.feed is not None and len(live.items) >= 20
    archives = sorted((tmp_path / "out" / "warc").glob("*.warc.gz"))
    assert [a.name for a in archives] == [f"{live.feed.stem}.warc.gz"]
    assert not list((tmp_path / "out" / "warc").glob(".*"))
    stored = responses_in(archives)
    print(f"live: {len(live.items)} items, {served} requests served, {len(stored)} responses "
          f"archived ({archives[0].stat().st_size} bytes)")
    assert len(response_records(archives)) == scrapy_stats(live.stderr)[
        "downloader/response_count"]
    for item in live.items:
        status, ctype = stored[item["url"]]
        assert status == "200" and "html" in ctype, item["url"]

    # the server is gone: a replay in a new state reproduces the items, with 0 requests
    pattern = f"warc={tmp_path}/out/warc/*.warc.gz"
    replay = run_crawl(tmp_path, "-a", pattern, "-a", "fresh=1", *DUMP_STATS, registry=registry,
                       output="out2", state="state2")
    assert replay.returncode == 0, replay.stderr[-3000:]
    stats = scrapy_stats(replay.stderr)
    assert "downloader/request_count" not in stats
    assert not [k for k in stats if k.startswith("newscrawl/errors/")]
    assert {i["url"]: i["title"] for i in replay.items} == {
        i["url"]: i["title"] for i in live.items}
    assert not (tmp_path / "out2" / "warc").exists()  # a replay archives nothing

    # in the crawl's own state: nothing changed, nothing emitted; an edited page: version 2
    same = run_crawl(tmp_path, "-a", pattern, registry=registry, output="out3")
    assert same.returncode == 0 and same.items == [], same.stderr[-3000:]
    changed = live.items[0]["url"]
    edited_copy(archives[0], tmp_path / "edited.warc.gz", changed)
    again = run_crawl(tmp_path, "-a", f"warc={tmp_path}/edited.warc.gz", registry=registry,
                      output="out3")
    assert again.returncode == 0, again.stderr[-3000:]
    assert [(i["url"], i["version"], i["updated"]) for i in again.items] == [(changed, 2, True)]
    assert "Correction: " in again.items[0]["body"]


def test_a_missing_warc_file_stops_the_run_with_exit_2(tmp_path: Path) -> None:
    result = run_crawl(tmp_path, "-a", f"warc={tmp_path}/nothing-*.warc.gz")
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "error" in line.lower()]
    assert errors == [f"newscrawl: error: -a warc: no WARC file at '{tmp_path}/nothing-*.warc.gz'"]
    assert "Spider opened" not in result.stderr


KILLS = 3


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:  # renamed by a rotation meanwhile
        return 0


def test_kill_9_never_leaves_a_torn_finished_archive(tmp_path: Path) -> None:
    """Killed at random points of an archived crawl (with rotation every ~150 kB); after
    each kill every finished archive reads to its end, and the next run completes the
    killed run's archive; every item in a feed has its response in some archive."""
    with DemoNetwork(base_port=0, large=120) as net:
        env = Env(tmp_path, net.write_registry(tmp_path / "sites.yaml"))
        warc = env.output / "warc"
        options = ("-s", "NEWSCRAWL_WARC=1", "-s", "NEWSCRAWL_WARC_MAX_BYTES=150000")
        rng = random.Random(SEED)
        for _ in range(KILLS):
            left = set(warc.glob(".*.part"))  # the last killed run's, recovered by this one
            proc = env.start(*options, "-a", "fresh=1")  # a whole crawl again: a kill lands
            threshold, deadline = rng.randrange(2_000, 140_000), time.monotonic() + 60
            while proc.poll() is None and time.monotonic() < deadline and sum(
                    _size(p) for p in warc.glob(".*.part") if p not in left) < threshold:
                time.sleep(0.01)
            kill_group(proc, signal.SIGKILL)
            proc.wait(10)
            finished = sorted(warc.glob("*.warc.gz"))
            for path in finished:
                assert complete_members_end(path)[0] == path.stat().st_size, path
            responses_in(finished)  # warcio reads every finished file to its end
        code, log = env.run(*options)
    assert code == 0, log[-3000:]
    assert not list(warc.glob(".*"))
    recovered = sorted(warc.glob("*-recovered.warc.gz"))
    archives = sorted(warc.glob("*.warc.gz"))
    stored = responses_in(archives)
    urls = {json.loads(line)["url"] for feed in env.feeds.glob("*.jsonl")
            for line in feed.read_text(encoding="utf-8").splitlines()}
    print(f"kill -9 x{KILLS} (seed {SEED}): {len(archives)} finished archives ({len(recovered)} recovered), "
          f"{len(stored)} responses, {len(urls)} items in the feeds")
    assert len(recovered) == KILLS
    assert urls and urls <= set(stored)
