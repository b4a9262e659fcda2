"""End to end: backfill from a WARC built the way CC-NEWS files look, with DNS switched off.

Real news pages (../shared/data) under their publishers' real URLs, most of them of
hosts outside the registry, plus 404s, images, redirects, revisits, request and
metadata records. The registry names the publishers with at least three pages;
the backfill must emit exactly their articles and never resolve a host name.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections import defaultdict
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import DUMP_STATS, ROOT, run_crawl, scrapy_stats
from support.dnsguard import DNS_GUARD
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

DATA = ROOT.parent / "shared" / "data"
MIN_PAGES = 3  # a publisher with this many pages in the corpus joins the registry


def corpus() -> list[dict]:
    if not DATA.is_dir():
        pytest.skip(f"{DATA} (the shared real-page corpus) is not beside the repository")
    rows = []
    for folder in ("news", "bodies"):
        for line in (DATA / folder / "truth.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            row["html"] = gzip.decompress((DATA / folder / "pages" / f"{row['id']}.html.gz")
                                          .read_bytes())
            rows.append(row)
    return rows


def captured(row: dict) -> datetime:
    """A capture date the day after publication (CC-NEWS fetches news within hours)."""
    published = row.get("published")
    when = datetime.fromisoformat(published) if published else datetime(2025, 1, 1)
    return when.replace(tzinfo=None) + timedelta(days=1)


class CcNewsWriter:
    """WARC/1.0 records as Common Crawl writes them: request, response, metadata; payloads
    stored decoded with the original codings renamed X-Crawler-*."""

    def __init__(self, fh) -> None:
        self.writer = WARCWriter(fh, gzip=True, warc_version="1.0")
        self.writer.write_record(self.writer.create_warcinfo_record(
            "CC-NEWS-20260301000000-00001.warc.gz", {"software": "StormCrawler (test)",
                                                     "format": "WARC File Format 1.0"}))
        self.records = 0

    def exchange(self, url: str, status: int, ctype: str, body: bytes, when: datetime,
                 extra: tuple[tuple[str, str], ...] = ()) -> None:
        date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        headers = [("Content-Type", ctype), ("X-Crawler-Content-Encoding", "gzip"),
                   ("Content-Length", str(len(body))), *extra]
        response = self.writer.create_warc_record(
            url, "response", payload=BytesIO(body), length=len(body),
            http_headers=StatusAndHeaders(f"{status} X", headers, protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": date, "WARC-Identified-Payload-Type": ctype})
        request = self.writer.create_warc_record(
            url, "request", payload=BytesIO(b""), length=0,
            http_headers=StatusAndHeaders(f"GET {urlsplit(url).path or '/'} HTTP/1.1", [
                ("Host", urlsplit(url).netloc), ("User-Agent", "CCBot/2.0")], is_http_request=True))
        self.writer.write_request_response_pair(request, response)
        meta = b"fetchTimeMs: 120\r\n"
        self.writer.write_record(self.writer.create_warc_record(
            url, "metadata", payload=BytesIO(meta), length=len(meta),
            warc_content_type="application/warc-fields", warc_headers_dict={"WARC-Date": date}))
        self.records += 3

    def revisit(self, url: str, when: datetime) -> None:
        record = self.writer.create_revisit_record(
            url, digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            refers_to_uri=url, refers_to_date=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                          protocol="HTTP/1.1"))
        self.writer.write_record(record)
        self.records += 1


def build(path: Path, rows: list[dict], registry_hosts: set[str]) -> dict[str, int]:
    """The CC-NEWS-like file; returns how many records of each kind it holds."""
    counts: dict[str, int] = defaultdict(int)
    with open(path, "wb") as fh:
        cc = CcNewsWriter(fh)
        for row in rows:
            host = urlsplit(row["url"]).hostname
            when = captured(row)
            cc.exchange(row["url"], 200, "text/html", row["html"], when)
            counts["ours" if host in registry_hosts else "foreign"] += 1
            if host not in registry_hosts:
                continue
            root = f"https://{host}"
            cc.exchange(f"{root}/gone-{row['id']}", 404, "text/html",
                        b"<html><body><h1>Not found</h1></body></html>", when)
            cc.exchange(f"{root}/media/{row['id']}.jpg", 200, "image/jpeg",
                        b"\xff\xd8\xff\xe0" + bytes(300), when)
            cc.exchange(f"{root}/old-{row['id']}", 301, "text/html", b"", when,
                        extra=(("Location", row["url"]),))
            cc.revisit(row["url"], when + timedelta(days=3))
            counts["noise"] += 4
        counts["records"] = cc.records + 1
    return counts


def registry_of(rows: list[dict], path: Path) -> tuple[set[str], set[str]]:
    """Publishers with MIN_PAGES pages of news/ → a registry file; (hosts, their article URLs)."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row["id"].startswith("fundus-"):
            by_host[urlsplit(row["url"]).hostname or ""].append(row["url"])
    hosts = {h for h, urls in by_host.items() if len(urls) >= MIN_PAGES}
    sites = [{"name": h.replace(".", "-"), "url": f"https://{h}/"} for h in sorted(hosts)]
    path.write_text(yaml.safe_dump({"sites": sites}), encoding="utf-8")
    urls = {u for row in rows if urlsplit(row["url"]).hostname in hosts for u in [row["url"]]}
    return hosts, urls


