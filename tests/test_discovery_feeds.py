"""Feeds: RSS 2.0, RSS 1.0/RDF, Atom, broken dates, hostile XML, autodiscovery."""

from __future__ import annotations

import gzip
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from newscrawl.discovery.feeds import (
    fallback_feed_urls,
    feed_fallbacks,
    find_feed_links,
    parse_feed,
    read_feed,
)

FEED_URL = "http://127.0.0.1:8000/feed/"

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"
     xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>Daily Ledger</title><link>http://127.0.0.1:8000/</link>
 <item><title>Budget &amp; taxes</title><link>http://127.0.0.1:8000/2024/03/05/budget/</link>
   <pubDate>Tue, 05 Mar 2024 10:00:00 +0500</pubDate></item>
 <item><title><![CDATA[<b>Rain</b> in Lahore]]></title>
   <guid>http://127.0.0.1:8000/news/1234567/rain</guid>
   <dc:date>2024-03-05T08:00:00Z</dc:date></item>
 <item><title>Not a link</title>
   <guid isPermaLink="false">http://127.0.0.1:8000/guid-only</guid></item>
 <item><title>Relative</title><link>/news/7654321/relative</link></item>
 <item><title>Via proxy</title><link>http://feeds.example/~r/x/1</link>
   <feedburner:origLink>http://127.0.0.1:8000/news/1111111/orig</feedburner:origLink></item>
 <item><title>Atom link</title><atom:link href="http://127.0.0.1:8000/news/2222222/atom"/></item>
 <item><title>Evil</title><link>javascript:alert(1)</link></item>
 <item><title>Evil2</title><link>file:///etc/passwd</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://127.0.0.1:8000/news/">
 <title>Ledger</title>
 <entry><title type="html">&lt;em&gt;Floods&lt;/em&gt; hit Sindh</title>
   <link rel="self" href="http://127.0.0.1:8000/api/1"/>
   <link rel="alternate" type="text/html" href="2024/03/05/floods-hit-sindh"/>
   <id>tag:127.0.0.1,2024:1</id>
   <published>2024-03-04T09:00:00+05:00</published><updated>2024-03-05T09:00:00Z</updated>
 </entry>
 <entry xml:base="http://127.0.0.1:8000/sport/"><title>Cricket</title>
   <link href="final-score"/><updated>2024-03-05T11:00:00Z</updated></entry>
 <entry><title>Id only</title><id>http://127.0.0.1:8000/news/3333333/id-only</id></entry>
 <entry><title>Nothing</title><id>urn:uuid:1234</id></entry>
</feed>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
 <channel rdf:about="http://127.0.0.1:8000/"><title>Ledger</title></channel>
 <item rdf:about="http://127.0.0.1:8000/news/4444444/rdf-one">
   <title>RDF one</title><link>http://127.0.0.1:8000/news/4444444/rdf-one</link>
   <dc:date>2024-03-05T07:00:00+08:00</dc:date></item>
 <item rdf:about="http://127.0.0.1:8000/news/5555555/rdf-about"><title>About only</title></item>
