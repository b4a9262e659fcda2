"""Canonical URLs: one key per article, however many URLs lead to it.

The key decides identity in the state store, so a rule that merges two
different articles loses one of them, while a missed variant only costs a
fetch (the body hash still catches the copy).  Rules therefore err on the
side of keeping URLs apart.

Libraries: ``w3lib.url.canonicalize_url`` does percent-encoding (unreserved
characters decoded, hex upper-cased, non-ASCII paths UTF-8 encoded, IDN hosts
to punycode), query sorting and fragment removal; ``w3lib.url.safe_url_string``
cleans raw input; ``courlan.extract_domain`` (public-suffix aware) tells
whether two hosts belong to one registrable domain.  Tracking parameters use
our own explicit list: courlan's tracker regex also strips ``cid``,
``gallery`` or ``source``, which name content on some CMSs.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import re
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

from courlan import extract_domain
from w3lib.url import canonicalize_url as w3lib_canonicalize
from w3lib.url import safe_url_string

logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 80, "https": 443}

# Query parameters that never change which article a URL names.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "ttclid", "li_fat_id", "mc_cid", "mc_eid", "ref", "ref_src", "ref_url", "referrer",
        "cmpid", "cmp", "igshid", "igsh", "_ga", "_gl", "_hsenc", "_hsmi", "spm", "scm",
        "share", "shared", "ito", "icid", "ocid", "ncid", "sr_share", "smid", "s_cid",
        "at_medium", "at_campaign", "at_source", "xtor", "rss", "feed", "via", "mkt_tok",
        "wt.mc_id", "wt_mc_id", "oly_enc_id", "oly_anon_id", "vero_id", "__twitter_impression",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "stm_", "ga_", "at_", "mc_")
# ``from`` is a tracking label (from=rss) but also a pagination offset (from=20).
AMBIGUOUS_LABEL_PARAMS = frozenset({"from", "source", "src"})
AMP_PARAMS = frozenset({"amp", "amp_js_v", "amp_gsa", "usqp", "_js_v"})
AMP_VALUE_PARAMS = {"outputtype": "amp", "output": "amp", "format": "amp", "view": "amp"}
INDEX_PAGES = frozenset({"index.html", "index.htm", "index.php", "index.shtml", "default.aspx",
                         "default.asp", "index.asp", "index.aspx"})
AMP_CACHE_RE = re.compile(r"\.cdn\.ampproject\.org$")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_UNRESERVED_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


def canonicalize_url(url: str) -> str:
    """Return the canonical form of ``url`` used as the article key.

    Trailing slash rule: a non-root path never ends with ``/`` (``/a/b/`` and
    ``/a/b`` are one key; servers redirect one to the other).  Non-default
    ports are kept: sites on one host may differ only by port.

    The last ``MEMO_SIZE`` URLs (up to ``MEMO_MAX_CHARS`` long) are remembered: the
    frontier, the ledger and the state each ask for the same page's key, about a
    dozen calls per article in the reactor process.
    """
    return _canonical_memo(url) if len(url) <= MEMO_MAX_CHARS else _canonical(url)


MEMO_SIZE = 4096
MEMO_MAX_CHARS = 2048


@functools.lru_cache(maxsize=MEMO_SIZE)
def _canonical_memo(url: str) -> str:
    return _canonical(url)


def _canonical(url: str) -> str:
    raw = _unwrap_amp_cache(safe_url_string(url.strip()))
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return raw
    host = (parts.hostname or "").rstrip(".")
    while host.startswith("amp."):
        host = host.removeprefix("amp.")
    port = _port(parts)
    netloc = _host_for_netloc(host) if port in (None, DEFAULT_PORTS[scheme]) \
        else f"{_host_for_netloc(host)}:{port}"
    query = _clean_query(parts.query)
    path = _clean_path(parts.path)
    rebuilt = urlunsplit((scheme, netloc, path, query, ""))
    return w3lib_canonicalize(rebuilt, keep_blank_values=True)


def site_key(url: str) -> str:
    """``scheme://host:port`` with the port always spelled out: same key = same site."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    port = _port(parts) or DEFAULT_PORTS.get(scheme, 0)
    return f"{scheme}://{_host_for_netloc(host)}:{port}"


def resolve_canonical(fetched_url: str, declared_canonical: str | None, site_netloc: str) -> str:
    """Pick the article key: the page's ``rel=canonical`` when trustworthy, else the URL.

    A declared canonical on another host of the same site (www/amp/m) is fine;
    one on a foreign domain or the site's homepage for an article page is a CMS
    misconfiguration and is ignored (logged), so it cannot merge articles.
    """
    fetched = canonicalize_url(fetched_url)
    if not declared_canonical or not declared_canonical.strip():
        return fetched
    try:
        declared = canonicalize_url(urljoin(fetched_url, declared_canonical.strip()))
        d_parts, f_parts = urlsplit(declared), urlsplit(fetched)
    except ValueError:  # "http://[not-an-ip]/": no URL at all, the page keeps its own
        logger.info("ignored unparseable canonical %r on %s", declared_canonical[:200], fetched_url)
        return fetched
    if d_parts.scheme not in DEFAULT_PORTS:
        logger.debug("ignored non-http canonical %r on %s", declared_canonical, fetched_url)
        return fetched
    if not _same_site(d_parts.netloc, f_parts.netloc, site_netloc):
        logger.info("ignored foreign canonical %s on %s", declared, fetched_url)
        return fetched
    if d_parts.path in ("", "/") and not d_parts.query and f_parts.path not in ("", "/"):
        logger.info("ignored homepage canonical %s on %s", declared, fetched_url)
        return fetched
    return declared


