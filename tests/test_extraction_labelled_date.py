"""The date a page labels in words as its publication's."""

from __future__ import annotations

import lxml.html
import pytest

from newscrawl.extraction.metadata.labelled_date import MAX_ELEMENTS, labelled_date


def _found(body: str) -> str | None:
    parsed = labelled_date(lxml.html.document_fromstring(f"<html><body>{body}</body></html>"))
    return parsed.iso() if parsed else None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p>Veröffentlicht am 16.08.2019<br/>Dauer: 1 Stunde</p>", "2019-08-16"),
        ('<div><h5 class="title-inline">Datum:  </h5>03.02.2022</div>', "2022-02-03"),
        ("<p><b>PUBLISHED:</b> <span>8 November 2023 - 05:30</span></p>", "2023-11-08T05:30:00"),
        ("<p>Publié le 3 mai 2024 à 10h15</p>", "2024-05-03T10:15:00"),
        ("<span>Opublikowano: 12 maja 2021</span>", "2021-05-12"),
    ],
)
def test_label_introduces_the_date(body: str, expected: str) -> None:
    assert _found(body) == expected


def test_a_date_in_prose_is_not_labelled() -> None:
    body = "<p>The council said the report, published on 3 May 2024, was incomplete.</p>"
    assert _found(body) is None


def test_a_modification_label_is_not_a_publication_label() -> None:
    assert _found("<p>Aktualisiert am 16.08.2019</p><p>Updated: 17 Aug 2019</p>") is None


def test_the_first_labelled_date_wins() -> None:
    body = "<p>Datum: 03.02.2022</p><div>Kommentar</div><p>Datum: 04.02.2022</p>"
    assert _found(body) == "2022-02-03"


def test_label_without_a_date_reads_on() -> None:
    assert _found("<p>Date: unknown</p><p>Posted on 1 June 2020</p>") == "2020-06-01"


def test_walk_is_bounded_in_elements() -> None:
    filler = "<i>x</i>" * MAX_ELEMENTS
    assert _found(filler + "<p>Published 1 June 2020</p>") is None
