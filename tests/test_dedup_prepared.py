"""The extraction worker's cleaning and fingerprints of a body are the pipelines' own.

An article's body is cleaned, counted, hashed and signed in the worker
(:mod:`newscrawl.dedup.prepared`); the clean and dedup pipelines then take those
facts instead of recomputing them. Both paths must give the same item.
"""

from __future__ import annotations

import numpy as np
import pytest
from itemadapter import ItemAdapter
from scrapy.statscollectors import MemoryStatsCollector

from newscrawl.cleaning import FIELD_CHARS
from newscrawl.dedup.neardup import NearDuplicateIndex
from newscrawl.dedup.prepared import prepare_body
from newscrawl.extraction.hints import SiteHints
from newscrawl.items import Article
from newscrawl.pipelines import CleanPipeline
from newscrawl.spiders.extractor import extract_fields

PARAGRAPH = ("The harbour board met on Tuesday evening and voted to repair the north pier "
             "before the winter storms, after a survey found the old timber piles rotten. ")
BODIES = {
    "plain": PARAGRAPH * 3,
    "controls and CRLF": "First\x00 line\r\n\r\n\tSecond \u00a0 para\u200bgraph\x07.\r\n" * 5,
    "lone surrogate": "Emoji \ud83d broken, then a pair \ud83d\ude00 and text. " * 8,
    "CJK": "港口委员会周二晚上开会，投票决定在冬季风暴来临之前修复北码头。" * 6,
    "over the cap": (PARAGRAPH * 4 + "\n\n") * (FIELD_CHARS["body"] // (len(PARAGRAPH) * 4) + 2),
    "blank": " \n\t ",
}


class Stats(MemoryStatsCollector):
    def __init__(self) -> None:
        self._stats = {}


def _cleaned(body: str, prepared: bool) -> tuple[ItemAdapter, dict]:
    stats = Stats()
    item = Article(url="http://127.0.0.1:8001/a", site="s", title="T", body=body)
    if prepared:
        item.body, item.prepared = prepare_body(body)
    return ItemAdapter(CleanPipeline(stats).process_item(item)), stats.get_stats()


@pytest.mark.parametrize("name", BODIES)
def test_prepared_body_gives_the_pipelines_item(name: str) -> None:
    raw = BODIES[name]
    plain, plain_stats = _cleaned(raw, prepared=False)
    fast, fast_stats = _cleaned(raw, prepared=True)
    for field in ("body", "word_count", "content_hash", "title"):
        assert fast[field] == plain[field], field
    assert fast_stats == plain_stats
    sig = fast["prepared"].signature
    expected = NearDuplicateIndex().signature(plain["body"]) if plain["body"] else None
    if expected is None:
        assert sig is None
    else:
        assert sig.size == expected.size and np.array_equal(sig.hashvalues, expected.hashvalues)


def test_capped_body_is_counted_once() -> None:
    _, stats = _cleaned(BODIES["over the cap"], prepared=True)
    assert stats == {"newscrawl/clean/capped/body": 1}


PAGE = ("<html><head><title>Pier repair</title></head><body><article><h1>Pier repair</h1>"
        + "".join(f"<p>{PARAGRAPH}\x01 number {i}.</p>" for i in range(6))
        + "</article></body></html>").encode()


def test_worker_returns_the_cleaned_body_and_its_facts() -> None:
    fields = extract_fields(PAGE, "http://127.0.0.1:8001/news/2024/pier", None, SiteHints())
    assert fields["prepared"] is not None
    assert "\x01" not in fields["body"]
    assert fields["prepared"].word_count == len(fields["body"].split())
    assert fields["words"] >= fields["prepared"].word_count > 100


def test_listing_parse_prepares_nothing() -> None:
    fields = extract_fields(PAGE, "http://127.0.0.1:8001/news/", None, SiteHints(), links_only=True)
    assert fields["prepared"] is None

