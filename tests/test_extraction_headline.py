"""The headline rule on small pages: displayed headline vs metadata, tails, cuts, spacing."""

from __future__ import annotations

import json

import lxml.html
import pytest

from newscrawl.extraction.metadata.cascade import extract_metadata
from newscrawl.extraction.metadata.headline import choose_title, states, visible_headlines

URL = "https://paper.example/news/story-1"


def _title(head: str = "", body: str = "", url: str = URL) -> tuple[str | None, str | None]:
    tree = lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    meta = extract_metadata(tree, url)
    return meta.title, meta.provenance.get("title")


def _og(text: str) -> str:
    return f'<meta property="og:title" content="{text}">'


def _ld(headline: str) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": headline}
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


@pytest.mark.parametrize(
    "og",
    [
        "Dam bursts above the valley - Regional",
        "Dam bursts above the valley | Morning Courier",
        "Dam bursts above the valley : Morning Courier",
        "Dam bursts above the valley – Lokales",
        "Dam bursts above the valley — Новости региона",
        "Dam bursts above the valley · 地方ニュース",
        "Dam bursts above the valley :: Weather desk",
        "Dam bursts above the valley | खबरें",
    ],
)
def test_a_tail_the_site_does_not_name_is_cut_where_the_h1_ends(og: str) -> None:
    # neither the section nor the brand is known from the URL or og:site_name
    body = "<article><h1>Dam bursts above the valley</h1><p>Text.</p></article>"
    assert _title(_og(og), body) == ("Dam bursts above the valley", "og")


def test_a_long_continuation_is_not_a_tail() -> None:
    og = "Dam bursts - and the whole valley downstream has to be evacuated tonight"
    body = "<article><h1>Dam bursts</h1></article>"
    assert _title(_og(og), body)[0] == og


def test_a_kicker_before_the_h1_is_kept() -> None:
    # "Topic: headline" in metadata where the page shows the kicker apart: not a tail
    head = _og("Floods: Dam bursts above the valley") + _ld("Floods: Dam bursts above the valley")
    assert _title(head, "<article><h1>Dam bursts above the valley</h1></article>")[0] == (
        "Floods: Dam bursts above the valley"
    )


def test_jsonld_headline_cut_at_110_characters_gives_the_displayed_one() -> None:
    full = ("Council votes to rebuild the old harbour bridge after a decade of closures, "
            "protests and two failed tenders for the works")
    head = _ld(full[:110])
    assert len(full) > 110
    assert _title(head, f"<article><h1>{full}</h1></article>") == (full, "jsonld")


def test_an_ellipsis_marks_a_cut_copy() -> None:
    full = "Council votes to rebuild the old harbour bridge after a decade of closures"
    assert states("Council votes to rebuild the old harbour…", full)
    assert not states("Council votes to rebuild the old harbour", full)  # a shorter headline
    assert not states("Council…", full)  # too short to be a cut headline


@pytest.mark.parametrize(
    ("meta", "shown"),
    [
        ("Hertha wieder da : Thioune bleibt", "Hertha wieder da: Thioune bleibt"),
        ("Le vieux pont rouvre-t-il enfin?", "Le vieux pont rouvre-t-il enfin ?"),
        ("Quoi de neuf ; la suite !", "Quoi de neuf; la suite!"),
    ],
)
def test_spacing_around_punctuation_follows_the_displayed_headline(meta: str, shown: str) -> None:
    # no spacing rule of our own (French puts a space before : ; ! ?): the page's h1 decides
    assert _title(_ld(meta), f"<article><h1>{shown}</h1></article>")[0] == shown


def test_french_spacing_is_kept_when_nothing_displays_otherwise() -> None:
    assert _title(_ld("Le vieux pont rouvre-t-il enfin ?"))[0] == "Le vieux pont rouvre-t-il enfin ?"


def test_different_quote_characters_keep_the_metadata_spelling() -> None:
    head = _ld("A baker's long night")
    assert _title(head, "<article><h1>A baker’s long night</h1></article>")[0] == (
        "A baker's long night"
    )


