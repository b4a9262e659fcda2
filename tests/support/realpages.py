"""The real pages of ``../shared/data``, grouped into the sites of the real-page network.

Pages are chosen and grouped by fixed rules on the corpora's own metadata (corpus,
country, publisher, id), never by what a page says, so the crawler cannot be tuned
to the choice: it meets pages it has never seen, in many scripts and charsets.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"

# news/ pages: country -> site (Germany is split three ways by publisher, see _news_site)
COUNTRY_SITES = {
    "jp": "asia-east", "vn": "asia-east", "my": "asia-east", "id": "asia-east",
    "kr": "hanbando", "at": "alpen", "ch": "alpen", "lu": "alpen",
    "uk": "isles", "us": "states", "ca": "maple", "za": "southern", "tz": "southern",
    "ls": "southern", "es": "iberia", "mx": "iberia", "py": "iberia", "fr": "romance",
    "it": "romance", "be": "romance", "dk": "nordic", "se": "nordic", "no": "nordic",
    "isl": "nordic", "gl": "nordic", "pl": "east", "cz": "east", "lt": "east",
    "tr": "east", "lb": "east",
}
GERMAN_SITES = ("rhein", "elbe", "spree")
# dates/ pages in scripts other than Latin (their hosts' country domains say so)
SCRIPT_TLDS = ("jp", "in", "ir", "ae", "ru", "ua")
# bodies/ pages, in id order: the first WIDE_INDEX go to the site whose sitemap index
# has one child per article (>= 30 children), the next LINKS_ONLY to a links-only site
WIDE_INDEX, LINKS_ONLY = 36, 25
_META_CHARSET = re.compile(rb"<meta[^>]{0,300}?charset=[\"']?([A-Za-z0-9_.:-]{1,40})", re.I)
_TITLE = re.compile(rb"<title[^>]{0,200}>([^<]{1,400})</title>", re.I)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})/(\d{2})/(\d{2})/")


@dataclass
class RealPage:
    """One saved page and where the network serves it."""

    id: str
    corpus: str
    original_url: str
    body: bytes
    published: datetime  # the date the network's discovery documents state
    title: str
    meta_charset: str | None
    site: str = ""
    path: str = ""  # unquoted path on the network site

    @property
    def url_date(self) -> datetime | None:
        match = _URL_DATE.search(self.path)
        if not match:
            return None
        try:
            return datetime(*map(int, match.groups()), tzinfo=UTC)
        except ValueError:
            return None


def available() -> bool:
    return all((DATA / c / "truth.jsonl").exists() for c in ("news", "bodies", "dates"))


def load_pages() -> list[RealPage]:
    """Every page of the network, grouped (``site``) and placed (``path``)."""
    pages = [*_news(), *_bodies(), *_scripts()]
    by_site: dict[str, set[str]] = {}
    for page in pages:
        page.path = _unique_path(page, by_site.setdefault(page.site, set()))
    return pages


def _read(corpus: str) -> list[dict]:
    with (DATA / corpus / "truth.jsonl").open(encoding="utf-8") as fh:
        return sorted((json.loads(line) for line in fh if line.strip()), key=lambda d: d["id"])


def _page(corpus: str, truth: dict, site: str, published: datetime) -> RealPage:
    body = gzip.decompress((DATA / corpus / "pages" / f"{truth['id']}.html.gz").read_bytes())
    charset = _META_CHARSET.search(body[:30000])
    title = truth.get("title")
    if not title:
        found = _TITLE.search(body[:200000])
        title = found.group(1).decode("utf-8", "replace").strip() if found else truth["id"]
    return RealPage(truth["id"], corpus, truth["url"], body, published, title,
                    charset.group(1).decode("ascii").lower() if charset else None, site)


def _news() -> list[RealPage]:
    pages = []
    for truth in _read("news"):
        when = datetime.fromisoformat(truth["published"]).astimezone(UTC)
        pages.append(_page("news", truth, _news_site(truth), when))
    return pages


def _news_site(truth: dict) -> str:
    if truth["country"] == "de":
        return GERMAN_SITES[zlib.crc32(truth["publisher"].encode()) % len(GERMAN_SITES)]
    return COUNTRY_SITES[truth["country"]]


def _bodies() -> list[RealPage]:
    pages = []
    for i, truth in enumerate(_read("bodies")):
        site = "wide-index" if i < WIDE_INDEX else \
            "links-only" if i < WIDE_INDEX + LINKS_ONLY else "atomic"
        pages.append(_page("bodies", truth, site, _bodies_date(truth)))
    return pages


def _bodies_date(truth: dict) -> datetime:
    """The URL's date where it has one, else a fixed day derived from the id."""
    match = _URL_DATE.search(urlsplit(truth["url"]).path)
    if match:
        try:
            return datetime(*map(int, match.groups()), 12, tzinfo=UTC)
        except ValueError:
            pass
    return datetime(2019, 6, 1, 9, tzinfo=UTC) + timedelta(
        days=zlib.crc32(truth["id"].encode()) % 365)


def _scripts() -> list[RealPage]:
    pages = []
    for truth in _read("dates"):
        host = urlsplit(truth["url"]).hostname or ""
        if host.rsplit(".", 1)[-1] in SCRIPT_TLDS:
            day = datetime.fromisoformat(truth["published"]).replace(hour=8, tzinfo=UTC)
            pages.append(_page("dates", truth, "scripts", day))
    return pages


def _unique_path(page: RealPage, taken: set[str]) -> str:
    """The original path; a publisher prefix (then a counter) only where two collide."""
    path = unquote(urlsplit(page.original_url).path) or "/"
    if path in ("/", "") or path in taken or _reserved(path):
        host = (urlsplit(page.original_url).hostname or "site").removeprefix("www.")
        path = f"/{host.split('.')[0]}{path if path != '/' else '/' + page.id}"
    base, n = path, 1
    while path in taken:
        n += 1
        path = f"{base}-{n}"
    taken.add(path)
    return path


def _reserved(path: str) -> bool:
    """Paths the network uses for its own listings and discovery documents."""
    return path.rstrip("/").split("/")[1:2] in (
        ["section"], ["tag"], ["about"], ["intern"], ["feed"], ["syndicated"]) \
        or path.endswith(".xml")
