"""The one word counter: every script counts, spaced or not."""

from __future__ import annotations

import pytest

from newscrawl.discovery.links import Thresholds, looks_like_article
from newscrawl.extraction.wordcount import count_words


@pytest.mark.parametrize(("text", "words"), [
    ("Five words in this line.", 5),
    ("Numbers like 2024 count: 5", 5),
    ("यह एक छोटा परीक्षण वाक्य है।", 6),  # Devanagari vowel signs do not split words
    ("یہ ایک مختصر جملہ ہے", 5),  # Urdu
    ("東京都は新しい条例を制定した", 7),  # 14 characters, ~2 a word
    ("ภาษาไทยเขียนติดกัน", 4),  # 18 characters, ~4 a word
    ("", 0),
])
def test_words_in_every_script(text: str, words: int):
    assert count_words(text) == words


def test_a_japanese_story_is_long_enough_for_the_verdict():
    body = "東京都は新しい条例を制定した。" * 12  # 180 characters, 2 spaces-words
    assert len(body.split()) == 1
    ok, reason = looks_like_article(url_kind="unknown", og_type=None,
                                    jsonld_types=["NewsArticle"],
                                    word_count=count_words(body), paragraphs=3)
    assert ok, reason


def test_a_dated_short_story_at_an_article_url_is_an_article():
    kwargs = {"url_kind": "article", "og_type": None, "jsonld_types": [], "word_count": 80,
              "paragraphs": 3, "thresholds": Thresholds()}
    assert looks_like_article(**kwargs) == (False, "url:article:too-short")
    assert looks_like_article(**kwargs, byline=True) == (True, "url:article+byline")
