"""Pure page → fields extraction (no Scrapy, no I/O).

``extract_article`` is the entry point for the spider and the CLI; it decodes
and parses once (``page``), reads the metadata cascade (``metadata``), then the
body (``body`` + ``clean``).
"""

from __future__ import annotations

from newscrawl.extraction.article import ArticleFields, extract_article
from newscrawl.extraction.hints import SiteHints

__all__ = ["ArticleFields", "SiteHints", "extract_article"]
