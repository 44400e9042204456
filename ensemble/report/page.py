"""`write_report`: one self-contained HTML page of a run dir (RUN_DIR/report.html): the summary
panel, a histogram of task times, filters, and every task's card."""

from __future__ import annotations

import time
from collections import Counter
from html import escape
from pathlib import Path
from typing import Any

import numpy as np

from dsl.types import Task
from ensemble.report.html import card, filters_html, fmt_s, pct, short, write_page
from ensemble.report.load import Run, load_run
from ensemble.report.views import TaskView, run_stats, status_of, task_view


def _histogram(views: dict[str, TaskView], width: int = 440, height: int = 150) -> str:
    """Inline SVG: time per task, bars stacked by outcome."""
    kinds = (
        ("solved", "#16a34a"), ("partly solved", "#86c79a"), ("unsolved", "#9ca3af"),
        ("no solutions known", "#60a5fa"), ("timeout", "#f59e0b"), ("error", "#dc2626"),
    )  # fmt: skip
    if not views:
        return ""

    def kind(v: TaskView) -> int:
        st = status_of(v.rec)
        if st == "timeout":
            return 4
        if st != "ok":
            return 5
        if v.score is None:
            return 3
        return 0 if v.score >= 1 else 1 if v.score > 0 else 2

    times = [(float(v.rec.get("time_s") or 0.0), kind(v)) for v in views.values()]
    top = max(t for t, _ in times) or 1.0
    n_bins = 24
    counts = np.zeros((n_bins, len(kinds)), int)
    for t, k in times:
        counts[min(n_bins - 1, int(t / top * n_bins)), k] += 1
    peak = int(counts.sum(1).max()) or 1
    left, bottom, plot_h = 30, 20, height - 30
    bw = (width - left - 6) / n_bins
    rects = []
    for b in range(n_bins):
        y = height - bottom
        lo, hi = b * top / n_bins, (b + 1) * top / n_bins
        for k, (name, colour) in enumerate(kinds):
            n = int(counts[b, k])
            if not n:
                continue
            hgt = n / peak * plot_h
            y -= hgt
            rects.append(
                f'<rect x="{left + b * bw + 1:.1f}" y="{y:.1f}" width="{bw - 2:.1f}" '
                f'height="{hgt:.1f}" fill="{colour}"><title>{fmt_s(lo)}–{fmt_s(hi)}: '
                f"{n} {name}</title></rect>"
            )
    axis = (
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 4}" y2="{height - bottom}" '
        'stroke="#9ca3af"/>'
        f'<text x="{left}" y="{height - 5}">0</text>'
        f'<text x="{left + (width - left) / 2:.0f}" y="{height - 5}" text-anchor="middle">'
        f"{fmt_s(top / 2)}</text>"
        f'<text x="{width - 4}" y="{height - 5}" text-anchor="end">{fmt_s(top)}</text>'
        f'<text x="{left - 4}" y="{height - bottom - plot_h + 8}" text-anchor="end">{peak}</text>'
        f'<text x="{left - 4}" y="{height - bottom}" text-anchor="end">0</text>'
    )
    present = {k for _, k in times}
    legend = "".join(
        f'<i style="background:{c}"></i>{escape(n)}'
        for k, (n, c) in enumerate(kinds)
        if k in present
    )
    return (
        f'<svg class="hist" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="histogram of time per task">{axis}{"".join(rects)}</svg>'
        f'<div class="legend">{legend}</div>'
    )


