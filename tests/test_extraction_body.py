"""Body extraction and boilerplate rules, on small hand-written pages."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import lxml.html
import pytest

from newscrawl.extraction import SiteHints, extract_article
from newscrawl.extraction.body.clean import (
    CleanContext,
    clean_paragraphs,
    dedupe,
    drop_author_box,
    drop_headline,
    drop_leading_meta,
    drop_lone_urls,
    drop_teaser_blocks,
    is_prompt,
)
from newscrawl.extraction.body.main import combine, jsonld_paragraphs
from newscrawl.extraction.body.teasers import drop_link_paragraphs, drop_teaser_cards
from newscrawl.extraction.body.treeclean import (
    decode_cfemail,
    decode_cloudflare_emails,
    drop_captions_beside_pictures,
    drop_hidden_and_captions,
    prune_boilerplate,
)

FIXTURES = Path(__file__).parent / "fixtures" / "extraction"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
LONG = (
    "The city council approved the new budget on Tuesday after a long debate about schools, "
    "roads and the future of the harbour, which several members called overdue."
)


def cf_hex(email: str, key: int = 0x42) -> str:
    return f"{key:02x}" + "".join(f"{ord(c) ^ key:02x}" for c in email)


# --- the seed: what a naive crawler kept, on a tagDiv "Newspaper" template ---

def test_seed_page_body_is_the_article_only() -> None:
    expected = json.loads((FIXTURES / "seed_tagdiv.expected.json").read_text())
    html = (FIXTURES / "seed_tagdiv.html").read_bytes()
    fields = extract_article(html, "https://news.example.com/2024/03/06/xi-calls/")
    assert fields.body is not None
    assert fields.body.split("\n\n") == expected["paragraphs"]
    assert fields.paragraphs == len(expected["paragraphs"])
    for noise in ("Mian Abrar", "email", "LEAVE A REPLY", "Please enter", "Must Read",
                  "PM directs", "The writer heads", "Facebook"):
        assert noise not in fields.body
    assert fields.provenance["body"].startswith("trafilatura")


def test_seed_text_rules_clean_the_naive_output() -> None:
    """The seed's text, as a naive crawler saved it, cleaned by the text rules alone."""
    paras = [
        "Xi calls for developing new quality productive forces", LONG, LONG + " Again.",
        "Mian Abrar", "Mian Abrar",
        "The writer heads Pakistan Today's Islamabad Bureau. He tweets as @mian_abrar.",
        "LEAVE A REPLY", "Please enter your comment!", "Please enter your name here",
        "Must Read", "PM directs committee constitution to consult provinces on carbon credits policy",
        "ISLAMABAD: Prime Minister Shehbaz Sharif has directed to constitute a committee. While...",
    ]
    ctx = CleanContext(titles=["Xi calls for developing new quality productive forces"],
                       authors=["Mian Abrar"])
    assert clean_paragraphs(paras, ctx) == [LONG, LONG + " Again."]


def test_cloudflare_email_is_decoded_in_span_and_link() -> None:
    email = "desk@example.org"
    tree = lxml.html.fromstring(
        f'<div><p>Write to <a href="/cdn-cgi/l/email-protection#{cf_hex(email)}">'
        f'<span class="__cf_email__" data-cfemail="{cf_hex(email, 0x17)}">[email&#160;protected]</span>'
        f'</a> today.</p><p>Or <a href="/cdn-cgi/l/email-protection#{cf_hex(email)}">[email protected]</a></p></div>'
    )
    assert decode_cloudflare_emails(tree) == 3
    text = tree.text_content()
    assert "[email" not in text
    assert text.count(email) == 2
    assert "Write to desk@example.org today." in text


def test_decode_cfemail_rejects_garbage() -> None:
    assert decode_cfemail("zz") is None
    assert decode_cfemail("42") is None
    assert decode_cfemail(cf_hex("a@b.c")) == "a@b.c"


# --- one test per text rule ---

