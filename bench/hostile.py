"""Good-site delay and peak RSS under each hostile site alone, then all at once (issue 16 figures).

``.venv/bin/python bench/hostile.py [attack ...]`` (default: baseline, each attack, all).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "tests")]

from support.hostile import ATTACKS, build, good_wait
from test_faults import run_crawl
from test_hostile_sites import SETTINGS  # the same budgets as the test


def measure(attacks: list[str], tmp: Path) -> str:
    with build(attacks) as fs:
        crawl = run_crawl(fs, tmp, ["good", *attacks], *SETTINGS)
        good = sum(1 for i in crawl.items if i["site"] == "good")
        return (f"{'+'.join(attacks) or 'none':>40}: good-site wait {good_wait(fs):6.2f}s, "
                f"good items {good}, run {crawl.seconds:5.1f}s, exit {crawl.returncode}, "
                f"peak RSS {crawl.peak_rss / 2**20:4.0f} MB  [{tmp}]")


def parse_names(argv: list[str]) -> list[str]:
    """The runs asked for; an unknown attack is a usage error, not a KeyError mid-bench."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="attack",
                        help=f"none, all, or attacks joined by + ({', '.join(sorted(ATTACKS))})")
    names = parser.parse_args(argv).names or ["none", *sorted(ATTACKS), "all"]
    for name in names:
        unknown = [] if name in ("none", "all") else sorted(set(name.split("+")) - set(ATTACKS))
        if unknown:
            parser.error(f"unknown attack {', '.join(unknown)}")
    return names


def main() -> None:
    names = parse_names(sys.argv[1:])
    root = Path(tempfile.mkdtemp(prefix="hostile-"))
    for name in names:
        attacks = [] if name == "none" else sorted(ATTACKS) if name == "all" else name.split("+")
        print(measure(attacks, root / name), flush=True)


if __name__ == "__main__":
    main()
