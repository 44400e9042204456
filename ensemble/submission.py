"""Kaggle ARC Prize submission.json: build, validate, write atomically."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from dsl.types import grid_problem

FALLBACK = [[0]]


class SubmissionError(ValueError):
    """The submission would be rejected; the message names the task and the problem."""


def validate(submission: dict, expected: dict[str, int] | None = None) -> None:
    """Check the schema: {task_id: [{"attempt_1": grid, "attempt_2": grid}, ...]}.

    `expected` maps task id -> number of test inputs; every such task must be present with that many
    entries. Raises SubmissionError naming the first problem found.
    """
    if not isinstance(submission, dict):
        raise SubmissionError("submission must be an object keyed by task id")
    for tid, n in (expected or {}).items():
        if tid not in submission:
            raise SubmissionError(f"task {tid}: missing")
        if len(submission[tid]) != n:
            raise SubmissionError(f"task {tid}: {len(submission[tid])} entries for {n} test inputs")
    for tid, entries in submission.items():
        if not isinstance(entries, list) or not entries:
            raise SubmissionError(f"task {tid}: expected a non-empty list of attempt dicts")
        for i, e in enumerate(entries):
            if not isinstance(e, dict) or set(e) != {"attempt_1", "attempt_2"}:
                raise SubmissionError(f"task {tid}[{i}]: need exactly attempt_1 and attempt_2")
            for k in ("attempt_1", "attempt_2"):
                problem = grid_problem(e[k])
                if problem:
                    raise SubmissionError(f"task {tid}[{i}].{k}: {problem}")


def write_json_atomic(path: Path, obj) -> None:
    """Write JSON to a temp file in the same directory, then rename over `path`."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; outputs are meant to be shared
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(obj, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_submission(path: Path, submission: dict, expected: dict[str, int] | None = None) -> None:
    """Validate, then write atomically."""
    validate(submission, expected)
    write_json_atomic(path, submission)