def _same_site(declared_netloc: str, fetched_netloc: str, site_netloc: str) -> bool:
    """Hosts match exactly, or share a registrable domain with the site (not for IPs)."""
    site_netloc = site_netloc.lower()
    if "//" in site_netloc:
        site_netloc = urlsplit(site_netloc).netloc
    if declared_netloc in (fetched_netloc, site_netloc.removeprefix("amp.")):
        return True
    if _is_ip_or_local(declared_netloc):
        return False  # on an IP only the exact host:port is the same site
    declared_domain = extract_domain(f"http://{declared_netloc}/", fast=True)
    if declared_domain is None:
        return False
    known = {extract_domain(f"http://{n}/", fast=True) for n in (fetched_netloc, site_netloc) if n}
    return declared_domain in known


def _is_ip_or_local(netloc: str) -> bool:
    host = urlsplit(f"//{netloc}").hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _unwrap_amp_cache(url: str) -> str:
    """``https://x-com.cdn.ampproject.org/c/s/x.com/a`` names ``https://x.com/a``."""
    parts = urlsplit(url)
    if not AMP_CACHE_RE.search(parts.hostname or ""):
        return url
    match = re.match(r"^/(?:[a-z]{1,2}/)*?(s/)?([^/]+\.[^/]+/.*)$", parts.path)
    if not match:
        return url
    scheme = "https" if match.group(1) else "http"
    query = f"?{parts.query}" if parts.query else ""
    return f"{scheme}://{match.group(2)}{query}"


def _port(parts) -> int | None:
    try:
        return parts.port
    except ValueError:
        logger.debug("invalid port in %s", parts.geturl())
        return None


def _host_for_netloc(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _clean_query(query: str) -> str:
    """Drop tracking and AMP parameters; the rest is kept verbatim (w3lib sorts it).

    Pairs are not decoded and re-encoded, so a legacy-charset value survives.
    """
    if "&amp;" in query:
        query = query.replace("&amp;", "&")  # HTML-escaped link copied verbatim
    kept: list[str] = []
    for pair in query.split("&"):
        if not pair:
            continue
        raw_name, _, raw_value = pair.partition("=")
        name = unquote_plus(raw_name).lower()
        value = unquote_plus(raw_value)
        if name in AMP_PARAMS or AMP_VALUE_PARAMS.get(name) == value.lower():
            continue
        if not _is_tracking(name, value):
            kept.append(pair)
    return "&".join(kept)


def _is_tracking(name: str, value: str) -> bool:
    if name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES):
        return True
    if name in AMBIGUOUS_LABEL_PARAMS:
        # a label (from=rss, source=twitter) tracks; a number or path selects content
        return bool(re.fullmatch(r"[A-Za-z][\w.-]{0,40}", value)) and not value.isdigit()
    return False


def _clean_path(path: str) -> str:
    """Resolve dot segments, drop empty segments, AMP markers and index pages;
    no trailing slash.

    Order matters for a key that must not change when canonicalised again:
    escaped unreserved characters are decoded first (w3lib would decode
    ``%2e`` into a new dot segment later), dot segments are resolved before
    the trailing-slash rule (RFC 3986 5.2.4: ``/a/b/..`` is ``/a``), and the
    AMP/index rules repeat until nothing changes.
    """
    segments = [s for s in remove_dot_segments(_UNRESERVED_ESCAPE.sub(_unescape, path)) if s]
    while True:
        cleaned = _strip_amp_and_index(segments)
        if cleaned == segments:
            return "/" + "/".join(segments)
        segments = cleaned


def remove_dot_segments(path: str) -> list[str]:
    """The segments of ``path`` with ``.`` and ``..`` resolved (RFC 3986 5.2.4);
    ``..`` above the root stays at the root."""
    out: list[str] = []
    parts = path.split("/")
    for i, segment in enumerate(parts):
        if segment in (".", ".."):
            if segment == ".." and len(out) > 1:
                out.pop()
            if i == len(parts) - 1:
                out.append("")  # "/a/." names the directory "/a/"
            continue
        out.append(segment)
    return out


def _unescape(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else match.group(0).upper()


def _strip_amp_and_index(segments: list[str]) -> list[str]:
    segments = [s for s in segments if s.lower() != "amp"]
    if segments and segments[-1].lower().endswith(".amp.html"):
        segments[-1] = segments[-1][: -len(".amp.html")] + ".html"
    elif segments and segments[-1].lower().endswith(".amp"):
        segments[-1] = segments[-1][: -len(".amp")]
    while segments and segments[-1].lower() in INDEX_PAGES:
        segments.pop()
    return [s for s in segments if s]


def strip_tracking(url: str) -> str:
    """The URL to request: tracking parameters and the fragment removed, nothing else.

    Unlike :func:`canonicalize_url` it keeps the path as the site wrote it (a
    trailing slash, an AMP segment), so the request does not cost a redirect.
    """
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in DEFAULT_PORTS:
        return url
    query = "&".join(pair for pair in parts.query.split("&") if pair and not _is_tracking(
        unquote_plus(pair.partition("=")[0]).lower(), unquote_plus(pair.partition("=")[2])))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