def test_without_jsonld_and_og_the_seo_title_spells_the_h1() -> None:
    # the h1 answers, but the <title> states the same words: its quotes are the headline's
    head = "<title>A baker's long night - Morning Courier</title>"
    body = "<article><h1>A baker’s long night</h1></article>"
    assert _title(head, body, "https://morningcourier.example/news/story-1") == (
        "A baker's long night", "h1")
    # a <title> stating another headline leaves the h1 as it reads
    assert _title("<title>Night shift at the bakery</title>", body)[0] == "A baker’s long night"


def test_an_h1_that_is_the_site_logo_is_not_the_headline() -> None:
    body = ('<header><h1><a href="/">Morning Courier</a></h1></header>'
            "<div><p>Text of the story.</p></div>")
    assert _title(_og("Dam bursts above the valley"), body) == ("Dam bursts above the valley", "og")


def test_an_h1_that_names_the_section_loses_to_the_metadata() -> None:
    body = "<main><h1>Regional news</h1><h2>Dam bursts above the valley</h2></main>"
    head = _ld("Dam bursts above the valley - Regional news")
    assert _title(head, body)[0] == "Dam bursts above the valley - Regional news"
    assert _title(_ld("Dam bursts above the valley"), body)[0] == "Dam bursts above the valley"


def test_the_h1_the_metadata_states_wins_among_several() -> None:
    body = ("<header><h1>Morning Courier</h1></header><h1>Weather</h1>"
            "<div><h1>Dam bursts above the valley</h1></div>")
    head = _og("Dam bursts above the valley - Courier Online")
    assert _title(head, body)[0] == "Dam bursts above the valley"


def test_an_h1_outside_the_article_region_still_cleans_the_tail() -> None:
    body = "<div class=top><h1>Dam bursts above the valley</h1></div><article><p>x</p></article>"
    assert _title(_og("Dam bursts above the valley - Regional"), body)[0] == (
        "Dam bursts above the valley"
    )


def test_headlines_inside_the_article_come_first() -> None:
    html = ("<html><body><h1>Morning Courier</h1><article><h1>Dam bursts</h1></article>"
            "<h1>Dam bursts</h1><h1>Tiny</h1></body></html>")
    assert visible_headlines(lxml.html.document_fromstring(html)) == ["Dam bursts", "Morning Courier"]


def test_h1_disagreeing_with_og_alone() -> None:
    # the page displays one headline, og:title states another and nothing confirms either:
    # the metadata's order of trust decides (a displayed text nobody states may be a label)
    assert choose_title({"og": "Shared headline"}, ["Shown headline"]) == ("Shared headline", "og")
    # once JSON-LD states the displayed one, og:title is the site's editorial variant
    assert choose_title({"jsonld": "Shown headline", "og": "Shared headline"},
                        ["Shown headline"]) == ("Shared headline", "og")
    # unless twitter:title sides with the display
    assert choose_title({"jsonld": "Shown headline", "og": "Shared headline",
                         "twitter": "Shown headline"}, ["Shown headline"]) == (
        "Shown headline", "jsonld")


@pytest.mark.parametrize(
    "jsonld",
    ["Shown headline about the harbour bridge",
     "Shown headline about the harbour bridge - Region",  # a tail the site does not name
     "Shown headline about the harb…"],  # a cut copy
)
def test_the_editorial_exception_reads_through_a_tail_or_a_cut(jsonld: str) -> None:
    # JSON-LD agrees with the display whether or not its copy carries a tail or was cut,
    # so the distinct og:title is still the site's editorial headline
    shown = ["Shown headline about the harbour bridge"]
    assert choose_title({"jsonld": jsonld, "og": "Shared headline on the bridge"}, shown) == (
        "Shared headline on the bridge", "og")
    # and twitter:title siding with the display outvotes it, tail or not
    assert choose_title({"jsonld": jsonld, "og": "Shared headline on the bridge",
                         "twitter": "Shown headline about the harbour bridge | Nachrichten"},
                        shown)[0] == "Shown headline about the harbour bridge"