def test_cc_news_like_backfill_emits_exactly_the_registry_articles_without_dns(
        tmp_path: Path) -> None:
    rows = corpus()
    hosts, expected = registry_of(rows, tmp_path / "sites.yaml")
    counts = build(tmp_path / "CC-NEWS-test.warc.gz", rows, hosts)
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(DNS_GUARD, encoding="utf-8")
    dns_log = tmp_path / "dns.log"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(guard), str(ROOT)]),
           "NEWSCRAWL_TEST_DNS_LOG": str(dns_log)}
    lookup = "import socket; socket.getaddrinfo('www.example.org', 80)"
    probe = subprocess.run([sys.executable, "-c", lookup], env=env, capture_output=True,
                           text=True, check=False)
    assert probe.returncode != 0 and dns_log.read_text() == "getaddrinfo www.example.org\n"
    dns_log.unlink()  # the guard works in a subprocess; now the backfill
    result = run_crawl(tmp_path, "-a", f"warc={tmp_path}/CC-NEWS-*.warc.gz", *DUMP_STATS,
                       registry=tmp_path / "sites.yaml", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    stats = scrapy_stats(result.stderr)
    print(f"backfill: {counts['records']} records ({counts['ours']} registry pages of "
          f"{len(hosts)} publishers, {counts['foreign']} foreign pages, {counts['noise']} "
          f"noise exchanges) -> {len(result.items)} items")
    assert {i["url"] for i in result.items} == expected
    assert not dns_log.exists(), dns_log.read_text()
    assert "downloader/request_count" not in stats
    assert stats["newscrawl/warc/skipped/offsite"] == counts["foreign"]
    assert stats["newscrawl/warc/skipped/status_404"] == counts["ours"]
    assert stats["newscrawl/warc/skipped/status_301"] == counts["ours"]
    assert stats["newscrawl/warc/skipped/non_html"] == counts["ours"]
    assert stats["newscrawl/warc/skipped/revisit"] == counts["ours"]
    truth = {r["url"]: r for r in rows}
    titles = sum(i["title"] == truth[i["url"]]["title"] for i in result.items)
    print(f"titles equal to the corpus truth: {titles}/{len(result.items)}")
    assert titles >= len(result.items) * 0.7

    since = "2025-06-01"
    cut = datetime.fromisoformat(since)
    later = {u for u in expected if truth[u]["published"] and captured(truth[u]) - timedelta(
        days=1) >= cut}  # published on or after the cut (captured() is published + 1 day)
    bounded = run_crawl(tmp_path, *DUMP_STATS, "-a", f"warc={tmp_path}/CC-NEWS-*.warc.gz", "-a",
                        f"since={since}", "-a", "fresh=1", registry=tmp_path / "sites.yaml",
                        env=env, output="out-since", state="state-since")
    assert bounded.returncode == 0, bounded.stderr[-3000:]
    got = {i["url"] for i in bounded.items}
    print(f"since {since}: {len(got)} items of {len(later)} pages captured after it")
    assert got == later
    assert scrapy_stats(bounded.stderr)["newscrawl/warc/skipped/before_since"] > 0
    assert not dns_log.exists()
