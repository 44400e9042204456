"""What a report shows of each task, derived from its record and (maybe) the task: attempts marked
right or wrong, per-source hits, the oracle; and the run's figures over those views."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from dsl.types import Task, grid_problem


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


def run_stats(views: dict[str, TaskView]) -> dict:
    """Score, outputs, statuses, times, and per-source figures, computed from results.jsonl."""
    times = sorted(float(v.rec.get("time_s") or 0.0) for v in views.values())
    scores = [v.score for v in views.values()]
    known = [s for s in scores if s is not None]
    outs = [c for v in views.values() for c in v.correct]
    known_outs = [c for c in outs if c is not None]
    orc = [o for v in views.values() for o in v.oracle if o is not None]
    per_source: dict[str, Counter] = {}
    for v in views.values():
        srcs = v.rec.get("attempt_sources") or []
        for i, s_i in enumerate(srcs):
            for k, s in enumerate(s_i if isinstance(s_i, list) else []):
                c = per_source.setdefault(str(s), Counter())
                c["attempts"] += 1
                if i < len(v.marks) and k < len(v.marks[i]) and v.marks[i][k]:
                    c["right"] += 1
        n_cands = len(v.rec.get("candidates") or [])
        for s in {
            str(c.get("source", ""))
            for i in range(n_cands)
            for c in candidates_of(v.rec["candidates"], i)
        }:
            per_source.setdefault(s, Counter())["tasks"] += 1
        for s, per in v.oracle_by.items():
            per_source.setdefault(s, Counter())["oracle"] += sum(per)
        for s in v.solved_by:
            per_source.setdefault(s, Counter())["solved_tasks"] += 1

    return {
        "n_tasks": len(views),
        "score": sum(known) / len(known) if known else None,
        "score_sum": sum(known),
        "n_scored": len(known),
        "n_outputs": len(outs),
        "outputs_right": sum(bool(c) for c in known_outs),
        "score_per_output": sum(bool(c) for c in known_outs) / len(known_outs)
        if known_outs
        else None,
        "oracle": sum(orc) / len(orc) if orc else None,
        "oracle_n": (sum(orc), len(orc)),
        "status_counts": dict(Counter(status_of(v.rec) for v in views.values()).most_common()),
        "time": {
            "median": float(np.median(times)) if times else 0.0,  # as summary.json has them
            "p90": float(np.percentile(times, 90)) if times else 0.0,
            "max": times[-1] if times else 0.0,
            "total": sum(times),
        },
        "per_source": per_source,
        "truth_known": bool(orc),
    }
