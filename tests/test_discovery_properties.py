"""Property tests: the sitemap and feed parsers never raise on hostile input,
always return the declared types, and never hand out a non-http(s) URL."""

from __future__ import annotations

import gzip
from datetime import datetime
from urllib.parse import urljoin, urlsplit
from xml.sax.saxutils import escape

from conftest import examples
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newscrawl.discovery.feeds import Feed, FeedEntry, parse_feed, read_feed
from newscrawl.discovery.safexml import _join_keeps, clean_http_url
from newscrawl.discovery.sitemaps import Sitemap, SitemapEntry, parse_sitemap

BASE = "http://127.0.0.1:8000/doc.xml"
PROPERTY_SETTINGS = settings(max_examples=examples(2000), deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])

url_like = st.one_of(
    st.sampled_from([
        "http://127.0.0.1:8000/2024/03/05/a-b-c/", "https://127.0.0.1/news/1234567/x",
        "/relative/path", "javascript:alert(1)", "file:///etc/passwd", "mailto:x@y",
        "data:text/html,hi", "http://", "http://[::1", "http://127.0.0.1:99999/",
        "  http://127.0.0.1/padded  ", "HTTP://127.0.0.1/UPPER", "//127.0.0.1/proto-relative",
        "http://127.0.0.1/新闻/中文", "http://127.0.0.1/a b", "ftp://127.0.0.1/x", "",
    ]),
    st.text(max_size=40),
    st.builds(lambda p: "http://127.0.0.1/" + p, st.text(max_size=30)),
)
date_like = st.one_of(
    st.sampled_from([
        "2024", "2024-03", "2024-03-05", "2024-03-05T10:00+05:00", "2024-03-05T10:00:00.5Z",
        "Tue, 05 Mar 2024 10:00:00 PKT", "Tue, 05 Mar 2024 10:00:00 +9999", "9999-12-31T23:59Z",
        "0000-00-00", "2024-02-30", "yesterday", "", "1 1", "-2024-01-01", "2024-03-05T25:61",
    ]),
    st.text(max_size=30),
)
raw_text = st.text(max_size=30)


def _field(tag: str, value: str, *, raw: bool) -> str:
    return f"<{tag}>{value if raw else escape(value)}</{tag}>"


@st.composite
def sitemap_docs(draw) -> bytes:
    root = draw(st.sampled_from(["urlset", "sitemapindex", "rss", "html", "x:urlset"]))
    child = "sitemap" if root == "sitemapindex" else "url"
    raw = draw(st.booleans())  # unescaped values make the XML malformed
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        body = _field("loc", draw(url_like), raw=raw)
        if draw(st.booleans()):
            body += _field("lastmod", draw(date_like), raw=raw)
        if draw(st.booleans()):
            body += ("<news:news><news:publication><news:language>"
                     f"{escape(draw(raw_text))}</news:language></news:publication>"
                     + _field("news:publication_date", draw(date_like), raw=raw)
                     + _field("news:title", draw(raw_text), raw=raw) + "</news:news>")
        parts.append(f"<{child}>{body}</{child}>")
    doc = (f'<?xml version="1.0"?><{root} xmlns:news="http://www.google.com/schemas/'
           f'sitemap-news/0.9">{"".join(parts)}</{root}>').encode()
    return _mutate(draw, doc)


@st.composite
def feed_docs(draw) -> bytes:
    kind = draw(st.sampled_from(["rss", "atom", "rdf", "other"]))
    raw = draw(st.booleans())
    items = []
    for _ in range(draw(st.integers(0, 4))):
        url, title, date = draw(url_like), draw(raw_text), draw(date_like)
        if kind == "atom":
            rel = draw(st.sampled_from(["alternate", "self", "", "related"]))
            items.append(f'<entry><link rel="{rel}" href="{escape(url, {chr(34): "&quot;"})}"/>'
                         + _field("title", title, raw=raw) + _field("updated", date, raw=raw)
                         + _field("id", draw(url_like), raw=raw) + "</entry>")
        else:
            guid = (f'<guid isPermaLink="{draw(st.sampled_from(["true", "false", "x"]))}">'
                    f"{escape(draw(url_like))}</guid>")
            items.append("<item>" + _field("link", url, raw=raw) + guid
                         + _field("title", title, raw=raw) + _field("pubDate", date, raw=raw)
                         + "</item>")
    body = "".join(items)
    doc = {
        "rss": f'<rss version="2.0"><channel>{body}</channel></rss>',
        "atom": f'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{escape(draw(url_like))}">'
                f"{body}</feed>",
        "rdf": f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">{body}</rdf:RDF>',
        "other": f"<html>{body}</html>",
    }[kind].encode()
    return _mutate(draw, doc)


