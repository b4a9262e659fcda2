"""A static HTML report beside each feed (``X.report.html`` beside ``X.jsonl``).

The summary JSON is for machines; this page is for the people who look after the
crawl: one row per site with its verdict, and per site a small chart of articles
per run and field coverage over the last runs, from the state's run history.
One file, inline CSS and SVG: no JavaScript, nothing fetched from the network,
so it opens from a mail attachment or a file share as it is. Every text that
came from a site or a registry is escaped.
"""

from __future__ import annotations

import logging
from html import escape
from pathlib import Path
from typing import Any

from newscrawl.export.files import write_atomically

logger = logging.getLogger(__name__)

COVERAGE = ("title", "published", "authors", "body")
COLOURS = {"title": "#1f77b4", "published": "#2ca02c", "authors": "#d62728", "body": "#9467bd"}
WIDTH, HEIGHT, PAD = 380, 120, 32  # chart size in px (PAD holds the scale labels)

STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;margin:12px 0}th,td{padding:4px 10px;border-bottom:1px solid #ddd}
th{text-align:left;background:#f4f4f4}td.n{text-align:right}
.ok{color:#2a7d2a}.warn{color:#b36b00}.fail{color:#c62828;font-weight:bold}
.site{display:inline-block;margin:0 24px 24px 0;vertical-align:top}
.legend span{margin-right:10px}
"""


def report_path(feed: Path) -> Path:
    """``X.jsonl`` → ``X.report.html``."""
    return feed.with_name(feed.name.removesuffix(feed.suffix) + ".report.html")


def site_verdict(s: dict[str, Any], *, max_failed: float, min_pages: int) -> tuple[str, str]:
    """(css class, words) for one site of this run, by the monitors' own rules."""
    if s.get("discovered", 0) >= min_pages and s.get("failed_pages", 0) > max_failed * s[
            "discovered"]:
        return "fail", f"{s['failed_pages']} of {s['discovered']} pages failed"
    if not s.get("articles") and s.get("pages", 0) >= min_pages:
        return "warn", f"no article in {s['pages']} pages"
    if s.get("errors"):
        return "ok", f"ok ({s['errors']} errors)"
    return "ok", "ok"


def history_points(runs: list[dict[str, Any]], site: str) -> list[dict[str, Any]]:
    """Oldest first: the site's articles and coverage in each recorded run it took part in."""
    points = []
    for summary in reversed(runs):  # runs come newest first
        s = summary.get("sites", {}).get(site)
        if s is not None:
            points.append({"started": summary.get("started") or "", "articles": s.get("articles", 0),
                           "coverage": s.get("coverage") or {}})
    return points


def chart(points: list[dict[str, Any]]) -> str:
    """Bars: articles per run (left scale); lines: field coverage 0–100 % (full height)."""
    if not points:
        return "<p>no history yet</p>"
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    step = inner_w / len(points)
    top = max(p["articles"] for p in points) or 1
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
              'role="img" aria-label="articles per run and field coverage">'),
             (f'<rect x="{PAD}" y="{PAD}" width="{inner_w}" height="{inner_h}" fill="#fafafa" '
              'stroke="#ccc"/>'),
             f'<text x="2" y="{PAD + 4}" font-size="10">{top}</text>',
             f'<text x="{WIDTH - PAD + 3}" y="{PAD + 4}" font-size="10">100%</text>',
             (f'<text x="{PAD}" y="{HEIGHT - 8}" font-size="10">{len(points)} runs, oldest '
              'first</text>')]
    for i, p in enumerate(points):
        h = inner_h * p["articles"] / top
        x = PAD + i * step + step * 0.15
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{PAD + inner_h - h:.1f}" '
                     f'width="{step * 0.7:.1f}" height="{h:.1f}" fill="#c7d7ea">'
                     f'<title>{escape(p["started"])}: {p["articles"]} articles</title></rect>')
    for field in COVERAGE:
        xy = [(PAD + (i + 0.5) * step, PAD + inner_h * (1 - p["coverage"][field]))
              for i, p in enumerate(points) if p["coverage"].get(field) is not None]
        if xy:
            line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
            parts.append(f'<polyline class="cov-{field}" points="{line}" fill="none" '
                         f'stroke="{COLOURS[field]}" stroke-width="2"/>')
            parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{COLOURS[field]}"/>'
                      for x, y in xy]
    parts.append("</svg>")
    return "".join(parts)


def site_rows(summary: dict[str, Any], **rules: Any) -> list[str]:
    rows = []
    for name, s in sorted(summary.get("sites", {}).items()):
        css, words = site_verdict(s, **rules)
        coverage = "".join(f'<td class="n">{_share(s["coverage"].get(f))}</td>'
                           for f in COVERAGE)
        rows.append(f"<tr><td>{escape(name)}</td><td class=n>{s.get('articles', 0)}</td>"
                    f"<td class=n>{s.get('items', 0)}</td><td class=n>{s.get('pages', 0)}</td>"
                    f"<td class=n>{s.get('errors', 0)}</td>{coverage}"
                    f'<td class="{css}">{escape(words)}</td></tr>')
    return rows


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def render_report(summary: dict[str, Any], runs: list[dict[str, Any]], *,
                  max_failed: float = 0.5, min_pages: int = 5) -> str:
    """The whole page for one run; ``runs`` are recorded summaries, newest first."""
    code = summary.get("exit_code", 0)
    head = "".join(f"<th>{h}</th>" for h in ("site", "articles", "items", "pages", "errors",
                                             *COVERAGE, "verdict"))
    rows = site_rows(summary, max_failed=max_failed, min_pages=min_pages)
    legend = "".join(f'<span style="color:{c}">&#9644; {f}</span>' for f, c in COLOURS.items())
    charts = "".join(f'<div class="site"><h3>{escape(name)}</h3>{chart(history_points(runs, name))}'
                     "</div>" for name in sorted(summary.get("sites", {})))
    verdict = "ok" if code == 0 else "fail"
    return (f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
            f"<title>newscrawl run {escape(str(summary.get('started')))}</title>"
            f"<style>{STYLE}</style></head><body>"
            f"<h1>newscrawl run {escape(str(summary.get('started')))}</h1>"
            f'<p class="{verdict}">exit {code} ({escape(str(summary.get("finish_reason")))}), '
            f"{summary.get('total', {}).get('items', 0)} items in "
            f"{summary.get('duration_s', 0)} s &rarr; {escape(str(summary.get('feed')))}</p>"
            f"<table><tr>{head}</tr>{''.join(rows)}</table>"
            f"<h2>last runs per site</h2><p class=legend>bars: articles per run; lines: field "
            f"coverage (0–100 %) {legend}</p>{charts}</body></html>\n")


def write_report(feed: Path, summary: dict[str, Any], runs: list[dict[str, Any]],
                 **rules: Any) -> None:
    """Beside the feed; a report that cannot be written is logged, never fatal."""
    path = report_path(feed)
    try:
        write_atomically(path, render_report(summary, runs, **rules))
        logger.info("run report written to %s", path)
    except OSError as exc:
        logger.error("cannot write the run report %s: %s", path, exc)
