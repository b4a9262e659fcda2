"""State store behaviour, the same tests on both backends (SQLite and a real Redis)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from newscrawl.dedup import ArticleRecord, NearDuplicateIndex, open_state, story_id

BODY = ("The provincial government on Monday announced a new programme to repair rural "
        "roads damaged by the monsoon floods, with work to begin in the Swat valley first "
        "and to be completed before the winter snow closes the mountain passes.")


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        s = open_state(tmp_path / "state")
    else:
        url = request.getfixturevalue("redis_url")
        s = open_state(tmp_path / "unused", redis_url=url, redis_prefix=f"t-{uuid.uuid4().hex}")
    yield s
    s.close()


def _rec(url: str, **kw: object) -> ArticleRecord:
    return ArticleRecord(canonical_url=url, site=str(kw.pop("site", "demo")), **kw)  # type: ignore[arg-type]


def test_unknown_url_is_none(store) -> None:
    assert store.known_url("http://127.0.0.1:8001/news/a") is None
    assert store.known_hash("0" * 40) is None
    assert store.lastmod("http://127.0.0.1:8001/news/a") is None


def test_round_trip_with_aliases(store) -> None:
    canonical = "http://127.0.0.1:8001/news/story-1"
    store.commit_articles([_rec(canonical, content_hash="a" * 40, lastmod="2024-05-01",
                                story_id="s1", aliases=(
                                    "http://127.0.0.1:8001/old/story-1",  # redirect source
                                    "http://127.0.0.1:8001/sport/story-1",  # second section
                                ))])
    for variant in (canonical, canonical + "/?utm_source=rss#top",
                    "http://127.0.0.1:8001/old/story-1", "http://127.0.0.1:8001/sport/story-1/",
                    "HTTP://127.0.0.1:8001/old/story-1?fbclid=x"):
        rec = store.known_url(variant)
        assert rec is not None, variant
        assert (rec.canonical_url, rec.content_hash, rec.version, rec.story_id) == (
            canonical, "a" * 40, 1, "s1")
    assert store.known_url("http://127.0.0.1:8002/news/story-1") is None  # other site
    assert store.known_hash("a" * 40).canonical_url == canonical
    assert store.lastmod(canonical) == "2024-05-01"


def test_an_article_wins_over_an_alias_naming_another(store) -> None:
    first, second = "http://127.0.0.1:8001/news/first", "http://127.0.0.1:8001/news/second"
    store.commit_articles([_rec(first, content_hash="a" * 40),
                           _rec(second, content_hash="b" * 40, aliases=(first + "-old", first))])
    assert store.known_url(first).canonical_url == first  # its own row, not the alias
    assert store.known_url(first + "?utm_source=x").canonical_url == first  # canonical form
    assert store.known_url(first + "-old").canonical_url == second  # only an alias


def test_new_version_keeps_first_seen(store) -> None:
    url = "http://127.0.0.1:8001/a"
    store.commit_articles([_rec(url, content_hash="1" * 40, first_seen="2024-01-01T00:00:00")])
    store.commit_articles([_rec(url, content_hash="2" * 40, version=2)])
    rec = store.known_url(url)
    assert rec.version == 2 and rec.content_hash == "2" * 40
    assert rec.first_seen == "2024-01-01T00:00:00"
    assert store.known_hash("1" * 40) is None


def test_validators_and_lastmods(store) -> None:
    feed = "http://127.0.0.1:8001/rss.xml"
    assert store.validators(feed) is None
    store.set_validators(feed, '"abc"', "Mon, 01 Jan 2024 00:00:00 GMT")
    v = store.validators(feed)
    assert (v.etag, v.last_modified) == ('"abc"', "Mon, 01 Jan 2024 00:00:00 GMT")
    store.set_validators(feed, None, "Tue, 02 Jan 2024 00:00:00 GMT")
    assert store.validators(feed).etag is None
    store.set_lastmods({"http://127.0.0.1:8001/sitemap-1.xml": "2024-05-02"})
    assert store.lastmod("http://127.0.0.1:8001/sitemap-1.xml") == "2024-05-02"


def test_neardup_signatures_persist(store) -> None:
    index = NearDuplicateIndex()
    sig = index.signature(BODY)
    store.commit_articles([_rec("http://127.0.0.1:8001/a", signature=sig)])
    store.add_signatures([("http://127.0.0.1:8002/b", index.signature(BODY + " More."))])
    loaded = store.load_neardup_index()
    assert len(loaded) == 2
    assert set(loaded.query(BODY)) == {"http://127.0.0.1:8001/a", "http://127.0.0.1:8002/b"}
    stored = dict(store.neardup_signatures())["http://127.0.0.1:8001/a"]
    assert stored.to_bytes() == sig.to_bytes() and stored.size == sig.size


def test_health_history_newest_first(store) -> None:
    run = store.begin_run()
    for share in (0.9, 0.8, 0.1):
        store.record_health("demo", {"published": share, "body": 1.0}, run_id=run)
    store.record_health("other", {"published": 1.0})
    store.finish_run(run, "finished")
    history = store.health_history("demo", 2)
    assert [h.coverage["published"] for h in history] == [0.1, 0.8]
    assert history[0].run_id == run
    assert store.health_history("nobody") == []


def test_reset_forgets_articles_keeps_health(store) -> None:
    store.commit_articles([_rec("http://127.0.0.1:8001/a", aliases=("http://127.0.0.1:8001/b",))])
    store.set_validators("http://127.0.0.1:8001/rss", "e", None)
    store.record_health("demo", {"body": 1.0})
    store.reset()
    assert store.known_url("http://127.0.0.1:8001/b") is None
    assert store.validators("http://127.0.0.1:8001/rss") is None
    assert len(store.health_history("demo")) == 1


def test_rebuild_from_feeds_skips_torn_lines(store, tmp_path: Path) -> None:
    feed = tmp_path / "out.jsonl"
    lines = [
        {"url": "http://127.0.0.1:8001/a?utm_source=x", "canonical_url":
         "http://127.0.0.1:8001/a", "content_hash": "1" * 40, "version": 1, "site": "demo",
         "story_id": "s1", "body": BODY},
        {"url": "http://127.0.0.1:8001/a", "canonical_url": "http://127.0.0.1:8001/a",
         "content_hash": "2" * 40, "version": 2, "site": "demo", "story_id": "s1",
         "body": BODY},
        {"url": "http://127.0.0.1:8002/b", "canonical_url": None, "content_hash": "3" * 40,
         "version": 1, "site": "demo2", "story_id": "s1"},
    ]
    text = "".join(json.dumps(line) + "\n" for line in lines)
    feed.write_text(text + "not json\n" + '{"url": "http://127.0.0.1:8001/torn", "si')
    second = tmp_path / "out2.jsonl"
    second.write_text('["a list"]\n{"site": "x"}\n')
    assert store.rebuild_from_feeds([feed, second]) == 2
    a = store.known_url("http://127.0.0.1:8001/a?utm_source=x")
    assert (a.version, a.content_hash) == (2, "2" * 40)
    assert store.known_url("http://127.0.0.1:8002/b").site == "demo2"
    assert store.known_url("http://127.0.0.1:8001/torn") is None
    assert store.load_neardup_index().find(BODY) == "http://127.0.0.1:8001/a"


def test_verify_passes_on_healthy_store(store) -> None:
    store.commit_articles([_rec(f"http://127.0.0.1:8001/{i}") for i in range(50)])
    store.verify()
    assert store.counts()["articles"] == 50


def test_redis_store_holds_no_pickle(redis_url: str) -> None:
    """Every value written is JSON or a plain string: nothing to unpickle."""
    from newscrawl.dedup.redis_store import RedisStateStore

    store = RedisStateStore.open(redis_url, prefix="nopickle")
    index = NearDuplicateIndex()
    store.commit_articles([_rec("http://127.0.0.1:8001/a", signature=index.signature(BODY),
                                aliases=("http://127.0.0.1:8001/b",), content_hash="f" * 40)])
    store.set_validators("http://127.0.0.1:8001/rss", "e", None)
    client = store._r
    keys = list(client.scan_iter(f"{store.prefix}:*"))
    assert keys
    for key in keys:
        kind = client.type(key)
        values = {"hash": lambda k: client.hvals(k), "list": lambda k: client.lrange(k, 0, -1),
                  "string": lambda k: [client.get(k)]}[kind](key)
        for value in values:
            assert not value.startswith("\x80"), f"pickle-like value in {key}"
            if value[:1] in "{[":
                json.loads(value)
    store.close()


# -- the near-duplicate index shared by scale-out workers (a real redis-server) ------------

STORY = BODY + (" Engineers from the works department said the first crews would clear the "
                "landslides that still block the road above Kalam, while a second team "
                "surveys the bridges the river washed away in August. Shopkeepers in the "
                "valley said the closure had cut their trade by half since the summer.")
COPY = "MINGORA (Wire): " + STORY.rsplit(" Shopkeepers", 1)[0] + " Follow us for more news."
OTHER = ("The city council voted on Thursday to extend the opening hours of the central "
         "library into the evening, after students complained that the reading rooms closed "
         "before most of them had finished their classes at the colleges across the river. "
         "The change will cost little, the librarian said, because volunteers will staff it.")


class _Stats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count


def _worker(redis_url: str, prefix: str) -> object:
    """One worker's ledger on the shared Redis state, as scale-out opens it."""
    from newscrawl.dedup.ledger import Ledger
    from newscrawl.dedup.redis_store import RedisStateStore

    store = RedisStateStore.open(redis_url, prefix=prefix)
    return Ledger(store, _Stats(), shared_log=f"{prefix}:news:neardup")