MUTATIONS = st.integers(0, 7)
SPLICE = st.tuples(st.integers(0, 10_000), st.integers(0, 20), st.binary(max_size=20))
XXE_PROLOG = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'


def _mutate(draw, doc: bytes) -> bytes:
    """The document as is, cut, spliced with random bytes, gzipped (whole or
    cut), in UTF-16, behind an XXE prolog, or replaced by random bytes."""
    mode = draw(MUTATIONS)
    if mode == 1:
        return doc[: draw(st.integers(0, len(doc)))]
    if mode == 2:
        start, length, junk = draw(SPLICE)
        start %= len(doc) + 1
        return doc[:start] + junk + doc[start + length:]
    if mode == 3:
        return gzip.compress(doc)
    if mode == 4:
        return gzip.compress(doc)[: draw(st.integers(1, 200))]
    if mode == 5:
        return doc.decode("utf-8").encode("utf-16")
    if mode == 6:
        return XXE_PROLOG + doc
    if mode == 7:
        return draw(st.binary(max_size=200))
    return doc


def _is_http_url(url: object) -> bool:
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and (
        not any(ord(c) <= 32 or ord(c) == 127 for c in url))


def _ok_date(value: object) -> bool:
    return value is None or (isinstance(value, datetime) and value.tzinfo is not None)


@PROPERTY_SETTINGS
@given(sitemap_docs())
def test_sitemap_parser_is_total_and_safe(body: bytes) -> None:
    doc = parse_sitemap(body, BASE, max_urls=4)
    assert isinstance(doc, Sitemap)
    assert doc.kind in ("urlset", "index", "invalid")
    assert doc.error is None or isinstance(doc.error, str)
    assert len(doc.entries) <= 4
    if doc.kind == "invalid":
        assert not doc.entries and doc.error
    for entry in doc.entries:
        assert isinstance(entry, SitemapEntry)
        assert _is_http_url(entry.loc), entry.loc
        assert _ok_date(entry.lastmod) and _ok_date(entry.news_published)
        assert entry.news_title is None or isinstance(entry.news_title, str)
        assert entry.news_language is None or isinstance(entry.news_language, str)
        assert "root:" not in (entry.news_title or "")  # nothing of /etc/passwd


@PROPERTY_SETTINGS
@given(feed_docs())
def test_feed_parser_is_total_and_safe(body: bytes) -> None:
    feed = read_feed(body, BASE)
    assert isinstance(feed, Feed)
    assert feed.kind in ("rss", "rdf", "atom", "invalid")
    assert parse_feed(body, BASE) == feed.entries
    for entry in feed.entries:
        assert isinstance(entry, FeedEntry)
        assert _is_http_url(entry.url), entry.url
        assert _ok_date(entry.published)
        assert entry.title is None or isinstance(entry.title, str)


@settings(max_examples=examples(600), suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.sampled_from(["http://", "https://", "HTTP://", "ftp://", ""]),
    st.lists(st.sampled_from([*"ab1/?#;:.%&=@[] \t\x7fé", "..", "?#"]), max_size=14)
    .map("".join),
    st.sampled_from(["http://x.test/a/b", "https://x.test/", "", "http://[bad/", "ftp://y/",
                     "http://x.test/a;p?q#f"]),
)
@example("http://", "a?", "http://x.test/a/b")
@example("http://", "a/b#", "http://x.test/a/b")
@example("http://", "a/b?#x", "http://x.test/a/b")
@example("http://", "a/b;", "http://x.test/a/b")
@example("http://", "a/b;p", "http://x.test/a/b")
@example("http://", "a/\tb", "http://x.test/a/b")
@example("http://", "a/b?q=1&r#", "http://x.test/a/b")
@example("http://", "[x/", "http://x.test/a/b")
def test_urljoin_is_skipped_only_for_urls_it_hands_back(scheme: str, rest: str, base: str) -> None:
    """clean_http_url's fast path must give what urljoin gives (or urljoin raises,
    and so does the urlsplit after it)."""
    url = scheme + rest
    if not _join_keeps(url, base):
        return
    try:
        joined = urljoin(base, url)
    except ValueError:
        assert clean_http_url(url, base) is None
        return
    assert joined == url
