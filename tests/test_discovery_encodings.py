"""Bytes as real feeds and sitemaps send them: bare ampersands, entity names,
legacy charsets (XML 1.0 section 4.1/4.3.3 and appendix F, RFC 7303, RSS 2.0,
Atom RFC 4287 section 3.1) — and the refusals that must survive the repairs."""

from __future__ import annotations

import pytest

from newscrawl.discovery.feeds import parse_feed, read_feed
from newscrawl.discovery.safexml import repair_references, to_utf8
from newscrawl.discovery.sitemaps import parse_sitemap

FEED = "http://127.0.0.1:8000/feed/"
SITEMAP = "http://127.0.0.1:8000/sitemap.xml"


def rss(title: str = "t", link: str = "http://127.0.0.1:8000/news/1", decl: str = "") -> str:
    return (f"{decl}<rss version=\"2.0\"><channel><item><title>{title}</title>"
            f"<link>{link}</link></item></channel></rss>")


# -- class 1: a bare "&" (XML 1.0 2.4 forbids it; producers write it anyway) ----------
@pytest.mark.parametrize(("written", "expected"), [
    ("http://127.0.0.1:8000/?a=1&b=2&c", "http://127.0.0.1:8000/?a=1&b=2&c"),
    ("http://127.0.0.1:8000/a?id=5&section=3", "http://127.0.0.1:8000/a?id=5&section=3"),
    ("http://127.0.0.1:8000/a?id=5&amp;section=3", "http://127.0.0.1:8000/a?id=5&section=3"),
    ("http://127.0.0.1:8000/a?x=1&copy=2", "http://127.0.0.1:8000/a?x=1&copy=2"),  # no ";"
    ("http://127.0.0.1:8000/a?x=1&#38;y=2", "http://127.0.0.1:8000/a?x=1&y=2"),
    ("http://127.0.0.1:8000/a?x=1&foo;y=2", "http://127.0.0.1:8000/a?x=1&foo;y=2"),  # unknown name
    ("http://127.0.0.1:8000/a?q=&&", "http://127.0.0.1:8000/a?q=&&"),
])
def test_bare_ampersand_in_urls_survives(written: str, expected: str) -> None:
    (entry,) = parse_feed(rss(link=written).encode(), FEED)
    assert entry.url == expected
    body = f"<urlset><url><loc>{written}</loc></url><url><loc>{written}&z=9</loc></url></urlset>"
    doc = parse_sitemap(body.encode(), SITEMAP)
    assert [e.loc for e in doc.entries] == [expected, expected + "&z=9"]


def test_bare_ampersand_in_attributes_and_cdata() -> None:
    body = (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</title>'
            b'<link href="http://127.0.0.1:8000/a?p=1&q=2"/></entry>'
            b"<entry><title><![CDATA[Fish &amp; chips & peas]]></title>"
            b"<link href='http://127.0.0.1:8000/b?p=1&amp;q=2'/></entry></feed>")
    first, second = parse_feed(body, FEED)
    assert first.url == "http://127.0.0.1:8000/a?p=1&q=2"
    assert second.url == "http://127.0.0.1:8000/b?p=1&q=2"
    assert second.title == "Fish &amp; chips & peas"  # CDATA is text: nothing decoded


def test_unterminated_cdata_is_left_alone() -> None:
    data = b"<a>&x <![CDATA[ & " + b"<![CDATA[" * 1000
    assert repair_references(data).startswith(b"<a>&amp;x <![CDATA[ & <![CDATA[")


# -- class 3: entities in titles (HTML 5 named references, numeric ones) ------------
@pytest.mark.parametrize(("written", "expected"), [
    ("AT&#38;T", "AT&T"),
    ("AT&amp;T", "AT&T"),
    ("Caf&eacute; &aacute;", "Café á"),
    ("&#X41;&#x42;&#67;", "ABC"),
    ("a&nbsp;b", "a b"),
    ("&hellip; &mdash; &euro; &notin;", "… — € ∉"),
    ("&NotNestedGreaterGreater;", "\u2aa2\u0338"),  # a two-character HTML 5 reference
    ("It&amp;#8217;s", "It’s"),  # escaped twice, as WordPress feeds do
    ("&amp;lt;b&amp;gt;Rain&amp;lt;/b&amp;gt; falls", "<b>Rain</b> falls"),  # shown as written
    ("&lt;b&gt;Rain&lt;/b&gt; in Lahore", "Rain in Lahore"),  # escaped HTML: tags go
    ("Q&A & R&D", "Q&A & R&D"),
    ("&bogus; name", "&bogus; name"),
])
def test_entities_in_rss_titles_are_decoded(written: str, expected: str) -> None:
    (entry,) = parse_feed(rss(title=written).encode(), FEED)
    assert entry.title == expected


