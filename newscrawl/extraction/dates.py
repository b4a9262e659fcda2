"""Date parsing and normalisation to ISO 8601 with an offset whenever possible.

Regional sites state dates in every shape: ISO with or without offset,
RFC 2822, "3. Mai 2024, 15:47 Uhr", "2024年5月3日 15:47", "May 3, 2024 3:47 PM
EDT", and sitemaps and feeds add W3C-DTF and RFC 822. Users need one
comparable instant, so every shape ends up here, read with one zone table
(:mod:`.date_words`); a local time without offset borrows the site's registry
timezone (zoneinfo), and a time of day is never thrown away because it is what
tells two updates apart.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newscrawl.extraction import solar_hijri
from newscrawl.extraction.date_words import MILITARY_ZONES, MONTHS, TZ_ABBREVIATIONS

__all__ = ["MONTHS", "TZ_ABBREVIATIONS", "ParsedDate", "date_from_url", "localize",
           "parse_date", "parse_feed_date", "parse_iso", "parse_machine", "parse_text"]

logger = logging.getLogger(__name__)

MIN_YEAR = 1995  # older "dates" on news pages are almost always ids or noise
MAX_YEAR = 2100
MIN_FEED_YEAR = 1900  # feeds and sitemaps state real dates: no noise floor needed
MAX_OFFSET_MINUTES = 14 * 60

_ISO = re.compile(
    r"(?P<y>\d{4})[-/.]\s?(?P<m>\d{1,2})[-/.]\s?(?P<d>\d{1,2})"
    r"(?:(?:[T\s]+|,\s*|\s+um\s+)(?P<H>\d{1,2})[:h](?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<ampm>[ap]\.?m\.?)?\s*(?P<tz>Z(?![a-z])|[+-]\d{2}(?::?\d{2})?\b|\b[A-Z]{2,5}\b)?)?",
    re.IGNORECASE,
)
_DMY_NUM = re.compile(
    r"\b(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4}|\d{2})\b"
    r"(?:[,\s|\-–]*(?:um\s+|à\s+|a las\s+|alle\s+|kl\.?\s+)?(?P<H>\d{1,2})[:.h](?P<M>\d{2})"
    r"(?::(?P<S>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?\s*(?P<tz>[+-]\d{2}:?\d{2}|\b[A-Z]{2,5}\b)?)?",
    re.IGNORECASE,
)
_CJK = re.compile(
    r"(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]?"
    r"(?:[^\d]{0,12}?(?P<H>\d{1,2})\s*[:時시]\s*(?P<M>\d{1,2}))?"
)
_TIME = re.compile(
    r"(?<![\d.])(?P<H>\d{1,2})[:.h](?P<M>\d{2})(?::(?P<S>\d{2}))?(?![\d.])\s*(?P<ampm>[ap]\.?\s?m\.?)?"
    r"\s*(?:Uhr\s*)?\(?(?P<tz>[+-]\d{2}:?\d{2}|\b[A-Z]{2,5}\b)?",
    re.IGNORECASE,
)
_WORD_DATE = re.compile(
    r"(?:(?P<d1>\d{1,2})(?:st|nd|rd|th|\.|º)?\s*(?:de\s+)?(?P<mon1>[^\W\d_]{3,12})\.?,?\s*(?:de\s+)?(?P<y1>\d{4})"
    r"|(?P<mon2>[^\W\d_]{3,12})\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{4})"
    r"|(?P<y3>\d{4})\.?\s+(?P<mon3>[^\W\d_]{3,12})\.?\s+(?P<d3>\d{1,2})(?!\d))",  # "2020. szeptember 21."
    re.UNICODE,
)
_OFFSET = re.compile(r"([+-])(\d{1,2}):?(\d{2})?")

@dataclass(frozen=True)
class ParsedDate:
    """A parsed date: aware when the source had an offset, with or without a time."""

    value: dt.datetime
    has_time: bool

    @property
    def aware(self) -> bool:
        return self.value.tzinfo is not None

    def iso(self) -> str:
        """ISO 8601: full instant when known, naive local time, or the bare day."""
        if not self.has_time:
            return self.value.date().isoformat()
        return self.value.replace(microsecond=0).isoformat()

    def swapped(self) -> ParsedDate | None:
        """The same numbers read the other way round (03/05 as 5 March), when that is a date."""
        value = self.value
        if value.day > 12 or value.day == value.month:
            return None
        return ParsedDate(value.replace(month=value.day, day=value.month), self.has_time)


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("unknown timezone %r in site hints; local times stay naive", name)
        return None


def localize(parsed: ParsedDate, timezone: str | None) -> ParsedDate:
    """Give a naive local time the offset of ``timezone`` (DST-correct for that date)."""
    if parsed.aware or not parsed.has_time or not timezone:
        return parsed
    zone = _zone(timezone)
    if zone is None:
        return parsed
    return ParsedDate(parsed.value.replace(tzinfo=zone), True)


def zone_for(name: str, when: dt.datetime, timezone: str | None = None) -> dt.tzinfo | None:
    """The zone a name like ``EST``, ``IST`` or ``ET`` means at ``when`` (naive).

    The site's own zone wins when it goes by that name on that date, which
    settles the ambiguous names (CST in Shanghai, IST in Dublin); otherwise
    the shared table decides.
    """
    upper = name.upper()
    if upper not in TZ_ABBREVIATIONS:
        return None
    site = _zone(timezone) if timezone else None
    if site is not None and when.replace(tzinfo=site).tzname() == upper:
        return site
    value = TZ_ABBREVIATIONS[upper]
    if isinstance(value, str):
        return _zone(value)
    return dt.timezone(dt.timedelta(minutes=value))


def _offset(token: str | None, when: dt.datetime | None = None,
            timezone: str | None = None) -> dt.tzinfo | None:
    """A zone name or a numeric offset (``+05``, ``+0530``, ``-01:01``) as tzinfo."""
    if not token:
        return None
    token = token.strip()
    if token[:1].isalpha():
        return zone_for(token, when or dt.datetime(2000, 1, 1), timezone)
    match = _OFFSET.fullmatch(token)
    if not match or int(match.group(3) or 0) > 59:
        return None
    minutes = int(match.group(2)) * 60 + int(match.group(3) or 0)
    if minutes > MAX_OFFSET_MINUTES:
        return None
    return dt.timezone(dt.timedelta(minutes=-minutes if match.group(1) == "-" else minutes))


def _build(y: int, m: int, d: int, groups: dict[str, str | None], *,
           timezone: str | None = None, strict: bool = False) -> ParsedDate | None:
    """A ParsedDate from matched parts, or None when the parts are not a real date.

    ``strict`` (feeds, sitemaps): a bad time or offset rejects the whole date
    instead of leaving the bare day, and any year since 1900 is real.
    """
    if y < 100:  # "25.04.24": two-digit years on news pages are this century
        y += 2000
    if not (MIN_FEED_YEAR if strict else MIN_YEAR) <= y <= MAX_YEAR:
        return None
    try:
        day = dt.datetime(y, m, d)
    except ValueError:
        return None
    hour, minute = groups.get("H"), groups.get("M")
    if hour is None or minute is None:
        return ParsedDate(day, False)
    h, mi, s = int(hour), int(minute), int(groups.get("S") or 0)
    ampm = (groups.get("ampm") or "").lower().replace(".", "").replace(" ", "")
    if ampm == "pm" and h < 12:
        h += 12
    elif ampm == "am" and h == 12:
        h = 0
    if h > 23 or mi > 59 or s > 59:
        return None if strict else ParsedDate(day, False)
    micro = int((groups.get("f") or "0")[:6].ljust(6, "0"))
    value = day.replace(hour=h, minute=mi, second=s, microsecond=micro)
    token = groups.get("tz")
    tzinfo = _offset(token, value, timezone)
    if strict and token and tzinfo is None and not token[:1].isalpha():
        return None  # a broken offset; an unknown zone name leaves the time local
    return ParsedDate(value.replace(tzinfo=tzinfo), True)


def parse_iso(text: str, timezone: str | None = None) -> ParsedDate | None:
    """Machine dates: ISO 8601 and its sloppy relatives, then RFC 2822."""
    match = _ISO.search(text)
    if match:
        g = match.groupdict()
        return _build(int(g["y"]), int(g["m"]), int(g["d"]), g, timezone=timezone)
    return parse_rfc822(text, timezone)


def _word_date(text: str) -> tuple[int, int, int, int] | None:
    """(year, month, day, end position) of the first date written with a month name."""
    for match in _WORD_DATE.finditer(text):
        g = match.groupdict()
        word = (g["mon1"] or g["mon2"] or g["mon3"] or "").lower().rstrip(".")
        month = MONTHS.get(word) or (MONTHS.get(word[:3]) if len(word) <= 5 else None)
        if month:
            day = int(g["d1"] or g["d2"] or g["d3"])
            return int(g["y1"] or g["y2"] or g["y3"]), month, day, match.end()
    return None


def _from_solar_hijri(y: int, m: int, d: int) -> tuple[int, int, int]:
    """The Gregorian (year, month, day), or (0, 0, 0), which _build rejects."""
    day = solar_hijri.to_gregorian(y, m, d)
    return (day.year, day.month, day.day) if day else (0, 0, 0)


def _solar_hijri_word_date(text: str) -> tuple[int, int, int, int] | None:
    found = solar_hijri.word_date(text)
    if found is None:
        return None
    day, end = found
    return day.year, day.month, day.day, end


def parse_text(text: str, timezone: str | None = None) -> ParsedDate | None:
    """Human dates as printed in bylines: numeric, with month names, or CJK."""
    if not text:
        return None
    text = " ".join(text.split())
    for pattern in (_ISO, _CJK, _DMY_NUM):
        match = pattern.search(text)
        if match:
            g = match.groupdict()
            y, m, d = int(g["y"]), int(g["m"]), int(g["d"])
            if pattern is _ISO and solar_hijri.MIN_YEAR <= y <= solar_hijri.MAX_YEAR:
                y, m, d = _from_solar_hijri(y, m, d)  # "۱۳۹۸/۱۱/۲۹"
            elif pattern is _DMY_NUM and m > 12 >= d:
                m, d = d, m  # "03/25/2025": a part over 12 is the day, so this one is month first
            return _build(y, m, d, g, timezone=timezone)
    found = _word_date(text) or _solar_hijri_word_date(text)
    if not found:
        return None
    year, month, day, end = found
    time_match = _TIME.search(text, end) or _TIME.search(text)
    groups = time_match.groupdict() if time_match else {}
    return _build(year, month, day, groups, timezone=timezone)


def parse_date(text: str | None, timezone: str | None = None) -> ParsedDate | None:
    """Any date string → ParsedDate (localised with ``timezone`` when it has no offset)."""
    if not text or not isinstance(text, str):
        return None
    text = text.strip()
    if re.fullmatch(r"\d{10}(\d{3})?", text):  # epoch seconds / milliseconds
        seconds = int(text[:10])
        value = dt.datetime.fromtimestamp(seconds, dt.UTC)
        parsed: ParsedDate | None = ParsedDate(value, True)
    else:
        parsed = parse_iso(text, timezone) or parse_text(text, timezone)
    if parsed is None:
        return None
    return localize(parsed, timezone)


# W3C-DTF (sitemaps.org, Atom's RFC 3339, dc:date) and ISO 8601's basic form.
# Hours/months may have one digit: generators write "2024-3-5T9:30"; CMSs
# also write a zone name after the time ("2024-03-05 10:00:00 PKT").
_W3C = re.compile(
    r"(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2})"
    r"(?:(?:[Tt]|\s+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"\s*(?P<tz>[Zz]|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{2,5})?)?)?)?"
)
_ISO_BASIC = re.compile(
    r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:[Tt](?P<H>\d{2})(?P<M>\d{2})"
    r"(?:(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?(?P<tz>Z|[+-]\d{2}(?:\d{2})?)?)?"
)
# RFC 822 / 2822 (RSS pubDate), with the zone as a name, a number, both
# ("GMT+0800") or a number and a comment ("+0500 (PKT)"); seconds optional.
_RFC822 = re.compile(
    r"(?:[^\W\d_]{2,9}\.?,?\s*)?(?P<d>\d{1,2})[\s-]+(?P<mon>[^\W\d_]{3,9})\.?,?[\s-]+"
    r"(?P<y>\d{4}|\d{2})(?:,?\s+(?P<H>\d{1,2}):(?P<M>\d{1,2})(?::(?P<S>\d{1,2}))?"
    r"(?:[.,]\d{1,9})?(?:\s*(?P<ampm>[AaPp][Mm]))?)?\s*(?:Etc/)?(?P<name>[A-Za-z]{1,5})?\s*(?P<off>[+-]\d{1,2}(?::?\d{2})?)?"
    r"\s*(?:\([^()]{0,40}\))?"
)
# C asctime/ctime ("Sun Jan  4 16:29:06 2004"), and its kin from Twitter and
# JavaScript's Date.toString ("Thu Aug 30 2012 17:26:16 GMT+0200 (CEST)").
_ASCTIME = re.compile(
    r"(?:[^\W\d_]{2,9},?\s+)?(?P<mon>[^\W\d_]{3,9})\s+(?P<d>\d{1,2}),?\s+(?:(?P<y>\d{4})\s+)?"
    r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<name>[A-Za-z]{1,5})?\s*"
    r"(?P<off>[+-]\d{2}:?\d{2})?\s*(?:\([^()]{0,40}\)\s*)?(?P<y2>\d{4})?"
)
_RFC822_SHAPED = re.compile(r"[^\W\d_]{2,9}\.?,")  # "Tue," : a weekday, so RFC 822 or nothing


def parse_rfc822(text: str, timezone: str | None = None) -> ParsedDate | None:
    """An RFC 822/2822 date; a zone name outside the table leaves the time local."""
    text = text.strip()
    match = _RFC822.fullmatch(text) or _ASCTIME.fullmatch(text)
    if not match:
        return None
    g = match.groupdict()
    g["y"] = g["y"] or g.get("y2")
    if not g["y"] or (g.get("y2") and match.group("y")):
        return None
    month = MONTHS.get(g["mon"].lower()) or MONTHS.get(g["mon"][:3].lower())
    if month is None:
        return None
    year = int(g["y"])
    if len(g["y"]) == 2:  # RFC 2822 4.3: 00-49 are 20xx, 50-99 are 19xx
        year += 2000 if year < 50 else 1900
    name = (g["name"] or "").upper()
    if g["off"]:
        g["tz"] = g["off"]  # "GMT+0800": the number is the offset from GMT
    elif len(name) == 1 and name in MILITARY_ZONES:
        g["tz"] = "Z"
    elif name in TZ_ABBREVIATIONS:
        g["tz"] = name
    return _build(year, month, int(g["d"]), g, timezone=timezone, strict=True)


def parse_machine(text: str, timezone: str | None = None) -> ParsedDate | None:
    """A feed or sitemap date: W3C-DTF/ISO 8601 or RFC 822, else a printed date.

    Text that starts like an ISO date (``2013-01-27-01``, a five-digit year)
    or an RFC 822 one (``Sun, 16 Dec 2012 1:2:3:4 GMT``) but is not one is
    rejected rather than guessed at.
    """
    for pattern in (_W3C, _ISO_BASIC):
        match = pattern.fullmatch(text)
        if match:
            g = match.groupdict()
            return _build(int(g["y"]), int(g["m"] or 1), int(g["d"] or 1), g,
                          timezone=timezone, strict=True)
    parsed = parse_rfc822(text, timezone)
    if parsed is not None or re.match(r"\d{4}-|\d{5}", text) or _RFC822_SHAPED.match(text):
        return parsed
    return parse_text(text, timezone)


def _full_w3c(text: str) -> dt.datetime | None:
    """Fast path (C's fromisoformat) for the full forms with an offset that most
    sitemaps and Atom feeds write; None sends the text to the general parser."""
    match = _W3C.fullmatch(text) if len(text) >= 19 else None
    zone = (match.group("tz") or "") if match else ""
    if match is None or (len(zone) > 3 and zone[-2:] > "59"):
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    offset = value.utcoffset()
    if offset is None or abs(offset) > dt.timedelta(minutes=MAX_OFFSET_MINUTES):
        return None
    return value if MIN_FEED_YEAR <= value.year <= MAX_YEAR else None


def parse_feed_date(text: str | None, timezone: str | None = None) -> dt.datetime | None:
    """A sitemap/feed date as an aware datetime, comparable with ``since``.

    No offset in the text: the site's ``timezone`` when the registry gives
    one, else UTC; a bare day is midnight in that zone.
    """
    if not text or not isinstance(text, str):
        return None
    return _feed_date(" ".join(text.split()), timezone)


@lru_cache(maxsize=4096)  # sitemaps repeat their dates; datetimes are immutable
def _feed_date(text: str, timezone: str | None) -> dt.datetime | None:
    if not text or len(text) > 100:
        return None
    fast = _full_w3c(text)
    if fast is not None:
        return fast
    parsed = parse_machine(text, timezone)
    if parsed is None:
        logger.debug("unparseable feed date %r", text[:80])
        return None
    if parsed.aware:
        return parsed.value
    zone = _zone(timezone) if timezone else None
    return parsed.value.replace(tzinfo=zone or dt.UTC)


_URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>[01]?\d)[/-](?P<d>[0-3]?\d)(?:/|[-_]|$)"
    r"|/(?P<y2>20\d{2})(?P<m2>[01]\d)(?P<d2>[0-3]\d)(?:/|[-_.])"
)


def date_from_url(url: str | None) -> ParsedDate | None:
    """The day encoded in article URLs (/2024/05/03/ or /20240503/): a last resort."""
    if not url:
        return None
    match = _URL_DATE.search(url)
    if not match:
        return None
    g = match.groupdict()
    y, m, d = (g["y"], g["m"], g["d"]) if g["y"] else (g["y2"], g["m2"], g["d2"])
    return _build(int(y), int(m), int(d), {})
