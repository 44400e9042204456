"""Start-up checks of an arc-solve configuration: each unusable value is named in one line
(key, value, what is allowed) before any work starts, and the command exits 2.

`UsageError` is also what the data layer and the run loop raise for a problem that stops the
whole run before it starts (a missing data.path, an unknown task id, a run dir in use); a
problem with one task is never one of these: it is recorded against that task.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

BACKENDS = ("loky", "threading", "multiprocessing", "sequential", "dask", "ray")
ISOLATIONS = ("fork", "none")
_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


class UsageError(ValueError):
    """The command cannot run as configured; the message is one line naming the key or file."""


def _show(value: Any) -> str:
    return "null" if value is None else repr(value) if isinstance(value, str) else str(value)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v  # not NaN


def _need(ok: bool, key: str, value: Any, allowed: str) -> None:
    if not ok:
        raise UsageError(f"config {key}={_show(value)}: {allowed}")


def parse_shard(value: Any) -> tuple[int, int]:
    """'i/n' -> (i, n) with 0 <= i < n; UsageError otherwise."""
    m = _SHARD.match(str(value))
    ok = bool(m) and 0 <= int(m.group(1)) < int(m.group(2))
    _need(ok, "data.shard", value, "want 'i/n' with 0 <= i < n, e.g. data.shard=0/4")
    return int(m.group(1)), int(m.group(2))


def check_data(data: Any) -> None:
    """The `data` group: a known set or an existing path, and well-formed selection keys."""
    from ensemble.data import BUNDLED

    _need(isinstance(data, dict), "data", data, "want a data config group")
    name, path = data.get("name", "path"), data.get("path")
    choices = ", ".join([*BUNDLED, "path"])
    _need(name in BUNDLED or name == "path", "data.name", name, f"want one of {choices}")
    if name == "path" or path is not None:
        _need(
            isinstance(path, str) and path not in ("", "???"), "data.path", path,
            "data=path needs a directory of task files or a challenges file: "
            "data.path=DIR_OR_FILE",
        )  # fmt: skip
        _need(os.path.exists(path), "data.path", path, "no such file or directory")
    sols = data.get("solutions")
    if sols is not None:
        _need(isinstance(sols, str) and sols != "", "data.solutions", sols, "want a file path")
        _need(os.path.exists(sols), "data.solutions", sols, "no such file or directory")
    ids = data.get("ids")
    if ids is not None:
        items = ids if isinstance(ids, list) else [ids]
        _need(
            bool(items) and all(isinstance(i, (str, int, float)) for i in items), "data.ids", ids,
            "want a list of task ids (quote them: data.ids='[\"642248e4\",\"00576224\"]'), "
            "or null for every task",
        )  # fmt: skip
    _need(data.get("max_tokens") is None, "data.max_tokens", data.get("max_tokens"),
          "moved: the TTT solver declines tasks longer than ttt.max_task_tokens, and "
          "data.skip_declined=true leaves them out (experiment=ttt_effect)")  # fmt: skip
    v = data.get("skip_declined", False)
    _need(isinstance(v, bool), "data.skip_declined", v, "want true or false")
    for key in ("sample", "limit"):
        v = data.get(key)
        _need(v is None or (_is_int(v) and v >= 1), f"data.{key}", v,
              "want a positive integer, or null for no limit")  # fmt: skip
    seed = data.get("seed", 0)
    _need(seed is None or _is_int(seed), "data.seed", seed, "want an integer")
    if data.get("shard") is not None:
        parse_shard(data["shard"])


def check_budget(budget: Any) -> None:
    """Seconds and megabytes: positive numbers (grace may be 0; caps may be null)."""
    _need(isinstance(budget, dict), "budget", budget, "want a budget config group")
    v = budget.get("task_s")
    _need(_is_number(v) and v > 0, "budget.task_s", v, "want seconds per task, a number > 0")
    v = budget.get("grace_s", 2.0)
    _need(_is_number(v) and v >= 0, "budget.grace_s", v, "want seconds, a number >= 0")
    for key, what in (("memory_mb", "megabytes per task"), ("total_s", "seconds for the run")):
        v = budget.get(key)
        _need(v is None or (_is_number(v) and v > 0), f"budget.{key}", v,
              f"want {what}, a number > 0, or null for no cap")  # fmt: skip


def check_parallel(par: Any) -> None:
    """Engine, workers, threads, isolation."""
    _need(isinstance(par, dict), "parallel", par, "want a parallel config group")
    backend = par.get("backend", "loky")
    _need(backend in BACKENDS, "parallel.backend", backend, f"want one of {', '.join(BACKENDS)}")
    n = par.get("n_jobs", 1)
    cpus = os.cpu_count() or 1
    ok = _is_int(n) and (n >= 1 or (n < 0 and (backend in ("ray", "dask") or cpus + 1 + n >= 1)))
    allowed = f"want tasks at once, an integer >= 1 (or -1: every CPU, {cpus} here)"
    _need(ok, "parallel.n_jobs", n, allowed)
    v = par.get("threads_per_worker", 1)
    _need(_is_int(v) and v >= 1, "parallel.threads_per_worker", v, "want an integer >= 1")
    v = par.get("isolation", "fork")
    _need(v in ISOLATIONS, "parallel.isolation", v, f"want one of {', '.join(ISOLATIONS)}")


def check_config(cfg: dict) -> None:
    """Raise UsageError naming the first unusable key of a resolved arc-solve config."""
    for key in ("resume", "report", "progress"):
        if key in cfg:
            _need(isinstance(cfg[key], bool), key, cfg[key], "want true or false")
    solver = cfg.get("solver")
    ok = isinstance(solver, dict) and isinstance(solver.get("_target_"), str)
    _need(ok, "solver", solver, "want a solver config group with a _target_ (solver=dsl, ...)")
    check_data(cfg.get("data"))
    check_budget(cfg.get("budget"))
    check_parallel(cfg.get("parallel"))
    missing = _missing_keys(cfg)
    _need(not missing, missing[0] if missing else "", "???",
          f"a required value is not set: give {missing[0] if missing else ''}=...")  # fmt: skip


def _missing_keys(d: Any, prefix: str = "") -> list[str]:
    """Keys whose value is Hydra's '???' (mandatory, not given), e.g. model.path of
    experiment=gpu."""
    if isinstance(d, dict):
        return [k for key, v in d.items() for k in _missing_keys(v, f"{prefix}{key}.")]
    if isinstance(d, list):
        return [k for i, v in enumerate(d) for k in _missing_keys(v, f"{prefix}{i}.")]
    return [prefix[:-1]] if d == "???" else []


RUN_FILES = ("results.jsonl", "submission.json", "summary.json", "report.html")


def check_writable(run_dir: Path) -> None:
    """UsageError unless files can be written in `run_dir` (or created where it would be): a
    probe file in the nearest existing folder (nothing is created when it is not the run dir)."""
    run_dir = Path(run_dir).absolute()
    where = run_dir
    while not where.exists() and where != where.parent:
        where = where.parent
    if not where.is_dir():
        raise UsageError(f"run dir {run_dir}: {where} is not a directory (hydra.run.dir)")
    try:
        with tempfile.TemporaryFile(dir=where, prefix=".arc-write-probe"):
            pass
    except OSError as e:
        raise UsageError(
            f"run dir {run_dir}: cannot write in {where} ({e.strerror or e}); "
            "choose another with hydra.run.dir=..."
        ) from None
    for name in RUN_FILES:  # what the run reads back or replaces: a folder there is a mistake
        if (run_dir / name).exists() and not (run_dir / name).is_file():
            raise UsageError(
                f"run dir {run_dir}: {name} is not a file; move it away or choose another "
                "run dir with hydra.run.dir=..."
            )
