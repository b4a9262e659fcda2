"""Every third-party package the code imports is a declared dependency.

A bare ``pip install -e .`` must give a working crawl; a package that only comes
in as someone else's dependency can vanish with their next release.
(``lxml_html_clean``, imported by justext, is declared too: see
tests/test_recipes.py::test_bare_venv_install_gives_a_working_crawl.)
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_top_levels() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "newscrawl").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"newscrawl", "__future__"}


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {re.split(r"[<>=\[ ;]", d, maxsplit=1)[0].lower().replace("_", "-")
            for d in project["dependencies"]}


def test_every_imported_package_is_declared() -> None:
    owners = packages_distributions()
    missing = {}
    for name in imported_top_levels():
        dists = {d.lower().replace("_", "-") for d in owners.get(name, [name])}
        if not dists & declared():
            missing[name] = sorted(dists)
    assert missing == {}


def test_justext_cleaner_is_declared() -> None:
    assert "lxml-html-clean" in declared()
