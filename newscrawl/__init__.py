"""newscrawl: a Scrapy crawler for regional news sites.

The flow, one package per stage: ``discovery`` (sitemaps, feeds, links) →
``spiders`` (fetch) → ``extraction`` (pure page → fields) → ``pipelines``
(clean, validate, deduplicate) → ``export`` (atomic JSON Lines feeds).
"""

__version__ = "0.1.0"
