"""``python -m newscrawl SUBCOMMAND …``: a small dispatcher over subcommands.

Each subcommand module owns its arguments (``build_parser``) and its ``run``;
this file only routes, so new subcommands are one entry in ``_SUBCOMMANDS``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

logger = logging.getLogger(__name__)

# name -> (module with build_parser(parser) and run(args), one-line help)
_SUBCOMMANDS = {
    "extract": ("newscrawl.extraction.cli", "extract article fields from saved pages"),
    "demo": ("newscrawl.demo.crawl", "start the offline demo network and crawl it"),
}


def main(argv: list[str] | None = None) -> int:
    """Parse the subcommand and hand its arguments to the owning module."""
    parser = argparse.ArgumentParser(prog="newscrawl")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name, (module_name, help_text) in _SUBCOMMANDS.items():
        module = importlib.import_module(module_name)
        module.build_parser(subparsers.add_parser(name, help=help_text, description=module.__doc__))
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    module = importlib.import_module(_SUBCOMMANDS[args.command][0])
    return int(module.run(args))


if __name__ == "__main__":
    sys.exit(main())
