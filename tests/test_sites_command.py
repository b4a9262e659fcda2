"""``scrapy sites list|validate|probe``: run as a user would, in a subprocess."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import run_scrapy

from newscrawl import exitcodes

pytestmark = pytest.mark.e2e


def sites(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return run_scrapy("sites", *args, timeout=timeout)


def test_list_the_default_registry() -> None:
    from newscrawl.sites import load_registry
    proc = sites("list")
    assert proc.returncode == 0, proc.stderr
    names = [line.split()[0] for line in proc.stdout.splitlines()[1:]]
    assert names == [s.name for s in load_registry(None)]


def test_list_and_validate_a_given_file(tmp_path: Path) -> None:
    registry = tmp_path / "mine.yaml"
    registry.write_text("sites:\n  - {name: one, url: 'http://127.0.0.1:9/', language: en}\n"
                        "  - {name: two, url: 'http://127.0.0.1:10/'}\n", encoding="utf-8")
    listed = sites("list", "-a", f"sites={registry}")
    assert listed.returncode == 0
    assert listed.stdout.splitlines()[0] == f"2 sites in {registry}"
    assert "language=en" in listed.stdout.splitlines()[1]
    valid = sites("validate", str(registry))
    assert valid.returncode == 0 and "OK, 2 sites (one, two)" in valid.stdout


def test_validate_a_bad_file_exits_2_with_one_line(tmp_path: Path) -> None:
    registry = tmp_path / "bad.yaml"
    registry.write_text("sites:\n  - {name: one, url: 'ftp://example/'}\n", encoding="utf-8")
    proc = sites("validate", str(registry))
    assert proc.returncode == exitcodes.BAD_INPUT
    errors = [line for line in proc.stderr.splitlines() if line.startswith("newscrawl: error")]
    assert len(errors) == 1 and "one" in errors[0] and "url" in errors[0]
    assert "Traceback" not in proc.stderr
    missing = sites("validate", str(tmp_path / "nope.yaml"))
    assert missing.returncode == exitcodes.BAD_INPUT and "no such file" in missing.stderr


def test_unknown_subcommand_is_a_usage_error() -> None:
    proc = sites("frobnicate")
    assert proc.returncode != 0 and "usage" in (proc.stderr + proc.stdout).lower()


def test_probe_shows_discovery_and_sample_articles(tmp_path: Path) -> None:
    demo = pytest.importorskip("newscrawl.demo")
    with demo.DemoNetwork(base_port=0) as network:
        registry = network.write_registry(tmp_path / "demo.yaml")
        site = network.truth()[0]["site"]
        fast = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False")
        by_name = sites("probe", site, "-a", f"sites={registry}", "-a", "max_articles=3", *fast)
        home = next(a["url"] for a in network.truth() if a["site"] == site).split("/")[:3]
        by_url = sites("probe", "/".join(home) + "/", "-a", "max_articles=2", *fast)
        titles = {a["title"] for a in network.truth() if a["site"] == site}
    assert by_name.returncode == 0, by_name.stdout + by_name.stderr[-2000:]
    out = by_name.stdout
    assert "sitemaps:" in out and "feeds:" in out and "/robots.txt" in out
    assert any(line.strip().startswith("200 http") and "sitemap" in line
               for line in out.splitlines())
    assert "sample articles: " in out
    shown = [line.strip() for line in out.splitlines() if line.startswith("      ")]
    assert shown and set(shown) <= titles
    assert by_url.returncode == 0, by_url.stdout + by_url.stderr[-2000:]
    assert not (tmp_path / "output").exists()  # a probe writes no feed into the project


def test_probe_of_a_site_that_does_not_answer(tmp_path: Path) -> None:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = sites("probe", f"http://127.0.0.1:{port}/")
    assert proc.returncode == exitcodes.NO_SITE_REACHABLE
    assert "did not answer" in proc.stdout