def test_headline_repeated_as_first_line_is_dropped() -> None:
    ctx = CleanContext(titles=["Harbour Budget Approved"])
    assert drop_headline(["Harbour budget  approved", LONG], ctx) == [LONG]
    # a paragraph merely mentioning the headline later is kept
    assert drop_headline([LONG, "Harbour Budget Approved"][:1], ctx) == [LONG]


def test_byline_and_dateline_above_text_are_dropped() -> None:
    ctx = CleanContext(authors=["Nina Example"])
    paras = ["Von Nina Example", "Stand: 22.04.2024, 06:00 Uhr", "Updated at 1:23 p.m.",
             "Uppdaterad 15.59 | Publicerad 14.14", LONG]
    assert drop_leading_meta(paras, ctx) == [LONG]
    # a short real sentence with a year is not metadata
    assert drop_leading_meta(["In 2019 the harbour flooded twice.", LONG], ctx)[0].startswith("In 2019")


def test_a_timed_line_after_two_text_paragraphs_is_the_story_s_own() -> None:
    # a short article's programme ("Warm Up 11:00 Uhr") inside the first four
    # paragraphs, after a standfirst and a first paragraph: story text, not a dateline
    lines = ["Warm Up 11:00 Uhr", "Contest 12:00 Uhr"]
    assert drop_leading_meta([LONG, LONG, *lines], CleanContext()) == [LONG, LONG, *lines]
    # the same lines before the text are the page's datelines
    assert drop_leading_meta(["Stand: 22.04.2024, 06:00 Uhr", LONG, LONG], CleanContext()) == [LONG, LONG]
    assert drop_leading_meta([LONG, "Stand: 22.04.2024, 06:00 Uhr", LONG], CleanContext()) == [LONG, LONG]


def test_cjk_dateline_above_text_is_dropped() -> None:
    # more than META_MAX_WORDS by the CJK counter (characters), yet dates and times only
    dateline = "2025年1月14日 01時28分 (1月14日 01時40分更新)"
    text = "宮崎県で震度５弱の地震があった。気象庁によると、震源地は日向灘で、震源の深さは約３６キロ。"
    assert drop_leading_meta([dateline, text], CleanContext()) == [text]
    # a CJK sentence with a date in it is text
    sentence = "２０２４年１月１日に能登半島で大きな地震が発生し、多くの住宅が倒壊した。"
    assert drop_leading_meta([sentence, text], CleanContext()) == [sentence, text]


def test_author_box_at_the_end_is_cut() -> None:
    ctx = CleanContext(authors=["Jane Roe"])
    paras = [LONG, LONG + "!", "Jane Roe", "Jane Roe is our harbour reporter. She tweets as @jroe."]
    assert drop_author_box(paras, ctx) == [LONG, LONG + "!"]
    assert drop_author_box(paras, CleanContext()) == paras
    # a byline on top of a short story is not an author box
    assert drop_author_box(["Jane Roe", LONG, LONG + "?"], ctx) == ["Jane Roe", LONG, LONG + "?"]


@pytest.mark.parametrize("header", ["Must Read", "Also read", "Related Articles", "Lesen Sie auch",
                                    "À lire aussi", "Les også", "関連記事", "You may also like"])
def test_teaser_header_and_its_teasers_are_dropped(header: str) -> None:
    paras = [LONG, header, "Mayor opens the new ferry terminal", "Ferry fares rise again next year...",
             LONG + " More."]
    assert drop_teaser_blocks(paras) == [LONG, LONG + " More."]


def test_teaser_skipping_stops_at_a_real_sentence() -> None:
    paras = [LONG, "DON'T MISS", "Plague warning: CDC names eight diseases [WARNING]",
             "The CDC advises people to seek treatment early.", LONG]
    assert drop_teaser_blocks(paras) == [LONG, "The CDC advises people to seek treatment early.", LONG]


@pytest.mark.parametrize("line", [
    "LEAVE A REPLY", "Please enter your comment!", "Please enter your name here",
    "Your email address will not be published. Required fields are marked *",
    "Sign up for our daily newsletter", "Thanks for signing up!",
    "Read also: Mayor opens the new ferry terminal", "Czytaj więcej: inny artykuł",
    "Photo: Reuters", "Foto: dpa", "© AFP", "(Image credit: Getty Images)",
    "Follow Newsbeat on Instagram, Facebook, Twitter and YouTube.", "Advertisement",
])
def test_prompts_and_credits_are_recognised(line: str) -> None:
    assert is_prompt(line)


