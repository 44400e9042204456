"""Shared vocabulary: Grid, Pair, Task, Candidate, Budget, SolveResult, the Solver protocol, and
their validation.

Everything inside the system speaks these types; lists of lists exist only at the IO boundary
(`grid_from_list` / `grid_to_list`, `Candidate.to_json` / `Candidate.from_json`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

Grid = np.ndarray  # 2-D int8, values 0..9, shape 1x1..30x30, C-contiguous
MAX_SIDE = 30
N_COLOURS = 10


class TaskError(ValueError):
    """A task (or one of its grids) is malformed; the message names the task and the field."""

    def __init__(self, task_id: str, where: str, problem: str):
        self.task_id, self.where, self.problem = task_id, where, problem
        super().__init__(f"task {task_id}: {where}: {problem}")


def grid_problem(value: Any) -> str | None:
    """Why `value` (list of lists or array) is not a valid ARC grid, or None if it is one."""
    if isinstance(value, np.ndarray):
        if value.ndim != 2:
            return f"expected a 2-D grid, got {value.ndim} dimensions"
        if not np.issubdtype(value.dtype, np.integer):
            return f"cells must be integers, got dtype {value.dtype}"
        rows = value.tolist()
    else:
        if not isinstance(value, (list, tuple)) or not value:
            return "expected a non-empty list of rows"
        rows = value
        if not all(isinstance(r, (list, tuple)) for r in rows):
            return "every row must be a list"
        widths = {len(r) for r in rows}
        if len(widths) != 1:
            return f"ragged rows (row lengths {sorted(widths)})"
        for r in rows:
            for v in r:
                # bool is an int subclass but never a colour
                if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
                    return f"cells must be integers, found {v!r}"
    h, w = len(rows), len(rows[0]) if rows else 0
    if not (1 <= h <= MAX_SIDE and 1 <= w <= MAX_SIDE):
        return f"size {h}x{w} outside 1x1..{MAX_SIDE}x{MAX_SIDE}"
    bad = [v for r in rows for v in r if not 0 <= v < N_COLOURS]
    if bad:
        return f"colour {bad[0]} outside 0..9"
    return None


def is_grid(value: Any) -> bool:
    """True when `value` is a valid ARC grid."""
    return grid_problem(value) is None


def grid_from_list(value: Any, task_id: str = "?", where: str = "grid") -> Grid:
    """Validate and convert (IO boundary) to a C-contiguous int8 array; raises TaskError."""
    problem = grid_problem(value)
    if problem:
        raise TaskError(task_id, where, problem)
    return np.ascontiguousarray(np.asarray(value, dtype=np.int8))


def grid_to_list(grid: Grid) -> list[list[int]]:
    """Grid -> plain list of lists of int (for JSON)."""
    return np.asarray(grid).astype(int).tolist()


def grid_key(grid: Any) -> tuple:
    """Hashable identity of a grid (array or list of lists): its shape and int8 cells. Equal
    grids, however they are held, have equal keys; for de-duplication and lookups. A value that
    is no array of small integers (a malformed record's) keys by its JSON text."""
    try:
        g = np.asarray(grid, dtype=np.int8)
    except (ValueError, TypeError, OverflowError):
        return ("?", json.dumps(grid, default=str))
    return (g.shape, g.tobytes())


def grids_equal(a: Any, b: Any) -> bool:
    """Exact match: same shape and same cells (arrays or lists; wrong shapes never match)."""
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and bool(np.array_equal(a, b))


@dataclass(frozen=True)
class Pair:
    input: Grid
    output: Grid


@dataclass
class Task:
    id: str
    train: list[Pair]
    test_inputs: list[Grid]
    test_outputs: list[Grid] | None = None

    def __post_init__(self):
        if not self.train:
            raise TaskError(self.id, "train", "no demonstration pairs")
        if not self.test_inputs:
            raise TaskError(self.id, "test", "no test input")
        if self.test_outputs is not None and len(self.test_outputs) != len(self.test_inputs):
            raise TaskError(self.id, "test", "test outputs and inputs differ in number")

    @classmethod
    def from_json(cls, task_id: str, data: Any, solutions: list | None = None) -> Task:
        """Build from the ARC JSON dict ({"train": [...], "test": [...]}), validating every grid.

        `solutions` (Kaggle style: one output grid per test input) overrides outputs in `test`.
        """
        if not isinstance(data, dict):
            raise TaskError(task_id, "task", "expected an object with 'train' and 'test'")
        for key in ("train", "test"):
            if not isinstance(data.get(key), list) or not data[key]:
                what = "demonstration pairs" if key == "train" else "test input"
                raise TaskError(task_id, key, f"missing or empty (no {what})")
        train = []
        for i, p in enumerate(data["train"]):
            if not isinstance(p, dict) or "input" not in p or "output" not in p:
                raise TaskError(task_id, f"train[{i}]", "expected 'input' and 'output'")
            train.append(
                Pair(
                    grid_from_list(p["input"], task_id, f"train[{i}].input"),
                    grid_from_list(p["output"], task_id, f"train[{i}].output"),
                )
            )
        tests, outs = [], []
        for i, p in enumerate(data["test"]):
            if not isinstance(p, dict) or "input" not in p:
                raise TaskError(task_id, f"test[{i}]", "expected 'input'")
            tests.append(grid_from_list(p["input"], task_id, f"test[{i}].input"))
            if "output" in p:
                outs.append(grid_from_list(p["output"], task_id, f"test[{i}].output"))
        if solutions is not None:
            if len(solutions) != len(tests):
                raise TaskError(task_id, "solutions", f"{len(solutions)} for {len(tests)} tests")
            outs = [grid_from_list(g, task_id, f"solutions[{i}]") for i, g in enumerate(solutions)]
        test_outputs = outs if len(outs) == len(tests) else None
        return cls(task_id, train, tests, test_outputs)

    def to_json(self, with_outputs: bool = True) -> dict:
        """Task -> ARC JSON dict."""
        test = [{"input": grid_to_list(g)} for g in self.test_inputs]
        if with_outputs and self.test_outputs is not None:
            for t, g in zip(test, self.test_outputs):
                t["output"] = grid_to_list(g)
        return {
            "train": [
                {"input": grid_to_list(p.input), "output": grid_to_list(p.output)}
                for p in self.train
            ],
            "test": test,
        }


@dataclass
class Candidate:
    """One proposed answer for one test input: `source` names the solver, `detail` says why (the
    program, the votes, ...; JSON-able values)."""

    grid: Grid
    score: float = 0.0
    source: str = ""
    detail: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """Candidate -> JSON dict (as in results.jsonl); a detail value JSON cannot hold becomes
        its string."""
        return {
            "grid": grid_to_list(self.grid),
            "score": float(self.score),
            "source": str(self.source),
            "detail": json.loads(json.dumps(self.detail, default=str)),
        }

    @classmethod
    def from_json(cls, data: dict) -> Candidate:
        """JSON dict (`to_json`'s, or a results.jsonl candidate) -> Candidate; keys a record adds
        beside these (e.g. `correct`) are not the candidate's."""
        return cls(
            np.ascontiguousarray(np.asarray(data["grid"], dtype=np.int8)),
            float(data.get("score") or 0.0),
            str(data.get("source") or ""),
            dict(data.get("detail") or {}),
        )


@dataclass
class Budget:
    """Wall-clock budget (seconds from creation) and an optional memory cap in MB. `on_partial`,
    set by the runner: where a solver may hand over a provisional result (`partial`) before it
    finishes; the runner keeps the last one and uses it if the task is then cut off by its time
    or memory limit, so what was already found is not lost."""

    seconds: float
    memory_mb: int | None = None
    start: float = field(default_factory=time.monotonic)
    on_partial: Callable[[SolveResult], None] | None = field(default=None, compare=False)

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def remaining(self) -> float:
        return max(0.0, self.seconds - self.elapsed())

    def expired(self) -> bool:
        return self.remaining() <= 0.0

    def partial(self, result: SolveResult) -> None:
        """Report a provisional result (nothing happens where no runner listens)."""
        if self.on_partial is not None:
            self.on_partial(result)

    def share(self, fraction: float) -> Budget:
        """A sub-budget: `fraction` of what remains now."""
        return Budget(self.remaining() * fraction, self.memory_mb)


@dataclass
class SolveResult:
    """What a solver returns for one task: one ranked candidate list per test input (best first)
    and task-level notes (`detail`: routing, training statistics, why nothing was found, ...;
    JSON-able values)."""

    candidates: list[list[Candidate]]
    detail: dict = field(default_factory=dict)


class Solver(Protocol):
    """Everything the runner (and a combining solver) may call on a solver. Subclass it to
    inherit the defaults: no warm-up, declines nothing, nothing beyond its config to identify."""

    name: str

    def warmup(self) -> None:
        """Once per worker process, before its first task: compile, load weights (work a forked
        task process would otherwise repeat inside its budget)."""

    def declines(self, task: Task) -> str | None:
        """Why this solver can do nothing with `task` (e.g. too long for a model's context), or
        None; a combining solver gives the time to the others."""
        return None

    def fingerprint(self) -> dict:
        """What identifies this solver's answers beyond its config (e.g. a digest of model
        weights), keyed by config path below the solver; resuming a run compares it."""
        return {}

    def solve(
        self, task: Task, budget: Budget, extra: list[list[Grid]] | None = None
    ) -> SolveResult:
        """Ranked candidates per test input within `budget`. `extra` (optional, one list of grids
        per test input, another solver's answers): a solver that can score grids ranks them
        with its own (marked `detail["extra"]`); others ignore it."""
        ...