def _summary_html(run: Run, views: dict[str, TaskView], stats: dict) -> str:
    score = stats["score"]
    big = pct(score)
    frac = f"{stats['score_sum']:.4g} / {stats['n_scored']} tasks" if score is not None else ""
    t = stats["time"]
    o_right, o_n = stats["oracle_n"]
    rows = [
        ("score (per task, pass@2)", f'<span class="big">{big}</span> {escape(frac)}'),
        (
            "score per test output",
            f"{pct(stats['score_per_output'])} ({stats['outputs_right']} / {stats['n_outputs']})",
        ),
        (
            "oracle (any candidate right)",
            f"{pct(stats['oracle'])} ({o_right} / {o_n})" if o_n else "— (true outputs unknown)",
        ),
        ("tasks", str(stats["n_tasks"])),
        (
            "statuses",
            escape(", ".join(f"{k}: {n}" for k, n in stats["status_counts"].items()) or "—"),
        ),
        (
            "time per task",
            escape(f"median {fmt_s(t['median'])} · p90 {fmt_s(t['p90'])}")
            + "<br>"
            + escape(f"max {fmt_s(t['max'])} · total {fmt_s(t['total'])}"),
        ),
    ]
    head = "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in rows)
    src_rows = []
    for s, c in sorted(stats["per_source"].items()):
        orc = str(c["oracle"]) if stats["truth_known"] else "—"
        right = str(c["right"]) if stats["truth_known"] else "—"
        src_rows.append(
            f'<tr><th>{escape(s or "?")}</th><td class="n">{c["tasks"]}</td>'
            f'<td class="n">{c["attempts"]}</td><td class="n">{right}</td>'
            f'<td class="n">{c["solved_tasks"] if stats["truth_known"] else "—"}</td>'
            f'<td class="n">{orc}</td></tr>'
        )
    src_table = (
        '<table class="t"><thead><tr><th>source</th><th class="n">tasks with candidates</th>'
        '<th class="n">attempts</th><th class="n">attempts right</th>'
        '<th class="n">tasks solved</th><th class="n">oracle outputs</th></tr></thead>'
        f"<tbody>{''.join(src_rows)}</tbody></table>"
    )
    extra = ""
    if run.summary.get("ablation"):
        extra += f"<h3>ablation (summary.json)</h3>{_generic_table(run.summary['ablation'])}"
    if run.summary.get("routing"):
        extra += f"<h3>routing (summary.json)</h3>{_generic_table(run.summary['routing'])}"
    if run.summary.get("ttt_train"):
        extra += f"<h3>test-time training</h3>{_generic_table(run.summary['ttt_train'])}"
    if len(run.summary.get("code") or {}) > 1:  # a resumed run that mixed code versions
        extra += f"<h3>tasks per code version</h3>{_generic_table(run.summary['code'])}"
    problems = run.summary.get("problems") or []
    if problems:
        items = "".join(f"<li>{escape(short(p, 200))}</li>" for p in problems[:50])
        extra += f"<h3>data problems ({len(problems)})</h3><ul class='kv'>{items}</ul>"
    return (
        '<section id="summary">'
        f'<div class="panel"><h3>summary</h3><table class="t">{head}</table>'
        f"<h3>time per task</h3>{_histogram(views)}</div>"
        f'<div class="panel"><h3>per solver</h3>{src_table}{extra}</div></section>'
    )


def _generic_table(value: Any) -> str:
    """A dict of dicts (or of scalars) from summary.json as a small table."""
    if not isinstance(value, dict):
        return f"<pre>{escape(short(value, 2000))}</pre>"
    cols: list[str] = []
    for v in value.values():
        for k in v if isinstance(v, dict) else ["value"]:
            if k not in cols:
                cols.append(str(k))
    head = "".join(f'<th class="n">{escape(c)}</th>' for c in cols)
    body = []
    for name, v in value.items():
        cells = v if isinstance(v, dict) else {"value": v}
        tds = "".join(
            f'<td class="n">{escape(short(cells[c], 60)) if c in cells else ""}</td>' for c in cols
        )
        body.append(f"<tr><th>{escape(str(name))}</th>{tds}</tr>")
    return (
        f'<table class="t"><thead><tr><th></th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


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
    demo_note = "not available (see the notes at the top)"
    solver = run.summary.get("solver") or next(
        (str(v.rec.get("solver")) for v in views.values() if v.rec.get("solver")), "?"
    )
    data = run.summary.get("data") or (run.data_cfg or {}).get("name", "?")
    title = f"ARC run report · {solver} · {data}"
    meta = (
        f"{escape(str(run.path.resolve()))} · solver <b>{escape(str(solver))}</b> · data "
        f"<b>{escape(str(data))}</b> · generated {escape(time.strftime('%Y-%m-%d %H:%M:%S'))}"
    )
    # name the solver on each card only when the run mixes several (e.g. a merged results file)
    mixed = len({str(v.rec.get("solver")) for v in views.values()}) > 1
    cards = "".join(card(tid, v, demo_note, mixed) for tid, v in views.items())
    if not views:
        cards = '<p class="missing">no finished tasks in results.jsonl</p>'
    body = (
        f"{_summary_html(run, views, stats)}{filters_html(views, _report_buttons(views))}"
        f'<main id="cards">{cards}</main>'
    )
    return write_page(out, title, meta, notes, body)