</rdf:RDF>"""


def test_rss2_entries_links_guids_and_dates():
    feed = read_feed(RSS, FEED_URL)
    assert feed.kind == "rss" and feed.error is None
    by_title = {e.title: e for e in feed.entries}
    assert by_title["Budget & taxes"].url == "http://127.0.0.1:8000/2024/03/05/budget/"
    assert by_title["Budget & taxes"].published == datetime(
        2024, 3, 5, 10, tzinfo=timezone(timedelta(hours=5)))
    assert by_title["Rain in Lahore"].url == "http://127.0.0.1:8000/news/1234567/rain"
    assert by_title["Rain in Lahore"].published == datetime(2024, 3, 5, 8, tzinfo=UTC)
    assert by_title["Relative"].url == "http://127.0.0.1:8000/news/7654321/relative"
    assert by_title["Via proxy"].url == "http://127.0.0.1:8000/news/1111111/orig"
    assert by_title["Atom link"].url == "http://127.0.0.1:8000/news/2222222/atom"
    assert "Not a link" not in by_title  # isPermaLink="false" guid is no URL
    assert "Evil" not in by_title and "Evil2" not in by_title
    assert parse_feed(RSS, FEED_URL) == feed.entries


def test_atom_alternate_links_xml_base_and_dates():
    entries = parse_feed(ATOM, "http://127.0.0.1:8000/atom.xml")
    assert [e.url for e in entries] == [
        "http://127.0.0.1:8000/news/2024/03/05/floods-hit-sindh",
        "http://127.0.0.1:8000/sport/final-score",
        "http://127.0.0.1:8000/news/3333333/id-only",
    ]
    assert entries[0].title == "Floods hit Sindh"
    assert entries[0].published == datetime(2024, 3, 4, 9, tzinfo=timezone(timedelta(hours=5)))
    assert entries[1].published == datetime(2024, 3, 5, 11, tzinfo=UTC)  # updated as fallback
    assert entries[2].published is None


def test_rss1_rdf():
    feed = read_feed(RDF, "http://127.0.0.1:8000/index.rdf")
    assert feed.kind == "rdf"
    assert [(e.url, e.title) for e in feed.entries] == [
        ("http://127.0.0.1:8000/news/4444444/rdf-one", "RDF one"),
        ("http://127.0.0.1:8000/news/5555555/rdf-about", "About only")]
    assert feed.entries[0].published == datetime(2024, 3, 4, 23, tzinfo=UTC)


@pytest.mark.parametrize(("raw", "expected"), [
    ("Tue, 05 Mar 2024 10:00:00 GMT", datetime(2024, 3, 5, 10, tzinfo=UTC)),
    ("Tue, 05 Mar 2024 10:00:00 PKT", datetime(2024, 3, 5, 5, tzinfo=UTC)),
    ("Tue, 5 Mar 2024 10:00 HKT", datetime(2024, 3, 5, 2, tzinfo=UTC)),
    ("Tues, 05 Mar 2024 10:00:00 IST", datetime(2024, 3, 5, 4, 30, tzinfo=UTC)),
    ("05 Mar 2024 10:00:00 EST", datetime(2024, 3, 5, 15, tzinfo=UTC)),
    ("Tue, 05 Mar 2024 10:00:00 GMT+0800", datetime(2024, 3, 5, 2, tzinfo=UTC)),
    ("Tue, 05 Mar 2024 10:00:00 XYZ", datetime(2024, 3, 5, 10, tzinfo=UTC)),
    ("2024-03-05 10:00:00", datetime(2024, 3, 5, 10, tzinfo=UTC)),
    ("March 5, 2024 10:00 AM", datetime(2024, 3, 5, 10, tzinfo=UTC)),
    ("yesterday", None),
    ("Tue, 35 Mar 2024 10:00:00 GMT", None),
    ("", None),
])
def test_broken_and_regional_pubdates(raw, expected):
    body = (f"<rss><channel><item><link>http://127.0.0.1:8000/news/1234567/x</link>"
            f"<pubDate>{raw}</pubDate></item></channel></rss>").encode()
    (entry,) = parse_feed(body, FEED_URL)
    assert entry.published == expected
    if expected is not None:
        assert entry.published.utcoffset() is not None


def test_malformed_feed_is_recovered():
    body = (b"<rss><channel><item><title>Fish & chips</title>"
            b"<link>http://127.0.0.1:8000/news/1234567/fish</link></item><item><title>cut")
    entries = parse_feed(body, FEED_URL)
    assert [e.url for e in entries] == ["http://127.0.0.1:8000/news/1234567/fish"]


def test_gzipped_feed():
    assert parse_feed(gzip.compress(RSS), FEED_URL) == parse_feed(RSS, FEED_URL)
    assert len(parse_feed(RSS, FEED_URL)) == 5


def test_xxe_in_feed_is_refused():
    body = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&xxe;</title><link>http://127.0.0.1:8000/a/&xxe;</link></item>
</channel></rss>"""
    feed = read_feed(body, FEED_URL)
    assert feed.kind == "invalid" and not feed.entries and "entities" in (feed.error or "")


def test_billion_laughs_feed_returns_fast():
    lols = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    body = (f'<!DOCTYPE rss [<!ENTITY l0 "ha">{lols}]><rss><channel><item>'
            f"<title>&l9;</title><link>http://127.0.0.1:8000/x</link></item></channel></rss>"
            ).encode()
    started = time.perf_counter()
    assert parse_feed(body, FEED_URL) == []
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("body", [
    b"", b"   ", b"<html><body>Not found</body></html>",
    b"<!DOCTYPE html><html><head><title>x</title></head></html>",
    b"<notafeed><item><link>http://127.0.0.1:8000/x</link></item></notafeed>",
    b"\x00\xff\xfe garbage", b"\x1f\x8b\x08broken",
])
def test_unusable_bodies_give_no_entries(body):
    feed = read_feed(body, FEED_URL)
    assert feed.kind == "invalid" and feed.entries == [] and feed.error


def test_oversized_feed_is_refused():
    assert read_feed(RSS, FEED_URL, max_bytes=100).error


def test_entry_cap():
    items = "".join(f"<item><link>http://127.0.0.1:8000/news/{i}</link></item>"
                    for i in range(100))
    body = f"<rss><channel>{items}</channel></rss>".encode()
    assert len(parse_feed(body, FEED_URL, max_entries=10)) == 10


HOME = """<!doctype html><html><head>
<base href="http://127.0.0.1:8000/en/">
<link rel="alternate" type="application/rss+xml" title="Ledger Feed" href="feed/">
<link rel="alternate" type="application/rss+xml" title="Ledger Comments Feed"
      href="http://127.0.0.1:8000/comments/feed/">
<link rel="Alternate" type="application/atom+xml; charset=utf-8" href="/atom.xml">
<link rel="alternate" hreflang="ur" href="http://127.0.0.1:8000/ur/">
<link rel="stylesheet" type="text/css" href="/style.css">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="alternate" type="application/rss+xml" href="feed/">
</head><body><a href="/rss.xml">RSS</a></body></html>"""


