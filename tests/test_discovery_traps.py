"""Spider traps: session ids, calendars, pagination, loops, per-site caps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newscrawl.discovery.links import classify_url
from newscrawl.discovery.traps import (
    TrapGuard,
    TrapLimits,
    has_repeated_segments,
    has_session_id,
    is_calendar_trap,
    pagination_depth,
    strip_session_ids,
)

H = "http://127.0.0.1:8000"
NOW = datetime(2024, 6, 1, tzinfo=UTC)


def allow(guard: TrapGuard, url: str, site: str) -> tuple[bool, str]:
    """The guard as the frontier uses it: with the URL's own shape verdict."""
    return guard.allow(url, site, kind=classify_url(url))


@pytest.mark.parametrize(("url", "clean"), [
    (f"{H}/news/1?PHPSESSID=abc123&x=1", f"{H}/news/1?x=1"),
    (f"{H}/news/1?x=1&sessionid=zzz", f"{H}/news/1?x=1"),
    (f"{H}/news/1;jsessionid=ABCDEF0123?x=1", f"{H}/news/1?x=1"),
    (f"{H}/news/1?sid=0123456789abcdef0123", f"{H}/news/1"),
    (f"{H}/(S(abcdefghijkl))/news/1", f"{H}/news/1"),
    (f"{H}/news/1?ASPSESSIONIDQQ=abc", f"{H}/news/1"),
])
def test_session_ids_are_stripped(url, clean):
    assert has_session_id(url)
    assert strip_session_ids(url) == clean
    assert not has_session_id(clean)


@pytest.mark.parametrize("url", [f"{H}/news/1?sid=3", f"{H}/news/1?x=1&page=2", f"{H}/"])
def test_urls_without_session_ids_are_untouched(url):
    assert not has_session_id(url)
    assert strip_session_ids(url) == url


@pytest.mark.parametrize(("url", "trap"), [
    (f"{H}/calendar/2031/01/", True),
    (f"{H}/calendar/", True),
    (f"{H}/events?date=2024-01-01", True),
    (f"{H}/archive?month=5&year=1999", True),
    (f"{H}/archive/2031/01/05/", True),  # far future
    (f"{H}/archive/1901/01/05/", True),  # far past
    (f"{H}/2031/01/05/story-slug/", True),
    (f"{H}/archive/2024/03/05/", False),
    (f"{H}/2024/05/05/a-story/", False),
    (f"{H}/news/1234567/story", False),
    (f"{H}/agenda/2017/10/india-has-139-million-internal-migrants/", False),  # one story
    (f"{H}/agenda/2017/10/", True),
    (f"{H}/community/living-local/events-calendar/", True),
    (f"{H}/kalender/2024-05-01/", True),
])
def test_calendar_traps(url, trap):
    assert is_calendar_trap(url, now=NOW) is trap


@pytest.mark.parametrize(("url", "depth"), [
    (f"{H}/news?page=7", 7), (f"{H}/?paged=12", 12), (f"{H}/category/x/page/30/", 30),
    (f"{H}/china/index_4.html", 4), (f"{H}/tech/page_3.html", 3), (f"{H}/node_123_9.htm", 9),
    (f"{H}/news/1234567", None),
    (f"{H}/news?page=abc", None),
])
def test_pagination_depth(url, depth):
    assert pagination_depth(url) == depth


@pytest.mark.parametrize(("url", "looped"), [
    (f"{H}/a/b/a/b/a/b/", True), (f"{H}/x/x/x", True),
    (f"{H}/news/a/b/c/news/a/b/c/news/a/b/c", True),
    (f"{H}/a/b/a/b/", False), (f"{H}/2024/03/03/story", False), (f"{H}/", False),
])
def test_repeated_segments(url, looped):
    assert has_repeated_segments(url) is looped


def test_guard_rejects_trap_shapes_with_reasons():
    guard = TrapGuard(TrapLimits(max_page_number=5, max_url_length=200), now=NOW)
    site = "ledger"
    assert allow(guard, f"{H}/category/x/page/5/", site) == (True, "ok")
    assert allow(guard, f"{H}/category/x/page/6/", site) == (False, "pagination-depth")
    assert allow(guard, f"{H}/news?page=99", site) == (False, "pagination-depth")
    assert allow(guard, f"{H}/calendar/2031/01/", site) == (False, "calendar")
    assert allow(guard, f"{H}/x?PHPSESSID=1", site) == (False, "session-id")
    assert allow(guard, f"{H}/a/b/a/b/a/b/", site) == (False, "repeated-segments")
    assert allow(guard, f"{H}/" + "a" * 300, site) == (False, "url-too-long")
    deep = f"{H}/" + "/".join(f"s{i}" for i in range(20))
    assert allow(guard, deep, site) == (False, "path-too-deep")
    many = f"{H}/x?" + "&".join(f"k{i}=1" for i in range(20))
    assert allow(guard, many, site) == (False, "too-many-params")


def test_guard_caps_listing_pages_per_site_and_dedupes():
    guard = TrapGuard(max_listing_pages=3, now=NOW)
    sections = [f"{H}/category/c{i}/" for i in range(5)]
    results = [allow(guard, u, "a")[1] for u in sections]
    assert results == ["ok", "ok", "ok", "listing-cap", "listing-cap"]
    assert allow(guard, sections[0], "a") == (False, "seen")
    assert allow(guard, sections[0] + "#top", "a") == (False, "seen")
    assert guard.listing_count("a") == 3
    # other sites keep their own budget; articles never count against it
    assert allow(guard, sections[4], "b") == (True, "ok")
    assert allow(guard, f"{H}/2024/03/05/story-slug-here/", "a") == (True, "ok")


def test_guard_per_site_limits_and_given_kind():
    guard = TrapGuard(now=NOW)
    guard.configure("small", TrapLimits(max_listing_pages=1, max_page_number=2))
    assert guard.limits_for("other").max_listing_pages == 500
    assert allow(guard, f"{H}/tag/a/", "small") == (True, "ok")
    assert allow(guard, f"{H}/tag/b/", "small") == (False, "listing-cap")
    assert guard.allow(f"{H}/tag/c/", "small", kind="article") == (True, "ok")
    assert guard.allow(f"{H}/x/page/3/", "small", kind="article") == (False, "pagination-depth")


def test_endless_calendar_walk_is_bounded():
    """Following "next month" links from a calendar never gets past the guard."""
    guard = TrapGuard(now=NOW)
    allowed = 0
    for year in range(2024, 2100):
        for month in range(1, 13):
            ok, _ = allow(guard, f"{H}/archive/{year}/{month:02d}/", "s")
            allowed += ok
    assert allowed <= 24  # this year and next, nothing beyond


def test_endless_pagination_walk_is_bounded():
    guard = TrapGuard(now=NOW)
    allowed = sum(allow(guard, f"{H}/latest?page={n}", "s")[0] for n in range(1, 10_000))
    assert allowed == guard.limits_for("s").max_page_number
