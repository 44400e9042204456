"""Result records (one JSON line per task in results.jsonl): made from a solver's outcome,
checked when read back, appended durably, and turned into the submission."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from dsl.types import Task, grids_equal
from ensemble.combine import pick_attempts
from ensemble.run.status import STATUSES, Status
from ensemble.run.summary import summarize
from ensemble.scoring import cell_accuracy
from ensemble.submission import FALLBACK, SubmissionError, validate


def make_record(task: Task, out: dict, time_s: float, solver: str) -> dict:
    """Pick attempts from the candidates, score them if the answers are known."""
    cands = out.get("candidates") or [[] for _ in task.test_inputs]
    truths = task.test_outputs
    attempts, sources = [], []
    for i, ranked in enumerate(cands):
        a, s = pick_attempts(ranked, task.test_inputs[i])
        attempts.append(a)
        sources.append(s)
        if truths is not None:
            for c in ranked:
                c["correct"] = grids_equal(c["grid"], truths[i])
    correct = cells = None
    if truths is not None:
        correct = [any(grids_equal(a, t) for a in atts) for atts, t in zip(attempts, truths)]
        cells = [round(cell_accuracy(atts, t), 4) for atts, t in zip(attempts, truths)]
    return {
        "task_id": task.id,
        "status": out["status"],
        "error": out.get("error"),
        "time_s": round(time_s, 3),
        "peak_rss_mb": out.get("peak_rss_mb"),  # sampled every 50 ms (fork isolation only)
        "solver": solver,
        "n_test": len(task.test_inputs),
        "solver_detail": out.get("solver_detail"),
        "candidates": cands,
        "attempts": attempts,
        "attempt_sources": sources,
        "correct": correct,
        "cell_accuracy": cells,
        "score": sum(correct) / len(correct) if correct is not None else None,
    }


def invalid_record(task_id: str, reason: str, n_test: int) -> dict:
    """Result record of a task that failed validation (it still gets fallback attempts)."""
    return {
        "task_id": task_id,
        "status": Status.INVALID.value,
        "error": reason,
        "time_s": 0.0,
        "solver": None,
        "n_test": n_test,
        "candidates": [[] for _ in range(n_test)],
        "attempts": [[FALLBACK, FALLBACK] for _ in range(n_test)],
        "attempt_sources": [["fallback", "fallback"] for _ in range(n_test)],
        "correct": None,
        "score": None,
    }


# Fields every result record has (a line without them is not a record this code wrote).
REQUIRED = ("task_id", "status", "n_test", "attempts", "candidates", "correct", "score", "time_s")

_JSON_TYPES = {dict: "object", list: "array", str: "string", int: "number", float: "number",
               bool: "boolean", type(None): "null"}  # fmt: skip


def record_problem(rec) -> str | None:
    """Why a parsed results.jsonl line is not a usable result record, or None: it must have every
    REQUIRED field, give a valid submission entry and summarize without error."""
    if not isinstance(rec, dict):
        return f"not a result record (a JSON {_JSON_TYPES.get(type(rec), type(rec).__name__)})"
    missing = [k for k in REQUIRED if k not in rec]
    if missing:
        return f"not a result record (no {', '.join(missing)})"
    if not isinstance(rec["task_id"], str) or not rec["task_id"]:
        return f"task_id {rec['task_id']!r} is not a task id"
    if rec["status"] not in STATUSES:
        return f"task {rec['task_id']}: unknown status {rec['status']!r}"
    n = rec["n_test"]
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        return f"task {rec['task_id']}: n_test {n!r} is not a count"
    cands = rec["candidates"]
    if (
        not isinstance(cands, list)
        or len(cands) != n
        or not all(isinstance(c, list) for c in cands)
    ):
        return f"task {rec['task_id']}: candidates do not match its {n} test input(s)"
    try:
        validate(*build_submission([rec]))
        summarize([rec], {})
    except SubmissionError as e:
        return f"bad attempts: {e}"
    except Exception as e:  # noqa: BLE001 - any field the summary cannot read makes it unusable
        return f"task {rec['task_id']}: unreadable fields ({type(e).__name__}: {e})"
    return None


def read_results(path: Path, problems: list[str] | None = None, check=None) -> dict[str, dict]:
    """Finished records by task id (the last good one of each task). A line that is not a
    usable record (torn by a kill mid-write, not UTF-8, not JSON, not an object, missing
    fields) is skipped and, with `problems`, described there by its line number. `check`: why a
    parsed line is unusable, or None (default `record_problem`; a report takes any object with
    a task id, and shows what it can)."""
    check = check or record_problem
    done: dict[str, dict] = {}
    if not path.exists():
        return done
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line.decode("utf-8"))
            except UnicodeDecodeError:
                why = "not UTF-8 text"
            except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
                why = "not JSON (torn by a kill mid-write?)"
            else:
                why = check(rec)
            if why is None:
                done[rec["task_id"]] = rec
            elif problems is not None:
                problems.append(f"{path.name} line {n}: {why}")
    return done


class ResultLog:
    """Append-only results.jsonl: each record is flushed and fsynced as soon as it exists."""

    def __init__(self, path: Path, fresh: bool):
        self.path = path
        if fresh:
            path.unlink(missing_ok=True)
        elif path.exists() and path.stat().st_size:
            with open(path, "rb+") as f:  # drop a torn last line left by a kill mid-write
                data = f.read()
                if not data.endswith(b"\n"):
                    f.truncate(data.rfind(b"\n") + 1)
        self._f = open(path, "a", encoding="utf-8")

    def append(self, rec: dict) -> None:
        self._f.write(json.dumps(rec) + "\n")
        self._f.flush()
        os.fsync(self._f.fileno())

    def close(self) -> None:
        self._f.close()


def build_submission(records: Iterable[dict]) -> tuple[dict, dict[str, int]]:
    """(submission dict, expected test counts) from result records."""
    sub, expected = {}, {}
    for r in records:
        sub[r["task_id"]] = [{"attempt_1": a[0], "attempt_2": a[1]} for a in r["attempts"]]
        expected[r["task_id"]] = r["n_test"]
    return sub, expected
