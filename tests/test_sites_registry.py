"""The registry: valid files load; every bad entry names the file, the site and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_scrapy

from newscrawl.dedup.canonical import site_key
from newscrawl.sites import DEFAULT_REGISTRY, RegistryError, load_registry, site_from_url


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "reg.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_registry_loads_real_sites() -> None:
    sites = load_registry(DEFAULT_REGISTRY)
    assert len(sites) >= 4
    assert all(s.url.startswith("https://") for s in sites)
    assert len({s.name for s in sites}) == len(sites)


def test_full_entry(tmp_path: Path) -> None:
    path = write(tmp_path, """
sites:
  - name: lahore-ledger
    url: http://127.0.0.1:8701/
    feeds: [http://127.0.0.1:8701/feed/]
    sitemaps: http://127.0.0.1:8701/sitemap.xml
    allowed_domains: [Example.COM]
    article_url_pattern: '/\\d{4}/'
    exclude_url_pattern: '/live/'
    language: ur
    region: Punjab
    timezone: Asia/Karachi
    download_delay: 2
    selectors: {title: 'h1.entry-title', published: '//time/@datetime'}
""")
    (site,) = load_registry(path)
    assert site.key == "http://127.0.0.1:8701"
    assert site.feeds == ("http://127.0.0.1:8701/feed/",)
    assert site.sitemaps == ("http://127.0.0.1:8701/sitemap.xml",)
    assert site.allowed_domains == ("example.com",)
    assert site.article_url_pattern.search("/2024/01/x")
    assert site.download_delay == 2.0
    assert site.selectors["title"] == "h1.entry-title"


@pytest.mark.parametrize("entry, fieldname", [
    ("{url: 'http://127.0.0.1:1/'}", "name"),
    ("{name: 'Bad Name', url: 'http://127.0.0.1:1/'}", "name"),
    ("{name: a}", "url"),
    ("{name: a, url: 'ftp://x/'}", "url"),
    ("{name: a, url: 'http://127.0.0.1:1/', feeds: [3]}", "feeds"),
    ("{name: a, url: 'http://127.0.0.1:1/', article_url_pattern: '('}", "article_url_pattern"),
    ("{name: a, url: 'http://127.0.0.1:1/', timezone: 'Mars/Olympus'}", "timezone"),
    ("{name: a, url: 'http://127.0.0.1:1/', download_delay: -1}", "download_delay"),
    ("{name: a, url: 'http://127.0.0.1:1/', selectors: {headline: h1}}", "selectors.headline"),
    ("{name: a, url: 'http://127.0.0.1:1/', colour: red}", "colour"),
])
def test_bad_entry_names_file_site_and_field(tmp_path: Path, entry: str, fieldname: str) -> None:
    path = write(tmp_path, f"sites:\n  - {entry}\n")
    with pytest.raises(RegistryError) as err:
        load_registry(path)
    message = str(err.value)
    assert str(path) in message
    assert f"field '{fieldname}'" in message
    assert "site '" in message or "sites[0]" in message


def test_duplicates_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "sites:\n  - {name: a, url: 'http://127.0.0.1:1/'}\n"
                           "  - {name: a, url: 'http://127.0.0.1:2/'}\n")
    with pytest.raises(RegistryError, match="duplicate name"):
        load_registry(path)
    path = write(tmp_path, "sites:\n  - {name: a, url: 'http://127.0.0.1:1/'}\n"
                           "  - {name: b, url: 'http://127.0.0.1:1/news/'}\n")
    with pytest.raises(RegistryError, match="same site as 'a'"):
        load_registry(path)


def test_sites_differ_by_port() -> None:
    assert site_key("http://127.0.0.1:8701/x") != site_key("http://127.0.0.1:8702/x")
    assert site_key("HTTP://Example.com/") == site_key("http://example.com:80/a")


@pytest.mark.parametrize("text", ["", "sites: 3\n", "[1, 2]\n", "sites: [\n"])
def test_bad_file(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(RegistryError, match=str(path)):
        load_registry(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="cannot read"):
        load_registry(tmp_path / "nope.yaml")


def test_adhoc_site_from_url() -> None:
    site = site_from_url("http://127.0.0.1:8999/")
    assert site.name == "127-0-0-1" and site.key == "http://127.0.0.1:8999"


@pytest.mark.e2e
def test_crawl_with_bad_registry_exits_nonzero_without_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, "sites:\n  - {name: good, url: 'http://127.0.0.1:1/'}\n"
                           "  - {name: broken, url: 'nota url'}\n")
    proc = run_scrapy("crawl", "news", "-a", f"sites={path}", timeout=60,
                      settings={"NEWSCRAWL_STATE_DIR": tmp_path / "state"})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if "error" in line]
    assert len(lines) == 1
    assert str(path) in lines[0] and "site 'broken'" in lines[0] and "field 'url'" in lines[0]


@pytest.mark.e2e
@pytest.mark.parametrize("command, expected", [(["list"], "news"), (["check"], "OK")])
def test_scrapy_list_and_check_work(command: list[str], expected: str) -> None:
    proc = run_scrapy(*command)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert expected in (proc.stdout + proc.stderr)
