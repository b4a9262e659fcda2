"""The dateline: the date a page prints beside its headline, found in a bounded walk."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from newscrawl.extraction.metadata.dateline import MAX_NODES, dateline, headline, time_element_date


def _dateline(body: str, title: str | None = None) -> str | None:
    tree = lxml_html.document_fromstring(f"<html><body>{body}</body></html>")
    found = dateline(tree, tree, title=title)
    return found.iso() if found else None


def test_byline_under_the_headline() -> None:
    body = ("<nav>Home 01.01.2020</nav><h1>Council approves the new budget</h1>"
            "<div class='meta'><span>By Ann Lee</span> <span>3 May 2024</span></div><p>Text.</p>")
    assert _dateline(body) == "2024-05-03"


def test_time_element_gives_its_machine_value() -> None:
    body = ("<h1>Council approves the new budget</h1>"
            "<p><time datetime='2024-05-03T15:47:00+02:00'>Friday</time></p>")
    assert _dateline(body) == "2024-05-03T15:47:00+02:00"


def test_time_element_printing_another_day_gives_the_printed_day() -> None:
    # the template filled the attribute with another moment (a later update)
    body = ("<h1>Council approves the new budget</h1>"
            "<p><time datetime='2019-07-03T10:18:46Z'>Publié le 29 juin 2019</time></p>")
    assert _dateline(body) == "2019-06-29"


@pytest.mark.parametrize(
    "printed",
    ["November 9, 2023",  # the next day in the reader's zone: the same moment
     "11/08/23 5:19pm",  # month first: the swapped reading is the attribute's day
     "8 juillet",  # no year: no full date to weigh
     ],
)
def test_time_element_keeps_its_machine_value_when_the_text_agrees(printed: str) -> None:
    element = lxml_html.fromstring(f"<time datetime='2023-11-08T23:30:00-05:00'>{printed}</time>")
    assert time_element_date(element, None).iso() == "2023-11-08T23:30:00-05:00"


def test_kicker_line_above_the_headline_when_none_follows() -> None:
    body = ("<p>02.02.2022 10:16 Uhr - Sport</p><h1>Ein langer Titel zum Spiel</h1>"
            "<p>Kein Datum im Vorspann.</p>")
    assert _dateline(body) == "2022-02-02T10:16:00"


def test_a_date_deep_in_the_lead_is_not_the_dateline() -> None:
    lead = "The council met for hours and argued about every line of the plan. " * 5
    body = f"<h1>Council approves the new budget</h1><p>{lead}</p><p>It takes effect on 1 June 2024.</p>"
    assert _dateline(body) is None


def test_scripts_between_headline_and_byline_are_skipped() -> None:
    body = ("<h1>Council approves the new budget</h1><script>var d='2001-01-01';</script>"
            "<span>3 May 2024</span>")
    assert _dateline(body) == "2024-05-03"


def test_logo_h1_is_not_the_headline() -> None:
    body = ("<header><h1>News.az</h1><span>Tuesday, 08 Dec 2020</span></header>"
            "<main><h1>Azerbaijan launches a counteroffensive</h1><span>13 Oct 2020 18:29</span></main>")
    assert _dateline(body) == "2020-10-13T18:29:00"


def test_h2_that_the_title_repeats_when_the_h1_is_the_site() -> None:
    body = ("<h1>Details</h1><h2>Footer apps</h2><h2>Riesling posts to win</h2>"
            "<span class='d'>27.01.2022</span>")
    assert _dateline(body, title="Riesling posts to win | Wines") == "2022-01-27"
    assert _dateline(body, title="Something else") is None


def test_walk_is_bounded() -> None:
    filler = "<div></div>" * (MAX_NODES + 5)
    body = f"<h1>Council approves the new budget</h1>{filler}<span>3 May 2024</span>"
    assert _dateline(body) is None
    tree = lxml_html.document_fromstring(f"<html><body>{body}</body></html>")
    assert headline(tree, tree) is not None


def test_no_headline_no_dateline() -> None:
    assert _dateline("<p>3 May 2024</p>") is None
