"""Sites we did not design for: plain HTML with links only, or a bare sitemap, robots honoured."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import run_crawl

pytestmark = pytest.mark.e2e

WORDS = ("river council market bridge school budget harvest rail clinic court water festival "
         "road tax power port bank park police farm").split()


def story(n: int) -> str:
    """Distinct, plain prose (no templates from the demo network)."""
    sentences = []
    for i in range(14):
        a, b, c = (WORDS[(n * 7 + i * k) % len(WORDS)] for k in (1, 3, 5))
        sentences.append(f"Officials in district {n} said the {a} plan would affect the {b} "
                         f"and the {c} before season {i + n}.")
    return "</p><p>".join(" ".join(sentences[j:j + 2]) for j in range(0, 14, 2))


def pages(variant: str) -> dict[str, tuple[str, str]]:
    site = {
        "/robots.txt": ("text/plain", "User-agent: *\nDisallow: /members/\n"
                        + ("Sitemap: /map.xml\n" if variant == "sitemap" else "")),
        "/": ("text/html", "<html><body><h2>Local news</h2>"
              + "".join(f'<a href="/stories/report-number-{n}-from-the-district">Report {n}</a> '
                        for n in range(6))
              + '<a href="/members/secret-story-about-things">x</a> <a href="/about">About</a>'
              + '<a href="/page/2">More</a></body></html>'),
        "/about": ("text/html", "<html><body><h1>About us</h1><p>A small paper.</p></body></html>"),
        "/page/2": ("text/html", "<html><body>"
                    + "".join(f'<a href="/stories/report-number-{n}-from-the-district">R{n}</a>'
                              for n in range(6, 9)) + "</body></html>"),
        "/members/secret-story-about-things": ("text/html", "<html><body><h1>no</h1></body></html>"),
    }
    for n in range(9):
        site[f"/stories/report-number-{n}-from-the-district"] = (
            "text/html", f"<html><head><title>Report {n} | Plain Post</title></head><body>"
            f"<nav><a href='/'>Home</a></nav><h1>District {n} weighs its plans</h1>"
            f"<p>{story(n)}</p><footer>Copyright Plain Post</footer></body></html>")
    if variant == "sitemap":
        locs = "".join(f"<url><loc>http://HOST/stories/report-number-{n}-from-the-district</loc></url>"
                       for n in range(9))
        site["/map.xml"] = ("application/xml", '<?xml version="1.0"?><urlset xmlns='
                            f'"http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>')
        site["/"] = ("text/html", "<html><body><p>Welcome</p></body></html>")
    return site


class Server:
    def __init__(self, variant: str) -> None:
        self.log: list[str] = []
        content = pages(variant)
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                owner.log.append(self.path)
                found = content.get(self.path.split("?")[0])
                if found is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                body = found[1].replace("http://HOST", owner.url.rstrip("/")).encode()
                self.send_response(200)
                self.send_header("Content-Type", f"{found[0]}; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.mark.parametrize("variant", ["links", "sitemap"])
def test_unknown_site_is_crawled_by_evidence(tmp_path: Path, variant: str) -> None:
    server = Server(variant)
    registry = tmp_path / "sites.yaml"
    registry.write_text(f"sites:\n  - name: plain\n    url: {server.url}\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    result = run_crawl(tmp_path, "-O", str(target), registry=registry)
    server.httpd.shutdown()
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [json.loads(line) for line in target.open(encoding="utf-8")]
    got = sorted(r["url"].rsplit("/", 1)[1] for r in rows)
    print(f"{variant}: {len(rows)} items, {len(server.log)} requests")
    assert got == sorted(f"report-number-{n}-from-the-district" for n in range(9))
    assert all(r["title"].startswith("District ") and "Copyright" not in r["body"] for r in rows)
    assert not [p for p in server.log if p.startswith("/members/")]
