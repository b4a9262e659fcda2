"""MinHash signatures and LSH banding in plain numpy, without importing datasketch.

datasketch's package import loads every sketch it has, and its LSH module imports
scipy to choose band sizes: ~0.7 s and ~59 MB in every process that only needs
the two small pieces written here. The signature is datasketch 2.0's
``MinHash(scheme="affine32")`` value for value (SHA-1's first four bytes of each
shingle, the MurmurHash3 32-bit finalizer, then ``a * h + b mod 2**32`` per
permutation with ``a`` odd, drawn from ``RandomState(seed)``), so signatures
stored by earlier runs stay comparable; ``tests/test_dedup_minhash.py`` checks
that against datasketch itself. The banding is what datasketch's
``MinHashLSH(threshold=0.3, num_perm=128)`` chooses: 37 bands of 3 rows.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Iterator

import numpy as np

MAX_HASH = np.uint32(0xFFFFFFFF)  # the value of a permutation that saw no shingle
SHA1_WORDS = 5  # 20 bytes of digest = five little-endian uint32; the first is the hash
# MurmurHash3 fmix32: shifts and multipliers
_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35),
         np.uint32(16))
# datasketch's optimum for threshold 0.3 over 128 permutations (its scipy integral)
LSH_BANDS = {128: (37, 3)}


@functools.cache
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The affine permutations ``(a, b)``, each ``num_perm`` uint32, ``a`` odd."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def minhash(tokens: Iterable[bytes], num_perm: int, seed: int) -> np.ndarray:
    """The uint32 MinHash of a set of byte strings (all ``MAX_HASH`` for none)."""
    digests = b"".join(hashlib.sha1(token).digest() for token in tokens)
    if not digests:
        return np.full(num_perm, MAX_HASH, dtype=np.uint32)
    hashes = np.frombuffer(digests, dtype="<u4")[::SHA1_WORDS].astype(np.uint32)
    s1, m1, s2, m2, s3 = _FMIX
    hashes ^= hashes >> s1
    hashes *= m1
    hashes ^= hashes >> s2
    hashes *= m2
    hashes ^= hashes >> s3
    a, b = permutations(num_perm, seed)
    return (hashes[:, None] * a + b).min(axis=0)


class BandIndex:
    """LSH banding: keys whose signatures agree on all rows of at least one band.

    Only proposes candidates; the caller verifies them on the full signatures.
    """

    def __init__(self, num_perm: int) -> None:
        if num_perm not in LSH_BANDS:
            raise ValueError(f"no LSH banding chosen for {num_perm} permutations")
        bands, rows = LSH_BANDS[num_perm]
        self._ranges = [(i * rows, (i + 1) * rows) for i in range(bands)]
        self._tables: list[dict[bytes, set[str]]] = [{} for _ in self._ranges]

    def _bands(self, hashvalues: np.ndarray) -> Iterator[tuple[dict[bytes, set[str]], bytes]]:
        for table, (start, end) in zip(self._tables, self._ranges, strict=True):
            yield table, hashvalues[start:end].tobytes()

    def insert(self, key: str, hashvalues: np.ndarray) -> None:
        for table, band in self._bands(hashvalues):
            table.setdefault(band, set()).add(key)

    def remove(self, key: str, hashvalues: np.ndarray) -> None:
        """Forget ``key``, indexed with these ``hashvalues``."""
        for table, band in self._bands(hashvalues):
            keys = table.get(band)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del table[band]

    def candidates(self, hashvalues: np.ndarray) -> set[str]:
        found: set[str] = set()
        for table, band in self._bands(hashvalues):
            found |= table.get(band, set())
        return found
