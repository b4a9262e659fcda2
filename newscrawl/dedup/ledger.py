"""The run's view of the state across runs (SQLite by default, Redis for scale-out).

One extension opens the store for the run and offers the few questions the
frontier, the dedup pipeline and the feed writer ask of it. ``-a fresh=1``
makes every look-up miss, so the run behaves like the first one, while what it
emits is still recorded.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy import signals

from newscrawl.dedup import ArticleRecord, CorruptState, StateStore, canonicalize_url, open_state
from newscrawl.dedup.backend import rebuild_state

logger = logging.getLogger(__name__)


def story_id_for(key: str) -> str:
    """A stable story id: derived from the canonical URL of the story's first copy."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _state_dir(settings: Any) -> Path:
    return Path(settings.get("NEWSCRAWL_STATE_DIR") or ".newscrawl")


def _finished_feeds(settings: Any, unfinished: Iterable[Path] = ()) -> list[Path]:
    out = Path(settings.get("NEWSCRAWL_OUTPUT_DIR") or "output")
    return [*sorted(out.glob("*/*.jsonl")), *unfinished]


def open_store(settings: Any) -> Any:
    """The configured store: Redis when NEWSCRAWL_REDIS_URL is set, else SQLite
    (quarantined and rebuilt from the finished feeds when corrupt)."""
    return open_state(_state_dir(settings), settings.get("NEWSCRAWL_REDIS_URL") or None,
                      feeds=lambda: _finished_feeds(settings))


def rebuild_store(settings: Any, exc: CorruptState, unfinished: Iterable[Path] = ()) -> StateStore:
    """Move a corrupt SQLite state aside and refill it from the finished feeds.

    Mid-run, ``unfinished`` adds the running feed: its fsynced lines are items
    this run already recorded, so they must stay "seen".
    """
    logger.error("%s; rebuilding the state from the finished feeds", exc)
    return rebuild_state(_state_dir(settings), _finished_feeds(settings, unfinished))


def _shared_log(crawler: Any) -> str | None:
    """The Redis key of this crawl's near-duplicate log; None without scale-out."""
    if not crawler.settings.get("NEWSCRAWL_REDIS_URL"):
        return None
    from newscrawl.scaleout.queue import Keys
    from newscrawl.scaleout.scheduler import KEY_PREFIX
    return Keys(KEY_PREFIX, crawler.spidercls.name).neardup


def _running_feed(crawler: Any) -> list[Path]:
    from newscrawl.export.writer import FeedWriter
    writer = crawler.get_extension(FeedWriter)
    if writer is None or writer.fh is None or writer.failed:
        return []
    try:
        writer.fh.flush()
    except OSError as exc:  # the writer meets the same error and stops the run
        logger.warning("could not flush %s before the rebuild: %s", writer.part, exc)
    return [writer.part]