def _link(worker: object, key: str, body: str) -> tuple[str | None, str]:
    """What DeduplicatePipeline does with an accepted item: duplicate_of and story_id."""
    first = worker.near_duplicate_of(key, body)  # type: ignore[attr-defined]
    story = story_id(key) if first is None else worker.story_of(first)  # type: ignore[attr-defined]
    worker.accept(key, None, story)  # type: ignore[attr-defined]
    return first, story


def test_workers_link_copies_accepted_by_each_other(redis_url: str) -> None:
    prefix = f"t-{uuid.uuid4().hex}"
    one, two = _worker(redis_url, prefix), _worker(redis_url, prefix)
    a, b, c = (f"http://127.0.0.1:800{i}/news/roads" for i in (1, 2, 3))
    # worker two accepts its copy before it has read anything worker one published
    assert _link(one, a, STORY) == (None, story_id(a))
    assert _link(two, b, COPY) == (a, story_id(a))
    assert _link(two, "http://127.0.0.1:8002/news/library", OTHER)[0] is None
    assert _link(one, c, COPY + " Share this.") == (a, story_id(a))  # root, not copy b
    assert one.stats.values["newscrawl/dedup/shared_entries"] == 2  # type: ignore[attr-defined]
    assert set(one.signatures) == {a, c} and set(two.signatures) == {  # type: ignore[attr-defined]
        b, "http://127.0.0.1:8002/news/library"}  # each commits only its own signatures


