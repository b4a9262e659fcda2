"""Feed and sitemap parsing speed, optionally against feedparser.

    .venv/bin/python bench/discovery.py [--rounds 5] [--feedparser]

Generates an RSS 2.0 feed (300 items, entities, bare ampersands, CDATA), an
Atom feed (300 entries), a GB2312 RSS feed and a 50,000-URL news sitemap, then
prints the best-of-N time per file. feedparser is a yardstick only (install
it in the venv yourself); it is not a dependency.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from newscrawl.discovery.feeds import parse_feed
from newscrawl.discovery.sitemaps import parse_sitemap

URL = "http://127.0.0.1:8000/"


def rss(n: int, encoding: str = "utf-8") -> bytes:
    items = "".join(
        f"<item><title>Story {i} &amp; more &aacute; 新闻</title>"
        f"<link>{URL}news/{i}/story?id={i}&section=3</link>"
        f"<description><![CDATA[<p>Body {i} &amp; text</p>]]></description>"
        f"<pubDate>Tue, 05 Mar 2024 10:{i % 60:02d}:00 +0500</pubDate>"
        f"<guid isPermaLink=\"false\">id-{i}</guid></item>" for i in range(n))
    return (f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
            f"<title>Bench</title>{items}</channel></rss>").encode(encoding)


def atom(n: int) -> bytes:
    entries = "".join(
        f'<entry><title type="html">Entry {i} &lt;b&gt;x&lt;/b&gt;</title>'
        f'<link rel="self" href="{URL}api/{i}"/><link rel="alternate" href="{URL}news/{i}/a"/>'
        f"<id>tag:x,{i}</id><published>2024-03-05T10:00:00+05:00</published>"
        f"<updated>2024-03-05T11:00:00Z</updated></entry>" for i in range(n))
    return f'<feed xmlns="http://www.w3.org/2005/Atom"><title>B</title>{entries}</feed>'.encode()


def news_sitemap(n: int) -> bytes:
    urls = "".join(
        f"<url><loc>{URL}2024/03/05/story-{i}?a=1&amp;b=2</loc>"
        f"<lastmod>2024-03-05T10:00:00+05:00</lastmod><news:news><news:publication>"
        f"<news:name>B</news:name><news:language>en</news:language></news:publication>"
        f"<news:publication_date>2024-03-05T09:00:00+05:00</news:publication_date>"
        f"<news:title>Story {i}</news:title></news:news></url>" for i in range(n))
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
            'schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            f"{urls}</urlset>").encode()


def best(fn: Callable[[], object], rounds: int) -> float:
    return best_each([fn], rounds)[0]


def best_each(fns: list[Callable[[], object]], rounds: int) -> list[float]:
    """Best time of each function; they take turns every round, so a load spike
    on a shared machine hits both sides of a ratio."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for fn, spent in zip(fns, times):
            started = time.perf_counter()
            fn()
            spent.append(time.perf_counter() - started)
    return [min(spent) for spent in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--feedparser", action="store_true", help="also time feedparser.parse")
    args = parser.parse_args()
    files = {"rss-300": rss(300), "atom-300": atom(300), "rss-gb2312-300": rss(300, "gb2312"),
             "news-sitemap-50k": news_sitemap(50_000)}
    for name, body in files.items():
        if "sitemap" in name:
            ours = best(lambda b=body: parse_sitemap(b, URL + "sitemap.xml"), args.rounds)
            count = len(parse_sitemap(body, URL + "sitemap.xml").entries)
        else:
            fns: list[Callable[[], object]] = [lambda b=body: parse_feed(b, URL + "feed")]
            if args.feedparser:
                import feedparser

                fns.append(lambda b=body: feedparser.parse(b))
            ours, *theirs = best_each(fns, args.rounds)
            count = len(parse_feed(body, URL + "feed"))
        line = f"{name:18} {len(body) / 1e6:6.2f} MB  {count:6} entries  ours {ours * 1000:8.1f} ms"
        if args.feedparser and "sitemap" not in name:
            line += f"  feedparser {theirs[0] * 1000:8.1f} ms  ratio {theirs[0] / ours:5.1f}x"
        print(line)


if __name__ == "__main__":
    main()
