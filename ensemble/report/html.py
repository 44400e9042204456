"""Rendering a report with Jinja2: the environment (templates in ensemble/templates/, autoescaped,
so task ids, programs and errors are always escaped), the filters the templates use, and what the
templates show of each grid, attempt and candidate."""

from __future__ import annotations

import base64
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ensemble.report.load import num
from ensemble.report.png import grid_png
from ensemble.report.views import TaskView, as_grid, candidates_of, matches, status_of
from ensemble.run.status import FAILED

MAX_EXTRA_CANDIDATES = 6
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
    """An inline asset (report.css, report.js) from ensemble/templates/ (the page marks it safe)."""
    return resources.files("ensemble").joinpath("templates", name).read_text(encoding="utf-8")


@cache
def environment() -> Environment:
    """The templates' environment (built on first use, then kept)."""
    env = Environment(
        loader=PackageLoader("ensemble", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(fmt_s=fmt_s, pct=pct, short=short)
    helpers = (grid_image, attempt_figures, extra_figures, detail_facts, status_of, status_class,
               num, test_input, solver_notes, union_of, first_truth)  # fmt: skip
    env.globals.update({f.__name__: f for f in helpers})
    env.globals.update(asset=_asset, max_extra=MAX_EXTRA_CANDIDATES)
    return env


def write_page(out: Path, template: str, **context: Any) -> Path:
    """Render `template` (ensemble/templates/) with `context` into `out`; returns `out`."""
    text = environment().get_template(template).render(**context)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def grid_image(value: Any, box: int = 168, title: str = "") -> dict | None:
    """One grid as an image: the PNG (base64), sized to whole CSS pixels per cell; None for a
    value that is no valid grid."""
    g = as_grid(value)
    if g is None:
        return None
    h, w = g.shape
    cell = max(3, min(24, box // max(h, w)))
    return {
        "src": base64.b64encode(grid_png(g)).decode("ascii"),
        "cell": cell,
        "width": w * cell,
        "height": h * cell,
        "fine": cell < 6,  # grid lines would hide the colours on tiny cells
        "tip": f"{title} {h}×{w}".strip(),
    }


def status_class(status: str) -> str:
    return "ok" if status == "ok" else "bad" if status in FAILED else "warn"


def detail_facts(cand: dict | None) -> dict:
    """What a candidate's detail shows: its program (cut to a readable length) and a line of
    facts (votes, score, other scalars)."""
    detail = cand.get("detail") if cand and isinstance(cand.get("detail"), dict) else {}
    program = detail.get("program")
    text = str(program) if program else None
    if text and len(text) > _MAX_PROGRAM_CHARS:
        text = text[:_MAX_PROGRAM_CHARS] + "\n…"
    facts = []
    if "votes" in detail:
        facts.append(f"votes: {short(detail['votes'])}")
    score = cand.get("score") if cand else None
    if isinstance(score, (int, float)) and (score or "votes" in detail):
        facts.append(f"score: {score:.4g}")
    for k, val in detail.items():
        if k not in ("program", "votes") and isinstance(val, (str, int, float, bool)):
            facts.append(f"{k}: {short(val, 80)}")
        if len(facts) >= 6:
            break
    return {"program": text, "facts": " · ".join(facts)}


def _find_candidate(cands: list, grid: Any, source: str) -> dict | None:
    found = None
    for c in cands:
        if isinstance(c, dict) and c.get("grid") == grid:
            if c.get("source") == source:
                return c
            found = found or c
    return found


def attempt_figures(v: TaskView, i: int) -> tuple[list[dict], list[dict]]:
    """Both attempts of test input i (grid, source, right/wrong mark, the candidate behind it),
    and the candidates that were not attempts."""
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
        figs.append({"k": k + 1, "grid": grid, "source": source, "cls": cls, "sign": sign,
                     "cand": cand})  # fmt: skip
    return figs, [c for c in cands if id(c) not in used]


def extra_figures(extra: list[dict], truth: np.ndarray | None) -> list[dict]:
    """The first few candidates that were not attempts: each with its score and whether it was
    right."""
    figs = []
    for c in extra[:MAX_EXTRA_CANDIDATES]:
        ok = matches(c.get("grid"), truth) if truth is not None else c.get("correct") is True
        score = c.get("score")
        score_txt = f" · {score:.3g}" if isinstance(score, (int, float)) else ""
        figs.append({"cand": c, "right": ok, "score": score_txt})
    return figs


def test_input(v: TaskView, i: int) -> Any:
    if v.task is not None and i < len(v.task.test_inputs):
        return v.task.test_inputs[i]
    return None


def first_truth(i: int, *views: TaskView) -> np.ndarray | None:
    """The true output of test input i from the first view that has it."""
    return next((v.truths[i] for v in views if i < len(v.truths) and v.truths[i] is not None), None)


def union_of(views: dict[str, TaskView], attr: str) -> list[str]:
    """Every name in the views' `attr` (sources, solved_by), sorted."""
    return sorted({s for v in views.values() for s in getattr(v, attr)})


def solver_notes(rec: dict) -> str | None:
    """The solver's task-level notes (routing decision, too-long tasks, training stats)."""
    detail = rec.get("solver_detail")
    if not isinstance(detail, dict) or not detail:
        return None
    return json.dumps(detail, sort_keys=True, default=str)[:4000]
