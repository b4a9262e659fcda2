"""The extraction pool: fair hand-out between sites, prefetch (a worker holds the next
task), per-task budgets, crashes, close, death with the crawl, heap trimming."""

from __future__ import annotations

import asyncio
import copy
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from newscrawl.processes import pid_alive
from newscrawl.spiders import extractor_worker
from newscrawl.spiders.extractor import (
    CLOSE_GRACE,
    HEAVY_BYTES,
    ExtractionCrashed,
    ExtractionTimeout,
    PageExtractor,
)

MIB = 2**20


def _order(workers: int, jobs: list[tuple[str, float]]) -> list[str]:
    """Start the jobs 50 ms apart (site, seconds of work); the order they finish in."""
    async def main() -> list[str]:
        extractor = PageExtractor(workers)
        finished: list[str] = []

        async def job(n: int, site: str, seconds: float) -> None:
            await extractor.run(time.sleep, seconds, site=site)
            finished.append(f"{site}-{n}")
        try:
            await extractor.run(time.sleep, 0, site="warm-up")  # the workers are started
            tasks = []
            for n, (site, seconds) in enumerate(jobs):
                tasks.append(asyncio.create_task(job(n, site, seconds)))
                await asyncio.sleep(0.05)
            await asyncio.gather(*tasks)
        finally:
            extractor.close()
        return finished
    return asyncio.run(main())


def test_a_site_queueing_many_tasks_does_not_hold_another_sites_task_behind_them() -> None:
    order = _order(1, [("busy", 0.3), ("busy", 0.3), ("busy", 0.3), ("calm", 0.01)])
    assert order == ["busy-0", "calm-3", "busy-1", "busy-2"]


def test_with_two_workers_the_second_goes_to_the_site_holding_none() -> None:
    order = _order(2, [("busy", 0.6), ("busy", 0.6), ("busy", 0.6), ("calm", 0.01)])
    assert order.index("calm-3") < order.index("busy-2")



# -- prefetch, budgets, crashes, close ------------------------------------------------------
def _pool_run(scenario: Callable[[PageExtractor], Awaitable[Any]], workers: int = 1,
              timeout: float = 0.0) -> tuple[Any, dict[str, int]]:
    """*scenario*'s result on a started pool, and the stats it counted."""
    stats = _Stats()

    async def main() -> Any:
        extractor = PageExtractor(workers, timeout=timeout, stats=stats)
        try:
            for _ in range(workers):
                await extractor.run(time.sleep, 0)  # every worker up and importing done
            return await scenario(extractor)
        finally:
            extractor.close()
    return asyncio.run(main()), stats.values


class _Stats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str) -> None:
        self.values[key] = self.values.get(key, 0) + 1


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer does


def _nap(seconds: float, value: int) -> int:
    time.sleep(seconds)
    return value


def _nap_on(body: bytes, seconds: float) -> int:
    time.sleep(seconds)
    return len(body)


def test_a_task_waits_for_the_first_worker_to_end_not_behind_a_long_task() -> None:
    """Both workers run long tasks of other sites (past LONG_RUN): a task of a site with
    nothing in flight is not queued behind the one handed out first (3 s) but goes to
    the worker that ends first (1 s)."""
    async def scenario(extractor: PageExtractor) -> float:
        long = asyncio.ensure_future(extractor.run(time.sleep, 3.0, site="long"))
        await asyncio.sleep(0.05)
        short = asyncio.ensure_future(extractor.run(time.sleep, 1.0, site="short"))
        await asyncio.sleep(0.6)
        submitted = time.time()
        started = await extractor.run(time.time, site="calm")
        await asyncio.gather(long, short)
        return started - submitted
    waited, stats = _pool_run(scenario, workers=2)
    assert waited < 1.2, f"the calm site's task started {waited:.2f}s after it came"
    assert stats == {}


