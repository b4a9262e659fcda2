"""Benchmark: a whole newscrawl crawl vs the crawler a user would write instead.

    .venv/bin/python bench/crawl.py [--articles 5000] [--workdir output/bench-crawl]
                                    [--no-baseline] [--no-frontier] [--set KEY=VALUE ...]

In one run, against the offline demo network's large site (``valley-gazette``,
served by ``python -m newscrawl.demo --large N`` in a subprocess):

1. newscrawl: ``scrapy crawl news`` over a registry holding only that site;
2. the baseline: ``bench/baseline_spider.py``, a plain ``SitemapSpider`` calling
   ``trafilatura.bare_extraction`` on every page (run outside the project, so
   none of newscrawl's settings apply to it);
3. the frontier check: newscrawl again on a site with 10×N articles in its
   sitemaps and ``-a max_articles=N``, so the frontier grows tenfold while the
   work stays the same: peak RSS should not.

Politeness is off for the benchmark only (no delay, no AutoThrottle, 32
requests per site); robots.txt is still obeyed.  Peak RSS sums the crawl
process and all its children (the extraction workers), sampled every 0.2 s.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Self

import yaml

ROOT = Path(__file__).resolve().parent.parent
LARGE_SITE = "valley-gazette"
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32", "-s", "CONCURRENT_REQUESTS=64"]
UNCAPPED = ["-s", "NEWSCRAWL_MAX_PAGES_PER_SITE=0"]  # a backfill: no per-run page cap
SAMPLE_EVERY = 0.2  # seconds between /proc samples
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLK_TCK = os.sysconf("SC_CLK_TCK")

logger = logging.getLogger("bench.crawl")


@dataclass
class Result:
    """What one crawl cost and produced."""

    name: str
    wall_s: float
    responses: int
    items: int
    peak_rss_mb: float
    cpu_s: float
    cpu_main_s: float  # the crawl process alone: Scrapy's reactor and what runs in it
    returncode: int

    @property
    def pages_per_s(self) -> float:
        return self.responses / self.wall_s if self.wall_s else 0.0

    @property
    def items_per_s(self) -> float:
        return self.items / self.wall_s if self.wall_s else 0.0


# -- process-tree sampling ---------------------------------------------------------------
def _proc_table() -> dict[int, tuple[int, int, float]]:
    """pid -> (parent pid, RSS bytes, CPU seconds) for every process we can read."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="latin-1") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited between listdir and open
        ppid, cpu = int(fields[1]), (int(fields[11]) + int(fields[12])) / CLK_TCK
        table[int(entry)] = (ppid, int(fields[21]) * PAGE_SIZE, cpu)
    return table


def _tree(root: int, table: dict[int, tuple[int, int, float]]) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in table:
            found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


class TreeSampler(threading.Thread):
    """Peak summed RSS and total CPU of a process and all its descendants."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root, self.peak_rss, self.cpu = root, 0, {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            table = _proc_table()
            pids = _tree(self.root, table)
            self.peak_rss = max(self.peak_rss, sum(table[p][1] for p in pids))
            self.cpu.update({p: table[p][2] for p in pids})  # last value seen per process
            self.done.wait(SAMPLE_EVERY)


def run_measured(name: str, command: list[str], cwd: Path, log: Path, feed: Path) -> Result:
    """Run one crawl to completion, sampling its process tree; count what it wrote."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPY_")}
    logger.info("%s: %s", name, " ".join(command))
    start = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        code = proc.wait()
    wall = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    text = log.read_text(encoding="utf-8", errors="replace")
    match = re.search(r"'response_received_count': (\d+)", text)
    items = sum(1 for _ in feed.open(encoding="utf-8")) if feed.exists() else 0
    result = Result(name, wall, int(match.group(1)) if match else 0, items,
                    sampler.peak_rss / 2**20, sum(sampler.cpu.values()),
                    sampler.cpu.get(proc.pid, 0.0), code)
    if code != 0:
        logger.warning("%s exited with %d; see %s", name, code, log)
    return result


# -- the demo network ---------------------------------------------------------------------
class Demo:
    """``python -m newscrawl.demo --large N`` in a subprocess (its CPU is not the crawl's)."""

    def __init__(self, articles: int, workdir: Path) -> None:
        self.articles, self.workdir = articles, workdir
        self.registry = workdir / f"demo-{articles}.yaml"

    def __enter__(self) -> Self:
        self.registry.unlink(missing_ok=True)
        command = [sys.executable, "-m", "newscrawl.demo", "--large", str(self.articles),
                   "--base-port", "0", "--registry-out", str(self.registry)]
        self.log = (self.workdir / f"demo-{self.articles}.log").open("w", encoding="utf-8")
        self.proc = subprocess.Popen(command, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while not self.registry.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"demo network did not start; see {self.log.name}")
            time.sleep(0.1)
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()

    def site_registry(self) -> tuple[Path, str]:
        """A registry with only the large site, and that site's URL."""
        data = yaml.safe_load(self.registry.read_text(encoding="utf-8"))
        entry = next(s for s in data["sites"] if s["name"] == LARGE_SITE)
        path = self.workdir / f"large-{self.articles}.yaml"
        path.write_text(yaml.safe_dump({"sites": [entry]}), encoding="utf-8")
        return path, entry["url"]


