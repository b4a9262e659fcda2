"""Site 1: a WordPress site on the tagDiv "Newspaper" theme (a Punjab daily).

It carries the seed page's boilerplate — author box twice with bio and
"He tweets as", Cloudflare e-mail protection, the comment form, a "Must Read"
teaser for another story, share buttons — plus WordPress's usual discovery
surface: robots.txt → sitemap_index.xml → post/page sitemaps, /feed/,
categories with /page/N/, tags, authors, ?s= search and ?p= shortlinks.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, quote

from newscrawl.demo import xmlgen
from newscrawl.demo.base import (
    ARTICLE,
    DISCOVERY,
    LISTING,
    STATIC,
    DemoArticle,
    DemoSite,
    cf_encode,
    esc,
    slugify,
)
from newscrawl.demo.corpus import LEDGER, WIRE_STORIES, own_article, wire_copy
from newscrawl.demo.server import RSS, XML, Resource

logger = logging.getLogger(__name__)

PER_PAGE = 3
AUTHORS = {  # name -> (pronoun, twitter, bio)
    "Hamid Rasheed": ("He", "hamid_rasheed", ("The writer heads The Lahore Ledger's provincial "
                      "desk and follows agriculture, health and the Punjab budget.")),
    "Sadia Noor": ("She", "sadianoor_lhr", ("The writer reports on Lahore's civic affairs, "
                   "transport and heritage for The Lahore Ledger.")),
    "Imtiaz Gondal": ("He", "imtiazgondal", ("The writer is a senior correspondent covering "
                      "sports and the environment from Lahore.")),
}


COMMENT_FORM = (
    '<div class="td-comments-wrap"><div id="respond" class="comment-respond">'
    '<h4 class="block-title"><span>LEAVE A REPLY</span></h4><form class="comment-form">'
    '<textarea placeholder="Comment:"></textarea>'
    '<div class="comment-form-input-wrap td-form-comment">Please enter your comment!</div>'
    '<input placeholder="Name:*"><div class="td-form-author">Please enter your name here</div>'
    '<input placeholder="Email:*"><div>You have entered an incorrect email address!</div>'
    "</form></div></div>")
SHARE_TARGETS = (("Facebook", "https://www.facebook.com/sharer.php?u="),
                 ("Twitter", "https://twitter.com/intent/tweet?url="),
                 ("WhatsApp", "https://api.whatsapp.com/send?text="),
                 ("Linkedin", "https://www.linkedin.com/shareArticle?url="))


def share_buttons(url: str) -> str:
    return "".join(f'<a class="td-social-sharing-button" href="{href}{quote(url)}">{label}</a>'
                   for label, href in SHARE_TARGETS)


def email_of(author: str) -> str:
    return f"{slugify(author).replace('-', '.')}@lahoreledger.example"


class LedgerSite(DemoSite):
    title = "The Lahore Ledger"
    region = "Punjab, PK"
    timezone = "Asia/Karachi"
    search_param = "s"

    def __init__(self, name: str, url: str) -> None:
        super().__init__(name, url)
        tz = self.tz
        for spec in LEDGER:
            self.articles.append(own_article(name, spec, "", tz))
        self.articles.append(wire_copy(WIRE_STORIES["port-terminal"], "", tz, "Imtiaz Gondal",
                                       "National", delay_minutes=25))
        self.articles.append(wire_copy(WIRE_STORIES["smog-drive"], "", tz, "Sadia Noor",
                                       "National", delay_minutes=10))
        self.articles.sort(key=lambda a: a.published, reverse=True)
        for a in self.articles:
            a.path = f"/{a.published:%Y/%m/%d}/{slugify(a.title)}/"
        self.post_ids = {a.path: 4100 + 37 * i for i, a in enumerate(self.articles)}
        self.emails = {name: email_of(name) for name in AUTHORS}

    # ---- page pieces ----------------------------------------------------
    def shell(self, title: str, inner: str, head: str = "", body_class: str = "home") -> str:
        nav = "".join(f'<li class="menu-item"><a href="{self.abs(f"/category/{slugify(s)}/")}">'
                      f"{esc(s)}</a></li>" for s in self.sections())
        return (
            f'<!doctype html>\n<html lang="en-US"><head><meta charset="UTF-8">'
            f"<title>{esc(title)}</title>"
            f'<link rel="alternate" type="application/rss+xml" title="{esc(self.title)} &raquo; '
            f'Feed" href="{self.abs("/feed/")}">{head}</head>\n'
            f'<body class="{body_class} td-standard-pack"><div class="td-header-wrap">'
            f'<div class="td-header-top-menu">Thursday, {esc(self.title)} | '
            f'<a href="{self.abs("/about-us/")}">About Us</a> | '
            f'<a href="{self.abs("/contact/")}">Contact</a></div>'
            f'<div class="td-logo"><a href="{self.abs("/")}">{esc(self.title)}</a></div>'
            f'<ul id="menu-main-menu" class="sf-menu">{nav}</ul>'
            f'<form class="td-search-form" action="{self.abs("/")}"><input name="s"></form>'
            f"</div>\n<div class=\"td-main-content-wrap\">{inner}</div>\n"
            f'<div class="td-footer-wrapper"><p>&copy; Copyright 2026 - {esc(self.title)}. '
            f"All rights reserved.</p></div>"
            f'<script data-cfasync="false" src="/cdn-cgi/scripts/5c5dd728/cloudflare-static/'
            f'email-decode.min.js"></script></body></html>\n')

    def sections(self) -> list[str]:
        return sorted({a.section for a in self.articles})

    def teaser(self, a: DemoArticle) -> str:
        return (f'<div class="td_module_10 td_module_wrap"><h3 class="entry-title td-module-title">'
                f'<a href="{self.abs(a.path)}" rel="bookmark" title="{esc(a.title)}">'
                f"{esc(a.title)}</a></h3><div class=\"td-module-meta-info\">"
                f'<span class="td-post-author-name"><a href="{self.author_url(a.authors[0])}">'
                f"{esc(a.authors[0])}</a></span> <time class=\"entry-date\" datetime="
                f'"{a.published.isoformat()}">{a.published:%B %d, %Y}</time></div>'
                f'<div class="td-excerpt">{esc(a.summary)}</div></div>')

    def author_url(self, author: str) -> str:
        return self.abs(f"/author/{slugify(author)}/")

    def author_box(self, author: str) -> str:
        pronoun, twitter, bio = AUTHORS[author]
        code = cf_encode(self.emails[author])
        return (f'<div class="td-author-name vcard author"><a href="{self.author_url(author)}">'
                f'{esc(author)}</a></div><div class="td-author-description">{esc(bio)} '
                f"{pronoun} tweets as @{twitter} and also can be reached at "
                f'<a href="/cdn-cgi/l/email-protection#{code}"><span class="__cf_email__" '
                f'data-cfemail="{code}">[email&#160;protected]</span></a></div>')

    def article_head(self, a: DemoArticle) -> str:
        url = self.abs(a.path)
        return (f'<link rel="canonical" href="{url}"><link rel="shortlink" '
                f'href="{self.abs(f"/?p={self.post_ids[a.path]}")}">'
                f'<meta property="og:type" content="article">'
                f'<meta property="og:title" content="{esc(a.title)}">'
                f'<meta property="og:url" content="{url}">'
                f'<meta property="og:site_name" content="{esc(self.title)}">'
                f'<meta property="og:description" content="{esc(a.summary)}">'
                f'<meta property="article:section" content="{esc(a.section)}">'
                f'<meta property="article:published_time" content="{a.published.isoformat()}">'
                f'<meta property="article:modified_time" content="{a.modified.isoformat()}">'
                f'<meta name="author" content="{esc(a.authors[0])}">')

    def article_page(self, a: DemoArticle, must_read: DemoArticle) -> str:
        author = a.authors[0]
        share = share_buttons(self.abs(a.path))
        tags = "".join(f'<li><a href="{self.abs(f"/tag/{slugify(t)}/")}">{esc(t)}</a></li>'
                       for t in a.tags)
        body = "".join(f"<p>{esc(p)}</p>" for p in a.paragraphs)
        inner = (
            f'<div class="td-crumb-container"><a href="{self.abs("/")}">Home</a> › '
            f'<a href="{self.abs(f"/category/{slugify(a.section)}/")}">{esc(a.section)}</a></div>'
            f'<article class="post type-post status-publish"><div class="td-post-header">'
            f'<h1 class="entry-title tdb-title-text">{esc(a.title)}</h1>'
            f'<div class="td-module-meta-info"><div class="td-post-author-name">By '
            f'<a href="{self.author_url(author)}">{esc(author)}</a></div> '
            f'<span class="td-post-date"><time class="entry-date updated td-module-date" '
            f'datetime="{a.published.isoformat()}">{a.published:%B %d, %Y}</time></span></div>'
            f'<div class="td-post-sharing">{share}</div></div>'
            f'<div class="td-post-content tagdiv-type">{body}</div>'
            f'<div class="td-post-source-tags"><ul class="td-tags">'
            f"<li><span>TAGS</span></li>{tags}</ul></div>"
            f'<div class="td-post-sharing-bottom">{share}</div>'
            f'<div class="td-author-box">{self.author_box(author)}</div></article>'
            f"{COMMENT_FORM}"
            f'<div class="td-ss-main-sidebar"><div class="td_block_wrap"><h4 class="block-title">'
            f"<span>Must Read</span></h4>{self.teaser(must_read)}</div>"
            f'<div class="td_block_wrap">{self.author_box(author)}</div></div>')
        head = self.article_head(a)
        return self.shell(f"{a.title} - {self.title}", inner, head, "post-template-default")

    def listing(self, title: str, items: list[DemoArticle], base: str, page: int,
                pages: int) -> str:
        nav = ""
        if page > 1:
            prev = base if page == 2 else f"{base}page/{page - 1}/"
            nav += f'<a class="page" href="{self.abs(prev)}">«</a>'
        if page < pages:
            nav += f'<a class="page" href="{self.abs(f"{base}page/{page + 1}/")}">»</a>'
        inner = (f'<h1 class="entry-title td-page-title">{esc(title)}</h1>'
                 + "".join(self.teaser(a) for a in items)
                 + f'<div class="page-nav td-pb-padding-side">{nav}</div>')
        return self.shell(f"{title} Archives - {self.title}", inner, "",
                          "archive category")

    # ---- the site -------------------------------------------------------
    def render(self) -> None:
        latest = self.articles
        for i, a in enumerate(latest):
            must_read = latest[(i + 3) % len(latest)]
            self.add(a.path, Resource.page(self.article_page(a, must_read), modified=a.modified),
                     ARTICLE)
            # WordPress answers the ?p= shortlink and the slash-less permalink with a 301
            for source in (f"/?p={self.post_ids[a.path]}", a.path.rstrip("/")):
                self.add(source, Resource.redirect(self.abs(a.path)), DISCOVERY)
                self.add_variant(a.path, self.abs(source))
        trending = " ".join(f'<a href="{self.abs(f"/?s={q}")}">{q}</a>' for q in ("smog", "wheat"))
        home = ('<div class="td-trending-now">Trending: ' + trending + "</div>"
                + "".join(self.teaser(a) for a in latest[:6]))
        self.add("/", Resource.page(self.shell(self.title, home), modified=self.newest()), LISTING)
        for q in ("smog", "wheat"):
            self.add(f"/?s={q}", self.search_page(f"s={q}"), LISTING)
        groups: dict[str, list[DemoArticle]] = {}
        for a in latest:
            groups.setdefault(f"/category/{slugify(a.section)}/", []).append(a)
            for t in a.tags:
                groups.setdefault(f"/tag/{slugify(t)}/", []).append(a)
            groups.setdefault(f"/author/{slugify(a.authors[0])}/", []).append(a)
        for base, items in groups.items():
            pages = (len(items) + PER_PAGE - 1) // PER_PAGE
            label = base.strip("/").split("/")[-1].replace("-", " ").title()
            for page in range(1, pages + 1):
                chunk = items[(page - 1) * PER_PAGE:page * PER_PAGE]
                path = base if page == 1 else f"{base}page/{page}/"
                self.add(path, Resource.page(self.listing(label, chunk, base, page, pages)),
                         LISTING)
        self.render_static()
        self.render_discovery()

    def render_static(self) -> None:
        about = ("<h1>About Us</h1><p>The Lahore Ledger is an independent daily covering Punjab "
                 "since 1998. Our newsroom works from Lahore, Multan and Faisalabad.</p>")
        code = cf_encode("desk@lahoreledger.example")
        contact = ('<h1>Contact</h1><p>Newsroom: <a href="/cdn-cgi/l/email-protection#' + code
                   + '"><span class="__cf_email__" data-cfemail="' + code
                   + '">[email&#160;protected]</span></a></p><p>Phone: 042-0000000</p>')
        for path, title, inner in (("/about-us/", "About Us", about),
                                   ("/contact/", "Contact", contact)):
            self.add(path, Resource.page(self.shell(f"{title} - {self.title}", inner, "", "page")),
                     STATIC)
        self.add("/cdn-cgi/l/email-protection", Resource.page(
            "<!DOCTYPE html><html><head><title>Email Protection | Cloudflare</title></head>"
            "<body><h1>Please enable cookies.</h1><p>You are unable to access this email "
            "address.</p></body></html>"), STATIC)

    def render_discovery(self) -> None:
        newest = self.newest()
        posts = xmlgen.urlset([(self.abs(a.path), a.modified) for a in self.articles])
        pages = xmlgen.urlset([(self.abs(p), None) for p in ("/about-us/", "/contact/")])
        index = xmlgen.sitemap_index([(self.abs("/post-sitemap.xml"), newest),
                                      (self.abs("/page-sitemap.xml"), None)])
        self.add("/post-sitemap.xml", Resource.page(posts, XML, newest), DISCOVERY)
        self.add("/page-sitemap.xml", Resource.page(pages, XML, None), DISCOVERY)
        self.add("/sitemap_index.xml", Resource.page(index, XML, newest), DISCOVERY)
        entries = [xmlgen.FeedEntry(self.abs(a.path), a.title, a.published, a.modified,
                                    a.summary, a.authors[0]) for a in self.articles]
        feed = xmlgen.rss(self.title, self.url, self.abs("/feed/"), entries)
        self.add("/feed/", Resource.page(feed, RSS, newest), DISCOVERY)
        self.robots(["User-agent: *", "Disallow: /wp-admin/",
                     "Allow: /wp-admin/admin-ajax.php", "",
                     f"Sitemap: {self.abs('/sitemap_index.xml')}"])

    def search_page(self, query: str) -> Resource:
        term = (parse_qs(query).get("s") or [""])[0].lower()
        hits = [a for a in self.articles if term and term in a.body.lower()][:PER_PAGE * 2]
        inner = (f'<h1 class="td-page-title">Search Results for: {esc(term)}</h1>'
                 + "".join(self.teaser(a) for a in hits))
        return Resource.page(self.shell(f"You searched for {term} - {self.title}", inner, "",
                                        "search search-results"))
