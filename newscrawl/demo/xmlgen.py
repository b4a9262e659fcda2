"""Discovery documents (sitemaps, Google News sitemaps, RSS, Atom) as strings.

Built by hand rather than with a library so each quirk a crawler must handle
(news: namespace, index files, feeds with or without offsets) is explicit.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

logger = logging.getLogger(__name__)

XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'
SM_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed or news sitemap."""

    url: str
    title: str
    published: datetime
    updated: datetime
    summary: str = ""
    author: str = ""
    language: str = "en"


def w3c(moment: datetime) -> str:
    """W3C datetime with offset, as sitemaps and Atom want it."""
    return moment.replace(microsecond=0).isoformat()


def urlset(entries: Sequence[tuple[str, datetime | None]]) -> str:
    """A plain sitemap: (loc, lastmod) pairs."""
    rows = []
    for loc, lastmod in entries:
        mod = f"<lastmod>{w3c(lastmod)}</lastmod>" if lastmod else ""
        rows.append(f"  <url><loc>{escape(loc)}</loc>{mod}</url>")
    return f'{XML_DECL}<urlset xmlns="{SM_NS}">\n' + "\n".join(rows) + "\n</urlset>\n"


def sitemap_index(children: Sequence[tuple[str, datetime | None]]) -> str:
    rows = []
    for loc, lastmod in children:
        mod = f"<lastmod>{w3c(lastmod)}</lastmod>" if lastmod else ""
        rows.append(f"  <sitemap><loc>{escape(loc)}</loc>{mod}</sitemap>")
    return (f'{XML_DECL}<sitemapindex xmlns="{SM_NS}">\n' + "\n".join(rows)
            + "\n</sitemapindex>\n")


def news_sitemap(entries: list[FeedEntry], publication: str) -> str:
    """A Google News sitemap; lastmod carries edits, news:publication_date the first release."""
    rows = []
    for e in entries:
        rows.append(
            f"  <url>\n    <loc>{escape(e.url)}</loc>\n    <lastmod>{w3c(e.updated)}</lastmod>\n"
            f"    <news:news>\n      <news:publication>\n"
            f"        <news:name>{escape(publication)}</news:name>\n"
            f"        <news:language>{e.language}</news:language>\n      </news:publication>\n"
            f"      <news:publication_date>{w3c(e.published)}</news:publication_date>\n"
            f"      <news:title>{escape(e.title)}</news:title>\n    </news:news>\n  </url>")
    return (f'{XML_DECL}<urlset xmlns="{SM_NS}" xmlns:news="{NEWS_NS}">\n' + "\n".join(rows)
            + "\n</urlset>\n")


def rss(title: str, link: str, self_url: str, entries: list[FeedEntry]) -> str:
    """RSS 2.0 the way WordPress writes it (dc:creator, pubDate in RFC 822)."""
    newest = max((e.updated for e in entries), default=datetime(2026, 1, 1, tzinfo=UTC))
    items = []
    for e in entries:
        items.append(
            f"  <item>\n    <title>{escape(e.title)}</title>\n    <link>{escape(e.url)}</link>\n"
            f"    <dc:creator><![CDATA[{e.author}]]></dc:creator>\n"
            f"    <pubDate>{format_datetime(e.published)}</pubDate>\n"
            f'    <guid isPermaLink="true">{escape(e.url)}</guid>\n'
            f"    <description><![CDATA[{e.summary}]]></description>\n  </item>")
    return (f'{XML_DECL}<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            f'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
            f"  <title>{escape(title)}</title>\n  <link>{escape(link)}</link>\n"
            f'  <atom:link href="{escape(self_url)}" rel="self" type="application/rss+xml"/>\n'
            f"  <description>Latest news from {escape(title)}</description>\n"
            f"  <lastBuildDate>{format_datetime(newest)}</lastBuildDate>\n"
            + "\n".join(items) + "\n</channel>\n</rss>\n")


def atom(title: str, link: str, self_url: str, entries: list[FeedEntry]) -> str:
    """Atom 1.0; timestamps in UTC ('Z') as many CMSs emit them."""
    def utc(moment: datetime) -> str:
        return moment.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"

    newest = max((e.updated for e in entries), default=datetime(2026, 1, 1, tzinfo=UTC))
    items = []
    for e in entries:
        items.append(
            f"  <entry>\n    <title>{escape(e.title)}</title>\n"
            f'    <link rel="alternate" type="text/html" href="{escape(e.url)}"/>\n'
            f"    <id>{escape(e.url)}</id>\n    <published>{utc(e.published)}</published>\n"
            f"    <updated>{utc(e.updated)}</updated>\n"
            f"    <author><name>{escape(e.author)}</name></author>\n"
            f"    <summary>{escape(e.summary)}</summary>\n  </entry>")
    return (f'{XML_DECL}<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"  <title>{escape(title)}</title>\n  <id>{escape(link)}</id>\n"
            f'  <link rel="alternate" href="{escape(link)}"/>\n'
            f'  <link rel="self" href="{escape(self_url)}"/>\n'
            f"  <updated>{utc(newest)}</updated>\n" + "\n".join(items) + "\n</feed>\n")
