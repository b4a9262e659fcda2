"""Hostile sites for isolation tests: each attack is one role on a FaultServer.

A good site (20 articles linked from its homepage) is crawled beside the attacks;
``good_wait`` is how long after the good site's first request its last article
was requested: the figure an attack that stalls the reactor or starves the
global concurrency inflates. Used by tests/test_hostile_sites.py and
bench/hostile.py (figures per attack for the issue note).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from test_faults import article_html

from support.faultserver import FaultServer, Reply

GOOD_ARTICLES = 20
GOOD_HOME_DELAY = 2.0  # seconds
LIMITED_ARTICLES = 80
TEXT = {"Content-Type": "text/html; charset=utf-8"}


def _home(links: list[str], delay: float = 0.0) -> Callable[[FaultServer, str], Reply]:
    body = ("<html><head><title>Home</title></head><body>"
            + "".join(f'<a href="{u}">story {i}</a>\n' for i, u in enumerate(links))
            + "</body></html>").encode()
    return lambda fs, path: Reply(200, body, TEXT, delay=delay)


def _article(fs: FaultServer, path: str) -> Reply:
    return Reply(200, article_html(f"Story {path}", "en", path).encode(), TEXT)


def _stub(fs: FaultServer, path: str) -> Reply:
    return Reply(200, b"<html><head><title>Stub</title></head><body>no story</body></html>", TEXT)


def _rate_limited(fs: FaultServer, path: str) -> Reply:
    """429 + Retry-After: 30 to the first request of every page, then the article."""
    if fs.count(f"limited{path}") == 1:
        return Reply(429, b"", {"Retry-After": "30"})
    return _article(fs, path)


@cache
def _attribute_flood() -> bytes:
    attrs = " ".join(f'a{i}="v"' for i in range(200_000))
    return f"<html><body><div {attrs}>x</div></body></html>".encode()


@cache
def _child_sitemap(n: int) -> bytes:
    urls = "".join(f"<url><loc>http://127.0.0.1:{{port}}/2024/05/01/s{n}-{i}.html</loc></url>"
                   for i in range(50_000))
    return ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + urls + "</urlset>").encode()


def _index(fs: FaultServer, path: str) -> Reply:
    base = fs.base("index")
    body = ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<sitemap><loc>{base}/child-{n}.xml</loc></sitemap>" for n in range(6))
            + "</sitemapindex>").encode()
    return Reply(200, body, {"Content-Type": "application/xml"})


def _child(fs: FaultServer, path: str) -> Reply:
    n = int(path.split("-")[1].split(".")[0])
    body = _child_sitemap(n).replace(b"{port}", str(fs.port("index")).encode())
    return Reply(200, body, {"Content-Type": "application/xml"})


COMMENTS = b"<!---->" * 40 + b"<x"  # froze the old "is this HTML?" regex
ATTACKS: dict[str, list[tuple[str, Callable[[FaultServer, str], Reply]]]] = {
    "comments": [("/", lambda fs, p: Reply(200, COMMENTS, {"Content-Type": "text/plain"})),
                 ("/sitemap.xml", lambda fs, p: Reply(200, COMMENTS,
                                                       {"Content-Type": "application/xml"}))],
    "robots": [("/robots.txt", lambda fs, p: Reply(
        200, ("User-agent: *\nSitemap: x" + " " * 300_000 + "x \n").encode(),
        {"Content-Type": "text/plain"}))],
    "attrs": [("/", lambda fs, p: Reply(200, _attribute_flood(), TEXT))],
    "links": [("/", _home([f"/2024/05/01/l{i}.html" for i in range(40_000)])),
              ("/2024/*", _stub)],
    "index": [("/sitemap.xml", _index), ("/child-*", _child), ("/2024/*", _stub)],
    "limited": [("/", _home([f"/2024/05/01/r{i}.html" for i in range(LIMITED_ARTICLES)])),
                ("/2024/*", _rate_limited)],
}


def build(attacks: list[str]) -> FaultServer:
    """A server with the good site and the named attack roles."""
    fs = FaultServer(["good", *attacks])
    # the good homepage answers after the attacks have begun (a rate-limited site's held
    # requests filled the global concurrency by then in the old code)
    fs.add("good", "/", _home([f"/2024/05/01/good-{i}.html" for i in range(GOOD_ARTICLES)],
                              delay=GOOD_HOME_DELAY))
    fs.add("good", "/2024/*", _article)
    for role in attacks:
        for path, route in ATTACKS[role]:
            fs.add(role, path, route)
    return fs


def good_wait(fs: FaultServer) -> float:
    """Seconds from the good site's first request to its last article request."""
    hits = fs.hits_for("good")
    articles = [h.at for h in hits if h.path.startswith("/2024/")]
    if not hits or len(articles) < GOOD_ARTICLES:
        return float("inf")
    return max(articles) - min(h.at for h in hits)