@pytest.mark.parametrize("line", [
    LONG,
    ("© 2019 Associated Press. All Rights Reserved. This material may not be published, "
     "broadcast, rewritten or redistributed."),
    "The photo showed the mayor at the ferry terminal.",
])
def test_article_sentences_are_not_prompts(line: str) -> None:
    assert not is_prompt(line)


def test_lone_url_dropped_but_link_lists_kept() -> None:
    assert drop_lone_urls([LONG, "https://example.com/story-123"]) == [LONG]
    links = [LONG, "http://a.example/1", "http://a.example/2"]
    assert drop_lone_urls(links) == links


def test_dedupe_drops_immediate_repeats_only() -> None:
    assert dedupe(["A b", "a  B", "", "c", "A b"]) == ["A b", "c", "A b"]


# --- JSON-LD articleBody combination ---

def _paras(n: int, tag: str) -> list[str]:
    return [f"{tag} part {i}: member {i * 7} spoke about road {i * 13} and school {i * 17} "
            f"for {i * 3 + 1} minutes before vote {i * 11}." for i in range(n)]


def test_longer_jsonld_body_replaces_a_truncated_engine_text() -> None:
    full = _paras(12, "Story")
    paras, method = combine(full[:4], "\n".join(full))
    assert method == "jsonld" and paras == full


def test_jsonld_body_filters_engine_boilerplate() -> None:
    text = _paras(12, "Story")
    lead = "The council approved the harbour plan on Tuesday after a night of debate in the old town hall."
    engine = [lead, *text, "Most read: other news about a celebrity wedding in another town"]
    paras, method = combine(engine, "\n".join(text))
    assert method == "trafilatura+jsonld"
    assert paras == [lead, *text]  # the long lead above the text survives, the teaser not


def test_jsonld_supports_list_items_of_one_or_two_words() -> None:
    # a two-word item has no trigram: its words in a row in the JSON-LD text support it
    text = _paras(12, "Story")
    items = ["Bleibe stets aktiv", "Praktiziere Dankbarkeit", "Neugier"]
    ld = "\n".join([*text, "Die Punkte: Bleibe stets aktiv. Praktiziere Dankbarkeit. Neugier."])
    engine = [*text, *items, "Weitere Artikel"]
    paras, method = combine(engine, ld)
    assert method == "trafilatura+jsonld" and paras == [*text, *items]


def test_jsonld_teaser_or_other_text_is_ignored() -> None:
    engine = _paras(6, "Story")
    paras, method = combine(engine, "A completely different text about football results. " * 10)
    assert (paras, method) == (engine, "trafilatura")
    assert combine(engine, "short")[1] == "trafilatura"


def test_jsonld_body_with_html_markup_becomes_paragraphs() -> None:
    assert jsonld_paragraphs("<p>One <strong>big</strong> day.</p><p>Two.</p>") == ["One big day.", "Two."]


# --- tree pruning, selectors, whole pages ---

def test_prune_keeps_containers_that_hold_the_headline() -> None:
    tree = lxml.html.fromstring(
        "<html><body><div class='newsletter-wrap'><h1>Title</h1><p>Text</p></div>"
        "<div class='author-box'>Bio</div><div class='td-related-posts'>Other</div>"
        "<div class='responsive-image'>Kept</div></body></html>"
    )
    assert prune_boilerplate(tree) == 2
    text = tree.text_content()
    assert "Title" in text and "Kept" in text and "Bio" not in text and "Other" not in text


