"""URL-shape classification and the page-level article decision."""

from __future__ import annotations

import re

import pytest

from newscrawl.discovery import links
from newscrawl.discovery.links import classify_url, looks_like_article, url_shape

H = "http://127.0.0.1:8000"

ARTICLES = [
    f"{H}/2024/03/05/budget-passes-in-provincial-assembly/",
    f"{H}/2024/3/5/42",
    f"{H}/2024/03/budget/",  # WordPress /%year%/%monthnum%/%postname%/
    f"{H}/news/2024-03-05/flood-warning",
    f"{H}/a/202403/05/WS65e6a1b2a31082fc043bb7e1.html",  # China Daily style
    f"{H}/news/20240305/abc",
    f"{H}/news/1234567/some-slug",  # Pakistani portal style
    f"{H}/news/1234567",
    f"{H}/story/2467890/pakistan-beat-india",
    f"{H}/content_12345.htm",  # Chinese CMS
    f"{H}/gb/2024/content_987654.shtml",
    f"{H}/pakistan/karachi-police-arrest-three-suspects.html",
    f"{H}/sports/cricket-team-wins-the-final-in-lahore/",
    f"{H}/?p=123",
    f"{H}/article.php?id=98765",
    f"{H}/news/articleView.html?idxno=12345",  # Korean CMS
    f"{H}/markets/share-market-update-psu-bank-shares-gain/articleshow/73540940.cms",
    f"{H}/print-media-revenue-falls-for-the-fifth-year/",
    f"{H}/?p=959/",  # WordPress post id with a stray slash
    f"{H}/news/news_view.html?idx=8723&page=1&bc=&mc=",  # the listing's page rides along
    f"{H}/bbs/board.php?bo_table=news&wr_id=321&page=2",  # gnuboard post
    f"{H}/index.php?option=com_content&view=article&id=77:budget&catid=8",  # Joomla
    f"{H}/node/123",  # Drupal
    f"{H}/news/2024/03/05/amp-twin-of-a-story/amp/",
    f"{H}/story/hello-world",  # article container + short slug
    f"{H}/opinion/columns/some/deep/path",  # no evidence, deep: judged after fetch
    f"{H}/%E6%96%B0%E9%97%BB/2024/03/05/%E6%B1%9F%E8%8B%8F",
]
LISTINGS = [
    f"{H}/",
    f"{H}/category/national/",
    f"{H}/tag/elections/",
    f"{H}/tags/some-very-long-tag-name-here/",
    f"{H}/topic/economy",
    f"{H}/author/jane-doe/",
    f"{H}/section/sport",
    f"{H}/category/sport/page/3/",
    f"{H}/category/sport/?p=2",
    f"{H}/news?page=2",
    f"{H}/list.php?id=5&page=2",  # a bare id beside a page may be the category's
    f"{H}/archives/",
    f"{H}/2024/03/",
    f"{H}/2024/03/05/",
    f"{H}/2024/",
    f"{H}/node_1234.htm",
    f"{H}/china/index_2.html",
    f"{H}/business/page_2.html",
    f"{H}/metro/index-2.html",
    f"{H}/sports/",
    f"{H}/news/pakistan/",
    f"{H}/latest",
]
STATICS = [
    f"{H}/about-us/", f"{H}/contact", f"{H}/privacy-policy/", f"{H}/terms-of-service",
    f"{H}/advertise", f"{H}/careers/", f"{H}/subscribe", f"{H}/en/about/",
    f"{H}/impressum", f"{H}/contacto", f"{H}/aboutus.html", f"{H}/关于我们",
    f"{H}/about/team/editorial-board-of-the-paper",
]
SKIPS = [
    "mailto:desk@127.0.0.1", "javascript:void(0)", "tel:+92211234567",
    "whatsapp://send?text=x", "ftp://127.0.0.1/file",
    f"{H}/files/report-2024.pdf", f"{H}/img/photo.JPG", f"{H}/video/clip.mp4",
    f"{H}/wp-content/uploads/2024/03/a.png", f"{H}/style.css", f"{H}/feed/",
    f"{H}/2024/03/05/a-story-with-a-slug/feed/", f"{H}/rss.xml",
    f"{H}/wp-login.php?redirect_to=x", f"{H}/login", f"{H}/my-account/",
    f"{H}/search?q=flood", f"{H}/?s=flood", f"{H}/search/flood/",
    f"{H}/share?url=x", f"{H}/print/12345", f"{H}/share-this/", f"{H}/news/print-article/42", f"{H}/news/1234567/x?print=1",
    f"{H}/2024/03/05/a-story-with-a-slug/#respond",
    f"{H}/2024/03/05/a-story-with-a-slug/#comment-42",
    f"{H}/2024/03/05/a-story-with-a-slug/?replytocom=7",
    f"{H}/cdn-cgi/l/email-protection",
    f"{H}/news/1234567/x?PHPSESSID=abcdef0123456789",
    f"{H}/news/1234567/x;jsessionid=ABCDEF0123",
    f"{H}/calendar/2031/01/",
    f"{H}/events?date=2031-01-01",
]


@pytest.mark.parametrize("url", ARTICLES)
def test_article_shapes(url):
    assert classify_url(url) == "article", url_shape(url)


@pytest.mark.parametrize("url", LISTINGS)
def test_listing_shapes(url):
    assert classify_url(url) == "listing", url_shape(url)


@pytest.mark.parametrize("url", STATICS)
def test_static_shapes(url):
    assert classify_url(url) == "static", url_shape(url)


@pytest.mark.parametrize("url", SKIPS)
def test_skip_shapes(url):
    assert classify_url(url) == "skip", url_shape(url)


