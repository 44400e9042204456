"""`arc-report --compare RUN_A RUN_B`: a page of the tasks one run scores higher on than the other,
with both runs' attempts side by side (built from the report's pieces)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from ensemble.report.html import (
    attempts_html,
    card_attrs,
    error_html,
    filters_html,
    fmt_s,
    grid_html,
    pct,
    test_input,
    write_page,
)
from ensemble.report.load import Run, load_run
from ensemble.report.views import TaskView, run_stats, status_of, task_view
from ensemble.run.records import read_results
from ensemble.run.summary import summarize


def _cmp_card(tid: str, va: TaskView, vb: TaskView, side: str) -> str:
    """One task that one run scores higher on: both runs' attempts for each test input."""
    win = va if side == "a" else vb
    attrs = card_attrs(tid, win, f' data-cmp="{side}"')
    parts = [
        f"<section {attrs}><header><h2>{escape(tid)}</h2>"
        f'<span class="badge ok">{side.upper()} scores higher</span>'
    ]
    for name, r in (("A", va), ("B", vb)):
        parts.append(
            f'<span class="meta">{name}: {pct(r.score)} · {escape(status_of(r.rec))} · '
            f"{fmt_s(float(r.rec.get('time_s') or 0.0))}</span>"
        )
    parts.append("</header>")
    parts += [error_html(r.rec, f"{name}: ") for name, r in (("A", va), ("B", vb))]
    n = max(len(va.correct), len(vb.correct))
    for i in range(n):
        test_in = test_input(va, i) if va.task is not None else test_input(vb, i)
        truths = [r.truths[i] for r in (va, vb) if i < len(r.truths) and r.truths[i] is not None]
        figs = []
        if test_in is not None:
            figs.append(
                f"<figure><figcaption>test input {i + 1}</figcaption>{grid_html(test_in)}</figure>"
            )
        if truths:
            figs.append(
                '<figure class="truth"><figcaption>expected</figcaption>'
                f"{grid_html(truths[0])}</figure>"
            )
        for name, r in (("A", va), ("B", vb)):
            if i < len(r.correct):
                figs.append('<span class="sep"></span>' + attempts_html(r, i, f"{name} ")[0])
        parts.append(f'<h3>test {i + 1} of {n}</h3><div class="row">{"".join(figs)}</div>')
    parts.append("</section>")
    return "".join(parts)


def write_compare(
    run_a: Path, run_b: Path, out: Path | None = None, pair: dict | None = None
) -> Path:
    """Write a page comparing two runs: which tasks one solves and the other does not. `pair`:
    `paired(run_a, run_b)` where the caller already has it."""
    ra, rb = load_run(Path(run_a)), load_run(Path(run_b))
    if not rb.tasks and ra.tasks:
        rb.tasks = {k: t for k, t in ra.tasks.items() if k in rb.results}
    out = Path(out) if out is not None else ra.path / f"compare_{rb.path.name}.html"
    va = {t: task_view(r, ra.tasks.get(t) or rb.tasks.get(t)) for t, r in ra.results.items()}
    vb = {t: task_view(r, rb.tasks.get(t) or ra.tasks.get(t)) for t, r in rb.results.items()}
    sa, sb = run_stats(va), run_stats(vb)
    groups: dict[str, list[str]] = {k: [] for k in ("a", "b", "both", "neither", "unknown")}
    for tid in sorted(set(va) & set(vb)):
        x, y = va[tid].score, vb[tid].score
        if x is None or y is None:
            groups["unknown"].append(tid)
        elif x > y:
            groups["a"].append(tid)
        elif y > x:
            groups["b"].append(tid)
        else:
            groups["both" if x > 0 else "neither"].append(tid)
    only_a, only_b = sorted(set(va) - set(vb)), sorted(set(vb) - set(va))

    def row(label: str, fa: str, fb: str) -> str:
        return f'<tr><th>{escape(label)}</th><td class="n">{fa}</td><td class="n">{fb}</td></tr>'

    pair = pair or paired(ra.path, rb.path)  # the fair comparison while one run is still going
    pair_table = (
        f"<h3>{escape(paired_title(pair))}</h3>"
        '<table class="t"><thead><tr><th></th><th class="n">A</th><th class="n">B</th></tr></thead>'
        f"<tbody>{''.join(row(k, escape(a), escape(b)) for k, a, b in paired_rows(pair))}</tbody>"
        "</table>"
    )

    table = (
        '<table class="t"><thead><tr><th></th><th class="n">A</th><th class="n">B</th></tr></thead>'
        "<tbody>"
        + row("score", pct(sa["score"]), pct(sb["score"]))
        + row("score per output", pct(sa["score_per_output"]), pct(sb["score_per_output"]))
        + row("oracle", pct(sa["oracle"]), pct(sb["oracle"]))
        + row("tasks", str(sa["n_tasks"]), str(sb["n_tasks"]))
        + row(
            "statuses",
            escape(", ".join(f"{k}: {n}" for k, n in sa["status_counts"].items())),
            escape(", ".join(f"{k}: {n}" for k, n in sb["status_counts"].items())),
        )
        + row("median time", fmt_s(sa["time"]["median"]), fmt_s(sb["time"]["median"]))
        + row("total time", fmt_s(sa["time"]["total"]), fmt_s(sb["time"]["total"]))
        + "</tbody></table>"
    )

    def link(run: Run, tid: str) -> str:
        report = run.path / "report.html"
        if report.is_file():
            try:
                href = report.resolve().relative_to(out.parent.resolve()).as_posix()
            except ValueError:
                href = report.resolve().as_uri()
            return f'<a href="{escape(href)}#t-{escape(tid)}">{escape(tid)}</a>'
        return f"<a>{escape(tid)}</a>"

    lists = "".join(
        f"<h3>{escape(label)} ({len(ids)})</h3><div class='chips'>"
        + "".join(link(rb if k in ("b", "only_b") else ra, t) for t in ids)
        + "</div>"
        for k, label, ids in (
            ("a", "A scores higher", groups["a"]),
            ("b", "B scores higher", groups["b"]),
            ("both", "same score, solved (at least partly)", groups["both"]),
            ("neither", "neither solves", groups["neither"]),
            ("unknown", "no solutions known", groups["unknown"]),
            ("only_a", "only in run A", only_a),
            ("only_b", "only in run B", only_b),
        )
        if ids
    )
    side = {t: "a" for t in groups["a"]} | {t: "b" for t in groups["b"]}
    shown = {t: (va[t] if s == "a" else vb[t]) for t, s in side.items()}
    cards = "".join(_cmp_card(t, va[t], vb[t], side[t]) for t in sorted(side))
    if not cards:
        cards = '<p class="missing">no task is scored higher by one run than by the other</p>'
    buttons = [
        ("all", f"all shown ({len(side)})"),
        ("a", f"A higher ({len(groups['a'])})"),
        ("b", f"B higher ({len(groups['b'])})"),
    ]
    title = f"ARC run comparison · {ra.path.name} vs {rb.path.name}"
    meta = f"A = {escape(str(ra.path.resolve()))}<br>B = {escape(str(rb.path.resolve()))}"
    notes = [f"A: {n}" for n in ra.notes] + [f"B: {n}" for n in rb.notes]
    body = (
        f'<section id="summary"><div class="panel"><h3>summary</h3>{table}{pair_table}</div>'
        f'<div class="panel" style="flex:1;min-width:400px"><h3>tasks</h3>{lists}</div></section>'
        f'{filters_html(shown, buttons)}<main id="cards">{cards}</main>'
    )
    return write_page(out, title, meta, notes, body)


