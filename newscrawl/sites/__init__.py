"""The site registry: which sites to crawl and what is known about them (data, not code)."""

from newscrawl.sites.registry import (
    DEFAULT_REGISTRY,
    RegistryError,
    Site,
    load_registry,
    site_from_url,
)

__all__ = ["DEFAULT_REGISTRY", "RegistryError", "Site", "load_registry", "site_from_url"]