def test_a_boilerplate_class_on_the_container_of_most_paragraphs_is_the_article_s() -> None:
    # a template names the article's container after the share buttons it also holds
    story = "".join(f"<p>{LONG} Paragraph {n}.</p>" for n in range(5))
    tree = lxml.html.fromstring(
        f"<html><body><h1>Budget passes</h1><div class='content__sharing-container'>{story}"
        "<div class='social-share'>Share on X</div></div>"
        "<div class='sharing'><p>Share this story with your friends and family today.</p></div>"
        "</body></html>"
    )
    assert prune_boilerplate(tree) == 2
    text = tree.text_content()
    assert text.count("Paragraph") == 5 and "Share on X" not in text and "friends" not in text


def test_a_short_page_s_sharing_box_goes_even_when_it_is_most_of_its_text() -> None:
    tree = lxml.html.fromstring(
        f"<html><body><div class='post'>{LONG}</div>"
        "<div class='sharing'><p>Share this story with your friends and family today.</p></div>"
        "</body></html>"
    )
    assert prune_boilerplate(tree) == 1
    assert "friends" not in tree.text_content()


def test_hidden_class_on_the_container_of_most_paragraphs_does_not_hide_the_story() -> None:
    story = "".join(f"<p>{LONG} Paragraph {n}.</p>" for n in range(5))
    tree = lxml.html.fromstring(
        f"<html><body><div class='visually-hidden'>{story}</div>"
        "<span class='sr-only'>Opens in a new window</span></body></html>"
    )
    assert drop_hidden_and_captions(tree) == 1
    text = tree.text_content()
    assert text.count("Paragraph") == 5 and "new window" not in text


def test_prompt_widgets_are_pruned_only_while_short() -> None:
    story = " ".join(["Long article sentence."] * 60)
    tree = lxml.html.fromstring(
        "<html><body><div class='nl-cta'>Join our club. Members get more.</div>"
        f"<div class='cta float-l'><p>{story}</p></div></body></html>"
    )
    assert prune_boilerplate(tree) == 1
    text = tree.text_content()
    assert "Join our club" not in text and "Long article sentence." in text


def test_comment_prompts_are_pruned_only_while_short() -> None:
    story = " ".join(["Long article sentence."] * 60)
    tree = lxml.html.fromstring(
        "<html><body><div class='article-comments'><p>Would you like to comment?</p>"
        "<p>Sign in now.</p></div><div class='comment_prompt'>Please read our policy.</div>"
        f"<div class='has-comments'><p>{story}</p></div></body></html>"
    )
    assert prune_boilerplate(tree) == 2
    text = tree.text_content()
    assert "comment?" not in text and "policy" not in text and "Long article sentence." in text


def test_teaser_card_linking_picture_and_headline_is_dropped() -> None:
    tree = lxml.html.fromstring(
        "<html><body><article><h1>Story</h1><p>Our own paragraph links "
        "<a href='/other'>another story</a>.</p>"
        "<div class='card'><a href='/next'><img src='n.jpg'></a><h2><a href='/next'>Next story"
        "</a></h2><p>A full sentence about the next story.</p></div></article></body></html>"
    )
    assert drop_teaser_cards(tree) == 1
    text = tree.text_content()
    assert "Next story" not in text and "full sentence about the next" not in text
    assert "Our own paragraph links another story." in text


def test_screen_reader_text_and_captions_are_dropped() -> None:
    tree = lxml.html.fromstring(
        "<html><body><p>Text <span class='sr-only'>Opens in a new window</span>goes on.</p>"
        "<figure><img src='a.jpg'><figcaption>The mayor on Monday.</figcaption></figure>"
        "<div class='image-credit'>Photo: Agency</div></body></html>"
    )
    assert drop_hidden_and_captions(tree) == 3
    assert " ".join(tree.text_content().split()) == "Text goes on."


def test_headline_echo_with_kicker_is_dropped() -> None:
    ctx = CleanContext(titles=["Kicker: The headline of the day"])
    paras = ["Kicker The headline of the day", LONG]
    assert drop_headline(paras, ctx) == [LONG]


def test_site_selector_wins_over_the_engine() -> None:
    html = (f"<html><body><h1>Head</h1><div class='story'><p>{LONG}</p><p>Second part of the story "
            f"with enough words.</p></div><div class='x'><p>{LONG} Elsewhere.</p></div></body></html>")
    fields = extract_article(html, hints=SiteHints(selectors={"body": "div.story"}))
    assert fields.body == f"{LONG}\n\nSecond part of the story with enough words."
    assert fields.provenance["body"] == "selector"