# -- the crawls ---------------------------------------------------------------------------
def newscrawl(name: str, registry: Path, workdir: Path, extra: list[str]) -> Result:
    run_dir = workdir / name
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    feed = run_dir / "out.jsonl"
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sites={registry}",
               "-O", str(feed), *FAST, "-s", "STATS_DUMP=True",  # the counts read below
               "-s", f"NEWSCRAWL_STATE_DIR={run_dir / 'state'}",
               "-s", f"NEWSCRAWL_OUTPUT_DIR={run_dir / 'output'}", *UNCAPPED, *extra]
    return run_measured(name, command, ROOT, run_dir / "crawl.log", feed)


def baseline(site_url: str, workdir: Path) -> Result:
    run_dir = workdir / "baseline"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    feed = (run_dir / "out.jsonl").resolve()
    command = [sys.executable, "-m", "scrapy", "runspider",
               str(ROOT / "bench" / "baseline_spider.py"), "-a", f"sitemap={site_url}sitemap.xml",
               "-O", str(feed), *FAST]
    # cwd outside the project, so newscrawl's settings stay out of it: Scrapy looks for a
    # scrapy.cfg from the cwd upwards, and the default workdir lies inside the project (its
    # target filter then refused the loopback demo: 0 items, and a ratio against nothing)
    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as outside:
        result = run_measured("baseline", command, Path(outside), run_dir.resolve() / "crawl.log",
                              feed)
    if not result.items:
        raise SystemExit(f"bench/crawl.py: the baseline wrote no item; see {run_dir / 'crawl.log'}")
    return result


# -- report -------------------------------------------------------------------------------
ROWS = (("wall time (s)", "wall_s", "{:.1f}"), ("responses", "responses", "{:d}"),
        ("pages/s", "pages_per_s", "{:.1f}"), ("items written", "items", "{:d}"),
        ("items/s", "items_per_s", "{:.1f}"), ("peak RSS, tree (MB)", "peak_rss_mb", "{:.0f}"),
        ("CPU, tree (s)", "cpu_s", "{:.1f}"), ("CPU, main process (s)", "cpu_main_s", "{:.1f}"))


def table(results: list[Result], ratio: tuple[str, str] | None) -> str:
    """A Markdown table, one column per crawl, plus first/second ratios."""
    head = ["metric", *(r.name for r in results)] + (["ratio"] if ratio else [])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    by_name = {r.name: r for r in results}
    for label, attr, fmt in ROWS:
        cells = [fmt.format(getattr(r, attr)) for r in results]
        if ratio:
            a, b = getattr(by_name[ratio[0]], attr), getattr(by_name[ratio[1]], attr)
            cells.append(f"{a / b:.2f}×" if b else "-")
        lines.append("| " + " | ".join([label, *cells]) + " |")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000, help="article pages (N)")
    parser.add_argument("--workdir", type=Path, default=ROOT / "output" / "bench-crawl")
    parser.add_argument("--no-baseline", action="store_true", help="skip the baseline crawl")
    parser.add_argument("--no-frontier", action="store_true", help="skip the 10×N frontier run")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="extra -s setting for the newscrawl runs (experiments)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    args = parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    extra = [x for kv in args.set for x in ("-s", kv)]
    results: list[Result] = []
    with Demo(args.articles, args.workdir) as demo:
        registry, url = demo.site_registry()
        results.append(newscrawl("newscrawl", registry, args.workdir, extra))
        if not args.no_baseline:
            results.append(baseline(url, args.workdir))
    frontier: list[Result] = []
    if not args.no_frontier:
        with Demo(10 * args.articles, args.workdir) as demo:
            registry, _ = demo.site_registry()
            frontier.append(newscrawl("newscrawl-10x", registry, args.workdir,
                                      extra + ["-a", f"max_articles={args.articles}"]))
    report(args, results, frontier)
    return 0 if all(r.returncode == 0 for r in results + frontier) else 1


def report(args: argparse.Namespace, results: list[Result], frontier: list[Result]) -> None:
    """Print the tables (stdout) and keep the numbers as JSON beside the runs."""
    n = args.articles
    out = [f"## Crawl benchmark: {n} article pages, {os.cpu_count()} CPUs\n",
           table(results, ("newscrawl", "baseline") if len(results) > 1 else None)]
    if frontier:
        out += [f"\n## Frontier growth: {n} vs {10 * n} URLs in the sitemaps, {n} fetched\n",
                table([results[0], *frontier], ("newscrawl-10x", "newscrawl"))]
    sys.stdout.write("\n".join(out) + "\n")
    data = {"articles": n, "runs": [asdict(r) | {"pages_per_s": r.pages_per_s,
                                                  "items_per_s": r.items_per_s}
                                    for r in results + frontier]}
    (args.workdir / "results.json").write_text(json.dumps(data, indent=2), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
