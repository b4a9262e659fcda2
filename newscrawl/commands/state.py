"""``scrapy state runs|site|forget|export``: look into the state between runs, and repair it.

The state is what makes runs incremental: which articles were emitted, each site's
extraction health, and (since this command exists) a summary of every run. It
works on the SQLite state of ``NEWSCRAWL_STATE_DIR``, under the same lock as a
crawl, so it never changes the state under a running crawl.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from newscrawl import config, exitcodes
from newscrawl.dedup.lock import AlreadyRunning, RunLock
from newscrawl.dedup.sqlite_store import StateStore
from newscrawl.export.files import write_atomically

SYNTAX = ("runs [-n N] | site NAME | forget --site NAME | forget --url URL | "
          "export --since YYYY-MM-DD -O FILE")


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False  # no crawl: no Scrapy start-up banner before the answer
    default_settings = {"LOG_LEVEL": "WARNING"}  # noqa: RUF012 (Scrapy's own convention)

    def syntax(self) -> str:
        return SYNTAX

    def short_desc(self) -> str:
        return "Show past runs and site health, forget a site or URL, re-export past items"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--site", help="forget: this site's articles")
        parser.add_argument("--url", help="forget: this article (canonical URL or alias)")
        parser.add_argument("--since", help="export: items fetched on or after YYYY-MM-DD")
        parser.add_argument("-O", dest="out", help="export: write the items to this file")
        parser.add_argument("-n", dest="n", type=int, default=20, help="runs: how many")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if not args:
            raise UsageError(f"usage: scrapy state {SYNTAX}")
        try:
            config.check_settings({k: v for k, v in self.settings.items()
                                   if k.startswith("NEWSCRAWL_")})
            if self.settings.get("NEWSCRAWL_REDIS_URL"):
                raise ValueError("scrapy state works on the SQLite state; "
                                 "NEWSCRAWL_REDIS_URL is set")
            self.exitcode = self.dispatch(args, opts)
        except (ValueError, OSError) as exc:
            print(f"newscrawl: error: {exc}", file=sys.stderr)
            self.exitcode = exitcodes.BAD_INPUT
        except AlreadyRunning as exc:
            print(f"newscrawl: {exc}", file=sys.stderr)
            self.exitcode = exitcodes.ALREADY_RUNNING

    def dispatch(self, args: list[str], opts: argparse.Namespace) -> int:
        assert self.settings is not None
        action, rest = args[0], args[1:]
        state_dir = Path(self.settings.get("NEWSCRAWL_STATE_DIR"))
        if action == "export" and not rest:
            since = _day(opts.since)
            if not opts.out:
                raise ValueError("export: give -O FILE")
            return export(Path(self.settings.get("NEWSCRAWL_OUTPUT_DIR")), since, Path(opts.out))
        if not (state_dir / "state.sqlite").exists():
            raise ValueError(f"NEWSCRAWL_STATE_DIR={str(state_dir)!r}: no state there yet")
        lock = RunLock(state_dir / "run.lock")
        lock.acquire()
        try:
            with StateStore.open(state_dir) as store:
                if action == "runs" and not rest:
                    print(render_runs(store.runs(opts.n)))
                elif action == "site" and len(rest) == 1:
                    print(render_site(rest[0], store))
                elif action == "forget" and not rest and bool(opts.site) != bool(opts.url):
                    count = store.forget(site=opts.site, url=opts.url)
                    print(f"forgot {count} articles of {opts.site or opts.url}: "
                          "the next run crawls them again")
                else:
                    raise UsageError(f"usage: scrapy state {SYNTAX}")
        finally:
            lock.release()
        return exitcodes.OK


def render_runs(runs: list[tuple[int, str, str | None, str, dict[str, Any]]]) -> str:
    lines = [f"{'run':>4}  {'started':<25} {'finished':<25} {'status':<7} {'items':>6}  per site"]
    for run_id, started, finished, status, summary in runs:
        sites = summary.get("sites", {})
        per_site = ", ".join(f"{name}={s.get('items', 0)}" for name, s in sorted(sites.items()))
        items = summary.get("total", {}).get("items", "-")
        lines.append(f"{run_id:>4}  {started:<25} {finished or '-':<25} {status:<7} "
                     f"{items:>6}  {per_site}")
    return "\n".join(lines) if runs else "no run recorded yet"


def render_site(name: str, store: StateStore) -> str:
    """The site's runs (articles, errors) and its extraction health, newest first."""
    known = store.counts_for_site(name)
    lines = [f"{name}: {known} articles known"]
    runs = [(run_id, started, summary["sites"][name]) for run_id, started, _, _, summary
            in store.runs(50) if name in summary.get("sites", {})]
    lines.append(f"{'run':>4}  {'started':<25} {'articles':>8} {'new':>5} {'errors':>6}")
    lines += [f"{i:>4}  {started:<25} {s.get('articles', 0):>8} {s.get('new', 0):>5} "
              f"{s.get('errors', 0):>6}" for i, started, s in runs]
    lines.append("health (share of items with each field), newest first:")
    for record in store.health_history(name, 20):
        cov = record.coverage
        lines.append(f"  {record.ts}  articles {cov.get('articles', 0):.0f}  " + "  ".join(
            f"{k} {cov[k]:.0%}" for k in ("title", "published", "authors", "body") if k in cov))
    if known == 0 and not runs:
        raise ValueError(f"no site named {name!r} in the state")
    return "\n".join(lines)


def export(output_dir: Path, since: datetime, target: Path) -> int:
    """Re-export the items of finished feeds fetched on or after ``since``."""
    lines = []
    for feed in sorted(output_dir.glob("*/*.jsonl")):
        with open(feed, encoding="utf-8") as fh:
            for line in fh:
                fetched = json.loads(line).get("fetched_at") or ""
                if fetched and datetime.fromisoformat(fetched) >= since:
                    lines.append(line if line.endswith("\n") else line + "\n")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, "".join(lines))
    print(f"exported {len(lines)} items fetched since {since.date()} to {target}")
    return exitcodes.OK


def _day(value: str | None) -> datetime:
    from newscrawl.since import parse_since

    day = parse_since(value) if value else None
    if day is None:
        raise ValueError("export: give --since YYYY-MM-DD")
    return day
