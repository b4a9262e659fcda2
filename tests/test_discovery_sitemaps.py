"""Sitemaps: news fields, indexes, gzip, text form, hostile XML, caps, robots, walker."""

from __future__ import annotations

import gzip
import time
import tracemalloc
from datetime import UTC, datetime, timedelta, timezone

import pytest

from newscrawl.discovery.sitemaps import parse_sitemap, sitemap_urls_from_robots
from newscrawl.discovery.walker import SitemapWalker

BASE = "http://127.0.0.1:8000/sitemap.xml"
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'

NEWS_SITEMAP = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset {NS} {NEWS_NS} xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>http://127.0.0.1:8000/2024/03/05/budget-passes-in-provincial-assembly/</loc>
    <lastmod>2024-03-05T12:30:00+05:00</lastmod>
    <image:image><image:loc>http://127.0.0.1:8000/img/a.jpg</image:loc></image:image>
    <news:news>
      <news:publication><news:name>Daily Ledger</news:name>
        <news:language>ur</news:language></news:publication>
      <news:publication_date>2024-03-05T10:00:00+05:00</news:publication_date>
      <news:title><![CDATA[Budget passes & opposition walks out]]></news:title>
    </news:news>
  </url>
  <url><loc>http://127.0.0.1:8000/a/202403/05/WS65e6a1b2a31082fc043bb7e1.html</loc></url>
</urlset>""".encode()


def urlset(locs: list[str], extra: str = "") -> bytes:
    body = "".join(f"<url><loc>{loc}</loc>{extra}</url>" for loc in locs)
    return f'<?xml version="1.0"?><urlset {NS}>{body}</urlset>'.encode()


def test_news_sitemap_fields_are_parsed():
    doc = parse_sitemap(NEWS_SITEMAP, BASE)
    assert doc.kind == "urlset" and doc.error is None
    first, second = doc.entries
    assert first.loc.endswith("/budget-passes-in-provincial-assembly/")
    pkt = timezone(timedelta(hours=5))
    assert first.news_published == datetime(2024, 3, 5, 10, 0, tzinfo=pkt)
    assert first.lastmod == datetime(2024, 3, 5, 12, 30, tzinfo=pkt)
    assert first.news_title == "Budget passes & opposition walks out"
    assert first.news_language == "ur"
    assert first.best_date == first.news_published
    assert second.news_published is None and second.news_title is None
    # the image:loc must never be mistaken for a page loc
    assert all("img/a.jpg" not in e.loc for e in doc.entries)


def test_sitemap_index_is_recognised():
    body = f"""<sitemapindex {NS}>
      <sitemap><loc>http://127.0.0.1:8000/post-sitemap.xml</loc><lastmod>2024-03</lastmod></sitemap>
      <sitemap><loc>http://127.0.0.1:8000/news-sitemap.xml.gz</loc></sitemap>
    </sitemapindex>""".encode()
    doc = parse_sitemap(body, BASE)
    assert doc.kind == "index"
    assert [e.loc for e in doc.entries] == [
        "http://127.0.0.1:8000/post-sitemap.xml", "http://127.0.0.1:8000/news-sitemap.xml.gz"]
    assert doc.entries[0].lastmod == datetime(2024, 3, 1, tzinfo=UTC)


def test_no_namespace_and_unclosed_document_still_parse():
    body = b"<urlset><url><loc>http://127.0.0.1:8000/news/1234567/a</loc></url><url><loc>http"
    doc = parse_sitemap(body, BASE)
    assert doc.kind == "urlset"
    assert [e.loc for e in doc.entries] == ["http://127.0.0.1:8000/news/1234567/a"]


def test_gzip_sitemap_by_magic_bytes():
    doc = parse_sitemap(gzip.compress(NEWS_SITEMAP), "http://127.0.0.1:8000/s.xml.gz")
    assert doc.kind == "urlset" and len(doc.entries) == 2


def test_gzip_bomb_is_refused_by_decompressed_size():
    bomb = gzip.compress(b"<urlset>" + b" " * (5 * 1024 * 1024) + b"</urlset>")
    assert len(bomb) < 20_000
    tracemalloc.start()
    doc = parse_sitemap(bomb, BASE, max_bytes=1024 * 1024)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert doc.kind == "invalid" and "decompressed size" in (doc.error or "")
    assert peak < 4 * 1024 * 1024  # stopped near the cap, not after inflating 5 MB


def test_oversized_plain_body_is_refused():
    doc = parse_sitemap(urlset(["http://127.0.0.1:8000/a"]), BASE, max_bytes=20)
    assert doc.kind == "invalid" and "larger than" in (doc.error or "")


def test_corrupt_gzip_is_invalid_not_a_crash():
    doc = parse_sitemap(b"\x1f\x8b\x08\x00garbage", BASE)
    assert doc.kind == "invalid" and doc.error


def test_text_sitemap_keeps_only_absolute_http_lines():
    body = (
        "\ufeffhttp://127.0.0.1:8000/news/1234567/first\n"
        "  https://127.0.0.1:8000/2024/03/05/second-story-here/  \n"
        "/relative/path\nftp://127.0.0.1/file\njavascript:alert(1)\n\n"
    ).encode()
    doc = parse_sitemap(body, "http://127.0.0.1:8000/sitemap.txt")
    assert doc.kind == "urlset"
    assert [e.loc for e in doc.entries] == [
        "http://127.0.0.1:8000/news/1234567/first",
        "https://127.0.0.1:8000/2024/03/05/second-story-here/"]
    assert doc.skipped == 3


def test_relative_garbage_and_non_http_locs_are_ignored():
    locs = ["/relative", "not a url", "javascript:alert(1)", "file:///etc/passwd",
            "mailto:a@b.c", "http://", "http://127.0.0.1:99999/bad-port", "",
            "http://127.0.0.1:8000/ok-story"]
    doc = parse_sitemap(urlset(locs), BASE)
    assert [e.loc for e in doc.entries] == ["http://127.0.0.1:8000/ok-story"]
    assert doc.skipped == len(locs) - 1


def test_xxe_entity_is_not_expanded():
    body = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<urlset><url><loc>http://127.0.0.1:8000/&xxe;</loc></url></urlset>"""
    doc = parse_sitemap(body, BASE)
    assert doc.kind == "invalid" and "entities" in (doc.error or "")
    assert not doc.entries
    assert "root:" not in repr(doc)


