"""Every key newscrawl puts in ``Request.meta``, in one place.

The spider and the frontier set them; middlewares, extensions, scale-out and the
``sites`` command read them. One spelling each, so a reader finds every user of a key
by its constant and two components cannot pick clashing names.
"""

from __future__ import annotations

KIND_META = "newscrawl_kind"  # what is fetched: robots | sitemap | feed | listing | page
SITE_META = "newscrawl_site"  # registry name of the site a request belongs to
SITE_URL_META = "newscrawl_site_url"  # the site's start URL (what its safety exemption is for)
HOME_META = "newscrawl_home"  # set on the site's homepage request: look for feed links there
NOT_BEFORE_META = "newscrawl_not_before"  # monotonic time a Retry-After retry may go out
RETRY_AFTER_TIMES_META = "newscrawl_retry_after_times"  # Retry-After retries spent on the URL
BUDGET_COUNTED_META = "newscrawl_budget_counted"  # already counted against the page budget
REPLAY_META = "newscrawl_replay"  # -a warc=: the stored response a request is answered with
FETCHED_AT_META = "newscrawl_fetched_at"  # replay: the record's WARC-Date, the item's fetched_at
PARK_META = "newscrawl_park"  # monotonic not-before time of a request the parking lot holds
SENT_BACK_META = "newscrawl_sent_back"  # stays set on a request that was parked once (not "found" again)
ACK_META = "newscrawl_ack"  # scale-out: token of the shared-queue entry the request came from

# Requests of these kinds fetch machine-readable resources, not article pages.
RESOURCE_KINDS = frozenset({"robots", "sitemap", "feed"})
