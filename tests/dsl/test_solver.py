import numpy as np

from dsl.program import parse
from dsl.solver import DSLSolver
from dsl.types import Budget, Pair, Task


def _task() -> Task:
    rng = np.random.default_rng(0)
    prog = parse("x1 = rot180(I)\nx2 = replace_colour(x1, 2, 6)\nO = x2")
    grids = [rng.integers(0, 4, size=(4, 5)).astype(np.int8) for _ in range(5)]
    pairs = [Pair(g, prog.run(g)) for g in grids]
    return Task("t", pairs[:3], [p.input for p in pairs[3:]], [p.output for p in pairs[3:]])


def test_solver_returns_verified_candidates():
    task = _task()
    solver = DSLSolver(search={"max_depth": 2, "max_evals": 20000})
    assert solver.name == "dsl"
    out = solver.solve(task, Budget(20))
    assert len(out.candidates) == 2
    for cands, expected in zip(out.candidates, task.test_outputs):
        assert cands and np.array_equal(cands[0].grid, expected)
        c = cands[0]
        assert c.source == "dsl" and c.detail["fits_all_demos"] is True
        assert {"program", "cost", "n_fitting"} <= set(c.detail)
        grids = [x.grid.tobytes() + bytes(x.grid.shape) for x in cands]
        assert len(set(grids)) == len(grids)  # distinct attempts
        fitting = [x.detail["fits_all_demos"] for x in cands]
        assert fitting == sorted(fitting, reverse=True)  # fits before near-misses
    # the search's work, per stage, and whether the clock (not the work budget) ended it
    assert out.detail["graph_applications"] > 0 and out.detail["stopped_by_clock"] in (False, True)
    assert {"graph", "expand", "check", "pieces"} <= set(out.detail["stage_s"])


def test_solver_empty_on_tiny_budget():
    out = DSLSolver(search={}).solve(_task(), Budget(0.0)).candidates
    assert len(out) == 2 and all(isinstance(c, list) for c in out)


def test_bench_records_a_failing_task_and_goes_on(monkeypatch):
    from dsl import bench
    from dsl.search.core import DEFAULTS

    def broken(self, task, budget, extra=None):
        raise TypeError("a bug in one task's search")

    monkeypatch.setattr(DSLSolver, "solve", broken)
    monkeypatch.setattr(DSLSolver, "warmup", lambda self: None)
    row = bench.solve_one(_task(), dict(DEFAULTS), 1.0)
    assert row["score"] == 0.0 and row["error"] == "TypeError: a bug in one task's search"