def test_billion_laughs_returns_fast_without_expansion():
    lols = "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    body = (f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{lols}]>'
            f"<urlset><url><loc>http://127.0.0.1:8000/&lol9;</loc></url></urlset>").encode()
    tracemalloc.start()
    started = time.perf_counter()
    doc = parse_sitemap(body, BASE)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0 and peak < 5 * 1024 * 1024
    assert doc.kind == "invalid" and not doc.entries


def test_utf16_entity_declaration_is_also_refused():
    body = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]>'
            "<urlset><url><loc>http://127.0.0.1:8000/&a;</loc></url></urlset>").encode("utf-16")
    doc = parse_sitemap(body, BASE)
    assert doc.kind == "invalid" and not doc.entries


def test_utf16_sitemap_without_entities_parses():
    body = ('<?xml version="1.0" encoding="UTF-16"?>'
            "<urlset><url><loc>http://127.0.0.1:8000/新闻/2024/03/05/story</loc></url></urlset>"
            ).encode("utf-16")
    doc = parse_sitemap(body, BASE)
    assert [e.loc for e in doc.entries] == ["http://127.0.0.1:8000/新闻/2024/03/05/story"]


def test_url_cap_at_50000_entries():
    locs = [f"http://127.0.0.1:8000/news/{i}" for i in range(50_001)]
    doc = parse_sitemap(urlset(locs), BASE)
    assert len(doc.entries) == 50_000 and doc.truncated
    assert doc.entries[-1].loc == "http://127.0.0.1:8000/news/49999"
    assert not parse_sitemap(urlset(locs[:10]), BASE).truncated


def test_html_served_as_sitemap_is_invalid():
    doc = parse_sitemap(b"<!doctype html><html><body><a href='/x'>x</a></body></html>", BASE)
    assert doc.kind == "invalid" and "HTML" in (doc.error or "")


