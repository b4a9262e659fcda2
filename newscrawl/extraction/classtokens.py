"""Case-insensitive class/id token patterns, answered cheaply when the answer is no.

The tree rules test the class (and id) of nearly every element of a page against
token patterns such as ``(?:^|[\\s_-])(?:caption|credit)s?(?:$|[\\s_-])``; those
searches were two fifths of the tree rules' time, and almost all of them fail.
A case-insensitive pattern with boundaries defeats the regex engine's quick scan
for a first character, while the bare tokens, searched case-sensitively in the
lower-cased value, keep it. Every match of the full pattern contains one of the
pattern's literal ``needles``; an ASCII value whose lower-cased form holds none is
rejected by that cheap test alone, every other value gets the full pattern, so
the answer never differs from the pattern's.
"""

from __future__ import annotations

import re


class TokenPattern:
    """A case-insensitive ``pattern`` and ``needles``: literal strings, one of which
    (in lower case) every match of the pattern contains."""

    def __init__(self, pattern: str, needles: tuple[str, ...]) -> None:
        if any(n != n.lower() or not n.isascii() for n in needles):
            raise ValueError("needles are lower-case ASCII (the quick test lower-cases values)")
        self._needles = re.compile("|".join(re.escape(n) for n in needles))
        self.pattern = re.compile(pattern, re.IGNORECASE)

    def search(self, value: str) -> bool:
        """Whether the full pattern occurs in ``value`` (the same answer as ``pattern.search``)."""
        if value.isascii() and self._needles.search(value.lower()) is None:
            return False
        return self.pattern.search(value) is not None


# Text only screen readers get ("Opens in a new window", "Datum:", a heading naming the
# page's regions): the accessibility classes of Bootstrap (sr-only, visually-hidden),
# WordPress (screen-reader-text), Drupal (element-invisible), Foundation (show-for-sr)
# and Germany's federal Government Site Builder (aural).
SCREEN_READER_ONLY = TokenPattern(
    r"(?:^|\s)(?:sr-only|screen-reader-(?:text|only)|visually-?hidden|u?-?a11y-hidden"
    r"|aural|element-invisible|show-for-sr)(?:$|\s)",
    ("sr-only", "screen-reader-", "visually", "a11y-hidden", "aural", "element-invisible", "show-for-sr"),
)
