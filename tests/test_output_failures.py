"""Output failures are failures, end to end: exit 8, the summary names the feed, and
nothing unwritten is marked seen (the next run emits it). Plus ``-a fresh=1`` on an
existing state, and a page whose JSON-LD holds a lone surrogate."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FAST, ROOT, run_crawl

from newscrawl import exitcodes
from newscrawl.demo.server import DemoHTTPServer, Resource, ServerThread

pytestmark = pytest.mark.e2e


def _crawl(tmp: Path, registry: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", "crawl", "news", *FAST,
            "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp / 'out'}",
            "-s", f"NEWSCRAWL_STATE_DIR={tmp / 'state'}",
            "-a", f"sites={registry}", *args]


def test_unwritable_o_fails_the_run_and_marks_nothing_seen(demo, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("not a folder\n")
    target = tmp_path / "afile" / "all.jsonl"  # its parent is a regular file
    failed = run_crawl(tmp_path, "-O", str(target), registry=demo.registry_path)
    assert failed.returncode == exitcodes.OUTPUT_FAILED, failed.stderr[-3000:]
    assert f"output failed (nothing unwritten marked seen): {target}: NotADirectoryError" \
        in failed.stderr
    again = run_crawl(tmp_path, registry=demo.registry_path)
    assert again.returncode == 0, again.stderr[-3000:]
    print(f"-O into a path under a regular file: exit {failed.returncode}; "
          f"next run emitted {len(again.items)} of {len(demo.truth())} articles")
    assert len(again.items) == len(demo.truth())


def test_broken_pipe_on_stdout_fails_the_run_in_one_line_and_marks_nothing_seen(
        demo, tmp_path: Path) -> None:
    crawl = subprocess.Popen(_crawl(tmp_path, demo.registry_path, "-o", "-:jsonlines"), cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    head = subprocess.run(["head", "-n", "1"], stdin=crawl.stdout, capture_output=True,
                          timeout=240)
    assert crawl.stdout is not None
    crawl.stdout.close()  # only head reads the pipe: once it exits, writes fail
    _, err = crawl.communicate(timeout=240)
    assert json.loads(head.stdout)["url"]
    assert crawl.returncode == exitcodes.OUTPUT_FAILED, err.decode()[-3000:]
    log = err.decode()
    assert "output failed (nothing unwritten marked seen): stdout: BrokenPipeError" in log
    # One ERROR line names the broken pipe (the summary repeats it), and no traceback:
    # Scrapy's feed exporter used to log one for every item scraped after the pipe broke.
    assert "Traceback" not in log, log[-3000:]
    named = [line for line in log.splitlines() if "BrokenPipeError" in line]
    assert len(named) == 2 and "ERROR: cannot write the feed stdout: BrokenPipeError" in named[0]
    stored = re.search(r"Stored jsonlines feed \((\d+) items\) in: stdout:", log)
    scraped = re.search(r"run summary \(export_failed, [^)]*exit 8\): (\d+) items", log)
    assert stored and scraped, log[-3000:]
    # Scrapy counts what reached the pipe, the summary what was scraped, nothing else.
    assert 1 <= int(stored[1]) < int(scraped[1]) <= len(demo.truth())
    again = run_crawl(tmp_path, registry=demo.registry_path)
    print(f"-o - | head -n 1: exit {crawl.returncode}, {len(named)} lines name the pipe, "
          f"{stored[1]} of {scraped[1]} items reached it; "
          f"next run emitted {len(again.items)} of {len(demo.truth())} articles")
    assert len(again.items) == len(demo.truth())


def test_fresh_run_on_an_existing_state_links_syndicated_copies(demo, tmp_path: Path) -> None:
    first = run_crawl(tmp_path, registry=demo.registry_path)
    fresh = run_crawl(tmp_path, "-a", "fresh=1", registry=demo.registry_path)
    assert first.returncode == fresh.returncode == 0, fresh.stderr[-3000:]
    # As groups of articles: which copy of a pair arrives first (the one the other links
    # to), and which spelling of a page (a trailing slash, a redirect alias) is fetched
    # first, are the network's timing in either run; fresh=1 asks no question of the
    # earlier run.
    linked, relinked = _stories(first.items), _stories(fresh.items)
    print(f"fresh=1 on an existing state: {len(fresh.items)} items, {len(relinked)} of "
          f"{len(linked)} syndicated stories linked (first run)")
    assert linked and relinked == linked
    assert len(fresh.items) == len(first.items)


def _stories(items: list[dict]) -> set[frozenset[str]]:
    """Linked copies as groups of content hashes (stable whichever URL spelling was
    fetched, and whichever copy of a story of three the others link to)."""
    content = {u: i["content_hash"] for i in items for u in (i["url"], i["canonical_url"])}
    group: dict[str, set[str]] = {}
    for item in items:
        if item["duplicate_of"]:
            a, b = item["content_hash"], content.get(item["duplicate_of"], item["duplicate_of"])
            merged = group.get(a, {a}) | group.get(b, {b})
            for member in merged:
                group[member] = merged
    return {frozenset(members) for members in group.values()}


# -- a page whose JSON-LD holds a lone surrogate --------------------------------------------

PARAGRAPH = ("The district council met on {day} to discuss the new water scheme for the "
             "eastern wards, which residents say has been delayed for three years while "
             "pipes lay unused in a depot beside the river. Engineers told the council that "
             "work would resume in the spring once the last permits are signed.")


def _article(n: int, image: str) -> bytes:
    day = ("Monday", "Tuesday", "Wednesday")[n]
    body = "".join(f"<p>{PARAGRAPH.format(day=day)} Paragraph {k} of story {n}.</p>"
                   for k in range(5))
    jsonld = ('{"@context": "https://schema.org", "@type": "NewsArticle", '
              f'"headline": "Water scheme story {n}", "image": "{image}", '
              '"datePublished": "2026-03-0' + str(n + 1) + 'T10:00:00+00:00"}')
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<title>Water scheme story {n}</title><meta property="og:type" content="article">'
            f'<script type="application/ld+json">{jsonld}</script></head>'
            f'<body><article><h1>Water scheme story {n}</h1>{body}</article></body></html>'
            ).encode()


class SurrogateSite:
    """Three articles in a sitemap; the second's JSON-LD image is ``\\ud83d`` (escaped)."""

    name = "surrogates"

    def __init__(self, url: str) -> None:
        images = [f"{url}img/{n}.jpg" for n in range(3)]
        images[1] = f"{url}img/\\ud83d.jpg"  # a JSON escape: a lone surrogate once decoded
        self.routes = {f"/news/story-{n}.html": Resource(_article(n, images[n]))
                       for n in range(3)}
        locs = "".join(f"<url><loc>{url}news/story-{n}.html</loc></url>" for n in range(3))
        self.routes["/sitemap.xml"] = Resource(
            ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
             f'schemas/sitemap/0.9">{locs}</urlset>').encode(), "application/xml")
        self.routes["/robots.txt"] = Resource(f"Sitemap: {url}sitemap.xml\n".encode(),
                                              "text/plain")
        self.routes["/"] = Resource(b"<html><body><p>home</p></body></html>")

    def resolve(self, path: str, query: str) -> Resource:
        return self.routes.get(path, Resource(b"not found", "text/plain", 404))


