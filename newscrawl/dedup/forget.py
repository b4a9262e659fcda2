"""Forgetting part of the state (``scrapy state forget``): the rows that would keep a
site or an article from being crawled and emitted again.

An article is known through its row, its URL aliases and its near-duplicate
signature (left behind, the re-crawled copy would be linked to itself as a
duplicate); its site's sitemaps and feeds through their HTTP validators and
sitemap lastmods (a 304 would hide the pages again).
"""

from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit


def forget_rows(cur: sqlite3.Cursor, *, site: str | None = None,
                urls: list[str] | None = None) -> int:
    """Delete the articles of ``site`` or with a canonical URL / alias in ``urls``."""
    if site is not None:
        keys = [r[0] for r in cur.execute("SELECT canonical_url FROM articles WHERE site = ?",
                                          (site,))]
    else:
        wanted = list(urls or [])
        marks = ",".join("?" * len(wanted))
        keys = [r[0] for r in cur.execute(
            f"SELECT canonical_url FROM articles WHERE canonical_url IN ({marks}) UNION "
            f"SELECT canonical_url FROM url_aliases WHERE url IN ({marks})", wanted + wanted)]
    for key in keys:
        cur.execute("DELETE FROM url_aliases WHERE canonical_url = ?", (key,))
        cur.execute("DELETE FROM neardup WHERE key = ?", (key,))
        cur.execute("DELETE FROM articles WHERE canonical_url = ?", (key,))
        cur.execute("DELETE FROM sitemap_lastmod WHERE url = ?", (key,))
        cur.execute("DELETE FROM http_validators WHERE url = ?", (key,))
    if site is not None:
        for origin in {_origin(k) for k in keys}:
            for table in ("http_validators", "sitemap_lastmod"):
                cur.execute(f"DELETE FROM {table} WHERE substr(url, 1, ?) = ?",
                            (len(origin) + 1, origin + "/"))
    return len(keys)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