@pytest.mark.parametrize("body", [b"", b"   \n", b"<", b"\x00\x01\x02", b"<?xml version='1.0'?>"])
def test_empty_and_garbage_bodies_are_invalid(body):
    doc = parse_sitemap(body, BASE)
    assert doc.kind == "invalid" and doc.error and not doc.entries


@pytest.mark.parametrize(("text", "expected"), [
    ("2024", datetime(2024, 1, 1, tzinfo=UTC)),
    ("2024-03", datetime(2024, 3, 1, tzinfo=UTC)),
    ("2024-03-05", datetime(2024, 3, 5, tzinfo=UTC)),
    ("2024-03-05T10:20+01:00", datetime(2024, 3, 5, 10, 20, tzinfo=timezone(timedelta(hours=1)))),
    ("2024-03-05T10:20:30Z", datetime(2024, 3, 5, 10, 20, 30, tzinfo=UTC)),
    ("2024-03-05T10:20:30.45-05:00",
     datetime(2024, 3, 5, 10, 20, 30, 450000, tzinfo=timezone(timedelta(hours=-5)))),
    ("not a date", None),
    ("2024-02-30", None),
])
def test_lastmod_in_every_w3c_form(text, expected):
    doc = parse_sitemap(urlset(["http://127.0.0.1:8000/a"], f"<lastmod>{text}</lastmod>"), BASE)
    assert doc.entries[0].lastmod == expected


def test_sitemap_urls_from_robots():
    robots = """User-agent: *
Disallow: /private/
sitemap: /relative-sitemap.xml
Sitemap: http://127.0.0.1:8000/news-sitemap.xml # news
SITEMAP:http://127.0.0.1:8000/news-sitemap.xml
Sitemap: javascript:alert(1)
# Sitemap: http://127.0.0.1:8000/commented.xml
"""
    assert sitemap_urls_from_robots(robots, "http://127.0.0.1:8000/robots.txt") == [
        "http://127.0.0.1:8000/relative-sitemap.xml", "http://127.0.0.1:8000/news-sitemap.xml"]
    assert sitemap_urls_from_robots("", "http://127.0.0.1:8000/robots.txt") == []


def test_walker_follows_a_self_listing_index_once():
    walker = SitemapWalker()
    index = "http://127.0.0.1:8000/sitemap.xml"
    assert walker.allow(index, "ledger") == (True, "ok")
    assert walker.follow(index, parent=index, site="ledger") is False
    assert walker.follow("http://127.0.0.1:8000/a.xml", parent=index, site="ledger")
    assert not walker.follow("http://127.0.0.1:8000/a.xml#x", parent=index, site="ledger")
    # another site has its own memory
    assert walker.follow("http://127.0.0.1:8000/a.xml", parent=index, site="other")


def test_walker_breaks_cycles_and_limits_depth():
    walker = SitemapWalker(max_depth=3)
    site = "s"
    chain = [f"http://127.0.0.1:8000/s{i}.xml" for i in range(6)]
    followed = [walker.follow(chain[i + 1], parent=chain[i], site=site) for i in range(4)]
    assert followed == [True, True, True, False]  # s4 would sit at depth 4
    # a cycle back to the top is refused
    assert walker.follow(chain[0], parent=chain[2], site=site) is False
    assert walker.allow(chain[4], site, depth=4) == (False, "max-depth")


def test_walker_follows_each_child_once_within_the_per_site_cap():
    walker = SitemapWalker(max_sitemaps_per_site=3)
    body = f"""<sitemapindex {NS}>
      <sitemap><loc>http://127.0.0.1:8000/a.xml</loc></sitemap>
      <sitemap><loc>http://127.0.0.1:8000/b.xml</loc></sitemap>
      <sitemap><loc>http://127.0.0.1:8000/a.xml</loc></sitemap>
    </sitemapindex>""".encode()
    doc = parse_sitemap(body, BASE)
    followed = [walker.follow(e.loc, parent=BASE, site="s") for e in doc.entries]
    assert followed == [True, True, False]  # the repeated a.xml is "seen"
    # the index itself, a.xml and b.xml fill the cap of 3
    assert walker.allow("http://127.0.0.1:8000/c.xml", "s", 1) == (False, "max-sitemaps")
    assert walker.seen_count("s") == 3


