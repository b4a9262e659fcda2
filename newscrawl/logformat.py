"""Log lines a cron user reads: a dropped item is its URL and the reason, not its body.

Scrapy's default drop line carries the whole item (a 480-word body per duplicate);
64 KB of an 82 KB log were such dumps. The reason's class name is the stat
``item_dropped_reasons_count/<Reason>``, so the line and the counter match.
"""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.logformatter import LogFormatter, LogFormatterResult

DROP_LEVEL = logging.INFO  # a drop is the pipeline doing its job, not a warning


class QuietLogFormatter(LogFormatter):
    """LOG_FORMATTER: drops logged as ``Dropped <url>: <Reason>: <why>`` at INFO."""

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
