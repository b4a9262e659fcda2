"""Tree-level cleaning, script-data fallback and the engine's fast-pass gate,
on small hand-written pages."""

from __future__ import annotations

import json
from types import SimpleNamespace

import lxml.html
import pytest

from newscrawl.extraction import extract_article
from newscrawl.extraction.body.clean import is_prompt
from newscrawl.extraction.body.embedded import embedded_paragraphs
from newscrawl.extraction.body.main import (
    FAST_ACCEPT_MIN_CHARS,
    FAST_ACCEPT_SHORT_PARAGRAPHS,
    fast_pass_is_good,
)
from newscrawl.extraction.body.teasers import drop_inline_cards, drop_link_paragraphs, drop_teaser_lists
from newscrawl.extraction.body.treeclean import (
    decode_cloudflare_emails,
    flatten_ruby,
    promote_subheadings,
    strip_code,
)

SENTENCE = (
    "The harbour authority said on Monday that the new ferry terminal would open in "
    "spring, after two years of delays caused by flooding and a shortage of steel."
)


def texts(tree: lxml.html.HtmlElement) -> str:
    return " ".join(tree.text_content().split())


# --- linked headlines inside the article ---

def test_paragraph_that_is_one_linked_headline_is_dropped() -> None:
    tree = lxml.html.fromstring(
        f"<div><p>{SENTENCE}</p>"
        '<p><a href="/other"><strong>MAYOR RESIGNS AFTER BUDGET ROW</strong></a></p>'
        f"<p>{SENTENCE}</p></div>"
    )
    assert drop_link_paragraphs(tree) == 1
    assert "MAYOR" not in texts(tree)
    assert len(tree.findall(".//p")) == 2


@pytest.mark.parametrize("para", [
    '<p>Read the <a href="/r">full council report</a> for the details</p>',  # link inside text
    '<p><a href="/r">The council published its full report on Friday.</a></p>',  # a sentence
    '<p><a href="/r">Full report</a></p>',  # too short to be a headline
    "<p><a>Anchor without a target here</a></p>",
])
def test_article_paragraphs_with_links_are_kept(para: str) -> None:
    tree = lxml.html.fromstring(f"<div>{para}</div>")
    assert drop_link_paragraphs(tree) == 0


def test_linked_heading_cards_are_dropped_but_anchors_kept() -> None:
    tree = lxml.html.fromstring(
        f"<div><p>{SENTENCE}</p><h2>Delays and costs</h2>"
        "<h3><a href='#costs'>How the costs grew</a></h3>"
        "<article><a href='/other'><h3>Concert tour announced for next year</h3></a></article>"
        "<h3><a href='/more'>More ferry news from the coast</a></h3></div>"
    )
    assert drop_link_paragraphs(tree) == 2
    text = texts(tree)
    assert "Delays and costs" in text and "How the costs grew" in text
    assert "Concert" not in text and "More ferry news" not in text


# --- lists of other stories ---

def test_list_of_linked_headlines_is_dropped() -> None:
    items = "".join(
        f'<li><a href="/s{i}">Story number {i} about the harbour</a> A short teaser line</li>'
        for i in range(4)
    )
    tree = lxml.html.fromstring(f"<div><p>{SENTENCE}</p><ul>{items}</ul></div>")
    assert drop_teaser_lists(tree) == 1
    assert tree.find(".//ul") is None
    assert SENTENCE[:40] in texts(tree)


def test_teaser_list_with_thumbnail_links_first_is_dropped() -> None:
    items = "".join(
        f'<li><a href="/s{i}"><img src="t{i}.jpg"></a><h3><a href="/s{i}">Team wins match number {i}</a></h3>'
        f"<p>Short teaser</p></li>" for i in range(3)
    )
    tree = lxml.html.fromstring(f"<div><p>{SENTENCE}</p><ul>{items}</ul></div>")
    assert drop_teaser_lists(tree) == 1


@pytest.mark.parametrize("items", [
    # one or two linked headlines, labelled or not ("Zum Artikel: …", "Newsblog: …")
    ["Read on: <a href='/a'>The ferry timetable for the new terminal, explained</a>"],
    ["<a href='/a'>First story about the port</a>", "<a href='/b'>Second story about the port</a>"],
    # external sources, each a label and a linked headline
    ["<a href='/a'>Harbour authority: the ferry plan in full</a> (PDF)",
     "<a href='/b'>City council: minutes of the budget meeting</a> (English)"],
])
def test_lists_mostly_of_linked_headlines_are_dropped(items: list[str]) -> None:
    lst = "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
    tree = lxml.html.fromstring(f"<div><p>{SENTENCE}</p>{lst}</div>")
    assert drop_teaser_lists(tree) == 1
    assert tree.find(".//ul") is None
    assert SENTENCE[:40] in texts(tree)


