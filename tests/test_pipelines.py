"""Every pipeline decision as a plain object test: built with Scrapy's ``get_crawler``,
the ledger on a SQLite store in a temporary folder; no subprocess, no network."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawl.dedup import ArticleRecord, StateStore, content_hash, story_id
from newscrawl.dedup.fingerprint import shingles
from newscrawl.dedup.ledger import Ledger
from newscrawl.dedup.prepared import prepare_body
from newscrawl.exceptions import (
    ArticleLimitReached,
    DuplicateArticle,
    NearDuplicateArticle,
    UnchangedArticle,
    UnencodableArticle,
)
from newscrawl.items import Article
from newscrawl.pipelines import (
    ArticleLimitPipeline,
    CleanPipeline,
    DeduplicatePipeline,
    EncodablePipeline,
)

A = "http://127.0.0.1:8001/news/roads"
B = "http://127.0.0.1:8002/news/roads-copy"
C = "http://127.0.0.1:8001/news/library"
BODY = ("The provincial government approved the road plan on Monday after two years of "
        "delays, officials said, and the first crews will start work in the spring. Engineers "
        "from the works department said the landslides that block the road above the valley "
        "would be cleared first, while a second team surveys the bridges the river washed "
        "away in August. Shopkeepers said the closure had cut their trade by half.")
COPY = "WIRE: " + BODY.rsplit(" Shopkeepers", 1)[0] + " Follow us for more news."
OTHER = ("The city council voted on Thursday to extend the opening hours of the central "
         "library into the evening, after students complained that the reading rooms closed "
         "before most of them had finished their classes at the colleges across the river.")


def article(url: str, body: str = BODY, canonical: str | None = None, **kw: object) -> Article:
    item = Article(url=url, site="demo", title="Road plan approved", body=body,
                   canonical_url=canonical or url, aliases=[url], **kw)  # type: ignore[arg-type]
    return CleanPipeline().process_item(item)


def dedup(tmp_path: Path, near: str = "mark", fresh: bool = False,
          earlier: list[ArticleRecord] | None = None) -> DeduplicatePipeline:
    state = tmp_path / "state"
    if earlier:
        with StateStore.open(state) as store:
            store.commit_articles(earlier)
    crawler = get_crawler(settings_dict={"NEWSCRAWL_NEAR_DUPLICATES": near})
    pipe = build_from_crawler(DeduplicatePipeline, crawler)
    pipe.ledger = Ledger(StateStore.open(state), crawler.stats, fresh=fresh)
    return pipe


def test_a_new_article_goes_out_with_its_own_story(tmp_path: Path) -> None:
    pipe = dedup(tmp_path)
    item = pipe.process_item(article(A))
    assert (item.version, item.updated, item.duplicate_of, item.story_id) == \
        (1, False, None, story_id(A))
    assert pipe.ledger.twin_of(A, None) == A


def test_url_twin_is_dropped_and_its_url_noted(tmp_path: Path) -> None:
    pipe = dedup(tmp_path)
    pipe.process_item(article(A))
    with pytest.raises(DuplicateArticle, match="already emitted as"):
        pipe.process_item(article("http://127.0.0.1:8001/politics/roads", OTHER, canonical=A))
    assert "http://127.0.0.1:8001/politics/roads" in pipe.ledger.aliases[A]


def test_body_twin_is_dropped_and_its_url_noted(tmp_path: Path) -> None:
    pipe = dedup(tmp_path)
    pipe.process_item(article(A))
    with pytest.raises(DuplicateArticle):
        pipe.process_item(article(C))  # another URL, the same body
    assert C in pipe.ledger.aliases[A]


def test_body_twin_of_an_earlier_run_is_dropped(tmp_path: Path) -> None:
    pipe = dedup(tmp_path, earlier=[ArticleRecord(A, "demo", content_hash(BODY))])
    with pytest.raises(DuplicateArticle, match="earlier run"):
        pipe.process_item(article(C))
    assert C in pipe.ledger.aliases[A]


def test_changed_article_is_a_new_version_of_the_same_story(tmp_path: Path) -> None:
    pipe = dedup(tmp_path, earlier=[ArticleRecord(A, "demo", "old", version=2, story_id="s-1")])
    item = pipe.process_item(article(A))
    assert (item.version, item.updated, item.story_id) == (3, True, "s-1")
    assert pipe.crawler.stats.get_value("newscrawl/dedup/updated") == 1


def test_unchanged_article_is_dropped_and_noted_not_written(tmp_path: Path) -> None:
    pipe = dedup(tmp_path, earlier=[ArticleRecord(A, "demo", content_hash(BODY), version=2)])
    with pytest.raises(UnchangedArticle):
        pipe.process_item(article(A))
    assert list(pipe.ledger.unchanged) == [A]
    with StateStore.open(tmp_path / "state") as other:
        assert other.get(A).last_seen == other.get(A).first_seen  # untouched until a commit


def test_near_duplicate_is_marked_with_the_first_copy(tmp_path: Path) -> None:
    pipe = dedup(tmp_path)
    pipe.process_item(article(A))
    item = pipe.process_item(article(B, COPY))
    assert (item.duplicate_of, item.story_id) == (A, story_id(A))
    assert pipe.crawler.stats.get_value("newscrawl/dedup/near") == 1


def prepared_article(url: str, body: str = BODY) -> Article:
    """An item as the spider builds it: body cleaned and facts computed in the worker."""
    cleaned, facts = prepare_body(body)
    return article(url, cleaned, prepared=facts)


def test_worker_prepared_copies_link_and_leave_no_facts_behind(tmp_path: Path) -> None:
    pipe = dedup(tmp_path)
    first = pipe.process_item(prepared_article(A))
    item = pipe.process_item(prepared_article(B, COPY))
    assert (item.duplicate_of, item.story_id) == (A, story_id(A))
    assert first.prepared is None and item.prepared is None  # the feed waits without them
    assert pipe.ledger.signatures[B].size == len(shingles(COPY))


def test_near_duplicate_is_dropped_when_configured(tmp_path: Path) -> None:
    pipe = dedup(tmp_path, near="drop")
    pipe.process_item(article(A))
    with pytest.raises(NearDuplicateArticle, match=f"copy of {A}"):
        pipe.process_item(article(B, COPY))
    assert pipe.process_item(article(C, OTHER)).duplicate_of is None


def test_fresh_run_emits_seen_articles_and_still_links_copies(tmp_path: Path) -> None:
    first = dedup(tmp_path)
    first.process_item(article(A))
    first.process_item(article(B, COPY))
    first.ledger.commit([article(A), article(B, COPY)])
    first.ledger.close(complete=True)
    again = dedup(tmp_path, fresh=True)
    assert again.process_item(article(A)).version == 1
    assert again.process_item(article(B, COPY)).duplicate_of == A


def test_bad_near_mode_stops_the_pipeline() -> None:
    """A typo is an error, never "switched off" (NotConfigured would disable dedup)."""
    from scrapy.exceptions import NotConfigured

    with pytest.raises(ValueError, match="mark or drop") as caught:
        build_from_crawler(DeduplicatePipeline,
                           get_crawler(settings_dict={"NEWSCRAWL_NEAR_DUPLICATES": "keep"}))
    assert not isinstance(caught.value, NotConfigured)


def test_article_limit_drops_what_comes_after_the_limit() -> None:
    pipe = ArticleLimitPipeline(2)
    pipe.process_item(article(A))
    pipe.process_item(article(C))
    with pytest.raises(ArticleLimitReached):
        pipe.process_item(article(B))


def test_every_string_field_is_sanitised_before_export() -> None:
    item = article(A, image="http://127.0.0.1:8001/i/\ud83d.jpg", tags=["x\udc00"],
                   provenance={"image": "jsonld\ud800"})
    assert item.image == "http://127.0.0.1:8001/i/\ufffd.jpg"
    assert item.tags == ["x\ufffd"] and item.provenance == {"image": "jsonld\ufffd"}
    split = article(A, description="smile \ud83d\ude00")  # a pair split in two code points
    assert split.description == "smile \U0001f600"
    assert EncodablePipeline(get_crawler().stats).process_item(item) is item


def test_an_item_no_feed_can_encode_is_dropped_with_its_reason() -> None:
    crawler = get_crawler()
    pipe = build_from_crawler(EncodablePipeline, crawler)
    bad = article(A)
    bad.image = "\ud83d"  # after cleaning (a later pipeline's bug): still caught
    with pytest.raises(UnencodableArticle, match="surrogates not allowed"):
        pipe.process_item(bad)
    bad.image, bad.provenance = None, {"x": object()}
    with pytest.raises(UnencodableArticle, match="not JSON serializable"):
        pipe.process_item(bad)
    assert crawler.stats.get_value("newscrawl/export/unencodable") == 2
