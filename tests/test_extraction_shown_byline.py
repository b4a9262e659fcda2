"""The byline the page shows below its headline, found without class names or JSON-LD.

Every page here has neutral class names ("c1", "c2" …) and no author metadata, as
pages from sites nobody tuned for often have: the byline must be found by where it
sits and how it reads.
"""

from __future__ import annotations

import lxml.html
import pytest

from newscrawl.extraction.metadata.authors import (
    clean_authors,
    find_prefixed_byline,
    line_names,
    separate_names,
)
from newscrawl.extraction.metadata.cascade import extract_metadata, labelled_authors
from newscrawl.extraction.metadata.meta_tags import collect_meta
from newscrawl.extraction.metadata.shown_byline import (
    NEAR_HEADLINE,
    find_shown_byline,
    is_author_link,
)

STORY = "<p>First paragraph of the story, long enough to be the body of it.</p>"


def _authors(body: str, head: str = "") -> list[str]:
    tree = lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    return extract_metadata(tree, "https://paper.example/news/story-1").authors


def _article(byline: str) -> str:
    return f'<article><div class="c1"><h1>Dam bursts above the valley</h1>{byline}</div>{STORY}</article>'


@pytest.mark.parametrize(
    "href",
    [
        "/author/jane-doe/",
        "https://paper.example/autoren/72777407/jane-doe",
        "/autor/jane-doe-1",
        "/auteurs/jane-doe",
        "/staff/jane-doe",
        "/index.php?author=12",
    ],
)
def test_a_link_to_an_author_page_is_a_byline(href: str) -> None:
    assert _authors(_article(f'<div class="c2"><a href="{href}">Jane Doe</a></div>')) == ["Jane Doe"]


def test_rel_author_is_an_author_link_whatever_its_href() -> None:
    link = lxml.html.fromstring('<a rel="author" href="/x/12">Jane Doe</a>')
    assert is_author_link(link)
    assert not is_author_link(lxml.html.fromstring('<a href="/politics/jane-doe">Jane Doe</a>'))


def test_co_authors_linked_beside_the_first_are_gathered() -> None:
    byline = ('<div class="c2"><a href="/author/jane"><img src="j.jpg"></a>'
              '<span>von</span> <a href="/author/jane">Jane Doe</a> und '
              '<a href="/author/john">John Roe</a></div>')
    assert _authors(_article(byline)) == ["Jane Doe", "John Roe"]


def test_a_byline_word_in_its_own_element_reads_with_its_siblings() -> None:
    byline = '<ul class="c2"><li><span>von</span><span class="c3">Jemima Kelly</span></li></ul>'
    assert _authors(_article(byline)) == ["Jemima Kelly"]


def test_names_in_separate_elements_are_not_run_together() -> None:
    byline = ('<div class="c2"><div>Von</div><div><span>Jasper Riemann</span>'
              '<span>Barbara Schneider</span></div></div>')
    assert _authors(_article(byline)) == ["Jasper Riemann", "Barbara Schneider"]


def test_a_marked_byline_with_one_name_per_span_gives_each_name() -> None:
    body = ('<article><h1>Dam bursts above the valley</h1><div class="article-byline">'
            '<span>Birgit Baumann</span> <span>Anna Giulia Fink</span> '
            f'<span>Jan Michael Marchart</span></div>{STORY}</article>')
    assert _authors(body) == ["Birgit Baumann", "Anna Giulia Fink", "Jan Michael Marchart"]


def test_separate_names_refuses_an_element_that_is_not_only_names() -> None:
    element = lxml.html.fromstring("<div><span>Jane Doe</span><span>3 min read</span></div>")
    assert separate_names(element) == []


def test_an_address_element_names_the_author() -> None:
    assert _authors(_article('<address class="c2">Jane Doe</address>')) == ["Jane Doe"]


def test_an_rdfa_author_property_names_the_author() -> None:
    byline = '<p class="c2">Text: <span property="schema:author">Jane Doe</span></p>'
    assert _authors(_article(byline)) == ["Jane Doe"]


def test_a_photo_credit_is_not_a_byline() -> None:
    byline = '<figure><img src="a.jpg"><figcaption><a href="/author/jane">Jane Doe</a></figcaption></figure>'
    assert _authors(_article(byline)) == []


def test_a_byline_beyond_the_scan_below_the_headline_is_not_read() -> None:
    filler = "".join(f"<p>Paragraph {i}.</p>" for i in range(NEAR_HEADLINE + 5))
    body = _article(filler + '<div><a href="/author/jane">Jane Doe</a></div>')
    tree = lxml.html.document_fromstring(f"<html><body>{body}</body></html>")
    assert find_shown_byline(tree, tree) == []
    assert find_shown_byline(tree, tree.find(".//article")) == []


def test_without_an_h1_the_article_start_is_read() -> None:
    body = f'<article><h2>Dam bursts</h2><p class="c2">By Jane Doe</p>{STORY}</article>'
    tree = lxml.html.document_fromstring(f"<html><body>{body}</body></html>")
    assert find_shown_byline(tree, tree.find(".//article")) == ["Jane Doe"]


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("Von Anna Sleegers, Frankfurt", ["Anna Sleegers"]),
        ("By Jane Doe, Reuters", ["Jane Doe"]),
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Von Montag, Berlin", []),
    ],
)
def test_a_one_word_place_after_the_names_is_dropped(line: str, names: list[str]) -> None:
    assert line_names(line) == names


def test_a_prefixed_byline_with_a_place_is_found_without_its_class() -> None:
    byline = '<h5 class="c2">Von Anna Sleegers, Frankfurt</h5>'
    assert _authors(_article(byline)) == ["Anna Sleegers"]


