"""Deterministic news-like prose for the demo sites.

The demo must serve many distinct, plausible articles without shipping a
corpus: each body is composed from sentence frames filled from a topic's own
vocabulary with a seeded RNG, so the same seed always gives the same text and
two articles on one topic still read (and hash) differently.
"""

from __future__ import annotations

import logging
import random
import re
from functools import cache

from newscrawl.demo.phrasebank import (
    CHINA,
    CLOSERS,
    FIRST,
    FRAMES,
    LAST,
    LEADS,
    LENDERS,
    MONTHS,
    PLACES,
    TOPICS,
    WEEKDAYS,
    Topic,
)

__all__ = ["PLACES", "TOPICS", "generate_body", "headline", "person_name", "pick_subject"]

logger = logging.getLogger(__name__)

_ALTERNATION = re.compile(r"\[([^\[\]]*)\]")


def person_name(rng: random.Random) -> str:
    """A fictional full name; the pools are large enough to rarely repeat in one article."""
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _pick(rng: random.Random, seq: tuple[str, ...] | list[str]) -> str:
    return seq[int(rng.random() * len(seq))]


def _num(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


_MAKERS = {
    "agency": lambda r, t: _pick(r, t.agencies), "subject": lambda r, t: _pick(r, t.subjects),
    "groups": lambda r, t: _pick(r, t.groups), "problem": lambda r, t: _pick(r, t.problems),
    "role": lambda r, t: _pick(r, t.roles), "quote": lambda r, t: _pick(r, t.quotes),
    "person": lambda r, t: f"{_pick(r, FIRST)} {_pick(r, LAST)}",
    "place2": lambda r, t: _pick(r, PLACES), "weekday": lambda r, t: _pick(r, WEEKDAYS),
    "month": lambda r, t: _pick(r, MONTHS), "pct": lambda r, t: f"{_num(r, 3, 48)}.{_num(r, 0, 9)}",
    "num": lambda r, t: f"{_num(r, 2, 950) * (1, 100, 1000)[_num(r, 0, 2)]:,}",
    "small": lambda r, t: str(_num(r, 2, 9)), "small2": lambda r, t: str(_num(r, 12, 400)),
    "year": lambda r, t: str(_num(r, 2009, 2022)), "year2": lambda r, t: str(_num(r, 2027, 2032)),
    "money": lambda r, t: f"{_num(r, 2, 90)}.{_num(r, 1, 9)} billion",
    "money2": lambda r, t: f"{_num(r, 1, 40)}.{_num(r, 1, 9)} billion",
    "lender": lambda r, t: _pick(r, LENDERS),
}


class _Slots(dict):  # type: ignore[type-arg]
    """Slot values drawn on first use: a sentence pays only for the slots it has.

    ``fixed`` holds what stays the same across one article (place, subject,
    agency, problem, currency) so the story reads as one story.
    """

    def __init__(self, rng: random.Random, topic: Topic, fixed: dict[str, str]) -> None:
        super().__init__(fixed)
        self.rng, self.topic = rng, topic

    def __missing__(self, key: str) -> str:
        if key in ("measure", "unit"):  # drawn together so the unit fits the measure
            pick = int(self.rng.random() * len(self.topic.measures))
            self["measure"], self["unit"] = self.topic.measures[pick], self.topic.units[pick]
        elif key == "groups_cap":
            groups = self["groups"]
            self[key] = groups[0].upper() + groups[1:]
        elif key in ("money", "money2"):
            amount = _MAKERS[key](self.rng, self.topic)
            self[key] = f"{amount} yuan" if self["yuan"] else f"Rs{amount}"
        else:
            self[key] = _MAKERS[key](self.rng, self.topic)
        return self[key]


@cache
def _parts(frame: str) -> tuple[str | tuple[str, ...], ...]:
    """A frame split once into fixed text and option tuples."""
    pieces = _ALTERNATION.split(frame)  # odd items are the captured option groups
    return tuple(p if n % 2 == 0 else tuple(p.split("|")) for n, p in enumerate(pieces))


def _vary(rng: random.Random, frame: str) -> str:
    """Resolve every ``[a|b|c]`` group to one option: cheap lexical variety."""
    parts = _parts(frame)
    if len(parts) == 1:
        return frame
    out = [parts[0]]
    rand = rng.random
    for k in range(1, len(parts), 2):
        options = parts[k]
        out.append(options[int(rand() * len(options))])
        out.append(parts[k + 1])  # type: ignore[arg-type]
    return "".join(out)  # type: ignore[arg-type]


def _fill(rng: random.Random, frame: str, topic: Topic, fixed: dict[str, str]) -> str:
    text = _vary(rng, frame).format_map(_Slots(rng, topic, fixed))
    return text[0].upper() + text[1:]


def generate_body(seed: int | str, topic_key: str, place: str, dateline: str,
                  words: int, subject: str | None = None) -> list[str]:
    """Paragraphs of about ``words`` words; the first starts with ``dateline`` (e.g. 'KARACHI:').

    ``subject`` (e.g. 'the new riverside library') ties the body to its headline.
    """
    rng = random.Random(f"{seed}")
    topic = TOPICS[topic_key]
    fixed = {"place": place, "subject": subject or _pick(rng, topic.subjects),
             "agency": _pick(rng, topic.agencies), "problem": _pick(rng, topic.problems),
             "yuan": "yes" if place in CHINA else ""}
    frames = list(FRAMES)
    rng.shuffle(frames)
    paragraphs = [f"{dateline} {_fill(rng, rng.choice(LEADS), topic, fixed)}".strip()]
    count = len(paragraphs[0].split())
    while count < words - 12:
        if not frames:
            frames = list(FRAMES)
            rng.shuffle(frames)
        sentences = [_fill(rng, frames.pop(), topic, fixed)
                     for _ in range(rng.choice((1, 1, 2, 2, 3))) if frames]
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    paragraphs.append(_fill(rng, rng.choice(CLOSERS), topic, fixed))
    return paragraphs


def pick_subject(seed: int | str, topic_key: str) -> str:
    return _pick(random.Random(f"s{seed}"), TOPICS[topic_key].subjects)


def headline(seed: int | str, topic_key: str, place: str, subject: str) -> str:
    """A generated headline for bulk (large-site) articles; numbers keep them mostly unique."""
    rng = random.Random(f"h{seed}")
    topic = TOPICS[topic_key]
    subject = subject.removeprefix("the ")
    pct = f"{_num(rng, 3, 60)}.{_num(rng, 1, 9)}pc"
    money = f"Rs{_num(rng, 2, 99)}.{_num(rng, 1, 9)}bn"
    forms = (
        f"{place}: {subject} moves ahead despite {_pick(rng, topic.problems)}",
        f"{_pick(rng, topic.groups).capitalize()} in {place} weigh the {money} cost of {subject}",
        f"{_pick(rng, topic.measures).capitalize()} up {pct} in {place}, officials say",
        f"Questions over {subject} as {place} waits for {money}",
        f"{place} sets {_pick(rng, MONTHS)} {_num(rng, 1, 28)} deadline for {subject}",
        f"{_pick(rng, FIRST)} {_pick(rng, LAST)} to lead {place} review of {subject}",
        f"{place} {_pick(rng, topic.groups)} say {subject} is {_num(rng, 2, 30)} months late",
    )
    return _pick(rng, forms)
