"""A JSON serializer for requests in Redis (``SCHEDULER_SERIALIZER``): never pickle.

scrapy-redis pickles requests by default, so anyone who can write to the Redis
server can run code in every worker. Here a payload is JSON only; bytes (bodies,
headers) travel base64-encoded and dicts with bytes keys as tagged pairs.
Anything that is not our JSON — a pickle, a foreign class, an odd callback — is
refused with :class:`UnsafePayload`, never interpreted.
"""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

logger = logging.getLogger(__name__)

BYTES_TAG = "__b64__"
PAIRS_TAG = "__pairs__"
VERSION = 1
ALLOWED_CLASSES = frozenset({"scrapy.http.request.Request", "scrapy.Request"})
CALLBACK_PREFIXES = ("parse", "on_")  # the spider's own callbacks and errbacks


class UnsafePayload(ValueError):
    """A queue entry that is not a request we wrote: refused, not executed."""


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return {BYTES_TAG: base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {PAIRS_TAG: [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot put a {type(value).__name__} into the shared queue: {value!r}")


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {BYTES_TAG}:
            return base64.b64decode(value[BYTES_TAG], validate=True)
        if set(value) == {PAIRS_TAG}:
            return {_decode(k): _decode(v) for k, v in value[PAIRS_TAG]}
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def dumps(obj: dict[str, Any]) -> bytes:
    """A request dict (``Request.to_dict``) as JSON bytes."""
    return json.dumps({"v": VERSION, "request": _encode(obj)}, separators=(",", ":"),
                      ensure_ascii=True).encode("ascii")


def loads(data: bytes | str) -> dict[str, Any]:
    """Back to a request dict; refuses anything we did not write."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data.startswith(b"{"):
        raise UnsafePayload(f"not a JSON request (starts with {data[:8]!r}); pickle is refused")
    try:
        envelope = json.loads(data)
    except ValueError as exc:
        raise UnsafePayload(f"corrupt queue entry: {exc}") from None
    if not isinstance(envelope, dict) or envelope.get("v") != VERSION \
            or not isinstance(envelope.get("request"), dict):
        raise UnsafePayload("not a newscrawl request envelope")
    obj = _decode(envelope["request"])
    check(obj)
    return obj


def check(obj: dict[str, Any]) -> None:
    """Only plain requests to http(s) URLs with the spider's own callbacks."""
    cls = obj.get("_class")
    if cls is not None and cls not in ALLOWED_CLASSES:
        raise UnsafePayload(f"request class {cls!r} is not allowed")
    if not str(obj.get("url", "")).startswith(("http://", "https://")):
        raise UnsafePayload(f"not an http(s) URL: {obj.get('url')!r}")
    for name in ("callback", "errback"):
        value = obj.get(name)
        if value is not None and not (isinstance(value, str) and value.startswith(CALLBACK_PREFIXES)
                                      and value.isidentifier()):
            raise UnsafePayload(f"{name} {value!r} is not one of the spider's callbacks")
