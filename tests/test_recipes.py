"""The README's operations recipes, run as written on a fresh copy of the project.

Only the install path (``/srv/newscrawl``) and, for Scrapyd, the port change. The
commands are read from README.md itself, so a recipe edited there is tested there.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, free_port

INSTALL = "/srv/newscrawl"
CRON_ENV = {"HOME": "", "PATH": "/usr/bin:/bin"}


def readme_block(lang: str) -> list[str]:
    """The lines of the README's first ```lang block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"```{lang}\n(.*?)```", text, re.DOTALL)
    assert match, f"no ```{lang} block in README.md"
    return match.group(1).strip().splitlines()


def fresh_copy(tmp: Path) -> Path:
    """What a fresh clone holds (tracked files), plus the installed virtualenv."""
    project = tmp / "newscrawl"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.splitlines()
    for name in files:
        source = ROOT / name
        if source.is_file() and not name.startswith("output/"):
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, project / name)
    (project / ".venv").symlink_to(Path(sys.prefix))
    return project


def tree(project: Path) -> set[str]:
    return {p.name for p in project.iterdir()}


def cron_job(project: Path, registry: Path) -> tuple[dict[str, str], str]:
    """The crontab's environment lines and the job's command, for this install."""
    lines = [line.replace(INSTALL, str(project)) for line in readme_block("crontab")]
    env = dict(line.split("=", 1) for line in lines if re.match(r"^[A-Z_]+=", line))
    job = next(line for line in lines if not re.match(r"^[A-Z_]+=", line))
    command = job.split(None, 5)[5]  # after the five time fields
    shutil.copy(registry, env["NEWSCRAWL_SITES"])
    return env, command


