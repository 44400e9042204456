"""Combination strategies, routing, and the ablation table, with stand-in solvers."""

import pytest

from dsl.types import Budget, Task
from ensemble.ablation import ablation
from ensemble.combine import dsl_first, merge_ranked, poe, priority, split
from ensemble.run.records import make_record
from tests.conftest import make_task
from tests.ensemble.solvers import FixedSolver, ensemble_solver

A, B, C = [[1]], [[2]], [[3]]
FIT = {"fits_all_demos": True, "n_fitting": 1, "cost": 9.0, "program": "O = f(I)"}
NEAR = {"fits_all_demos": False}


def cands(solver):
    return solver.solve(Task.from_json("t", make_task()), Budget(5)).candidates[0]


def grids(ranked):
    return [c.grid.tolist() for c in ranked]


def test_priority_puts_verified_programs_first_then_votes_then_near_misses():
    dsl = cands(FixedSolver("dsl", [(C, NEAR), (A, FIT)]))
    ttt = cands(FixedSolver("ttt", [(B, {"votes": 3}), (A, {"votes": 1})]))
    out = priority(dsl, ttt)
    assert grids(out) == [A, B, C]
    assert out[0].source == "dsl" and out[0].detail["sources"] == ["dsl", "ttt"]


def test_dsl_first_puts_near_misses_before_votes():
    dsl = cands(FixedSolver("dsl", [(C, NEAR), (A, FIT)]))
    ttt = cands(FixedSolver("ttt", [(B, {"votes": 3}), (A, {"votes": 1})]))
    assert grids(dsl_first(dsl, ttt)) == [A, C, B]
    assert grids(dsl_first([], ttt)) == [B, A]  # TTT fills what the DSL leaves


def test_split_alternates_near_misses_and_votes_after_verified_programs():
    dsl = cands(FixedSolver("dsl", [(C, NEAR), (A, FIT), ([[4]], NEAR)]))
    ttt = cands(FixedSolver("ttt", [(B, {"votes": 3}), (C, {"votes": 1}), ([[5]], {})]))
    assert grids(split(dsl, ttt)) == [A, C, B, [[4]], [[5]]]  # C twice: kept once
    assert grids(split([], ttt)) == [B, C, [[5]]]


def test_empty_solvers_and_duplicates():
    assert priority([], []) == []
    ttt = cands(FixedSolver("ttt", [(B, {}), (B, {})]))
    assert grids(merge_ranked(ttt)) == [B]
    assert grids(priority([], ttt)) == [B]


def test_poe_ranks_by_log_probability_with_program_bonus():
    dsl = cands(FixedSolver("dsl", [(A, FIT)]))
    ttt = cands(
        FixedSolver("ttt", [(B, {"poe": -1.0}), (C, {"poe": -9.0}), (A, {"poe": -2.5, "extra": 1})])
    )
    out = poe(dsl, ttt, program_bonus=2.0)  # A: -2.5 + 2 = -0.5 beats B's -1.0
    assert grids(out) == [A, B, C] and out[0].source == "dsl" and out[0].detail["poe"] == -2.5
    assert grids(poe(dsl, ttt, program_bonus=0.0)) == [B, A, C]


def test_poe_keeps_an_unscored_verified_output_ahead_of_votes():
    # TTT ran out of time before scoring the DSL's verified A: A still precedes TTT's votes
    dsl = cands(FixedSolver("dsl", [(A, FIT), (C, NEAR)]))
    ttt = cands(FixedSolver("ttt", [(B, {"poe": -0.1})]))
    assert grids(poe(dsl, ttt)) == [A, B, C]


@pytest.mark.parametrize(
    "route, dsl_detail, ttt_runs",
    [
        ("adaptive", {**FIT, "n_fitting": 2}, False),  # two programs agree: confident
        ("adaptive", {**FIT, "cost": 2.0}, False),  # short program, 3 demos (make_task has 2)
        ("adaptive", FIT, True),  # one long program: not confident
        ("always", {**FIT, "n_fitting": 5}, True),
        ("adaptive", NEAR, True),
    ],
)
def test_adaptive_routing(route, dsl_detail, ttt_runs):
    task = Task.from_json("t", make_task())
    if dsl_detail.get("cost") == 2.0:
        task.train.append(task.train[0])  # a third demo
    ttt = FixedSolver("ttt", [(B, {})])
    ens = ensemble_solver(FixedSolver("dsl", [(A, dsl_detail)]), ttt, route=route)
    out = ens.solve(task, Budget(5))
    assert (ttt.calls == 1) == ttt_runs
    assert grids(out.candidates[0])[0] == (A if dsl_detail.get("fits_all_demos") else B)
    assert out.detail["ttt"].startswith("ran" if ttt_runs else "skipped")


class DecliningSolver(FixedSolver):
    def declines(self, task):
        return "too long for the model's context (8 tokens)"


