"""summary.json: the score, statuses, time and memory per task, the per-solver breakdown and
ablation, TTT's training over the run, and the code versions a (resumed) run mixed."""

from __future__ import annotations

import statistics
from collections import Counter

import numpy as np

from ensemble.ablation import ablation, by_source, routing
from ensemble.run.status import STATUSES, Status
from ensemble.scoring import aggregate


def _percentile(xs: list[float], q: float) -> float:
    return float(np.percentile(xs, q)) if xs else 0.0


def summarize(records: list[dict], meta: dict) -> dict:
    """summary.json: score, statuses, time per task, per-solver breakdown."""
    scored = [r for r in records if r["correct"] is not None]
    summary = {**meta, **aggregate(r["correct"] for r in scored)} if scored else dict(meta)
    summary["n_tasks_run"] = len(records)
    summary["n_tasks_scored"] = len(scored)
    summary["status_counts"] = {s: sum(r["status"] == s for r in records) for s in STATUSES}
    times = [r["time_s"] for r in records if r["status"] != Status.INVALID]
    summary["time_s"] = {
        "median": round(statistics.median(times), 3) if times else 0.0,
        "p90": round(_percentile(times, 90), 3),
        "max": round(max(times, default=0.0), 3),
        "total": round(sum(times), 3),
    }
    peaks = [r["peak_rss_mb"] for r in records if r.get("peak_rss_mb")]
    summary["peak_rss_mb"] = {
        "median": round(statistics.median(peaks), 1) if peaks else None,
        "max": max(peaks, default=None),
    }
    cells = [c for r in scored for c in (r.get("cell_accuracy") or [])]
    if cells:  # partial credit: how close the attempts came (exact matches are the score)
        summary["cell_accuracy"] = round(float(np.mean(cells)), 4)
    train = ttt_training(records)
    if train:
        summary["ttt_train"] = train
    summary["by_source"] = by_source(scored)
    summary["ablation"] = ablation(scored)
    if routing(scored):
        summary["routing"] = routing(scored)
    invalid = [r for r in records if r["status"] == Status.INVALID]
    summary["problems"] = [[r["task_id"], r["error"]] for r in invalid]
    # tasks per code version (code_digest): more than one key means a resumed run mixed code
    ran = [r for r in records if r["status"] != Status.INVALID]
    summary["code"] = dict(Counter(r.get("code", "unrecorded") for r in ran))
    return summary


def ttt_training(records: list[dict]) -> dict:
    """Test-time training over a run: tasks trained, steps and seconds per task (median), and
    training throughput (all tokens over all training seconds). TTT's stats sit in
    `solver_detail.train`, or under `solver_detail.ttt_detail` for the ensemble."""
    stats = []
    for r in records:
        d = r.get("solver_detail") or {}
        t = d.get("train") or (d.get("ttt_detail") or {}).get("train")
        if isinstance(t, dict) and t.get("steps"):
            stats.append(t)
    if not stats:
        return {}
    seconds = sum(float(t.get("seconds") or 0.0) for t in stats)
    return {
        "tasks": len(stats),
        "steps_median": statistics.median(int(t["steps"]) for t in stats),
        "seconds_median": round(statistics.median(float(t.get("seconds") or 0) for t in stats), 2),
        "tokens_per_s": round(sum(int(t.get("tokens") or 0) for t in stats) / seconds, 1)
        if seconds
        else None,
    }
