"""Article bodies that templates split into several identical containers.

Some templates close the body container before an ad, a paywall marker or a
"read more" box and open an identical one (same tag, same class) after it.
Body engines take one container for the article and lose the parts after the
break. The parts are found on the prepared tree, before the engine runs; a
part the engine left out entirely is put back after the part before it, and
paragraphs it dropped at the opening of a later part (right after the break)
before the first one it kept; but only when the engine did take the first part
(several of its paragraphs), so repeated teaser cards, whose first card is not
in the text, stay out.
"""

from __future__ import annotations

import lxml.html

from newscrawl.extraction.body.clean import fold

# a container is a body part when a paragraph child has this many words …
PART_PARAGRAPH_WORDS = 15
# … and the engine's text is taken to hold the first part when it has this many of its blocks
FIRST_PART_MIN_BLOCKS = 2
# a split body has a few parts; more identical containers are a listing, and the
# cap bounds the work of a hostile page (each part is looked up in the text)
MAX_PARTS = 40
_PART_TAGS = ("div", "section")
_BLOCK_TAGS = ("p", "h2", "h3", "h4")

Parts = list[list[str]]  # the text blocks of each part, in document order


def _blocks(part: lxml.html.HtmlElement) -> list[str]:
    texts = (" ".join(block.text_content().split()) for block in part.iter(*_BLOCK_TAGS))
    return [text for text in texts if text]


def split_body_parts(tree: lxml.html.HtmlElement) -> list[Parts]:
    """Groups of two or more same-tag, same-class containers of article paragraphs.

    A part nested in another part of its group is counted with that one.
    """
    groups: dict[tuple[str, str], list[lxml.html.HtmlElement]] = {}
    seen = set()
    for paragraph in tree.iter("p"):  # walked from the paragraphs: far fewer than the divs
        parent = paragraph.getparent()
        if parent is None or parent.tag not in _PART_TAGS or parent in seen:
            continue
        classes = parent.get("class")
        if classes and len(paragraph.text_content().split()) >= PART_PARAGRAPH_WORDS:
            seen.add(parent)
            groups.setdefault((parent.tag, classes), []).append(parent)
    found = []
    for parts in groups.values():
        if len(parts) < 2:
            continue
        members = set(parts)
        top = [p for p in parts if not any(a in members for a in p.iterancestors())]
        if 1 < len(top) <= MAX_PARTS:
            found.append([_blocks(part) for part in top])
    return found


def _position_after(paras: list[str], blocks: list[str]) -> int | None:
    """Index after the last paragraph of ``paras`` that is one of ``blocks``."""
    wanted = {fold(block) for block in blocks}
    hits = [i for i, para in enumerate(paras) if fold(para) in wanted]
    return hits[-1] + 1 if hits else None


def _taken(part: list[str], have: set[str]) -> int:
    """How many of the part's paragraphs the engine kept (short labels such as
    "Read more", repeated in every part, do not count)."""
    return sum(len(b.split()) >= PART_PARAGRAPH_WORDS and fold(b) in have for b in part)


def restore_split_parts(paras: list[str], groups: list[Parts]) -> list[str]:
    """Put back body parts the engine missed, each after the part before it, and the
    opening paragraphs of a part it took from its second paragraph on."""
    for parts in groups:
        have = {fold(p) for p in paras}
        if _taken(parts[0], have) < FIRST_PART_MIN_BLOCKS:
            continue  # the engine did not take this container for the article
        for before, part in zip(parts, parts[1:]):
            if _taken(part, have):
                paras = _restore_lead(paras, part, have)
                continue
            at = _position_after(paras, before)
            if at is None:
                break  # the part before is missing too: the order is unknown
            paras = paras[:at] + part + paras[at:]
            have.update(fold(b) for b in part)
    return paras


def _restore_lead(paras: list[str], part: list[str], have: set[str]) -> list[str]:
    """Paragraphs of a taken part that the engine dropped before its first kept one
    (engines judge the paragraph right after the break as part of the break)."""
    kept = [i for i, b in enumerate(part) if len(b.split()) >= PART_PARAGRAPH_WORDS and fold(b) in have]
    lead = [b for b in part[:kept[0]] if len(b.split()) >= PART_PARAGRAPH_WORDS] if kept else []
    at = _position_after(paras, part[kept[0]:kept[0] + 1]) if lead else None
    if at is None:
        return paras
    have.update(fold(b) for b in lead)
    return paras[:at - 1] + lead + paras[at - 1:]