def test_heavy_tasks_of_one_site_leave_a_worker_for_other_sites() -> None:
    """Two big bodies (sitemaps) of one site are parsed one after the other, not on both
    workers at once: another site's task that comes meanwhile starts at once."""
    async def scenario(extractor: PageExtractor) -> tuple[float, list[int], float]:
        body = bytes(HEAVY_BYTES)
        start = time.time()
        big = [asyncio.ensure_future(extractor.run(_nap_on, body, 1.5, site="big"))
               for _ in range(2)]
        await asyncio.sleep(0.3)
        submitted = time.time()
        started = await extractor.run(time.time, site="calm")
        sizes = list(await asyncio.gather(*big))
        return started - submitted, sizes, time.time() - start
    (waited, sizes, spent), stats = _pool_run(scenario, workers=2)
    assert waited < 0.6, f"the calm site's task started {waited:.2f}s after it came"
    assert sizes == [HEAVY_BYTES] * 2 and spent >= 3.0  # both parsed, one after the other
    assert stats == {}


def test_every_task_of_many_sites_runs_once() -> None:
    """Sites arriving while another holds the workers' queued slots make the pool recall
    queued tasks: each task still gives its own answer, and the pool ends with nothing
    held."""
    async def scenario(extractor: PageExtractor) -> list[int]:
        jobs = []
        for n in range(60):
            site = "heavy" if n % 3 else f"light-{n % 4}"
            jobs.append(asyncio.ensure_future(
                extractor.run(_nap, 0.02 if site == "heavy" else 0.001 * (n % 5), n, site=site)))
            if n % 7 == 0:
                await asyncio.sleep(0.005 * (n % 4))
        results = list(await asyncio.gather(*jobs))
        assert not extractor._waiting and not +extractor._busy
        assert all(not w.tasks and w.recalling is None for w in extractor._pool)
        return results
    results, stats = _pool_run(scenario, workers=2)
    assert results == list(range(60)) and stats == {}


def test_a_recall_that_comes_after_the_worker_started_the_task_changes_nothing() -> None:
    """The reactor, busy, has not read that the worker finished its first task and
    started the queued one when another site's task makes it recall that one."""
    async def scenario(extractor: PageExtractor) -> tuple[list[str], list[int]]:
        finished: list[str] = []

        async def job(name: str, seconds: float, value: int, site: str) -> int:
            result = await extractor.run(_nap, seconds, value, site=site)
            finished.append(name)
            return result
        await extractor.run(_nap, 0, 0)  # the worker has imported this module
        first = asyncio.ensure_future(job("busy-0", 0.2, 0, "busy"))
        second = asyncio.ensure_future(job("busy-1", 0.3, 1, "busy"))
        await asyncio.sleep(0.05)
        time.sleep(0.4)  # noqa: ASYNC251 - busy-0 ends, busy-1 starts, the reactor does not know
        calm = asyncio.ensure_future(job("calm", 0.0, 2, "calm"))  # recalls busy-1: too late
        results = list(await asyncio.gather(first, second, calm))
        assert all(not w.tasks and w.recalling is None for w in extractor._pool)
        return finished, results
    (finished, results), stats = _pool_run(scenario)
    assert finished == ["busy-0", "busy-1", "calm"] and results == [0, 1, 2]
    assert stats == {}


def test_a_worker_starts_its_next_task_while_the_reactor_is_busy() -> None:
    """The next task is already in the worker when the running one ends: it starts at
    once, not when the reactor (blocked here for 1.5 s) gets round to the result."""
    async def scenario(extractor: PageExtractor) -> float:
        start = time.time()
        first = asyncio.ensure_future(extractor.run(time.sleep, 0.3))
        second = asyncio.ensure_future(extractor.run(time.time))
        await asyncio.sleep(0.05)  # both handed out
        time.sleep(1.5)  # noqa: ASYNC251 - the reactor busy with other work
        await first
        return await second - start
    started, _ = _pool_run(scenario)
    assert 0.3 <= started < 1.0, f"second task started {started:.2f}s in"


def test_a_queued_tasks_budget_starts_when_its_worker_starts_it() -> None:
    async def scenario(extractor: PageExtractor) -> tuple[list[Any], float]:
        start = time.monotonic()
        results = await asyncio.gather(extractor.run(time.sleep, 0.7),
                                       extractor.run(time.sleep, 0.7), return_exceptions=True)
        return results, time.monotonic() - start
    (results, spent), stats = _pool_run(scenario, timeout=1.0)
    assert results == [None, None] and spent >= 1.4  # one after the other, both in budget
    assert stats == {}


