"""The state store on Redis, for N workers sharing one state (scale-out).

Same interface as ``StateStore``.  Everything is JSON or plain strings, never
pickle: a writable Redis must not mean code execution.  Keys live under one
prefix (``{prefix}:articles`` …), so several deployments can share a server.
A batch commit is one MULTI/EXEC transaction: other workers see all of it or
none of it.  Durability is the server's (configure AOF with
``appendfsync always`` or ``everysec`` for production).
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Self

import redis

from newscrawl.dedup.canonical import canonicalize_url
from newscrawl.dedup.errors import CorruptState
from newscrawl.dedup.neardup import NearDuplicateIndex
from newscrawl.dedup.rebuild import iter_feed_records, merge_records
from newscrawl.dedup.records import (
    ArticleRecord,
    HealthRecord,
    PageVerdict,
    Validators,
    utcnow,
)
from newscrawl.dedup.signature import Signature

logger = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
HEALTH_KEEP = 200  # coverage records kept per site
_STATE_KEYS = ("articles", "aliases", "hashes", "validators", "lastmod", "neardup", "verdicts")


class RedisStateStore:
    """Seen articles, aliases, validators, near-dup signatures and health on Redis."""

    def __init__(self, client: redis.Redis, prefix: str = "newscrawl") -> None:
        self._r = client
        self.prefix = prefix
        self.path = f"{client.connection_pool.connection_kwargs.get('host')}:{prefix}"
        self._raw: redis.Redis | None = None  # bytes replies, for the shared log

    @classmethod
    def open(cls, url: str, prefix: str = "newscrawl") -> RedisStateStore:
        """Connect and check the schema marker; ``CorruptState`` on a foreign layout."""
        store = cls(redis.Redis.from_url(url, decode_responses=True), prefix)
        try:
            store._r.hsetnx(store._k("meta"), "schema", SCHEMA_VERSION)
            schema = store._r.hget(store._k("meta"), "schema")
        except redis.ResponseError as exc:
            raise CorruptState(f"{url} {prefix}", f"redis: {exc}") from exc
        if schema != SCHEMA_VERSION:
            raise CorruptState(f"{url} {prefix}", f"unexpected schema {schema!r}")
        return store

    def close(self) -> None:
        self._r.close()
        if self._raw is not None:
            self._raw.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _k(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    # -- articles --------------------------------------------------------------
    def known_url(self, url: str) -> ArticleRecord | None:
        keys = _keys(url)
        pipe = self._r.pipeline(transaction=False)
        pipe.hmget(self._k("articles"), keys)
        pipe.hmget(self._k("aliases"), keys)
        docs, targets = pipe.execute()
        for doc in docs:
            if doc is not None:
                return self._record(str(doc))
        for target in targets:
            if target is not None:
                return self.get(str(target))
        return None

    def get(self, canonical_url: str) -> ArticleRecord | None:
        doc = self._r.hget(self._k("articles"), canonical_url)
        return None if doc is None else self._record(str(doc))

    def known_hash(self, content_hash: str) -> ArticleRecord | None:
        target = self._r.hget(self._k("hashes"), content_hash)
        record = None if target is None else self.get(str(target))
        # the first copy may since have changed: then no article has this body any more
        return record if record is not None and record.content_hash == content_hash else None

    def commit_articles(self, records: Iterable[ArticleRecord]) -> int:
        """All records, aliases and signatures in one MULTI/EXEC."""
        records = list(records)
        if not records:
            return 0
        now = utcnow()
        existing = self._r.hmget(self._k("articles"), [r.canonical_url for r in records])
        pipe = self._r.pipeline(transaction=True)
        for rec, old in zip(records, existing, strict=True):
            doc = rec.to_json()
            doc["first_seen"] = (json.loads(old)["first_seen"] if old else None) \
                or rec.first_seen or now
            doc["last_seen"] = rec.last_seen or now
            pipe.hset(self._k("articles"), rec.canonical_url, json.dumps(doc))
            aliases = {k for a in rec.aliases for k in _keys(a)} - {rec.canonical_url}
            if aliases:
                mapping: dict[str | bytes, str] = dict.fromkeys(aliases, rec.canonical_url)
                pipe.hset(self._k("aliases"), mapping=mapping)  # type: ignore[arg-type]
            if rec.content_hash:
                pipe.hsetnx(self._k("hashes"), rec.content_hash, rec.canonical_url)
            if rec.signature is not None:
                pipe.hset(self._k("neardup"), rec.canonical_url, _sig_json(rec.signature))
        pipe.execute()
        return len(records)

    def rebuild_from_feeds(self, paths: Iterable[Path], batch: int = 5000) -> int:
        merged = merge_records(iter_feed_records(paths, with_signatures=True))
        records = list(merged.values())
        for start in range(0, len(records), batch):
            self.commit_articles(records[start : start + batch])
        return len(records)

    # -- discovery documents -----------------------------------------------------
    def lastmod(self, url: str) -> str | None:
        for value in self._r.hmget(self._k("lastmod"), _keys(url)):
            if value is not None:
                return str(value)
        record = self.known_url(url)
        return record.lastmod if record else None

    def set_lastmods(self, lastmods: dict[str, str]) -> None:
        if lastmods:
            self._r.hset(self._k("lastmod"), mapping=lastmods)  # type: ignore[arg-type]

    def validators(self, url: str) -> Validators | None:
        doc = self._r.hget(self._k("validators"), url)
        if doc is None:
            return None
        data = json.loads(doc)
        return Validators(data.get("etag"), data.get("last_modified"))

    def set_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        doc = {"etag": etag, "last_modified": last_modified, "ts": utcnow()}
        self._r.hset(self._k("validators"), url, json.dumps(doc))

    def page_verdict(self, url: str) -> PageVerdict | None:
        doc = self._r.hget(self._k("verdicts"), url)
        return None if doc is None else PageVerdict(**json.loads(doc))

    def set_page_verdicts(self, verdicts: Iterable[PageVerdict]) -> None:
        mapping = {v.url: json.dumps(v.__dict__) for v in verdicts}
        if mapping:
            self._r.hset(self._k("verdicts"), mapping=mapping)  # type: ignore[arg-type]

    # -- near-duplicate index ----------------------------------------------------
    def neardup_signatures(self) -> Iterator[tuple[str, Signature]]:
        for key, doc in self._r.hscan_iter(self._k("neardup"), count=1000):
            data = json.loads(doc)
            yield key, _signature(data)

    def add_signatures(self, items: Iterable[tuple[str, Signature]]) -> None:
        mapping = {key: _sig_json(sig) for key, sig in items}
        if mapping:
            self._r.hset(self._k("neardup"), mapping=mapping)  # type: ignore[arg-type]

    def load_neardup_index(self) -> NearDuplicateIndex:
        index = NearDuplicateIndex()
        for key, sig in self.neardup_signatures():
            index.add_signature(key, sig)
        return index

    def share_signature(self, log: str, key: str, sig: Signature,
                        since: int) -> tuple[int, list[tuple[str, Signature]]]:
        """Append ``(key, sig)`` to a crawl's shared log; return the next read position and
        every entry from ``since`` on, this one last.

        Append and read are one MULTI/EXEC, so each worker sees the log in the one order
        all workers agree on (what lets them agree on a story's first copy).  Only a hint
        for the near-duplicate index: nothing here marks an article seen.
        """
        if self._raw is None:  # any value may be in a writable Redis: no decoding of replies
            pool = self._r.connection_pool
            kwargs = {**pool.connection_kwargs, "decode_responses": False}
            self._raw = redis.Redis(connection_pool=redis.ConnectionPool(
                connection_class=pool.connection_class, **kwargs))
        pipe = self._raw.pipeline(transaction=True)
        pipe.rpush(log, _sig_json(sig, key))
        pipe.lrange(log, since, -1)
        _, docs = pipe.execute()
        entries = []
        for doc in docs:
            try:
                data = json.loads(doc)
                entries.append((str(data["key"]), _signature(data)))
            except (ValueError, KeyError, TypeError) as exc:
                logger.warning("skipped an unreadable entry of %s: %s", log, exc)
        return since + len(docs), entries

    # -- runs and health -----------------------------------------------------------
    def begin_run(self) -> int:
        run_id = int(self._r.incr(self._k("run_seq")))
        self._r.hset(self._k("runs"), str(run_id),
                     json.dumps({"started": utcnow(), "status": "running"}))
        return run_id

    def finish_run(self, run_id: int, status: str) -> None:
        old = json.loads(self._r.hget(self._k("runs"), str(run_id)) or "{}")
        old.update(finished=utcnow(), status=status)
        self._r.hset(self._k("runs"), str(run_id), json.dumps(old))

    def record_health(self, site: str, coverage: dict[str, float],
                      run_id: int | None = None) -> None:
        doc = json.dumps({"run_id": run_id, "ts": utcnow(), "coverage": coverage},
                         sort_keys=True)
        pipe = self._r.pipeline(transaction=True)
        pipe.lpush(self._k(f"health:{site}"), doc)
        pipe.ltrim(self._k(f"health:{site}"), 0, HEALTH_KEEP - 1)
        pipe.execute()

    def health_history(self, site: str, n: int = 10) -> list[HealthRecord]:
        docs = self._r.lrange(self._k(f"health:{site}"), 0, n - 1)
        out = []
        for doc in docs:
            data = json.loads(doc)
            out.append(HealthRecord(site, data["run_id"], data["ts"], data["coverage"]))
        return out

    # -- maintenance -------------------------------------------------------------
    def reset(self) -> None:
        """Forget articles and discovery state; run history and health are kept."""
        self._r.delete(*(self._k(name) for name in _STATE_KEYS))

    def verify(self) -> None:
        """Every stored article parses as a record (O(size))."""
        for _key, doc in self._r.hscan_iter(self._k("articles"), count=1000):
            self._record(doc)

    def counts(self) -> dict[str, int]:
        names = {"articles": "articles", "url_aliases": "aliases",
                 "http_validators": "validators", "sitemap_lastmod": "lastmod",
                 "neardup": "neardup", "runs": "runs"}
        return {label: int(self._r.hlen(self._k(key))) for label, key in names.items()}

    def _record(self, doc: str) -> ArticleRecord:
        try:
            data: dict[str, Any] = json.loads(doc)
            return ArticleRecord.from_json(data)
        except (ValueError, TypeError) as exc:
            raise CorruptState(self.path, f"unreadable article record: {exc}") from exc


def _keys(url: str) -> list[str]:
    canonical = canonicalize_url(url)
    return [url] if canonical == url else [url, canonical]


def _sig_json(sig: Signature, key: str | None = None) -> str:
    doc = {"size": sig.size, "hv": base64.b64encode(sig.to_bytes()).decode("ascii")}
    return json.dumps(doc if key is None else {"key": key, **doc})


def _signature(data: dict[str, Any]) -> Signature:
    return Signature.from_bytes(base64.b64decode(data["hv"], validate=True), int(data["size"]))
