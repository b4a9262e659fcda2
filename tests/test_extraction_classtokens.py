"""TokenPattern answers exactly as its case-insensitive pattern, only faster: checked on
the tree rules' own patterns, on hand-picked case-folding traps and on generated values."""

from __future__ import annotations

import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawl.extraction.body import treeclean
from newscrawl.extraction.classtokens import TokenPattern

PATTERNS = {
    name: getattr(treeclean, name)
    for name in ("_BOILERPLATE", "_PROMPT_BLOCK", "_CAPTION_CLASS", "_HIDDEN_CLASS", "_SUBHEAD_CLASS")
}
# characters Python's case-insensitive matching folds onto ASCII letters (İ ı ſ K),
# non-ASCII spaces, and the tokens' own separators
TRAPS = ["CAPTION", "wp-Caption-text", "capt\u0130on", "capt\u0131on", "\u017fr-only", "SR-ONLY",
         "visually-hidden", "VisuallyHidden", "u-a11y-hidden", "a11y-hidden x", "img credits",
         "photo_credit", "copyrights-", "sub-head", "CrossHead", "zwischenüberschrift",
         "Zwischen-Ueberschrift", "author-box", "AUTHORBOX main", "td-author-x", "promo",
         "sticky-promo-bar", "cta\u00a0", "\u00a0cta", "share-bar", "\u212aey", "", " ", "header",
         "aural", "AURAL x", "natural", "element-invisible", "show-for-sr", "screen-reader-only"]
FRAGMENTS = st.sampled_from(["caption", "credit", "sr-only", "visually", "hidden", "a11y", "head",
                             "sub", "author-box", "promo", "cta", "share", "-", "_", " ", "\u00a0",
                             "\u0130", "\u0131", "\u017f", "\u212a", "ü", "ue", "zwischen", "berschrift",
                             "aural", "element-invisible", "show-for-sr", "screen-reader-"])
VALUES = st.lists(st.one_of(FRAGMENTS, st.text(max_size=4)), max_size=8).map("".join)


@pytest.mark.parametrize("name", sorted(PATTERNS))
@pytest.mark.parametrize("value", TRAPS)
def test_same_answer_as_the_pattern_on_traps(name: str, value: str) -> None:
    pattern = PATTERNS[name]
    assert pattern.search(value) == (pattern.pattern.search(value) is not None)


@settings(max_examples=examples(3000), deadline=None)
@given(value=VALUES, name=st.sampled_from(sorted(PATTERNS)))
def test_same_answer_as_the_pattern_on_generated_values(value: str, name: str) -> None:
    pattern = PATTERNS[name]
    assert pattern.search(value) == (pattern.pattern.search(value) is not None)


def test_traps_do_match_somewhere() -> None:
    """The trap list really exercises the full pattern (non-ASCII folds included)."""
    assert treeclean._CAPTION_CLASS.search("capt\u0130on")
    assert treeclean._HIDDEN_CLASS.search("\u017fr-only")
    assert not treeclean._SUBHEAD_CLASS.search("header")


def test_needles_must_be_lower_case_ascii() -> None:
    with pytest.raises(ValueError):
        TokenPattern("Caption", ("Caption",))
