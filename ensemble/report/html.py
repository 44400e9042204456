"""HTML pieces of a report: the page shell (inline CSS and JS from ensemble/templates/), grids,
badges, attempts, candidates and one card per task."""

from __future__ import annotations

import base64
import json
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ensemble.report.load import num
from ensemble.report.png import grid_png
from ensemble.report.views import TaskView, as_grid, candidates_of, matches, status_of
from ensemble.run.status import FAILED

_MAX_EXTRA_CANDIDATES = 6


_MAX_PROGRAM_CHARS = 4000


def fmt_s(t: float) -> str:
    if t < 10:
        return f"{t:.2f} s"
    if t < 120:
        return f"{t:.1f} s"
    m, s = divmod(int(round(t)), 60)
    return f"{m // 60}h {m % 60:02d}m" if m >= 60 else f"{m}m {s:02d}s"


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def short(value: Any, limit: int = 300) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _asset(name: str) -> str:
    return resources.files("ensemble").joinpath("templates", name).read_text(encoding="utf-8")


def write_page(out: Path, title: str, meta: str, notes: list[str], body: str) -> Path:
    """Write one self-contained page to `out`: the title, the `meta` line (HTML), the notes, then
    `body` (HTML). Returns `out`."""
    text = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_asset('report.css')}</style></head>"
        f'<body><div class="wrap"><h1>{escape(title)}</h1>'
        f"<div class='meta'>{meta}</div>{notes_html(notes)}{body}</div>"
        f"<script>{_asset('report.js')}</script></body></html>\n"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def grid_html(value: Any, box: int = 168, title: str = "") -> str:
    """One grid: an <img> of the PNG, sized to whole CSS pixels per cell, with grid lines."""
    g = as_grid(value)
    if g is None:
        return '<span class="bad-grid">no valid grid</span>'
    h, w = g.shape
    cell = max(3, min(24, box // max(h, w)))
    src = base64.b64encode(grid_png(g)).decode("ascii")
    fine = " fine" if cell < 6 else ""  # lines would hide the colours on tiny cells
    tip = escape(f"{title} {h}×{w}".strip())
    return (
        f'<span class="g{fine}" style="--c:{cell}px" title="{tip}"><img alt="{tip}" '
        f'width="{w * cell}" height="{h * cell}" src="data:image/png;base64,{src}"></span>'
    )


def notes_html(notes: list[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{escape(n)}</li>" for n in notes)
    return f'<div class="notes"><b>Notes</b><ul>{items}</ul></div>'


def _status_badge(status: str) -> str:
    cls = "ok" if status == "ok" else "bad" if status in FAILED else "warn"
    return f'<span class="badge {cls}">{escape(status)}</span>'


def _score_badge(v: TaskView) -> str:
    n = len(v.correct)
    if v.score is None:
        return '<span class="badge">no solutions known</span>'
    right = sum(bool(c) for c in v.correct)
    cls = "ok" if v.score >= 1 else "warn" if v.score > 0 else ""
    return f'<span class="badge {cls}">{right}/{n} solved</span>'


def _detail_html(cand: dict | None) -> str:
    if not cand:
        return ""
    detail = cand.get("detail") if isinstance(cand.get("detail"), dict) else {}
    parts = []
    program = detail.get("program")
    if program:
        text = str(program)
        if len(text) > _MAX_PROGRAM_CHARS:
            text = text[:_MAX_PROGRAM_CHARS] + "\n…"
        parts.append(f'<pre class="prog">{escape(text)}</pre>')
    facts = []
    if "votes" in detail:
        facts.append(f"votes: {short(detail['votes'])}")
    score = cand.get("score")
    if isinstance(score, (int, float)) and (score or "votes" in detail):
        facts.append(f"score: {score:.4g}")
    for k, val in detail.items():
        if k not in ("program", "votes") and isinstance(val, (str, int, float, bool)):
            facts.append(f"{k}: {short(val, 80)}")
        if len(facts) >= 6:
            break
    if facts:
        parts.append(f'<div class="kv">{escape(" · ".join(facts))}</div>')
    return "".join(parts)


def _find_candidate(cands: list, grid: Any, source: str) -> dict | None:
    found = None
    for c in cands:
        if isinstance(c, dict) and c.get("grid") == grid:
            if c.get("source") == source:
                return c
            found = found or c
    return found


def attempts_html(v: TaskView, i: int, label: str = "") -> tuple[str, list[dict]]:
    """Figures for both attempts of test input i, and the candidates that were not attempts."""
    rec = v.rec
    atts = (rec.get("attempts") or [])[i : i + 1]
    atts = atts[0] if atts and isinstance(atts[0], list) else []
    srcs = (rec.get("attempt_sources") or [])[i : i + 1]
    srcs = srcs[0] if srcs and isinstance(srcs[0], list) else []
    cands = candidates_of(rec.get("candidates"), i)
    used: list[int] = []
    figs = []
    for k, grid in enumerate(atts):
        source = str(srcs[k]) if k < len(srcs) else "?"
        cand = _find_candidate(cands, grid, source)
        if cand is not None:
            used.append(id(cand))
        mark = v.marks[i][k] if k < len(v.marks[i]) else None
        cls, sign = {True: ("right", "✓"), False: ("wrong", "✗"), None: ("", "")}[mark]
        sign_html = f' <span class="mark-{cls}">{sign}</span>' if sign else ""
        figs.append(
            f'<figure class="att {cls}"><figcaption>{escape(label)}attempt {k + 1} · '
            f'<span class="src">{escape(source)}</span>{sign_html}</figcaption>'
            f"{grid_html(grid, title=f'attempt {k + 1}')}{_detail_html(cand)}</figure>"
        )
    if not atts:
        figs.append('<span class="missing">no attempts recorded</span>')
    extra = [c for c in cands if id(c) not in used]
    return "".join(figs), extra


def _extra_html(extra: list[dict], truth: np.ndarray | None) -> str:
    if not extra:
        return ""
    figs = []
    for c in extra[:_MAX_EXTRA_CANDIDATES]:
        ok = matches(c.get("grid"), truth) if truth is not None else c.get("correct") is True
        mark = ' <span class="mark-right">✓</span>' if ok else ""
        score = c.get("score")
        score_txt = f" · {score:.3g}" if isinstance(score, (int, float)) else ""
        figs.append(
            f'<figure><figcaption><span class="src">{escape(str(c.get("source", "?")))}</span>'
            f"{escape(score_txt)}{mark}</figcaption>{grid_html(c.get('grid'), box=96)}"
            f"{_detail_html(c)}</figure>"
        )
    more = len(extra) - _MAX_EXTRA_CANDIDATES
    tail = f'<span class="missing">and {more} more</span>' if more > 0 else ""
    return (
        f"<details><summary>{len(extra)} other candidate(s)</summary>"
        f'<div class="row">{"".join(figs)}{tail}</div></details>'
    )


def test_input(v: TaskView, i: int) -> Any:
    if v.task is not None and i < len(v.task.test_inputs):
        return v.task.test_inputs[i]
    return None


def card_attrs(tid: str, v: TaskView, extra: str = "") -> str:
    solved = "?" if v.score is None else "1" if v.score >= 1 else "p" if v.score > 0 else "0"
    score = "" if v.score is None else f"{v.score:.4g}"
    t = float(v.rec.get("time_s") or 0.0)
    return (
        f'class="card" id="t-{escape(tid)}" data-id="{escape(tid)}" '
        f'data-status="{escape(status_of(v.rec))}" data-solved="{solved}" data-score="{score}" '
        f'data-time="{t:.3f}" data-src="{escape(" ".join(sorted(v.sources)))}" '
        f'data-by="{escape(" ".join(sorted(v.solved_by)))}"{extra}'
    )


def _card_header(tid: str, v: TaskView, show_solver: bool) -> str:
    rec = v.rec
    solver = f" · solver {rec.get('solver')}" if show_solver else ""
    peak = num(rec.get("peak_rss_mb"))
    memory = f" · {peak:.0f} MB" if peak else ""
    meta = fmt_s(float(rec.get("time_s") or 0.0)) + memory + solver
    return (
        f'<header><h2><a href="#t-{escape(tid)}">{escape(tid)}</a></h2>'
        f"{_status_badge(status_of(rec))}{_score_badge(v)}"
        f'<span class="meta">{escape(meta)}</span>'
        "</header>"
    )


def _solver_detail_html(rec: dict) -> str:
    """The solver's task-level notes (routing decision, too-long tasks, training stats)."""
    detail = rec.get("solver_detail")
    if not isinstance(detail, dict) or not detail:
        return ""
    text = json.dumps(detail, sort_keys=True, default=str)
    return (
        f'<details class="solver-detail"><summary>solver notes</summary>'
        f"<pre>{escape(text[:4000])}</pre></details>"
    )


def error_html(rec: dict, label: str = "") -> str:
    err = rec.get("error")
    return f'<pre class="err">{escape(label + str(err))}</pre>' if err else ""


def card(tid: str, v: TaskView, demo_note: str, show_solver: bool = False) -> str:
    header = _card_header(tid, v, show_solver)
    parts = [
        f"<section {card_attrs(tid, v)}>",
        header,
        error_html(v.rec),
        _solver_detail_html(v.rec),
    ]
    if v.task is not None:
        pairs = "".join(
            f'<div class="pair">{grid_html(p.input, 120, "input")}<span class="arrow">→</span>'
            f"{grid_html(p.output, 120, 'output')}</div>"
            for p in v.task.train
        )
        parts.append(
            f'<h3>demonstrations ({len(v.task.train)})</h3><div class="demos">{pairs}</div>'
        )
    else:
        parts.append(f'<h3>demonstrations</h3><div class="missing">{escape(demo_note)}</div>')
    for i in range(len(v.correct)):
        atts, extra = attempts_html(v, i)
        test_in = test_input(v, i)
        shown_in = (
            grid_html(test_in)
            if test_in is not None
            else '<span class="missing">unavailable</span>'
        )
        figs = [
            f"<figure><figcaption>test input {i + 1}</figcaption>{shown_in}</figure>",
            '<span class="sep"></span>',
            atts,
        ]
        if v.truths[i] is not None:
            figs.append(
                '<figure class="truth"><figcaption>expected</figcaption>'
                f"{grid_html(v.truths[i], title='expected')}</figure>"
            )
        parts.append(
            f'<h3>test {i + 1} of {len(v.correct)}</h3><div class="row">{"".join(figs)}</div>'
            f"{_extra_html(extra, v.truths[i])}"
        )
    parts.append("</section>")
    return "".join(parts)


def filters_html(views: dict[str, TaskView], buttons: list[tuple[str, str]]) -> str:
    btns = "".join(
        f'<button type="button" data-f="{k}" aria-pressed="{str(k == "all").lower()}">'
        f"{escape(label)}</button>"
        for k, label in buttons
    )
    sources = sorted({s for v in views.values() for s in v.sources})
    solved_by = sorted({s for v in views.values() for s in v.solved_by})
    opts = "".join(
        f'<option value="a:{escape(s)}">attempt from {escape(s)}</option>' for s in sources
    )
    opts += "".join(
        f'<option value="s:{escape(s)}">solved by {escape(s)}</option>' for s in solved_by
    )
    return (
        f'<nav class="filters">{btns}'
        f'<select id="src" aria-label="solver"><option value="">any solver</option>{opts}</select>'
        '<select id="sort" aria-label="sort"><option value="id">sort: task id</option>'
        '<option value="time">sort: slowest first</option><option value="score">sort: best score'
        '</option><option value="status">sort: failures first</option></select>'
        '<input id="q" type="search" placeholder="search task id" aria-label="search task id">'
        '<span id="shown"></span></nav>'
    )
