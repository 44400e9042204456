import numpy as np
import pytest

from dsl.types import Budget, Task, TaskError, grid_from_list, grid_problem, grid_to_list, is_grid
from tests.conftest import BAD_TASKS, make_task


@pytest.mark.parametrize(
    "value, words",
    [
        ([[1, 2], [3]], "ragged"),
        ([[11]], "colour 11"),
        ([[-1]], "colour -1"),
        ([[0] * 31], "size 1x31"),
        ([[0]] * 31, "size 31x1"),
        ([], "non-empty"),
        ([[]], "size 1x0"),
        ([[1.5]], "integers"),
        ([["1"]], "integers"),
        ([[True]], "integers"),
        ([1, 2], "row must be a list"),
        (np.zeros((2, 2, 2), dtype=np.int8), "2-D"),
        (np.zeros((2, 2), dtype=float), "integers"),
    ],
)
def test_grid_problems_are_named(value, words):
    assert words in grid_problem(value)
    assert not is_grid(value)


def test_valid_grids_convert_both_ways():
    g = grid_from_list([[0, 9], [3, 4]])
    assert g.dtype == np.int8 and g.flags.c_contiguous and g.shape == (2, 2)
    assert grid_to_list(g) == [[0, 9], [3, 4]]
    assert is_grid(np.full((30, 30), 9, dtype=np.int64))


@pytest.mark.parametrize("name", [k for k, v in BAD_TASKS.items() if not isinstance(v, str)])
def test_bad_tasks_raise_naming_task_and_field(name):
    with pytest.raises(TaskError) as e:
        Task.from_json(name, BAD_TASKS[name])
    assert str(e.value).startswith(f"task {name}: ")
    assert e.value.where in str(e.value)


def test_error_names_the_field():
    bad = make_task()
    bad["test"][0]["input"] = [[1, 2], [3]]
    with pytest.raises(TaskError, match=r"task x: test\[0\]\.input: ragged"):
        Task.from_json("x", bad)


def test_task_round_trip_and_solutions_override():
    raw = make_task(n_test=2, with_output=False)
    t = Task.from_json("t", raw)
    assert t.test_outputs is None and len(t.test_inputs) == 2
    t2 = Task.from_json("t", raw, solutions=[[[1]], [[2]]])
    assert [grid_to_list(g) for g in t2.test_outputs] == [[[1]], [[2]]]
    assert Task.from_json("t", t2.to_json()).to_json() == t2.to_json()
    with pytest.raises(TaskError, match="solutions"):
        Task.from_json("t", raw, solutions=[[[1]]])


def test_budget_counts_down():
    b = Budget(0.0)
    assert b.expired() and b.remaining() == 0.0
    b = Budget(100.0)
    assert not b.expired() and 99 < b.remaining() <= 100
    assert b.share(0.5).seconds <= 50


def test_candidate_json_round_trip():
    from dsl.types import Candidate, grids_equal

    c = Candidate(np.array([[1, 2]], dtype=np.int8), 0.75, "dsl", {"program": "O = f(I)", "x": {1}})
    d = c.to_json()
    assert d == {"grid": [[1, 2]], "score": 0.75, "source": "dsl",
                 "detail": {"program": "O = f(I)", "x": "{1}"}}  # fmt: skip
    back = Candidate.from_json(
        {**d, "correct": True}
    )  # a record's own keys are not the candidate's
    assert grids_equal(back.grid, c.grid) and back.grid.dtype == np.int8
    assert (back.score, back.source, back.detail) == (0.75, "dsl", d["detail"])
    assert back.to_json() == d


def test_one_grid_key_whatever_holds_the_grid():
    from dsl.types import grid_key, grids_equal

    a = np.array([[1, 2], [3, 4]], dtype=np.int8)
    assert grid_key(a) == grid_key([[1, 2], [3, 4]]) == grid_key(a.astype(np.int64))
    assert grid_key(a) != grid_key(a.reshape(1, 4)) and not grids_equal(a, a.reshape(1, 4))
    assert grid_key([[1, 2], [3]]) != grid_key([[1, 2], [3, 4]])  # a malformed one still keys


def test_solver_protocol_defaults_and_result():
    from dsl.types import Candidate, Solver, SolveResult

    class Echo(Solver):
        name = "echo"

        def solve(self, task, budget, extra=None):
            return SolveResult([[Candidate(g, 1.0, self.name)] for g in task.test_inputs], {"n": 1})

    task = Task.from_json("t", make_task(n_test=2))
    s = Echo()
    assert s.warmup() is None and s.declines(task) is None and s.fingerprint() == {}
    out = s.solve(task, Budget(1))
    assert len(out.candidates) == 2 and out.candidates[1][0].source == "echo"
    assert out.detail == {"n": 1} and [len(r) for r in out.candidates] == [1, 1]
