"""bench/perturb_dates.py's edits remove what they name and keep what the page prints."""

from __future__ import annotations

import sys
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import perturb_dates

PAGE = """<html><head>
<meta property="article:published_time" content="2024-05-03T10:00:00Z">
<meta name="sailthru.tags" content="2024-05-03">
<meta name="description" content="What the council decided on 3 May 2024 about the long budget plan">
<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2024-05-03"}</script>
</head><body><article class="post-date"><h1>Council approves the budget</h1>
<span itemprop="datePublished" content="2024-05-03">3 May 2024</span>
<time datetime="2024-05-03T10:00:00Z">3 May 2024, 10:00</time></article></body></html>"""


def _edited(variant: str) -> lxml.html.HtmlElement:
    tree = lxml.html.document_fromstring(PAGE)
    perturb_dates.VARIANTS[variant](tree, 0)
    return tree


def test_no_meta_dates_drops_date_keys_and_short_dates_only() -> None:
    names = [m.get("property") or m.get("name") for m in _edited("no_meta_dates").iter("meta")]
    assert names == ["description"]  # a long text quoting a date is no date meta


def test_no_metadata_leaves_only_what_the_page_prints() -> None:
    tree = _edited("no_metadata")
    assert not tree.xpath("//script | //meta[@property] | //*[@datetime] | //*[@itemprop]")
    assert tree.xpath("string(//time)") == "3 May 2024, 10:00" and "3 May 2024" in tree.text_content()


def test_bare_renames_classes() -> None:
    assert _edited("bare").find(".//article").get("class") == "c0"