@pytest.mark.parametrize(("attrs", "written", "expected"), [
    ("", "AT&amp;amp;T", "AT&amp;T"),  # Atom text (default): what the XML says, no more
    (' type="text"', "a &lt;b&gt;", "a <b>"),
    (' type="html"', "AT&amp;amp;T &lt;em&gt;now&lt;/em&gt;", "AT&T now"),
    (' type="html"', "&aacute;&amp;eacute;", "áé"),
    (' type="xhtml"', '<div xmlns="http://www.w3.org/1999/xhtml">a <b>b</b> &eacute;</div>', "a b é"),
])
def test_atom_title_types(attrs: str, written: str, expected: str) -> None:
    body = (f'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title{attrs}>{written}</title>'
            f'<link href="http://127.0.0.1:8000/news/1"/></entry></feed>').encode()
    (entry,) = parse_feed(body, FEED)
    assert entry.title == expected


@pytest.mark.parametrize("declaration", [
    '<!DOCTYPE rss [<!ENTITY aacute "PWNED">]>',
    '<!DOCTYPE rss [<!ENTITY % ext SYSTEM "http://127.0.0.1:9/x.dtd"> %ext;]>',
])
def test_declared_entities_stay_refused_even_with_html_names(declaration: str) -> None:
    feed = read_feed(rss(title="&aacute;", decl=declaration).encode(), FEED)
    assert feed.kind == "invalid" and "entities" in (feed.error or "") and not feed.entries


def test_entity_declaration_hidden_in_a_legacy_charset_is_refused() -> None:
    body = rss(decl='<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "b">]>')
    assert read_feed(body.encode("utf-16-be"), FEED).error


# -- class 2: legacy charsets, from the declaration or from HTTP -------------------
SAMPLES = [
    ("gb2312", "gb18030", "江苏新闻 朱镕基"),  # 镕 is GBK only: gb2312 labels mean GBK
    ("GBK", "gbk", "南京日报"),
    ("EUC-JP", "euc_jp", "地方ニュース"),
    ("Shift_JIS", "cp932", "地方ニュース ①"),  # ① is a cp932 extension
    ("EUC-KR", "cp949", "지역 뉴스 똠"),  # 똠 is a cp949 extension
    ("KOI8-R", "koi8_r", "Новости региона"),
    ("windows-1251", "cp1251", "Новини"),
    ("ISO-8859-1", "cp1252", "Café – “quoted”"),  # the WHATWG superset of Latin-1
    ("Big5", "big5", "台灣新聞"),
    ("ISO-2022-JP", "iso2022_jp", "地方ニュース"),  # 7-bit: only the label tells
]


@pytest.mark.parametrize(("label", "codec", "text"), SAMPLES)
def test_xml_declaration_charset_is_honoured(label: str, codec: str, text: str) -> None:
    decl = f'<?xml version="1.0" encoding="{label}"?>'
    link = f"http://127.0.0.1:8000/{text.split()[0]}/1"  # an IRI in the same charset
    (entry,) = parse_feed(rss(title=text, link=link, decl=decl).encode(codec), FEED)
    assert entry.title == text and "\ufffd" not in entry.title
    assert entry.url == link


@pytest.mark.parametrize(("label", "codec", "text"), SAMPLES)
def test_http_charset_is_honoured_without_declaration(label: str, codec: str, text: str) -> None:
    body = rss(title=text, decl='<?xml version="1.0"?>').encode(codec)
    (entry,) = parse_feed(body, FEED, http_charset=label)
    assert entry.title == text


def test_valid_utf8_wins_over_a_wrong_label() -> None:
    body = rss(title="新闻 ニュース", decl='<?xml version="1.0" encoding="ISO-8859-1"?>').encode()
    assert parse_feed(body, FEED, http_charset="gbk")[0].title == "新闻 ニュース"


def test_label_that_does_not_fit_is_skipped_for_the_next() -> None:
    # HTTP says utf-8 (a server default) but the bytes are the declared GBK
    body = rss(title="南京日报", decl='<?xml version="1.0" encoding="gbk"?>').encode("gbk")
    assert parse_feed(body, FEED, http_charset="utf-8")[0].title == "南京日报"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-16", "utf-8-sig"])
def test_utf16_and_utf32_with_or_without_bom(codec: str) -> None:
    body = rss(title="新闻", decl=f'<?xml version="1.0" encoding="{codec[:6]}"?>').encode(codec)
    assert parse_feed(body, FEED)[0].title == "新闻"


def test_sitemap_in_a_legacy_charset() -> None:
    body = ('<?xml version="1.0" encoding="gb2312"?><urlset><url>'
            "<loc>http://127.0.0.1:8000/新闻/1</loc>"
            '<news:news xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            "<news:title>江苏新闻</news:title></news:news></url></urlset>").encode("gbk")
    (entry,) = parse_sitemap(body, SITEMAP).entries
    assert entry.loc == "http://127.0.0.1:8000/新闻/1" and entry.news_title == "江苏新闻"


def test_to_utf8_passes_ascii_through_untouched() -> None:
    data = b'<?xml version="1.0" encoding="windows-1252"?><a>x</a>'
    assert to_utf8(data) is data


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_text_after_leading_whitespace_is_decoded_and_still_checked(codec: str) -> None:
    evil = ' \n<!DOCTYPE r [<!ENTITY a "b">]>' + rss(title="&a;")
    assert "entities" in (read_feed(evil.encode(codec), FEED).error or "")
    assert parse_feed((" \n" + rss(title="新闻")).encode(codec), FEED)[0].title == "新闻"
