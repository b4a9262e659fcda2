"""Typed drop reasons: each DropItem subclass becomes its own Scrapy stat
(``item_dropped_reasons_count/<Class>``), so a drop never loses its reason.

(A bad registry or argument raises :class:`newscrawl.sites.RegistryError`, which lives
with the registry so that the pure packages need no Scrapy.)"""

from __future__ import annotations

from scrapy.exceptions import DropItem


class MissingContent(DropItem):
    """The page gave no title or no body: never export a half-empty item."""


class NotAnArticle(DropItem):
    """The page is a listing, tag, author, search or static page."""


class InvalidArticle(DropItem):
    """The item fails the Article JSON Schema."""


class DuplicateArticle(DropItem):
    """The same article (canonical URL or body hash) was already emitted."""


class NearDuplicateArticle(DropItem):
    """A syndicated copy of a story already emitted (only when dropping is configured)."""


class UnchangedArticle(DropItem):
    """Seen in an earlier run with the same content."""


class TooOld(DropItem):
    """Published before the run's ``since`` bound."""


class ArticleLimitReached(DropItem):
    """The run already emitted ``-a max_articles`` items (pages in flight finish late)."""


class UnencodableArticle(DropItem):
    """A field no feed can encode even after sanitising (never half-written)."""