@pytest.mark.parametrize("items", [
    # facts in the article: text first, a link somewhere inside
    ["Ferries run every <a href='/t'>half hour</a> in summer",
     "Tickets cost five euros", "Bikes travel free of charge"],
    # linked words of one or two words each: a menu, left to the engine
    ["<a href='/a'>Port</a>", "<a href='/b'>City news</a>", "<a href='/c'>Sport</a>"],
    # a source list whose links are a small part of long items
    ["<a href='/a'>Port report</a> " + SENTENCE, "<a href='/b'>City budget</a> " + SENTENCE,
     "<a href='/c'>Ferry plan</a> " + SENTENCE],
])
def test_article_lists_are_kept(items: list[str]) -> None:
    tree = lxml.html.fromstring("<div><ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul></div>")
    assert drop_teaser_lists(tree) == 0


# --- hover cards inside a sentence ---

def test_hover_card_inside_a_paragraph_is_dropped_and_the_sentence_kept() -> None:
    card = (
        "<span class='person'><a href='/people/jane-roe'>Jane Roe</a><span class='pop'><span>"
        "<img src='roe.jpg'><a href='/people/jane-roe'>Jane Roe</a>"
        "<a href='/news/1'>Harbour budget passes after long debate</a></span></span></span>"
    )
    tree = lxml.html.fromstring(f"<div><p>Mayor {card} said the ferry would run.</p></div>")
    assert drop_inline_cards(tree) == 1
    assert texts(tree) == "Mayor Jane Roe said the ferry would run."


def test_hover_card_does_not_reach_the_body() -> None:
    card = (
        "<span><a href='/people/jane-roe'>Jane Roe</a><span><span><img src='roe.jpg'>"
        "<a href='/people/jane-roe'>Jane Roe</a><a href='/news/1'>Harbour budget passes</a></span></span></span>"
    )
    html = (
        f"<html><body><article><h1>Ferry</h1><p>{SENTENCE}</p><p>Mayor {card} said the ferry "
        f"would run on time and cost less than planned this year.</p><p>{SENTENCE}</p></article></body></html>"
    )
    body = extract_article(html.encode(), "https://example.org/a").body or ""
    assert "Mayor Jane Roe said the ferry would run" in body
    assert "Harbour budget" not in body


@pytest.mark.parametrize("inner", [
    "<span><img src='smile.png'> <a href='/a'>one link</a></span>",  # a picture and one link
    "<span><img src='a.png'></span>",  # an inline picture alone
])
def test_inline_pictures_without_a_card_are_kept(inner: str) -> None:
    tree = lxml.html.fromstring(f"<div><p>Before {inner} after, and <a href='/b'>more</a>.</p></div>")
    assert drop_inline_cards(tree) == 0


def test_figure_with_links_outside_a_paragraph_is_not_an_inline_card() -> None:
    tree = lxml.html.fromstring(
        "<div><span><img src='a.jpg'><a href='/a'>Photo story</a><a href='/b'>More</a></span>"
        f"<p>{SENTENCE}</p></div>"
    )
    assert drop_inline_cards(tree) == 0


# --- ruby readings ---

def test_ruby_readings_become_inline_text() -> None:
    tree = lxml.html.fromstring(
        "<div><p>韓国の<ruby><rb>尹錫悦</rb><rp>（</rp><rt>ユンソンニョル</rt><rp>）</rp></ruby>"
        "大統領は<b>３日</b>夜、<ruby>弾劾<rt>だんがい</rt></ruby>を宣言した。</p></div>"
    )
    assert flatten_ruby(tree) == 2
    assert tree.find(".//ruby") is None
    assert texts(tree) == "韓国の尹錫悦（ユンソンニョル）大統領は３日夜、弾劾だんがいを宣言した。"


