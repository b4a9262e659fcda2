"""Robustness of the body: real pages with in-article boilerplate inserted between paragraphs.

    .venv/bin/python bench/perturb_body.py [--data ../shared/data] [--corpora bodies news]
                                           [--variants NAME ...] [--engines newscrawl trafilatura]
                                           [--no-jsonld] [--per-page FILE]

Unseen pages put other things than the dev sample's inside the article container:
a list of related stories, a picture with its caption, share buttons and a newsletter
form, a byline with a date, a "read more" link. Each variant edits every page of the
corpora by inserting one such block INSIDE the article container, between two real
paragraphs (the container is the element holding most of the paragraphs whose text
is in the truth; the block goes after the middle one of them). The truth stays what
it is: none of the inserted text is body. Both engines read the edited page (the tree
serialised again), scored with ``../shared/tools/score.py``'s body metric: P, R and F1
of the per-page means, on all pages and the two publisher halves of bench/extraction.py.

Every block comes twice: ``*_typical`` with the class names templates use
("related-articles", "wp-caption", "share-buttons", "byline", "read-more") and
``*_neutral`` with neutral ones ("c1", "c2"), so a rule that only reads class names
shows. Texts come from the page itself where it has them: related items and the
read-more link are the page's own link texts (links outside the truth's text, of at
least four words, links to the site's stories first); a caption is one of the page's image ``alt`` texts or link texts
with a "©" credit; labels ("Related", "Read more", the newsletter prompt) are in the
page's ``<html lang>`` where the table below knows it, English otherwise; the
``*_neutral`` related list and read-more link carry no label at all. Variants:

- ``none``: the page as saved (the reference row);
- ``related_*``: a list of (up to) five linked headlines of the same site (``<ul>``; typical:
  ``<div class="related-articles">`` with a label heading);
- ``related_paras_*``: the same headlines as linked paragraphs, each with a short date;
- ``figure_*``: a ``<figure>`` with a picture and a ``<figcaption>`` (typical classes
  "wp-caption"/"caption"); ``figure_div_neutral``: the same as ``<div><img><p>`` with
  neutral classes, no figure semantics left;
- ``share_*``: share links (Facebook, X, WhatsApp, E-mail) and a newsletter prompt with
  an e-mail form;
- ``byline_*``: a byline with the page's authors (else its site name) and a numeric date;
- ``readmore_*``: one paragraph linking another story (typical: a label, then the link).

``--no-jsonld`` removes the JSON-LD blocks first, so newscrawl's JSON-LD articleBody
filter (which drops paragraphs the publisher's own text lacks) cannot hide what the
tree and paragraph rules miss.
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import lxml.html
import lxml.html.builder

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from extraction import load_scorer, newscrawl_engine, site_half, trafilatura_engine
from perturb import bench_parser, no_jsonld, run_corpora, write_per_page

from newscrawl.extraction.page import parse_html

Tree = lxml.html.HtmlElement
E = lxml.html.builder

# a paragraph of the article: this many words (or characters, for scripts without
# spaces), most of its 4-token shingles in the truth
BODY_PARAGRAPH_MIN_WORDS = 12
BODY_PARAGRAPH_MIN_CHARS = 60
BODY_PARAGRAPH_SHARE = 0.6
# a link text used as a headline of another story: a link to another page of the
# same site whose path is a story's (a slug or id, not a section), of a few words
STORY_PATH_MIN_CHARS = 15
HEADLINE_MIN_WORDS = 4
HEADLINE_MAX_WORDS = 20
RELATED_ITEMS = 5
DATE_TEXT = "03.05.2024, 14:30"

# labels in the page's language (by <html lang>); English where the table has none
LABELS: dict[str, dict[str, str]] = {
    "en": {"related": "Related articles", "more": "Read more", "news": "Sign up for our daily newsletter",
           "by": "By", "send": "Subscribe"},
    "de": {"related": "Das könnte Sie auch interessieren", "more": "Lesen Sie auch",
           "news": "Melden Sie sich für unseren Newsletter an", "by": "Von", "send": "Abonnieren"},
    "fr": {"related": "Sur le même sujet", "more": "Lire aussi", "news": "Inscrivez-vous à notre newsletter",
           "by": "Par", "send": "S'inscrire"},
    "es": {"related": "Noticias relacionadas", "more": "Lee también", "news": "Suscríbete a nuestro boletín",
           "by": "Por", "send": "Suscribirse"},
    "it": {"related": "Articoli correlati", "more": "Leggi anche", "news": "Iscriviti alla nostra newsletter",
           "by": "Di", "send": "Iscriviti"},
    "pt": {"related": "Notícias relacionadas", "more": "Leia também", "news": "Assine a nossa newsletter",
           "by": "Por", "send": "Assinar"},
    "nl": {"related": "Gerelateerde artikelen", "more": "Lees ook", "news": "Schrijf je in voor onze nieuwsbrief",
           "by": "Door", "send": "Inschrijven"},
    "sv": {"related": "Relaterade artiklar", "more": "Läs också", "news": "Prenumerera på vårt nyhetsbrev",
           "by": "Av", "send": "Prenumerera"},
    "da": {"related": "Relaterede artikler", "more": "Læs også", "news": "Tilmeld dig vores nyhedsbrev",
           "by": "Af", "send": "Tilmeld"},
    "pl": {"related": "Powiązane artykuły", "more": "Czytaj także", "news": "Zapisz się do naszego newslettera",
           "by": "Autor:", "send": "Zapisz się"},
    "cs": {"related": "Související články", "more": "Čtěte také", "news": "Přihlaste se k odběru newsletteru",
           "by": "Autor:", "send": "Odebírat"},
    "tr": {"related": "İlgili haberler", "more": "Bunu da okuyun", "news": "Bültenimize abone olun",
           "by": "Yazan:", "send": "Abone ol"},
    "ru": {"related": "Похожие статьи", "more": "Читайте также", "news": "Подпишитесь на нашу рассылку",
           "by": "Автор:", "send": "Подписаться"},
    "ja": {"related": "関連記事", "more": "あわせて読みたい", "news": "ニュースレターに登録する", "by": "文：", "send": "登録"},
    "ko": {"related": "관련기사", "more": "함께 보면 좋은 기사", "news": "뉴스레터를 구독하세요", "by": "글:", "send": "구독"},
}


@dataclass
class Site:
    """What a block is made of on one page: its language's labels, the page's own
    headline-like link texts and captions, its authors and its host."""

    labels: dict[str, str]
    headlines: list[str]
    captions: list[str]
    authors: list[str]
    host: str


def _norm(text: str) -> str:
    return " ".join(text.split())


def _body_paragraphs(tree: Tree, truth_shingles: Any, scorer: Any) -> list[Tree]:
    """The page's ``<p>`` elements whose text is the truth's (most shingles in it)."""
    found = []
    for para in tree.iter("p"):
        text = para.text_content()
        if len(text.split()) < BODY_PARAGRAPH_MIN_WORDS and len(text.strip()) < BODY_PARAGRAPH_MIN_CHARS:
            continue
        grams = scorer.shingles(text)
        inside = sum(v for k, v in grams.items() if k in truth_shingles)
        if inside >= BODY_PARAGRAPH_SHARE * sum(grams.values()):
            found.append(para)
    return found


def insertion_point(tree: Tree, truth_body: str, scorer: Any) -> Tree | None:
    """The middle body paragraph of the container holding most of them (the block
    goes right after it, so real paragraphs stand on both sides)."""
    paras = _body_paragraphs(tree, scorer.shingles(truth_body), scorer)
    by_parent: dict[Tree, list[Tree]] = {}
    for para in paras:
        parent = para.getparent()
        if parent is not None:
            by_parent.setdefault(parent, []).append(para)
    if not by_parent:
        return None
    siblings = max(by_parent.values(), key=len)
    return siblings[(len(siblings) - 1) // 2] if len(siblings) > 1 else siblings[0]


def site_of(tree: Tree, truth: dict[str, Any], scorer: Any) -> Site:
    """The page's language labels and the texts it offers for blocks."""
    lang = (tree.get("lang") or "").strip().lower()[:2]
    truth_grams = scorer.shingles(truth.get("body") or "")
    host = (urlsplit(truth.get("url") or "").hostname or "example.org").removeprefix("www.")

    def outside_truth(text: str) -> bool:
        grams = scorer.shingles(text)
        return not any(k in truth_grams for k in grams)

    stories: list[str] = []
    others: list[str] = []  # link texts of other pages, where the page has few story links
    for link in tree.iter("a"):
        text = _norm(link.text_content())
        if HEADLINE_MIN_WORDS <= len(text.split()) <= HEADLINE_MAX_WORDS and outside_truth(text):
            story = _is_story_link(link.get("href") or "", host, truth.get("url") or "")
            (stories if story else others).append(text)
    alts = [_norm(img.get("alt") or "") for img in tree.iter("img")]
    captions = [a for a in alts if len(a.split()) >= HEADLINE_MIN_WORDS and outside_truth(a)]
    title = _norm(tree.findtext(".//title") or host)
    headlines = list(dict.fromkeys(stories + others)) or captions[:1] or [title]
    return Site(
        labels=LABELS.get(lang, LABELS["en"]),
        headlines=headlines[:RELATED_ITEMS],
        # a caption is never one of the related items' texts
        captions=[c for c in captions + headlines[RELATED_ITEMS:] if c not in headlines[:RELATED_ITEMS]] + [title],
        authors=list(truth.get("authors") or []),
        host=host,
    )