@pytest.mark.parametrize(
    ("head", "names"),
    [
        ('<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Jane Doe">',
         ["Jane Doe"]),
        (('<meta name="twitter:label1" content="Est. reading time"><meta name="twitter:data1" content="4 min">'
          '<meta name="twitter:label2" content="Verfasst von"><meta name="twitter:data2" content="Anna Roth">'),
         ["Anna Roth"]),
        ('<meta name="twitter:misc:Written by" content="Dieter Kuckelkorn">', ["Dieter Kuckelkorn"]),
        ('<meta name="twitter:label1" content="Est. reading time"><meta name="twitter:data1" content="4 min">',
         []),
    ],
)
def test_the_labelled_meta_pair_names_the_author(head: str, names: list[str]) -> None:
    tree = lxml.html.document_fromstring(f"<html><head>{head}</head><body></body></html>")
    assert labelled_authors(collect_meta(tree)) == names
    assert _authors(_article(""), head) == names


def test_the_labelled_pair_comes_after_the_author_meta() -> None:
    head = ('<meta name="author" content="Jane Doe">'
            '<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="John Roe">')
    assert _authors(_article(""), head) == ["Jane Doe"]


def test_co_authors_printed_but_not_linked_are_kept() -> None:
    body = ('<article><h1>Dam bursts above the valley</h1><div class="byline">By Steve Peoples, '
            '<a href="https://paper.example/author/thomas-beaumont">Thomas Beaumont</a> and '
            f'Amelia Thomson-DeVeaux</div>{STORY}</article>')
    assert _authors(body) == ["Steve Peoples", "Thomas Beaumont", "Amelia Thomson-DeVeaux"]


def test_a_linked_name_with_a_role_beside_it_stays_the_link() -> None:
    body = ('<article><h1>Dam bursts above the valley</h1><div class="byline">'
            '<a href="https://paper.example/author/jane">Jane Doe</a> Senior Editor</div>'
            f'{STORY}</article>')
    assert _authors(body) == ["Jane Doe"]


@pytest.mark.parametrize("after", [", Berlin", " | 3 min read"])
def test_a_linked_name_with_a_place_or_a_label_beside_it_stays_the_link(after: str) -> None:
    body = ('<article><h1>Dam bursts above the valley</h1><div class="byline">'
            f'<a href="https://paper.example/author/jane">Jane Doe</a>{after}</div>{STORY}</article>')
    assert _authors(body) == ["Jane Doe"]


def test_a_link_to_a_site_root_in_the_byline_is_not_a_name() -> None:
    body = ('<article><h1>Dam bursts above the valley</h1><div class="byline">'
            '<a href="https://paper.example/author/jane">Jane Doe</a>'
            '<p>To listen, <a href="https://login.example/">sign in here</a></p></div>'
            f'{STORY}</article>')
    assert _authors(body) == ["Jane Doe"]


def test_a_user_name_spelling_of_a_name_is_the_same_author() -> None:
    assert clean_authors(["Sauli Giliard", "Sauli.giliard", "Anna Roth"]) == ["Sauli Giliard", "Anna Roth"]


def test_the_link_labels_of_a_profile_box_are_not_names() -> None:
    assert clean_authors(["Archives, Website, Github, Youtube"]) == []
    assert clean_authors(["Jane Doe, Website"]) == ["Jane Doe"]


def test_an_h1_in_a_breadcrumb_reads_the_byline_after_the_trail() -> None:
    body = ('<article><div class="c1"><nav><div class="c5"><ul><li><a href="/">Home</a></li>'
            "<li><h1>Dam bursts above the valley</h1></li></ul></div></nav>"
            '<div class="c2"><h2>Dam bursts</h2></div>'
            '<div class="c3"><div class="c4"><a href="/autoren/jane-doe/">Jane Doe</a>, '
            f'<a href="/autoren/john-roe/">John Roe</a></div></div></div>{STORY}</article>')
    assert _authors(body) == ["Jane Doe", "John Roe"]


def test_the_byline_below_the_headline_beats_an_explicit_one_further_down() -> None:
    body = ('<div><h1>Dam bursts above the valley</h1><span id="authors">Reuters, Thorsten Kramer</span>'
            f'{STORY}<div class="list"><div class="card"><div class="entry"><div class="item">'
            '<div class="authors">Von Anna Sleegers</div></div></div></div></div></div>')
    assert _authors(body) == ["Reuters", "Thorsten Kramer"]


@pytest.mark.parametrize("label", ["capital", "3 Min"])
def test_a_marked_element_not_spelled_as_names_is_passed_over(label: str) -> None:
    byline = (f'<span class="brand authors__brand">{label}</span>'
              '<ul><li class="authors__item">Von Jane Doe</li></ul>')
    assert _authors(_article(byline)) == ["Jane Doe"]


def test_a_link_reading_initials_is_not_a_name() -> None:
    byline = '<div class="c2"><a href="/author/id_92437676/julian-seiferth.html">jse</a></div>'
    stream_root = lxml.html.fromstring(f"<div>{_article(byline)}</div>")
    assert find_shown_byline(stream_root, stream_root) == []


def test_the_prefixed_search_reads_a_byline_word_in_its_own_element() -> None:
    root = lxml.html.fromstring(
        '<div><div class="c2"><span>Von </span><span></span>'
        f'<a href="/x/1"><span>Jakob Hartung</span></a></div>{STORY}</div>'
    )
    assert find_prefixed_byline(root) == ["Jakob Hartung"]
