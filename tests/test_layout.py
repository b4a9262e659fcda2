"""The package layout keeps the flow one-way: no import circles, and the pure stages stay pure.

The graph is read from the source with ``ast`` (nothing is imported), and it counts every import
that runs: module level and function level alike, so a function-level import cannot hide a
circle. Imports under ``if TYPE_CHECKING:`` never run and are left out.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "newscrawl"

# Packages that do no crawling: they must work (and be testable) without Scrapy or Twisted.
PURE = ("newscrawl.discovery", "newscrawl.extraction", "newscrawl.dedup", "newscrawl.sites")
PURE_EXCEPTIONS: set[str] = set()  # the ledger is plain; its Scrapy glue is extensions/ledger.py
CRAWL_FRAMEWORKS = ("scrapy", "twisted")

KNOWN_CIRCLE_MEMBERS: set[str] = set()  # none: the ledger <-> writer circle is gone


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that can execute, at any depth, minus TYPE_CHECKING blocks."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _imported_names(node: ast.Import | ast.ImportFrom, package: str) -> list[str]:
    """Dotted names a statement imports; ``from x import y`` yields ``x.y`` (y may be a module)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join(anchor + ([base] if base else []))
    return [f"{base}.{alias.name}" for alias in node.names] or [base]


@cache
def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(module -> project modules it imports, module -> top-level external packages it imports)."""
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    internal: dict[str, set[str]] = {}
    external: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        internal[name], external[name] = set(), set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _runtime_imports(tree):
            for dotted in _imported_names(node, package):
                target = dotted
                while target and target not in paths:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    internal[name].add(target)
                elif not dotted.startswith("newscrawl"):
                    external[name].add(dotted.split(".")[0])
    return internal, external


def circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root, targets in graph.items():
        if root in index:
            continue
        work = [(root, iter(sorted(targets)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for target in graph[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_the_graph_sees_the_package():
    internal, external = import_graph()
    assert "newscrawl.spiders.news" in internal
    assert "newscrawl.spiders.frontier" in internal["newscrawl.spiders.news"]
    assert "scrapy" in external["newscrawl.spiders.news"]


def test_circle_finder_finds_a_planted_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert circles(graph) == [{"a", "b", "c"}]


def test_no_import_circles():
    internal, _ = import_graph()
    unexpected = [sorted(c) for c in circles(internal) if not c & KNOWN_CIRCLE_MEMBERS]
    assert unexpected == []


def test_pure_stages_do_not_import_the_crawl_framework():
    internal, external = import_graph()
    offenders = {}
    for name in internal:
        if not name.startswith(PURE) or name in PURE_EXCEPTIONS:
            continue
        for module in reachable(internal, name):
            hits = external[module] & set(CRAWL_FRAMEWORKS)
            if hits:
                offenders.setdefault(name, set()).add(f"{module}: {', '.join(sorted(hits))}")
    assert offenders == {}