class StateExtension:
    """Holds the store and the near-duplicate index for the duration of a run."""

    def __init__(self, store: Any, stats: Any, fresh: bool,
                 rebuild: Callable[[CorruptState], Any] | None = None,
                 shared_log: str | None = None) -> None:
        self.store = store
        self.stats = stats
        self.fresh = fresh
        self.rebuild = rebuild  # SQLite only: a corrupt row found mid-run rebuilds the store
        self.index = store.load_neardup_index()
        self.shared_log = shared_log  # Redis only: this crawl's signature log, all workers
        self.cursor = 0  # entries of the shared log already in the index
        self.remote: set[str] = set()  # keys indexed from other workers' entries
        self.stories: dict[str, str] = {}  # canonical URL -> story id, for this run's items
        self.signatures: dict[str, Any] = {}  # canonical URL -> near-dup signature, not yet committed
        self.roots: dict[str, str] = {}  # a copy's canonical URL -> its story's first copy
        self.durable: set[str] = set()  # canonical URLs committed in this run
        self.pending_aliases: dict[str, set[str]] = {}  # canonical URL -> aliases to commit with it
        self.redirects: dict[str, set[str]] = {}  # redirect target key -> source keys
        self.page_verdicts: dict[str, Any] = {}  # URL -> PageVerdict of this run's non-articles

    @classmethod
    def from_crawler(cls, crawler: Any) -> StateExtension:
        fresh = bool(getattr(crawler.spider, "fresh", False))
        settings = crawler.settings
        rebuild = None if settings.get("NEWSCRAWL_REDIS_URL") else \
            (lambda exc: rebuild_store(settings, exc, _running_feed(crawler)))
        ext = cls(open_store(settings), crawler.stats, fresh, rebuild, _shared_log(crawler))
        crawler.signals.connect(ext.spider_closed, signals.spider_closed)
        crawler.signals.connect(ext.engine_stopped, signals.engine_stopped)
        ext.crawler = crawler  # type: ignore[attr-defined]  # RedirectAliasMiddleware finds it
        return ext

    # -- questions ------------------------------------------------------------------------
    def _read(self, read: Callable[[Any], Any]) -> Any:
        """A read from the store. A corrupt row (the open-time checks cannot see every
        flipped byte) rebuilds the store from the feeds, then the read is repeated."""
        try:
            return read(self.store)
        except CorruptState as exc:
            if self.rebuild is None:
                raise
            self.stats.set_value("newscrawl/state/corrupt", exc.reason)
            self.store.close()
            self.store = self.rebuild(exc)
            return read(self.store)

    def known(self, url: str) -> ArticleRecord | None:
        return None if self.fresh else self._read(lambda store: store.known_url(url))

    def validators(self, url: str) -> Any:
        """The ETag / Last-Modified recorded for a discovery document, or None."""
        return None if self.fresh else self._read(lambda store: store.validators(url))

    def page_verdict(self, url: str) -> Any:
        """What an earlier run judged this non-article page (a PageVerdict), or None."""
        return None if self.fresh else self._read(lambda store: store.page_verdict(url))

    def note_page_verdict(self, verdict: Any) -> None:
        """Remember a non-article page; written when the run ends (whatever its reason)."""
        self.page_verdicts[verdict.url] = verdict

    def near_duplicate_of(self, key: str, body: str) -> str | None:
        """The first copy of this story seen (this run or before), then index this copy.

        A copy that matches another copy is linked to that copy's own first copy, so
        all copies of one story share one ``duplicate_of`` and one ``story_id``.
        """
        sig = self.index.signature(body)
        if sig is None:
            return None
        if self.shared_log is not None:
            return self._link_shared(key, sig)
        return self._link(key, sig)

    def _link(self, key: str, sig: Any, own: bool = True) -> str | None:
        match = self.index.best(sig)
        if key not in self.index:
            self.index.add_signature(key, sig)
            if own:
                self.signatures[key] = sig
            else:
                self.remote.add(key)
        elif own and key in self.remote:  # another worker met this URL too: ours may win
            self.signatures[key] = sig
        if match is None or match.key == key:
            return None
        root = self.roots.get(match.key, match.key)
        self.roots[key] = root
        return root

    def _link_shared(self, key: str, sig: Any) -> str | None:
        """Scale-out: publish this copy to the crawl's log, then index the log in its order.

        Every worker links each entry against the entries before it, so all agree on a
        story's first copy even when two copies are accepted at the same instant. Left:
        an entry whose item is then dropped (claimed elsewhere, worker died before the
        feed fsync) may be the first copy others link to; a worker joining late, or a
        story whose first copy was updated this crawl, may pick another root (same story
        id via the state, but another ``duplicate_of``).
        """
        start = self.cursor
        self.cursor, entries = self.store.share_signature(self.shared_log, key, sig, start)
        if start == 0:  # what the store loaded of this crawl is re-indexed in log order
            loaded = dict(self.index.items())
            for other, other_sig in entries[:-1]:
                old = loaded.get(other)
                if old is not None and old.size == other_sig.size \
                        and (old.hashvalues == other_sig.hashvalues).all():
                    self.index.remove(other)
        for other, other_sig in entries[:-1]:
            if len(other_sig.hashvalues) == self.index.num_perm:
                self._link(other, other_sig, own=False)
        self.stats.inc_value("newscrawl/dedup/shared_entries", len(entries) - 1)
        return self._link(key, sig)

    def new_story_id(self, key: str) -> str:
        self.stories[key] = story_id_for(key)
        return self.stories[key]

    def story_of(self, key: str) -> str:
        """The story id of an emitted copy (this run's, else the state's)."""
        if key not in self.stories:
            record = self._read(lambda store: store.get(key))
            self.stories[key] = record.story_id if record is not None and record.story_id \
                else story_id_for(key)
        return self.stories[key]

    def touch(self, key: str, adapter: ItemAdapter) -> None:
        """An unchanged article was fetched again: remember its new aliases and lastmod."""
        self.store.commit_articles([_record(adapter.item)])

    def note_redirect(self, source: str, target: str) -> None:
        """A page URL redirected: the source becomes an alias of whatever the target is."""
        self.redirects.setdefault(canonicalize_url(target), set()).add(canonicalize_url(source))

    def add_aliases(self, key: str, aliases: Iterable[str]) -> None:
        """More URLs lead to an emitted article (a second section path, a body-hash twin)."""
        aliases = set(aliases)
        for alias in list(aliases):
            aliases |= self.redirects.pop(canonicalize_url(alias), set())
        if key in self.durable:
            record = self._read(lambda store: store.get(key))
            if record is not None:
                record.aliases = tuple(record.aliases) + tuple(aliases)
                self.store.commit_articles([record])
                return
        self.pending_aliases.setdefault(key, set()).update(aliases)

    # -- writes (only for items durably in the output) -------------------------------------
    def commit_items(self, items: Iterable[Any]) -> None:
        records = [_record(item) for item in items]
        for record in records:
            record.signature = self.signatures.pop(record.canonical_url, None)
            extra = self.pending_aliases.pop(record.canonical_url, set())
            for alias in (*record.aliases, record.canonical_url):
                extra |= self.redirects.pop(canonicalize_url(alias), set())
            record.aliases = tuple(record.aliases) + tuple(sorted(extra))
        self.store.commit_articles(records)
        self.durable.update(r.canonical_url for r in records)
        self.stats.inc_value("newscrawl/state/committed", len(records))

    def _flush_redirects(self) -> None:
        """Redirects whose target was emitted earlier (or filtered as already requested)."""
        for target, sources in self.redirects.items():
            record = self._read(partial(_known_url, url=target))
            if record is not None and record.canonical_url in self.durable | {target}:
                record.aliases = tuple(record.aliases) + tuple(sorted(sources))
                self.store.commit_articles([record])
        self.redirects.clear()

    def commit_rows(self, rows: Iterable[dict[str, Any]]) -> None:
        """Record items recovered from an interrupted run's feed."""
        self.store.commit_articles([_record(row) for row in rows])

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.close_reason = reason
        self.frontier = getattr(spider, "frontier", None)

    def engine_stopped(self) -> None:
        """Last: the feed writer has committed its final batch at spider_closed."""
        self._flush_redirects()
        if self.page_verdicts:
            self.store.set_page_verdicts(self.page_verdicts.values())
        stats = self.stats.get_stats()
        complete = getattr(self, "close_reason", None) == "finished" \
            and not stats.get("newscrawl/export/failed") \
            and not any(k.startswith("newscrawl/budget/exhausted") for k in stats)
        if complete and self.frontier is not None:
            # Only a complete run may say "this sitemap is done": else a 304 next time
            # would hide the pages this run did not reach.
            for url, (etag, modified) in self.frontier.validators.items():
                self.store.set_validators(url, etag, modified)
        self.store.close()


RECORD_FIELDS = ("url", "canonical_url", "site", "content_hash", "version", "lastmod",
                 "story_id", "aliases")


def record_fields(item: Any) -> dict[str, Any]:
    """What the state needs of an item, without its body: cheap to hold until commit."""
    adapter = ItemAdapter(item)
    return {name: adapter.get(name) for name in RECORD_FIELDS}


def _known_url(store: Any, url: str) -> Any:
    return store.known_url(url)


def _record(item: Any) -> ArticleRecord:
    adapter = ItemAdapter(item)
    return ArticleRecord(
        canonical_url=adapter.get("canonical_url") or adapter["url"],
        site=adapter.get("site") or "",
        content_hash=adapter.get("content_hash"),
        version=adapter.get("version") or 1,
        lastmod=adapter.get("lastmod"),
        story_id=adapter.get("story_id"),
        aliases=tuple(adapter.get("aliases") or ()) + (adapter["url"],),
    )
