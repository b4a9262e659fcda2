"""Near-duplicate search: syndicated copies of one story across sites.

MinHash signatures of body shingles (see ``fingerprint.shingles``) in an LSH
band index (:mod:`newscrawl.dedup.minhash`, datasketch's scheme without its
import).  LSH only proposes candidates; each is verified on the signatures, and
the best verified candidate wins.

Why these numbers.  A wire story re-run by another site keeps most of its
word 5-grams: a new headline does not touch the body, a trimmed last
paragraph or a missed boilerplate line changes a few dozen shingles out of
hundreds (estimated Jaccard 0.55-0.9).  Two different stories on one topic
share names and stock phrases but almost never five words in a row, so their
word-5-gram Jaccard stays below 0.1 (0.03 at most in our hand-written
pairs).  ``MATCH_JACCARD = 0.5`` sits in that wide gap.  Short texts are
harder: a trimmed copy with extra boilerplate can fall below 0.5 Jaccard, so
a match is also accepted when most of the smaller text (estimated
containment >= 0.65) is found in the other and the smaller text is long
enough (``MIN_CONTAINED_SHINGLES``) that a shared stock sentence cannot
trigger it.  On the short CJK pairs of the tests, copies score >= 0.74
containment and different stories sharing a lead sentence and boilerplate
<= 0.45.
The LSH band threshold (0.3) is lower than both, so recall is decided by the
verification, not by LSH banding luck.  ``SEED`` and ``SCHEME`` are fixed:
signatures persist across runs and must stay comparable.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from newscrawl.dedup.fingerprint import shingles
from newscrawl.dedup.minhash import BandIndex, minhash
from newscrawl.dedup.signature import Signature

logger = logging.getLogger(__name__)

NUM_PERM = 128
SEED = 20240501
SCHEME = "affine32"  # datasketch's name for the scheme minhash() computes
MATCH_JACCARD = 0.5
MATCH_CONTAINMENT = 0.65
MIN_CONTAINED_SHINGLES = 40
FORMAT = "newscrawl-neardup/1"


@dataclass(frozen=True)
class Match:
    key: str
    jaccard: float  # estimated from the signatures
    containment: float  # estimated share of the smaller text found in the other


class NearDuplicateIndex:
    """In-memory MinHash-LSH index of story bodies, keyed by canonical URL."""

    def __init__(self, num_perm: int = NUM_PERM, seed: int = SEED,
                 jaccard: float = MATCH_JACCARD, containment: float = MATCH_CONTAINMENT) -> None:
        self.num_perm, self.seed = num_perm, seed
        self.jaccard, self.containment = jaccard, containment
        self._lsh = BandIndex(num_perm)
        self._sigs: dict[str, Signature] = {}

    def __len__(self) -> int:
        return len(self._sigs)

    def __contains__(self, key: object) -> bool:
        return key in self._sigs

    def signature(self, text: str) -> Signature | None:
        """Signature of ``text``, or None when it has no shingles (empty body)."""
        grams = shingles(text)
        if not grams:
            return None
        return signature_of(grams, self.num_perm, self.seed)

    def add(self, key: str, text: str) -> None:
        sig = self.signature(text)
        if sig is None:
            logger.debug("no shingles for %s: not indexed", key)
            return
        self.add_signature(key, sig)

    def add_signature(self, key: str, sig: Signature) -> None:
        """Index ``sig`` under ``key``; re-adding a key replaces its signature."""
        if len(sig.hashvalues) != self.num_perm:
            raise ValueError(f"signature has {len(sig.hashvalues)} values, index {self.num_perm}")
        self.remove(key)
        self._lsh.insert(key, sig.hashvalues)
        self._sigs[key] = sig

    def remove(self, key: str) -> None:
        old = self._sigs.pop(key, None)
        if old is not None:
            self._lsh.remove(key, old.hashvalues)

    def matches(self, sig: Signature) -> list[Match]:
        """Verified matches for ``sig``, best first."""
        found = []
        for key in self._lsh.candidates(sig.hashvalues):
            match = self._verify(key, sig)
            if match is not None:
                found.append(match)
        found.sort(key=lambda m: (-m.jaccard, -m.containment, m.key))
        return found

    def best(self, sig: Signature) -> Match | None:
        found = self.matches(sig)
        return found[0] if found else None

    def query(self, text: str) -> list[str]:
        sig = self.signature(text)
        return [] if sig is None else [m.key for m in self.matches(sig)]

    def find(self, text: str) -> str | None:
        """Key of the best verified match above the thresholds, or None."""
        found = self.query(text)
        return found[0] if found else None

    def items(self) -> Iterator[tuple[str, Signature]]:
        return iter(self._sigs.items())

    def dumps(self) -> bytes:
        """JSON (no pickle): parameters and base64 signatures; LSH is rebuilt on load."""
        entries = [[k, s.size, base64.b64encode(s.to_bytes()).decode("ascii")]
                   for k, s in self._sigs.items()]
        doc = {"format": FORMAT, "num_perm": self.num_perm, "seed": self.seed,
               "scheme": SCHEME, "jaccard": self.jaccard, "containment": self.containment,
               "entries": entries}
        return json.dumps(doc, separators=(",", ":")).encode("utf-8")

    @classmethod
    def loads(cls, data: bytes | str) -> NearDuplicateIndex:
        doc = json.loads(data)
        if doc.get("format") != FORMAT or doc.get("scheme") != SCHEME:
            raise ValueError(f"not a {FORMAT} dump with scheme {SCHEME}")
        index = cls(num_perm=doc["num_perm"], seed=doc["seed"],
                    jaccard=doc["jaccard"], containment=doc["containment"])
        for key, size, b64 in doc["entries"]:
            index.add_signature(key, Signature.from_bytes(base64.b64decode(b64), size))
        return index

    def _verify(self, key: str, sig: Signature) -> Match | None:
        other = self._sigs[key]
        jaccard = float(np.count_nonzero(other.hashvalues == sig.hashvalues)) / self.num_perm
        smaller = min(other.size, sig.size)
        shared = jaccard * (other.size + sig.size) / (1.0 + jaccard)
        containment = min(1.0, shared / smaller) if smaller else 0.0
        if jaccard >= self.jaccard:
            return Match(key, jaccard, containment)
        if containment >= self.containment and smaller >= MIN_CONTAINED_SHINGLES:
            return Match(key, jaccard, containment)
        return None


def signature_of(grams: set[str], num_perm: int = NUM_PERM, seed: int = SEED) -> Signature:
    """The signature of a non-empty shingle set."""
    return Signature(minhash((g.encode("utf-8") for g in grams), num_perm, seed), len(grams))