def test_ruby_page_keeps_the_sentence_around_the_reading() -> None:
    para = "<p>韓国の<ruby><rb>尹錫悦</rb><rp>（</rp><rt>ユンソンニョル</rt><rp>）</rp></ruby>" + "大統領は夜、緊急談話を出した。" * 8 + "</p>"
    html = f"<html><body><article><h1>見出し</h1>{para * 3}</article></body></html>"
    body = extract_article(html, "https://news.example.jp/a/1").body or ""
    assert "尹錫悦（ユンソンニョル）大統領は夜" in body


# --- subheadings written as classed divs ---

def test_classed_div_subheadings_become_headings() -> None:
    tree = lxml.html.fromstring(
        f"<div><p>{SENTENCE}</p><div class='pf_subheadline'>Who pays the cost?</div>"
        f"<p>{SENTENCE}</p><div class='article-subheading'><p>{SENTENCE}</p></div>"
        "<div class='teaser'>Not a heading</div></div>"
    )
    assert promote_subheadings(tree) == 1
    assert [h.text for h in tree.iter("h3")] == ["Who pays the cost?"]


def test_subheading_survives_extraction() -> None:
    html = (f"<html><body><article><h1>Tariffs explained</h1><p>{SENTENCE}</p>"
            f"<div class='pf_subheadline'>Who pays the cost of a tariff?</div>"
            f"<p>{SENTENCE} Again.</p><p>{SENTENCE} Once more.</p></article></body></html>")
    body = extract_article(html, "https://news.example.com/a/2").body or ""
    assert "Who pays the cost of a tariff?" in body.split("\n\n")


# --- code elements ---

def test_strip_code_drops_scripts_but_keeps_jsonld_and_text() -> None:
    tree = lxml.html.document_fromstring(
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle"}</script>'
        "<style>p {color: red}</style></head><body><p>Before<script>var x = 1;</script> after"
        "<svg><text>icon</text></svg> end</p><noscript>enable js</noscript></body></html>"
    )
    assert strip_code(tree) == 4
    assert tree.find(".//script").get("type") == "application/ld+json"
    assert " ".join(tree.find(".//p").text_content().split()) == "Before after end"


def test_strip_code_drops_page_chrome_unless_it_wraps_the_article() -> None:
    tree = lxml.html.document_fromstring(
        "<html><body><nav><a href='/'>Home</a></nav>"
        f"<aside><h1>Ferry terminal opens</h1><p>{SENTENCE}</p></aside>"
        "<footer>Copyright</footer></body></html>"
    )
    assert strip_code(tree) == 2
    assert tree.find(".//aside") is not None
    assert "Home" not in texts(tree) and "Copyright" not in texts(tree)


def test_strip_code_drops_aria_landmarks_like_their_tags() -> None:
    tree = lxml.html.document_fromstring(
        f"<html><body><div role='main'><h1>Ferry terminal opens</h1><p>{SENTENCE}</p>"
        "<div role='complementary'><h3>Facts about the ferry</h3><ul><li>Built in 1990</li></ul></div>"
        f"<p>{SENTENCE}</p></div><div role='navigation'><a href='/'>Home</a></div>"
        "<div role='contentinfo'>Copyright</div>"
        f"<div role='complementary'><h1>A wrapper</h1><p>{SENTENCE}</p></div></body></html>"
    )
    assert strip_code(tree) == 3
    text = texts(tree)
    assert "Facts about" not in text and "Home" not in text and "Copyright" not in text
    assert text.count(SENTENCE[:40]) == 3  # the article, and the one "landmark" holding a headline


def test_a_noscript_copy_of_the_page_is_kept_as_the_page() -> None:
    # a site written for browsers without JavaScript: the whole story is in <noscript>
    story = "".join(f"<p>{SENTENCE} Paragraph {n}.</p>" for n in range(6))
    tree = lxml.html.document_fromstring(
        f"<html><body><div id='app'></div><noscript><div class='page'><h2>Ferry news</h2>{story}"
        "</div></noscript><p>Footer line.</p><noscript>enable js</noscript></body></html>"
    )
    assert strip_code(tree) == 1  # only the short notice goes
    assert tree.find(".//noscript") is None
    text = texts(tree)
    assert text.count("Paragraph") == 6 and "enable js" not in text


