"""Downloader middlewares for politeness, limits and safety.

Each class is one concern and is switched on in ``settings.DOWNLOADER_MIDDLEWARES``;
every request it refuses raises ``IgnoreRequest`` and bumps a ``newscrawl/...``
stat, so no page disappears without a counted reason.
"""
