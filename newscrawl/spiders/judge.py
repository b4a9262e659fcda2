"""The article verdict of a fetched page, said out loud.

:func:`newscrawl.discovery.links.looks_like_article` weighs the evidence; this
class feeds it the script-aware word count (``fields.words``, counted by the
extraction worker) and the thresholds from the settings, logs every rejected page
once at INFO with its URL and reason, counts reasons per site, and at the end
warns about a site that fetched pages but yielded no article, naming its top
reasons: a redesign shows up in the log, not only in the counters.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from newscrawl.discovery.links import Thresholds, looks_like_article
from newscrawl.extensions.summary import site_stat

logger = logging.getLogger(__name__)

TOP_REASONS = 3  # reasons named in the zero-articles warning


def thresholds_from_settings(settings: Any) -> Thresholds:
    """NEWSCRAWL_MIN_WORDS* → Thresholds; a negative value stops the run."""
    values = {"with_metadata": settings.getint("NEWSCRAWL_MIN_WORDS"),
              "article_url": settings.getint("NEWSCRAWL_MIN_WORDS_ARTICLE_URL"),
              "no_evidence": settings.getint("NEWSCRAWL_MIN_WORDS_NO_EVIDENCE")}
    bad = [name for name, value in values.items() if value < 0]
    if bad:
        from newscrawl.exceptions import RegistryError
        raise RegistryError(f"NEWSCRAWL_MIN_WORDS*: word minimums must be >= 0 ({values})")
    return Thresholds(**values)


class PageJudge:
    """Article or not, with the reason; remembers this run's reasons per site."""

    def __init__(self, stats: Any, thresholds: Thresholds) -> None:
        self.stats = stats
        self.thresholds = thresholds
        self.rejected: dict[str, Counter[str]] = {}  # site -> reason -> pages
        self.articles: Counter[str] = Counter()  # site -> pages judged articles

    def judge(self, url: str, site: str, url_kind: str, fields: Any) -> tuple[bool, str]:
        words = fields.words
        is_article, reason = looks_like_article(
            url_kind=url_kind, og_type=fields.og_type, jsonld_types=fields.jsonld_types,
            word_count=words, paragraphs=fields.paragraphs,
            byline=bool(fields.published or fields.authors), thresholds=self.thresholds)
        if is_article:
            self.articles[site] += 1
            return True, reason
        self.rejected.setdefault(site, Counter())[reason] += 1
        self.stats.inc_value(site_stat(site, "rejected", reason))
        logger.info("not an article: %s (%s; %d words, %d paragraphs)", url, reason, words,
                    fields.paragraphs)
        return False, reason

    def judge_listing(self, site: str, fields: Any) -> bool:
        """A listing request's page is an article only on structured evidence (JSON-LD or
        og:type article and a body); nothing is logged or remembered for a mere listing."""
        is_article, reason = looks_like_article(
            url_kind="listing", og_type=fields.og_type, jsonld_types=fields.jsonld_types,
            word_count=fields.words, paragraphs=fields.paragraphs,
            thresholds=self.thresholds)
        if is_article:
            self.articles[site] += 1
            self.stats.inc_value(f"newscrawl/pages/article/listing-url+{reason}")
        return is_article

    @staticmethod
    def still_valid(verdict: Any, lastmod: datetime | None, recheck: timedelta) -> bool:
        """An earlier run's verdict holds unless it is ``recheck`` old or a discovery
        source now dates the page later than the date it had then."""
        try:
            if datetime.now(UTC) - datetime.fromisoformat(verdict.checked) >= recheck:
                return False
        except ValueError:
            return False
        if lastmod is None:
            return True
        try:  # undated when judged: a date now later than the judgement is a change
            before = datetime.fromisoformat(verdict.lastmod or verdict.checked)
        except ValueError:
            return False
        before = before if before.tzinfo else before.replace(tzinfo=UTC)
        return lastmod <= before

    def warn_silent_sites(self, sites: list[str]) -> list[str]:
        """One WARNING per site whose fetched pages were all rejected; returns those sites."""
        silent = []
        for site in sites:
            reasons = self.rejected.get(site)
            if not reasons or self.articles[site]:
                continue
            top = ", ".join(f"{reason} ×{n}" for reason, n in reasons.most_common(TOP_REASONS))
            logger.warning("site %s: 0 articles in %d fetched pages; top reasons: %s", site,
                           sum(reasons.values()), top)
            silent.append(site)
        return silent
