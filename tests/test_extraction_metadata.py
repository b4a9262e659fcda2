"""The metadata cascade: each source, the choice between them, and provenance."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscrawl.extraction.hints import SiteHints
from newscrawl.extraction.metadata import cascade as metadata_module
from newscrawl.extraction.metadata import meta_dates
from newscrawl.extraction.metadata.cascade import Metadata, extract_metadata
from newscrawl.extraction.metadata.headline import choose_title
from newscrawl.extraction.metadata.jsonld import load_block, parse_jsonld
from newscrawl.extraction.metadata.titles import site_labels, strip_site_name

FIXTURES = Path(__file__).parent / "fixtures" / "metadata"


def _tree(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def _extract(
    head: str = "",
    body: str = "",
    url: str | None = "https://paper.example/news/story-1",
    **hints: object,
) -> Metadata:
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    return extract_metadata(_tree(html), url, SiteHints(**hints))  # type: ignore[arg-type]


@pytest.mark.parametrize("page", sorted(FIXTURES.glob("*.html")), ids=lambda p: p.stem)
def test_fixture_pages(page: Path) -> None:
    spec = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    tree = lxml.html.document_fromstring(page.read_bytes())
    result = extract_metadata(tree, spec["url"], SiteHints(**spec.get("hints", {})))
    for name, expected in spec["expected"].items():
        got = getattr(result, name)
        if name == "provenance":
            got = {key: got.get(key) for key in expected}
        assert got == expected, name


# --- JSON-LD ---------------------------------------------------------------------------


def test_jsonld_repairs_control_characters_and_trailing_commas() -> None:
    data = load_block('{"@type": "NewsArticle", "headline": "Line\x01one",\n "author": ["A",],}')
    assert data["headline"].startswith("Line") and data["author"] == ["A"]


def test_jsonld_picks_the_article_among_many_blocks() -> None:
    head = (
        '<script type="application/ld+json">{"@type":"BreadcrumbList","name":"Home"}</script>'
        '<script type="application/ld+json">[{"@type":"VideoObject","name":"Clip","datePublished":"2020-01-01"},'
        '{"@type":"ReportageNewsArticle","headline":"Real story","datePublished":"2024-02-02T10:00:00Z"}]</script>'
        '<script type="application/ld+json">{ broken json</script>'
    )
    result = _extract(head)
    assert result.title == "Real story"
    assert result.published == "2024-02-02T10:00:00+00:00"
    assert "ReportageNewsArticle" in result.jsonld_types


def test_jsonld_resolves_author_references_and_keeps_wire_agencies() -> None:
    head = (
        '<script type="application/ld+json">{"@graph":['
        '{"@type":"NewsArticle","headline":"Storm","author":[{"@id":"#p1"},{"@type":"Organization","name":"Reuters"}]},'
        '{"@type":"Person","@id":"#p1","name":"Lena Berg","url":"https://paper.example/lena"}]}</script>'
    )
    assert _extract(head).authors == ["Lena Berg", "Reuters"]


def test_jsonld_article_body_keeps_line_breaks() -> None:
    head = '<script type="application/ld+json">{"@type":"NewsArticle","headline":"H","articleBody":"One.\\n\\nTwo &amp; three."}</script>'
    assert _extract(head).jsonld_body == "One.\n\nTwo & three."


def test_parse_jsonld_ignores_other_scripts() -> None:
    tree = _tree('<html><head><script>var x = {"@type": "NewsArticle"};</script></head></html>')
    assert parse_jsonld(tree).article is None


# --- titles ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Flood relief camps | Sindh Daily", "Flood relief camps"),
        ("Flood relief camps - Sindh Daily", "Flood relief camps"),
        (
            "Ukraine offensive: goals | Europe | DW | 28.04.2023",
            "Ukraine offensive: goals",  # a few words after a bar: the section
        ),
        ("Sindh Daily | Flood relief camps", "Flood relief camps"),
        (
            "Your $1 bill could be worth THOUSANDS - here's how to check",
            "Your $1 bill could be worth THOUSANDS - here's how to check",
        ),
    ],
)
def test_strip_site_name(raw: str, expected: str) -> None:
    labels = site_labels("https://www.dw.com/x", ["Sindh Daily"])
    assert strip_site_name(raw, labels) == expected


def test_strip_site_name_drops_glued_section() -> None:
    labels = site_labels("https://www.hankook.example/a", ["한국일보"])
    assert (
        strip_site_name("장동혁 부담 커졌다-정치ㅣ한국일보", labels, "정치") == "장동혁 부담 커졌다"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Flood relief camps reopen | Nachrichten", "Flood relief camps reopen"),
        ("Flood relief camps reopen ｜ Pakistan News", "Flood relief camps reopen"),
        ("Flood relief camps reopen | Region | Regional news desk", "Flood relief camps reopen"),
        # a bar opening a kicker, or before a longer segment, is the headline's own
        ("BUDGET 3.0 | Sars gets R4bn to hire army of debt collectors",
         "BUDGET 3.0 | Sars gets R4bn to hire army of debt collectors"),
        ("Flood relief | camps reopen across the province after the rains",
         "Flood relief | camps reopen across the province after the rains"),
        # a short segment in a script the headline does not use
        ("Флуд в лагерях — Lebanon News", "Флуд в лагерях"),
        ("Dam bursts above the valley · 地方新闻", "Dam bursts above the valley"),
        ("Dam bursts above the valley — Новости", "Dam bursts above the valley"),
        # same script, or a long segment: kept
        ("Dam bursts above the valley - Region", "Dam bursts above the valley - Region"),
        ("Europe | Ukraine offensive", "Europe | Ukraine offensive"),  # a leading section
        ("Lebanon News - شعر وردي يُشعل السخرية", "Lebanon News - شعر وردي يُشعل السخرية"),
        ("민주당 불발··· 친청계 - KBS 뉴스", "민주당 불발··· 친청계 - KBS 뉴스"),
        ("Dam bursts above the valley — Новости о том, как это было вчера вечером в городе",
         "Dam bursts above the valley — Новости о том, как это было вчера вечером в городе"),
    ],
)
def test_strip_site_name_drops_furniture_tails(raw: str, expected: str) -> None:
    labels = site_labels("https://paper.example/x", [])
    assert strip_site_name(raw, labels) == expected


def test_choose_title_prefers_jsonld_headline() -> None:
    assert choose_title(
        {"jsonld": "A story", "og": "A story", "title": "A story"}, ["A story!"]
    ) == ("A story", "jsonld")


def test_choose_title_drops_the_kicker() -> None:
    chosen = choose_title({"jsonld": "Floods: Elbe rises", "og": "Elbe rises"}, ["Floods: Elbe rises"])
    assert chosen == ("Elbe rises", "og")


def test_choose_title_prefers_visible_h1_over_jsonld_copy_of_seo_title() -> None:
    chosen = choose_title(
        {
            "jsonld": "SEO words",
            "title": "SEO words",
            "og": "Shown headline",
        },
        ["Shown headline"],
    )
    assert chosen == ("Shown headline", "h1")


def test_choose_title_keeps_the_visible_headline_when_twitter_contradicts_og() -> None:
    candidates = {"jsonld": "Iran pulls out of talks",
                  "twitter": "Iran pulls out of talks", "og": "End of talks? Tehran is clear"}
    shown = ["Iran pulls out of talks"]
    assert choose_title(candidates, shown) == ("Iran pulls out of talks", "jsonld")
    del candidates["twitter"]  # uncontradicted, the distinct social title is the editorial one
    assert choose_title(candidates, shown) == ("End of talks? Tehran is clear", "og")


def test_h1_kicker_span_glues_hidden_colon() -> None:
    body = ('<article><h1><span class="kicker">Draft law</span><span class="hide">: </span>'
            "<span>A bit of progress</span></h1></article>")
    assert _extract("", body).title == "Draft law: A bit of progress"


def test_title_drops_a_tail_naming_a_url_directory() -> None:
    head = '<meta property="og:title" content="Firefighters retire later - Landespolitik - Nachrichten">'
    result = _extract(head, "<p>x</p>", url="https://paper.example/nachrichten/landespolitik/story-1")
    assert result.title == "Firefighters retire later"


def test_title_ignores_logo_h1_outside_article() -> None:
    body = "<header><h1>PAPER</h1></header><article><h1>The council votes today</h1></article>"
    result = _extract("<title>Something else entirely</title>", body)
    assert result.title == "The council votes today"
    assert result.provenance["title"] == "h1"


# --- authors --------------------------------------------------------------------------


def test_site_name_is_not_an_author_when_a_byline_names_people() -> None:
    head = (
        '<meta property="og:site_name" content="n-tv NACHRICHTEN">'
        '<script type="application/ld+json">{"@type":"NewsArticle","headline":"H",'
        '"author":{"@type":"Organization","name":"n-tv NACHRICHTEN"}}</script>'
    )
    body = '<article><h1>H</h1><span class="article__author">Von Seb Dumitru</span></article>'
    result = _extract(head, body, url="https://www.n-tv.de/sport/x.html")
    assert result.authors == ["Seb Dumitru"]
    assert result.provenance["authors"] == "byline"


def test_organisation_author_is_kept_when_nothing_better() -> None:
    head = '<script type="application/ld+json">{"@type":"NewsArticle","headline":"H","author":{"@type":"Organization","name":"DER SPIEGEL"}}</script>'
    assert _extract(head).authors == ["DER SPIEGEL"]


def test_meta_author_address_of_the_site_is_not_people() -> None:
    head = '<meta property="og:site_name" content="hessenschau.de"><meta name="author" content="hessenschau.de, Frankfurt, Germany">'
    assert _extract(head, url="https://www.hessenschau.de/x").authors == ["hessenschau.de"]


def test_an_author_tag_holding_the_editor_tag_s_name_names_no_author() -> None:
    head = '<meta name="editor" content="王小明"><meta name="author" content="王小明">'
    body = "<article><p>正文。</p><div>【责任编辑：王小明】</div></article>"
    assert _extract(head, body).authors == []
    # an author tag naming someone else than the editor is an author
    head = '<meta name="editor" content="王小明"><meta name="author" content="李华">'
    assert _extract(head, body).authors == ["李华"]


def test_no_author_gives_empty_list() -> None:
    result = _extract("<title>T</title>", "<p>text</p>")
    assert result.authors == [] and "authors" not in result.provenance


# --- dates ----------------------------------------------------------------------------


def test_naive_jsonld_date_upgraded_by_meta_with_offset() -> None:
    head = (
        '<script type="application/ld+json">{"@type":"NewsArticle","headline":"H","datePublished":"2024-08-05 20:59:59.0"}</script>'
        '<meta property="article:published_time" content="2024-08-05T20:59:59+02:00">'
    )
    result = _extract(head)
    assert result.published == "2024-08-05T20:59:59+02:00"
    assert result.provenance["published"] == "meta"


def test_naive_date_takes_registry_timezone() -> None:
    head = '<meta property="article:published_time" content="2024-08-12 14:30">'
    assert _extract(head, timezone="Asia/Karachi").published == "2024-08-12T14:30:00+05:00"


def test_time_element_in_article() -> None:
    body = '<aside><time datetime="2020-01-01">old</time></aside><article><h1>H</h1><time datetime="2024-03-01T09:00:00+01:00">1 March</time></article>'
    result = _extract("", body)
    assert (
        result.published == "2024-03-01T09:00:00+01:00" and result.provenance["published"] == "time"
    )


def test_url_date_is_the_last_resort() -> None:
    result = _extract("<title>T</title>", "<p>x</p>", url="https://paper.example/2024/05/03/story/")
    assert result.published == "2024-05-03" and result.provenance["published"] == "url"


def test_page_search_answers_when_no_source_states_the_date() -> None:
    lead = "Der Verein feierte mit vielen Gaesten und Musik bis in die Nacht. " * 4
    body = f"<div><h1>Vereinsfest im Dorf</h1><p>{lead}</p><p>Eingestellt am 14.03.2021 von der Redaktion.</p></div>"
    result = _extract("<title>Vereinsfest</title>", body)
    assert result.published == "2021-03-14" and result.provenance["published"] == "htmldate"


HEADLINE = "<h1>Council approves the new budget</h1>"


def test_dateline_answers_before_the_page_search(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(meta_dates, "search_page", _no_search)
    result = _extract("<title>T</title>", HEADLINE + "<p>13 Oct 2020 18:29</p><p>Text.</p>")
    assert result.published == "2020-10-13T18:29:00" and result.provenance["published"] == "dateline"


def test_dateline_overrules_the_article_times_of_comments() -> None:
    body = ("<article>" + HEADLINE + "<p>von Marianne, am 20.09.2020</p><p>Text.</p>"
            "<ol><li><time datetime='2020-09-23T18:19:06+02:00'>23.09.20</time> Lecker!</li></ol></article>")
    result = _extract("", body)
    assert result.published == "2020-09-20" and result.provenance["published"] == "dateline"


def test_dateline_overrules_a_generic_date_meta() -> None:
    result = _extract('<meta name="date" content="2020-02-12">', HEADLINE + "<div>05.02.2020 - Redaktion</div>")
    assert result.published == "2020-02-05" and result.provenance["published"] == "dateline"


def test_article_time_overrules_a_generic_date_meta_without_dateline() -> None:
    lead = "The council met for hours and argued about every line of the plan. " * 5
    body = f"<article>{HEADLINE}<p>{lead}</p><time datetime='2022-01-25T08:00:00+01:00'>25.01.2022</time></article>"
    result = _extract('<meta name="dcterms.date" content="2022-01-21T09:43+01:00">', body)
    assert result.published == "2022-01-25T08:00:00+01:00" and result.provenance["published"] == "dateline"


def test_specific_meta_key_outranks_the_generic_date_meta() -> None:
    head = '<meta name="date" content="2020-02-12"><meta property="og:pubdate" content="2020-02-05T10:00:00Z">'
    assert _extract(head, "<p>x</p>").published == "2020-02-05T10:00:00+00:00"


def test_confirmed_dateline_overrules_the_structured_date_with_the_confirming_time() -> None:
    head = ('<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2022-01-04T07:29:00Z"}</script>'
            '<meta property="article:published_time" content="2022-01-06T08:29:34+01:00">')
    result = _extract(head, HEADLINE + "<div>06.01.2022</div>")
    assert result.published == "2022-01-06T08:29:34+01:00" and result.provenance["published"] == "meta"


def test_unconfirmed_dateline_leaves_the_structured_date() -> None:
    head = '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2022-01-04T07:29:00Z"}</script>'
    result = _extract(head, HEADLINE + "<div>06.01.2022</div>")
    assert result.published == "2022-01-04T07:29:00+00:00" and result.provenance["published"] == "jsonld"


def test_dateline_naming_the_same_day_with_month_first_keeps_the_meta() -> None:
    result = _extract('<meta name="date" content="2021-11-01">', HEADLINE + "<div>11/01/2021</div>")
    assert result.published == "2021-11-01" and result.provenance["published"] == "meta"


def test_dateline_naming_the_same_moment_in_local_time_keeps_the_meta() -> None:
    head = '<meta name="date" content="2023-11-09T04:15:00Z">'
    result = _extract(head, HEADLINE + "<div>Nov 8, 2023 11:15 PM</div>")
    assert result.published == "2023-11-09T04:15:00+00:00" and result.provenance["published"] == "meta"


def test_byline_date_confirmed_by_the_dateline_needs_no_page_search(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(meta_dates, "search_page", _no_search)
    body = HEADLINE + "<div class='byline'>By Ann Lee, 3 May 2024</div><p>Text.</p>"
    result = _extract("", body)
    assert result.published == "2024-05-03" and result.provenance["published"] == "text"


def test_dateline_overrules_a_byline_element_naming_another_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """A date in a byline-classed element elsewhere in the article (a teaser's, a comment's)
    yields to the date printed under the headline, without searching the page."""
    monkeypatch.setattr(meta_dates, "search_page", _no_search)
    body = ("<article>" + HEADLINE + "<div>23.10.2020 - Redaktion</div><p>Text.</p>"
            "<aside><span class='date'>11.11.2021</span> Related story</aside></article>")
    result = _extract("", body)
    assert result.published == "2020-10-23" and result.provenance["published"] == "dateline"


def test_time_of_an_embedded_post_is_not_the_article_time() -> None:
    """A <time> inside a <blockquote> dates the quoted tweet or post."""
    lead = "The council met for hours and argued about every line of the plan. " * 5
    body = (f"<article>{HEADLINE}<p>{lead}</p><blockquote class='instagram-media'><p>Post</p>"
            "<time datetime='2019-04-21T11:47:00+00:00'>Apr 21, 2019</time></blockquote>"
            "<time datetime='2019-10-18T16:06:50+02:00'>18.10.2019</time></article>")
    result = _extract("", body)
    assert result.published == "2019-10-18T16:06:50+02:00" and result.provenance["published"] == "time"


def _no_search(ctx: object) -> None:
    raise AssertionError("htmldate searched a page whose own sources agree")


def test_full_url_date_overrules_a_source_naming_another_day() -> None:
    head = '<meta property="article:published_time" content="2019-06-17T18:28:00+02:00">'
    result = _extract(head, "<p>x</p>", url="https://blog.example/home/2017/7/12/story")
    assert result.published == "2017-07-12" and result.provenance["published"] == "url"


def test_full_url_date_spares_the_page_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """The path's date overrules any other day, so htmldate's answer could not change it."""
    monkeypatch.setattr(meta_dates, "search_page", _no_search)
    lead = "Der Verein feierte mit vielen Gaesten und Musik bis in die Nacht. " * 4
    body = f"<div><h1>Vereinsfest im Dorf</h1><p>{lead}</p><p>Eingestellt am 14.03.2021.</p></div>"
    result = _extract("<title>Vereinsfest</title>", body, url="https://paper.example/2021/03/14/fest/")
    assert result.published == "2021-03-14" and result.provenance["published"] == "url"


def test_url_date_accepts_an_instant_on_that_local_day() -> None:
    head = '<meta property="article:published_time" content="2020-02-18T02:18:11+00:00">'
    result = _extract(head, "<p>x</p>", url="https://paper.example/2020/02/17/story/")
    assert result.published == "2020-02-18T02:18:11+00:00" and result.provenance["published"] == "meta"


def test_modified_from_meta() -> None:
    head = '<meta property="article:modified_time" content="2024-05-03T10:00:00Z">'
    assert _extract(head).modified == "2024-05-03T10:00:00+00:00"


# --- registry selectors, simple fields, robustness -----------------------------------


def test_registry_selectors_win_css_and_xpath() -> None:
    head = '<script type="application/ld+json">{"@type":"NewsArticle","headline":"JSON headline","datePublished":"2024-01-01T00:00:00Z","author":"Someone"}</script>'
    body = '<div class="hd">Selected headline</div><p class="who">By Ann Lee</p><span class="when">2024-02-02 10:00</span>'
    result = _extract(
        head,
        body,
        timezone="Europe/Paris",
        selectors={"title": "div.hd", "authors": "//p[@class='who']", "published": ".when"},
    )
    assert (result.title, result.authors, result.published) == (
        "Selected headline",
        ["Ann Lee"],
        "2024-02-02T10:00:00+01:00",
    )
    assert result.provenance["title"] == result.provenance["authors"] == "selector"


def test_invalid_selector_falls_back_to_cascade() -> None:
    result = _extract("<title>Plain title here</title>", selectors={"title": "div[[["})
    assert result.title == "Plain title here"


def test_simple_fields() -> None:
    head = (
        '<meta property="og:description" content="Short  summary">'
        '<meta property="og:locale" content="pt_BR"><meta property="og:image" content="//cdn.example/i.jpg">'
        '<meta name="keywords" content="economy, budget ,economy"><meta property="og:url" content="/news/story-1">'
        '<meta property="og:site_name" content="Diário">'
    )
    result = _extract(head)
    assert result.description == "Short summary"
    assert result.language == "pt"
    assert result.image == "https://cdn.example/i.jpg"
    assert result.tags == ["economy", "budget"]
    assert result.canonical_url == "https://paper.example/news/story-1"
    assert result.site_name == "Diário"


def test_failing_field_degrades_to_default(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(ctx: object) -> tuple[object, str]:
        raise ValueError("bad page")

    fields = tuple(
        (name, boom if name == "authors" else func) for name, func in metadata_module.FIELDS
    )
    monkeypatch.setattr(metadata_module, "FIELDS", fields)
    result = _extract("<title>Still here</title>")
    assert result.title == "Still here" and result.authors == []
    assert "authors" in caplog.text


def test_tree_is_not_mutated() -> None:
    page = (FIXTURES / "wordpress_yoast_graph.html").read_bytes()
    tree = lxml.html.document_fromstring(page)
    before = lxml.html.tostring(tree)
    extract_metadata(tree, "https://valley.example/news/dam-levels-drop/")
    assert lxml.html.tostring(tree) == before


def test_empty_and_odd_documents() -> None:
    for html in ("<html></html>", "<html><body><h1></h1><time datetime='x'></time></body></html>"):
        assert extract_metadata(_tree(html), None) == Metadata()


def test_same_input_same_output() -> None:
    page = (FIXTURES / "german_kicker.html").read_bytes()
    first = extract_metadata(lxml.html.document_fromstring(page), "https://e.example/a")
    second = extract_metadata(lxml.html.document_fromstring(page), "https://e.example/a")
    assert first == second


# the quality gate on the shared corpora is tests/test_extraction_corpus.py


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "@type",
                    "@id",
                    "@graph",
                    "headline",
                    "name",
                    "author",
                    "datePublished",
                    "publisher",
                    "keywords",
                    "image",
                    "url",
                    "articleSection",
                    "inLanguage",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=15,
)


@settings(
    max_examples=examples(150), deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=_JSON)
def test_any_jsonld_shape_degrades_without_field_failures(
    data: object, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.clear()
    payload = json.dumps(
        {"@type": "NewsArticle", "author": data, "headline": data, "datePublished": data, "x": data}
    )
    head = f'<script type="application/ld+json">{payload}</script>'
    result = _extract(head)
    assert isinstance(result.authors, list)
    assert "failed" not in caplog.text


def test_naive_local_time_upgraded_by_same_moment_in_utc() -> None:
    head = (
        '<script type="application/ld+json">{"@type":"NewsArticle","headline":"H",'
        '"datePublished":"2024-08-05T20:59:30"}</script>'
        '<meta property="article:published_time" content="2024-08-05T18:59:30Z">'
    )
    assert _extract(head).published == "2024-08-05T18:59:30+00:00"


def test_naive_time_not_upgraded_by_a_different_moment() -> None:
    head = (
        '<script type="application/ld+json">{"@type":"NewsArticle","headline":"H",'
        '"datePublished":"2024-08-05T20:59:30"}</script>'
        '<meta property="article:published_time" content="2024-08-05T18:12:00Z">'
    )
    assert _extract(head).published == "2024-08-05T20:59:30"


def test_a_listing_parse_reads_the_page_type_and_nothing_else() -> None:
    """links_only answers "does it call itself an article?" without the field cascade
    (which searched a 40,000-link listing's text for dates for seconds)."""
    from newscrawl.extraction import extract_article

    page = ('<html><head><meta property="og:type" content="article">'
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H",'
            ' "datePublished": "2024-05-01"}</script></head><body>'
            '<a href="/a">a</a><p>Published 1 May 2024</p></body></html>')
    fields = extract_article(page, "http://127.0.0.1:9/x", links_only=True)
    assert fields.og_type == "article" and "NewsArticle" in fields.jsonld_types
    assert fields.links == ["/a"]
    assert fields.published is None and fields.title is None and not fields.body
    full = extract_article(page, "http://127.0.0.1:9/x")
    assert full.og_type == fields.og_type and full.jsonld_types == fields.jsonld_types
    assert full.published is not None


def test_labelled_date_answers_before_the_page_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """A podcast template: no structured date, no dateline, a comment's date further on;
    the page's own "Veröffentlicht am" line answers, htmldate is not asked."""
    monkeypatch.setattr(meta_dates, "search_page", _no_search)
    lead = "Ein Gespraech ueber Sterne, Teilchen und Beschleuniger. " * 5  # past the dateline's reach
    body = (f"<h1>Folge 158: Sternfusion</h1><p>{lead}</p>"
            "<p>Veröffentlicht am 16.08.2019<br/>Dauer: 1 Stunde</p>"
            "<p>Kommentar von Jan, 24. August 2019 um 03:36 Uhr</p>")
    result = _extract("<title>T</title>", body)
    assert result.published == "2019-08-16" and result.provenance["published"] == "label"


@pytest.mark.parametrize("broken", [
    # an unescaped quote inside the description
    ('{"@type": "Article", "headline": "Lights of Milan", "description": "Says "hello", twice",'
    ' "datePublished": "2018-04-18", "dateModified": "2019-04-10"}'),
    # single-quoted strings
    ("{\"@type\": \"NewsArticle\", \"headline\": \"Lights of Milan\", 'description': 'Oil &quot;fell&quot;',"
    " \"datePublished\": \"2018-04-18\"}"),
])
def test_a_broken_article_block_still_gives_its_headline_and_dates(broken: str) -> None:
    result = _extract(f'<script type="application/ld+json">{broken}</script>')
    assert result.title == "Lights of Milan"
    assert result.published == "2018-04-18"
    assert "Article" in result.jsonld_types[0]


def test_a_block_closing_more_than_it_opened_is_read_up_to_its_end() -> None:
    block = '{"@type": "NewsArticle", "headline": "Lights of Milan", "author": {"name": "Jane Doe"}} }'
    result = _extract(f'<script type="application/ld+json">{block}</script>')
    assert result.title == "Lights of Milan" and result.authors == ["Jane Doe"]


def test_a_block_with_no_type_salvages_nothing() -> None:
    assert load_block('{"headline": "x", oops}') is None


def test_an_unparseable_base_href_leaves_the_page_its_own_url():
    # "http://[not-an-ip]/" makes urljoin raise: the page must still give its fields
    from newscrawl.extraction import extract_article

    page = (b'<html><head><base href="http://[ccpa-preferences]/"></head><body><h1>Storm</h1>'
            + b"<p>" + b"rain and wind " * 60 + b'</p><a href="/next">next</a></body></html>')
    fields = extract_article(page, "http://127.0.0.1:9/2024/05/01/storm-hits-the-coast")
    assert fields.base_url == "http://127.0.0.1:9/2024/05/01/storm-hits-the-coast"
    assert fields.title == "Storm" and "rain and wind" in fields.body
    assert "/next" in fields.links