def test_a_task_queued_behind_one_that_overstays_runs_on_the_replacement() -> None:
    async def scenario(extractor: PageExtractor) -> tuple[list[Any], int]:
        before = await extractor.run(os.getpid)
        results = await asyncio.gather(extractor.run(time.sleep, 60), extractor.run(os.getpid),
                                       return_exceptions=True)
        return results, before
    (results, before), stats = _pool_run(scenario, timeout=1.0)
    assert isinstance(results[0], ExtractionTimeout)
    assert isinstance(results[1], int) and results[1] != before  # re-run, not failed
    assert stats == {"newscrawl/extract/timeout": 1}


def test_a_worker_that_dies_fails_only_the_task_it_was_running() -> None:
    async def scenario(extractor: PageExtractor) -> tuple[list[Any], int]:
        before = await extractor.run(os.getpid)
        results = await asyncio.gather(extractor.run(_die), extractor.run(os.getpid),
                                       return_exceptions=True)
        return results, before
    (results, before), stats = _pool_run(scenario)
    assert isinstance(results[0], ExtractionCrashed)
    assert isinstance(results[1], int) and results[1] != before
    assert stats == {"newscrawl/extract/crashed": 1}


def test_a_result_comes_back_whole() -> None:
    shared = ["shared"]
    value = {"title": "T", "authors": ["A", "B"], "nested": {"twice": (shared, shared)},
             "body": "x" * 300_000, "bytes": b"\x00" * 10}

    async def scenario(extractor: PageExtractor) -> list[Any]:
        return list(await asyncio.gather(*(extractor.run(copy.deepcopy, value)
                                           for _ in range(4))))
    results, _ = _pool_run(scenario)
    assert results == [value] * 4
    twice = results[0]["nested"]["twice"]
    assert twice[0] is twice[1]


def test_a_tasks_own_error_reaches_its_caller_and_the_worker_goes_on() -> None:
    async def scenario(extractor: PageExtractor) -> tuple[list[Any], int]:
        before = await extractor.run(os.getpid)
        results = await asyncio.gather(extractor.run(int, "x"), extractor.run(os.getpid),
                                       return_exceptions=True)
        return results, before
    (results, before), stats = _pool_run(scenario)
    assert isinstance(results[0], ValueError) and results[1] == before
    assert stats == {}


def test_the_reactor_process_runs_no_helper_thread_for_the_workers() -> None:
    threads = set(threading.enumerate())

    async def scenario(extractor: PageExtractor) -> set[threading.Thread]:
        await asyncio.gather(*(extractor.run(os.getpid) for _ in range(6)))
        return set(threading.enumerate()) - threads
    extra, _ = _pool_run(scenario, workers=2)
    assert not extra, f"threads started: {[t.name for t in extra]}"


def test_a_16_mib_body_for_a_busy_worker_does_not_stall_the_loop() -> None:
    body = os.urandom(16 * 2**20)

    async def scenario(extractor: PageExtractor) -> tuple[int, float]:
        busy = asyncio.ensure_future(extractor.run(time.sleep, 1.0))
        await asyncio.sleep(0.05)
        start = time.perf_counter()
        big = asyncio.ensure_future(extractor.run(len, body))
        await asyncio.sleep(0)  # handed out: written as far as the socket takes it
        stalled = time.perf_counter() - start
        await busy
        return await big, stalled
    (size, stalled), _ = _pool_run(scenario)
    assert size == len(body)
    assert stalled < 0.5, f"the loop stalled {stalled:.2f}s"  # the worker is busy for 1 s


