"""Body lines as a browser shows them: source line breaks inside a paragraph are spaces."""

from __future__ import annotations

import lxml.etree
import lxml.html
from trafilatura.xml import xmltotxt

from newscrawl.extraction import extract_article
from newscrawl.extraction.body.layout import fold_source_breaks


def text_of(body: lxml.etree._Element) -> list[str]:
    fold_source_breaks(body)
    return [line.strip() for line in xmltotxt(body, include_formatting=False).split("\n") if line.strip()]


def test_hard_wrapped_paragraph_is_one_line() -> None:
    body = lxml.etree.fromstring(
        "<body><p>The council met on\nTuesday to vote on\n   the budget.</p><p>Second\nparagraph.</p></body>"
    )
    assert text_of(body) == ["The council met on Tuesday to vote on the budget.", "Second paragraph."]


def test_break_next_to_an_inline_element_is_a_space() -> None:
    body = lxml.etree.fromstring(
        "<body><p>The mayor\n<hi>said</hi>\non Monday that\n<hi rend='#b'>the bridge</hi>\nwould reopen.</p></body>"
    )
    assert text_of(body) == ["The mayor said on Monday that the bridge would reopen."]


def test_br_lines_and_blocks_stay_lines() -> None:
    body = lxml.etree.fromstring(
        "<body><p>First line of\nthe poem<lb/>second line</p><list><item>one\nitem</item>"
        "<item>two</item></list></body>"
    )
    assert text_of(body) == ["First line of the poem", "second line", "- one item", "- two"]


def test_loose_text_before_a_block_keeps_its_own_line() -> None:
    # readability hands back the page's divs: loose text, then a paragraph
    body = lxml.html.fromstring(
        "<div>\n  Published 5 May by Ana Lima - Tags: health\n roads\n\n<p>The clinic\nopened.</p></div>"
    )
    lines = text_of(body)
    assert lines == ["Published 5 May by Ana Lima - Tags: health roads", "The clinic opened."]


def test_preformatted_text_keeps_its_lines() -> None:
    body = lxml.etree.fromstring("<body><p>Run\nthis:</p><code>make setup\nmake test</code></body>")
    assert text_of(body) == ["Run this:", "make setup", "make test"]


def test_hard_wrapped_page_gives_one_paragraph_per_block() -> None:
    html = (
        "<html><head><title>Stunning photos</title></head><body><div class='post-body'>"
        "<div><span>Photos which were\n released online show the actress\nat the film awards.<br></span></div>"
        "<div>The actress, who won\nthe award in 2008, shared\nthe photos herself.</div>"
        "</div></body></html>"
    )
    body = extract_article(html.encode(), "https://example.org/p").body or ""
    assert "Photos which were released online show the actress at the film awards." in body.split("\n\n")
    assert "The actress, who won the award in 2008, shared the photos herself." in body.split("\n\n")