def test_a_cut_copy_does_not_spell_the_headline() -> None:
    # the cut fell just before a closing quote: same words, but the display is complete
    head = _ld('Thousands back the "foreign agents law…')
    body = '<article><h1>Thousands back the "foreign agents law"</h1></article>'
    assert _title(head, body)[0] == 'Thousands back the "foreign agents law"'


def test_a_section_h1_before_the_headline_is_not_the_headline() -> None:
    head = _og("Politics - Council rebuilds the harbour bridge")
    assert _title(head, "<main><h1>Politics</h1></main>")[0] == (
        "Politics - Council rebuilds the harbour bridge"
    )


def test_a_tail_the_seo_title_lacks_is_cut_without_any_h1() -> None:
    head = _og("Council rebuilds the harbour bridge - Region") + (
        "<title>Council rebuilds the harbour bridge</title>")
    assert _title(head, "<div><p>Text.</p></div>")[0] == "Council rebuilds the harbour bridge"


def test_a_cut_jsonld_headline_is_completed_from_another_source_without_any_h1() -> None:
    full = "Council votes to rebuild the old harbour bridge after a decade of closures"
    head = _ld("Council votes to rebuild the old harbour bridge after…") + _og(full)
    assert _title(head, "<div><p>Text.</p></div>")[0] == full


def test_an_h1_equal_to_the_site_name_or_section_is_a_label() -> None:
    head = "<title>Dam bursts above the valley | Morning Courier</title>"
    body = '<article><h1>Morning Courier</h1><p>Text.</p></article>'
    url = "https://morningcourier.example/regional/dam-bursts"
    assert _title(head, body, url)[0] == "Dam bursts above the valley"
    body = "<main><h1>Regional</h1></main>"
    assert _title("<title>Dam bursts above the valley</title>", body, url)[0] == (
        "Dam bursts above the valley")


def test_a_slug_directory_is_not_a_section_label() -> None:
    url = "https://paper.example/dam-bursts-above-the-valley/a-123"
    body = "<article><h1>Dam bursts above the valley</h1></article>"
    assert _title("<title>Dam bursts above the valley | Region</title>", body, url)[0] == (
        "Dam bursts above the valley")


def test_a_huge_title_of_many_segments_is_read_in_linear_time() -> None:
    import time

    meta = "Dam bursts" + " | x" * 200_000
    start = time.process_time()
    assert not states(meta, "Dam bursts | x | x")
    assert states("Dam bursts above the valley | Region", "Dam bursts above the valley")
    choose_title({"og": meta, "title": meta[:-4]}, ["Dam bursts above"])
    assert time.process_time() - start < 5.0  # quadratic work would take hours


def test_a_full_width_colon_separates_a_cjk_site_tail() -> None:
    head = ('<meta property="og:site_name" content="中日新聞Web">'
            + _og("南海トラフ、一時調査 巨大地震、基準達せず：中日新聞Web"))
    assert _title(head)[0] == "南海トラフ、一時調査 巨大地震、基準達せず"


def test_a_logo_h1_the_site_labels_miss_gives_way_to_the_h1_the_metadata_states() -> None:
    # the logo is written in the site's script, its host in Latin letters: no label matches it
    body = ('<div id="logo"><h1><a href="/">ข่าวเช้า</a></h1></div>'
            '<div class="node"><h1>น้ำท่วมหนักในภาคเหนือ ชาวบ้านอพยพ</h1><p>เนื้อข่าว</p></div>')
    head = ('<meta name="twitter:title" content="น้ำท่วมหนักในภาคเหนือ ชาวบ้านอพยพ">'
            "<title>น้ำท่วมหนักในภาคเหนือ ชาวบ้านอพยพ | ข่าวเช้า Khaochao.example</title>")
    assert _title(head, body, url="https://khaochao.example/journal/2019/01/123") == (
        "น้ำท่วมหนักในภาคเหนือ ชาวบ้านอพยพ", "h1")
    # with no metadata stating any of them, the first h1 still answers (order kept)
    assert _title("", body, url="https://khaochao.example/journal/2019/01/123")[0] == "ข่าวเช้า"


