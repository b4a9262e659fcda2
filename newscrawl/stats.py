"""The run's stats collector: Scrapy's in-memory one, without its per-access wrapper.

Scrapy 2.13+ routes every attribute read of the stats collector through a
``__getattribute__`` that wraps the public methods to warn about a deprecated
``spider`` argument, and whose cache miss raises and catches an AttributeError
on every ``self._stats`` read inside them. A crawl makes about 47 stat calls per
page: in the reactor's profile that wrapper was ~4 % of its busy samples. Nothing
here passes ``spider``; the methods, values and persistence are Scrapy's own.
"""

from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector


class DirectStatsCollector(MemoryStatsCollector):
    """``MemoryStatsCollector`` with plain attribute access (``STATS_CLASS``)."""

    __getattribute__ = object.__getattribute__
