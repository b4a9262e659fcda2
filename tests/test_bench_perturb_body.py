"""bench/perturb_body.py puts each block inside the article container, between real
paragraphs, from the page's own texts, and scores as score.py does."""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import lxml.html
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import perturb_body

PARAS = [
    "The city council approved the new budget on Tuesday after a long debate about schools and roads.",
    "Several members called the harbour plan overdue and asked for a second vote next month on it.",
    "The mayor said the money for the new quay would come from the regional fund and local taxes.",
]
TRUTH = {"id": "p1", "url": "https://news.example.org/2024/05/03/budget.html", "authors": ["Jane Roe"],
         "body": "\n\n".join(PARAS)}
PAGE = f"""<html lang="de"><head><title>Budget approved</title></head><body>
<nav><a href="/sport">Sport</a> <a href="https://news.example.org/2024/05/02/ferry-line-opens.html">Neue
Fährlinie im Hafen eröffnet</a> <a href="/2024/05/01/mayor-visits-school.html">Bürgermeisterin besucht die
neue Schule</a></nav>
<article><h1>Budget approved</h1><div class="text">{''.join(f'<p>{p}</p>' for p in PARAS)}</div></article>
<img src="/logo.png" alt="Das neue Hafenbecken am Morgen gesehen"></body></html>"""


class Shingles:
    """The two pieces of score.py the bench's edits use (4-token shingles)."""

    @staticmethod
    def shingles(text: str, n: int = 4) -> Counter:
        toks = re.findall(r"\w+", text or "")
        return Counter(tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1)) if toks[i:i + n])


def _edited(variant: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(perturb_body.perturbed_html(PAGE, TRUTH, variant, Shingles))


@pytest.mark.parametrize("variant", [v for v in perturb_body.VARIANTS if v != "none"])
def test_every_block_sits_between_body_paragraphs_in_the_container(variant: str) -> None:
    container = _edited(variant).find(".//div[@class='text']")
    children = list(container)
    assert [c.text_content() for c in children if c.tag == "p" and c.text_content() in PARAS] == PARAS
    block = children[2]  # after the middle paragraph of three
    assert block.text_content() not in PARAS and children[1].text_content() == PARAS[1]
    classes = " ".join(el.get("class") or "" for el in block.iter())
    if variant.endswith("_neutral"):
        assert all(re.fullmatch(r"c\d+", c) for c in classes.split())
    else:
        assert not re.search(r"\bc\d+\b", classes)


def test_blocks_use_the_pages_own_texts_and_language() -> None:
    related = _edited("related_typical").find(".//div[@class='text']")[2]
    items = [li.text_content() for li in related.iter("li")]
    assert items[:2] == ["Neue Fährlinie im Hafen eröffnet", "Bürgermeisterin besucht die neue Schule"]
    assert related.find("h3").text == perturb_body.LABELS["de"]["related"]
    assert _edited("related_neutral").find(".//div[@class='text']")[2].find(".//h3") is None
    caption = _edited("figure_typical").find(".//figcaption").text_content()
    assert caption.startswith("Das neue Hafenbecken") and "©" in caption
    assert "Jane Roe" in _edited("byline_neutral").find(".//div[@class='text']")[2].text_content()


def test_none_leaves_the_page_and_pages_without_paragraphs_stay_as_they_are() -> None:
    assert len(_edited("none").findall(".//div[@class='text']/*")) == 3
    bare = perturb_body.perturbed_html("<html><body><div>Short.</div></body></html>", TRUTH, "related_typical",
                                       Shingles)
    assert "<ul" not in bare


def test_scores_are_score_py_means() -> None:
    rows = [{"tp": 1.0, "fp": 0.0, "fn": 0.0, "p": 1.0, "r": 1.0},
            {"tp": 0.5, "fp": 0.5, "fn": 0.0, "p": 0.5, "r": 1.0},
            {"tp": 0.0, "fp": 0.0, "fn": 1.0, "p": 0.0, "r": 0.0}]  # nothing answered: no precision
    p, r, f1 = perturb_body.body_scores(rows)
    assert (p, round(r, 3)) == (0.75, 0.667) and f1 == pytest.approx(2 * p * r / (p + r))