def paired(run_a: Path, run_b: Path) -> dict:
    """Both runs on the tasks both have finished and scored (a fair comparison while one is
    still running): their summaries, and the tasks each scores higher on."""
    a = read_results(Path(run_a) / "results.jsonl")
    b = read_results(Path(run_b) / "results.jsonl")
    sa = {t for t, r in a.items() if r["score"] is not None}
    sb = {t for t, r in b.items() if r["score"] is not None}
    common = sorted(sa & sb)
    return {
        "tasks": len(common),
        "only_in_a": len(sa - sb),  # scored in A only (B has not run it, or could not score it)
        "only_in_b": len(sb - sa),
        "a": summarize([a[t] for t in common], {"run": str(run_a)}),
        "b": summarize([b[t] for t in common], {"run": str(run_b)}),
        "a_higher": [t for t in common if a[t]["score"] > b[t]["score"]],
        "b_higher": [t for t in common if b[t]["score"] > a[t]["score"]],
    }


def paired_rows(p: dict) -> list[tuple[str, str, str]]:
    """`paired`'s figures as (label, run A, run B) strings, for the terminal and the page."""

    def solved(s: dict) -> str:
        return f"{s.get('n_solved_outputs', 0)}/{s.get('n_outputs', 0)}"

    def time_s(s: dict) -> str:
        return f"{s['time_s']['median']:.1f} / {s['time_s']['p90']:.1f} s"

    def memory(s: dict) -> str:
        m = s["peak_rss_mb"]
        return f"{m['median']:.0f} / {m['max']:.0f} MB" if m.get("max") else "-"

    def train(s: dict) -> str:
        t = s.get("ttt_train")
        if not t:
            return "-"
        rate = f", {t['tokens_per_s']:g} tok/s" if t.get("tokens_per_s") else ""
        return f"{t['tasks']} tasks, {t['steps_median']:g} steps{rate}"

    rows = [
        ("score (per task)", lambda s: f"{s.get('score', 0.0):.4f}"),
        ("outputs solved", solved),
        ("tasks fully solved", lambda s: str(s.get("n_tasks_fully_solved", 0))),
        ("cell accuracy", lambda s: f"{s['cell_accuracy']:.4f}" if "cell_accuracy" in s else "-"),
        ("time median / p90", time_s),
        ("peak memory median / max", memory),
        ("TTT training (median)", train),
    ]
    return [(label, f(p["a"]), f(p["b"])) for label, f in rows]


def paired_title(p: dict) -> str:
    return (
        f"paired on the {p['tasks']} tasks both runs scored "
        f"(only in A: {p['only_in_a']}, only in B: {p['only_in_b']})"
    )


def format_paired(p: dict) -> str:
    """`paired` as a few aligned lines for the terminal."""
    lines = [paired_title(p), f"{'':26}{'A':>30}  {'B':>30}"]
    lines += [f"{label:26}{a:>30}  {b:>30}" for label, a, b in paired_rows(p)]
    lines.append(f"A scores higher ({len(p['a_higher'])}): {' '.join(p['a_higher']) or '-'}")
    lines.append(f"B scores higher ({len(p['b_higher'])}): {' '.join(p['b_higher']) or '-'}")
    return "\n".join(lines)
