"""Date parsing: every shape news pages print, normalised to ISO 8601 with offset."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawl.extraction.date_words import MONTH_TABLES
from newscrawl.extraction.dates import date_from_url, localize, parse_date, parse_iso, parse_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-05-03T15:47:42.389Z", "2024-05-03T15:47:42+00:00"),
        ("2024-05-03T15:47:42+0200", "2024-05-03T15:47:42+02:00"),
        ("2024-05-03T15:47:42-04:00", "2024-05-03T15:47:42-04:00"),
        ("2024-08-05 20:59:59.0", "2024-08-05T20:59:59"),  # naive stays naive without hints
        ("2024-05-03", "2024-05-03"),
        ("Fri, 03 May 2024 15:47:00 GMT", "2024-05-03T15:47:00+00:00"),
        ("1714751262", "2024-05-03T15:47:42+00:00"),  # epoch seconds
        ("1714751262000", "2024-05-03T15:47:42+00:00"),  # epoch milliseconds
        ("2025. 06. 04 02:37", "2025-06-04T02:37:00"),
    ],
)
def test_machine_dates(raw: str, expected: str) -> None:
    parsed = parse_date(raw)
    assert parsed is not None
    assert parsed.iso() == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3. Mai 2024, 15:47 Uhr", "2024-05-03T15:47:00"),
        ("May 3, 2024 3:47 PM EDT", "2024-05-03T15:47:00-04:00"),
        ("3 de mayo de 2024", "2024-05-03"),
        ("12 settembre 2023 alle 09:30", "2023-09-12T09:30:00"),
        ("2024年5月3日 15:47", "2024-05-03T15:47:00"),
        ("2025년 6월 4일 02:37", "2025-06-04T02:37:00"),
        ("03.05.2024 | 15:47", "2024-05-03T15:47:00"),
        ("Do 25.04.24 | 14:07 Uhr | Von Eva Muster", "2024-04-25T14:07:00"),
        ("Published 12:05 am, 1st January 2024", "2024-01-01T00:05:00"),
        ("21 сентября 2020 г., 11:00", "2020-09-21T11:00:00"),  # Russian genitive
        ("21 вересня 2020", "2020-09-21"),  # Ukrainian
        ("10 ноември 2020", "2020-11-10"),  # Bulgarian
        ("2020. szeptember 21. 10:15", "2020-09-21T10:15:00"),  # Hungarian: year first
        ("21 septembrie 2020", "2020-09-21"),  # Romanian
        ("21 Σεπτεμβρίου 2020", "2020-09-21"),  # Greek genitive
        ("21 سبتمبر 2020", "2020-09-21"),  # Arabic
        ("12. lipnja 2021.", "2021-06-12"),  # Croatian
        ("03/25/2025 10:00 PM", "2025-03-25T22:00:00"),  # month first: 25 cannot be a month
    ],
)
def test_printed_dates(raw: str, expected: str) -> None:
    parsed = parse_text(raw)
    assert parsed is not None
    assert parsed.iso() == expected


def test_local_time_gets_offset_of_site_timezone() -> None:
    parsed = parse_date("2024-08-12 14:30", "Asia/Karachi")
    assert parsed is not None and parsed.iso() == "2024-08-12T14:30:00+05:00"


def test_site_timezone_follows_daylight_saving() -> None:
    summer = parse_date("2024-07-01 10:00", "Europe/Berlin")
    winter = parse_date("2024-01-15 10:00", "Europe/Berlin")
    assert summer is not None and summer.iso().endswith("+02:00")
    assert winter is not None and winter.iso().endswith("+01:00")


def test_explicit_offset_beats_site_timezone() -> None:
    parsed = parse_date("2024-07-01T10:00:00Z", "Asia/Karachi")
    assert parsed is not None and parsed.iso() == "2024-07-01T10:00:00+00:00"


def test_date_only_is_not_given_a_time() -> None:
    parsed = parse_date("2024-07-01", "Asia/Karachi")
    assert parsed is not None and parsed.iso() == "2024-07-01"


def test_unknown_timezone_keeps_naive_time() -> None:
    parsed = parse_date("2024-07-01 10:00", "Mars/Olympus")
    assert parsed is not None and parsed.iso() == "2024-07-01T10:00:00"


def test_localize_leaves_aware_dates_alone() -> None:
    parsed = parse_iso("2024-07-01T10:00:00+03:00")
    assert parsed is not None
    assert localize(parsed, "Asia/Karachi") == parsed


@pytest.mark.parametrize(
    "raw", ["", "no date here", "2024-13-45", "1850-01-01", "31.02.2024", "Updated recently", None]
)
def test_rejects_non_dates(raw: str | None) -> None:
    assert parse_date(raw) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example/2024/05/03/some-story/", "2024-05-03"),
        ("https://news.example/politics/2023-11-20-budget-vote", "2023-11-20"),
        ("https://news.example/a/20240503/story.html", "2024-05-03"),
        ("https://news.example/story-12345678", None),
        (None, None),
    ],
)
def test_url_dates(url: str | None, expected: str | None) -> None:
    parsed = date_from_url(url)
    assert (parsed.iso() if parsed else None) == expected


@settings(max_examples=examples(200), deadline=None)
@given(st.text(max_size=80))
def test_parse_date_never_crashes_and_output_is_iso(raw: str) -> None:
    parsed = parse_date(raw, "Europe/Berlin")
    if parsed is not None:
        dt.datetime.fromisoformat(parsed.iso())


@settings(max_examples=examples(100), deadline=None)
@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 1, 1)))
def test_iso_round_trip(value: dt.datetime) -> None:
    aware = value.replace(microsecond=0, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    parsed = parse_date(aware.isoformat())
    assert parsed is not None and dt.datetime.fromisoformat(parsed.iso()) == aware


def test_no_month_word_names_two_months() -> None:
    """One table per script group: a word in two of them (Croatian "listopad" is October,
    Czech and Polish November) would silently take the last month."""
    seen: dict[str, int] = {}
    for table in MONTH_TABLES:
        for month, words in table.items():
            for word in words.split():
                assert seen.setdefault(word, month) == month, word


def test_numeric_date_with_no_month_in_either_order_is_rejected() -> None:
    assert parse_text("13/13/2020") is None


def test_numeric_date_reads_day_first_when_both_parts_could_be_months() -> None:
    parsed = parse_text("03/04/2025")
    assert parsed is not None and parsed.iso() == "2025-04-03"
