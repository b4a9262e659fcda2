"""Our numpy MinHash and LSH banding against datasketch itself.

Signatures persist across runs: the ones computed without datasketch must be
datasketch's ``MinHash(scheme="affine32")`` values exactly, and the band index
must propose the candidates ``MinHashLSH(threshold=0.3)`` proposes.
"""

from __future__ import annotations

import random
import subprocess
import sys

import datasketch
import numpy as np
import pytest

from newscrawl.dedup.fingerprint import shingles
from newscrawl.dedup.minhash import MAX_HASH, BandIndex, minhash
from newscrawl.dedup.neardup import NUM_PERM, SCHEME, SEED, NearDuplicateIndex

WORDS = [
    "harbour", "council", "vote", "budget", "ferry", "storm", "school", "road", "fire",
    "station", "mayor", "river", "bridge", "market", "police", "hospital", "rain",
    "festival", "club", "league", "court", "plan", "tax",
]


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _reference(tokens: list[bytes], num_perm: int = NUM_PERM, seed: int = SEED) -> np.ndarray:
    mh = datasketch.MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME)
    mh.update_batch(tokens)
    return mh.hashvalues


@pytest.mark.parametrize("words", [1, 4, 5, 6, 60, 900])
def test_signature_is_datasketch_affine32(words: int) -> None:
    rng = random.Random(words)
    tokens = [g.encode("utf-8") for g in shingles(_text(rng, words))]
    ours = minhash(tokens, NUM_PERM, SEED)
    assert ours.dtype == np.uint32
    assert np.array_equal(ours, _reference(tokens))


def test_other_seed_and_width_match_too() -> None:
    tokens = [f"token {i}".encode() for i in range(300)]
    assert np.array_equal(minhash(tokens, 64, 7), _reference(tokens, 64, 7))
    assert not np.array_equal(minhash(tokens, 64, 7), minhash(tokens, 64, 8))


def test_no_tokens_is_the_empty_signature() -> None:
    assert (minhash([], NUM_PERM, SEED) == MAX_HASH).all()


def test_bands_propose_what_datasketch_lsh_proposes() -> None:
    rng = random.Random(3)
    base = [_text(rng, 200) for _ in range(30)]
    # copies with a share of their words replaced: some above, some below the threshold
    texts = {f"doc{i}": t for i, t in enumerate(base)}
    for i, text in enumerate(base):
        words = text.split()
        for j in rng.sample(range(len(words)), k=rng.choice([5, 20, 60, 120])):
            words[j] = rng.choice(WORDS)
        texts[f"copy{i}"] = " ".join(words)
    lsh = datasketch.MinHashLSH(threshold=0.3, num_perm=NUM_PERM)
    ours = BandIndex(NUM_PERM)
    sigs = {}
    for key, text in texts.items():
        sigs[key] = minhash([g.encode() for g in shingles(text)], NUM_PERM, SEED)
        lsh.insert(key, datasketch.LeanMinHash(seed=SEED, hashvalues=sigs[key], scheme=SCHEME))
        ours.insert(key, sigs[key])
    proposed = 0
    for key, sig in sigs.items():
        expected = set(lsh.query(datasketch.LeanMinHash(seed=SEED, hashvalues=sig,
                                                        scheme=SCHEME)))
        assert ours.candidates(sig) == expected
        proposed += len(expected) > 1
    assert proposed  # the check saw real candidates, not only each key itself


def test_removed_key_is_no_longer_proposed() -> None:
    index = BandIndex(NUM_PERM)
    sig = minhash([b"a b c d e", b"b c d e f"], NUM_PERM, SEED)
    index.insert("k", sig)
    index.insert("j", sig)
    index.remove("k", sig)
    assert index.candidates(sig) == {"j"}


def test_unknown_width_is_refused() -> None:
    with pytest.raises(ValueError, match="banding"):
        BandIndex(100)


def test_near_duplicate_index_does_not_import_datasketch_or_scipy() -> None:
    code = ("import sys; from newscrawl.dedup.neardup import NearDuplicateIndex;"
            "i = NearDuplicateIndex(); i.add('a', 'one two three four five six');"
            "print(i.find('one two three four five six'));"
            "print(sorted(m for m in ('datasketch', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[:2] == ["a", "[]"]


def test_index_round_trip_keeps_matches() -> None:
    index = NearDuplicateIndex()
    text = _text(random.Random(9), 300)
    index.add("first", text)
    again = NearDuplicateIndex.loads(index.dumps())
    assert again.find(text) == "first"
    again.remove("first")
    assert again.find(text) is None