def _is_story_link(href: str, host: str, page_url: str) -> bool:
    """A link to another article of the page's site (not a section, a share or the page)."""
    parts = urlsplit(href.strip())
    if parts.scheme not in ("", "http", "https") or href.startswith("#"):
        return False
    same_site = not parts.netloc or (parts.hostname or "").removeprefix("www.") == host
    return same_site and len(parts.path) >= STORY_PATH_MIN_CHARS and parts.path != urlsplit(page_url).path


def _href(site: Site, index: int) -> str:
    return f"https://{site.host}/story/other-{index}.html"


def _cls(names: tuple[str, ...], typical: bool, index: int) -> str:
    """The typical class name, or a neutral token like the ones perturb.py renames to."""
    return names[index] if typical else f"c{index + 1}"


RELATED_CLASSES = ("related-articles", "related-list", "related-title")


def related(site: Site, typical: bool) -> Tree:
    items = [E.LI(E.A(text, href=_href(site, i))) for i, text in enumerate(site.headlines[:RELATED_ITEMS])]
    box = E.DIV(E.UL(*items, **{"class": _cls(RELATED_CLASSES, typical, 1)}),
                **{"class": _cls(RELATED_CLASSES, typical, 0)})
    if typical:
        box.insert(0, E.H3(site.labels["related"], **{"class": RELATED_CLASSES[2]}))
    return box


