"""Author cleaning and byline finding: clean names only, once each."""

from __future__ import annotations

import json
import time

import lxml.html
import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawl.extraction.metadata.authors import (
    clean_authors,
    find_bold_byline,
    find_byline,
    split_names,
)
from newscrawl.extraction.metadata.cascade import extract_metadata


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Jane Doe and John Roe | Staff Reporter", ["Jane Doe", "John Roe"]),
        ("Mathias Hagen / Journalist", ["Mathias Hagen"]),
        ("Felix Schröder und Jörg Soldwisch, dpa", ["Felix Schröder", "Jörg Soldwisch", "dpa"]),
        ("Von Anna Martel", ["Anna Martel"]),
        ("Par Claire Dubois et Marc Petit", ["Claire Dubois", "Marc Petit"]),
        ("Por María López y Juan Pérez", ["María López", "Juan Pérez"]),
        ("Trine Jørgensen og Tôrtia Reimer", ["Trine Jørgensen", "Tôrtia Reimer"]),
        ("d.kuckelkorn@boersen-zeitung.de", []),
        ("Jane Doe (jane@example.com)", ["Jane Doe"]),
        ("Staff Reporter", []),
        ("Senior Political Correspondent", []),
        ("MND Staff", ["MND Staff"]),
        ("Povilas Aleksandravičius, Mykolo Romerio universitetas", ["Povilas Aleksandravičius"]),
        ("박준석 기자", ["박준석"]),
        ("Updated: 3 May 2024", []),
        ("Tom I. Smith", ["Tom I. Smith"]),
        ("Jane Doe - Senior Correspondent", ["Jane Doe"]),
        ("https://www.facebook.com/somepaper", []),
        ("window._q.push({a: 1})", []),
        ("Ilana Muhlstein, MS, RDN", ["Ilana Muhlstein"]),
        ("Текст: Венера Ерофеева", ["Венера Ерофеева"]),
        ("Jeff Foust Monday, November 18, 2019", ["Jeff Foust"]),
        ("June Carter", ["June Carter"]),
    ],
)
def test_split_names(raw: str, expected: list[str]) -> None:
    assert split_names(raw) == expected


def test_clean_authors_removes_duplicates_case_insensitively() -> None:
    assert clean_authors(["Jane Doe", "JANE DOE", "By Jane Doe", "John Roe"]) == [
        "Jane Doe",
        "John Roe",
    ]


def test_clean_authors_ignores_non_strings() -> None:
    assert clean_authors([None, 3, "Jane Doe"]) == ["Jane Doe"]  # type: ignore[list-item]


