"""Two honest baselines that exercise the pipeline end to end."""

from __future__ import annotations

import numpy as np

from dsl.primitives.geometry import SYMMETRIES
from dsl.types import Budget, Candidate, Grid, Solver, SolveResult, Task


class IdentitySolver(Solver):
    """Answers each test input with itself (solves the rare tasks whose output is the input)."""

    name = "identity"

    def solve(
        self, task: Task, budget: Budget, extra: list[list[Grid]] | None = None
    ) -> SolveResult:
        return SolveResult(
            [[Candidate(g.copy(), 0.0, self.name, {"rule": "identity"})] for g in task.test_inputs]
        )


class SymmetrySolver(Solver):
    """Applies each of the 8 square symmetries that maps every demo input to its output; ranked
    by the order of the dihedral group (identity first)."""

    name = "symmetry"

    def solve(
        self, task: Task, budget: Budget, extra: list[list[Grid]] | None = None
    ) -> SolveResult:
        fitting = [
            f for f in SYMMETRIES
            if all(np.array_equal(f(p.input), p.output) for p in task.train)
        ]  # fmt: skip
        ranked = [
            [Candidate(f(g), 1.0, self.name, {"program": f"O = {f.__name__}(I)"}) for f in fitting]
            for g in task.test_inputs
        ]
        return SolveResult(ranked)
