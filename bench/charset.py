"""Benchmark: the charset cascade on real pages served with a wrong or no charset.

    .venv/bin/python bench/charset.py [--data ../shared/data] [--step 4]

Every page of the shared corpora is decoded as served, its ``charset=``
declarations are removed, and its text is encoded again in each legacy charset
that can hold it all (skipped when the bytes stay valid UTF-8). Each copy is
decoded twice, declared ``utf-8`` (the most common lie) and undeclared;
a decode counts when it gives back exactly the text. Rows per charset and per
publisher half (A/B, as in bench/extraction.py): a change that lifts one half
and lowers the other fits the sample. ``--step N`` takes every Nth page.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import time
from collections import Counter
from pathlib import Path

from extraction import HALVES, site_half  # the sibling benchmark's publisher split

from newscrawl.extraction.decode import decode_html

CODECS = ("cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
          "cp874", "koi8_r", "gbk", "gb18030", "shift_jis", "euc_jp", "euc_kr", "big5")
DECLARATION = re.compile(r"""charset\s*=\s*["']?[\w.:-]+["']?""", re.IGNORECASE)


def pages(data: Path, step: int) -> list[tuple[str, str]]:
    """(half, text without charset declarations) of every ``step``-th non-ASCII page."""
    found = []
    for corpus in sorted(p for p in data.iterdir() if (p / "truth.jsonl").exists()):
        with open(corpus / "truth.jsonl", encoding="utf-8") as fh:
            urls = {row["id"]: row.get("url") for row in map(json.loads, fh)}
        for path in sorted((corpus / "pages").glob("*.html.gz"))[::step]:
            text = DECLARATION.sub("", decode_html(gzip.decompress(path.read_bytes())).text)
            if not text.isascii():
                found.append((site_half(urls.get(path.name.removesuffix(".html.gz"))), text))
    return found


def legacy_copies(text: str) -> list[tuple[str, bytes]]:
    """The text in every legacy charset that holds all of it and is not valid UTF-8."""
    copies = []
    for codec in CODECS:
        try:
            data = text.encode(codec)
        except UnicodeEncodeError:
            continue
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            copies.append((codec, data))
    return copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).parents[2] / "shared" / "data")
    parser.add_argument("--step", type=int, default=1)
    args = parser.parse_args()
    exact: Counter[tuple[str, str]] = Counter()
    total: Counter[tuple[str, str]] = Counter()
    start = time.process_time()
    corpus = pages(args.data, args.step)
    for half, text in corpus:
        for codec, data in legacy_copies(text):
            for header in ("utf-8", None):
                total[half, codec] += 1
                exact[half, codec] += decode_html(data, header).text == text
    print(f"{len(corpus)} pages, CPU {time.process_time() - start:.1f} s")
    print(f"{'charset':10}" + "".join(f"{h:>12}" for h in (*HALVES, "all")))
    for codec in (*CODECS, "all"):
        keys = [(h, c) for h in HALVES for c in CODECS if codec in (c, "all")]
        cells = [(sum(exact[k] for k in keys if k[0] == h), sum(total[k] for k in keys if k[0] == h))
                 for h in HALVES]
        cells.append((sum(e for e, _ in cells), sum(t for _, t in cells)))
        if cells[-1][1]:
            print(f"{codec:10}" + "".join(f"{e:>6}/{t:<5}" for e, t in cells))


if __name__ == "__main__":
    main()