def _root(body: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html><body>{body}</body></html>")


def test_byline_from_rel_author_links() -> None:
    root = _root(
        '<div class="meta">By <a rel="author" href="https://x.example/a/jane">Jane Doe</a></div>'
        "<p>Story text that is long enough to be a paragraph of the article.</p>"
    )
    assert find_byline(root) == ["Jane Doe"]


def test_byline_prefers_explicit_by_line_over_brand_label() -> None:
    root = _root(
        '<div class="authors"><span class="authors__brand">capital</span>'
        '<ul><li class="authors__item">von Jemima Kelly</li></ul></div>'
    )
    assert find_byline(root) == ["Jemima Kelly"]


def test_byline_skips_author_bio_box_and_scripts() -> None:
    root = _root(
        '<div class="author-box"><div class="desc"><span class="author-name">Eddie</span>'
        "<p>Eddie is the founder of this website and writes about many things.</p></div></div>"
        '<span class="byline"><script>window.track("x")</script>Sam Green</span>'
    )
    assert find_byline(root) == ["Sam Green"]


def test_byline_returns_nothing_without_byline() -> None:
    assert find_byline(_root("<p>No byline here at all.</p>")) == []


def test_bold_first_paragraph_is_a_byline() -> None:
    root = _root(
        "<p><strong>Mathatisi Sebusi/Mohalenyane Phakela</strong></p>"
        "<p>A mining company has come under heavy criticism from residents.</p>"
    )
    assert find_bold_byline(root) == ["Mathatisi Sebusi", "Mohalenyane Phakela"]


def test_bold_subheading_is_not_a_byline() -> None:
    root = _root(
        "<p>First paragraph of the story with enough words in it.</p>"
        "<p><strong>Water woes</strong></p><p>More text.</p><p>Final words of the story here.</p>"
    )
    assert find_bold_byline(root) == []


@settings(max_examples=examples(200), deadline=None)
@given(st.text(max_size=200))
def test_split_names_never_crashes_and_returns_clean_strings(raw: str) -> None:
    for name in split_names(raw):
        assert name == name.strip() and name and "@" not in name


def test_breadcrumbs_and_photo_credits_are_not_bylines() -> None:
    root = lxml.html.fromstring(
        "<article><nav class='breadcrumbs'><div class='breadbar _author'><a href='/a/b/'>Home</a>"
        "<a href='/a/b/c/'>Switzerland</a></div></nav>"
        "<figure><figcaption itemprop='author'>Foto: Mads Rasmussen</figcaption></figure>"
        "<div class='byline'>By Jane Doe</div></article>"
    )
    assert find_byline(root) == ["Jane Doe"]


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Jane Doe, John Roe and Max Mustermann", ["Jane Doe", "John Roe", "Max Mustermann"]),
        ("By Jane Doe, Senior Political Correspondent", ["Jane Doe"]),
        ("Jane Doe | Staff Reporter", ["Jane Doe"]),
        ("By Jane Doe, AFP", ["Jane Doe", "AFP"]),
        ("Jane Doe @janedoe", ["Jane Doe"]),
        ("By Jane Doe (@janedoe)", ["Jane Doe"]),
        ("Jane Doe Twitter", ["Jane Doe"]),
        ("Follow @janedoe", []),
        ("김철수 기자", ["김철수"]),
        ("王小明 记者", ["王小明"]),
        ("田中太郎、佐藤花子", ["田中太郎", "佐藤花子"]),
        ("राहुल शर्मा", ["राहुल शर्मा"]),
        ("By राहुल शर्मा और अमित कुमार", ["राहुल शर्मा", "अमित कुमार"]),
    ],
)
def test_byline_strings_of_many_shapes(raw: str, names: list[str]) -> None:
    assert split_names(raw) == names


def _page_authors(head: str, body: str) -> list[str]:
    tree = lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    return extract_metadata(tree, "https://paper.example/news/story-1").authors


def test_jsonld_person_beats_the_organisation_and_the_meta_author() -> None:
    ld = {"@type": "NewsArticle", "headline": "H",
          "author": [{"@type": "Person", "name": "Jane Doe"},
                     {"@type": "Organization", "name": "Paper Example"}]}
    head = (f'<script type="application/ld+json">{json.dumps(ld)}</script>'
            '<meta name="author" content="Newsroom Desk">')
    body = '<article><h1>H</h1><p class="byline">By John Roe</p></article>'
    assert _page_authors(head, body) == ["Jane Doe"]


def test_an_organisation_alone_in_jsonld_yields_to_the_visible_byline() -> None:
    ld = {"@type": "NewsArticle", "headline": "H",
          "author": {"@type": "Organization", "name": "Paper Example"}}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    body = '<article><h1>H</h1><p class="byline">By Jane Doe and John Roe</p></article>'
    assert _page_authors(head, body) == ["Jane Doe", "John Roe"]


def test_a_byline_beside_a_headline_outside_the_article_is_read() -> None:
    body = ('<div class="top"><header><h1>Dam bursts above the valley</h1>'
            '<p class="byline">By Jane Doe and John Roe</p></header></div>'
            "<article><p>First paragraph of the story, long enough to be the body.</p>"
            "<p>Second paragraph.</p></article>")
    assert _page_authors("", body) == ["Jane Doe", "John Roe"]


