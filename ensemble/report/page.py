"""`write_report`: one self-contained HTML page of a run dir (RUN_DIR/report.html): the summary
panel, a histogram of task times, filters, and every task's card (templates/report.html)."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from dsl.types import Task
from ensemble.report.html import pct, short, write_page
from ensemble.report.load import load_run
from ensemble.report.views import TaskView, run_stats, status_of, task_view

_KINDS = (
    ("solved", "#16a34a"), ("partly solved", "#86c79a"), ("unsolved", "#9ca3af"),
    ("no solutions known", "#60a5fa"), ("timeout", "#f59e0b"), ("error", "#dc2626"),
)  # fmt: skip


def _kind(v: TaskView) -> int:
    """The histogram's outcome (an index into _KINDS) of one task."""
    st = status_of(v.rec)
    if st == "timeout":
        return 4
    if st != "ok":
        return 5
    if v.score is None:
        return 3
    return 0 if v.score >= 1 else 1 if v.score > 0 else 2


def histogram(views: dict[str, TaskView], width: int = 440, height: int = 150) -> dict | None:
    """Time per task as stacked bars (one colour per outcome): the geometry the SVG draws."""
    if not views:
        return None
    times = [(float(v.rec.get("time_s") or 0.0), _kind(v)) for v in views.values()]
    top = max(t for t, _ in times) or 1.0
    n_bins = 24
    counts = np.zeros((n_bins, len(_KINDS)), int)
    for t, k in times:
        counts[min(n_bins - 1, int(t / top * n_bins)), k] += 1
    peak = int(counts.sum(1).max()) or 1
    left, bottom, plot_h = 30, 20, height - 30
    bw = (width - left - 6) / n_bins
    bars = []
    for b in range(n_bins):
        y = height - bottom
        for k, (name, colour) in enumerate(_KINDS):
            n = int(counts[b, k])
            if not n:
                continue
            hgt = n / peak * plot_h
            y -= hgt
            bars.append({"x": left + b * bw + 1, "y": y, "w": bw - 2, "h": hgt, "n": n,
                         "colour": colour, "name": name, "lo": b * top / n_bins,
                         "hi": (b + 1) * top / n_bins})  # fmt: skip
    axis = {
        "left": left, "right": width - 4, "base": height - bottom, "label_y": height - 5,
        "mid": f"{left + (width - left) / 2:.0f}", "half": top / 2, "top": top,
        "tick_x": left - 4, "peak_y": height - bottom - plot_h + 8, "peak": peak,
    }  # fmt: skip
    present = {k for _, k in times}
    legend = [kc for k, kc in enumerate(_KINDS) if k in present]
    return {"width": width, "height": height, "bars": bars, "axis": axis, "legend": legend}


def table_of(value: Any) -> dict:
    """A dict of dicts (or of scalars) from summary.json as a small table: its columns and rows
    (else the value as text)."""
    if not isinstance(value, dict):
        return {"pre": short(value, 2000)}
    cols: list[str] = []
    for v in value.values():
        for k in v if isinstance(v, dict) else ["value"]:
            if k not in cols:
                cols.append(str(k))
    rows = []
    for name, v in value.items():
        cells = v if isinstance(v, dict) else {"value": v}
        rows.append((str(name), [short(cells[c], 60) if c in cells else "" for c in cols]))
    return {"cols": cols, "rows": rows}


def _summary_tables(summary: dict) -> list[tuple[str, dict]]:
    """summary.json's own tables the page shows as they are."""
    tables = [
        (title, table_of(summary[key]))
        for key, title in (
            ("ablation", "ablation (summary.json)"),
            ("routing", "routing (summary.json)"),
            ("ttt_train", "test-time training"),
        )
        if summary.get(key)
    ]
    if len(summary.get("code") or {}) > 1:  # a resumed run that mixed code versions
        tables.append(("tasks per code version", table_of(summary["code"])))
    return tables


def _report_buttons(views: dict[str, TaskView]) -> list[tuple[str, str]]:
    counts = Counter(
        solved=sum(v.score is not None and v.score >= 1 for v in views.values()),
        unsolved=sum(v.score is not None and v.score < 1 for v in views.values()),
        errors=sum(status_of(v.rec) != "ok" for v in views.values()),
    )
    return [("all", f"all ({len(views)})")] + [
        (k, f"{k} ({counts[k]})") for k in ("solved", "unsolved", "errors")
    ]


def write_report(
    run_dir: Path,
    out: Path | None = None,
    *,
    tasks: list[Task] | None = None,
    reload_tasks: bool = True,
) -> Path:
    """Write RUN_DIR/report.html (or `out`); returns its path.

    `tasks` (the run's tasks, already loaded) spares reloading them from .hydra/config.yaml;
    `reload_tasks=False` skips demonstrations and true outputs altogether.
    """
    run = load_run(Path(run_dir), tasks=tasks, reload_tasks=reload_tasks)
    out = Path(out) if out is not None else run.path / "report.html"
    views = {tid: task_view(run.results[tid], run.tasks.get(tid)) for tid in sorted(run.results)}
    stats = run_stats(views)
    notes = list(run.notes)
    summary_score = run.summary.get("score")
    if isinstance(summary_score, (int, float)) and stats["score"] is not None:
        if abs(summary_score - stats["score"]) > 1e-9:
            notes.append(
                f"summary.json gives score {pct(summary_score)} over "
                f"{run.summary.get('n_tasks', '?')} tasks; this page counts the "
                f"{stats['n_tasks']} tasks in results.jsonl"
            )
    solver = run.summary.get("solver") or next(
        (str(v.rec.get("solver")) for v in views.values() if v.rec.get("solver")), "?"
    )
    data = run.summary.get("data") or (run.data_cfg or {}).get("name", "?")
    return write_page(
        out,
        "report.html",
        title=f"ARC run report · {solver} · {data}",
        run_path=str(run.path.resolve()),
        solver=str(solver),
        data=str(data),
        generated=time.strftime("%Y-%m-%d %H:%M:%S"),
        notes=notes,
        stats=stats,
        hist=histogram(views),
        tables=_summary_tables(run.summary),
        problems=run.summary.get("problems") or [],
        views=views,
        buttons=_report_buttons(views),
        demo_note="not available (see the notes at the top)",
        # name the solver on each card only when the run mixes several (a merged results file)
        mixed=len({str(v.rec.get("solver")) for v in views.values()}) > 1,
    )
