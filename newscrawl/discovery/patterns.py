"""User URL patterns (registry ``article_url_pattern`` / ``exclude_url_pattern``), compiled
under RE2.

A pattern is written once by a user but run against every link any site serves. With
Python's backtracking ``re`` a pattern like ``(a+)+b`` freezes the crawl on one odd link;
RE2 matches in time linear in the input whatever the pattern, and refuses the
constructs that need backtracking (look-arounds, back-references) at load time, so a
bad pattern stops the run with one line instead of hanging it later.
"""

from __future__ import annotations

from typing import Any, Protocol

import re2

MAX_PATTERN_LENGTH = 1000  # characters of one user pattern
MAX_PATTERN_MEMORY = 8 << 20  # bytes RE2 may use to compile one pattern


class UrlPattern(Protocol):
    """What the crawl needs of a compiled pattern (``re2`` and ``re`` objects both fit)."""

    pattern: Any

    def search(self, text: str) -> Any: ...


class PatternError(ValueError):
    """The pattern is too long, invalid, or needs backtracking (unsupported by RE2)."""


def _options() -> re2.Options:
    options = re2.Options()
    options.max_mem = MAX_PATTERN_MEMORY
    options.log_errors = False  # the error goes into our one-line message, not stderr
    return options


def compile_pattern(text: str) -> UrlPattern:
    """Compile a user pattern for linear-time matching, or raise :class:`PatternError`."""
    if len(text) > MAX_PATTERN_LENGTH:
        raise PatternError(f"longer than {MAX_PATTERN_LENGTH} characters")
    try:
        return re2.compile(text, _options())
    except re2.error as exc:
        detail = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(
            exc.args[0], bytes) else str(exc)
        raise PatternError(f"{detail} (patterns run under RE2: no look-arounds, "
                           "back-references or possessive quantifiers)") from None