def test_a_byline_far_from_the_headline_is_not_taken() -> None:
    body = ("<div><div><div><div><div><header><h1>Dam bursts above the valley</h1></header>"
            "</div></div></div></div>"
            '<footer><p class="byline">By Jane Doe</p></footer></div>'
            "<article><p>First paragraph.</p></article>")
    assert _page_authors("", body) == []


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Von Anna Schmidt", ["Anna Schmidt"]),
        ("Par Jean Dupont et Marie Curie", ["Jean Dupont", "Marie Curie"]),
        ("Von Montag an gilt die neue Regel", []),  # a sentence, not a byline
        ("Posted by\nNed Deily", ["Ned Deily"]),  # Blogger's footer line
        ("Geschrieben von Hans Meier", ["Hans Meier"]),
        ("Publié par Marie Dupont", ["Marie Dupont"]),
        ("Escrito por Ana Ruiz", ["Ana Ruiz"]),
    ],
)
def test_a_byline_is_known_by_its_prefix_whatever_its_class(line: str, names: list[str]) -> None:
    body = (f'<article><h1>Dam bursts above the valley</h1><div class="c7"><span class="c8">{line}'
            "</span></div><p>First paragraph of the story.</p></article>")
    assert _page_authors("", body) == names


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("Jon King, News Reporter", ["Jon King"]),  # "news" qualifies a role
        ("Von Diana Resnik mit AP", ["Diana Resnik"]),  # an agency's material, not an author
        ("By Jane Doe with Reuters", ["Jane Doe"]),
        ("Dolores Chang For Dailymail.Com", ["Dolores Chang"]),  # the outlet written for
        ("By Jane Doe for The New York Times", ["Jane Doe"]),
        ("Jane Doe with John Roe", ["Jane Doe with John Roe"]),  # two words after "with": not cut
    ],
)
def test_a_role_an_agency_or_an_outlet_beside_the_name_is_dropped(raw: str, names: list[str]) -> None:
    assert split_names(raw) == names


def test_a_long_tail_after_for_is_a_sentence_not_an_outlet() -> None:
    sentence = "Die Südtiroler Gesellschaft für Allgemeinmedizin hat in Klausen gefeiert."
    assert split_names(sentence) == []


AUTHOR_META = '<meta name="author" content="Jane Doe">'
LINKED_LINE = ('<address>Von <a rel="author" href="/autoren/jane-doe/">Jane Doe</a>, '
               '<a rel="author" href="/autoren/john-roe/">John Roe</a> und <span>Ann Poe</span></address>')


def test_a_rel_author_link_reads_its_whole_line() -> None:
    root = lxml.html.fromstring(f"<div>{LINKED_LINE}<p>Story.</p></div>")
    assert find_byline(root) == ["Jane Doe", "John Roe", "Ann Poe"]


def test_meta_naming_the_first_of_several_shown_authors_yields_to_the_byline() -> None:
    body = f"<article><h1>Dam bursts above the valley</h1>{LINKED_LINE}<p>First paragraph.</p></article>"
    assert _page_authors(AUTHOR_META, body) == ["Jane Doe", "John Roe", "Ann Poe"]


@pytest.mark.parametrize(
    "byline",
    [
        '<div class="byline">By <a href="/author/jane-doe">Jane Doe</a>, Frankfurt</div>',  # a place
        '<div class="byline">By <a href="/author/jane-doe">Jane Doe</a>, News Editor</div>',  # a role
        '<div class="byline">By <a href="/author/john-roe">John Roe</a></div>',  # another person
    ],
)
def test_the_meta_author_stays_unless_the_byline_adds_persons(byline: str) -> None:
    body = f"<article><h1>Dam bursts above the valley</h1>{byline}<p>First paragraph.</p></article>"
    assert _page_authors(AUTHOR_META, body) == ["Jane Doe"]


def test_a_relative_profile_link_is_the_name_and_the_role_beside_it_is_not() -> None:
    root = lxml.html.fromstring(
        '<div><div class="author-block"><a href="/authors/thabo-mokone"><img src="t.jpg"></a>'
        '<span class="name"><a href="/authors/thabo-mokone"> Thabo Mokone </a></span>'
        '<span class="title">Parliamentary editor</span>'
        '<a href="mailto:t@paper.example">mail</a></div></div>'
    )
    assert find_byline(root) == ["Thabo Mokone"]


