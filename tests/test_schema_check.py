"""The pipeline's fast schema check (fastjsonschema) says "valid" exactly when jsonschema does.

Items are generated around a valid article: every field replaced, in turn or
together, by values of other types, empty or malformed strings, extra keys.
"""

from __future__ import annotations

import json
from importlib import resources

from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from newscrawl.pipelines import ValidatePipeline

SCHEMA = json.loads(resources.files("newscrawl").joinpath(
    "schema/article.schema.json").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA)
FAST = ValidatePipeline(stats=None, since=None).valid

VALID = {
    "url": "https://example.org/a", "site": "s", "title": "T", "body": "B",
    "canonical_url": "https://example.org/a", "authors": ["A"], "published": "2024-05-01",
    "modified": None, "language": "en", "section": None, "tags": [], "description": None,
    "image": None, "site_name": None, "word_count": 3, "fetched_at": "2024-05-01T10:00:00",
    "content_hash": "0123456789abcdef", "version": 1, "updated": False,
    "duplicate_of": None, "story_id": None, "provenance": {"title": "jsonld"},
    "schema_version": "1.0",
}

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.floats(-2, 2, allow_nan=False),
    st.sampled_from(["", "x", "http://a", "https://b/c", "ftp://x", "2024-05-01", "2024-05-01T1",
                     "24-05-01", "0123456789abcdef", "0123456789ABCDEF", "1.0", "1", "abc\n"]),
    st.text(max_size=8))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=6)


@given(st.dictionaries(st.sampled_from(sorted(VALID) + ["extra"]), values, max_size=4),
       st.sets(st.sampled_from(sorted(VALID)), max_size=2))
def test_fast_check_agrees_with_jsonschema(changes: dict, removed: set) -> None:
    item = {k: v for k, v in {**VALID, **changes}.items() if k not in removed}
    assert FAST(item) == VALIDATOR.is_valid(item)


def test_the_valid_article_is_valid() -> None:
    assert FAST(VALID) and VALIDATOR.is_valid(VALID)


def test_integral_float_is_an_integer_as_in_jsonschema() -> None:
    item = {**VALID, "word_count": 3.0}
    assert FAST(item) == VALIDATOR.is_valid(item) is True
