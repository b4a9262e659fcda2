"""The run's dedup ledger: the one owner of what this run and earlier runs emitted.

It answers questions (known? validators? twin of? near-duplicate of? story of?),
queues notes (an alias, a redirect, an unchanged article) and writes to the store
only in :meth:`Ledger.commit`, which the output side calls once the items' bytes
are durable. So "seen" follows "written" by construction: a run killed, or whose
output failed, leaves behind no article marked seen that no finished feed holds.

It knows no caller: the writer tells it the running feed (for a mid-run rebuild),
the frontier hands over its validators, scale-out names its shared log through a
setting. ``fresh`` makes every question about earlier runs miss (and starts an
empty near-duplicate index), while this run's own memory works as always.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter

from newscrawl.dedup.canonical import canonicalize_url
from newscrawl.dedup.errors import CorruptState
from newscrawl.dedup.fingerprint import story_id
from newscrawl.dedup.neardup import NearDuplicateIndex
from newscrawl.dedup.rebuild import record_from_row
from newscrawl.dedup.records import ArticleRecord, Validators, utcnow

logger = logging.getLogger(__name__)

RECORD_FIELDS = ("url", "canonical_url", "site", "content_hash", "version", "lastmod",
                 "story_id", "aliases")


def record_fields(item: Any) -> dict[str, Any]:
    """What the ledger needs of an item, without its body: cheap to hold until commit."""
    adapter = ItemAdapter(item)
    return {name: adapter.get(name) for name in RECORD_FIELDS}


class Ledger:
    """Questions, notes and one commit over a state store (see the module docstring)."""

    def __init__(self, store: Any, stats: Any, *, fresh: bool = False,
                 rebuild: Callable[[CorruptState, list[Path]], Any] | None = None,
                 shared_log: str | None = None, index: Any = None) -> None:
        self.store = store
        self.stats = stats
        self.fresh = fresh
        self.rebuild = rebuild  # SQLite only: a corrupt row found mid-run rebuilds the store
        self.running_feed: Path | None = None  # the writer's unfinished feed, for a rebuild
        if index is None:
            index = NearDuplicateIndex() if fresh else store.load_neardup_index()
        self.index = index
        self.shared_log = shared_log  # Redis only: this crawl's signature log, all workers
        self.cursor = 0  # entries of the shared log already in the index
        self.remote: set[str] = set()  # keys indexed from other workers' entries
        self.urls: set[str] = set()  # canonical URLs emitted in this run
        self.hashes: dict[str, str] = {}  # body hash -> canonical URL emitted in this run
        self.stories: dict[str, str] = {}  # canonical URL -> story id, for this run's items
        self.signatures: dict[str, Any] = {}  # canonical URL -> signature, not yet committed
        self.roots: dict[str, str] = {}  # a copy's canonical URL -> its story's first copy
        self.durable: set[str] = set()  # canonical URLs committed in this run
        self.aliases: dict[str, set[str]] = {}  # canonical URL -> aliases for the next commit
        self.redirects: dict[str, set[str]] = {}  # redirect target key -> source keys
        self.unchanged: dict[str, ArticleRecord] = {}  # refreshed records for the next commit
        self.validators_seen: dict[str, tuple] = {}  # discovery URL -> (etag, last_modified)
        self.page_verdicts: dict[str, Any] = {}  # URL -> PageVerdict of this run's non-articles

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
            self.store = self.rebuild(exc, [self.running_feed] if self.running_feed else [])
            return read(self.store)

    def known(self, url: str) -> ArticleRecord | None:
        """The article an earlier run emitted under this URL (or an alias of it)."""
        return None if self.fresh else self._read(lambda store: store.known_url(url))

    def known_body(self, digest: str) -> ArticleRecord | None:
        """The article an earlier run emitted with exactly this normalised body."""
        return None if self.fresh else self._read(lambda store: store.known_hash(digest))

    def validators(self, url: str) -> Validators | None:
        """The ETag / Last-Modified recorded for a discovery document, or None."""
        return None if self.fresh else self._read(lambda store: store.validators(url))

    def twin_of(self, key: str, digest: str | None) -> str | None:
        """This run's item with the same canonical URL or the same body, if any."""
        if key in self.urls:
            return key
        return self.hashes.get(digest) if digest else None

    def page_verdict(self, url: str) -> Any:
        """What an earlier run judged this non-article page (a PageVerdict), or None."""
        return None if self.fresh else self._read(lambda store: store.page_verdict(url))

    def note_page_verdict(self, verdict: Any) -> None:
        """Remember a non-article page; written when the run ends (whatever its reason)."""
        self.page_verdicts[verdict.url] = verdict

    def near_duplicate_of(self, key: str, body: str, signature: Any = None) -> str | None:
        """The first copy of this story seen (this run or before), then index this copy.

        A copy that matches another copy is linked to that copy's own first copy, so
        all copies of one story share one ``duplicate_of`` and one ``story_id``.
        ``signature`` is the body's when it was computed already (extraction worker).
        """
        sig = signature if signature is not None else self.index.signature(body)
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

    def story_of(self, key: str) -> str:
        """The story id of an emitted copy (this run's, else the state's)."""
        if key not in self.stories:
            record = None if self.fresh else self._read(lambda store: store.get(key))
            self.stories[key] = record.story_id if record is not None and record.story_id \
                else story_id(key)
        return self.stories[key]

    # -- this run's decisions -----------------------------------------------------------
    def accept(self, key: str, digest: str | None, story: str) -> None:
        """The pipeline lets this item out: later twins in this run are its duplicates."""
        self.urls.add(key)
        if digest:
            self.hashes.setdefault(digest, key)
        self.stories[key] = story

    # -- notes, written by the next commit ------------------------------------------------
    def note_alias(self, key: str, aliases: Iterable[str]) -> None:
        """More URLs lead to an emitted article (a second section path, a body-hash twin)."""
        self.aliases.setdefault(key, set()).update(canonicalize_url(a) for a in aliases)

    def note_redirect(self, source: str, target: str) -> None:
        """A page URL redirected: the source becomes an alias of whatever the target is."""
        self.redirects.setdefault(canonicalize_url(target), set()).add(canonicalize_url(source))

    def note_unchanged(self, known: ArticleRecord, item: Any) -> None:
        """An article of an earlier run was fetched again, same body: its record keeps
        its version and story, and gains the new URLs and sitemap date."""
        adapter = ItemAdapter(item)
        urls = (*(adapter.get("aliases") or ()), adapter["url"])
        known.aliases = tuple(dict.fromkeys((*known.aliases, *urls)))
        known.lastmod = adapter.get("lastmod") or known.lastmod
        known.last_seen = utcnow()
        self.unchanged[known.canonical_url] = known

    def note_validators(self, validators: dict[str, tuple]) -> None:
        """The frontier hands over the validators of the documents it read this run."""
        self.validators_seen.update(validators)

    # -- the one write ------------------------------------------------------------------
    def commit(self, items: Iterable[Any]) -> int:
        """Record durable items as seen, with every note that can go with them.

        Only the output side calls this, after the items' bytes are durable. Notes
        about items not yet durable wait for those items' own commit.
        """
        records = [self._item_record(item) for item in items]
        written = {r.canonical_url for r in records}
        self.durable.update(written)  # notes about these now go with them, below
        notes = self._note_records(written)
        try:
            self.store.commit_articles(records + notes)
        except BaseException:
            self.durable -= written  # not recorded: the writer fails the run
            raise
        self.stats.inc_value("newscrawl/state/committed", len(records))
        self.stats.inc_value("newscrawl/state/notes_committed", len(notes))
        return len(records) + len(notes)

    def _item_record(self, item: Any) -> ArticleRecord:
        record = item_record(item)
        key = record.canonical_url
        record.signature = self.signatures.pop(key, None)
        extra = self.aliases.pop(key, set())
        for alias in (*record.aliases, key, *extra):
            extra |= self.redirects.pop(canonicalize_url(alias), set())
        record.aliases = tuple(dict.fromkeys((*record.aliases, *sorted(extra))))
        return record

    def _note_records(self, just_written: set[str]) -> list[ArticleRecord]:
        """Records updated by notes about articles already durable (this run or before)."""
        updates = dict(self.unchanged)
        self.unchanged.clear()
        for key in [k for k in self.aliases if not self._waiting(k) and k not in just_written]:
            record = updates.get(key) or self._read(partial(_get, key=key))
            aliases = self.aliases.pop(key)
            if record is not None:
                record.aliases = (*record.aliases, *sorted(aliases))
                updates[key] = record
        for target in [t for t in self.redirects if not self._waiting(t)]:
            record = updates.get(target) or self._read(partial(_known_url, url=target))
            if record is not None:
                record.aliases = (*record.aliases, *sorted(self.redirects.pop(target)))
                updates[record.canonical_url] = record
        return list(updates.values())

    def _waiting(self, key: str) -> bool:
        """Emitted in this run but not yet durable: its own commit takes its notes."""
        return key in self.urls and key not in self.durable

    def recover(self, rows: Iterable[dict[str, Any]]) -> int:
        """Record the complete lines of a killed run's feed (already in a finished feed).

        Their bodies give their near-duplicate signatures back, so copies met later
        still link to them; the index of this run learns them too.
        """
        records = [r for r in (record_from_row(row, self.index) for row in rows) if r]
        for record in records:
            if record.signature is not None:
                self.index.add_signature(record.canonical_url, record.signature)
        self.store.commit_articles(records)
        return len(records)

    def close(self, complete: bool) -> None:
        """End of run. Only a complete run may say "this sitemap is done": else a 304
        next time would hide the pages this run did not reach. Page verdicts are kept
        whatever the ending: each is true of the page it was made on."""
        if self.page_verdicts:
            self.store.set_page_verdicts(self.page_verdicts.values())
        if complete:
            for url, (etag, modified) in self.validators_seen.items():
                self.store.set_validators(url, etag, modified)
        self.store.close()


def item_record(item: Any) -> ArticleRecord:
    """The state record of an emitted item (or of its :func:`record_fields`)."""
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


def _get(store: Any, key: str) -> ArticleRecord | None:
    return store.get(key)


def _known_url(store: Any, url: str) -> ArticleRecord | None:
    return store.known_url(url)
