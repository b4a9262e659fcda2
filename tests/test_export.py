"""The output side as plain objects: write → fsync → commit, and every failure path.

The default feed writer and the -o/-O committer are built with Scrapy's
``get_crawler``; the ledger is a recorder that checks, at each commit, that the
committed items are already durable in the file. No subprocess.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from newscrawl.export import writer as writer_module
from newscrawl.export.signals import feed_failed, feed_running
from newscrawl import settings as newscrawl_settings
from newscrawl.export.user_feeds import (
    UserFeedCommitter,
    WatchedFeedExporter,
    WatchedFileStorage,
    WatchedStdoutStorage,
)
from newscrawl.export.writer import FeedWriter, feed_line
from newscrawl.items import Article


class RecordingLedger:
    """Stands in for the ledger: remembers commits and what the feed held at that moment."""

    def __init__(self, part: Any = None, fail: bool = False) -> None:
        self.commits: list[list[str]] = []
        self.recovered: list[dict] = []
        self.fail = fail
        self.writer: FeedWriter | None = None
        self.durable_at_commit: list[set[str]] = []

    def commit(self, items: list[dict]) -> int:
        if self.fail:
            raise OSError(28, "No space left on device (state)")
        self.commits.append([i["url"] for i in items])
        part = self.writer.part if self.writer else None
        on_disk = {json.loads(line)["url"] for line in part.read_bytes().splitlines()} \
            if part is not None and part.exists() else set()
        self.durable_at_commit.append(on_disk)
        return len(items)

    def recover(self, rows: list[dict]) -> int:
        self.recovered += rows
        return len(rows)


@pytest.fixture(autouse=True)
def _no_engine(monkeypatch) -> None:
    """Closing the spider is recorded on the crawler (there is no engine here)."""
    def stop(crawler: Any) -> None:
        crawler.closed.append("export_failed")

    monkeypatch.setattr("newscrawl.export.writer.stop_run", stop)
    monkeypatch.setattr("newscrawl.export.user_feeds.stop_run", stop)


def _crawler(**settings: Any) -> Any:
    crawler = get_crawler(settings_dict=settings)
    crawler.closed = []  # type: ignore[attr-defined]
    return crawler


def _item(n: int, **kw: Any) -> Article:
    return Article(url=f"http://127.0.0.1:8001/news/{n}", site="demo", title=f"t{n}",
                   body="b", canonical_url=f"http://127.0.0.1:8001/news/{n}", **kw)


def _writer(tmp_path: Path, every: int = 2, ledger: RecordingLedger | None = None) -> FeedWriter:
    crawler = _crawler(NEWSCRAWL_OUTPUT_DIR=str(tmp_path), NEWSCRAWL_FSYNC_EVERY=every)
    writer = FeedWriter.from_crawler(crawler)
    writer.ledger = ledger or RecordingLedger()
    writer.ledger.writer = writer
    return writer


def test_commit_follows_fsync_and_covers_only_durable_lines(tmp_path: Path, monkeypatch) -> None:
    order: list[str] = []
    real_fsync = os.fsync
    monkeypatch.setattr(writer_module.os, "fsync", lambda fd: (order.append("fsync"),
                                                               real_fsync(fd))[1])
    writer = _writer(tmp_path, every=2)
    running: list[Any] = []
    writer.crawler.signals.connect(lambda path: running.append(path), feed_running, weak=False)
    writer.spider_opened(None)
    assert running == [writer.part]  # announced, never read from outside
    original = writer.ledger.commit
    writer.ledger.commit = lambda items: (order.append("commit"), original(items))[1]
    for n in range(5):
        writer.item_scraped(_item(n), None)
    assert order == ["fsync", "commit", "fsync", "commit"]
    writer.spider_closed(None, "finished")
    assert order[4:] == ["fsync", "commit", "fsync"]  # the last: the folder, after the rename
    ledger = writer.ledger
    assert ledger.commits == [[f"http://127.0.0.1:8001/news/{n}" for n in pair]
                              for pair in ((0, 1), (2, 3), (4,))]
    for committed, on_disk in zip(ledger.commits, ledger.durable_at_commit, strict=True):
        assert set(committed) <= on_disk
    assert writer.final.exists() and not writer.part.exists() and running[-1] is None
    assert len(writer.final.read_bytes().splitlines()) == 5


def test_a_write_error_stops_the_run_and_commits_nothing_more(tmp_path: Path) -> None:
    writer = _writer(tmp_path, every=2)
    writer.spider_opened(None)
    writer.item_scraped(_item(0), None)
    writer.item_scraped(_item(1), None)  # committed
    writer.fh = _Failing(writer.fh, OSError(28, "No space left on device"))
    writer.item_scraped(_item(2), None)
    assert writer.crawler.closed == ["export_failed"]
    failed = writer.crawler.stats.get_value("newscrawl/export/failed")
    assert str(writer.part) in failed and "No space left on device" in failed
    writer.item_scraped(_item(3), None)
    writer.spider_closed(None, "export_failed")
    assert writer.ledger.commits == [[_item(0).url, _item(1).url]]
    assert writer.part.exists() and not writer.final.exists()  # the next run recovers it


def test_a_failed_commit_leaves_the_feed_unfinished(tmp_path: Path) -> None:
    writer = _writer(tmp_path, every=1, ledger=RecordingLedger(fail=True))
    writer.spider_opened(None)
    writer.item_scraped(_item(0), None)
    assert "to the state" in writer.crawler.stats.get_value("newscrawl/export/failed")
    writer.spider_closed(None, "export_failed")
    assert writer.part.exists() and not writer.final.exists()


def test_an_unencodable_item_is_skipped_never_half_written(tmp_path: Path) -> None:
    writer = _writer(tmp_path, every=1)
    writer.spider_opened(None)
    writer.item_scraped(_item(0, image="\ud83d"), None)
    writer.item_scraped(_item(1), None)
    writer.spider_closed(None, "finished")
    assert writer.crawler.stats.get_value("newscrawl/export/unencodable") == 1
    assert writer.ledger.commits[0] == ["http://127.0.0.1:8001/news/1"]
    lines = writer.final.read_bytes().splitlines()
    assert [json.loads(x)["url"] for x in lines] == ["http://127.0.0.1:8001/news/1"]
    with pytest.raises(UnicodeEncodeError):
        feed_line(_item(0, image="\ud83d"))


def test_recovery_records_killed_runs_lines_before_removing_them(tmp_path: Path) -> None:
    writer = _writer(tmp_path)
    folder = writer.folder
    folder.mkdir(parents=True)
    part = folder / ".2026-01-01T00-00-00Z.jsonl.part"
    part.write_bytes(feed_line(_item(0)) + feed_line(_item(1)) + b'{"torn')
    writer.spider_opened(None)
    assert [r["url"] for r in writer.ledger.recovered] == \
        ["http://127.0.0.1:8001/news/0", "http://127.0.0.1:8001/news/1"]
    assert not part.exists()
    assert (folder / "2026-01-01T00-00-00Z-recovered.jsonl").read_bytes().count(b"\n") == 2


class _Failing:
    """A file whose writes and flushes fail with ``exc``."""

    def __init__(self, fh: Any, exc: BaseException) -> None:
        self.fh, self.exc = fh, exc

    def write(self, data: bytes) -> int:
        raise self.exc

    def flush(self) -> None:
        raise self.exc

    def close(self) -> None:
        self.fh.close()

    def fileno(self) -> int:
        return self.fh.fileno()


# -- -o/-O/-o -: Scrapy's exporter writes, the committer commits -------------------------

def _committer(feeds: dict) -> tuple[UserFeedCommitter, RecordingLedger]:
    crawler = _crawler(FEEDS=feeds)
    committer = UserFeedCommitter.from_crawler(crawler)
    committer.ledger = RecordingLedger()
    return committer, committer.ledger


def _slot(uri: str, count: int) -> SimpleNamespace:
    return SimpleNamespace(uri_template=uri, itemcount=count)


def test_user_feed_items_are_committed_once_every_feed_is_stored(tmp_path: Path) -> None:
    uri = str(tmp_path / "out.jsonl")
    committer, ledger = _committer({uri: {"format": "jsonlines"}})
    for n in range(3):
        committer.item_scraped(_item(n), None)
    assert ledger.commits == []  # nothing before the feed is stored
    committer.slot_closed(_slot(uri, 3))
    committer.feeds_closed()
    assert len(ledger.commits) == 1 and len(ledger.commits[0]) == 3


def test_unwritable_feed_commits_nothing_and_says_which_and_why(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    uri = str(tmp_path / "afile" / "out.jsonl")  # its parent is a regular file
    committer, ledger = _committer({uri: {"format": "jsonlines", "overwrite": True}})
    storage = WatchedFileStorage.from_crawler(committer.crawler, uri,
                                              feed_options={"overwrite": True})
    committer.item_scraped(_item(0), None)
    with pytest.raises(NotADirectoryError):
        storage.open(None)
    committer.feeds_closed()  # no slot closed: Scrapy never stored the file
    assert ledger.commits == []
    failed = committer.crawler.stats.get_value("newscrawl/export/failed")
    assert failed.startswith(uri) and "NotADirectoryError" in failed
    assert committer.crawler.closed == ["export_failed"]


def test_a_feed_missing_items_is_a_failed_feed(tmp_path: Path) -> None:
    uri = str(tmp_path / "out.jsonl")
    committer, ledger = _committer({uri: {"format": "jsonlines"}})
    for n in range(3):
        committer.item_scraped(_item(n), None)
    committer.slot_closed(_slot(uri, 2))  # one export raised inside Scrapy's exporter
    committer.feeds_closed()
    assert ledger.commits == []
    assert "1 of 3 items were not exported" in committer.crawler.stats.get_value(
        "newscrawl/export/failed")


def test_a_broken_pipe_on_stdout_is_a_failed_feed() -> None:
    committer, ledger = _committer({"stdout:": {"format": "jsonlines"}})
    reports: list[tuple] = []
    committer.crawler.signals.connect(lambda feed, reason: reports.append((feed, reason)),
                                      feed_failed, weak=False)
    storage = WatchedStdoutStorage("stdout:", committer.crawler, feed_options={})
    storage._stdout = _Failing(io.BytesIO(), BrokenPipeError(32, "Broken pipe"))
    fh = storage.open(None)
    committer.item_scraped(_item(0), None)
    with pytest.raises(BrokenPipeError):
        fh.write(feed_line(_item(0)))
    storage.store(fh)  # the feed is dead: no second error for Scrapy to log with a traceback
    committer.slot_closed(_slot("stdout:", 1))
    committer.feeds_closed()
    assert ledger.commits == []
    assert reports[0] == ("stdout", "BrokenPipeError: [Errno 32] Broken pipe")
    assert committer.crawler.stats.get_value("newscrawl/export/failed").startswith("stdout: ")


def test_a_failed_feed_takes_no_more_items_and_the_others_take_every_item(
        tmp_path: Path, monkeypatch) -> None:
    """Scrapy's handler re-raised the broken pipe for every later item (one traceback
    each); here the dead feed is skipped, counts only what reached it, and is reported
    once, while the file feed beside it gets all three."""
    uri = str(tmp_path / "all.jsonl")
    crawler = _crawler(FEEDS={"stdout:": {"format": "jsonlines"}, uri: {"format": "jsonlines"}},
                       FEED_STORAGES=newscrawl_settings.FEED_STORAGES)
    reports: list[tuple] = []
    crawler.signals.connect(lambda feed, reason: reports.append((feed, reason)),
                            feed_failed, weak=False)
    read, write = os.pipe()
    os.close(read)  # the reader went away (`| head -n 1` exited)
    with os.fdopen(write, "wb", buffering=0) as pipe:
        monkeypatch.setattr("sys.stdout", SimpleNamespace(buffer=pipe))
        exporter = WatchedFeedExporter.from_crawler(crawler)
        spider = SimpleNamespace(name="news", crawler=crawler)
        exporter.open_spider(spider)
        for n in range(3):
            exporter.item_scraped(_item(n), spider)  # no error escapes to send_catch_log
        counts = {slot.uri_template: slot.itemcount for slot in exporter.slots}
        for slot in exporter.slots:
            slot.storage.store(slot.file)  # the dead one raises nothing either
    assert counts == {"stdout:": 0, uri: 3}
    assert reports == [("stdout", "BrokenPipeError: [Errno 32] Broken pipe")]
    assert Path(uri).read_bytes().count(b"\n") == 3


def test_a_stored_user_feed_is_fsynced(tmp_path: Path, monkeypatch) -> None:
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr("newscrawl.export.user_feeds.os.fsync",
                        lambda fd: (synced.append(fd), real_fsync(fd))[1])
    uri = str(tmp_path / "sub" / "out.jsonl")
    storage = WatchedFileStorage.from_crawler(_crawler(), uri, feed_options={})
    fh = storage.open(None)
    fh.write(feed_line(_item(0)))
    storage.store(fh)
    assert len(synced) == 2  # the file, then its folder
    assert Path(uri).read_bytes().count(b"\n") == 1


def test_a_feed_into_a_fifo_is_stored_without_fsync(tmp_path: Path) -> None:
    """``-O /dev/stdout`` into a pipe: fsync fails with EINVAL on a pipe, which made a
    delivered feed a failed run (exit 8 and an "Error storing" traceback)."""
    fifo = tmp_path / "feed.fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so opening for writing does not block
    try:
        reports: list[tuple] = []
        crawler = _crawler()
        crawler.signals.connect(lambda feed, reason: reports.append((feed, reason)),
                                feed_failed, weak=False)
        storage = WatchedFileStorage.from_crawler(crawler, str(fifo), feed_options={})
        fh = storage.open(None)
        fh.write(feed_line(_item(0)))
        storage.store(fh)
        assert reports == [] and not storage.failed
        assert os.read(reader, 65536).count(b"\n") == 1
    finally:
        os.close(reader)