@pytest.fixture
def surrogate_site(tmp_path: Path):
    server = DemoHTTPServer("127.0.0.1", 0, lambda record: None)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    server.site = SurrogateSite(url)
    thread = ServerThread(server)
    thread.start()
    registry = tmp_path / "sites.yaml"
    registry.write_text(f"sites:\n- name: surrogates\n  url: {url}\n  language: en\n")
    yield registry
    thread.stop()


def test_a_lone_surrogate_is_sanitised_and_every_item_written(surrogate_site: Path,
                                                             tmp_path: Path) -> None:
    result = run_crawl(tmp_path, registry=surrogate_site)
    assert result.returncode == 0, result.stderr[-3000:]
    sanitised = [i["image"] for i in result.items if "\ufffd" in i["image"]]
    lines = result.feed.read_bytes().count(b"\n") if result.feed else 0
    print(f"lone surrogate in JSON-LD: {len(result.items)} items, {lines} feed lines, "
          f"image written as {[s.rsplit('/', 1)[1] for s in sanitised]}")
    assert len(result.items) == lines == 3
    assert "run summary (finished" in result.stderr and ": 3 items ->" in result.stderr
    assert len(sanitised) == 1
    again = run_crawl(tmp_path, registry=surrogate_site)
    assert again.returncode == 0 and again.items == []  # all three durable, all three seen
