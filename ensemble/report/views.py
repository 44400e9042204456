"""What a report shows of each task, derived from its record and (maybe) the task: attempts marked
right or wrong, per-source hits, the oracle; and the run's figures over those views."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from dsl.types import Task, grid_problem
from ensemble.ablation import oracle_hits
from ensemble.report.load import num
from ensemble.run.status import STATUSES
from ensemble.run.summary import summarize
from ensemble.scoring import aggregate


def as_grid(value: Any) -> np.ndarray | None:
    if value is None or grid_problem(value) is not None:
        return None
    return np.asarray(value, dtype=np.uint8)


def matches(a: Any, b: np.ndarray | None) -> bool:
    g = as_grid(a)
    return g is not None and b is not None and g.shape == b.shape and bool((g == b).all())


@dataclass
class TaskView:
    """What the report needs for one task, derived from its record and (maybe) the task itself."""

    rec: dict
    task: Task | None
    truths: list[np.ndarray | None]
    marks: list[list[bool | None]]  # per test input, per attempt: right, wrong or unknown
    correct: list[bool | None]  # per test input
    score: float | None
    solved_by: set[str]
    sources: set[str]
    oracle: list[bool | None]  # per test input: did any candidate match the true output?
    oracle_by: dict[str, list[bool]]  # source -> per test input


def candidates_of(cands: Any, i: int) -> list[dict]:
    """Candidates of test input i, tolerating malformed records."""
    if not isinstance(cands, list) or i >= len(cands) or not isinstance(cands[i], list):
        return []
    return [c for c in cands[i] if isinstance(c, dict)]


def _marks(
    atts: list, cands: list[dict], truth: np.ndarray | None, correct: bool | None
) -> tuple[list[bool | None], list[tuple[str, bool]] | None]:
    """Per attempt right/wrong/unknown, and (source, right) per candidate when that is known.

    With the true output at hand, compare grids; otherwise use the runner's per-candidate
    "correct" flags and the record's per-test verdict.
    """
    if truth is not None:
        hits = [(str(c.get("source", "")), matches(c.get("grid"), truth)) for c in cands]
        return [matches(a, truth) for a in atts], hits
    flagged = [c for c in cands if isinstance(c.get("correct"), bool)]
    marks: list[bool | None] = []
    for a in atts:
        same = [c["correct"] for c in flagged if c.get("grid") == a]
        marks.append(False if correct is False else same[0] if same else None)
    if correct is True and True not in marks and marks.count(None) == 1:
        marks[marks.index(None)] = True  # the only attempt not known to be wrong
    hits = [(str(c.get("source", "")), c["correct"]) for c in flagged] if flagged else None
    return marks, hits


def task_view(rec: dict, task: Task | None) -> TaskView:
    attempts = rec.get("attempts") or []
    srcs = rec.get("attempt_sources") or []
    cands = rec.get("candidates") or []
    n_test = max(int(rec.get("n_test") or 0), len(attempts), len(task.test_inputs) if task else 0)
    truths: list[np.ndarray | None] = [None] * n_test
    if task is not None and task.test_outputs is not None:
        for i, t in enumerate(task.test_outputs[:n_test]):
            truths[i] = np.asarray(t, dtype=np.uint8)
    rec_correct = rec.get("correct")
    marks, correct, oracle = [], [], []
    oracle_by: dict[str, list[bool]] = {}
    solved_by: set[str] = set()
    sources: set[str] = set()
    for i in range(n_test):
        atts = attempts[i] if i < len(attempts) and isinstance(attempts[i], list) else []
        s_i = srcs[i] if i < len(srcs) and isinstance(srcs[i], list) else []
        sources.update(str(s) for s in s_i)
        c_i = rec_correct[i] if isinstance(rec_correct, list) and i < len(rec_correct) else None
        cl = candidates_of(cands, i)
        m, hits = _marks(atts, cl, truths[i], c_i)
        if c_i is None and truths[i] is not None:
            c_i = any(m)
        marks.append(m)
        correct.append(c_i)
        right_srcs = [str(s_i[k]) for k, ok in enumerate(m) if ok and k < len(s_i)]
        solved_by.update(right_srcs)
        if hits is None:
            oracle.append(None)
            continue
        oracle.append(any(h for _, h in hits) or any(m))
        for src, hit in hits + [(r, True) for r in right_srcs]:
            per = oracle_by.setdefault(src, [False] * n_test)
            per[i] = per[i] or hit
    score = rec.get("score")
    if score is None and correct and all(c is not None for c in correct):
        score = sum(bool(c) for c in correct) / len(correct)
    return TaskView(rec, task, truths, marks, correct, score, solved_by, sources, oracle, oracle_by)


def status_of(rec: dict) -> str:
    return str(rec.get("status") or "unknown")


def run_record(v: TaskView) -> dict:
    """The task as the runner records it (the shape `summarize` reads), from what the report
    knows: its record, cleaned, and the true outputs where they were reloaded. Candidates are
    flagged right or wrong against the truth (else by the runner's flags); a task is scored when
    its view has a score."""
    rec = v.rec
    n = len(v.correct)
    cands, atts, srcs = [], [], []
    for i in range(n):
        ranked = []
        for c in candidates_of(rec.get("candidates"), i):
            if as_grid(c.get("grid")) is None:
                continue
            truth = v.truths[i]
            right = matches(c["grid"], truth) if truth is not None else c.get("correct") is True
            detail = c.get("detail") if isinstance(c.get("detail"), dict) else {}
            ranked.append({**c, "source": str(c.get("source", "")), "detail": detail,
                           "correct": right})  # fmt: skip
        cands.append(ranked)
        a_i = _at(rec.get("attempts"), i)
        pairs = [(a, str(s)) for a, s in zip(a_i, _at(rec.get("attempt_sources"), i))]
        atts.append([a for a, _ in pairs if as_grid(a) is not None])
        srcs.append([s for a, s in pairs if as_grid(a) is not None])
    cells = rec.get("cell_accuracy")
    return {
        **rec,
        "status": status_of(rec),
        "time_s": float(rec.get("time_s") or 0.0),
        "peak_rss_mb": num(rec.get("peak_rss_mb")),
        "cell_accuracy": [float(x) for x in cells if num(x) is not None]
        if isinstance(cells, list)
        else None,
        "solver_detail": rec["solver_detail"] if isinstance(rec.get("solver_detail"), dict) else {},
        "code": str(rec.get("code", "unrecorded")),
        "candidates": cands,
        "attempts": atts,
        "attempt_sources": srcs,
        "correct": [bool(c) for c in v.correct] if v.score is not None else None,
    }


def _at(lists: Any, i: int) -> list:
    return (
        lists[i]
        if isinstance(lists, list) and i < len(lists) and isinstance(lists[i], list)
        else []
    )


def run_stats(views: dict[str, TaskView]) -> dict:
    """The run's figures, as the runner's `summarize` (summary.json) and the ablation's oracle
    compute them over the tasks in results.jsonl, and what only the page shows: outputs in all,
    statuses outside the runner's, attempts, tasks with candidates and tasks solved per source."""
    records = [run_record(v) for v in views.values()]
    summary = summarize(records, {})
    scored = [r for r in records if r["correct"] is not None]
    oracle = aggregate(oracle_hits(r) for r in scored)
    n_scored = summary["n_tasks_scored"]
    score = summary["score"] if n_scored else None
    statuses = Counter({k: n for k, n in summary["status_counts"].items() if n})
    statuses.update(r["status"] for r in records if r["status"] not in STATUSES)
    per_source: dict[str, Counter] = {}
    for v, r in zip(views.values(), records):
        for s_i in r["attempt_sources"]:
            for s in s_i:
                per_source.setdefault(s, Counter())["attempts"] += 1
        for s in {c["source"] for ranked in r["candidates"] for c in ranked}:
            per_source.setdefault(s, Counter())["tasks"] += 1
        for s in v.solved_by:
            per_source.setdefault(s, Counter())["solved_tasks"] += 1
    for s, c in summary["by_source"].items():
        per = per_source.setdefault(s, Counter())
        per["right"], per["oracle"] = c["attempts_correct"], c["oracle_correct"]
    return {
        "n_tasks": len(views),
        "score": score,
        "score_sum": score * n_scored if score is not None else 0.0,
        "n_scored": n_scored,
        "n_outputs": sum(len(v.correct) for v in views.values()),
        "outputs_right": summary.get("n_solved_outputs", 0),
        "score_per_output": summary["score_per_output"] if n_scored else None,
        "oracle": oracle["score_per_output"] if oracle["n_outputs"] else None,
        "oracle_n": (oracle["n_solved_outputs"], oracle["n_outputs"]),
        "status_counts": dict(statuses.most_common()),
        "time": summary["time_s"],  # median, p90, max, total (as summary.json has them)
        "per_source": per_source,
        "truth_known": bool(oracle["n_outputs"]),
    }