def related_paras(site: Site, typical: bool) -> Tree:
    paras = [E.P(E.A(text, href=_href(site, i)), E.SPAN(DATE_TEXT), **{"class": _cls(RELATED_CLASSES, typical, 2)})
             for i, text in enumerate(site.headlines[:RELATED_ITEMS])]
    for para in paras:
        para[0].tail = " "
    return E.DIV(*paras, **{"class": _cls(RELATED_CLASSES, typical, 0)})


FIGURE_CLASSES = ("wp-caption", "caption")


def _caption(site: Site) -> str:
    return f"{site.captions[0]} © {site.host}"


def figure(site: Site, typical: bool) -> Tree:
    return E.FIGURE(
        E.IMG(src=f"https://{site.host}/media/picture.jpg", alt=""),
        E.FIGCAPTION(_caption(site), **{"class": _cls(FIGURE_CLASSES, typical, 1)}),
        **{"class": _cls(FIGURE_CLASSES, typical, 0)},
    )


def figure_div(site: Site, typical: bool) -> Tree:
    return E.DIV(
        E.IMG(src=f"https://{site.host}/media/picture.jpg", alt=""),
        E.P(_caption(site), **{"class": _cls(FIGURE_CLASSES, typical, 1)}),
        **{"class": _cls(FIGURE_CLASSES, typical, 0)},
    )


SHARE_CLASSES = ("share-buttons", "newsletter-box")
_SHARERS = (("Facebook", "https://www.facebook.com/sharer/sharer.php?u="),
            ("X", "https://twitter.com/intent/tweet?url="), ("WhatsApp", "https://wa.me/?text="),
            ("E-Mail", "mailto:?body="))


def share(site: Site, typical: bool) -> Tree:
    page = f"https://{site.host}/story/this.html"
    links = E.DIV(*(E.A(name, href=base + page) for name, base in _SHARERS),
                  **{"class": _cls(SHARE_CLASSES, typical, 0)})
    for link in links:
        link.tail = " "
    form = E.FORM(E.INPUT(type="email", name="email"), E.BUTTON(site.labels["send"]), action="/subscribe")
    letter = E.DIV(E.P(site.labels["news"]), form, **{"class": _cls(SHARE_CLASSES, typical, 1)})
    return E.DIV(links, letter)


BYLINE_CLASSES = ("byline", "author", "date")


def byline(site: Site, typical: bool) -> Tree:
    name = ", ".join(site.authors) or site.host
    return E.P(site.labels["by"] + " ", E.SPAN(name, **{"class": _cls(BYLINE_CLASSES, typical, 1)}), " | ",
               E.SPAN(DATE_TEXT, **{"class": _cls(BYLINE_CLASSES, typical, 2)}),
               **{"class": _cls(BYLINE_CLASSES, typical, 0)})


