"""Benchmark: backfilling a CC-NEWS-like WARC file through the whole newscrawl pipeline.

    .venv/bin/python bench/warc.py [--articles 1000] [--foreign 2] [--workdir output/bench-warc]

Builds one gzipped WARC (warcinfo, then request + response per capture): ``--articles``
article pages of one registry site (the demo's large site, rendered without a server)
and ``--foreign`` copies of each under hosts outside the registry, plus a 404 and an
image per ten articles. Then, in one run, on the same file:

1. the ratio base: a plain warcio iteration reading every record's content;
2. the same with FastWARC (if installed), for the reader choice in the README;
3. newscrawl: ``scrapy crawl news -a warc=FILE -a fresh=1`` (verdict, extraction,
   cleaning, dedup, state, export), records/s and articles/s over its wall time,
   peak RSS of the process tree (the crawl and its extraction workers).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from io import BytesIO
from pathlib import Path

import yaml
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crawl import ROOT, Result, run_measured  # the sibling benchmark's process sampler

SITE_URL = "https://www.valley-gazette.example"


def build_warc(path: Path, articles: int, foreign: int) -> int:
    """The benchmark file; returns its record count."""
    from newscrawl.demo.large import LargeSite

    site = LargeSite("valley-gazette", f"{SITE_URL}/", articles)
    site.build()
    records = 1
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.0")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "bench"}))
        for i in range(articles):
            page = site.resolve(site.meta(i).path, "").body
            urls = [f"{SITE_URL}{site.meta(i).path}"]
            urls += [f"https://news{k}.elsewhere{i % 97}.example/{i}.html" for k in range(foreign)]
            for url in urls:
                records += _exchange(writer, url, 200, "text/html; charset=utf-8", page)
            if i % 10 == 0:
                records += _exchange(writer, f"{SITE_URL}/gone/{i}", 404, "text/html", b"gone")
                records += _exchange(writer, f"{SITE_URL}/img/{i}.jpg", 200, "image/jpeg",
                                     b"\xff\xd8\xff" + bytes(2000))
    return records


def _exchange(writer: WARCWriter, url: str, status: int, ctype: str, body: bytes) -> int:
    response = writer.create_warc_record(
        url, "response", payload=BytesIO(body), length=len(body),
        http_headers=StatusAndHeaders(f"{status} X", [("Content-Type", ctype)],
                                      protocol="HTTP/1.1"))
    request = writer.create_warc_record(
        url, "request", payload=BytesIO(b""), length=0,
        http_headers=StatusAndHeaders("GET / HTTP/1.1", [("User-Agent", "bench")],
                                      is_http_request=True))
    writer.write_request_response_pair(request, response)
    return 2


def iterate_warcio(path: Path) -> tuple[int, float]:
    start = time.perf_counter()
    count = 0
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            record.content_stream().read()
            count += 1
    return count, time.perf_counter() - start


def iterate_fastwarc(path: Path) -> tuple[int, float] | None:
    try:
        from fastwarc.warc import ArchiveIterator as FastIterator
    except ImportError:
        return None
    start = time.perf_counter()
    count = 0
    with open(path, "rb") as fh:
        for record in FastIterator(fh, parse_http=True, auto_decode="all"):
            record.reader.read()
            count += 1
    return count, time.perf_counter() - start


def backfill(path: Path, workdir: Path) -> Result:
    run_dir = workdir / "newscrawl"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    registry = run_dir / "sites.yaml"
    registry.write_text(yaml.safe_dump({"sites": [{"name": "valley-gazette",
                                                   "url": f"{SITE_URL}/"}]}), encoding="utf-8")
    feed = run_dir / "out.jsonl"
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sites={registry}",
               "-a", f"warc={path}", "-a", "fresh=1", "-O", str(feed),
               "-s", f"NEWSCRAWL_STATE_DIR={run_dir / 'state'}",
               "-s", f"NEWSCRAWL_OUTPUT_DIR={run_dir / 'output'}"]
    return run_measured("newscrawl", command, ROOT, run_dir / "crawl.log", feed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="registry article pages")
    parser.add_argument("--foreign", type=int, default=2, help="foreign copies per article")
    parser.add_argument("--workdir", type=Path, default=ROOT / "output" / "bench-warc")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    path = args.workdir / "bench.warc.gz"
    records = build_warc(path, args.articles, args.foreign)
    read = iterate_warcio(path)
    fast = iterate_fastwarc(path)
    run = backfill(path, args.workdir)
    rows = [("warcio iteration (ratio base)", read[0] / read[1], None, None)]
    if fast is not None:
        rows.append(("fastwarc iteration", fast[0] / fast[1], None, None))
    rows.append(("newscrawl backfill", records / run.wall_s, run.items / run.wall_s,
                 run.peak_rss_mb))
    print(f"{records} records ({path.stat().st_size / 2**20:.1f} MiB), {args.articles} "
          f"registry articles; newscrawl: {run.items} items in {run.wall_s:.1f} s wall, "
          f"{run.cpu_s:.1f} s CPU ({run.items / run.cpu_s if run.cpu_s else 0:.1f} articles "
          f"per CPU-second), exit {run.returncode}\n")
    print("| reader | records/s | articles/s | peak RSS MiB | ratio to warcio |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, rate, articles, rss in rows:
        print(f"| {name} | {rate:,.0f} | {'' if articles is None else f'{articles:,.1f}'} | "
              f"{'' if rss is None else f'{rss:.0f}'} | {rate / rows[0][1]:.3f} |")
    (args.workdir / "results.json").write_text(json.dumps({
        "records": records, "articles": args.articles, "items": run.items,
        "wall_s": run.wall_s, "cpu_s": run.cpu_s, "peak_rss_mb": run.peak_rss_mb, "returncode": run.returncode,
        "warcio_records_per_s": read[0] / read[1],
        "fastwarc_records_per_s": fast[0] / fast[1] if fast else None}, indent=2))
    return 0 if run.returncode == 0 and run.items == args.articles else 1


if __name__ == "__main__":
    sys.exit(main())
