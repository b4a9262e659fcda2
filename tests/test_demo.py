"""The demo network serves what its ground truth says, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import html
import json
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

import pytest
import yaml

from newscrawl.demo import DemoNetwork, cf_decode

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def text(url: str) -> str:
    status, _, body = fetch(url)
    assert status == 200, url
    return body.decode("utf-8")


def locs(url: str) -> list[str]:
    root = ElementTree.fromstring(fetch(url)[2])
    return [el.text or "" for el in root.iter(f"{SM}loc")]


@pytest.fixture(scope="module")
def net():
    with DemoNetwork(base_port=0) as network:
        yield network


def truth_urls(net: DemoNetwork, site: str) -> set[str]:
    return {t["url"] for t in net.truth() if t["site"] == site}


def test_network_shape_and_truth(net: DemoNetwork) -> None:
    assert [s.name for s in net.sites] == ["lahore-ledger", "yangtze-herald", "indus-courier",
                                           "coastal-times"]
    truth = net.truth()
    per_site = Counter(t["site"] for t in truth)
    assert all(8 <= n <= 15 for n in per_site.values()), per_site
    assert len({t["url"] for t in truth}) == len(truth)
    assert len({t["body"] for t in truth}) == len(truth), "every article is distinct text"
    for t in truth:
        assert 150 <= len(t["body"].split()) <= 600, t["url"]
        assert re.search(r"[+-]\d\d:\d\d$", t["published"]), t["published"]
        assert t["title"] and t["authors"] and t["section"]
    stories = Counter(t["story"] for t in truth if t["story"])
    assert len(stories) >= 2 and all(2 <= n <= 3 for n in stories.values())
    assert any(t["language"] == "ur" for t in truth)
    for url in net.non_article_urls():
        assert url not in {t["url"] for t in truth}


def test_every_truth_page_serves_its_title_and_body(net: DemoNetwork) -> None:
    for t in net.truth():
        status, headers, body = fetch(t["url"])
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        page = body.decode("utf-8")
        assert f'rel="canonical" href="{t["url"]}"' in page
        first = t["body"].split("\n\n")[0]
        assert html.escape(first[:80]) in page


def test_robots_and_unknown_paths(net: DemoNetwork) -> None:
    for site in net.sites:
        assert text(site.url + "robots.txt").startswith("User-agent: *")
        assert fetch(site.url + "no/such/page/")[0] == 404
    ledger, herald, courier, coastal = net.sites
    assert f"Sitemap: {ledger.url}sitemap_index.xml" in text(ledger.url + "robots.txt")
    assert "Disallow: /private/" in text(herald.url + "robots.txt")
    assert "Sitemap:" not in text(coastal.url + "robots.txt")
    assert "Sitemap:" not in text(courier.url + "robots.txt")
    assert fetch(courier.url + "sitemap.xml")[0] == 404


def test_sitemaps_list_exactly_the_articles(net: DemoNetwork) -> None:
    ledger, herald, _, coastal = net.sites
    index = locs(ledger.url + "sitemap_index.xml")
    assert index == [ledger.url + "post-sitemap.xml", ledger.url + "page-sitemap.xml"]
    assert set(locs(index[0])) == truth_urls(net, "lahore-ledger")
    assert set(locs(index[1])) == {ledger.url + "about-us/", ledger.url + "contact/"}
    news = ElementTree.fromstring(fetch(herald.url + "news-sitemap.xml")[2])
    assert {el.text for el in news.iter(f"{SM}loc")} == truth_urls(net, "yangtze-herald")
    dates = [el.text or "" for el in news.iter(f"{NEWS}publication_date")]
    assert len(dates) == len(truth_urls(net, "yangtze-herald"))
    assert all("+08:00" in d for d in dates)
    assert news.find(f".//{NEWS}title") is not None
    statics = {coastal.url + "pages/about-us.html", coastal.url + "pages/advertise.html"}
    assert set(locs(coastal.url + "sitemap.xml")) == truth_urls(net, "coastal-times") | statics


def test_feeds_rss_and_autodiscovered_atom(net: DemoNetwork) -> None:
    ledger, _, courier, _ = net.sites
    rss = ElementTree.fromstring(fetch(ledger.url + "feed/")[2])
    assert {el.text for el in rss.iter("link")} >= truth_urls(net, "lahore-ledger")
    home = text(courier.url)
    href = re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"',
                     home).group(1)
    atom = ElementTree.fromstring(fetch(urljoin(courier.url, href))[2])
    ns = "{http://www.w3.org/2005/Atom}"
    links = {el.get("href") for el in atom.iter(f"{ns}link") if el.get("rel") == "alternate"}
    assert truth_urls(net, "indus-courier") <= links
    page = text(min(truth_urls(net, "indus-courier")))
    assert "application/ld+json" not in page and 'property="og:title"' in page
    byline = re.search(r'class="node__meta">.*?\| ([^<]+)</div>', page).group(1)
    assert re.fullmatch(r"\w+ \d+, \d{4}, \d+:\d\d [ap]m", byline)


def test_conditional_get_on_discovery_documents(net: DemoNetwork) -> None:
    ledger, herald, courier, coastal = net.sites
    for url in (ledger.url + "post-sitemap.xml", ledger.url + "feed/",
                herald.url + "news-sitemap.xml", courier.url + "feeds/latest-news.atom",
                coastal.url + "sitemap.xml"):
        status, headers, _ = fetch(url)
        etag, modified = headers["ETag"], headers["Last-Modified"]
        assert status == 200
        assert fetch(url, {"If-None-Match": etag})[0] == 304
        assert fetch(url, {"If-Modified-Since": modified})[0] == 304
        assert fetch(url, {"If-None-Match": '"stale"'})[0] == 200
        assert fetch(url, {"If-None-Match": '"stale"', "If-Modified-Since": modified})[0] == 200
        older = format_datetime(parsedate_to_datetime(modified) - timedelta(hours=1), usegmt=True)
        assert fetch(url, {"If-Modified-Since": older})[0] == 200


def test_amp_twins_variants_and_redirects_agree(net: DemoNetwork) -> None:
    variants = net.url_variants()
    herald = net.site("yangtze-herald")
    amp_seen = second_section = redirects = tracking = 0
    for canonical, others in variants.items():
        for other in others:
            status, headers, body = fetch(other)
            if status == 301:
                redirects += 1
                assert headers["Location"] == canonical
                continue
            assert status == 200
            declared = re.search(r'rel="canonical" href="([^"]+)"', body.decode()).group(1)
            assert declared == canonical
            amp_seen += "/amp/" in other
            tracking += "?" in other
            second_section += other.startswith(herald.url + "business/") and "/tech/" in canonical
    assert amp_seen == len(truth_urls(net, "yangtze-herald"))
    assert second_section == 1 and redirects >= 2 and tracking >= 3
    canonical_page = text(next(u for u in truth_urls(net, "yangtze-herald")))
    amp = re.search(r'rel="amphtml" href="([^"]+)"', canonical_page).group(1)
    assert "<html amp" in text(amp)
    ld = json.loads(re.search(r'application/ld\+json">(.*?)</script>', canonical_page).group(1))
    assert ld["@type"] == "NewsArticle"
    home = text(herald.url)
    assert "utm_source=" in home and "fbclid=" in home and "/private/" in home
    assert net.hidden_urls() == [herald.url + "private/budget-draft-2026.html"]


def test_wordpress_boilerplate_and_cloudflare_email(net: DemoNetwork) -> None:
    ledger = net.site("lahore-ledger")
    page = text(min(truth_urls(net, "lahore-ledger")))
    for marker in ("LEAVE A REPLY", "Please enter your comment!", "Please enter your name here",
                   "Must Read", "tweets as @", "[email&#160;protected]", "sharer.php"):
        assert marker in page, marker
    author = re.search(r'<meta name="author" content="([^"]+)"', page).group(1)
    boxes = re.findall(r'class="td-author-name vcard author"><a [^>]+>([^<]+)</a>', page)
    assert boxes == [author, author]  # the author box, twice, as in the seed
    codes = set(re.findall(r'data-cfemail="([0-9a-f]+)"', page))
    hrefs = set(re.findall(r'/cdn-cgi/l/email-protection#([0-9a-f]+)', page))
    assert codes and codes == hrefs
    assert {cf_decode(c) for c in codes} == {ledger.emails[author]}
    assert fetch(ledger.url + "category/national/page/2/")[0] == 200
    status, headers, _ = fetch(ledger.url + "?p=4100")
    assert status == 301 and headers["Location"] in truth_urls(net, "lahore-ledger")
    assert "Search Results for: budget" in text(ledger.url + "?s=budget")


def test_listing_pages_are_not_articles_but_reach_them(net: DemoNetwork) -> None:
    linked: set[str] = set()
    non_articles = net.non_article_urls()
    assert len(non_articles) >= 40
    for url in non_articles:
        status, _, body = fetch(url)
        assert status == 200, url
        for href in re.findall(r'href="([^"#]+)"', body.decode()):
            linked.add(urljoin(url, href).split("?")[0])
    assert {t["url"] for t in net.truth()} <= linked


def test_edit_article_changes_body_and_lastmod(net: DemoNetwork) -> None:
    herald = net.site("yangtze-herald")
    url = min(truth_urls(net, "yangtze-herald"))
    before = next(t for t in net.truth() if t["url"] == url)
    _, headers, _ = fetch(herald.url + "news-sitemap.xml")
    new = net.edit_article("yangtze-herald", url)
    assert new["body"].startswith(before["body"]) and new["body"] != before["body"]
    assert new["modified"] > before["modified"] and new["published"] == before["published"]
    assert fetch(herald.url + "news-sitemap.xml", {"If-None-Match": headers["ETag"]})[0] == 200
    news = ElementTree.fromstring(fetch(herald.url + "news-sitemap.xml")[2])
    lastmod = {u.find(f"{SM}loc").text: u.find(f"{SM}lastmod").text for u in news.iter(f"{SM}url")}
    assert lastmod[url] == new["modified"]
    assert new["body"].split("\n\n")[-1][:40] in text(url)
    assert f'"dateModified": "{new["modified"]}"' in text(url)
    assert next(t for t in net.truth() if t["url"] == url) == new


def test_request_log(net: DemoNetwork) -> None:
    site = net.site("coastal-times")
    net.reset_log()
    fetch(site.url + "sitemap.xml?x=1", {"X-Probe": "yes"})
    fetch(site.url + "nowhere")
    log = net.requests
    assert [(r.site, r.method, r.path, r.status) for r in log] == [
        ("coastal-times", "GET", "/sitemap.xml?x=1", 200),
        ("coastal-times", "GET", "/nowhere", 404)]
    assert log[0].headers["x-probe"] == "yes"


def test_registry_yaml(net: DemoNetwork, tmp_path) -> None:
    data = yaml.safe_load(net.write_registry(tmp_path / "sites.yaml").read_text())
    assert [s["url"] for s in data["sites"]] == [s.url for s in net.sites]
    assert all(not ({"sitemaps", "feeds"} & set(s)) for s in data["sites"])
    assert {s["timezone"] for s in data["sites"]} >= {"Asia/Karachi", "Asia/Shanghai"}


@pytest.mark.slow  # generates 2,000 articles
def test_large_site_serves_distinct_articles() -> None:
    with DemoNetwork(large=2000) as network:
        large = network.site("valley-gazette")
        index = locs(large.url + "sitemap.xml")
        assert len(index) == 2
        urls = [u for child in index for u in locs(child)]
        truth = large.truth()
        assert len(urls) == len(set(urls)) == 2000 == len(truth)
        assert set(urls) == {t["url"] for t in truth}
        assert len({t["body"] for t in truth}) == 2000
        sample = urls[::97]
        for url in sample:
            t = next(x for x in truth if x["url"] == url)
            assert html.escape(t["body"].split("\n\n")[1][:60]) in text(url)
        rss = ElementTree.fromstring(fetch(large.url + "rss.xml")[2])
        assert len(rss.findall(".//item")) == 50
        assert fetch(large.url + urlsplit(urls[0]).path.replace(".html", "-x.html"))[0] == 404
        for url in large.non_article_urls()[:5]:
            assert fetch(url)[0] == 200
        url = urls[1500]
        _, headers, _ = fetch(index[1])
        new = network.edit_article("valley-gazette", url)
        assert new["body"] != next(x for x in truth if x["url"] == url)["body"]
        assert new["body"].split("\n\n")[-1][:50] in text(url)
        assert fetch(index[1], {"If-None-Match": headers["ETag"]})[0] == 200
        child = ElementTree.fromstring(fetch(index[1])[2])
        lastmod = {u.find(f"{SM}loc").text: u.find(f"{SM}lastmod").text
                   for u in child.iter(f"{SM}url")}
        assert lastmod[url] == new["modified"]
        assert next(x for x in large.truth() if x["url"] == url) == new


def test_cli_serves_writes_registry_and_exits_cleanly(tmp_path) -> None:
    registry = tmp_path / "demo.yaml"
    proc = subprocess.Popen([sys.executable, "-m", "newscrawl.demo", "--base-port", "0",
                             "--registry-out", str(registry)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 20
        while not registry.exists() and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(0.2)
        sites = yaml.safe_load(registry.read_text())["sites"]
        assert len(sites) == 4
        assert fetch(sites[0]["url"] + "robots.txt")[0] == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert "lahore-ledger" in err