def test_feed_autodiscovery():
    assert find_feed_links(HOME, "http://127.0.0.1:8000/") == [
        "http://127.0.0.1:8000/en/feed/", "http://127.0.0.1:8000/atom.xml"]
    assert find_feed_links(HOME.encode(), "http://127.0.0.1:8000/")[0].endswith("/en/feed/")


@pytest.mark.parametrize("html", ["", "   ", "<html></html>", "\x00\x00", "<link rel=alternate"])
def test_autodiscovery_on_empty_or_broken_pages(html):
    assert find_feed_links(html, "http://127.0.0.1:8000/") == []


def test_fallback_feed_urls():
    expected = ["http://127.0.0.1:8000/feed/", "http://127.0.0.1:8000/rss.xml",
                "http://127.0.0.1:8000/feed.xml", "http://127.0.0.1:8000/rss",
                "http://127.0.0.1:8000/atom.xml"]
    assert fallback_feed_urls("http://127.0.0.1:8000/section/page?x=1") == expected
    assert feed_fallbacks("http://127.0.0.1:8000/") == expected


def atom_entry(links: str) -> bytes:
    return ('<feed xmlns="http://www.w3.org/2005/Atom" xmlns:itunes='
            '"http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:media="http://search.yahoo.com/mrss/">'
            f"<entry><title>x</title><id>urn:uuid:1</id>{links}</entry></feed>").encode()


A, B, C = ("http://127.0.0.1:8000/news/1/article", "http://127.0.0.1:8000/news/2/other",
           "http://127.0.0.1:8000/news/3/third")


@pytest.mark.parametrize(("links", "expected"), [
    # RFC 4287 4.2.7.2: no rel means alternate
    (f'<link href="{A}"/>', A),
    # URL written as the element's text (pre-1.0 habit)
    (f"<link>{A}</link>", A),
    (f'<link rel="alternate">{A}</link>', A),
    # ranking: explicit alternate > no rel > an unknown rel
    (f'<link rel="bookmark" href="{C}"/><link href="{B}"/><link rel="alternate" href="{A}"/>', A),
    (f'<link rel="bookmark" href="{C}"/><link href="{B}"/>', B),
    (f'<link rel="bookmark" href="{C}"/>', C),
    # among alternates an HTML page beats another media type
    ((f'<link rel="alternate" type="audio/mpeg" href="{B}"/>'
     f'<link rel="alternate" type="text/html" href="{A}"/>'), A),
    # never the article: self, edit, replies, enclosure, license, related, via
    ((f'<link rel="self" href="{B}"/><link rel="enclosure" href="{C}"/>'
     f'<link rel="license" href="{B}"/><link rel="alternate" href="{A}"/>'), A),
    ((f'<link rel="license" href="{B}"/><link rel="related" href="{C}"/>'
     f'<link rel="replies" href="{B}"/><link rel="via" href="{C}"/>'), None),
    # links of other vocabularies never count
    (f'<itunes:link href="{B}"/><media:link href="{C}"/><link href="{A}"/>', A),
    (f"<itunes:link>{B}</itunes:link>", None),
    # a javascript: alternate is skipped for the next candidate
    (f'<link rel="alternate" href="javascript:x()"/><link href="{A}"/>', A),
])
def test_atom_link_variants(links: str, expected: str | None) -> None:
    entries = parse_feed(atom_entry(links), FEED_URL)
    assert [e.url for e in entries] == ([expected] if expected else [])


def test_rss_item_link_beats_other_vocabularies_and_enclosures() -> None:
    body = ('<rss xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
            'xmlns:atom="http://www.w3.org/2005/Atom"><channel><item>'
            f'<itunes:link href="{B}"/><atom:link rel="enclosure" href="{C}"/>'
            f'<enclosure url="{C}" type="audio/mpeg"/><link>{A}</link></item>'
            f'<item><atom:link rel="self" href="{B}"/><atom:link href="{C}"/></item>'
            "</channel></rss>").encode()
    assert [e.url for e in parse_feed(body, FEED_URL)] == [A, C]


@pytest.mark.parametrize(("tail", "urls"), [
    (b"<item><title>Two</title><link>http://127.0.0.1:8000/news/2/tw", 1),  # cut in the URL
    (b"<item><title>Two</title><link>http://127.0.0.1:8000/news/2/two</li", 1),
    (b"<item><title>Two</title><link>http://127.0.0.1:8000/news/2/two</link>", 2),
    (b"<item><link>http://127.0.0.1:8000/news/2/two</link><title>T", 2),
    (b"<item><guid>http://127.0.0.1:8000/news/2/tw", 1),  # a cut permalink guid too
])
def test_cut_feed_never_yields_a_half_url(tail: bytes, urls: int) -> None:
    head = b"<rss><channel><item><link>http://127.0.0.1:8000/news/1/one</link></item>"
    entries = parse_feed(head + tail, FEED_URL)
    assert [e.url for e in entries] == ["http://127.0.0.1:8000/news/1/one",
                                        "http://127.0.0.1:8000/news/2/two"][:urls]
