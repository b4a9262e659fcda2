"""The dedup ledger as a plain object: questions, notes, and one commit after durable.

A real SQLite store in a temporary folder; no crawler, no subprocess.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from newscrawl.dedup import ArticleRecord, CorruptState, StateStore, story_id
from newscrawl.dedup.ledger import Ledger, record_fields

A = "http://127.0.0.1:8001/news/roads"
B = "http://127.0.0.1:8002/news/roads-copy"
BODY = ("The provincial government approved the road plan on Monday after two years of "
        "delays, officials said, and the first crews will start work in the spring. Engineers "
        "from the works department said the landslides that block the road above the valley "
        "would be cleared first, while a second team surveys the bridges the river washed "
        "away in August. Shopkeepers said the closure had cut their trade by half.")
COPY = "WIRE: " + BODY.rsplit(" Shopkeepers", 1)[0] + " Follow us for more news."


def _stats() -> MemoryStatsCollector:
    return MemoryStatsCollector(get_crawler())


def _ledger(tmp_path: Path, **kw: object) -> Ledger:
    return Ledger(StateStore.open(tmp_path / "state"), _stats(), **kw)  # type: ignore[arg-type]


def _item(url: str, body: str = BODY, **kw: object) -> dict:
    return {"url": url, "canonical_url": url, "site": "demo", "content_hash": f"h-{url}",
            "version": 1, "story_id": story_id(url), "aliases": [], "lastmod": None,
            "body": body, **kw}


def _stored(tmp_path: Path) -> StateStore:
    return StateStore.open(tmp_path / "state")


def test_nothing_reaches_the_store_before_commit(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    ledger.accept(A, "h-a", story_id(A))
    ledger.note_alias(A, ["http://127.0.0.1:8001/news/roads?ref=home"])
    ledger.note_redirect("http://127.0.0.1:8001/?p=7", A)
    ledger.note_validators({"http://127.0.0.1:8001/sitemap.xml": ('"e1"', None)})
    with _stored(tmp_path) as other:  # another connection sees only what was committed
        assert other.known_url(A) is None
    ledger.commit([record_fields(_item(A))])
    with _stored(tmp_path) as other:
        assert other.known_url(A) is not None
        assert other.known_url("http://127.0.0.1:8001/news/roads?ref=home").canonical_url == A
        assert other.known_url("http://127.0.0.1:8001/?p=7").canonical_url == A
        assert other.validators("http://127.0.0.1:8001/sitemap.xml") is None  # only at close
    ledger.close(complete=True)
    with _stored(tmp_path) as other:
        assert other.validators("http://127.0.0.1:8001/sitemap.xml").etag == '"e1"'


def test_an_incomplete_run_stores_no_validators(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    ledger.note_validators({"http://127.0.0.1:8001/sitemap.xml": ('"e1"', None)})
    ledger.close(complete=False)
    with _stored(tmp_path) as other:
        assert other.validators("http://127.0.0.1:8001/sitemap.xml") is None


def test_notes_about_a_durable_article_wait_for_the_next_commit(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    ledger.accept(A, "h-a", story_id(A))
    ledger.commit([record_fields(_item(A))])
    twin = "http://127.0.0.1:8001/politics/roads"
    ledger.note_alias(A, [twin])
    with _stored(tmp_path) as other:
        assert other.known_url(twin) is None  # a note, not a write
    assert ledger.commit([]) == 1  # the next commit (here: the writer's last, at close)
    with _stored(tmp_path) as other:
        assert other.known_url(twin).canonical_url == A


def test_an_unchanged_article_keeps_its_version_and_story(tmp_path: Path) -> None:
    with _stored(tmp_path) as store:
        store.commit_articles([ArticleRecord(A, "demo", "h-a", version=3, story_id="s-1")])
    ledger = _ledger(tmp_path)
    known = ledger.known(A)
    ledger.note_unchanged(known, _item("http://127.0.0.1:8001/world/roads", lastmod="2026-03-01"))
    with _stored(tmp_path) as other:
        assert other.known_url("http://127.0.0.1:8001/world/roads") is None
    ledger.commit([])
    with _stored(tmp_path) as other:
        record = other.known_url("http://127.0.0.1:8001/world/roads")
        assert (record.version, record.story_id, record.lastmod) == (3, "s-1", "2026-03-01")


def test_twins_in_this_run_by_url_and_by_body(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    assert ledger.twin_of(A, "h-a") is None
    ledger.accept(A, "h-a", story_id(A))
    assert ledger.twin_of(A, "other") == A
    assert ledger.twin_of(B, "h-a") == A
    assert ledger.twin_of(B, "h-b") is None


def test_near_duplicates_link_to_the_first_copy_and_its_story(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    assert ledger.near_duplicate_of(A, BODY) is None
    ledger.accept(A, "h-a", story_id(A))
    assert ledger.near_duplicate_of(B, COPY) == A
    assert ledger.story_of(A) == story_id(A)
    ledger.commit([record_fields(_item(A)), record_fields(_item(B))])
    with _stored(tmp_path) as other:
        assert {k for k, _ in other.neardup_signatures()} == {A, B}


def test_fresh_ignores_earlier_runs_but_links_copies_of_its_own(tmp_path: Path) -> None:
    first = _ledger(tmp_path)
    first.near_duplicate_of(A, BODY)
    first.near_duplicate_of(B, COPY)
    first.commit([record_fields(_item(A)), record_fields(_item(B))])
    first.close(complete=True)
    fresh = _ledger(tmp_path, fresh=True)
    assert fresh.known(A) is None and fresh.known_body("h-" + A) is None
    assert fresh.near_duplicate_of(A, BODY) is None
    assert fresh.near_duplicate_of(B, COPY) == A  # linked again, in this run
    again = _ledger(tmp_path)
    assert again.known(A) is not None and again.known_body("h-" + A).canonical_url == A


def test_recovered_lines_are_recorded_with_their_signatures(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    assert ledger.recover([_item(A), {"not": "a feed line"}]) == 1
    assert A in ledger.index  # this run links copies to it
    assert ledger.near_duplicate_of(B, COPY) == A
    with _stored(tmp_path) as other:
        assert other.known_url(A) is not None
        assert {k for k, _ in other.neardup_signatures()} == {A}


def test_a_corrupt_read_rebuilds_with_the_running_feed(tmp_path: Path) -> None:
    calls = []

    class Broken:
        def load_neardup_index(self):  # noqa: ANN202
            from newscrawl.dedup import NearDuplicateIndex
            return NearDuplicateIndex()

        def known_url(self, url: str) -> None:
            raise CorruptState(tmp_path, "row checksum mismatch")

        def close(self) -> None:
            calls.append("closed")

    def rebuild(exc: CorruptState, running: list[Path]) -> StateStore:
        calls.append(running)
        return StateStore.open(tmp_path / "rebuilt")

    ledger = Ledger(Broken(), _stats(), rebuild=rebuild)
    ledger.running_feed = tmp_path / ".x.jsonl.part"
    assert ledger.known(A) is None
    assert calls == ["closed", [tmp_path / ".x.jsonl.part"]]
    assert ledger.stats.get_value("newscrawl/state/corrupt") == "row checksum mismatch"


def test_a_failed_commit_marks_nothing_durable(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    ledger.store.close()  # the store is gone: the commit raises, the writer fails the run
    with pytest.raises(Exception):  # noqa: B017 (sqlite3.ProgrammingError)
        ledger.commit([record_fields(_item(A))])
    with _stored(tmp_path) as other:
        assert other.known_url(A) is None
