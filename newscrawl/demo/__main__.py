"""``python -m newscrawl.demo``: serve the demo network until SIGTERM/SIGINT.

Run in the background by ``make demo``; ``--registry-out`` writes the registry
the crawl then uses, so the ports never need to be known in advance.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from newscrawl.demo.network import DemoNetwork

logger = logging.getLogger("newscrawl.demo")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m newscrawl.demo",
                                     description="Serve the offline demo news sites.")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    parser.add_argument("--base-port", type=int, default=8701,
                        help="site i listens on base-port+i; 0 picks free ports")
    parser.add_argument("--large", type=int, default=0, metavar="N",
                        help="add a site with N generated articles (benchmarks)")
    parser.add_argument("--registry-out", metavar="FILE", help="write a registry YAML here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    args = parse_args(argv)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    try:
        net = DemoNetwork(base_port=args.base_port, large=args.large, host=args.host).start()
    except (OSError, ValueError) as exc:
        logger.error("demo network cannot start: %s", exc)
        return 2
    try:
        if args.registry_out:
            logger.info("registry written to %s", net.write_registry(args.registry_out))
        logger.info("serving %d sites; stop with Ctrl-C or SIGTERM", len(net.sites))
        sys.stderr.flush()
        while not stop.wait(0.5):
            pass
    finally:
        net.stop()
    logger.info("demo network stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