@pytest.fixture
def tripwire_server():
    """A 127.0.0.1 server that records every request: parsing must never call it."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - stdlib naming
            hits.append(self.path)
            body = b'<!ENTITY leak "LEAKED">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_external_dtd_and_xinclude_are_never_fetched(tripwire_server):
    from newscrawl.discovery.feeds import parse_feed

    origin, hits = tripwire_server
    sitemap = (f'<?xml version="1.0"?><!DOCTYPE urlset SYSTEM "{origin}/evil.dtd">'
               f'<urlset xmlns:xi="http://www.w3.org/2001/XInclude">'
               f'<url><loc>http://127.0.0.1:8000/a-&leak;</loc></url>'
               f'<url><loc>http://127.0.0.1:8000/news/1234567/ok</loc></url>'
               f'<xi:include href="{origin}/include.xml"/></urlset>').encode()
    doc = parse_sitemap(sitemap, BASE)
    feed = (f'<!DOCTYPE rss SYSTEM "{origin}/evil.dtd"><rss><channel><item>'
            f"<title>&leak;</title><link>http://127.0.0.1:8000/news/1234567/ok</link>"
            f"</item></channel></rss>").encode()
    entries = parse_feed(feed, BASE)
    assert hits == []
    assert "LEAKED" not in repr(doc) and "LEAKED" not in repr(entries)
    assert "http://127.0.0.1:8000/news/1234567/ok" in [e.loc for e in doc.entries]
    assert [e.url for e in entries] == ["http://127.0.0.1:8000/news/1234567/ok"]


# -- feeds listed as sitemaps (sitemaps.org: "RSS 2.0 and Atom 0.3/1.0" are accepted) --
RSS_AS_SITEMAP = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
<item><title>One</title><link>http://127.0.0.1:8000/news/1/one</link>
<pubDate>Tue, 05 Mar 2024 10:00:00 +0500</pubDate></item>
<item><title>Two</title><link>http://127.0.0.1:8000/news/2/two</link></item>
</channel></rss>"""
ATOM_AS_SITEMAP = b"""<!-- generated --><feed xmlns="http://www.w3.org/2005/Atom">
<entry><title>A</title><link href="http://127.0.0.1:8000/news/3/a"/>
<updated>2024-03-05T10:00:00Z</updated></entry></feed>"""
RDF_AS_SITEMAP = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/"><item rdf:about="http://127.0.0.1:8000/news/4/r">
 <title>R</title></item></rdf:RDF>"""


def test_rss_feed_listed_as_sitemap_yields_its_entries():
    doc = parse_sitemap(RSS_AS_SITEMAP, BASE)
    assert doc.kind == "urlset" and doc.error is None
    assert [e.loc for e in doc.entries] == ["http://127.0.0.1:8000/news/1/one",
                                            "http://127.0.0.1:8000/news/2/two"]
    assert doc.entries[0].best_date == datetime(2024, 3, 5, 5, tzinfo=UTC)
    assert doc.entries[0].news_title == "One" and doc.entries[0].lastmod is None


@pytest.mark.parametrize(("body", "locs"), [
    (ATOM_AS_SITEMAP, ["http://127.0.0.1:8000/news/3/a"]),
    (RDF_AS_SITEMAP, ["http://127.0.0.1:8000/news/4/r"]),
    (gzip.compress(RSS_AS_SITEMAP), ["http://127.0.0.1:8000/news/1/one",
                                     "http://127.0.0.1:8000/news/2/two"]),
])
def test_atom_rdf_and_gzipped_feeds_listed_as_sitemaps(body, locs):
    doc = parse_sitemap(body, BASE)
    assert doc.kind == "urlset" and [e.loc for e in doc.entries] == locs


def test_feed_as_sitemap_keeps_the_caps():
    items = "".join(f"<item><link>http://127.0.0.1:8000/news/{i}</link></item>" for i in range(30))
    doc = parse_sitemap(f"<rss><channel>{items}</channel></rss>".encode(), BASE, max_urls=10)
    assert len(doc.entries) == 10 and doc.truncated
    evil = b'<!DOCTYPE rss [<!ENTITY x "y">]><rss><channel></channel></rss>'
    assert parse_sitemap(evil, BASE).kind == "invalid"


# -- a cut download: the last <loc> never closed -------------------------------------
@pytest.mark.parametrize(("tail", "kept"), [
    (b"<url><loc>http://127.0.0.1:8000/news/3/thi", 2),  # cut inside the URL
    (b"<url><loc>http://127.0.0.1:8000/news/3/third</lo", 2),  # cut inside the end tag
    (b"<url><loc>http://127.0.0.1:8000/news/3/third</loc>", 3),  # loc complete: kept
    (b"<url><loc>http://127.0.0.1:8000/news/3/third</loc><lastmod>2024-0", 3),
    (b"</urlset>", 2),
])
def test_truncated_sitemap_never_yields_a_half_url(tail, kept):
    head = (b"<urlset><url><loc>http://127.0.0.1:8000/news/1/first</loc></url>"
            b"<url><loc>http://127.0.0.1:8000/news/2/second</loc></url>")
    doc = parse_sitemap(head + tail, BASE)
    assert [e.loc for e in doc.entries] == [
        "http://127.0.0.1:8000/news/1/first", "http://127.0.0.1:8000/news/2/second",
        "http://127.0.0.1:8000/news/3/third"][:kept]
    assert (doc.warning is not None) == (kept == 2 and tail != b"</urlset>")


def test_truncated_large_sitemap_across_parser_chunks():
    locs = "".join(f"<url><loc>http://127.0.0.1:8000/news/{i}</loc></url>" for i in range(40_000))
    cut = f"<urlset>{locs}".encode()[:1_500_000]
    doc = parse_sitemap(cut, BASE)
    last = doc.entries[-1].loc
    assert cut.endswith(b"</loc></url>") or last.encode() + b"</loc>" in cut
    assert len(doc.entries) == cut.count(b"</loc>")


# -- robots.txt (RFC 9309 2.2.4; records are case-insensitive, parsing is lenient) ----
def test_site_map_spellings_in_robots():
    robots = (b"Site-map: http://127.0.0.1:8000/a.xml\nSITE-MAP:http://127.0.0.1:8000/b.xml\n"
              b"sitemaps: http://127.0.0.1:8000/c.xml\n  Sitemap :  http://127.0.0.1:8000/d.xml\n"
              b"Sitemapx: http://127.0.0.1:8000/no.xml\nDisallow: /sitemap: x\n")
    assert sitemap_urls_from_robots(robots, "http://127.0.0.1:8000/robots.txt") == [
        f"http://127.0.0.1:8000/{n}.xml" for n in "abcd"]


def test_robots_sitemap_line_with_invalid_utf8_is_skipped():
    robots = (b"Sitemap: http://127.0.0.1:8000/\xff\xfe-news.xml\n"
              b"Sitemap: http://127.0.0.1:8000/\xe6\x96\xb0\xe9\x97\xbb.xml\n"
              b"Sitemap: http://127.0.0.1:8000/ok.xml\r\n")
    assert sitemap_urls_from_robots(robots, "http://127.0.0.1:8000/robots.txt") == [
        "http://127.0.0.1:8000/新闻.xml", "http://127.0.0.1:8000/ok.xml"]
    decoded = robots.decode("utf-8", "replace")  # what a lenient decoder hands over
    assert sitemap_urls_from_robots(decoded, "http://127.0.0.1:8000/robots.txt") == [
        "http://127.0.0.1:8000/新闻.xml", "http://127.0.0.1:8000/ok.xml"]


def test_bare_ampersand_and_site_timezone_in_a_news_sitemap():
    body = f"""<urlset {NS} {NEWS_NS}><url><loc>http://127.0.0.1:8000/a.php?id=5&section=3</loc>
      <lastmod>2024-03-05T10:00:00</lastmod><news:news>
      <news:publication_date>2024-03-05</news:publication_date></news:news></url></urlset>"""
    (entry,) = parse_sitemap(body.encode(), BASE, timezone="Asia/Karachi").entries
    assert entry.loc == "http://127.0.0.1:8000/a.php?id=5&section=3"
    assert entry.lastmod == datetime(2024, 3, 5, 5, tzinfo=UTC)
    assert entry.news_published == datetime(2024, 3, 4, 19, tzinfo=UTC)
