"""What a worker does with one task: build the solver (once per process, warmed up), solve the
task in a killable child (`parallel.isolation=fork`, the default) or in the worker itself
(`none`: for CUDA solvers, which cannot be forked after initialisation; then only the solver's own
budget checks bound the time), and turn the outcome into a result record."""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Callable

from dsl.types import Budget, Solver, SolveResult, Task
from ensemble.run.isolation import limit_threads, run_killable
from ensemble.run.records import make_record
from ensemble.run.status import Status

_solver_cache: dict[str, Solver] = {}
_warm: set[str] = set()  # keys of the cached solvers that are warmed up


def build_solver(solver_cfg: dict, warm: bool = True) -> Solver:
    """The solver a config names, instantiated once per process; `warm`: warmed up too (the
    first time it is asked for warm)."""
    key = json.dumps(solver_cfg, sort_keys=True, default=str)
    if key not in _solver_cache:
        from hydra.utils import instantiate

        _solver_cache[key] = instantiate(solver_cfg, _convert_="all")
    solver = _solver_cache[key]
    if warm and key not in _warm:
        # Compile/load once here, in the long-lived worker: work a forked task child does (JIT
        # compilation, model loading) dies with it.
        solver.warmup()
        _warm.add(key)
    return solver


def _answer(task: Task, result: SolveResult) -> dict:
    """A solver's result as the runner keeps it: {"status": "ok", "candidates", "solver_detail"}."""
    if len(result.candidates) != len(task.test_inputs):
        raise ValueError(
            f"solver returned {len(result.candidates)} lists for "
            f"{len(task.test_inputs)} test inputs"
        )
    out = {
        "status": Status.OK.value,
        "candidates": [[c.to_json() for c in ranked] for ranked in result.candidates],
    }
    if result.detail:  # task-level notes (routing, too long, ...)
        out["solver_detail"] = json.loads(json.dumps(result.detail, default=str))
    return out


def _solve(
    task: Task,
    solver_cfg: dict,
    task_s: float,
    memory_mb: int | None,
    report: Callable[[dict], None] | None = None,
) -> dict:
    """Run the solver in this process; returns {"status", "candidates"|"error"}. `report` gets
    each provisional result the solver hands over (`Budget.partial`), in the same form."""
    try:
        solver = build_solver(solver_cfg)
        budget = Budget(task_s, memory_mb)
        if report is not None:
            budget.on_partial = lambda r: report(_answer(task, r))
        return _answer(task, solver.solve(task, budget))
    except MemoryError:
        return {"status": Status.OOM.value, "error": "MemoryError"}
    except Exception as e:  # noqa: BLE001 - any solver failure is recorded against the task
        tb = traceback.format_exc(limit=-3)
        return {"status": Status.ERROR.value, "error": f"{type(e).__name__}: {e}\n{tb}"}


def _solve_in_child(task, solver_cfg, task_s, memory_mb, threads, report) -> dict:
    limit_threads(threads)
    return _solve(task, solver_cfg, task_s, memory_mb, report)


def solve_isolated(task, solver_cfg, task_s, grace_s, memory_mb, threads) -> dict:
    """`_solve` in a killable child: past `task_s + grace_s` a timeout, past `memory_mb` an oom,
    a child that dies without answering (or a solver that raises) an error; each keeps the
    candidates of the last provisional result the solver reported, if any (the error says so)."""
    limit = task_s + grace_s
    args = (task, solver_cfg, task_s, memory_mb, threads)
    child = run_killable(_solve_in_child, args, limit, memory_mb)
    if child.ended == "answered":
        result = child.value
    elif child.ended == "timeout":
        result = {"status": Status.TIMEOUT.value, "error": f"no answer within {limit:.1f}s"}
    elif child.ended == "memory":
        result = {"status": Status.OOM.value, "error": f"resident memory over {memory_mb} MB"}
    else:
        code = child.exit_code or 0
        why = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
        result = {"status": Status.ERROR.value, "error": f"worker process died ({why})"}
    if result["status"] != Status.OK.value and child.partial is not None:
        kept = {k: v for k, v in child.partial.items() if k != "status"}
        result = {**kept, **result, "error": f"{result['error']}; kept its provisional answer"}
    result["peak_rss_mb"] = round(child.peak_mb, 1) or None  # None: done before the first sample
    return result


def run_task(task: Task, solver_cfg: dict, limits: dict) -> dict:
    """Solve one task under its limits and return its result record (see results.jsonl)."""
    args = (task, solver_cfg, float(limits["task_s"]))
    out = None
    try:  # build in the worker, so forked children inherit its imports and cached instance
        build_solver(solver_cfg)
    except Exception as e:  # noqa: BLE001 - a broken solver config is recorded, not raised
        why = f"cannot build solver: {type(e).__name__}: {e}"
        out = {"status": Status.ERROR.value, "error": why}
    # the task's time starts here: a worker's first task does not carry its warm-up (model
    # load, JIT), which the budget does not count either
    t0 = time.monotonic()
    if out is None:
        if limits.get("isolation", "fork") == "fork":
            out = solve_isolated(
                *args, float(limits.get("grace_s", 2.0)), limits.get("memory_mb"),
                int(limits.get("threads", 1)),
            )  # fmt: skip
        else:
            limit_threads(int(limits.get("threads", 1)))
            out = _solve(*args, limits.get("memory_mb"))
    return make_record(task, out, time.monotonic() - t0, solver_cfg.get("_target_", "?"))
