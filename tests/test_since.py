"""One reading of the ``since`` bound and of the instants compared with it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from newscrawl.since import before, parse_instant, parse_since
from newscrawl.sites import RegistryError

SINCE = datetime(2024, 3, 8, tzinfo=UTC)


def test_the_bound_is_the_start_of_the_utc_day() -> None:
    assert parse_since(" 2024-03-08 ") == SINCE
    assert parse_since("") is None
    with pytest.raises(RegistryError, match="expected YYYY-MM-DD"):
        parse_since("08/03/2024")


@pytest.mark.parametrize(("when", "older"), [
    ("2024-03-07T23:59:59", True),  # naive: UTC
    ("2024-03-08T00:30:00+01:00", True),  # 23:30 UTC the day before
    ("2024-03-08T00:00:00Z", False),
    (datetime(2024, 3, 7, 23, 0, tzinfo=timezone(timedelta(hours=-2))), False),  # 01:00 UTC
    (datetime(2024, 3, 7, 12), True),
    ("yesterday", False),  # unreadable: never older
    ("", False),
    (None, False),
])
def test_an_instant_is_older_only_when_it_is_known_to_be(when: object, older: bool) -> None:
    assert before(when, SINCE) is older  # type: ignore[arg-type]


def test_instants_are_read_aware() -> None:
    assert parse_instant("2024-03-08T10:00:00") == datetime(2024, 3, 8, 10, tzinfo=UTC)
    assert parse_instant("not a date") is None