def bash(command: str, env: dict[str, str], **kwargs: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(["/bin/bash", "-c", command], env=CRON_ENV | env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def test_cron_line_on_a_fresh_install_and_an_overlapping_run(tmp_path: Path, demo: Any) -> None:
    project = fresh_copy(tmp_path)
    env, command = cron_job(project, demo.registry_path)
    assert not (project / ".newscrawl").exists() and not (project / "output" / "logs").exists()
    first = bash(command, env)
    lock = project / ".newscrawl" / "run.lock"
    deadline = time.monotonic() + 60
    while not lock.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    started = time.monotonic()
    second = bash(command, env)
    second_code = second.wait(timeout=30)
    second_took = time.monotonic() - started
    _, first_err = first.communicate(timeout=300)
    assert first.returncode == 0, first_err[-3000:]
    assert second_code == 75 and second_took < 15
    feeds = sorted((project / "output" / "news").glob("*.jsonl"))
    assert len(feeds) == 1 and sum(1 for _ in feeds[0].open()) == len(demo.truth())
    log = (project / "output" / "logs" / "news.log").read_text(encoding="utf-8")
    assert "run summary (finished" in log and "Traceback" not in log


@pytest.mark.skipif(shutil.which("logrotate") is None, reason=".ci/run installs logrotate")
def test_logrotate_snippet_rotates_the_crawl_log(tmp_path: Path) -> None:
    logs = tmp_path / "output" / "logs"
    logs.mkdir(parents=True)
    (logs / "news.log").write_text("a run's log\n" * 100, encoding="utf-8")
    conf = tmp_path / "newscrawl.logrotate"
    conf.write_text("\n".join(readme_block("logrotate")).replace(INSTALL, str(tmp_path)) + "\n")
    proc = subprocess.run(["logrotate", "-f", "-s", str(tmp_path / "status"), str(conf)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert (logs / "news.log.1.gz").exists()
    assert (logs / "news.log").stat().st_size == 0  # copytruncate: the writer keeps its file


def http_json(url: str, data: dict[str, str] | None = None) -> dict[str, Any]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=30) as response:
        return json.loads(response.read())


def start_scrapyd(folder: Path, port: int) -> subprocess.Popen[bytes]:
    folder.mkdir()
    (folder / "scrapyd.conf").write_text(f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\n")
    proc = subprocess.Popen([str(Path(sys.prefix) / "bin" / "scrapyd")], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            http_json(f"http://127.0.0.1:{port}/daemonstatus.json")
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("scrapyd did not start")


def test_scrapyd_deploy_schedule_and_read_items_back(tmp_path: Path, demo: Any) -> None:
    if shutil.which("scrapyd-deploy", path=str(Path(sys.prefix) / "bin")) is None:
        pytest.fail("scrapyd-client is a [test] extra: pip install -e '.[test]'")
    project = fresh_copy(tmp_path)
    port = free_port()
    cfg = project / "scrapy.cfg"
    cfg.write_text(cfg.read_text().replace("127.0.0.1:6800", f"127.0.0.1:{port}"))
    before = tree(project)
    server = start_scrapyd(tmp_path / "scrapyd", port)
    try:
        deploy = subprocess.run([".venv/bin/scrapyd-deploy"], cwd=project, capture_output=True,
                                text=True, timeout=180, env=CRON_ENV)
        assert '"status": "ok"' in deploy.stdout + deploy.stderr, deploy.stderr[-3000:]
        base = f"http://127.0.0.1:{port}"
        job = http_json(f"{base}/schedule.json", {
            "project": "newscrawl", "spider": "news", "sites": str(demo.registry_path),
            "setting": "DOWNLOAD_DELAY=0"})["jobid"]
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            jobs = http_json(f"{base}/listjobs.json?project=newscrawl")
            if any(j["id"] == job for j in jobs["finished"]):
                break
            time.sleep(1)
        with urllib.request.urlopen(f"{base}/logs/newscrawl/news/{job}.log", timeout=30) as r:
            log = r.read().decode()
        feeds = sorted((tmp_path / "scrapyd" / "output" / "news").glob("*.jsonl"))
        items = [json.loads(line) for feed in feeds for line in feed.open(encoding="utf-8")]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "run summary (finished" in log and "exit 0" in log
    assert len(items) == len(demo.truth())
    assert {i["url"] for i in items} == {t["url"] for t in demo.truth()}
    assert tree(project) - before <= {"newscrawl.egg-info"}  # no setup.py, no build/


def test_bare_venv_install_gives_a_working_crawl(tmp_path: Path, demo: Any) -> None:
    """``python3 -m venv .venv && .venv/bin/pip install -e .`` (no pip upgrade, no extras):
    every package the code imports must come with it (lxml_html_clean was missing)."""
    venv = tmp_path / "venv"
    python = Path(sys.base_prefix) / "bin" / "python3"
    subprocess.run([str(python), "-m", "venv", str(venv)], check=True, timeout=120)
    install = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "-e", str(ROOT)],
                             capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr[-3000:]
    proc = subprocess.run(
        [str(venv / "bin" / "scrapy"), "crawl", "news", "-a", f"sites={demo.registry_path}",
         "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
         "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp_path / 'out'}",
         "-s", f"NEWSCRAWL_STATE_DIR={tmp_path / 'state'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    feeds = list((tmp_path / "out" / "news").glob("*.jsonl"))
    assert sum(1 for f in feeds for _ in f.open()) == len(demo.truth())


def readme_transcripts() -> list[tuple[str, list[str]]]:
    """Every ``$ command`` shown in a README block, with the lines printed under it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    shown: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.DOTALL):
        for line in block.splitlines():
            if line.startswith("$ "):
                shown.append((line[2:], []))
            elif shown and line.strip() and block.lstrip().startswith("$ "):
                shown[-1][1].append(line)
    return shown


def pasted(tmp: Path, command: str) -> subprocess.CompletedProcess[str]:
    """``command`` pasted into a fresh clone that holds the README's ``bad.yaml``."""
    project = fresh_copy(tmp)
    (project / "bad.yaml").write_text("sites:\n  - name: broken\n    url: nota url\n")
    return subprocess.run(["/bin/bash", "-c", command], cwd=project, capture_output=True,
                          text=True, timeout=120, env=CRON_ENV)


TRANSCRIPTS = readme_transcripts()


@pytest.mark.parametrize(("command", "printed"), TRANSCRIPTS, ids=[c for c, _ in TRANSCRIPTS])
def test_readme_transcript_prints_exactly_what_it_shows(tmp_path: Path, command: str,
                                                        printed: list[str]) -> None:
    """Pasted into a fresh clone, each shown command prints exactly its README lines on
    stderr, nothing before them (Scrapy's start-up banner buried them), and exits 2."""
    proc = pasted(tmp_path, command)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.splitlines() == printed
    assert proc.stdout == ""


def test_readme_transcripts_are_found() -> None:
    """The parametrised test above sees the README's transcripts (a changed fence would
    silently leave it with nothing to run)."""
    commands = [c for c, _ in TRANSCRIPTS]
    assert ".venv/bin/scrapy crawl news -a sites=bad.yaml" in commands
    assert ".venv/bin/scrapy crawl news -a max_article=20" in commands
    assert len(commands) >= 6 and all(printed for _, printed in TRANSCRIPTS)


@pytest.mark.parametrize(("command", "printed", "code"), [
    ("sites validate bad.yaml", "newscrawl: error: bad.yaml: site 'broken': field 'url': "
                                "must be an http(s) URL, got 'nota url'", 2),
    ("state runs", "newscrawl: error: NEWSCRAWL_STATE_DIR='.newscrawl': no state there yet", 2),
])
def test_commands_without_a_crawl_print_only_their_answer(tmp_path: Path, command: str,
                                                          printed: str, code: int) -> None:
    """``scrapy sites validate|list`` and ``scrapy state ...`` start no crawler process, so
    Scrapy's start-up banner does not come before their one line."""
    proc = pasted(tmp_path, f".venv/bin/scrapy {command}")
    assert proc.stderr.splitlines() == [printed]
    assert proc.returncode == code


COMMANDS_ON_PATH = {"make", "cd", "mkdir", "curl", "python3", "git"}


def test_readme_shell_lines_name_commands_a_fresh_clone_has() -> None:
    """A ```sh line starts with a command found on a fresh machine or in the project's
    .venv (a bare ``scrapy`` or ``warcio`` is not on PATH without an activated venv)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    bare = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.DOTALL):
        continued = False
        for line in block.splitlines():
            word = line.split()[0] if line.split() else "#"
            if not continued and not word.startswith(("#", ".venv/bin/")) \
                    and word not in COMMANDS_ON_PATH:
                bare.append(line)
            continued = line.rstrip().endswith("\\")
    assert bare == []
