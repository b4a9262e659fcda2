"""``python -m newscrawl demo``: start the offline demo network and crawl it.

What ``make demo`` runs: the whole product on a fresh machine without the
internet — discovery, extraction, dedup, state and the atomic feed — then it
says where the output is.
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
from pathlib import Path

logger = logging.getLogger(__name__)


def build_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--base-port", type=int, default=8701, help="first port (0: any free)")
    parser.add_argument("--output", default="output", help="NEWSCRAWL_OUTPUT_DIR for the run")
    parser.add_argument("--state", default=".newscrawl/demo", help="NEWSCRAWL_STATE_DIR")
    parser.add_argument("--fresh", action="store_true", help="ignore the state (-a fresh=1)")
    return parser


def run(args: argparse.Namespace) -> int:
    logging.getLogger().setLevel(logging.INFO)
    from newscrawl.demo import DemoNetwork

    net = DemoNetwork(base_port=args.base_port)
    try:
        net.start()
    except OSError as exc:
        net.stop()  # the usual one: the port is busy (another demo still running)
        print(f"newscrawl demo: cannot serve on port {args.base_port}: {exc.strerror or exc}; "
              "stop the other server or pick other ports: make demo PORT=8801", file=sys.stderr)
        return 2
    with net:
        registry = Path(args.output) / "demo-sites.yaml"
        registry.parent.mkdir(parents=True, exist_ok=True)
        net.write_registry(registry)
        for site in net.sites:
            logger.info("demo site %-16s %s", site.name, site.url)
        command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sites={registry}",
                   "-s", f"NEWSCRAWL_OUTPUT_DIR={args.output}", "-s", f"NEWSCRAWL_STATE_DIR={args.state}",
                   # local servers: no need to be gentle; robots.txt is still obeyed
                   "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                   "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]
        if args.fresh:
            command += ["-a", "fresh=1"]
        code = subprocess.call(command)
    feeds = sorted((Path(args.output) / "news").glob("*.jsonl"))
    if feeds:
        with open(feeds[-1], encoding="utf-8") as feed:
            lines = sum(1 for _ in feed)
        logger.info("\nnewest feed: %s (%d articles); run summary: %s", feeds[-1], lines,
                    feeds[-1].with_suffix(".stats.json"))
    logger.info("scrapy crawl exited with %d", code)
    return code
