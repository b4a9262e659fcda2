"""Strict configuration: every NEWSCRAWL_* key declared once, checked before the first request."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl import config, settings

ROOT = Path(__file__).resolve().parents[1]


def declared() -> set[str]:
    return {name for name in vars(settings) if name.startswith("NEWSCRAWL_")}


def test_every_declared_key_has_a_check_and_every_check_a_declaration() -> None:
    assert declared() == set(config.SETTINGS)


def test_every_key_the_code_reads_is_declared() -> None:
    pattern = re.compile(r"NEWSCRAWL_[A-Z][A-Z_]*[A-Z]")
    used = {m for path in (ROOT / "newscrawl").rglob("*.py")
            for m in pattern.findall(path.read_text(encoding="utf-8"))}
    assert used - declared() == set()


def test_each_key_is_assigned_once_with_a_comment() -> None:
    lines = (ROOT / "newscrawl" / "settings.py").read_text(encoding="utf-8").splitlines()
    assigned = [line for line in lines if re.match(r"NEWSCRAWL_\w+ = ", line)]
    names = [line.split(" = ")[0] for line in assigned]
    assert len(names) == len(set(names))
    assert all("  # " in line for line in assigned)


def test_declared_defaults_pass_their_own_check() -> None:
    config.check_settings({name: getattr(settings, name) for name in declared()})


@pytest.mark.parametrize("name, value, says", [
    ("NEWSCRAWL_NEAR_DUPLICATES", "dorp", "must be one of mark, drop"),
    ("NEWSCRAWL_MAX_ERROR_RATE", "abc", "must be a number"),
    ("NEWSCRAWL_MAX_ERROR_RATE", "2", "share between 0 and 1"),
    ("NEWSCRAWL_MAX_PAGES_PER_SITE", "abc", "whole number"),
    ("NEWSCRAWL_MAX_PAGES_PER_SITE", "2.5", "whole number"),
    ("NEWSCRAWL_TARGET_RESOLVE_HOSTS", "maybe", "true or false"),
    ("NEWSCRAWL_REDIS_URL", "localhost:6379", "redis:// URL"),
    ("NEWSCRAWL_NEARDUPLICATES", "mark", "unknown setting"),
])
def test_bad_values_are_named(name: str, value: str, says: str) -> None:
    with pytest.raises(config.ConfigError) as caught:
        config.check_settings({name: value})
    assert name in str(caught.value) and says in str(caught.value)


def test_settings_module_reads_the_environment(tmp_path: Path) -> None:
    env = dict(os.environ, NEWSCRAWL_STATE_DIR=str(tmp_path / "s"),
               NEWSCRAWL_CONTACT="mailto:ops@example.org")
    code = ("from scrapy.utils.project import get_project_settings as g; s = g(); "
            "print(s.get('NEWSCRAWL_STATE_DIR')); print(s.get('USER_AGENT'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert out == [str(tmp_path / "s"), "newscrawl/0.1 (+mailto:ops@example.org)"]
    cli = subprocess.run([sys.executable, "-m", "scrapy", "settings", "--get",
                          "NEWSCRAWL_STATE_DIR", "-s", "NEWSCRAWL_STATE_DIR=/from/cli"],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert cli.stdout.strip() == "/from/cli"  # -s wins over the environment


def test_contact_on_the_command_line_reaches_the_user_agent() -> None:
    from scrapy.settings import Settings

    s = Settings({"NEWSCRAWL_CONTACT": "https://x.example"}, priority="project")
    s.set("USER_AGENT", "newscrawl/0.1 (+https://x.example)", priority="project")
    s.set("NEWSCRAWL_CONTACT", "mailto:ops@example.org", priority="cmdline")
    config.user_agent(s)
    assert s.get("USER_AGENT") == "newscrawl/0.1 (+mailto:ops@example.org)"
    s.set("USER_AGENT", "mine/1.0", priority="cmdline")
    config.user_agent(s)
    assert s.get("USER_AGENT") == "mine/1.0"


def crawl(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "url=http://127.0.0.1:9/",
               "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp / 'out'}", "-s", f"NEWSCRAWL_STATE_DIR={tmp / 'st'}",
               *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("args, says", [
    (["-a", "max_article=20"], "-a max_article: unknown argument"),
    (["-a", "fresh=maybe"], "-a fresh: expected 1 or 0"),
    (["-s", "NEWSCRAWL_NEAR_DUPLICATES=dorp"], "NEWSCRAWL_NEAR_DUPLICATES='dorp'"),
    (["-s", "NEWSCRAWL_MAX_ERROR_RATE=abc"], "NEWSCRAWL_MAX_ERROR_RATE='abc'"),
    (["-s", "NEWSCRAWL_MAX_PAGES_PER_SITE=abc"], "NEWSCRAWL_MAX_PAGES_PER_SITE='abc'"),
    (["-s", "NEWSCRAWL_REDIS_URL=redis://127.0.0.1:9/0"], "Redis does not answer"),
])
def test_crawl_stops_with_exit_2_and_one_line(tmp_path: Path, args: list[str], says: str) -> None:
    proc = crawl(tmp_path, *args)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    error_lines = [line for line in proc.stderr.splitlines() if line.startswith("newscrawl: error")]
    assert len(error_lines) == 1 and says in error_lines[0]
    assert "Spider opened" not in proc.stderr


def test_state_dir_that_is_a_file_stops_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    proc = crawl(tmp_path, "-s", f"NEWSCRAWL_STATE_DIR={tmp_path / 'afile'}")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "NEWSCRAWL_STATE_DIR" in proc.stderr and "is a file" in proc.stderr


def test_output_dir_under_a_file_stops_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    proc = crawl(tmp_path, "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp_path / 'afile' / 'out'}")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "NEWSCRAWL_OUTPUT_DIR" in proc.stderr


def test_dedup_pipeline_refuses_a_bad_mode_instead_of_switching_off() -> None:
    from scrapy.exceptions import NotConfigured

    from newscrawl.pipelines import DeduplicatePipeline

    with pytest.raises(ValueError) as caught:
        DeduplicatePipeline(None, None, "dorp")
    assert not isinstance(caught.value, NotConfigured)


def test_contact_reaches_the_user_agent_a_site_sees(tmp_path: Path) -> None:
    from support.faultserver import FaultServer, Reply

    with FaultServer(["site"]) as fs:
        fs.add("site", "/robots.txt", lambda fs, p: Reply(200, b"User-agent: *\nAllow: /\n"))
        proc = crawl(tmp_path, "-a", f"url={fs.base('site')}/",
                     "-s", "NEWSCRAWL_CONTACT=mailto:ops@example.org")
        agents = {h.headers.get("user-agent") for h in fs.hits_for("site")}
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert agents == {"newscrawl/0.1 (+mailto:ops@example.org)"}


def test_every_scrapy_setting_checked_is_one_scrapy_or_we_define() -> None:
    assert set(config.SCRAPY_SETTINGS) - config.known_setting_names() == set()


def test_project_settings_pass_the_scrapy_checks() -> None:
    from scrapy.utils.project import get_project_settings

    config.check_values(get_project_settings())


@pytest.mark.parametrize("name, value, says", [
    ("DOWNLOAD_MAXSIZE", "abc", "whole number"),
    ("DOWNLOAD_MAXSIZE", "-5", ">= 1"),
    ("DOWNLOAD_MAXSIZE", "0", ">= 1"),  # Scrapy reads 0 as "no cap"
    ("CONCURRENT_REQUESTS_PER_DOMAIN", "0", ">= 1"),
    ("DOWNLOAD_DELAY", "x", "must be a number"),
    ("DOWNLOAD_DELAY", "inf", "finite"),
    ("DOWNLOAD_TIMEOUT", "0", ">= 0.1"),
    ("AUTOTHROTTLE_ENABLED", "Flase", "true or false"),
    ("LOG_LEVEL", "info", "upper case"),
])
def test_bad_scrapy_values_are_named(name: str, value: str, says: str) -> None:
    with pytest.raises(config.ConfigError) as caught:
        config.check_scrapy_settings({name: value})
    assert name in str(caught.value) and says in str(caught.value)


def test_scrapy_values_scrapy_accepts_pass() -> None:
    config.check_scrapy_settings({"AUTOTHROTTLE_ENABLED": "False", "ROBOTSTXT_OBEY": True,
                                  "LOG_LEVEL": "20", "DOWNLOAD_DELAY": "0.5",
                                  "DEPTH_LIMIT": "0", "CLOSESPIDER_TIMEOUT": 0})


def test_a_near_miss_of_a_known_name_is_refused_an_unrelated_name_passes() -> None:
    with pytest.raises(config.ConfigError, match=r"DOWNLOAD_DELY \(did you mean DOWNLOAD_DELAY\?\)"):
        config.check_scrapy_settings({}, given=["DOWNLOAD_DELY"])
    config.check_scrapy_settings({}, given=["MY_PIPELINE_BATCH", "DOWNLOAD_DELAY"])


@pytest.mark.parametrize("setting, says", [
    ("DOWNLOAD_MAXSIZE=-5", "DOWNLOAD_MAXSIZE='-5': must be >= 1"),
    ("CONCURRENT_REQUESTS_PER_DOMAIN=0", "CONCURRENT_REQUESTS_PER_DOMAIN='0'"),
    ("LOG_LEVEL=info", "LOG_LEVEL='info'"),  # Scrapy's logging set-up raised before
    ("DOWNLOAD_DELY=0", "did you mean DOWNLOAD_DELAY?"),
    ("NEWSCRAWL_UMASK=9x", "NEWSCRAWL_UMASK='9x': expected an octal umask"),
])
def test_a_bad_scrapy_setting_stops_the_crawl_with_exit_2(tmp_path: Path, setting: str,
                                                          says: str) -> None:
    proc = crawl(tmp_path, "-s", setting)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "Usage" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newscrawl: error: ") and says in lines[0]


def test_an_unknown_spider_name_stops_with_exit_2_and_one_line(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "nws"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "newscrawl: error: unknown spider 'nws' (known: news)"]
