"""bench/foreign.py lays other projects' fixture pages out as corpora in the shared format."""

from __future__ import annotations

import gzip
import io
import json
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import foreign  # noqa: E402


def _sdist(path: Path, top: str, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _rows(corpus: Path) -> dict[str, dict]:
    return {r["id"]: r for r in map(json.loads, (corpus / "truth.jsonl").read_text().splitlines())}


def test_newspaper4k_fixtures_become_a_corpus_with_days_for_midnight_dates(tmp_path: Path) -> None:
    meta = {"url": "https://paper.example/a", "title": "Ferry fares rise",
            "authors": ["Ann Lee"], "publish_date": "2023-11-06T00:00:00"}
    timed = {"url": "https://paper.example/b", "title": "Dam holds",
             "publish_date": "2023-11-07T02:00:00-05:00"}
    sdist = _sdist(tmp_path / "newspaper4k-0.0.1.tar.gz", "newspaper4k-0.0.1", {
        "tests/data/html/a.html": b"<html><h1>Ferry fares rise</h1></html>",
        "tests/data/metadata/a.json": json.dumps(meta).encode(),
        "tests/data/txt/a.txt": b"Fares rise by a tenth.",
        "tests/data/html/b.html": b"<html><h1>Dam holds</h1></html>",
        "tests/data/metadata/b.json": json.dumps(timed).encode(),
        "tests/data/html/no_meta.html": b"<html></html>",  # no pinned answers: not a corpus page
        "tests/data/txt/summary.txt": b"a text without a page",
    })
    assert foreign.fetch_sdist("newspaper4k==0.0.1", tmp_path) == sdist  # in the cache: no download
    spec = foreign.SETS["newspaper4k"]
    corpus = tmp_path / "data" / "newspaper4k"
    assert foreign.write_corpus(spec.build(foreign.read_members(sdist, spec.wanted)), corpus) == 2
    rows = _rows(corpus)
    assert rows["a"] == {"id": "a", "url": "https://paper.example/a", "source": "newspaper4k",
                         "title": "Ferry fares rise", "published": "2023-11-06",
                         "body": "Fares rise by a tenth.", "authors": ["Ann Lee"]}
    assert rows["b"]["published"] == "2023-11-07T02:00:00-05:00" and "body" not in rows["b"]
    assert gzip.decompress((corpus / "pages" / "a.html.gz").read_bytes()).startswith(b"<html><h1>Ferry")
    assert sorted(p.name for p in (corpus / "pages").iterdir()) == ["a.html.gz", "b.html.gz"]


REALWORLD = '''
MOCK_PAGES = {
'https://blog.example/a': 'blog.example.a.html',
'https://shop.example/b': 'shop.example.b.html',
'https://gone.example/c': 'missing.html',
}
def load_mock_page(url, xml_flag=False):
    return url
def test_extract(xmloutput):
    result = load_mock_page('https://blog.example/a', xmloutput)
    assert 'Impressum' not in result and 'The ferry runs twice a day' in result
    if xmloutput is False:
        assert 'Fares rise' in result
    result = load_mock_page('https://shop.example/b', xmloutput)
    assert result.startswith('x') and 'In stock' in result
    result = load_mock_page('https://gone.example/c', xmloutput)
    assert 'Nothing' in result
'''
METADATA = '''
MOCK_PAGES = {'https://blog.example/a': 'blog.example.a.html'}
def test_pages():
    url = 'https://blog.example/a'
    metadata = extract_metadata(load_mock_page(url))
    assert metadata.title == 'Ferry fares rise'
    assert metadata.author == 'Ann Lee; Bo Chen'
    assert metadata.sitename == 'Blog'
'''


def test_trafilatura_tests_become_snippets_titles_and_authors(tmp_path: Path) -> None:
    sdist = _sdist(tmp_path / "trafilatura-0.0.1.tar.gz", "trafilatura-0.0.1", {
        "tests/realworld_tests.py": REALWORLD.encode(),
        "tests/metadata_tests.py": METADATA.encode(),
        "tests/cache/blog.example.a.html": b"<html><p>The ferry runs twice a day.</p></html>",
        "tests/cache/shop.example.b.html": b"<html><p>In stock</p></html>",
    })
    spec = foreign.SETS["trafilatura"]
    pages = spec.build(foreign.read_members(sdist, spec.wanted))
    rows = {row["id"]: row for _, _, row in pages}
    assert rows == {
        "blog.example.a": {"id": "blog.example.a", "url": "https://blog.example/a", "source": "trafilatura",
                           "with": ["The ferry runs twice a day", "Fares rise"], "without": ["Impressum"],
                           "title": "Ferry fares rise", "authors": ["Ann Lee", "Bo Chen"]},
        # the startswith check is no snippet; the page missing from the cache is left out
        "shop.example.b": {"id": "shop.example.b", "url": "https://shop.example/b", "source": "trafilatura",
                           "with": ["In stock"], "without": []},
    }
    assert {i: h for i, h, _ in pages}["shop.example.b"] == b"<html><p>In stock</p></html>"


HTMLDATE = '''
MOCK_PAGES = {
"https://a.example/post": "a.example.html",
"https://b.example/": "b.example.html",
"https://c.example/": "c.example.html",
}
def test_exact_date():
    assert find_date(load_mock_page("https://a.example/post")) == "2017-09-01"
    assert find_date(load_mock_page("https://a.example/post"), original_date=True) == "2017-08-12"
    assert find_date(load_mock_page("https://b.example/"), original_date=False) == "2018-01-01"
    assert find_date(load_mock_page("https://b.example/")) == "2017-12-24"
    assert (
        find_date(load_mock_page("https://c.example/"), outputformat="%d %B %Y") == "01 May 2016"
    )
    assert find_date(load_mock_page("https://c.example/"), extensive_search=False) is None
'''


def test_htmldate_tests_pin_the_original_day_else_the_default_answer(tmp_path: Path) -> None:
    sdist = _sdist(tmp_path / "htmldate-0.0.1.tar.gz", "htmldate-0.0.1", {
        "tests/unit_tests.py": HTMLDATE.encode(),
        "tests/cache/a.example.html": b"<html>a</html>",
        "tests/cache/b.example.html": b"<html>b</html>",
        "tests/cache/c.example.html": b"<html>c</html>",
    })
    spec = foreign.SETS["htmldate"]
    rows = {row["id"]: row["published"] for _, _, row in spec.build(foreign.read_members(sdist, spec.wanted))}
    assert rows == {"a.example": "2017-08-12", "b.example": "2017-12-24"}
