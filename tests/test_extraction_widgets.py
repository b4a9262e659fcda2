"""Precision rules for pages nobody tuned for: widgets in the tree, notes in the text.

Every page here is written for the test; each rule is shown firing and, on the
nearest article text, not firing.
"""

from __future__ import annotations

import lxml.html

from newscrawl.extraction import extract_article
from newscrawl.extraction.body.clean import CleanContext, clean_paragraphs, drop_teaser_blocks, is_prompt
from newscrawl.extraction.body.notes import (
    has_no_words,
    is_account_line,
    is_editor_credit,
    is_end_mark,
    is_field_dateline,
)
from newscrawl.extraction.body.teasers import drop_link_paragraphs
from newscrawl.extraction.body.widgets import (
    drop_comment_sections,
    drop_control_links,
    drop_link_lines,
    drop_member_widgets,
    drop_styled_hidden,
    marker,
)

LONG = (
    "The harbour board voted on Monday to extend the northern pier by forty metres, after two "
    "winters of storms damaged the old wall and left fishing boats without a safe berth."
)
LONG2 = (
    "Work is to begin in spring and should take eighteen months, the board said, adding that "
    "the ferry service would keep running from a temporary landing during construction."
)


def tree_of(body: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f"<html><body><div class='story'>{body}</div></body></html>")


def text_of(tree: lxml.html.HtmlElement) -> str:
    return " ".join(tree.text_content().split())


# --- hidden pop-ups ---

def test_short_hidden_popup_goes_long_hidden_part_stays() -> None:
    tree = tree_of(
        f"<p>{LONG}</p><div style='display: none;'><p>Save this article</p><p>Members only. Log in</p></div>"
        f"<div style='display:none'>{' '.join([LONG] * 6)}</div><p style='color: red'>{LONG2}</p>"
    )
    assert drop_styled_hidden(tree) == 1
    text = text_of(tree)
    assert "Save this article" not in text and "Members only" not in text
    assert text.count("harbour board") == 7 and "Work is to begin" in text


# --- comment sections ---

def test_comment_form_section_goes_with_its_heading_and_rules() -> None:
    tree = tree_of(
        f"<p>{LONG}</p><p>{LONG2}</p>"
        "<div class='box post_formulario' id='xy_comment_form_container_1'><h2>Comment</h2>"
        "<ul><li>Comments are the opinion of readers, not of this site.</li>"
        "<li>We reserve the right to remove any comment.</li></ul>"
        "<form><label>Name</label><input name='n'><div><label>Comment</label><textarea></textarea></div></form>"
        "<div class='tip'><p>" + "Remember that you are responsible for what you write here. " * 20 + "</p></div></div>"
    )
    assert drop_comment_sections(tree) == 1
    text = text_of(tree)
    assert "opinion of readers" not in text and "responsible" not in text
    assert "harbour board" in text and "Work is to begin" in text


def test_textarea_outside_a_comment_container_is_left_alone() -> None:
    tree = tree_of(f"<p>{LONG}</p><div class='letters'><p>{LONG2}</p><form><textarea></textarea></form></div>")
    assert drop_comment_sections(tree) == 0


def test_house_rules_box_before_a_scripted_comment_widget_goes() -> None:
    tree = tree_of(
        f"<p>{LONG}</p><p>{LONG2}</p><div class='line'> </div>"
        "<div style='padding:10px'><p>We welcome lively debate. Please read our comment guidelines.</p>"
        "<p>The opinions below are the readers' own.</p></div>"
        "<!-- comments --><div class='fb-comments' data-href='x'> </div>"
    )
    assert drop_comment_sections(tree) == 1
    text = text_of(tree)
    assert "guidelines" not in text and "Work is to begin" in text


def test_last_paragraph_or_unrelated_box_before_comment_widget_stays() -> None:
    paragraph = tree_of(f"<p>{LONG}</p><p>Readers sent comments about the pier.</p><div id='disqus_thread'></div>")
    assert drop_comment_sections(paragraph) == 0
    box = tree_of(f"<p>{LONG}</p><div><p>{LONG2}</p></div><div id='comments'></div>")
    assert drop_comment_sections(box) == 0


# --- controls and member boxes ---

def test_script_link_alone_is_a_button_inside_a_sentence_it_is_a_word() -> None:
    tree = tree_of(
        f"<p>{LONG}</p><span class='bar'><a href='javascript:void(0);'>【Report an error】</a></span>"
        "<p>The <a href='javascript:showTerm()'>breakwater</a> will be raised by two metres.</p>"
    )
    assert drop_control_links(tree) == 1
    text = text_of(tree)
    assert "Report an error" not in text and "The breakwater will be raised" in text


def test_marker_splits_camel_case_and_underscores() -> None:
    element = lxml.html.fromstring("<div class='m-articleRegist r1' id='sf_comment_box'></div>")
    assert marker(element) == "m-article-Regist r1 sf-comment-box"


def test_member_and_donation_boxes_go_story_paragraphs_stay() -> None:
    tree = tree_of(
        f"<p>{LONG}</p><div class='m-articleRegist'><p>Members read on here</p><a href='/join'>Join</a></div>"
        "<div class='donate_box'>Any amount helps. Transfer to account 123456</div>"
        f"<p class='paywall'>{LONG2}</p><div class='hover-supported'>Pier works start in spring</div>"
    )
    assert drop_member_widgets(tree) == 2
    text = text_of(tree)
    assert "Members read on" not in text and "Any amount" not in text
    assert "Work is to begin" in text and "Pier works start" in text


