"""Mistakes a user makes at the command line end in one line and a documented code."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_sites_validate_on_a_binary_file(tmp_path: Path) -> None:
    binary = tmp_path / "sites.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    proc = run("scrapy", "sites", "validate", str(binary))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"newscrawl: error: {binary}: not a UTF-8 text file" in proc.stderr


def test_probe_with_a_bad_max_articles(tmp_path: Path) -> None:
    proc = run("scrapy", "sites", "probe", "http://127.0.0.1:9/", "-a", "max_articles=abc")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "-a max_articles: expected a whole number, got 'abc'" in proc.stderr


def test_demo_with_its_port_busy(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        proc = run("newscrawl", "demo", "--base-port", str(port), "--output", str(tmp_path / "o"),
                   "--state", str(tmp_path / "s"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"cannot serve on port {port}" in proc.stderr and "PORT=" in proc.stderr
