"""Scoring: ARC Prize pass@2 (a test output counts when either attempt matches exactly).

Headline score: the mean over tasks of the fraction of each task's test outputs solved (the official
benchmarking code); also the fraction over all test outputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from dsl.types import grids_equal


def cell_accuracy(attempts: Sequence, truth) -> float:
    """Partial credit for one test output: the best fraction of cells right over its attempts,
    0 for an attempt of the wrong shape (a diagnostic; the score counts exact matches only)."""
    t = np.asarray(truth)
    best = 0.0
    for a in attempts:
        a = np.asarray(a)
        if a.shape == t.shape:
            best = max(best, float(np.mean(a == t)))
    return best


def score_attempts(attempts: Sequence[Sequence], truths: Sequence) -> list[bool]:
    """One bool per test output: did any of its attempts match?"""
    if len(attempts) != len(truths):
        raise ValueError(f"{len(attempts)} attempt lists for {len(truths)} test outputs")
    return [any(grids_equal(a, t) for a in atts) for atts, t in zip(attempts, truths)]


def task_score(correct: Sequence[bool]) -> float:
    """Fraction of a task's test outputs solved."""
    return sum(correct) / len(correct) if correct else 0.0


def aggregate(per_task: Iterable[Sequence[bool]]) -> dict:
    """{"score": mean per-task fraction, "score_per_output", "n_tasks", "n_outputs", "n_solved"}."""
    per_task = [list(c) for c in per_task]
    n_out = sum(len(c) for c in per_task)
    solved = sum(sum(c) for c in per_task)
    return {
        "score": float(np.mean([task_score(c) for c in per_task])) if per_task else 0.0,
        "score_per_output": solved / n_out if n_out else 0.0,
        "n_tasks": len(per_task),
        "n_outputs": n_out,
        "n_solved_outputs": int(solved),
        "n_tasks_fully_solved": sum(1 for c in per_task if c and all(c)),
    }


def score_submission(submission: dict, solutions: dict[str, list]) -> dict:
    """Score a Kaggle submission dict against {task_id: [output grid per test input]}.

    A task missing from the submission, or with fewer entries than test outputs, scores 0 there.
    """
    per_task = []
    for tid, truths in solutions.items():
        entries = submission.get(tid, [])
        atts = []
        for i in range(len(truths)):
            e = entries[i] if i < len(entries) and isinstance(entries[i], dict) else {}
            atts.append([e[k] for k in ("attempt_1", "attempt_2") if e.get(k) is not None])
        per_task.append(score_attempts(atts, truths))
    result = aggregate(per_task)
    result["missing_tasks"] = sorted(set(solutions) - set(submission))
    return result
