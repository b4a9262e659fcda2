"""Dates in the Solar Hijri calendar, which Iranian pages print ("۲۹ بهمن ۱۳۹۸ - ۰۶:۵۵").

Its year starts at Nowruz, the day of the March equinox when the equinox falls before
noon in Tehran, else the day after; its first six months have 31 days, the next five
30, the last 29 or 30. So a day is Nowruz of the Gregorian year ``year + 621`` plus the
days of the months before it. The equinox comes from the mean-equinox polynomial of
Meeus' *Astronomical Algorithms* (ch. 27), off by minutes in this era: Nowruz is only
misdated when the equinox falls within minutes of Tehran's noon.
"""

from __future__ import annotations

import datetime as dt
import re

MIN_YEAR, MAX_YEAR = 1300, 1499  # 1921-2121: never a Gregorian year on a news page
TEHRAN = dt.timedelta(hours=3, minutes=30)  # Iran Standard Time, the calendar's meridian
_MONTH_NAMES = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
                "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")
MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
# Arabic yeh and kaf for the Persian letters, as many Iranian CMSs write them
_PERSIAN_LETTERS = str.maketrans({"ي": "ی", "ك": "ک"})
WORD_DATE = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})\s*(?P<mon>" + "|".join(_MONTH_NAMES) + r")\s*(?P<y>\d{4})(?!\d)"
)
_J2000 = dt.datetime(2000, 1, 1, 12)  # Julian ephemeris day 2451545.0


def march_equinox(year: int) -> dt.datetime:
    """The March equinox of a Gregorian year, in UTC (to a few minutes)."""
    y = (year - 2000) / 1000
    jde = 2451623.80984 + 365242.37404 * y + 0.05169 * y**2 - 0.00411 * y**3 - 0.00057 * y**4
    return _J2000 + dt.timedelta(days=jde - 2451545.0)


def nowruz(year: int) -> dt.date:
    """1 Farvardin in the Gregorian ``year``."""
    tehran = march_equinox(year) + TEHRAN
    return tehran.date() if tehran.hour < 12 else tehran.date() + dt.timedelta(days=1)


def to_gregorian(year: int, month: int, day: int) -> dt.date | None:
    """The Gregorian day of a Solar Hijri date, or None when it is no date."""
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    if day == 31 and month > 6:
        return None
    before = (month - 1) * 31 if month <= 7 else 186 + (month - 7) * 30
    start = nowruz(year + 621)
    found = start + dt.timedelta(days=before + day - 1)
    if month == 12 and found >= nowruz(year + 622):
        return None  # 30 Esfand of a common year
    return found


def word_date(text: str) -> tuple[dt.date, int] | None:
    """The first Solar Hijri date written with a month name, and where it ends."""
    match = WORD_DATE.search(text.translate(_PERSIAN_LETTERS))
    if match is None:
        return None
    day = to_gregorian(int(match["y"]), MONTHS[match["mon"]], int(match["d"]))
    return (day, match.end()) if day else None
