"""DSLSolver: program search behind the Solver protocol (`dsl.types.Solver`)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dsl.search.core import DEFAULTS, rank_outputs, search
from dsl.types import Budget, Candidate, Grid, Solver, SolveResult, Task, grid_key


class DSLSolver(Solver):
    """Enumerative DSL program search; fitting programs first, then near-misses. Its share of a
    task's time: `search.budget_share` of the budget, at most `search.task_s` seconds (README,
    "Time per task")."""

    name = "dsl"

    def __init__(self, search: dict | None = None, max_candidates: int = 3):
        self.cfg: dict[str, Any] = {**DEFAULTS, **dict(search or {})}
        self.max_candidates = max_candidates

    def warmup(self) -> None:
        """Compile the kernels once per worker (10 s with a cold Numba cache, under 1 s warm) so
        that tasks, forked from the worker, do not pay for it inside their budget: every
        primitive once, then one small search."""
        from dsl.registry import warm_up
        from dsl.search.core import warm_up_search

        warm_up()
        warm_up_search()

    def solve(
        self, task: Task, budget: Budget, extra: list[list[Grid]] | None = None
    ) -> SolveResult:
        """Fitting programs' outputs (by support, then cost), then near-misses'; `extra` is
        ignored (the search scores programs, not grids)."""
        share = float(self.cfg["budget_share"])  # the rest: ranking, the runner's overhead
        limit = self.cfg["task_s"]
        seconds = budget.remaining() * share
        if limit:
            seconds = min(seconds, float(limit))
        res = search(task, Budget(seconds), self.cfg)
        n = len(task.test_inputs)
        fits = rank_outputs(res.fits, n, self.cfg["support_weight"])
        near = rank_outputs(res.near, n, 0.0)
        out: list[list[Candidate]] = []
        for t in range(n):
            cands: list[Candidate] = []
            seen: set = set()
            for grid, _, fit, support in fits[t]:
                seen.add(grid_key(grid))
                cands.append(
                    Candidate(
                        np.ascontiguousarray(grid, dtype=np.int8),
                        score=0.5 + 0.5 * math.exp(-0.1 * fit.cost),
                        source=self.name,
                        detail={
                            "program": fit.program.text(),
                            "cost": round(fit.cost, 3),
                            "n_fitting": support,
                            "fits_all_demos": True,
                            "found_s": round(fit.found_s, 3),
                            "stage": fit.stage,
                        },
                    )
                )
            for grid, _, fit, _ in near[t]:
                k = grid_key(grid)
                if k in seen:
                    continue
                seen.add(k)
                cands.append(
                    Candidate(
                        np.ascontiguousarray(grid, dtype=np.int8),
                        score=0.1 * fit.accuracy,
                        source=self.name,
                        detail={
                            "program": fit.program.text(),
                            "cost": round(fit.cost, 3),
                            "n_fitting": 0,
                            "fits_all_demos": False,
                            "demo_accuracy": round(fit.accuracy, 4),
                        },
                    )
                )
            out.append(cands[: self.max_candidates])
        detail = {
            **res.work,  # graph_applications, enumeration_evals
            "states": res.n_states,
            # True when the wall clock (the safety limit), not the work budget, ended the search:
            # only then can the same command give other answers on a busier machine
            "stopped_by_clock": res.timed_out,
            "stage_s": {k: round(v, 3) for k, v in res.stage_s.items()},
        }
        return SolveResult(out, detail)
