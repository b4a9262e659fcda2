"""The weight of a real news page around the article: head, scripts, menus, teasers.

Real article pages weigh 100–250 KB (the median page of the extraction corpora
is 109 KB and 248 KB), most of it template: style and script blocks, a mega
menu, "most read" and "related" teaser cards, a newsletter box, a comment form
and a fat footer. The large demo site wraps each article in this so that a
benchmark on it pays per page what a crawl of a real site pays, and so that
extraction has real boilerplate to leave out.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from newscrawl.demo.base import esc

_RNG = random.Random(20260315)
_WORDS = ["grid", "flex", "col", "row", "card", "media", "thumb", "title", "meta", "label", "badge", "wrap", "inner", "outer", "nav", "item", "link", "icon", "menu", "drop", "panel", "tab", "slot", "ad", "unit", "sticky", "header", "footer", "hero"]


def _css_block(rules: int) -> str:
    out = []
    for n in range(rules):
        a, b = _RNG.sample(_WORDS, 2)
        out.append(f".td-{a}-{b}-{n}{{margin:{n % 17}px {n % 11}px;padding:{n % 7}px;"
                   f"font:{12 + n % 6}px/1.{n % 9} Georgia,serif;color:#{n * 2654435761 % 0xFFFFFF:06x}}}")
    return "".join(out)


def _script_block(entries: int) -> str:
    items = ",".join(f'{{"slot":"div-gpt-ad-{n}","sizes":[[{300 + n % 5 * 20},{250 + n % 3 * 50}]],'
                     f'"targeting":{{"pos":"{_WORDS[n % len(_WORDS)]}","kw":"{n:08x}"}}}}'
                     for n in range(entries))
    return f"window.__ADS__=[{items}];(function(w,d){{w.dataLayer=w.dataLayer||[];}})(window,document);"


HEAD_EXTRA = ("".join(f'<link rel="stylesheet" href="/static/css/bundle-{n}.css">' for n in range(6))
              + f"<style>{_css_block(420)}</style>"
              + f"<script>{_script_block(280)}</script>"
              + '<script async src="/static/js/analytics.js"></script>')
MEGA_MENU_SECTIONS = ("National", "Punjab", "Sindh", "Business", "Markets", "World", "Sports",
                      "Cricket", "Opinion", "Editorial", "Lifestyle", "Health", "Education",
                      "Technology", "Environment", "Culture", "Video", "Podcasts")


def mega_menu() -> str:
    columns = []
    for s in MEGA_MENU_SECTIONS:
        subs = "".join(f'<li class="menu-item"><a href="/section/{s.lower()}/?sub={k}">'
                       f"{s} {_WORDS[k % len(_WORDS)].title()}</a></li>" for k in range(10))
        columns.append(f'<li class="menu-col"><a href="/section/{s.lower()}/">{s}</a>'
                       f'<ul class="sub-menu">{subs}</ul></li>')
    return f'<nav class="td-mega-menu"><ul>{"".join(columns)}</ul></nav>'


FOOTER = ('<footer class="site-footer"><div class="footer-links">'
          + "".join(f'<a href="/page/{w}-{n}/">{w.title()} {n}</a> '
                    for n in range(12) for w in ("about", "careers", "advertise", "archive",
                                                 "terms", "privacy", "contact", "sitemap"))
          + '</div><p class="copyright">© 2026 Valley Gazette. All rights reserved. '
            "Reproduction without permission is prohibited.</p>"
          + f"<script>{_script_block(60)}</script></footer>")
NEWSLETTER = ('<div class="newsletter-box"><h4>Get the morning briefing</h4><form action="/subscribe">'
              '<input type="email" placeholder="Your e-mail"><button>Sign up</button></form>'
              "<p>Subscribe to our newsletter for the day's top stories.</p></div>")
COMMENTS = ('<div id="respond" class="comment-respond"><h3>LEAVE A REPLY</h3>'
            '<form id="commentform"><textarea placeholder="Please enter your comment!"></textarea>'
            '<input placeholder="Please enter your name here"><input placeholder="You have entered '
            'an incorrect email address!"><button>Post Comment</button></form></div>')


def teaser_cards(title: str, items: list[tuple[str, str]]) -> str:
    """A block of teaser cards: image, linked headline, date line."""
    cards = "".join(
        f'<div class="td-block-span4"><div class="td_module_wrap"><div class="td-module-thumb">'
        f'<a href="{esc(href)}"><img src="/static/img/{n}.jpg" width="218" height="150" alt=""></a>'
        f'</div><h3 class="entry-title td-module-title"><a href="{esc(href)}">{esc(head)}</a></h3>'
        f'<div class="td-editor-date"><span class="td-post-date">March 2026</span></div></div></div>'
        for n, (href, head) in enumerate(items))
    return f'<div class="td_block_wrap"><h4 class="block-title"><span>{title}</span></h4>{cards}</div>'


def wrap_article(article_html: str, teaser: Callable[[int], tuple[str, str]], i: int) -> str:
    """The page body around one article: menus, sidebar, related stories, forms, footer."""
    most_read = teaser_cards("Most Read", [teaser(i + k) for k in range(1, 11)])
    related = teaser_cards("Related Stories", [teaser(i + 20 + k) for k in range(6)])
    return (f"{mega_menu()}<div class=\"td-main-content\">{article_html}"
            f"<div class=\"td-post-sharing\">Share: Facebook Twitter WhatsApp Email</div>"
            f"{related}{COMMENTS}</div><aside class=\"td-sidebar\">{most_read}{NEWSLETTER}"
            f"</aside>{FOOTER}")