def test_a_late_worker_agrees_on_the_first_copy(redis_url: str) -> None:
    """Signatures committed this crawl are loaded by a late joiner and re-read in log order."""
    prefix = f"t-{uuid.uuid4().hex}"
    one = _worker(redis_url, prefix)
    a, b = "http://127.0.0.1:8001/news/roads", "http://127.0.0.1:8002/news/roads"
    _link(one, a, STORY)
    _link(one, b, COPY)
    one.store.commit_articles([_rec(k, story_id=one.stories[k], signature=one.signatures[k])  # type: ignore[attr-defined]
                               for k in (a, b)])
    late = _worker(redis_url, prefix)
    assert b in late.index  # type: ignore[attr-defined]
    c = "http://127.0.0.1:8003/news/roads"
    assert _link(late, c, COPY + " Share this.") == (a, one.stories[a])  # type: ignore[attr-defined]


def test_unreadable_log_entries_are_skipped_not_unpickled(redis_url: str, tmp_path: Path) -> None:
    import pickle

    prefix = f"t-{uuid.uuid4().hex}"
    one = _worker(redis_url, prefix)
    log = one.shared_log  # type: ignore[attr-defined]
    one.store._r.rpush(log, pickle.dumps(Path), "{not json", json.dumps(  # type: ignore[attr-defined]
        {"key": "x", "size": 3, "hv": "AAAA"}))  # wrong signature length
    a = "http://127.0.0.1:8001/news/roads"
    assert _link(one, a, STORY)[0] is None
    assert one.cursor == 4  # type: ignore[attr-defined]
    assert _link(one, "http://127.0.0.1:8002/news/roads", COPY)[0] == a


def test_single_process_path_uses_no_shared_log(tmp_path: Path) -> None:
    from newscrawl.dedup.ledger import Ledger

    ext = Ledger(open_state(tmp_path / "state"), _Stats())
    a = "http://127.0.0.1:8001/news/roads"
    assert ext.shared_log is None and ext.near_duplicate_of(a, STORY) is None
    assert ext.near_duplicate_of("http://127.0.0.1:8002/news/roads", COPY) == a
    assert ext.stats.values == {}
    ext.store.close()
