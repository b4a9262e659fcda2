"""Date parsing and normalisation to ISO 8601 with an offset whenever possible.

Regional sites state dates in every shape: ISO with or without offset,
RFC 2822, "3. Mai 2024, 15:47 Uhr", "2024年5月3日 15:47", "May 3, 2024 3:47 PM
EDT". Users need one comparable instant, so every shape ends up here; a local
time without offset borrows the site's registry timezone (zoneinfo), and a
time of day is never thrown away because it is what tells two updates apart.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

logger = logging.getLogger(__name__)

MIN_YEAR = 1995  # older "dates" on news pages are almost always ids or noise
MAX_YEAR = 2100

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
    r"|(?P<mon2>[^\W\d_]{3,12})\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{4}))",
    re.UNICODE,
)

# month names and usual abbreviations in the languages regional sites write in
_MONTH_WORDS = {
    1: "january jan januar jänner janvier enero gennaio januari janeiro januar styczeń stycznia "
    "leden ledna ocak ene gen janv sty led oca tammikuu",
    2: "february feb februar février fevrier febrero febbraio februari fevereiro lutego luty "
    "únor února şubat subat feb févr fév lut úno şub fev",
    3: "march mar märz maerz mars marzo maart março marca marzec březen března mart mär mrt bře",
    4: "april apr avril abril aprile kwietnia kwiecień duben dubna nisan avr abr kwi dub nis",
    5: "may mai mayo maggio mei maio maja maj květen května mayıs mayis mag kvě",
    6: "june jun juni juin junio giugno junho czerwca czerwiec červen června haziran giu "
    "cze čen haz",
    7: "july jul juli juillet julio luglio julho lipca lipiec červenec července temmuz "
    "juil lug lip čvc tem",
    8: "august aug août aout agosto augustus sierpnia sierpień srpen srpna ağustos agustos "
    "ago sie srp ağu",
    9: "september sep sept septembre septiembre settembre setembro września wrzesień září eylül "
    "set wrz zář eyl",
    10: "october oct oktober octobre octubre ottobre outubro października październik říjen října "
    "ekim okt ott out paź říj eki",
    11: "november nov novembre noviembre novembro listopada listopad listopadu kasım kasim lis kas",
    12: "december dec dezember décembre decembre diciembre dicembre dezembro grudnia grudzień "
    "prosinec prosince aralık aralik dez déc dic gru pro ara des",
}
MONTHS = {word: num for num, words in _MONTH_WORDS.items() for word in words.split()}

# fixed offsets of abbreviations seen in bylines; ambiguous ones (IST, CST) are left out
TZ_ABBREVIATIONS = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "BST": 60,
    "CET": 60,
    "MEZ": 60,
    "CEST": 120,
    "MESZ": 120,
    "EET": 120,
    "EEST": 180,
    "MSK": 180,
    "EST": -300,
    "EDT": -240,
    "CDT": -300,
    "MST": -420,
    "MDT": -360,
    "PST": -480,
    "PDT": -420,
    "JST": 540,
    "KST": 540,
    "PKT": 300,
    "WIB": 420,
    "SAST": 120,
    "EAT": 180,
    "WAT": 60,
    "CAT": 120,
    "AEST": 600,
    "AEDT": 660,
    "HKT": 480,
    "SGT": 480,
    "ICT": 420,
    "ART": -180,
    "BRT": -180,
}


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


def _offset(token: str | None) -> dt.tzinfo | None:
    if not token:
        return None
    token = token.strip()
    upper = token.upper()
    if upper in TZ_ABBREVIATIONS:
        return dt.timezone(dt.timedelta(minutes=TZ_ABBREVIATIONS[upper]))
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})?", token)
    if not match:
        return None
    minutes = int(match.group(2)) * 60 + int(match.group(3) or 0)
    if minutes > 14 * 60:
        return None
    return dt.timezone(dt.timedelta(minutes=-minutes if match.group(1) == "-" else minutes))


def _build(y: int, m: int, d: int, groups: dict[str, str | None]) -> ParsedDate | None:
    """A ParsedDate from matched parts, or None when the parts are not a real date."""
    if y < 100:  # "25.04.24": two-digit years on news pages are this century
        y += 2000
    if not MIN_YEAR <= y <= MAX_YEAR:
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
        return ParsedDate(day, False)
    value = day.replace(hour=h, minute=mi, second=s, tzinfo=_offset(groups.get("tz")))
    return ParsedDate(value, True)


def parse_iso(text: str) -> ParsedDate | None:
    """Machine dates: ISO 8601 and its sloppy relatives, then RFC 2822."""
    match = _ISO.search(text)
    if match:
        g = match.groupdict()
        return _build(int(g["y"]), int(g["m"]), int(g["d"]), g)
    if re.search(r"\d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}", text):
        try:
            value = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if MIN_YEAR <= value.year <= MAX_YEAR:
            return ParsedDate(value, True)
    return None


def _word_date(text: str) -> tuple[int, int, int, int] | None:
    """(year, month, day, end position) of the first date written with a month name."""
    for match in _WORD_DATE.finditer(text):
        g = match.groupdict()
        word = (g["mon1"] or g["mon2"] or "").lower().rstrip(".")
        month = MONTHS.get(word) or (MONTHS.get(word[:3]) if len(word) <= 5 else None)
        if month:
            day = int(g["d1"] or g["d2"])
            return int(g["y1"] or g["y2"]), month, day, match.end()
    return None


def parse_text(text: str) -> ParsedDate | None:
    """Human dates as printed in bylines: numeric, with month names, or CJK."""
    if not text:
        return None
    text = " ".join(text.split())
    for pattern in (_ISO, _CJK, _DMY_NUM):
        match = pattern.search(text)
        if match:
            g = match.groupdict()
            return _build(int(g["y"]), int(g["m"]), int(g["d"]), g)
    found = _word_date(text)
    if not found:
        return None
    year, month, day, end = found
    time_match = _TIME.search(text, end) or _TIME.search(text)
    groups = time_match.groupdict() if time_match else {}
    return _build(year, month, day, groups)


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
        parsed = parse_iso(text) or parse_text(text)
    if parsed is None:
        return None
    return localize(parsed, timezone)


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
