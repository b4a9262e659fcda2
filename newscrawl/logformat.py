"""Log lines a cron user reads: a dropped item is its URL and the reason, not its body.

Scrapy's default drop line carries the whole item (a 480-word body per duplicate);
64 KB of an 82 KB log were such dumps. The reason's class name is the stat
``item_dropped_reasons_count/<Reason>``, so the line and the counter match.

Scrapy also builds a DEBUG record for every response ("Crawled (200) ...") and
every item ("Scraped from ..."), which its handler then discards below DEBUG:
~1.3 % of the reactor's busy samples. Under a higher LOG_LEVEL they are not built.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.logformatter import LogFormatter, LogFormatterResult

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

DROP_LEVEL = logging.INFO  # a drop is the pipeline doing its job, not a warning


class QuietLogFormatter(LogFormatter):
    """LOG_FORMATTER: drops logged as ``Dropped <url>: <Reason>: <why>`` at INFO; the
    per-response and per-item DEBUG lines only when LOG_LEVEL lets DEBUG through."""

    def __init__(self, debug: bool = True) -> None:
        super().__init__()
        self.debug = debug

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        level = crawler.settings.get("LOG_LEVEL", "DEBUG")
        if isinstance(level, str):
            level = logging.getLevelName(level.upper())
        return cls(debug=not isinstance(level, int) or level <= logging.DEBUG)

    def crawled(self, request: Any, response: Any, spider: Any) -> LogFormatterResult | None:
        return super().crawled(request, response, spider) if self.debug else None

    def scraped(self, item: Any, response: Any, spider: Any) -> LogFormatterResult | None:
        return super().scraped(item, response, spider) if self.debug else None

    def dropped(self, item: Any, exception: BaseException, response: Any,
                spider: Any) -> LogFormatterResult:
        level = getattr(exception, "log_level", None)
        if isinstance(level, str):
            level = getattr(logging, level)
        return {"level": DROP_LEVEL if level is None else level,
                "msg": "Dropped %(url)s: %(reason)s: %(why)s",
                "args": {"url": _url(item), "reason": type(exception).__name__,
                         "why": str(exception)[:300]}}


def _url(item: Any) -> str:
    try:
        return str(ItemAdapter(item).get("url") or "?")
    except TypeError:  # not an item type ItemAdapter knows
        return "?"
