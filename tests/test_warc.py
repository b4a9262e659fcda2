"""WARC archive files and the replay reader, as plain objects (no crawl)."""

from __future__ import annotations

import gzip
import random
from io import BytesIO
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newscrawl.export.files import try_lock
from newscrawl.export.warc import (
    Exchange,
    WarcArchive,
    complete_members_end,
    recover_partial_archives,
)
from newscrawl.middlewares.archive import exchange_of
from newscrawl.middlewares.limits import BoundedHttpCompressionMiddleware
from newscrawl.middlewares.replay import ReplayMiddleware
from newscrawl.sites import Site
from newscrawl.spiders.replay import ArchiveReader, SiteMatcher, expand_paths, replay_request

PAGE = ("<html><head><title>Harbour reopens</title></head><body><article>"
        + "<p>The harbour reopened on Monday after repairs.</p>" * 30
        + "</article></body></html>").encode()


class Stats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count


def exchange(url: str, body: bytes = PAGE, status: int = 200,
             headers: list[tuple[str, str]] | None = None) -> Exchange:
    return Exchange(url=url, method="GET", request_headers=[("Host", "example.org")],
                    protocol="HTTP/1.1", status=status, reason="OK",
                    response_headers=headers or [("Content-Type", "text/html; charset=utf-8")],
                    body=body, date="2026-03-01T10:00:00.000000Z")


def records(path: Path) -> list:
    with open(path, "rb") as fh:
        return [(r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read())
                for r in ArchiveIterator(fh, check_digests=True)]


# -- writing -------------------------------------------------------------------------------
def test_archive_is_warc_1_1_with_info_digests_and_one_member_per_record(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, "2026-03-01T10-00-00Z", 0, {"software": "newscrawl/test"})
    for n in range(3):
        archive.write(exchange(f"https://example.org/news/{n}"))
    assert not list(tmp_path.glob("*.warc.gz"))  # hidden until finished
    [path] = archive.close()
    assert path.name == "2026-03-01T10-00-00Z.warc.gz" and not list(tmp_path.glob(".*"))
    got = records(path)
    assert [r[0] for r in got] == ["warcinfo"] + ["response", "request"] * 3
    assert b"software: newscrawl/test" in got[0][3]
    for rec_type, warc, http, payload in got[1:]:
        assert warc.protocol == "WARC/1.1"
        assert warc.get_header("WARC-Date") == "2026-03-01T10:00:00.000000Z"
        assert warc.get_header("WARC-Block-Digest")
        assert warc.get_header("WARC-Target-URI").startswith("https://example.org/news/")
        if rec_type == "response":
            assert warc.get_header("WARC-Payload-Digest")
            assert http.statusline == "200 OK" and payload == PAGE
        else:
            assert http.protocol == "GET" and http.statusline.startswith("/news/")
            assert http.statusline.endswith(" HTTP/1.1")
    end, members = complete_members_end(path)
    assert (end, members) == (path.stat().st_size, 7)


def test_archive_rotates_past_the_size_cap(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, "stamp", 4000, {"software": "t"})
    for n in range(12):
        archive.write(exchange(f"https://example.org/{n}", body=random.randbytes(1500)))
    files = archive.close()
    assert len(files) >= 3 and files[0].name == "stamp.warc.gz" and files[1].name == "stamp.2.warc.gz"
    responses = 0
    for path in files:
        got = records(path)
        assert got[0][0] == "warcinfo"
        responses += sum(r[0] == "response" for r in got)
    assert responses == 12


def test_exchange_keeps_content_coding_and_renames_transfer_coding() -> None:
    raw = gzip.compress(PAGE)
    response = Response("https://example.org/a", body=raw, headers={
        "Content-Encoding": "gzip", "Transfer-Encoding": "chunked", "Content-Type": "text/html"})
    ex = exchange_of(Request("https://example.org/a", headers={"User-Agent": "bot"}), response)
    headers = dict(ex.response_headers)
    assert ex.body == raw and headers["Content-Encoding"] == "gzip"
    assert "Transfer-Encoding" not in headers and headers["X-Crawler-Transfer-Encoding"] == "chunked"
    assert headers["Content-Length"] == str(len(raw))
    assert ("Host", "example.org") in ex.request_headers
    assert ("User-Agent", "bot") in ex.request_headers


