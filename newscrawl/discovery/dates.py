"""Dates as discovery documents write them: W3C datetime, RFC 822, and worse.

Sitemaps use W3C datetime (any precision from ``YYYY`` to fractional
seconds), feeds use RFC 822 with timezone names that the standard library
does not know (``PKT``, ``HKT``, ``IST``...).  All results are timezone-aware
so the spider can compare them with ``since`` directly; when the document
gives no offset, UTC is assumed.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_tz

from dateutil import parser as dateutil_parser

logger = logging.getLogger(__name__)

_W3C = re.compile(
    r"^\s*(\d{4})(?:-?(\d{1,2})(?:-?(\d{1,2})"
    r"(?:[Tt ]+(\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?"
    r"\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?)?)?\s*$"
)
_TRAILING_TZ = re.compile(
    r"\s*\(?\b(?P<name>[A-Za-z]{2,5})\)?\s*(?P<off>[+-]\d{1,2}(?::?\d{2})?)?\s*$"
)
_HAS_YEAR = re.compile(r"\b(?:1[89]|2\d)\d{2}\b")

# Hours east of UTC for names found in regional feeds that RFC 822 lacks.
# Ambiguous names take the reading most common in news feeds.
TZ_NAMES: dict[str, float] = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6,
    "PST": -8, "PDT": -7, "AKST": -9, "HST": -10,
    "BST": 1, "IST": 5.5, "PKT": 5, "NPT": 5.75, "BDT": 6, "ICT": 7, "WIB": 7,
    "HKT": 8, "SGT": 8, "PHT": 8, "MYT": 8, "AWST": 8, "JST": 9, "KST": 9,
    "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
    "CET": 1, "CEST": 2, "MET": 1, "MEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
    "WAT": 1, "CAT": 2, "SAST": 2, "EAT": 3, "GST": 4, "IRST": 3.5, "AFT": 4.5,
}


def _offset(text: str | None) -> timezone | None:
    if not text:
        return None
    name = text.upper()
    if name in TZ_NAMES:
        return timezone(timedelta(hours=TZ_NAMES[name]))
    m = re.fullmatch(r"([+-])(\d{1,2}):?(\d{2})?", text)
    if not m:
        return None
    delta = timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0))
    return timezone(-delta if m.group(1) == "-" else delta)


def parse_w3c(text: str) -> datetime | None:
    """Parse any W3C datetime form (``2024``, ``2024-03``, ... ``.123+05:00``)."""
    if len(text) >= 10 and text[4:5] == "-" and text[7:8] == "-":
        try:  # fast path for the common full forms
            value = datetime.fromisoformat(text.replace("z", "Z"))
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        except ValueError:
            pass
    m = _W3C.match(text)
    if not m:
        return None
    year, month, day, hour, minute, second, frac, tz = m.groups()
    try:
        micro = int((frac or "0")[:6].ljust(6, "0"))
        tzinfo = _offset(tz) or UTC
        return datetime(
            int(year), int(month or 1), int(day or 1), int(hour or 0),
            int(minute or 0), int(second or 0), micro, tzinfo=tzinfo,
        )
    except (ValueError, OverflowError):
        return None


def parse_rfc822(text: str) -> datetime | None:
    """Parse RFC 822/2822 dates, including timezone names outside the RFC."""
    tz: timezone | None = None
    core = text.strip()
    m = _TRAILING_TZ.search(core)
    if m and (m.group("name").upper() in TZ_NAMES):
        tz = _offset(m.group("name"))
        if m.group("off"):
            extra = _offset(m.group("off"))
            tz = extra if extra is not None else tz
        core = core[: m.start()]
    try:
        parts = parsedate_tz(core)
    except (ValueError, IndexError, TypeError):
        return None
    if parts is None:
        return None
    try:
        if tz is None:
            tz = timezone(timedelta(seconds=parts[9])) if parts[9] is not None else UTC
        return datetime(*parts[:6], tzinfo=tz)
    except (ValueError, OverflowError):
        return None


def _parse_loose(text: str) -> datetime | None:
    """Last resort for free-form dates; only tried when a year is visible,
    because dateutil happily turns any lone number into a day of this month."""
    if not _HAS_YEAR.search(text) or len(text) > 64:
        return None
    try:
        tzinfos = {k: int(v * 3600) for k, v in TZ_NAMES.items()}
        value = dateutil_parser.parse(text, tzinfos=tzinfos)
    except (ValueError, OverflowError, TypeError, LookupError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_date(text: str | None) -> datetime | None:
    """Best-effort, timezone-aware parse of a discovery-document date."""
    if not text:
        return None
    text = text.strip()
    if not text or len(text) > 200:
        return None
    for parse in (parse_w3c, parse_rfc822, _parse_loose):
        value = parse(text)
        if value is not None:
            return value
    logger.debug("unparseable date %r", text[:80])
    return None
