"""``newscrawl extract``: run extraction over saved pages, no crawl needed.

Two forms: ``extract FILE [--url URL]`` prints one JSON object;
``extract --manifest M.jsonl --output O.jsonl`` writes one line per manifest
line, in order, with ``{"id", "error"}`` for a page that fails, so a long
batch never stops on one bad file.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from newscrawl.extraction.article import extract_article
from newscrawl.extraction.hints import SiteHints

logger = logging.getLogger(__name__)


CRAWL_ONLY = ("links", "feed_links", "base_url")  # for the frontier, not for users


def read_page(path: str | Path) -> bytes:
    """Raw page bytes; ``.gz`` files are decompressed."""
    path = Path(path)
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def extract_file(path: str | Path, url: str | None, hints: SiteHints | None = None) -> dict[str, Any]:
    """Fields of one saved page as a JSON-ready dict (without the crawl's link lists)."""
    fields = extract_article(read_page(path), url, hints=hints).to_dict()
    for name in CRAWL_ONLY:
        fields.pop(name, None)
    return fields


def _manifest_rows(manifest: TextIO) -> Iterator[tuple[Any, dict[str, Any] | None, str | None]]:
    """(id, row, error) per non-blank manifest line; a bad line is an error, not a crash."""
    for number, line in enumerate(manifest, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise TypeError("not a JSON object")
        except (TypeError, ValueError) as exc:
            yield None, None, f"manifest line {number}: {exc}"
            continue
        yield row.get("id"), row, None


def run_manifest(manifest: TextIO, output: TextIO, hints: SiteHints | None = None) -> tuple[int, int]:
    """Extract every manifest page in order; returns (pages, failures)."""
    pages = failures = 0
    for page_id, row, error in _manifest_rows(manifest):
        pages += 1
        result: dict[str, Any]
        if row is not None:
            try:
                result = {"id": page_id, **extract_file(row["path"], row.get("url"), hints)}
            except Exception as exc:  # noqa: BLE001 - one bad page must not stop the batch
                error = f"{type(exc).__name__}: {exc}"
        if error is not None:
            failures += 1
            logger.warning("page %s failed: %s", page_id, error)
            result = {"id": page_id, "error": error}
        output.write(json.dumps(result, ensure_ascii=False) + "\n")
    return pages, failures


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """Arguments of ``extract``; reusable as a subparser by ``python -m newscrawl``."""
    parser = parser or argparse.ArgumentParser(prog="newscrawl extract", description=__doc__)
    parser.add_argument("file", nargs="?", help="one saved page (.html or .html.gz)")
    parser.add_argument("--url", help="the page's URL (helps canonical URL, dates, site name)")
    parser.add_argument("--manifest", help="JSONL of {id, url, path}")
    parser.add_argument("--output", help="JSONL to write (default: stdout)")
    parser.add_argument("--timezone", help="IANA zone for local times without offset")
    return parser


def run(args: argparse.Namespace) -> int:
    """Execute parsed ``extract`` arguments; returns the exit code."""
    hints = SiteHints(timezone=args.timezone) if args.timezone else None
    if args.manifest:
        with open(args.manifest, encoding="utf-8") as manifest:
            if args.output:
                with open(args.output, "w", encoding="utf-8") as out:
                    pages, failures = run_manifest(manifest, out, hints)
            else:
                pages, failures = run_manifest(manifest, sys.stdout, hints)
        logger.info("extracted %d pages, %d failed", pages, failures)
        return 0
    if not args.file:
        logger.error("give a FILE or --manifest")
        return 2
    try:
        result = extract_file(args.file, args.url, hints)
    except OSError as exc:
        logger.error("cannot read %s: %s", args.file, exc)
        return 1
    sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m newscrawl extract …`` (argv without 'extract')."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return run(build_parser().parse_args(argv))
