"""Signals the output side sends, so others learn what it does without its handles.

Like Scrapy's ``feed_slot_closed``: the sender never knows who listens.
"""

from __future__ import annotations

feed_running = object()  # (path: Path | None) the default feed's unfinished file, None once closed
feed_failed = object()  # (feed: str, reason: str) a feed could not be written: the run fails