READMORE_CLASSES = ("read-more",)


def readmore(site: Site, typical: bool) -> Tree:
    link = E.A(site.headlines[0], href=_href(site, 0))
    if not typical:
        return E.P(link, **{"class": "c1"})
    return E.P(E.STRONG(site.labels["more"] + ": "), link, **{"class": READMORE_CLASSES[0]})


Block = Callable[[Site, bool], Tree]
BLOCKS: dict[str, Block] = {f.__name__: f for f in (related, related_paras, figure, share, byline, readmore)}


def _variants() -> dict[str, tuple[Block, bool] | None]:
    variants: dict[str, tuple[Block, bool] | None] = {"none": None}
    for name, block in BLOCKS.items():
        variants[f"{name}_typical"] = (block, True)
        variants[f"{name}_neutral"] = (block, False)
        if name == "figure":
            variants["figure_div_neutral"] = (figure_div, False)
    return variants


VARIANTS = _variants()


def perturbed_html(text: str, truth: dict[str, Any], variant: str, scorer: Any, jsonld: bool = True) -> str:
    """The page with the variant's block inserted after its middle body paragraph."""
    tree = parse_html(text)
    if not jsonld:
        no_jsonld(tree, 0)
    spec = VARIANTS[variant]
    anchor = insertion_point(tree, truth.get("body") or "", scorer) if spec else None
    if spec and anchor is not None:  # a page without paragraph markup stays as it is
        block, typical = spec
        node = block(site_of(tree, truth, scorer), typical)
        node.tail = anchor.tail
        anchor.tail = None
        anchor.addnext(node)
    return lxml.html.tostring(tree, encoding="unicode")


ENGINES = {"newscrawl": newscrawl_engine, "trafilatura": trafilatura_engine}


def run_variant(variant: str, engines: list[str], pages: list[tuple[dict[str, Any], str]], scorer: Any,
                jsonld: bool = True) -> list[dict[str, Any]]:
    """Per page and engine: body precision, recall and the 4-gram counts behind them."""
    rows = []
    for truth, text in pages:
        html = perturbed_html(text, truth, variant, scorer, jsonld)
        for engine in engines:
            body = ENGINES[engine](html.encode("utf-8"), truth.get("url")).get("body") or ""
            tp, fp, fn = scorer.body_prf(truth["body"], body)
            rows.append({"id": truth["id"], "half": site_half(truth.get("url")), "engine": engine,
                         "tp": tp, "fp": fp, "fn": fn, "p": scorer.prec(tp, fp, fn), "r": scorer.rec(tp, fp, fn)})
    return rows


def body_scores(rows: list[dict[str, Any]]) -> tuple[float, float, float]:
    """P, R, F1 as ``score.py`` computes them: means over pages (P only where something
    was answered or expected), F1 of the means."""
    precisions = [r["p"] for r in rows if r["tp"] + r["fp"] > 0]
    recalls = [r["r"] for r in rows if r["tp"] + r["fn"] > 0]
    p = statistics.mean(precisions) if precisions else 0.0
    r = statistics.mean(recalls) if recalls else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def summary(corpus: str, variant: str, engine: str, rows: list[dict[str, Any]]) -> str:
    cells = []
    for half in ("all", "A", "B"):
        p, r, f1 = body_scores([x for x in rows if x["engine"] == engine and half in ("all", x["half"])])
        cells.append(f"{f1:6.3f} {p:6.3f} {r:6.3f}")
    return f"{corpus:6} {variant:22} {engine:11} " + "   ".join(cells)


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__, list(VARIANTS), ["bodies", "news"], list(ENGINES))
    parser.add_argument("--no-jsonld", action="store_true", help="remove JSON-LD blocks from every page first")
    args = parser.parse_args(argv)
    scorer = load_scorer(args.data.parent / "tools" / "score.py")
    head = "   ".join(f"{h + 'F1':>6} {h + 'P':>6} {h + 'R':>6}" for h in ("", "A ", "B "))
    sys.stdout.write(f"{'corpus':6} {'variant':22} {'engine':11} {head}\n")
    every = run_corpora(args, lambda truth: bool(truth.get("body")),
                        lambda name, pages: run_variant(name, args.engines, pages, scorer, not args.no_jsonld), summary)
    write_per_page(args.per_page, every)
    return 0


if __name__ == "__main__":
    sys.exit(main())
