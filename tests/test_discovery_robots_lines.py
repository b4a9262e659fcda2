"""robots.txt ``Sitemap:`` values as the crawl uses them (after Protego parsed the file)."""

from __future__ import annotations

from protego import Protego

from newscrawl.spiders.news import robots_sitemaps

ROBOTS = "http://127.0.0.1:9/robots.txt"


def test_spellings_relative_and_repeated_values() -> None:
    parsed = Protego.parse("User-agent: *\nSite-map: /s1.xml\nSITEMAP: http://127.0.0.1:9/s2.xml\n"
                           "sitemaps: http://127.0.0.1:9/s2.xml\nSitemap: ftp://127.0.0.1/x\n")
    assert robots_sitemaps(parsed.sitemaps, ROBOTS) == [
        "http://127.0.0.1:9/s1.xml", "http://127.0.0.1:9/s2.xml"]


def test_a_line_that_was_not_utf8_is_skipped() -> None:
    text = b"Sitemap: http://127.0.0.1:9/caf\xe9.xml\nSitemap: /ok.xml\n".decode("utf-8", "replace")
    assert robots_sitemaps(Protego.parse(text).sitemaps, ROBOTS) == ["http://127.0.0.1:9/ok.xml"]


def test_the_crawls_robots_parser_keeps_undecodable_bytes_visible() -> None:
    from newscrawl.middlewares.robots import Utf8ProtegoParser

    parser = Utf8ProtegoParser(b"Sitemap: http://127.0.0.1:9/caf\xe9.xml\nSitemap: /ok.xml\n", None)
    assert robots_sitemaps(parser.rp.sitemaps, ROBOTS) == ["http://127.0.0.1:9/ok.xml"]
    assert parser.allowed("http://127.0.0.1:9/news/1.html", "newscrawl")
