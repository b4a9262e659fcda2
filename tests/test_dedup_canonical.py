"""One row per canonicalisation rule: variants map to one key, distinct pages stay apart."""

from __future__ import annotations

import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawl.dedup.canonical import (
    canonicalize_url,
    remove_dot_segments,
    resolve_canonical,
    site_key,
    strip_tracking,
)

SAME = [
    # (rule, variant, canonical)
    ("scheme case", "HTTP://example.com/a", "http://example.com/a"),
    ("host case", "https://WWW.Example.COM/a", "https://www.example.com/a"),
    ("trailing dot host", "https://example.com./a", "https://example.com/a"),
    ("default http port", "http://example.com:80/a", "http://example.com/a"),
    ("default https port", "https://example.com:443/a", "https://example.com/a"),
    ("non-default port kept", "http://127.0.0.1:8001/a", "http://127.0.0.1:8001/a"),
    ("fragment", "https://example.com/a#comments", "https://example.com/a"),
    ("utm_*", "https://example.com/a?utm_source=fb&utm_medium=s&utm_campaign=x",
     "https://example.com/a"),
    ("fbclid", "https://example.com/a?fbclid=IwAR0x", "https://example.com/a"),
    ("gclid", "https://example.com/a?gclid=abc", "https://example.com/a"),
    ("dclid", "https://example.com/a?dclid=abc", "https://example.com/a"),
    ("msclkid", "https://example.com/a?msclkid=abc", "https://example.com/a"),
    ("mailchimp", "https://example.com/a?mc_cid=1&mc_eid=2", "https://example.com/a"),
    ("ref", "https://example.com/a?ref=home", "https://example.com/a"),
    ("ref_src", "https://example.com/a?ref_src=twsrc%5Etfw", "https://example.com/a"),
    ("cmpid", "https://example.com/a?cmpid=rss", "https://example.com/a"),
    ("igshid", "https://example.com/a?igshid=xyz", "https://example.com/a"),
    ("_ga", "https://example.com/a?_ga=2.1.2", "https://example.com/a"),
    ("yclid", "https://example.com/a?yclid=9", "https://example.com/a"),
    ("spm", "https://example.com/a?spm=a2c.1", "https://example.com/a"),
    ("share", "https://example.com/a?share=twitter", "https://example.com/a"),
    ("from as label", "https://example.com/a?from=rss", "https://example.com/a"),
    ("tracker name case", "https://example.com/a?UTM_Source=x", "https://example.com/a"),
    ("params sorted", "https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
    ("trackers removed, rest sorted", "https://example.com/a?utm_source=x&p=2&id=7",
     "https://example.com/a?id=7&p=2"),
    ("html-escaped ampersand", "https://example.com/a?id=7&amp;utm_source=x",
     "https://example.com/a?id=7"),
    ("index.html", "https://example.com/news/index.html", "https://example.com/news"),
    ("index.htm", "https://example.com/news/index.htm", "https://example.com/news"),
    ("index.php", "https://example.com/news/index.php", "https://example.com/news"),
    ("root index", "https://example.com/index.html", "https://example.com/"),
    ("trailing slash dropped", "https://example.com/news/story/", "https://example.com/news/story"),
    ("root keeps its slash", "https://example.com", "https://example.com/"),
    ("duplicate slashes", "https://example.com//news///story", "https://example.com/news/story"),
    ("percent hex case", "https://example.com/%c3%a4", "https://example.com/%C3%A4"),
    ("unreserved decoded", "https://example.com/%7Euser/a%2Db", "https://example.com/~user/a-b"),
    ("non-ascii path encoded", "https://example.com/ä", "https://example.com/%C3%A4"),
    ("space encoded", "https://example.com/a b", "https://example.com/a%20b"),
    ("idn host", "https://münchen.de/a", "https://xn--mnchen-3ya.de/a"),
    ("amp segment", "https://example.com/amp/news/story", "https://example.com/news/story"),
    ("trailing amp", "https://example.com/news/story/amp", "https://example.com/news/story"),
    ("trailing amp slash", "https://example.com/news/story/amp/", "https://example.com/news/story"),
    ("amp=1", "https://example.com/news/story?amp=1", "https://example.com/news/story"),
    ("bare amp", "https://example.com/news/story?amp", "https://example.com/news/story"),
    ("outputType=amp", "https://example.com/story?outputType=amp", "https://example.com/story"),
    ("amp host", "https://amp.example.com/news/story", "https://example.com/news/story"),
    (".amp.html", "https://example.com/news/story.amp.html", "https://example.com/news/story.html"),
    ("amp cache", "https://example-com.cdn.ampproject.org/c/s/example.com/news/story?amp",
     "https://example.com/news/story"),
    ("surrounding whitespace", "  https://example.com/a\n", "https://example.com/a"),
]

DIFFERENT = [
    # (rule, url_a, url_b): must stay two keys
    ("ports differ", "http://127.0.0.1:8001/a", "http://127.0.0.1:8002/a"),
    ("schemes differ", "http://example.com/a", "https://example.com/a"),
    ("path case kept", "https://example.com/News", "https://example.com/news"),
    ("content id kept", "https://example.com/a?id=1", "https://example.com/a?id=2"),
    ("from as offset kept", "https://example.com/a?from=20", "https://example.com/a?from=40"),
    ("cid is content on some CMSs", "https://example.com/a?cid=1", "https://example.com/a?cid=2"),
    ("gallery is not _ga", "https://example.com/a?gallery=1", "https://example.com/a?gallery=2"),
    ("amp inside a word", "https://example.com/news/campaign", "https://example.com/news/camp"),
    ("outputType other", "https://example.com/a?outputType=print", "https://example.com/a"),
]


@pytest.mark.parametrize(("rule", "variant", "expected"), SAME, ids=[r[0] for r in SAME])
def test_variant_maps_to_canonical(rule: str, variant: str, expected: str) -> None:
    assert canonicalize_url(variant) == expected
    assert canonicalize_url(expected) == expected, "canonical form must be a fixed point"


@pytest.mark.parametrize(("rule", "a", "b"), DIFFERENT, ids=[r[0] for r in DIFFERENT])
def test_distinct_pages_stay_apart(rule: str, a: str, b: str) -> None:
    assert canonicalize_url(a) != canonicalize_url(b)


def test_non_http_is_returned_untouched() -> None:
    assert canonicalize_url("mailto:desk@example.com") == "mailto:desk@example.com"


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://127.0.0.1:8001/a/b", "http://127.0.0.1:8001"),
        ("HTTPS://Example.com/x", "https://example.com:443"),
        ("http://example.com/", "http://example.com:80"),
    ],
)
def test_site_key_is_scheme_host_port(url: str, key: str) -> None:
    assert site_key(url) == key


