"""Cheap pre-checks on a fetched page before any parser sees it.

lxml's and trafilatura's cost grows with the number of elements and attributes,
and a hostile page can pack 200,000 attributes into 3 MB. Counting ``<`` and
``=`` bytes is a C-speed linear scan; a page above the caps is counted as a
failed page instead of occupying a worker for minutes. A page with fewer
bytes than a cap cannot exceed it, and is not scanned for it. Real news pages stay
one to two orders of magnitude below the defaults.
"""

from __future__ import annotations

MAX_PAGE_TAGS = 100_000  # NEWSCRAWL_MAX_PAGE_TAGS: '<' bytes in one page (a long article: ~5,000)
MAX_PAGE_ATTRIBUTES = 100_000  # NEWSCRAWL_MAX_PAGE_ATTRIBUTES: '=' bytes (a long article: ~10,000)


def page_too_complex(body: bytes, max_tags: int = MAX_PAGE_TAGS,
                     max_attributes: int = MAX_PAGE_ATTRIBUTES) -> str | None:
    """The reason a page is refused before parsing (``"too_many_tags"``...), or None."""
    if max_tags and len(body) > max_tags and body.count(b"<") > max_tags:
        return "too_many_tags"
    if max_attributes and len(body) > max_attributes and body.count(b"=") > max_attributes:
        return "too_many_attributes"
    return None
