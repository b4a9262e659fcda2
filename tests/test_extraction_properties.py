"""Property tests: extract_article never crashes and always keeps its contract,
on generated pages that mix real structure, broken markup, scripts and charsets."""

from __future__ import annotations

import json
from datetime import datetime

from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscrawl.extraction import SiteHints, extract_article

PROPERTY_SETTINGS = settings(max_examples=examples(2000), deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])
SCRIPTS = st.sampled_from([
    "The council met on Monday to discuss the new budget for roads and schools.",
    "لاہور میں بارش کے بعد شہر کی سڑکیں پانی میں ڈوب گئیں اور ٹریفک متاثر ہوئی۔",
    "江苏省政府周二宣布了新的交通规划，将在未来五年内建设多条高速铁路。",
    "東京都は月曜日、新しい防災計画を発表した。",
    "Die Stadt kündigte am Dienstag neue Radwege an.",
])
TEXT = st.one_of(SCRIPTS, st.text(max_size=80))
JSONLD = st.one_of(
    st.builds(lambda h, a, d: json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                                          "headline": h, "author": {"name": a}, "datePublished": d}),
              TEXT, TEXT, st.one_of(TEXT, st.just("2026-03-05T10:00:00"), st.just("2026-13-45"))),
    st.text(max_size=60),  # broken JSON
    st.just('{"@graph": [{"@type": ["Article", "WebPage"], "author": [null, 3, {"name": []}]}]'),
)


@st.composite
def pages(draw: st.DrawFn) -> bytes | str:
    parts = ["<html", draw(st.sampled_from(["", ' lang="ur"', ' lang="zh-CN"', " lang=>"])), "><head>"]
    if draw(st.booleans()):
        parts.append(f'<meta charset="{draw(st.sampled_from(["utf-8", "gbk", "windows-1256", "x-bogus", ""]))}">')
    parts.append(f"<title>{draw(TEXT)}</title>")
    for _ in range(draw(st.integers(0, 3))):
        prop = draw(st.sampled_from(["og:title", "og:type", "article:published_time", "author",
                                     "og:url", "description", "article:tag"]))
        parts.append(f'<meta property="{prop}" name="{prop}" content="{draw(TEXT)}">')
    if draw(st.booleans()):
        parts.append(f'<script type="application/ld+json">{draw(JSONLD)}</script>')
    parts.append("</head><body>")
    for _ in range(draw(st.integers(0, 8))):
        tag = draw(st.sampled_from(["p", "h1", "div", "span", "time", "a", "li", "article", "script",
                                    "style", "form", "aside", "table"]))
        close = draw(st.sampled_from([f"</{tag}>", ""]))  # unclosed tags too
        parts.append(f'<{tag} class="{draw(st.sampled_from(["byline", "author", "content", "x"]))}">'
                     f"{draw(TEXT)}{close}")
    if draw(st.booleans()):
        parts.append('<span class="__cf_email__" data-cfemail="'
                     f'{draw(st.text("0123456789abcdefg", max_size=20))}">[email protected]</span>')
    html = "".join(parts)
    if draw(st.booleans()):
        return html
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "gb18030", "cp1256", "latin-1"]))
    data = html.encode(encoding, errors="replace")
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(data)))
        data = data[:cut]  # truncated download
    return data


def _check_contract(fields) -> None:
    for name in ("title", "body", "description", "published", "modified", "canonical_url"):
        value = getattr(fields, name)
        assert value is None or isinstance(value, str), name
    assert isinstance(fields.authors, list) and all(isinstance(a, str) and a for a in fields.authors)
    assert isinstance(fields.tags, list)
    assert isinstance(fields.provenance, dict)
    for name in ("published", "modified"):
        value = getattr(fields, name)
        if value:
            datetime.fromisoformat(value.replace("Z", "+00:00"))


@PROPERTY_SETTINGS
@given(pages(), st.sampled_from([None, "http://127.0.0.1:8701/2026/03/05/story/", "not a url"]),
       st.sampled_from([None, "utf-8", "iso-8859-1", "nonsense"]),
       st.sampled_from([None, "Asia/Karachi"]))
def test_extract_article_never_crashes_and_keeps_its_contract(page, url, charset, tz) -> None:
    hints = SiteHints(timezone=tz)
    fields = extract_article(page, url, http_charset=charset, hints=hints)
    _check_contract(fields)
    again = extract_article(page, url, http_charset=charset, hints=hints)
    assert again.to_dict() == fields.to_dict()  # deterministic


@PROPERTY_SETTINGS
@given(st.lists(SCRIPTS, min_size=1, max_size=6), st.sampled_from(["utf-8", "gb18030", "cp1256"]))
def test_correctly_labelled_pages_decode_without_replacement_characters(paragraphs, encoding) -> None:
    body = "".join(f"<p>{p} {p}</p>" for p in paragraphs)
    html = f'<html><head><meta charset="{encoding}"></head><body><article>{body}</article></body></html>'
    try:
        data = html.encode(encoding)
    except UnicodeEncodeError:
        return  # this script cannot be written in that charset
    fields = extract_article(data, "http://127.0.0.1:8701/a/1.html")
    for value in (fields.title, fields.body, fields.description):
        assert "\ufffd" not in (value or "")