def test_close_ends_idle_workers_at_once_and_busy_ones_after_the_grace() -> None:
    async def main() -> tuple[list[int], float]:
        extractor = PageExtractor(2)
        pids = list(await asyncio.gather(extractor.run(os.getpid), extractor.run(os.getpid)))
        hung = asyncio.ensure_future(extractor.run(time.sleep, 60))
        await asyncio.sleep(0.2)
        start = time.monotonic()
        extractor.close()
        took = time.monotonic() - start
        await asyncio.sleep(0)
        assert hung.cancelled()
        return pids, took
    pids, took = asyncio.run(main())
    assert len(set(pids)) == 2
    assert CLOSE_GRACE - 0.2 < took < CLOSE_GRACE + 1.5
    assert not [pid for pid in pids if pid_alive(pid)]


def test_workers_die_within_a_second_of_a_sigkill_of_the_crawl(tmp_path: Path) -> None:
    script = tmp_path / "crawl.py"
    script.write_text(
        "import asyncio, os, sys, time\n"
        "from newscrawl.spiders.extractor import PageExtractor\n"
        "async def main():\n"
        "    extractor = PageExtractor(2)\n"
        "    pids = await asyncio.gather(extractor.run(os.getpid), extractor.run(os.getpid))\n"
        "    asyncio.ensure_future(extractor.run(time.sleep, 60))\n"
        "    print(*pids, flush=True)\n"
        "    await asyncio.sleep(60)\n"
        "asyncio.run(main())\n")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parents[1])
    try:
        assert proc.stdout is not None
        pids = [int(pid) for pid in proc.stdout.readline().split()]
        time.sleep(0.3)  # one worker busy, one idle
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 1.0
    while any(pid_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(pids) == 2 and not [pid for pid in pids if pid_alive(pid)]


# -- heap trimming ---------------------------------------------------------------------------
def test_a_worker_trims_its_heap_only_after_it_grew(monkeypatch: pytest.MonkeyPatch) -> None:
    rss = [100 * MIB]
    trims: list[int] = []
    monkeypatch.setattr(extractor_worker, "resident_bytes", lambda: rss[0])
    monkeypatch.setattr(extractor_worker, "trim_heap",
                        lambda: (trims.append(rss[0]), rss.__setitem__(0, rss[0] - 20 * MIB)))
    trimmer = extractor_worker.HeapTrimmer()
    for size in (101, 104, 108, 103):  # ordinary pages: within TRIM_GROWTH of the floor
        rss[0] = size * MIB
        assert not trimmer.after_task()
    rss[0] = 190 * MIB  # a 40,000-link listing
    assert trimmer.after_task() and trims == [190 * MIB]
    rss[0] = 175 * MIB  # back near the trimmed size (170): no trim
    assert not trimmer.after_task()
    rss[0] = 179 * MIB  # 9 MiB above the trimmed size
    assert trimmer.after_task() and len(trims) == 2


def test_without_proc_a_worker_trims_after_every_task(monkeypatch: pytest.MonkeyPatch) -> None:
    trims: list[None] = []
    monkeypatch.setattr(extractor_worker, "resident_bytes", lambda: None)
    monkeypatch.setattr(extractor_worker, "trim_heap", lambda: trims.append(None))
    trimmer = extractor_worker.HeapTrimmer()
    assert all(trimmer.after_task() for _ in range(3)) and len(trims) == 3


def test_a_worker_imports_the_crawls_code_not_a_package_in_the_current_directory(
        tmp_path: Path) -> None:
    """A crawl started from a directory holding another ``newscrawl`` (an old checkout)
    must not hand its pages to workers running that one."""
    decoy = tmp_path / "cwd" / "newscrawl"
    decoy.mkdir(parents=True)
    (decoy / "__init__.py").write_text("raise ImportError('the decoy was imported')\n")
    script = tmp_path / "crawl.py"
    script.write_text(
        "import asyncio, os\n"
        "from newscrawl.spiders.extractor import PageExtractor\n"
        "async def main():\n"
        "    extractor = PageExtractor(1)\n"
        "    try:\n"
        "        print(await extractor.run(os.getpid))\n"
        "    finally:\n"
        "        extractor.close()\n"
        "asyncio.run(main())\n")
    env = {**os.environ,
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}  # the code under test
    done = subprocess.run([sys.executable, str(script)], cwd=decoy.parent, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout) > 0