def test_reasons_are_given():
    assert url_shape(f"{H}/2024/03/05/x-y/").reason == "date-path"
    assert url_shape(f"{H}/a.pdf").reason == "extension"
    assert url_shape(f"{H}/tag/x/").reason == "path:tag"
    assert url_shape(f"{H}/sports/") == links.UrlShape("unknown", "section-like")


def test_site_patterns_override_shape():
    article = re.compile(r"/story/\d+")
    exclude = re.compile(r"/sponsored/")
    assert classify_url(f"{H}/story/42", article_pattern=article) == "article"
    # not matching the site's pattern: never an article, still followed
    assert classify_url(f"{H}/2024/03/05/a-b-c-d/", article_pattern=article) == "listing"
    assert classify_url(f"{H}/about-us/", article_pattern=article) == "static"
    assert classify_url(f"{H}/sponsored/2024/03/05/a-b-c-d/", exclude_pattern=exclude) == "skip"
    # plain strings work too (the registry may hand over either)
    assert classify_url(f"{H}/story/42", article_pattern=r"/story/\d+") == "article"
    assert classify_url(f"{H}/story/1.pdf", article_pattern=article) == "skip"


@pytest.mark.parametrize(("kwargs", "expected", "reason"), [
    ({"og_type": "article", "jsonld_types": []}, True, "og:article"),
    ({"og_type": None, "jsonld_types": ["NewsArticle"]}, True, "jsonld:newsarticle"),
    ({"og_type": "website", "jsonld_types": ["ReportageNewsArticle"]}, True,
     "jsonld:reportagenewsarticle"),
    ({"og_type": None, "jsonld_types": ["http://schema.org/BlogPosting"]}, True,
     "jsonld:blogposting"),
    ({"og_type": None, "jsonld_types": ["CollectionPage", "WebSite"]}, False,
     "jsonld:collectionpage"),
    ({"og_type": "profile", "jsonld_types": []}, False, "og:profile"),
])
def test_structured_data_decides(kwargs, expected, reason):
    ok, why = looks_like_article(url_kind="listing", word_count=500, paragraphs=8, **kwargs)
    assert (ok, why) == (expected, reason)


def test_structured_data_with_an_empty_body_is_rejected():
    assert looks_like_article(url_kind="article", og_type="article", jsonld_types=None,
                              word_count=5, paragraphs=1)[0] is False


@pytest.mark.parametrize("site_types", [["Organization"], ["WebSite", "Organization"],
                                        ["Person"], ["NewsMediaOrganization"]])
def test_the_sites_own_description_is_no_listing_evidence(site_types):
    # a municipality's story page whose one JSON-LD block is its publisher: URL and text decide
    story = {"og_type": None, "jsonld_types": site_types, "word_count": 97, "paragraphs": 2,
             "byline": True}
    assert looks_like_article(url_kind="article", **story) == (True, "url:article+byline")
    assert looks_like_article(url_kind="listing", **story) == (False, "url:listing")
    assert looks_like_article(url_kind="unknown", **story)[0] is False
    assert looks_like_article(url_kind="article", **{**story, "jsonld_types": [
        *site_types, "CollectionPage"]}) == (False, "jsonld:collectionpage")


def test_static_pages_need_jsonld_not_just_og_article():
    # Yoast gives every WordPress page og:type=article
    assert looks_like_article(url_kind="static", og_type="article", jsonld_types=["WebPage"],
                              word_count=600, paragraphs=6) == (False, "url:static")


def test_url_shape_and_text_thresholds():
    enough = {"word_count": links.DEFAULT_THRESHOLDS.article_url,
              "paragraphs": links.DEFAULT_THRESHOLDS.article_url_paragraphs}
    short = {"word_count": links.DEFAULT_THRESHOLDS.article_url - 1, "paragraphs": 5}
    assert looks_like_article(url_kind="article", og_type=None, jsonld_types=[], **enough)[0]
    assert not looks_like_article(url_kind="article", og_type=None, jsonld_types=[], **short)[0]
    assert looks_like_article(url_kind="listing", og_type=None, jsonld_types=[],
                              word_count=2000, paragraphs=30) == (False, "url:listing")
    assert looks_like_article(url_kind="skip", og_type="article", jsonld_types=["NewsArticle"],
                              word_count=2000, paragraphs=30) == (False, "url:skip")
    # no URL evidence: a real body is needed
    assert not looks_like_article(url_kind="unknown", og_type=None, jsonld_types=[],
                                  word_count=links.DEFAULT_THRESHOLDS.article_url, paragraphs=3)[0]
    assert looks_like_article(url_kind="unknown", og_type=None, jsonld_types=[],
                              word_count=links.DEFAULT_THRESHOLDS.no_evidence,
                              paragraphs=links.DEFAULT_THRESHOLDS.no_evidence_paragraphs)[0]


def test_og_website_on_article_url_asks_for_a_longer_body():
    assert not looks_like_article(url_kind="article", og_type="website", jsonld_types=[],
                                  word_count=150, paragraphs=3)[0]
    assert looks_like_article(url_kind="article", og_type="website", jsonld_types=[],
                              word_count=400, paragraphs=6)[0]
    # a CMS that says "website" on every story: a stated date or author makes a
    # 150-word story an article, as an article-shaped URL alone does at 120 words
    dated = {"url_kind": "article", "og_type": "website", "jsonld_types": [], "byline": True}
    assert looks_like_article(word_count=150, paragraphs=3, **dated) == (True, "url:article+text")
    assert looks_like_article(word_count=100, paragraphs=3, **dated)[0] is False
    assert looks_like_article(word_count=150, paragraphs=1, **dated)[0] is False
