"""The extraction pool hands a freed worker to the site that has waited longest for one."""

from __future__ import annotations

import asyncio
import time

from newscrawl.spiders.extractor import PageExtractor


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