def test_empty_and_broken_pages_do_not_crash() -> None:
    for html in (b"", b"\x00\x01\x02", "<html>", b"<?xml version='1.0' encoding='utf-8'?><html></html>",
                 "just text", b"<html><body><p>\xff\xfe broken</p></body></html>"):
        fields = extract_article(html, "https://example.com/a")
        assert fields.paragraphs == (0 if fields.body is None else len(fields.body.split("\n\n")))


def test_same_input_gives_same_output() -> None:
    html = (FIXTURES / "seed_tagdiv.html").read_bytes()
    assert extract_article(html, "https://x.example/a").to_dict() == extract_article(
        html, "https://x.example/a").to_dict()


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data corpora not present")
def test_real_pages_extract_without_crash() -> None:
    pages = sorted((SHARED_DATA / "news" / "pages").glob("*.html.gz"))[::15]
    for path in pages:
        fields = extract_article(gzip.decompress(path.read_bytes()))
        assert fields.body is None or "\n\n\n" not in fields.body


# --- in-article boilerplate judged by structure (bench/perturb_body.py's shapes) ---

def _paragraphs(html: str, rule) -> tuple[int, str]:
    tree = lxml.html.fromstring(html)
    count = rule(tree)
    return count, " ".join(tree.text_content().split())


def test_run_of_headlines_led_paragraphs_is_dropped() -> None:
    items = "".join(f'<p><a href="/story/{i}">Harbour ferry line {i} opens next spring</a> 03.05.2024</p>'
                    for i in range(3))
    count, text = _paragraphs(f"<div><p>{LONG}</p>{items}<p>{LONG}</p></div>", drop_link_paragraphs)
    assert count == 3 and "ferry" not in text and text.count("council") == 2


def test_headline_with_only_a_date_after_it_is_a_teaser_alone() -> None:
    page = f'<div><p>{LONG}</p><p><a href="/s/1">Harbour ferry line opens in spring</a> | 14:30</p></div>'
    count, text = _paragraphs(page, drop_link_paragraphs)
    assert count == 1 and "ferry" not in text


@pytest.mark.parametrize("paras", [
    # one headline with words after it: could be the article's own link
    '<p><a href="/s/1">Harbour ferry line opens in spring</a> says the port</p>',
    # link-led but most of the text is the article's: not a teaser, even in a run
    '<p><a href="/s/1">The harbour</a> will open a second ferry line next spring, the port said</p>'
    '<p><a href="/s/2">The council</a> approved the money for the new quay on Tuesday evening</p>',
    # sentences end with a full stop
    '<p><a href="/s/1">Harbour ferry line opens in spring</a>, the port said.</p>'
    '<p><a href="/s/2">Council approves the quay budget</a>, the mayor said.</p>',
])
def test_article_paragraphs_led_by_links_are_kept(paras: str) -> None:
    assert _paragraphs(f"<div><p>{LONG}</p>{paras}</div>", drop_link_paragraphs)[0] == 0


@pytest.mark.parametrize("box", [
    '<div class="c1"><img src="/a.jpg"><p class="c2">The new quay at dawn. © Port Authority</p></div>',
    '<div><a href="/a.jpg"><picture><img src="/a.jpg"></picture></a><span>The new quay at dawn</span></div>',
    '<figure><p>Mayor Jane Roe at the quay</p><img src="/a.jpg"></figure>',
])
def test_short_text_sharing_a_box_with_a_picture_is_a_caption(box: str) -> None:
    count, text = _paragraphs(f"<div><p>{LONG}</p>{box}<p>{LONG}</p></div>", drop_captions_beside_pictures)
    assert count == 1 and "quay" not in text and text.count("council") == 2


