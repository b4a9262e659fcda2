"""Solar Hijri dates, as Iranian pages print them, read as Gregorian days."""

from __future__ import annotations

import datetime as dt

import pytest

from newscrawl.extraction.dates import parse_text
from newscrawl.extraction.solar_hijri import nowruz, to_gregorian


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2010, 21), (2012, 20), (2013, 21), (2016, 20), (2017, 21), (2019, 21), (2020, 20), (2021, 21),
     (2024, 20), (2025, 21)],
)
def test_nowruz_follows_the_equinox_and_tehran_noon(year: int, expected: int) -> None:
    assert nowruz(year) == dt.date(year, 3, expected)


@pytest.mark.parametrize(
    ("solar", "gregorian"),
    [((1399, 1, 1), "2020-03-20"), ((1398, 11, 29), "2020-02-18"), ((1402, 10, 1), "2023-12-22"),
     ((1399, 12, 30), "2021-03-20"), ((1399, 7, 1), "2020-09-22"), ((1399, 6, 31), "2020-09-21")],
)
def test_solar_hijri_to_gregorian(solar: tuple[int, int, int], gregorian: str) -> None:
    day = to_gregorian(*solar)
    assert day is not None and day.isoformat() == gregorian


@pytest.mark.parametrize("solar", [(1402, 12, 30), (1399, 7, 31), (1399, 13, 1), (1250, 1, 1)])
def test_days_the_calendar_does_not_have(solar: tuple[int, int, int]) -> None:
    assert to_gregorian(*solar) is None  # 1402 is a common year: Esfand has 29 days


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("۲۹ بهمن ۱۳۹۸ - ۰۶:۵۵", "2020-02-18T06:55:00"),  # Persian digits
        ("۲۱ ارديبهشت ۱۳۹۹ - ۱۸:۵۹", "2020-05-10T18:59:00"),  # Arabic yeh for the Persian one
        ("کد خبر: 1353889 | 1398/11/29", "2020-02-18"),  # numeric, year first
    ],
)
def test_printed_solar_hijri_dates(printed: str, expected: str) -> None:
    parsed = parse_text(printed)
    assert parsed is not None and parsed.iso() == expected
