"""Every parse of network bytes in the reactor, and every user pattern, runs in linear time.

Measured as a ratio, not a wall-clock limit: the input grows 16x and the time may
grow at most 4x more than linearly (a quadratic scan grows 256x, the old
"is this HTML?" regex doubled per comment). Small and large inputs are timed in
alternation and the best of each kept, so a busy machine slows both alike; a
ratio over the bound is measured again (up to ``ATTEMPTS`` times, lowest kept),
as a burst of load can still land on the large runs only. A super-linear scan is
over the bound every time (a quadratic one by 4x), so it still fails.
Each input is a known attack shape.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from newscrawl.discovery.links import url_shape
from newscrawl.discovery.patterns import PatternError, compile_pattern
from newscrawl.discovery.safexml import looks_like_html as xml_looks_like_html
from newscrawl.discovery.sitemaps import sitemap_urls_from_robots
from newscrawl.extraction.body.notes import _FIELD_SEPARATOR
from newscrawl.middlewares.content import looks_like_html, non_html_type

GROWTH = 16
MAX_RATIO = GROWTH * 4
ROUNDS = 7
ATTEMPTS = 3


def _calls_for(func: Callable[[], object]) -> int:
    """Enough calls of *func* to last a few milliseconds."""
    calls = 1
    while calls < 1 << 16:
        start = time.perf_counter()
        for _ in range(calls):
            func()
        if time.perf_counter() - start > 0.005:
            break
        calls *= 4
    return calls


def _timed(func: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        func()
    return (time.perf_counter() - start) / calls


def growth_ratio(func: Callable[[object], object], make: Callable[[int], object], n: int) -> float:
    ratio = float("inf")
    for _ in range(ATTEMPTS):
        ratio = min(ratio, _one_growth_ratio(func, make, n))
        if ratio < MAX_RATIO:
            break
    return ratio


def _one_growth_ratio(func: Callable[[object], object], make: Callable[[int], object],
                      n: int) -> float:
    small, large = make(n), make(n * GROWTH)
    run_small, run_large = (lambda: func(small)), (lambda: func(large))
    calls_small, calls_large = _calls_for(run_small), _calls_for(run_large)
    best_small = best_large = float("inf")
    for _ in range(ROUNDS):
        best_small = min(best_small, _timed(run_small, calls_small))
        best_large = min(best_large, _timed(run_large, calls_large))
    return best_large / max(best_small, 1e-9)


ATTACKS = {
    # 40 empty comments and a tag froze the old sniffing regex (cost doubled per comment)
    "sniff-comments": (looks_like_html, lambda n: b"<!---->" * n + b"<x", 10),
    "sniff-comments-xml": (xml_looks_like_html, lambda n: b"<!---->" * n + b"<x", 10),
    "sniff-text-plain": (lambda b: non_html_type("text/plain", b),
                         lambda n: b" " * n + b"<!--" * n, 64),
    # a run of spaces inside a Sitemap: line was quadratic (8 minutes at 300 KB)
    "robots-spaces": (lambda t: sitemap_urls_from_robots(t, "http://a.test/"),
                      lambda n: "sitemap: x" + " " * n + "x \n", 2000),
    "robots-many-lines": (lambda t: sitemap_urls_from_robots(t, "http://a.test/"),
                          lambda n: "".join(f"Sitemap: /s{i}.xml\n" for i in range(n)), 500),
    # long path segments: the doc-file and hex-id regexes were quadratic in one segment
    "url-digit-segment": (url_shape, lambda n: "http://a.test/" + "1" * n + "x", 120),
    "url-alnum-segment": (url_shape, lambda n: "http://a.test/" + "a" * n + ".html", 120),
    # a run of blanks with no bar after it: every space of the run started a new scan (27 s
    # for 50,000); the body's dateline test splits paragraphs in the extraction worker
    "body-field-separator": (_FIELD_SEPARATOR.split, lambda n: "1" * n + "年" + " " * n + "x", 200),
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_reactor_side_parsing_grows_linearly(name: str) -> None:
    func, make, n = ATTACKS[name]
    ratio = growth_ratio(func, make, n)
    assert ratio < MAX_RATIO, f"{name}: {GROWTH}x input took {ratio:.1f}x the time"


def test_user_pattern_with_nested_quantifiers_runs_linearly_under_re2() -> None:
    pattern = compile_pattern(r"^/(a+)+$")  # catastrophic under Python's re
    ratio = growth_ratio(pattern.search, lambda n: "/" + "a" * n + "!", 1000)
    assert ratio < MAX_RATIO
    assert pattern.search("/aaa") and not pattern.search("/aaa!")


@pytest.mark.parametrize("bad", [r"(?=x)y", r"(a)\1", "a" * 1001, "(unclosed"])
def test_patterns_needing_backtracking_or_too_long_are_refused(bad: str) -> None:
    with pytest.raises(PatternError):
        compile_pattern(bad)


def test_sniffing_still_tells_html_from_xml() -> None:
    assert looks_like_html(b"<!-- a --> <!DOCTYPE html><html>")
    assert looks_like_html(b"\n<p>text")
    assert not looks_like_html(b"<pre>text")
    assert xml_looks_like_html(b"<?xml version='1.0'?><!-- x --><html>")
    assert xml_looks_like_html(b"<!doctype  html>")
    assert not xml_looks_like_html(b"<?xml version='1.0'?><urlset>")
    assert not xml_looks_like_html(b"<!---->" * 300 + b"<html>")  # past the prolog cap
