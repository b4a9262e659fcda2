"""Pure page → fields extraction (no Scrapy, no I/O).

``extract_article`` is the entry point for the spider and the CLI; it decodes
and parses once (``page``), reads the metadata cascade (``metadata``), then the
body (``body`` + ``clean``).
"""

from __future__ import annotations

from typing import Any

from newscrawl.extraction.hints import SiteHints


def __getattr__(name: str) -> Any:
    """Load the engine on first use: importing ``SiteHints`` must not pull in trafilatura
    (the crawler's reactor process only passes hints; its workers extract)."""
    if name in ("ArticleFields", "extract_article"):
        from newscrawl.extraction import article

        return getattr(article, name)
    raise AttributeError(f"module 'newscrawl.extraction' has no attribute {name!r}")

__all__ = ["ArticleFields", "SiteHints", "extract_article"]