# -- recovery ------------------------------------------------------------------------------
def _part_with(tmp_path: Path, exchanges: int) -> Path:
    archive = WarcArchive(tmp_path, "killed", 0, {"software": "t"})
    for n in range(exchanges):
        archive.write(exchange(f"https://example.org/{n}", body=random.randbytes(3000)))
    assert archive.fh is not None
    archive.fh.flush()
    part = archive.part
    archive.fh.close()  # as a kill leaves it: never renamed
    return part


def test_recovery_cuts_a_torn_archive_back_to_its_last_complete_record(tmp_path: Path) -> None:
    rng = random.Random(15)
    for trial in range(5):
        folder = tmp_path / str(trial)
        part = _part_with(folder, 6)
        size = part.stat().st_size
        with open(part, "r+b") as fh:
            fh.truncate(rng.randrange(size // 2, size - 1))  # a kill in mid-record
        [done] = recover_partial_archives(folder)
        assert done.name == "killed-recovered.warc.gz" and not part.exists()
        got = records(done)  # warcio reads it to the end, digests check
        assert got[0][0] == "warcinfo" and 2 <= len(got) < 13
        assert complete_members_end(done)[0] == done.stat().st_size
        assert recover_partial_archives(folder) == []  # idempotent


def test_recovery_discards_an_archive_without_a_record_and_spares_live_ones(
        tmp_path: Path) -> None:
    part = _part_with(tmp_path / "b", 1)
    with open(part, "r+b") as fh:
        fh.truncate(1500)  # inside the response: only the warcinfo is complete
    assert complete_members_end(part)[1] == 1
    assert recover_partial_archives(tmp_path / "b") == []
    assert not part.exists() and not list((tmp_path / "b").glob("*.warc.gz"))
    live = _part_with(tmp_path / "c", 2)
    with open(live, "rb") as holder:
        assert try_lock(holder.fileno())
        assert recover_partial_archives(tmp_path / "c") == [] and live.exists()


# -- reading ---------------------------------------------------------------------------------
SITES = [Site(name="port-a", url="http://127.0.0.1:8001/"),
         Site(name="port-b", url="http://127.0.0.1:8002/"),
         Site(name="paper", url="https://www.paper.example/", allowed_domains=("paper.example",))]


def test_site_matcher_uses_host_port_scheme_defaults_and_allowed_domains() -> None:
    matcher = SiteMatcher(SITES)
    assert matcher.site_of("http://127.0.0.1:8002/x") == "port-b"
    assert matcher.site_of("http://127.0.0.1:8003/x") is None
    assert matcher.site_of("http://www.paper.example/x") == "paper"  # http for an https site
    assert matcher.site_of("https://sport.paper.example/x") == "paper"
    assert matcher.site_of("https://notpaper.example/x") is None
    assert matcher.site_of("https://[broken/x") is None


def _warc(path: Path, entries: list[tuple[str, str, int, str, bytes]]) -> Path:
    """(record type, url, status, content type, payload) → a gzipped WARC/1.0 file."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for rec_type, url, status, ctype, body in entries:
            http = StatusAndHeaders(f"{status} X", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, rec_type, payload=BytesIO(body), length=len(body), http_headers=http))
    return path


def test_reader_yields_200_html_of_registry_sites_and_counts_the_rest(tmp_path: Path) -> None:
    path = _warc(tmp_path / "mixed.warc.gz", [
        ("response", "https://www.paper.example/a", 200, "text/html", PAGE),
        ("response", "https://other.example/a", 200, "text/html", PAGE),
        ("response", "https://www.paper.example/gone", 404, "text/html", PAGE),
        ("response", "https://www.paper.example/logo", 200, "image/png", b"\x89PNG...."),
        ("response", "https://www.paper.example/feed", 200, "text/plain", b"just words"),
        ("revisit", "https://www.paper.example/a", 200, "text/html", b""),
        ("request", "https://www.paper.example/a", 200, "text/html", b""),
    ])
    stats = Stats()
    got = list(ArchiveReader(SITES, stats, since=None, max_bytes=1 << 20).responses([path]))
    assert [(s.url, s.site, s.body) for s in got] == [("https://www.paper.example/a", "paper", PAGE)]
    assert stats.values == {
        "newscrawl/warc/records/response": 5, "newscrawl/warc/records/revisit": 1,
        "newscrawl/warc/records/request": 1, "newscrawl/warc/skipped/offsite": 1,
        "newscrawl/warc/skipped/status_404": 1, "newscrawl/warc/skipped/non_html": 2,
        "newscrawl/warc/skipped/revisit": 1}


def test_reader_skips_oversized_payloads_and_survives_a_corrupt_file(tmp_path: Path) -> None:
    big = _warc(tmp_path / "big.warc", [("response", "https://www.paper.example/a", 200,
                                         "text/html", PAGE * 3)])
    corrupt = tmp_path / "corrupt.warc.gz"
    corrupt.write_bytes(gzip.compress(b"not a warc record at all\r\n\r\n") + b"junk")
    stats = Stats()
    reader = ArchiveReader(SITES, stats, since=None, max_bytes=len(PAGE) * 2)
    assert list(reader.responses([big, corrupt])) == []
    assert stats.values["newscrawl/warc/skipped/too_large"] == 1
    assert stats.values["newscrawl/warc/errors/unreadable"] == 1


def test_expand_paths_reads_lists_and_globs_and_rejects_misses(tmp_path: Path) -> None:
    for name in ("b.warc.gz", "a.warc.gz", "c.warc"):
        (tmp_path / name).write_bytes(b"")
    got = expand_paths(f"{tmp_path}/*.warc.gz, {tmp_path}/c.warc")
    assert [p.name for p in got] == ["a.warc.gz", "b.warc.gz", "c.warc"]
    with pytest.raises(ValueError, match="no WARC file"):
        expand_paths(f"{tmp_path}/*.none")
    with pytest.raises(ValueError, match="at least one"):
        expand_paths(" , ")


def test_archived_gzip_response_replays_decoded_through_the_middlewares(tmp_path: Path) -> None:
    """As received (gzip) into the archive; out of it through the live crawl's decoder."""
    archive = WarcArchive(tmp_path, "s", 0, {"software": "t"})
    archive.write(exchange("https://www.paper.example/a", body=gzip.compress(PAGE), headers=[
        ("Content-Type", "text/html"), ("Content-Encoding", "gzip"),
        ("X-Crawler-Transfer-Encoding", "chunked")]))
    [path] = archive.close()
    [stored] = ArchiveReader(SITES, Stats(), since=None, max_bytes=1 << 20).responses([path])
    crawler = get_crawler(settings_dict={"NEWSCRAWL_REPLAY": True})
    request = replay_request(stored)
    response = ReplayMiddleware.from_crawler(crawler).process_request(request)
    decoded = BoundedHttpCompressionMiddleware.from_crawler(crawler).process_response(
        request, response)
    assert isinstance(decoded, HtmlResponse) and decoded.body == PAGE
    assert decoded.meta["newscrawl_site"] == "paper"
    assert decoded.meta["newscrawl_fetched_at"] == "2026-03-01T10:00:00+00:00"


def test_replay_middleware_refuses_anything_without_a_stored_response() -> None:
    from scrapy.exceptions import IgnoreRequest

    crawler = get_crawler(settings_dict={"NEWSCRAWL_REPLAY": True})
    mw = ReplayMiddleware.from_crawler(crawler)
    with pytest.raises(IgnoreRequest):
        mw.process_request(Request("https://www.paper.example/next"))
    assert crawler.stats.get_value("newscrawl/warc/refused") == 1