def test_a_button_the_parser_let_swallow_the_page_keeps_the_page() -> None:
    story = "".join(f"<p>{SENTENCE} Paragraph {n}.</p>" for n in range(6))
    tree = lxml.html.document_fromstring(
        f"<html><body><button class='menu-button'><span>Menu</span><div>{story}</div></button>"
        "<p>Footer line.</p><button class='share'>Share</button></body></html>"
    )
    assert tree.find(".//button").xpath("count(.//p)") == 6  # the parse this is about
    assert strip_code(tree) == 1
    text = texts(tree)
    assert text.count("Paragraph") == 6 and "Share" not in text


def test_a_noscript_duplicate_of_a_page_that_shows_its_text_still_goes() -> None:
    story = "".join(f"<p>{SENTENCE} Paragraph {n}.</p>" for n in range(6))
    tree = lxml.html.document_fromstring(
        f"<html><body><article>{story}</article><noscript>{story}</noscript></body></html>"
    )
    assert strip_code(tree) == 1
    assert texts(tree).count("Paragraph") == 6  # half the paragraphs is not most of them


def test_chrome_holding_most_of_the_paragraphs_is_the_article() -> None:
    story = "".join(f"<p>{SENTENCE} Paragraph {n}.</p>" for n in range(6))
    tree = lxml.html.document_fromstring(
        f"<html><body><div role='navigation'><h2>Ferry news</h2>{story}</div>"
        "<footer><p>Copyright and a few words about the house.</p></footer></body></html>"
    )
    assert strip_code(tree) == 1
    assert texts(tree).count("Paragraph") == 6 and "Copyright" not in texts(tree)


def test_cloudflare_scan_is_skipped_when_the_page_has_no_placeholder() -> None:
    html = '<div><span data-cfemail="42262731292a0c23302a2b27">x</span></div>'
    tree = lxml.html.fromstring(html)
    assert decode_cloudflare_emails(tree, "<div>no placeholder here</div>") == 0
    assert decode_cloudflare_emails(tree, html) == 1


# --- prompts ---

@pytest.mark.parametrize("line", [
    "The new terminal seen from the harbour (Photo: Port Authority)",
    "| The core stage at the assembly plant after the engines were installed. (credit: NASA/J. Doe) |",
    "Order Reprints", "Print Article", "This copy is for your personal, non-commercial use only.",
    "If you enjoyed this article, join our members' club.",
    "FUNDA OLUNYE UDABA LAPHA | Kuboshwe abahlanu besolwa", "ALSO READ: Mayor quits over budget",
    "Comments", "12 comments", "Tell us what YOU think...",
    "この記事は会員限定です。", "会員登録すると続きをお読みいただけます",
])
def test_new_prompts_are_recognised(line: str) -> None:
    assert is_prompt(line)


@pytest.mark.parametrize("line", [
    "Click here to get more information or download this game.",
    "UPDATE: The police said the road is open again.",  # a sentence, not a teaser
    "The mayor said: nothing changes",  # lower-case label
    "LONDON (Reuters) - Shares fell on Monday",
])
def test_sentences_with_labels_are_content(line: str) -> None:
    assert not is_prompt(line)


# --- article text only in script data ---

def _next_data_page(body_html: str, double: bool = False) -> str:
    data = json.dumps({"props": {"article": {"title": "Ferry", "content": body_html}}})
    if double:  # Next.js flight data: JSON inside a JS string
        data = json.dumps(data)
        return f"<html><body><div id=app></div><script>self.__next_f.push([1,{data}])</script></body></html>"
    data = data.replace("<", "\\u003c").replace(">", "\\u003e")
    return f'<html><body><div id="app"></div><script id="__NEXT_DATA__">{data}</script></body></html>'


ARTICLE_HTML = (
    f"<p>{SENTENCE}</p><div class='caption'><p>Photo: the old terminal</p></div>"
    f"<h2>Delays</h2><p>{SENTENCE} Again.</p><p>{SENTENCE} Once more.</p>"
)


@pytest.mark.parametrize("double", [False, True])
def test_paragraphs_are_found_in_hydration_json(double: bool) -> None:
    paras = embedded_paragraphs(_next_data_page(ARTICLE_HTML, double))
    assert paras == [SENTENCE, "Delays", f"{SENTENCE} Again.", f"{SENTENCE} Once more."]


def test_short_or_absent_script_html_gives_nothing() -> None:
    assert embedded_paragraphs(_next_data_page("<p>Just a teaser line.</p><p>Another.</p>")) == []
    assert embedded_paragraphs("<html><body><p>plain page</p></body></html>") == []
    assert embedded_paragraphs('<script>var s = "unterminated <p> ' + "x" * 500) == []


