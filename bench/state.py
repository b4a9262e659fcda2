"""Benchmark: does the state store stay flat as it grows?

Inserts N articles (default 1,000,000, each with one alias URL) in batches the
way the pipeline commits them, and at 1k / 100k / 1M measures lookup latency
(hit by canonical URL, hit by an alias variant with tracking parameters, miss;
``known_url`` including URL canonicalisation), insert wall and CPU time,
the database size on disk and the time ``StateStore.open`` takes (quick_check).

    .venv/bin/python bench/state.py [--n 1000000] [--redis redis://127.0.0.1:6379/0]
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from newscrawl.dedup import ArticleRecord, StateStore

BATCH = 10_000
PROBES = 2_000


def _record(i: int) -> ArticleRecord:
    site = i % 50
    return ArticleRecord(
        canonical_url=f"https://news{site}.example.com/2024/05/{i:08d}/a-story-headline-{i}",
        site=f"site{site}", content_hash=f"{i * 2654435761 % (1 << 160):040x}", version=1,
        lastmod="2024-05-01T10:00:00+00:00", story_id=f"{i:012x}",
        aliases=(f"https://news{site}.example.com/section/{i:08d}/a-story-headline-{i}",))


def _time_us(fn: Callable[[int], object], keys: list[int]) -> float:
    samples = []
    for key in keys:
        start = time.perf_counter()
        fn(key)
        samples.append((time.perf_counter() - start) * 1e6)
    return statistics.median(samples)


def _disk_mb(directory: Path) -> float:
    return sum(p.stat().st_size for p in directory.glob("state.sqlite*")) / 1e6


def _probe(store, n: int, rng: random.Random) -> dict[str, float]:
    hits = [rng.randrange(n) for _ in range(PROBES)]

    def by_alias(i: int) -> object:
        rec = _record(i)
        return store.known_url(rec.aliases[0] + "/?utm_source=rss&fbclid=x")

    return {
        "hit canonical": _time_us(lambda i: store.known_url(_record(i).canonical_url), hits),
        "hit alias": _time_us(by_alias, hits),
        "miss": _time_us(lambda i: store.known_url(f"https://nowhere.example.org/{i}"), hits),
    }


def run(n: int, redis_url: str | None) -> None:
    checkpoints = sorted({c for c in (1_000, 100_000, 1_000_000, n) if c <= n})
    tmp = Path(tempfile.mkdtemp(prefix="newscrawl-bench-"))
    if redis_url:
        from newscrawl.dedup.redis_store import RedisStateStore

        store = RedisStateStore.open(redis_url, prefix=f"bench-{int(time.time())}")
    else:
        store = StateStore.open(tmp)
    rng = random.Random(1)
    rows, inserted, insert_s, insert_cpu = [], 0, 0.0, 0.0
    try:
        for target in checkpoints:
            while inserted < target:
                upto = min(target, inserted + BATCH)
                batch = [_record(i) for i in range(inserted, upto)]
                start, cpu = time.perf_counter(), time.process_time()
                store.commit_articles(batch)
                insert_s += time.perf_counter() - start
                insert_cpu += time.process_time() - cpu
                inserted = upto
            lat = _probe(store, inserted, rng)
            size = _disk_mb(tmp) if not redis_url else float("nan")
            open_s = float("nan")
            if not redis_url:
                store.close()
                start = time.perf_counter()
                store = StateStore.open(tmp)
                open_s = time.perf_counter() - start
            rows.append((inserted, insert_s, insert_cpu, size, open_s, lat))
    finally:
        if redis_url:
            store.reset()
        store.close()
        shutil.rmtree(tmp, ignore_errors=True)
    _print(rows, "redis" if redis_url else "sqlite")


def _print(rows: list, backend: str) -> None:
    head = (f"{'articles':>10} | {'insert s':>8} | {'cpu µs/art':>10} | {'disk MB':>8} | "
            f"{'open s':>6} | {'hit canon µs':>12} | {'hit alias µs':>12} | {'miss µs':>8}")
    lines = [f"state store benchmark ({backend}, 1 alias per article, median of {PROBES})",
             head, "-" * len(head)]
    for n, ins, cpu, size, open_s, lat in rows:
        size_s = f"{size:.1f}" if not math.isnan(size) else "n/a"
        open_txt = f"{open_s:.2f}" if not math.isnan(open_s) else "n/a"
        lines.append(f"{n:>10,} | {ins:>8.1f} | {cpu / n * 1e6:>10.1f} | {size_s:>8} | "
                     f"{open_txt:>6} | {lat['hit canonical']:>12.1f} | "
                     f"{lat['hit alias']:>12.1f} | {lat['miss']:>8.1f}")
    print("\n".join(lines))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--redis", default=None, help="benchmark RedisStateStore at this URL")
    args = parser.parse_args()
    run(args.n, args.redis)