@pytest.mark.parametrize(
    ("fetched", "declared", "site", "expected"),
    [
        # declared canonical wins, normalised like any URL
        ("https://example.com/a?utm_source=x", "https://example.com/story-1/",
         "example.com", "https://example.com/story-1"),
        # relative canonical resolved against the page
        ("http://127.0.0.1:8001/amp/a", "/a", "127.0.0.1:8001", "http://127.0.0.1:8001/a"),
        # AMP page on amp. host declaring the www page: same site
        ("https://amp.example.com/a", "https://www.example.com/a", "www.example.com",
         "https://www.example.com/a"),
        # mobile host of a two-level public suffix
        ("https://m.paper.com.pk/a", "https://www.paper.com.pk/a", "www.paper.com.pk",
         "https://www.paper.com.pk/a"),
        # foreign domain: CMS misconfiguration, ignored
        ("https://example.com/a", "https://other.org/a", "example.com", "https://example.com/a"),
        # homepage for an article: ignored
        ("https://example.com/news/a", "https://example.com/", "example.com",
         "https://example.com/news/a"),
        # on loopback another port is another site
        ("http://127.0.0.1:8001/a", "http://127.0.0.1:8002/a", "127.0.0.1:8001",
         "http://127.0.0.1:8001/a"),
        # none or blank declared
        ("https://example.com/a/", None, "example.com", "https://example.com/a"),
        ("https://example.com/a/", "  ", "example.com", "https://example.com/a"),
        # non-http canonical ignored
        ("https://example.com/a", "javascript:void(0)", "example.com", "https://example.com/a"),
        # a bracketed host that is no IP address: Python's parser raises, the page keeps its URL
        ("https://example.com/a", "http://[ccpa-preferences]/a", "example.com",
         "https://example.com/a"),
    ],
)
def test_resolve_canonical(fetched: str, declared: str | None, site: str, expected: str) -> None:
    assert resolve_canonical(fetched, declared, site) == expected


def test_homepage_may_declare_itself() -> None:
    assert resolve_canonical("https://example.com/?ref=x", "https://example.com/",
                             "example.com") == "https://example.com/"