def test_paragraph_markup_outside_scripts_is_not_script_data() -> None:
    long_attr = "x" * 500
    html = (f'<html><body><div title="{long_attr}"><p>Short.</p><p>Lines.</p>'
            f'<p>{SENTENCE}</p><p>{SENTENCE}</p></div><a title="end">x</a></body></html>')
    assert embedded_paragraphs(html) == []


def test_js_rendered_page_gets_its_body_from_script_data() -> None:
    fields = extract_article(_next_data_page(ARTICLE_HTML), "https://news.example.com/a/1")
    assert fields.provenance["body"] == "embedded"
    assert fields.body is not None and fields.body.startswith(SENTENCE)
    assert "Photo:" not in fields.body


# --- the fast-pass gate ---

def _doc(text: str, body_html: str = "<p>x</p>") -> SimpleNamespace:
    """Stands in for trafilatura's Document: ``text`` and the ``body`` element."""
    return SimpleNamespace(text=text, body=lxml.html.fromstring(f"<div>{body_html}</div>"))


def test_fast_pass_accepted_for_a_long_paragraphed_text() -> None:
    text = "\n".join([SENTENCE] * (FAST_ACCEPT_MIN_CHARS // len(SENTENCE) + 1))
    assert fast_pass_is_good(_doc(text))


def test_fast_pass_accepted_for_a_short_story_of_several_paragraphs() -> None:
    paras = [SENTENCE] * FAST_ACCEPT_SHORT_PARAGRAPHS
    assert fast_pass_is_good(_doc("\n".join(paras), "".join(f"<p>{p}</p>" for p in paras)))
    fewer = paras[:-1]
    assert not fast_pass_is_good(_doc("\n".join(fewer), "".join(f"<p>{p}</p>" for p in fewer)))


@pytest.mark.parametrize("doc", [
    None,
    _doc(SENTENCE),  # short: readability may find more
    _doc("\n".join(["Home", "News", "Sport", "Contact us"] * 200)),  # menu dump
    _doc("\n".join([SENTENCE] * 20), "<div>no paragraphs</div>"),
    _doc("\n".join([SENTENCE] * 20), "<p>a</p>" + "<table><tr><td>1</td></tr></table>" * 2),
])
def test_fast_pass_rejected_when_fallbacks_could_win(doc: SimpleNamespace | None) -> None:
    assert not fast_pass_is_good(doc)


@pytest.mark.parametrize("tail", ["…/ <a href='/other'>mehr</a>", "... <a href='/other'>Read more»</a>",
                                  " <a href='https://paper.example/x'>Plus...</a>"])
def test_a_cut_excerpt_of_another_story_is_dropped(tail: str) -> None:
    excerpt = "In the city yesterday thousands protested loudly against the new plans, and the council"
    tree = lxml.html.fromstring(f"<div><p>{SENTENCE}</p><p>{excerpt}{tail}</p><p>{SENTENCE}</p></div>")
    assert drop_link_paragraphs(tree) == 1
    assert "thousands" not in texts(tree) and texts(tree).count("harbour authority") == 2


@pytest.mark.parametrize("para", [
    f"{SENTENCE} <a href='/other'>More</a>",  # a full sentence, then a link: not cut short
    "He paused… <a href='/other'>and then</a>",  # too short to be an excerpt
    f"{SENTENCE[:-1]}… <a href='#fn1'>[1]</a>",  # a footnote inside the page
    f"{SENTENCE[:-1]}… <a href='/other'>see the full report of the port</a>",  # a long link is text
])
def test_paragraphs_ending_in_a_link_that_are_no_excerpt_stay(para: str) -> None:
    tree = lxml.html.fromstring(f"<div><p>{SENTENCE}</p><p>{para}</p></div>")
    assert drop_link_paragraphs(tree) == 0


@pytest.mark.parametrize("label", ["#feelaustria", "@harbourcity", "https://t.co/cBlnnf8dDn", "pic.twitter.com/DS8D"])
def test_a_post_cut_short_before_its_hashtag_or_link_stays(label: str) -> None:
    post = "The winter season is kicking off in great style next Saturday with many events..."
    tree = lxml.html.fromstring(f"<div><p>{SENTENCE}</p><p>{post} <a href='/tag/x'>{label}</a></p></div>")
    assert drop_link_paragraphs(tree) == 0
