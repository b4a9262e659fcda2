"""The ``since`` bound, and reading the instants compared with it.

``-a since=YYYY-MM-DD`` drops what is older at every stage that sees a date:
discovery (a date a sitemap, feed or URL states), the archive replay (a WARC
record's date), the validate pipeline (an item's ``published``) and
``newscrawl state export --since``. They all parse the bound and compare with it
here, so a naive instant means UTC and an unreadable one is never "older" everywhere.
"""

from __future__ import annotations

from datetime import UTC, datetime

from newscrawl.sites import RegistryError


def parse_since(value: str | None) -> datetime | None:
    """``-a since=YYYY-MM-DD`` → an aware UTC datetime (start of that day)."""
    if not value:
        return None
    try:
        day = datetime.strptime(value.strip(), "%Y-%m-%d")
    except ValueError:
        raise RegistryError(f"-a since: expected YYYY-MM-DD, got {value!r}") from None
    return day.replace(tzinfo=UTC)


def aware(when: datetime) -> datetime:
    """*when* with a timezone: a naive instant is taken as UTC."""
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def parse_instant(text: str | None) -> datetime | None:
    """An ISO 8601 instant as stored or exported (3.11 reads a trailing Z), aware;
    None when absent or unreadable."""
    if not text:
        return None
    try:
        return aware(datetime.fromisoformat(text.strip()))
    except ValueError:
        return None


def before(when: datetime | str | None, since: datetime) -> bool:
    """True when *when* is known and earlier than *since*."""
    if isinstance(when, str):
        when = parse_instant(when)
    return when is not None and aware(when) < since