def test_box_a_reader_can_close_is_an_overlay() -> None:
    tree = tree_of(
        f"<p>{LONG}</p><div class='pay'><button>✕</button>Any amount helps. Transfer to 123456</div>"
        "<div><button aria-label='Close'></button>Get our app</div>"
        f"<div class='player'><button>Play</button><p>{LONG2}</p></div>"
    )
    assert drop_member_widgets(tree) == 2
    text = text_of(tree)
    assert "Any amount" not in text and "our app" not in text and "Work is to begin" in text


def test_script_link_heading_opens_the_story_own_text() -> None:
    tree = tree_of(f"<h3><a href='javascript:toggle(1)'>What changes for ferries</a></h3><p>{LONG2}</p>")
    assert drop_control_links(tree) == 0


def test_empty_comment_counter_introduces_nothing() -> None:
    tree = tree_of(f"<div class='dek'><p>Readers' comments shaped the plan.</p></div>"
                   f"<div class='comment-count'></div><p>{LONG}</p>")
    assert drop_comment_sections(tree) == 0


def test_long_element_with_member_class_is_a_wrapper() -> None:
    tree = tree_of(f"<div class='membership-area'>{' '.join([LONG] * 4)}</div>")
    assert drop_member_widgets(tree) == 0


# --- stacked link lines ---

def test_label_over_linked_headlines_is_a_related_box() -> None:
    tree = tree_of(
        f"<p>{LONG}</p><p><strong>Related stories</strong><!-- list --><br><a href='/a/1'>Storm hits the old pier</a>"
        "<br><a href='https://news.example/a/2'>Ferry cancelled for a week</a></p>"
    )
    assert drop_link_lines(tree) == 1
    assert "Storm hits" not in text_of(tree) and "harbour board" in text_of(tree)


def test_lines_of_text_with_links_are_kept() -> None:
    tree = tree_of(
        "<p>Sources:<br>The <a href='/r'>board's report</a> of May<br><a href='/s'>Storm survey</a></p>"
        "<p>Address<br><a href='/map'>Harbour office, Pier Road 1</a></p>"
    )
    assert drop_link_lines(tree) == 0


def test_cjk_link_paragraph_counts_by_characters() -> None:
    tree = tree_of(f"<p>{LONG}</p><p><a href='/top'>電子版トップ</a></p><p><a href='/x'>天気</a></p>")
    drop_link_paragraphs(tree)
    text = text_of(tree)
    assert "電子版トップ" not in text and "天気" in text  # a two-character link is a menu word


# --- notes in the text ---

def test_editor_credits_of_cjk_stories() -> None:
    assert is_editor_credit("【责任编辑:张三】")
    assert is_editor_credit("（编辑：李四 王五）")
    assert is_editor_credit("【责任编辑：张三")  # the closing bracket on a line of its own
    assert not is_editor_credit("编辑们认为，这项政策将在明年全面推行，并对地方财政产生深远影响，需要长期观察和评估效果。")
    assert not is_editor_credit("他是一名编辑：多年来一直负责地方新闻。")
    assert has_no_words("】") and has_no_words("-")
    assert not has_no_words("|---|---|") and not has_no_words("___") and not has_no_words("5")


def test_account_lines_need_an_address_or_a_named_network() -> None:
    assert is_account_line("Facebook https://fb.me/harbournews")
    assert is_account_line("twitter.com/harbournews")
    assert is_account_line("LINE ID = @harbournews")
    assert not is_account_line("Account: @harbour_photos")  # a photo credit in a list
    assert is_account_line("-- By Jane Doe Follow @janedoe")
    assert not is_account_line("The board posted its decision on https://facebook.com/harbourboard.")
    assert not is_account_line("Write to desk@harbour.example")


def test_field_dateline_and_end_mark() -> None:
    assert is_field_dateline("Jane Doe | Portsmouth | 08/01/2014")
    assert is_field_dateline("Jane Doe · 3 March 2024")
    assert not is_field_dateline("Jane Doe | Portsmouth")
    assert not is_field_dateline("Votes | The board met on 08/01/2014 and decided to extend the northern pier quickly.")
    assert is_end_mark("(END)") and is_end_mark("(끝)") and not is_end_mark("The end")


def test_clean_paragraphs_drops_notes_and_keeps_the_story() -> None:
    paras = ["Jane Doe | Portsmouth | 08/01/2014", LONG, LONG2, "Comentar", "【责任编辑:张三", "】",
             "Facebook https://fb.me/harbournews", "(END)"]
    assert clean_paragraphs(paras, CleanContext()) == [LONG, LONG2]


def test_teaser_headers_and_prompts_in_more_languages() -> None:
    for header in ("เรื่องที่เกี่ยวข้อง", "Baca juga", "Tin liên quan", "More Must-Reads From The Site"):
        assert drop_teaser_blocks([LONG, header, "Storm hits the old pier", LONG2]) == [LONG, LONG2]
    assert is_prompt("このニュースをシェア") and is_prompt("Kommentare")


def test_page_with_widgets_gives_the_article_only() -> None:
    html = f"""<html><head><title>Pier to be extended</title></head><body>
      <article><h1>Pier to be extended</h1>
      <div class='tools'><div style='display:none'><p>Save article</p><p>Only for members.</p></div></div>
      <p>{LONG}</p><p>{LONG2}</p>
      <p>{LONG.replace('Monday', 'Tuesday')}</p>
      <span class='editor'>【责任编辑:张三】</span>
      <div class='comments-wrap' id='user_comments'><h2>Comment</h2>
        <p>Comments are the readers' opinion.</p><form><textarea></textarea></form></div>
      </article></body></html>"""
    body = extract_article(html.encode(), "https://harbour.example/news/pier").body or ""
    assert "harbour board" in body and "Work is to begin" in body
    for noise in ("Save article", "members", "责任编辑", "readers' opinion"):
        assert noise not in body
