"""Dates in feeds and sitemaps: RFC 822 / RFC 2822 section 3.3 and 4.3 (RSS
pubDate), W3C-DTF (sitemaps.org lastmod, news:publication_date, dc:date) and
RFC 3339 (Atom), read with the one zone table and the site's timezone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from newscrawl.discovery.feeds import parse_feed
from newscrawl.discovery.sitemaps import parse_sitemap
from newscrawl.extraction.dates import parse_date, parse_feed_date

FEED = "http://127.0.0.1:8000/feed/"


def tz(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


RFC822 = [
    ("Thu, 01 Jan 2004 19:48:21 GMT", datetime(2004, 1, 1, 19, 48, 21, tzinfo=UTC)),
    ("Thu, 01 Jan 2004 19:48:21 UT", datetime(2004, 1, 1, 19, 48, 21, tzinfo=UTC)),
    ("01 Jan 2004 19:48:21 +0000", datetime(2004, 1, 1, 19, 48, 21, tzinfo=UTC)),  # no weekday
    ("Thu,01 Jan 2004 19:48:21 GMT", datetime(2004, 1, 1, 19, 48, 21, tzinfo=UTC)),
    ("Thu, 01 Jan 2004 19:48 GMT", datetime(2004, 1, 1, 19, 48, tzinfo=UTC)),  # seconds optional
    ("Thu, 01 Jan 04 19:48:21 GMT", datetime(2004, 1, 1, 19, 48, 21, tzinfo=UTC)),  # 2-digit year
    ("Fri, 01 Jan 99 19:48:21 GMT", datetime(1999, 1, 1, 19, 48, 21, tzinfo=UTC)),
    ("Sat, 01 Jan 2005 22:40:00 -0101", datetime(2005, 1, 1, 22, 40, tzinfo=tz(-61 / 60))),
    ("Sat, 01 Jan 2005 22:40:00 -01:01", datetime(2005, 1, 1, 22, 40, tzinfo=tz(-61 / 60))),
    ("Tue, 05 Mar 2024 10:00:00 +05:00", datetime(2024, 3, 5, 10, tzinfo=tz(5))),
    ("Tue, 05 Mar 2024 10:00:00 +0530", datetime(2024, 3, 5, 10, tzinfo=tz(5.5))),
    ("Tue, 05 Mar 2024 10:00:00 GMT+0800", datetime(2024, 3, 5, 10, tzinfo=tz(8))),
    ("Tue, 05 Mar 2024 10:00:00 +0500 (PKT)", datetime(2024, 3, 5, 10, tzinfo=tz(5))),
    # RFC 822 section 5 names
    ("Tue, 05 Mar 2024 10:00:00 EST", datetime(2024, 3, 5, 10, tzinfo=tz(-5))),
    ("Tue, 05 Mar 2024 10:00:00 EDT", datetime(2024, 3, 5, 10, tzinfo=tz(-4))),
    ("Tue, 05 Mar 2024 10:00:00 CST", datetime(2024, 3, 5, 10, tzinfo=tz(-6))),
    ("Tue, 05 Mar 2024 10:00:00 CDT", datetime(2024, 3, 5, 10, tzinfo=tz(-5))),
    ("Tue, 05 Mar 2024 10:00:00 MST", datetime(2024, 3, 5, 10, tzinfo=tz(-7))),
    ("Tue, 05 Mar 2024 10:00:00 MDT", datetime(2024, 3, 5, 10, tzinfo=tz(-6))),
    ("Tue, 05 Mar 2024 10:00:00 PST", datetime(2024, 3, 5, 10, tzinfo=tz(-8))),
    ("Tue, 05 Mar 2024 10:00:00 PDT", datetime(2024, 3, 5, 10, tzinfo=tz(-7))),
    # RFC 2822 4.3: military letters are unpredictable, read as -0000 (UTC)
    ("Tue, 05 Mar 2024 10:00:00 A", datetime(2024, 3, 5, 10, tzinfo=UTC)),
    ("Tue, 05 Mar 2024 10:00:00 Y", datetime(2024, 3, 5, 10, tzinfo=UTC)),
    ("Tue, 05 Mar 2024 10:00:00 Z", datetime(2024, 3, 5, 10, tzinfo=UTC)),
    # regional names outside the RFC, from the shared table
    ("Tue, 05 Mar 2024 10:00:00 PKT", datetime(2024, 3, 5, 10, tzinfo=tz(5))),
    ("Tue, 05 Mar 2024 10:00:00 IST", datetime(2024, 3, 5, 10, tzinfo=tz(5.5))),
    ("Tue, 05 Mar 2024 10:00:00 JST", datetime(2024, 3, 5, 10, tzinfo=tz(9))),
    ("Tue, 05 Mar 2024 10:00 PM GMT", datetime(2024, 3, 5, 22, tzinfo=UTC)),
    ("Mon, 26 January 2004 16:31:00 GMT", datetime(2004, 1, 26, 16, 31, tzinfo=UTC)),
    ("Mon, 13 Feb, 2012 06:28:00 UTC", datetime(2012, 2, 13, 6, 28, tzinfo=UTC)),
    ("Wed, 19 Aug 2009 18:28:00 Etc/GMT", datetime(2009, 8, 19, 18, 28, tzinfo=UTC)),
    ("Thu,  5 Apr 2012 10:00:00 GMT", datetime(2012, 4, 5, 10, tzinfo=UTC)),
    ("Thu, 01 Jan 2004", datetime(2004, 1, 1, tzinfo=UTC)),
    # asctime / ctime and their Twitter and JavaScript kin
    ("Sun Jan  4 16:29:06 2004", datetime(2004, 1, 4, 16, 29, 6, tzinfo=UTC)),
    ("Sun Jul 15 01:16:00 +0000 2012", datetime(2012, 7, 15, 1, 16, tzinfo=UTC)),
    ("Thu Aug 30 2012 17:26:16 GMT+0200 (CEST)", datetime(2012, 8, 30, 17, 26, 16, tzinfo=tz(2))),
]


@pytest.mark.parametrize(("raw", "expected"), RFC822)
def test_rfc822_dates(raw: str, expected: datetime) -> None:
    value = parse_feed_date(raw)
    assert value == expected and value.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(("raw", "offset_hours"), [
    ("Mon, 15 Jan 2024 10:00:00 ET", -5), ("Mon, 15 Jul 2024 10:00:00 ET", -4),
    ("Mon, 15 Jan 2024 10:00:00 CT", -6), ("Mon, 15 Jul 2024 10:00:00 CT", -5),
    ("Mon, 15 Jan 2024 10:00:00 MT", -7), ("Mon, 15 Jul 2024 10:00:00 MT", -6),
    ("Mon, 15 Jan 2024 10:00:00 PT", -8), ("Mon, 15 Jul 2024 10:00:00 PT", -7),
    ("Mon, 15 Jan 2024 10:00:00 AT", -4), ("Mon, 15 Jul 2024 10:00:00 AT", -3),
])
def test_generic_us_zone_names_follow_daylight_saving(raw: str, offset_hours: int) -> None:
    assert parse_feed_date(raw).utcoffset() == timedelta(hours=offset_hours)


W3C = [
    ("2024", datetime(2024, 1, 1, tzinfo=UTC)),
    ("2024-03", datetime(2024, 3, 1, tzinfo=UTC)),
    ("2024-03-05", datetime(2024, 3, 5, tzinfo=UTC)),
    ("2024-03-05T10:20+01:00", datetime(2024, 3, 5, 10, 20, tzinfo=tz(1))),
    ("2024-03-05T10:20:30Z", datetime(2024, 3, 5, 10, 20, 30, tzinfo=UTC)),
    ("2024-03-05t10:20:30z", datetime(2024, 3, 5, 10, 20, 30, tzinfo=UTC)),  # RFC 3339 5.6 note
    ("2024-03-05T10:20:30.45-05:00", datetime(2024, 3, 5, 10, 20, 30, 450000, tzinfo=tz(-5))),
    ("2024-03-05T10:20:30.123456789+00:00", datetime(2024, 3, 5, 10, 20, 30, 123456, tzinfo=UTC)),
    ("2024-03-05T10:20:30+0530", datetime(2024, 3, 5, 10, 20, 30, tzinfo=tz(5.5))),
    ("2024-03-05T10:20:30+05", datetime(2024, 3, 5, 10, 20, 30, tzinfo=tz(5))),
    ("2024-03-05 10:20:30", datetime(2024, 3, 5, 10, 20, 30, tzinfo=UTC)),  # naive, no site tz
    ("20240305T102030Z", datetime(2024, 3, 5, 10, 20, 30, tzinfo=UTC)),  # ISO 8601 basic
    ("20240305", datetime(2024, 3, 5, tzinfo=UTC)),
    ("2024-3-5T9:30Z", datetime(2024, 3, 5, 9, 30, tzinfo=UTC)),  # generators drop zeros
    ("2024-03-05 10:20:30 PKT", datetime(2024, 3, 5, 10, 20, 30, tzinfo=tz(5))),  # CMS style
    ("2024-03-05T10:20:30 UTC", datetime(2024, 3, 5, 10, 20, 30, tzinfo=UTC)),
    ("2024-03-05 10:20 XYZ", datetime(2024, 3, 5, 10, 20, tzinfo=UTC)),  # unknown name: local
]


@pytest.mark.parametrize(("raw", "expected"), W3C)
def test_w3c_and_iso_dates(raw: str, expected: datetime) -> None:
    assert parse_feed_date(raw) == expected


@pytest.mark.parametrize("raw", [
    "2013-01-27-01", "10000-01-01", "2024-13-01", "2024-02-30", "2024-03-05T25:00Z",
    "2024-03-05T10:60Z", "2024-03-05T10:00+15:00", "2024-03-05T10:00+05:99",
    "Thu, 31 Jun 2004 19:48:21 GMT", "Thu, 01 Foo 2004 19:48:21 GMT",
    "Thu, 01 Jan 2004 25:48:21 GMT", "Sun, 16 Dec 2012 1:2:3:4 GMT",
    "Sun, 16 Dec 2012 11:47:32 +zz:00", "Sun, 16 Dec 2012 11:47:32 +00:zz",
    "Sun Jan  4 16:29:06 2004 2005", "yesterday", "", "   ", "2024-03-05T10:00:00 garbage",
    "x" * 500,
])
def test_invalid_dates_are_rejected(raw: str) -> None:
    assert parse_feed_date(raw) is None


@pytest.mark.parametrize(("raw", "expected"), [
    ("2024/03/05 10:00", datetime(2024, 3, 5, 2, tzinfo=UTC)),  # regional CMS forms
    ("2024年3月5日 10:00", datetime(2024, 3, 5, 2, tzinfo=UTC)),
    ("2024.03.05 10:00", datetime(2024, 3, 5, 2, tzinfo=UTC)),
    ("March 5, 2024 10:00 AM", datetime(2024, 3, 5, 2, tzinfo=UTC)),
])
def test_printed_dates_in_feeds_still_parse(raw: str, expected: datetime) -> None:
    assert parse_feed_date(raw, "Asia/Shanghai") == expected


def test_naive_times_take_the_site_timezone() -> None:
    assert parse_feed_date("2024-07-01T10:00:00", "Asia/Karachi") == datetime(
        2024, 7, 1, 5, tzinfo=UTC)
    assert parse_feed_date("2024-07-01T10:00:00", "Europe/Berlin").utcoffset() == timedelta(hours=2)
    assert parse_feed_date("2024-01-01T10:00:00", "Europe/Berlin").utcoffset() == timedelta(hours=1)
    # a bare day is midnight there
    assert parse_feed_date("2024-07-01", "Asia/Karachi") == datetime(2024, 6, 30, 19, tzinfo=UTC)
    # an unknown zone name in RFC 822 leaves the time local, so the site zone applies
    assert parse_feed_date("Mon, 01 Jul 2024 10:00:00 XYZ", "Asia/Karachi") == datetime(
        2024, 7, 1, 5, tzinfo=UTC)
    # an explicit offset is never overridden
    assert parse_feed_date("2024-07-01T10:00:00Z", "Asia/Karachi") == datetime(
        2024, 7, 1, 10, tzinfo=UTC)


def test_ambiguous_names_follow_the_site_zone_that_uses_them() -> None:
    raw = "Tue, 05 Mar 2024 10:00:00 CST"
    assert parse_feed_date(raw).utcoffset() == timedelta(hours=-6)  # RFC 822 meaning
    assert parse_feed_date(raw, "Asia/Shanghai").utcoffset() == timedelta(hours=8)
    assert parse_feed_date(raw, "America/Chicago").utcoffset() == timedelta(hours=-6)
    ist = "Mon, 01 Jul 2024 10:00:00 IST"
    assert parse_feed_date(ist).utcoffset() == timedelta(hours=5, minutes=30)
    assert parse_feed_date(ist, "Europe/Dublin").utcoffset() == timedelta(hours=1)


def test_page_and_sitemap_read_the_same_naive_time_as_one_instant() -> None:
    """Issue 12, class 8: one module, one zone table, the site zone everywhere."""
    page = parse_date("2024-03-05 10:00", "Asia/Karachi")
    body = (b"<urlset><url><loc>http://127.0.0.1:8000/a</loc>"
            b"<lastmod>2024-03-05T10:00:00</lastmod></url></urlset>")
    (entry,) = parse_sitemap(body, "http://127.0.0.1:8000/s.xml", timezone="Asia/Karachi").entries
    assert page is not None and page.value == entry.lastmod
    for name in ("IST", "CST", "PKT", "EST"):  # page bylines and feeds share the table
        line = f"Tue, 05 Mar 2024 10:00:00 {name}"
        assert parse_date(line).value == parse_feed_date(line)


def rss_item(dates: str) -> bytes:
    return ('<rss xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms='
            '"http://purl.org/dc/terms/"><channel><item>'
            f"<link>http://127.0.0.1:8000/news/1</link>{dates}</item></channel></rss>").encode()


@pytest.mark.parametrize(("dates", "expected"), [
    ("<dcterms:modified>2024-03-05T10:00:00Z</dcterms:modified>", datetime(2024, 3, 5, 10, tzinfo=UTC)),
    (("<dcterms:created>2024-03-04T10:00:00Z</dcterms:created>"
     "<dcterms:modified>2024-03-05T10:00:00Z</dcterms:modified>"), datetime(2024, 3, 4, 10, tzinfo=UTC)),
    ("<dcterms:issued>2024-03-03T10:00:00Z</dcterms:issued>", datetime(2024, 3, 3, 10, tzinfo=UTC)),
    ("<dc:date>2024-03-05T07:00:00+08:00</dc:date>", datetime(2024, 3, 4, 23, tzinfo=UTC)),
    # an unreadable pubDate does not hide a readable dc:date
    ("<pubDate>someday</pubDate><dc:date>2024-03-05T10:00:00Z</dc:date>",
     datetime(2024, 3, 5, 10, tzinfo=UTC)),
    (("<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate>"
     "<dcterms:modified>2024-04-01T00:00:00Z</dcterms:modified>"), datetime(2024, 3, 5, 10, tzinfo=UTC)),
])
def test_rss_item_dublin_core_dates(dates: str, expected: datetime) -> None:
    (entry,) = parse_feed(rss_item(dates), FEED)
    assert entry.published == expected


def test_feed_dates_take_the_site_timezone() -> None:
    (entry,) = parse_feed(rss_item("<pubDate>Tue, 05 Mar 2024 10:00:00</pubDate>"), FEED,
                          timezone="Asia/Shanghai")
    assert entry.published == datetime(2024, 3, 5, 2, tzinfo=UTC)
    (entry,) = parse_feed(rss_item("<pubDate>Tue, 05 Mar 2024 10:00:00</pubDate>"), FEED)
    assert entry.published == datetime(2024, 3, 5, 10, tzinfo=UTC)