@pytest.mark.parametrize("ttt_declines", [False, True])
def test_declined_task_gives_the_dsl_the_whole_budget(ttt_declines):
    dsl = FixedSolver("dsl", [(A, NEAR)])
    ttt = (DecliningSolver if ttt_declines else FixedSolver)("ttt", [(B, {})])
    ens = ensemble_solver(dsl, ttt, route="always", dsl_share=0.5)
    out = ens.solve(Task.from_json("t", make_task()), Budget(10))
    share = 1.0 if ttt_declines else 0.5
    assert 10 * share - 1 < dsl.budgets[0] <= 10 * share
    assert ttt.calls == (0 if ttt_declines else 1)
    assert sorted(grids(out.candidates[0])) == ([A] if ttt_declines else [A, B])
    if ttt_declines:
        assert out.detail["ttt"].startswith("declined: too long")
        assert out.detail["ttt_s"] == 0.0


@pytest.mark.parametrize("ttt_declines", [False, True])
def test_dsl_max_s_caps_the_dsl_share_unless_ttt_declines(ttt_declines):
    dsl = FixedSolver("dsl", [(A, NEAR)])
    ttt = (DecliningSolver if ttt_declines else FixedSolver)("ttt", [(B, {})])
    ens = ensemble_solver(dsl, ttt, route="always", dsl_share=0.9, dsl_max_s=2)
    ens.solve(Task.from_json("t", make_task()), Budget(10))
    if ttt_declines:
        assert dsl.budgets[0] > 9
    else:
        assert 1 < dsl.budgets[0] <= 2
        assert ttt.budgets[0] > 7  # what the cap (and a DSL that returns at once) leaves


def test_poe_strategy_hands_verified_outputs_to_ttt():
    ttt = FixedSolver("ttt", [(B, {"poe": -1.0})])
    ens = ensemble_solver(FixedSolver("dsl", [(A, FIT)]), ttt, strategy="poe", route="always")
    ens.solve(Task.from_json("t", make_task()), Budget(5))
    assert [[g.tolist() for g in per] for per in ttt.extra] == [[A]]


def test_dsl_answer_is_handed_over_before_ttt_runs():
    """The DSL's candidates are reported as provisional (Budget.partial) before TTT starts, so
    a TTT that overruns the task's limit does not lose them; none when TTT is skipped."""
    got = []
    task = Task.from_json("t", make_task())
    ens = ensemble_solver(FixedSolver("dsl", [(A, NEAR)]), FixedSolver("ttt", [(B, {})]))
    ens.solve(task, Budget(5, on_partial=got.append))
    assert len(got) == 1 and grids(got[0].candidates[0]) == [A]
    assert got[0].detail["ttt"].startswith("cut off")
    sure = {**FIT, "n_fitting": 2}  # two programs agree: confident
    confident = ensemble_solver(FixedSolver("dsl", [(A, sure)]), FixedSolver("ttt", [(B, {})]))
    confident.solve(task, Budget(5, on_partial=got.append))
    assert len(got) == 1  # adaptive routing skipped TTT: the answer is final at once


def test_bad_strategy_named():
    with pytest.raises(ValueError, match="strategy 'vote'"):
        ensemble_solver(None, None, strategy="vote")


def test_ablation_shows_each_solver_combined_and_oracle():
    task = Task.from_json("t", make_task(n_test=2))
    truth = [g.tolist() for g in task.test_outputs]
    # test 1: DSL right; test 2: TTT right in its own top two, but lost in the combined attempts
    out = {
        "status": "ok",
        "candidates": [
            [{"grid": truth[0], "source": "dsl", "detail": {}, "score": 1},
             {"grid": A, "source": "ttt", "detail": {}, "score": 1}],
            [{"grid": A, "source": "dsl", "detail": {}, "score": 1},
             {"grid": B, "source": "ttt", "detail": {}, "score": 1},
             {"grid": truth[1], "source": "ttt", "detail": {}, "score": 1}],
        ],
    }  # fmt: skip
    rec = make_record(task, out, 1.0, "ensemble")
    table = ablation([rec])
    assert table == {"dsl alone": 0.5, "ttt alone": 0.5, "combined": 0.5, "oracle": 1.0}


def test_ensemble_keeps_ttt_notes_and_the_run_sums_its_training():
    from ensemble.run.summary import ttt_training

    task = Task.from_json("t", make_task())
    train = {"steps": 10, "tokens": 3000, "seconds": 2.0}
    ttt = FixedSolver("ttt", [(B, {})], detail={"train": train})
    ens = ensemble_solver(FixedSolver("dsl", [(A, NEAR)]), ttt, route="always")
    out = ens.solve(task, Budget(5))
    plain = {"train": {"steps": 30, "tokens": 9000, "seconds": 4.0}}
    recs = [{"solver_detail": out.detail}, {"solver_detail": plain}, {"solver_detail": None}]
    assert ttt_training(recs) == {
        "tasks": 2, "steps_median": 20.0, "seconds_median": 3.0, "tokens_per_s": 2000.0
    }  # fmt: skip
