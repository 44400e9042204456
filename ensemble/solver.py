"""EnsembleSolver: the DSL search and TTT on each task within one budget, combined into one ranked
list per test input (strategies in ensemble.combine)."""

from __future__ import annotations

from dsl.types import Budget, Candidate, Task
from ensemble.combine import STRATEGIES, fits_demos


class EnsembleSolver:
    """`dsl` and `ttt` are solver objects (built by Hydra from their nested configs).

    The DSL runs first with `dsl_share` of the budget, at most `dsl_max_s` seconds (all of it
    where TTT `declines` the task); TTT gets the rest, so the time a search that exhausts its
    space early leaves is TTT's. With `route=adaptive`, a task whose every test input already has a
    confident verified program skips TTT, and the time goes back to the run (see `confident`).
    """

    name = "ensemble"

    def __init__(
        self,
        dsl,
        ttt,
        strategy: str = "priority",
        route: str = "adaptive",
        dsl_share: float = 0.3,
        dsl_max_s: float | None = None,
        confident: dict | None = None,
        program_bonus: float = 2.0,
    ):
        if strategy not in STRATEGIES:
            raise ValueError(f"ensemble strategy {strategy!r}: choose from {sorted(STRATEGIES)}")
        if route not in ("always", "adaptive"):
            raise ValueError(f"ensemble route {route!r}: choose always or adaptive")
        self.dsl, self.ttt = dsl, ttt
        self.strategy, self.route, self.dsl_share = strategy, route, float(dsl_share)
        self.dsl_max_s = None if dsl_max_s is None else float(dsl_max_s)
        self.confident_cfg = {
            "min_support": 2,
            "max_cost": 4.0,
            "min_demos": 3,
            **(confident or {}),
        }
        self.program_bonus = float(program_bonus)
        self.last_detail: dict = {}

    def warmup(self) -> None:
        for solver in (self.dsl, self.ttt):
            if hasattr(solver, "warmup"):
                solver.warmup()

    def confident(self, task: Task, ranked: list[Candidate]) -> bool:
        """Trust the top verified program without TTT: two or more distinct fitting programs agree
        on its output, or a short one fits many demos."""
        top = next((c for c in ranked if fits_demos(c)), None)
        if top is None:
            return False
        cfg = self.confident_cfg
        support = int(top.detail.get("n_fitting", 1))
        short = float(top.detail.get("cost", 1e9)) <= cfg["max_cost"]
        return support >= cfg["min_support"] or (short and len(task.train) >= cfg["min_demos"])

    def solve(self, task: Task, budget: Budget) -> list[list[Candidate]]:
        n = len(task.test_inputs)
        # a TTT that can do nothing here (e.g. the task is too long for its context) leaves the
        # program search the whole budget rather than time it would not use
        declines = getattr(self.ttt, "declines", None)
        declined = declines(task) if declines is not None else None
        dsl_budget = budget.share(1.0 if declined else self.dsl_share)
        if self.dsl_max_s is not None and not declined:
            dsl_budget.seconds = min(dsl_budget.seconds, self.dsl_max_s)
        dsl_out = self.dsl.solve(task, dsl_budget)
        confident = all(self.confident(task, r) for r in dsl_out)
        # names, confidence and bonus let ensemble.ablation replay every strategy and routing
        detail = {
            "solvers": [self.dsl.name, self.ttt.name],
            "strategy": self.strategy,
            "dsl_s": round(budget.elapsed(), 3),
            "confident": confident,
            "program_bonus": self.program_bonus,
            "ttt": "ran",
        }
        self.last_detail = detail
        ttt_out: list[list[Candidate]] = [[] for _ in range(n)]
        if declined:
            detail["ttt"] = f"declined: {declined}"
            detail["ttt_s"] = 0.0  # what routing could save here: nothing
        elif self.route == "adaptive" and confident:
            detail["ttt"] = "skipped: confident program"
        else:
            extra = None
            if self.strategy == "poe":
                extra = [[c.grid for c in r if fits_demos(c)] for r in dsl_out]
            ttt_budget = Budget(budget.remaining(), budget.memory_mb)
            ttt_out = (
                self.ttt.solve(task, ttt_budget, extra=extra)
                if extra
                else self.ttt.solve(task, ttt_budget)
            )
            detail["ttt_s"] = round(budget.elapsed() - detail["dsl_s"], 3)
            # TTT's own notes: its data, training (loss curve, throughput) and views
            detail["ttt_detail"] = getattr(self.ttt, "last_detail", None) or {}
        _stamp_ranks(dsl_out, self.dsl.name)
        _stamp_ranks(ttt_out, self.ttt.name)
        combine = STRATEGIES[self.strategy]
        return [
            combine(d, t, program_bonus=self.program_bonus)
            for d, t in zip(dsl_out, ttt_out, strict=True)
        ]


def _stamp_ranks(per_test: list[list[Candidate]], name: str) -> None:
    """Record each candidate's rank in its own solver's list: the order the solver would have
    submitted alone (`own_rank` where it says so, e.g. TTT before a PoE rerank it did only for
    the ensemble); grids TTT only scored for the DSL (`extra`) are not its own."""
    for ranked in per_test:
        own = [c for c in ranked if not c.detail.get("extra")]
        own.sort(key=lambda c: c.detail.get("own_rank", 0))  # stable: keeps the list order
        for k, c in enumerate(own):
            c.detail["ranks"] = {name: k}