_segment = st.sampled_from(["news", "amp", "index.html", "a b", "%7Euser", "ä", "2024", ""])
_param = st.sampled_from(["id=1", "utm_source=x", "amp=1", "from=rss", "from=20", "p=%41",
                          "q=a+b", "fbclid=z", "x", "outputType=amp", "b=%e4"])


@given(scheme=st.sampled_from(["http", "HTTPS"]),
       host=st.sampled_from(["Example.com", "amp.example.com", "127.0.0.1", "münchen.de"]),
       port=st.sampled_from(["", ":80", ":443", ":8001"]),
       segments=st.lists(_segment, max_size=5), params=st.lists(_param, max_size=4),
       fragment=st.sampled_from(["", "#top"]), slash=st.booleans())
@settings(max_examples=examples(400), deadline=None)
def test_canonical_form_is_a_fixed_point(scheme: str, host: str, port: str,
                                         segments: list[str], params: list[str],
                                         fragment: str, slash: bool) -> None:
    path = "/" + "/".join(segments) + ("/" if slash else "")
    query = ("?" + "&".join(params)) if params else ""
    url = f"{scheme}://{host}{port}{path}{query}{fragment}"
    once = canonicalize_url(url)
    assert canonicalize_url(once) == once
    assert "#" not in once and "utm_" not in once and "fbclid" not in once


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/news/a/?utm_source=x&id=2#top", "https://example.com/news/a/?id=2"),
        ("https://example.com/amp/a?fbclid=1", "https://example.com/amp/a"),  # path untouched
        ("https://example.com/a?from=20&ref=home", "https://example.com/a?from=20"),
        ("mailto:x@example.com", "mailto:x@example.com"),
    ],
)
def test_strip_tracking_keeps_the_path_as_written(url: str, expected: str) -> None:
    assert strip_tracking(url) == expected


# RFC 3986 5.2.4 and the normal examples of 5.4.1 (base http://a/b/c/d;p?q),
# as the path each reference resolves to before our rules.
@pytest.mark.parametrize(("path", "expected"), [
    ("/a/b/c/./../../g", "/a/g"),
    ("/b/c/./g", "/b/c/g"),
    ("/b/c/g/.", "/b/c/g/"),
    ("/b/c/..", "/b/"),
    ("/b/c/../..", "/"),
    ("/../g", "/g"),
    ("/./g", "/g"),
    ("/b/c/g.", "/b/c/g."),
    ("/b/c/..g", "/b/c/..g"),
    ("/b/c/./../g", "/b/g"),
    ("/b/c/g;x=1/../y", "/b/c/y"),
])
def test_remove_dot_segments_follows_rfc3986(path: str, expected: str) -> None:
    assert "/".join(remove_dot_segments(path)) == expected


@pytest.mark.parametrize(("url", "expected"), [
    ("https://example.com/foo/bar/..", "https://example.com/foo"),
    ("https://example.com/./foo/.", "https://example.com/foo"),
    ("https://example.com/news/./2024/../story/", "https://example.com/news/story"),
    ("https://example.com/a/%2e%2E/b", "https://example.com/b"),  # escaped dots are dots
    ("https://example.com/a//../b", "https://example.com/a/b"),  # RFC order: ".." eats ""
    ("https://example.com/../../story", "https://example.com/story"),
    ("https://example.com/story/index.html/..", "https://example.com/story"),
    ("https://example.com/a/%61mp/b", "https://example.com/a/b"),  # %61 is "a"
])
def test_dot_segments_are_resolved_before_the_trailing_slash_rule(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected
    assert canonicalize_url(expected) == expected


_tricky_segment = st.sampled_from([".", "..", "%2e", "%2E%2e", ".%2e", "amp", "%61mp", "x.amp",
                                   "amp.amp", "index.html", "x.amp.html", "", "a", "~b", "%7e",
                                   "%2F", "ä", "a b", "..g", "g."])


@given(host=st.sampled_from(["example.com", "amp.example.com", "amp.amp.example.com"]),
       segments=st.lists(_tricky_segment, max_size=8), params=st.lists(_param, max_size=3),
       slash=st.booleans())
@settings(max_examples=600, deadline=None)
def test_canonicalising_a_key_again_returns_the_same_key(
        host: str, segments: list[str], params: list[str], slash: bool) -> None:
    url = f"https://{host}/" + "/".join(segments) + ("/" if slash else "")
    url += ("?" + "&".join(params)) if params else ""
    key = canonicalize_url(url)
    assert canonicalize_url(key) == key
    path = key.split("://", 1)[1].partition("/")[2].partition("?")[0]
    assert path == "" or not path.endswith("/")
    assert all(s not in (".", "..") for s in path.split("/"))
