"""What the site registry can tell the extractor about one site.

Kept in its own tiny module so the metadata, body and assembly code can all
import it without import cycles; the spider builds one per registry entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SiteHints:
    """Per-site knowledge that overrides or completes generic extraction."""

    timezone: str | None = None  # IANA name, supplies the offset for local times
    # keys: title/body/authors/published; value is CSS, or XPath if it starts with '/' or '('
    selectors: dict[str, str] = field(default_factory=dict)
    language: str | None = None
