"""Article bodies split into identical containers by an ad or a paywall break."""

from __future__ import annotations

import lxml.html

from newscrawl.extraction import extract_article
from newscrawl.extraction.body.split import restore_split_parts, split_body_parts

SENTENCE = (
    "The harbour authority said on Monday that the new ferry terminal would open in "
    "spring, after two years of delays caused by flooding and a shortage of steel."
)


def part(label: str, count: int = 3) -> str:
    return "".join(f"<p>{label} {i}. {SENTENCE}</p>" for i in range(count))


def page(middle: str) -> bytes:
    return (
        "<html><head><title>Ferry terminal opens</title></head><body><main>"
        f"<h1>Ferry terminal opens</h1>{middle}</main><footer>Copyright</footer></body></html>"
    ).encode()


def test_second_part_of_a_split_body_is_kept_in_order() -> None:
    html = page(
        f'<div class="body articleBody">{part("First")}<p>Read more</p></div>'
        '<div class="advert">Advertisement</div>'
        f'<div class="body articleBody"><p>Read more</p>{part("Second")}</div>'
    )
    body = extract_article(html, "https://example.org/a").body or ""
    assert body.count("First") == 3 and body.count("Second") == 3
    assert body.index("First 2.") < body.index("Second 0.")
    assert "Advertisement" not in body


def test_parts_are_grouped_by_tag_and_class() -> None:
    tree = lxml.html.fromstring(
        f'<div><div class="text">{part("A", 2)}</div><section class="text">{part("B", 1)}</section>'
        f'<div class="text">{part("C", 1)}</div><div class="other">{part("D", 1)}</div></div>'
    )
    groups = split_body_parts(tree)
    assert len(groups) == 1
    assert [len(p) for p in groups[0]] == [2, 1]


def test_parts_of_a_container_the_engine_did_not_take_stay_out() -> None:
    # repeated teaser cards: the engine kept none of the first card's paragraphs
    cards = [[f"Card {i}. {SENTENCE}"] for i in range(3)]
    article = [f"Article {i}. {SENTENCE}" for i in range(3)]
    assert restore_split_parts(article, [cards]) == article


def test_a_part_the_engine_kept_is_not_added_twice() -> None:
    first = [f"First {i}. {SENTENCE}" for i in range(2)]
    second = [f"Second {i}. {SENTENCE}" for i in range(2)]
    assert restore_split_parts(first + second, [[first, second]]) == first + second
    assert restore_split_parts(first, [[first, second]]) == first + second


def test_paragraph_the_engine_dropped_after_a_break_is_put_back() -> None:
    first = [f"First {i}. {SENTENCE}" for i in range(2)]
    second = [f"Second {i}. {SENTENCE}" for i in range(3)]
    kept = first + second[1:]  # the engine judged the paragraph after the ad as the ad's
    assert restore_split_parts(kept, [[first, second]]) == first + second
    # a short label opening the part ("Read more") is not put back
    labelled = ["Read more"] + second
    assert restore_split_parts(kept, [[first, labelled]]) == first + second


def test_hundreds_of_identical_containers_are_a_listing_not_a_split_body() -> None:
    cards = "".join(f'<div class="card">{part(f"Card {i}", 1)}</div>' for i in range(60))
    assert split_body_parts(lxml.html.fromstring(f"<div>{cards}</div>")) == []
    two = "".join(f'<div class="card">{part(f"Card {i}", 1)}</div>' for i in range(2))
    assert len(split_body_parts(lxml.html.fromstring(f"<div>{two}</div>"))) == 1