@pytest.mark.parametrize("box", [
    f'<div><img src="/a.jpg"><p>{LONG}</p><p>{LONG}</p></div>',  # the article's container
    f'<div><img src="/a.jpg"><p>{LONG} {LONG}</p></div>',  # too long for a caption
    '<div>Loose text <img src="/a.jpg"><p>The new quay at dawn</p></div>',  # more than picture + line
    '<p>See <img src="/icon.png"> and the new quay at dawn</p>',  # a picture inside a sentence
])
def test_text_beside_a_picture_that_is_no_caption_is_kept(box: str) -> None:
    assert _paragraphs(f"<div>{box}</div>", drop_captions_beside_pictures)[0] == 0


def test_a_byline_inside_the_story_is_no_author_box() -> None:
    ctx = CleanContext(authors=["Jane Roe"])
    paras = [LONG, LONG + "!", "Jane Roe"] + [LONG + "?"] * 5
    assert drop_author_box(paras, ctx) == paras  # the story goes on after the name
    assert drop_author_box([LONG, LONG + "!", "Jane Roe", "Jane writes about the harbour."], ctx) == [
        LONG, LONG + "!"]


@pytest.mark.parametrize("line", ["Von Jane Roe | 03.05.2024, 14:30", "By Jane Roe", "Jane Roe, Port Town",
                                  "Par la rédaction, 3 mai 2024"])
def test_bylines_below_the_head_are_dropped(line: str) -> None:
    ctx = CleanContext(authors=["Jane Roe"])
    paras = [LONG] * 5 + [line, LONG + "!"]
    assert drop_leading_meta(paras, ctx) == [LONG] * 5 + [LONG + "!"]


@pytest.mark.parametrize("line", ["By 2030 the harbour will be rebuilt, the council said.",
                                  "This story was first published by Jane Roe.", "14:30", "De 2019 a 2021."])
def test_sentences_and_ticker_times_below_the_head_are_kept(line: str) -> None:
    paras = [LONG] * 5 + [line]
    assert drop_leading_meta(paras, CleanContext(authors=["Jane Roe"])) == paras


@pytest.mark.parametrize("box", [
    # a template that boxes each paragraph, a figure (its caption gone) beside one of them
    f'<div class="card"><p>{LONG}</p><figure><img src="/a.jpg"></figure></div>',
    '<div class="card"><p>The harbour opens next spring.</p><img src="/a.jpg"></div>',  # text first
])
def test_a_paragraph_boxed_with_a_figure_or_before_a_picture_is_kept(box: str) -> None:
    assert _paragraphs(f"<div>{box}{box}</div>", drop_captions_beside_pictures)[0] == 0


def test_a_short_storys_only_text_beside_its_picture_is_kept() -> None:
    page = '<article><div class="entry"><img src="/a.jpg"><p>The ferry starts on Monday.</p></div></article>'
    assert _paragraphs(page, drop_captions_beside_pictures)[0] == 0


def test_short_headline_with_a_long_date_after_it_is_a_teaser() -> None:
    # the link is under the share a run needs, but the rest is only a date and a time
    page = f'<div><p>{LONG}</p><p><a href="/s/1">See all ferry lines</a> <span>03.05.2024, 14:30</span></p></div>'
    count, text = _paragraphs(page, drop_link_paragraphs)
    assert count == 1 and "ferry" not in text


def test_a_dated_byline_near_the_end_of_a_short_story_cuts_nothing() -> None:
    ctx = CleanContext(authors=["Jane Roe"])
    paras = [LONG, LONG + "!", "By Jane Roe | 03.05.2024, 14:30", LONG + "?"]
    assert drop_author_box(paras, ctx) == paras
    assert clean_paragraphs(paras, ctx) == [LONG, LONG + "!", LONG + "?"]


@pytest.mark.parametrize("hidden", ["aural", "element-invisible", "show-for-sr", "screen-reader-only"])
def test_text_for_screen_readers_of_other_frameworks_is_dropped(hidden: str) -> None:
    tree = lxml.html.fromstring(
        f"<html><body><p>{LONG} <a href='/x'>Report <span class='{hidden}'>(link is external)</span></a></p>"
        "</body></html>")
    assert drop_hidden_and_captions(tree) == 1
    assert "external" not in tree.text_content() and "Report" in tree.text_content()
