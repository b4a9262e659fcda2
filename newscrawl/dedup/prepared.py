"""What the pipelines need of an article body, computed in the extraction worker.

Cleaning a body, counting its words, hashing it and computing its MinHash
signature took about a fifth of the reactor process's busy time, the process
that bounds a crawl's speed. The worker that extracted the body does it instead
(:mod:`newscrawl.spiders.extractor`), with the very functions the clean pipeline
uses, and the item carries the result: :class:`PreparedBody` describes the body
the item was built with; the pipelines use it instead of recomputing.
"""

from __future__ import annotations

from dataclasses import dataclass

from newscrawl.cleaning import FIELD_CHARS, clean_field, sanitised
from newscrawl.dedup.fingerprint import content_hash, shingles
from newscrawl.dedup.neardup import signature_of
from newscrawl.dedup.signature import Signature
from newscrawl.extraction.wordcount import count_words


@dataclass(frozen=True)
class PreparedBody:
    """Facts about a cleaned body: its word count, exact hash and near-dup signature."""

    word_count: int
    content_hash: str | None
    signature: Signature | None  # None: no shingles (an empty body)
    capped: bool  # the raw body was cut to FIELD_CHARS["body"]


def clean_body(raw: str | None) -> tuple[str | None, bool]:
    """The body as the clean pipeline makes it, and whether it was cut."""
    return clean_field(sanitised(raw), FIELD_CHARS["body"], paragraphs=True)


def prepare_body(raw: str | None) -> tuple[str | None, PreparedBody]:
    """The cleaned body and its facts."""
    body, capped = clean_body(raw)
    if not body:
        return body, PreparedBody(0, None, None, capped)
    grams = shingles(body)
    return body, PreparedBody(count_words(body), content_hash(body),
                              signature_of(grams) if grams else None, capped)
