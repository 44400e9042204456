"""`arc-report --compare RUN_A RUN_B`: a page of the tasks one run scores higher on than the other,
with both runs' attempts side by side (built from the report's pieces)."""

from __future__ import annotations

from pathlib import Path

from ensemble.report.html import write_page
from ensemble.report.load import Run, load_run
from ensemble.report.views import run_stats, task_view
from ensemble.run.records import read_results
from ensemble.run.summary import summarize


def _href(run: Run, out: Path) -> str | None:
    """Where run's own report lies, relative to the page `out` where it can be; None if it has
    none."""
    report = run.path / "report.html"
    if not report.is_file():
        return None
    try:
        return report.resolve().relative_to(out.parent.resolve()).as_posix()
    except ValueError:
        return report.resolve().as_uri()


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
    groups["only_a"], groups["only_b"] = sorted(set(va) - set(vb)), sorted(set(vb) - set(va))
    href_a, href_b = _href(ra, out), _href(rb, out)
    lists = [
        (label, [(href_b if k in ("b", "only_b") else href_a, t) for t in groups[k]])
        for k, label in (
            ("a", "A scores higher"),
            ("b", "B scores higher"),
            ("both", "same score, solved (at least partly)"),
            ("neither", "neither solves"),
            ("unknown", "no solutions known"),
            ("only_a", "only in run A"),
            ("only_b", "only in run B"),
        )
        if groups[k]
    ]
    side = {t: "a" for t in groups["a"]} | {t: "b" for t in groups["b"]}
    pair = pair or paired(ra.path, rb.path)  # the fair comparison while one run is still going
    return write_page(
        out,
        "compare.html",
        title=f"ARC run comparison · {ra.path.name} vs {rb.path.name}",
        path_a=str(ra.path.resolve()),
        path_b=str(rb.path.resolve()),
        notes=[f"A: {n}" for n in ra.notes] + [f"B: {n}" for n in rb.notes],
        sa=run_stats(va),
        sb=run_stats(vb),
        pair_title=paired_title(pair),
        pair_rows=paired_rows(pair),
        lists=lists,
        va=va,
        vb=vb,
        sides=sorted(side.items()),
        shown={t: (va[t] if s == "a" else vb[t]) for t, s in side.items()},
        buttons=[
            ("all", f"all shown ({len(side)})"),
            ("a", f"A higher ({len(groups['a'])})"),
            ("b", f"B higher ({len(groups['b'])})"),
        ],
    )


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
