"""EnsembleSolver: the DSL search and TTT on each task within one budget, combined into one ranked
list per test input (strategies in ensemble.combine)."""

from __future__ import annotations

from dsl.types import Budget, Candidate, Grid, Solver, SolveResult, Task
from ensemble.combine import STRATEGIES, fits_demos


class EnsembleSolver(Solver):
    """`dsl` and `ttt` are solver objects (built by Hydra from their nested configs); the other
    arguments come from the `ensemble` config group (conf/ensemble/), which holds their defaults.

    The DSL runs first with `dsl_share` of the budget, at most `dsl_max_s` seconds (all of it
    where TTT `declines` the task); TTT gets the rest, so the time a search that exhausts its
    space early leaves is TTT's. With `route=adaptive`, a task whose every test input already has a
    confident verified program skips TTT, and the time goes back to the run (see `confident`).
    """

    name = "ensemble"

    def __init__(
        self,
        dsl: Solver,
        ttt: Solver,
        *,
        strategy: str,
        route: str,
        dsl_share: float,
        dsl_max_s: float | None,
        confident: dict,
        program_bonus: float,
    ):
        if strategy not in STRATEGIES:
            raise ValueError(f"ensemble strategy {strategy!r}: choose from {sorted(STRATEGIES)}")
        if route not in ("always", "adaptive"):
            raise ValueError(f"ensemble route {route!r}: choose always or adaptive")
        self.dsl, self.ttt = dsl, ttt
        self.strategy, self.route, self.dsl_share = strategy, route, float(dsl_share)
        self.dsl_max_s = None if dsl_max_s is None else float(dsl_max_s)
        self.confident_cfg = dict(confident)
        self.program_bonus = float(program_bonus)

    def warmup(self) -> None:
        self.dsl.warmup()
        self.ttt.warmup()

    def fingerprint(self) -> dict:
        """Both solvers' identities, under their config keys (`dsl.`, `ttt.`)."""
        return {
            f"{key}.{k}": v
            for key, solver in (("dsl", self.dsl), ("ttt", self.ttt))
            for k, v in solver.fingerprint().items()
        }

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

    def solve(
        self, task: Task, budget: Budget, extra: list[list[Grid]] | None = None
    ) -> SolveResult:
        """Both solvers' candidates, combined by the strategy; `extra` is ignored."""
        n = len(task.test_inputs)
        # a TTT that can do nothing here (e.g. the task is too long for its context) leaves the
        # program search the whole budget rather than time it would not use
        declined = self.ttt.declines(task)
        dsl_budget = budget.share(1.0 if declined else self.dsl_share)
        if self.dsl_max_s is not None and not declined:
            dsl_budget.seconds = min(dsl_budget.seconds, self.dsl_max_s)
        dsl_out = self.dsl.solve(task, dsl_budget).candidates
        _stamp_ranks(dsl_out, self.dsl.name)
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
        ttt_out: list[list[Candidate]] = [[] for _ in range(n)]
        if declined:
            detail["ttt"] = f"declined: {declined}"
            detail["ttt_s"] = 0.0  # what routing could save here: nothing
        elif self.route == "adaptive" and confident:
            detail["ttt"] = "skipped: confident program"
        else:
            # the DSL's answer now, kept if TTT then overruns the task's limit (a 30 s default run
            # lost a program found at 4 s this way)
            budget.partial(SolveResult(dsl_out, {**detail, "ttt": "cut off: DSL's answer only"}))
            verified = None
            if self.strategy == "poe":  # TTT scores the verified outputs too
                verified = [[c.grid for c in r if fits_demos(c)] for r in dsl_out]
            ttt_budget = Budget(budget.remaining(), budget.memory_mb)
            ttt_res = self.ttt.solve(task, ttt_budget, extra=verified)
            ttt_out = ttt_res.candidates
            detail["ttt_s"] = round(budget.elapsed() - detail["dsl_s"], 3)
            # TTT's own notes: its data, training (loss curve, throughput) and views
            detail["ttt_detail"] = ttt_res.detail
        _stamp_ranks(ttt_out, self.ttt.name)
        combine = STRATEGIES[self.strategy]
        ranked = [
            combine(d, t, program_bonus=self.program_bonus)
            for d, t in zip(dsl_out, ttt_out, strict=True)
        ]
        return SolveResult(ranked, detail)


def _stamp_ranks(per_test: list[list[Candidate]], name: str) -> None:
    """Record each candidate's rank in its own solver's list: the order the solver would have
    submitted alone (`own_rank` where it says so, e.g. TTT before a PoE rerank it did only for
    the ensemble); grids TTT only scored for the DSL (`extra`) are not its own."""
    for ranked in per_test:
        own = [c for c in ranked if not c.detail.get("extra")]
        own.sort(key=lambda c: c.detail.get("own_rank", 0))  # stable: keeps the list order
        for k, c in enumerate(own):
            c.detail["ranks"] = {name: k}
