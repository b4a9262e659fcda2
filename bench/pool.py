"""Benchmark: the extraction worker pool alone, without pages.

    .venv/bin/python bench/pool.py [--tasks 600] [--callers 8] [--task-ms 8] [--reactor-ms 0]

``--callers`` coroutines each hand a task of ``--task-ms`` of CPU (PBKDF2, in
C) to a 2-worker :class:`PageExtractor`, then keep the event loop busy for
``--reactor-ms`` (the reactor's own work per page), until ``--tasks`` are done.
Prints the reactor process's CPU per task (what the pool costs the reactor),
the workers' CPU, and tasks/s (wall: only meaningful on a quiet machine).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import time

from newscrawl.spiders.extractor import PageExtractor


def iterations(ms: float) -> int:
    """PBKDF2 iterations that take about *ms* of CPU here."""
    count = 1000
    while True:
        start = time.process_time()
        hashlib.pbkdf2_hmac("sha256", b"x", b"y", count)
        spent = time.process_time() - start
        if spent > 0.02:
            return max(1, int(count * ms / 1000 / spent))
        count *= 2


async def run(args: argparse.Namespace) -> None:
    work, own = iterations(args.task_ms), iterations(args.reactor_ms) if args.reactor_ms else 0
    pool = PageExtractor(2)
    try:
        await asyncio.gather(*(pool.run(time.sleep, 0.2) for _ in range(2)))  # both up
        left = [args.tasks]

        async def caller() -> None:
            while left[0] > 0:
                left[0] -= 1
                await pool.run(hashlib.pbkdf2_hmac, "sha256", b"x", b"y", work)
                if own:
                    hashlib.pbkdf2_hmac("sha256", b"x", b"y", own)
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.gather(*(caller() for _ in range(args.callers)))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        times = await asyncio.gather(pool.run(os.times), pool.run(os.times))
    finally:
        pool.close()
    workers = sum(t.user + t.system for t in times)
    print(f"{args.tasks} tasks in {wall:.2f}s ({args.tasks / wall:.1f}/s); reactor CPU "
          f"{cpu * 1000 / args.tasks:.2f} ms/task (incl. {args.reactor_ms:g} ms of its own); "
          f"workers' CPU since start {workers:.2f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=600)
    parser.add_argument("--callers", type=int, default=8)
    parser.add_argument("--task-ms", type=float, default=8.0)
    parser.add_argument("--reactor-ms", type=float, default=0.0)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
