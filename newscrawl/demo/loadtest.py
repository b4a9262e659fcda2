"""``python -m newscrawl.demo.loadtest``: how many requests/s the demo network serves.

The crawl benchmark must measure the crawler, not the demo server, so this
checks the server alone: a few client processes send keep-alive GETs to
127.0.0.1 (bounded in count and time) while the network runs in this process.
"""

from __future__ import annotations

import argparse
import http.client
import logging
import multiprocessing
import sys
import time
from urllib.parse import urlsplit

from newscrawl.demo.network import DemoNetwork

logger = logging.getLogger("newscrawl.demo.loadtest")


def client(urls: list[str], seconds: float, max_requests: int, out: multiprocessing.Queue) -> None:
    """Cycle through ``urls`` over one keep-alive connection per host."""
    conns: dict[str, http.client.HTTPConnection] = {}
    done = errors = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and done < max_requests:
        url = urls[done % len(urls)]
        parts = urlsplit(url)
        conn = conns.get(parts.netloc)
        if conn is None:
            conn = conns[parts.netloc] = http.client.HTTPConnection(parts.netloc, timeout=10)
        try:
            conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
            response = conn.getresponse()
            response.read()
            errors += response.status >= 500
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conns.pop(parts.netloc, None)
        done += 1
    out.put((done, errors))


def measure(net: DemoNetwork, urls: list[str], clients: int, seconds: float) -> tuple[float, int]:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=client,
                                     args=(urls[i::clients] or urls, seconds, 200_000, queue))
             for i in range(clients)]
    start = time.monotonic()
    for p in procs:
        p.start()
    results = [queue.get(timeout=seconds + 30) for _ in procs]
    elapsed = time.monotonic() - start
    for p in procs:
        p.join(timeout=10)
    total = sum(r[0] for r in results)
    return total / elapsed, sum(r[1] for r in results)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    parser = argparse.ArgumentParser(prog="python -m newscrawl.demo.loadtest")
    parser.add_argument("--large", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args(argv)
    with DemoNetwork(large=args.large) as net:
        small = [u for s in net.sites[:4]
                 for u in (s.url + "robots.txt", *s.urls_of_kind("article"))]
        large = net.site("valley-gazette").urls_of_kind("article") if args.large else []
        for label, urls in (("small-site pages", small), ("large-site articles (cold)", large)):
            if urls:
                rate, errors = measure(net, urls, args.clients, args.seconds)
                logger.info("%-28s %8.0f req/s  (%d errors, %d clients, %.0fs)", label, rate,
                            errors, args.clients, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
