"""A fast yes/no check of a feed line against the article JSON Schema, built from the schema.

``jsonschema`` walks the schema for every item (~1 ms, a few per cent of the
reactor process); the schema itself is small and fixed. This compiles it once
into plain checks, for exactly the keywords it uses (an unknown keyword stops
the build, so the schema cannot grow a rule this silently skips). Only the
"valid" answer is taken from here: an item it refuses goes to ``jsonschema``,
whose errors name the reason. ``tests/test_schema_check.py`` compares both on
generated items.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

ANNOTATIONS = frozenset({"$schema", "$id", "title", "description"})


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_integer(value: Any) -> bool:
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, int) and not isinstance(value, bool)


TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str), "integer": _is_integer, "number": _is_number,
    "boolean": lambda v: isinstance(v, bool), "null": lambda v: v is None,
    "array": lambda v: isinstance(v, list), "object": lambda v: isinstance(v, dict),
}


def compile_schema(node: dict[str, Any]) -> Check:
    """``node`` as one function: True when a value satisfies it."""
    checks = [build(node[key], node) for key, build in _KEYWORDS.items() if key in node]
    unknown = set(node) - set(_KEYWORDS) - ANNOTATIONS
    if unknown:
        raise ValueError(f"schema keyword(s) not supported by the fast check: {sorted(unknown)}")
    return lambda value: all(check(value) for check in checks)


def _type(names: Any, node: dict[str, Any]) -> Check:
    names = [names] if isinstance(names, str) else names
    if set(names) - set(TYPES):
        raise ValueError(f"unknown JSON Schema type in {names}")
    tests = [TYPES[n] for n in names]
    return lambda v: any(test(v) for test in tests)


def _const(expected: Any, node: dict[str, Any]) -> Check:
    if not isinstance(expected, str):
        raise TypeError("the fast check supports string constants only")
    return lambda v: isinstance(v, str) and v == expected


def _pattern(pattern: str, node: dict[str, Any]) -> Check:
    search = re.compile(pattern).search
    return lambda v: not isinstance(v, str) or search(v) is not None


def _min_length(n: int, node: dict[str, Any]) -> Check:
    return lambda v: not isinstance(v, str) or len(v) >= n


def _minimum(n: float, node: dict[str, Any]) -> Check:
    return lambda v: not _is_number(v) or v >= n


def _items(schema: dict[str, Any], node: dict[str, Any]) -> Check:
    each = compile_schema(schema)
    return lambda v: not isinstance(v, list) or all(each(x) for x in v)


def _required(keys: list[str], node: dict[str, Any]) -> Check:
    return lambda v: not isinstance(v, dict) or all(k in v for k in keys)


def _properties(props: dict[str, Any], node: dict[str, Any]) -> Check:
    known = {name: compile_schema(schema) for name, schema in props.items()}
    return _members(known, node.get("additionalProperties", True))


def _additional_only(extra: Any, node: dict[str, Any]) -> Check:
    return _members({}, extra) if "properties" not in node else (lambda v: True)


def _members(known: dict[str, Check], extra: Any) -> Check:
    other: Check | None = None if extra is False else \
        (lambda v: True) if extra is True else compile_schema(extra)

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for name, member in value.items():
            test = known.get(name, other)
            if test is None or not test(member):
                return False
        return True
    return check


_KEYWORDS: dict[str, Callable[[Any, dict[str, Any]], Check]] = {
    "type": _type, "const": _const, "pattern": _pattern, "minLength": _min_length,
    "minimum": _minimum, "items": _items, "required": _required, "properties": _properties,
    "additionalProperties": _additional_only,
}
