"""A reliable, shared priority queue of requests in Redis.

scrapy-redis pops a request and forgets it: if the worker dies before the
response is handled, the request is lost. Here a pop moves the entry, in one
Lua step, into the worker's own processing hash; the worker acks it once the
response's callback output is scheduled (or the request failed for good). A
worker's liveness is a heartbeat key with a TTL; the processing hash of a worker
whose heartbeat expired is put back into the queue by whoever notices first.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from typing import Any

from scrapy.utils.request import request_from_dict
from scrapy_redis.queue import Base

from newscrawl.request_meta import ACK_META
from newscrawl.scaleout.serializer import UnsafePayload

logger = logging.getLogger(__name__)


# KEYS: queue, processing hash; ARGV: token. Returns the entry or nil.
POP = """
local entry = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #entry == 0 then return nil end
redis.call('ZREM', KEYS[1], entry[1])
redis.call('HSET', KEYS[2], ARGV[1], entry[2] .. '\\n' .. entry[1])
return entry[1]
"""

# KEYS: processing hash, queue. Moves every entry back; returns how many.
REQUEUE = """
local all = redis.call('HGETALL', KEYS[1])
local n = 0
for i = 2, #all, 2 do
  local value = all[i]
  local cut = string.find(value, '\\n', 1, true)
  redis.call('ZADD', KEYS[2], tonumber(string.sub(value, 1, cut - 1)), string.sub(value, cut + 1))
  n = n + 1
end
redis.call('DEL', KEYS[1])
return n
"""


@dataclass(frozen=True)
class Keys:
    """Every Redis key of one spider's shared crawl, under one prefix."""

    prefix: str
    spider: str

    def _k(self, *parts: str) -> str:
        return ":".join((self.prefix, self.spider) + parts)

    @property
    def queue(self) -> str:
        return self._k("requests")

    @property
    def dupefilter(self) -> str:
        return self._k("dupefilter")

    @property
    def claims(self) -> str:
        return self._k("claims")

    @property
    def neardup(self) -> str:
        """This crawl's shared log of near-duplicate signatures (see ``newscrawl.dedup.ledger``)."""
        return self._k("neardup")

    @property
    def workers(self) -> str:
        return self._k("workers")

    @property
    def start_lock(self) -> str:
        return self._k("startlock")

    def processing(self, worker: str) -> str:
        return self._k("processing", worker)

    def alive(self, worker: str) -> str:
        return self._k("alive", worker)


def worker_of(token: str) -> str:
    return token.rsplit("#", 1)[0]


def ack(server: Any, keys: Keys, token: str | None) -> None:
    """The request behind ``token`` is done (its follow-ups are already queued)."""
    if token:
        server.hdel(keys.processing(worker_of(token)), token)


def requeue(server: Any, keys: Keys, worker: str) -> int:
    return int(server.eval(REQUEUE, 2, keys.processing(worker), keys.queue))


class ReliableQueue(Base):
    """Priority queue (sorted set) with per-worker processing hashes and acks."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None, *,
                 keys: Keys, worker: str) -> None:
        super().__init__(server, spider, key, serializer)
        self.keys = keys
        self.worker = worker
        self.counter = itertools.count(1)
        self.pop_script = server.register_script(POP)
        self.refused = 0

    def __len__(self) -> int:
        return int(self.server.zcard(self.key))

    def _encode_request(self, request: Any) -> bytes:
        if ACK_META in request.meta:
            request = request.replace(meta={k: v for k, v in request.meta.items()
                                             if k != ACK_META})
        return super()._encode_request(request)

    def push(self, request: Any) -> None:
        self.server.zadd(self.key, {self._encode_request(request): -request.priority})

    def pop(self, timeout: int = 0) -> Any:
        """The best request, now held in this worker's processing hash until acked."""
        while True:
            token = f"{self.worker}#{next(self.counter)}"
            data = self.pop_script(keys=[self.key, self.keys.processing(self.worker)],
                                   args=[token])
            if data is None:
                return None
            try:
                request = request_from_dict(self.serializer.loads(data), spider=self.spider)
            except (UnsafePayload, ValueError, TypeError) as exc:
                self.refused += 1
                self.server.hdel(self.keys.processing(self.worker), token)
                logger.error("refused a queue entry (not executed): %s", exc)
                continue
            request.meta[ACK_META] = token
            return request

    def clear(self) -> None:
        self.server.delete(self.key)