def test_the_site_name_glued_into_the_h1_is_cut_when_a_copy_lacks_it() -> None:
    body = ('<h1><span class="define">Harbour ferry fares rise in spring</span>'
            '<a href="/island.html" title="Back to the front page">Island Courier Daily</a></h1>')
    head = ('<meta name="twitter:title" content="Harbour ferry fares rise in spring">'
            "<title>Harbour ferry fares rise in spring » Local » Island Courier Daily</title>")
    url = "https://islandcourier.example/island/news/local/ferry-fares.html"
    assert _title(head, body, url=url)[0] == "Harbour ferry fares rise in spring"
    # a headline that ends in the site's name keeps it when no copy states it without
    head = '<meta name="twitter:title" content="Harbour ferry fares rise in spring Island Courier">'
    body = "<h1>Harbour ferry fares rise in spring Island Courier</h1>"
    assert _title(head, body, url=url)[0] == "Harbour ferry fares rise in spring Island Courier"


def test_a_social_title_that_only_adds_a_kicker_is_no_editorial_headline() -> None:
    head = (_ld("The long sparring match between two lawyers at the court")
            + _og("Analysis: The long sparring match between two lawyers at the court | Paper"))
    body = "<article><h1>The long sparring match between two lawyers at the court</h1></article>"
    assert _title(head, body)[0] == "The long sparring match between two lawyers at the court"
    # a social title stating another headline still wins (the editorial exception)
    head = (_ld("The long sparring match between two lawyers at the court")
            + _og("Two lawyers, one court, no truce"))
    assert _title(head, body) == ("Two lawyers, one court, no truce", "og")


def _video(name: str) -> str:
    data = {"@context": "https://schema.org", "@type": "VideoObject", "name": name,
            "uploadDate": "2021-03-08T10:00:00Z"}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_an_embedded_video_s_name_is_not_the_article_s_headline() -> None:
    # no article node: the only JSON-LD is the video the article embeds
    head = _video("Watch now: wine country under siege") + _og("Player arrested on murder charge")
    body = "<h1>Player arrested on murder charge</h1><div class='video'>…</div>"
    assert _title(head, body) == ("Player arrested on murder charge", "og")


def test_a_video_page_with_nothing_else_is_named_by_its_video() -> None:
    assert _title(_video("Harbour fireworks, the full show"), "<div>player</div>") == (
        "Harbour fireworks, the full show", "video")


def test_a_heading_only_screen_readers_get_is_not_the_displayed_headline() -> None:
    # the site's name as an accessibility heading before the story's own h1
    body = ("<h1 class='aural'>Federal Office for Harbours and Ferries</h1>"
            "<h1>Ferry statistics for November</h1>")
    assert visible_headlines(lxml.html.fromstring(f"<div>{body}</div>")) == ["Ferry statistics for November"]
    head = '<meta name="twitter:title" content="Ferry statistics for November">'
    assert _title(head, body)[0] == "Ferry statistics for November"


@pytest.mark.parametrize("inside", [
    "<span class='sr-only'>Date:</span> <time datetime='2022-01-26'>26.01.2022</time>",
    "<small class='topline'>Press release 6/2022</small>",
    "<span class='date'>27.01.2022</span>",
    "<span class='visually-hidden'>Published on</span>",
])
def test_dates_side_notes_and_screen_reader_words_in_a_heading_are_not_its_text(inside: str) -> None:
    headline = "Research project lays the ground for certified learning apps in every school"
    h1 = lxml.html.fromstring(f"<div><h1><span>{headline}</span> {inside}</h1></div>")
    assert visible_headlines(h1) == [headline]


def test_a_screen_reader_only_separator_between_kicker_and_headline_stays() -> None:
    h1 = lxml.html.fromstring(
        "<div><h1><span>Storm warning</span><span class='visually-hidden'>:</span> "
        "<span>Ferries stay in port</span></h1></div>")
    assert visible_headlines(h1) == ["Storm warning: Ferries stay in port"]


def test_a_number_in_a_heading_that_is_no_date_stays() -> None:
    h1 = lxml.html.fromstring("<div><h1>Budget <span>2022</span> passes, part <b>1/2</b></h1></div>")
    assert visible_headlines(h1) == ["Budget 2022 passes, part 1/2"]
