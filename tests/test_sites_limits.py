"""Registry input limits: hostile files fail fast (< 2 s) with one line and exit 2."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from newscrawl.sites import RegistryError, load_registry
from newscrawl.sites.registry import MAX_REGISTRY_BYTES

ROOT = Path(__file__).resolve().parents[1]
GOOD = "  - {name: good, url: 'http://127.0.0.1:1/'}\n"


def _alias_bomb() -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\nsites:\n" + GOOD


HOSTILE = {
    "alias-bomb": (_alias_bomb(), "not allowed in a registry"),
    "deep-nesting": ("sites:\n" + GOOD + "x: " + "[" * 5000 + "]" * 5000 + "\n", "nest"),
    "nesting-past-our-cap": ("sites:\n" + GOOD + "x: " + "[" * 50 + "]" * 50 + "\n", "nested deeper"),
    "too-large": ("sites:\n" + GOOD + "#" + "x" * MAX_REGISTRY_BYTES + "\n", "larger than"),
    "infinite-delay": ("sites:\n  - {name: a, url: 'http://127.0.0.1:1/', download_delay: .inf}\n",
                       "download_delay"),
    "huge-delay": ("sites:\n  - {name: a, url: 'http://127.0.0.1:1/', download_delay: 1e9}\n",
                   "download_delay"),
    "lookaround-pattern": (("sites:\n  - {name: a, url: 'http://127.0.0.1:1/', "
                            "article_url_pattern: '(?=x)y'}\n"), "RE2"),
    "not-utf8": (None, "UTF-8"),
}


def _write(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "reg.yaml"
    text, _ = HOSTILE[name]
    if text is None:
        path.write_bytes(b"sites:\n  - {name: \xff\xfe}\n")
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_registry_fails_fast_with_one_line(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, name)
    start = time.perf_counter()
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    assert time.perf_counter() - start < 2.0
    message = str(caught.value)
    assert "\n" not in message and len(message) < 400
    assert HOSTILE[name][1] in message


def test_nested_quantifier_pattern_is_accepted_and_safe(tmp_path: Path) -> None:
    path = tmp_path / "reg.yaml"
    path.write_text("sites:\n  - {name: a, url: 'http://127.0.0.1:1/', "
                    "article_url_pattern: '^http://[^/]+/(a+)+$'}\n", encoding="utf-8")
    site = load_registry(path)[0]
    start = time.perf_counter()
    assert site.article_url_pattern.search("http://x/" + "a" * 100_000 + "!") is None
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("name", ["alias-bomb", "deep-nesting"])
def test_crawl_with_config_bomb_exits_2_in_one_line(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, name)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sites={path}",
         "-s", f"NEWSCRAWL_STATE_DIR={tmp_path / 'state'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert len([line for line in proc.stderr.splitlines() if "error" in line]) == 1
    assert time.perf_counter() - start < 20  # interpreter + Scrapy start-up dominate