def test_a_widget_label_among_the_byline_links_is_not_a_name() -> None:
    root = lxml.html.fromstring(
        '<div><div class="voc-author"><a href="/autor/marta-canete/">Marta Cañete</a>'
        '<a href="https://secure.paper.example/login/login.html">Iniciar sesión</a></div></div>'
    )
    assert find_byline(root) == ["Marta Cañete"]


def test_an_id_marks_a_byline_like_a_class() -> None:
    root = lxml.html.fromstring('<div><span id="authors">Reuters, Thorsten Kramer</span></div>')
    assert find_byline(root) == ["Reuters", "Thorsten Kramer"]


def test_a_page_naming_no_author_gets_none_not_the_sites_name() -> None:
    """The publisher is not the author of a page that names none (rejected: the site's
    name as a fallback, which only paid on pages stripped of their JSON-LD)."""
    head = '<meta property="og:site_name" content="Les Echos">'
    assert _page_authors(head, "<article><h1>Dam bursts</h1><p>First paragraph.</p></article>") == []


@pytest.mark.parametrize("raw", ["Jane " + "x" * 200_000 + " for " + "y " * 50_000, "a@" * 100_000])
def test_cleaning_a_hostile_author_string_is_linear(raw: str) -> None:
    started = time.perf_counter()
    split_names(raw)
    assert time.perf_counter() - started < 5  # the e-mail search alone took ~150 s on the first


@pytest.mark.parametrize(
    ("raw", "names"),
    [("d.kuckelkorn@boersen-zeitung.de", []), ("Jane Doe jane@example.com", ["Jane Doe"])],
)
def test_an_e_mail_beside_the_name_is_dropped(raw: str, names: list[str]) -> None:
    assert split_names(raw) == names


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("Erstellt von Andri Bryner", ["Andri Bryner"]),
        ("Interview: Julia Lauter", ["Julia Lauter"]),
        ("Piše: P. Mucović", ["P. Mucović"]),
        ("Recipe by Jane Doe", ["Jane Doe"]),
        ("Autor/in: Korinna Hennig", ["Korinna Hennig"]),  # the gendered label is not split at "/"
        ("Autor*in: Korinna Hennig", ["Korinna Hennig"]),
        ("Artikel von", []),  # the label alone, its name printed elsewhere
    ],
)
def test_more_byline_labels_are_cut(raw: str, names: list[str]) -> None:
    assert split_names(raw) == names


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("Publiziert am", []),  # a date's label, the date printed beside it
        ("Uncategorized", []),  # a blog's default category
        ("lupa am 26", []),  # a date cut short: a number standing alone is no name's
        ("P. Mucović prije 26 minuta", []),
        ("Hanns-Seidel-Stiftung e.V.", []),  # "e" of "e.V." is no "and"; the foundation is no person
        ("End User Licence Agreement", []),
        ("von Gesponserte Inhalte", []),
        ("Quelle:", []),
        ("BR24 Redaktion", ["BR24 Redaktion"]),  # a digit inside a word is a brand's, kept
        ("Nachrichten", []),  # a WordPress user named "News": the section, not a writer
        ("Redação", []),  # "the newsroom", as "Redaktion" alone is
        ("BBC News", ["BBC News"]),  # an agency's name holding the word stays
    ],
)
def test_labels_dates_and_furniture_are_no_names(raw: str, names: list[str]) -> None:
    assert split_names(raw) == names


def test_a_line_of_labelled_fields_gives_the_author_s_field() -> None:
    assert split_names("Datum: 19.11.2021 Autor: Fritz Imhof Quelle: Livenet") == ["Fritz Imhof"]


def test_a_bar_separated_post_line_names_no_category_after_its_date() -> None:
    assert split_names("by Jane Doe | Jun 2, 2020 | Travel Tips | 0 comments") == ["Jane Doe"]
    assert split_names("Jun 2, 2020 | By Jane Doe") == ["Jane Doe"]  # a leading date cuts nothing
