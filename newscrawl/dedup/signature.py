"""The MinHash signature value type: what the state stores load and save, apart
from the index that searches signatures (:mod:`newscrawl.dedup.neardup`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Signature:
    """A MinHash signature plus the shingle count, enough to estimate containment."""

    hashvalues: np.ndarray  # uint32, NUM_PERM long
    size: int

    def to_bytes(self) -> bytes:
        return self.hashvalues.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, size: int) -> Signature:
        return cls(np.frombuffer(data, dtype="<u4").astype(np.uint32), size)
