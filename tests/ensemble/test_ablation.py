"""Replaying strategies and routing from one run's saved candidates (ensemble.ablation)."""

from dsl.types import Budget, Task
from ensemble.ablation import ablation, by_source, reselect, routing
from ensemble.combine import merge_ranked
from ensemble.run.records import make_record
from ensemble.solver import EnsembleSolver
from tests.conftest import make_task
from tests.ensemble.solvers import FixedSolver, ensemble_solver

A, B, C = [[1]], [[2]], [[3]]
FIT = {"fits_all_demos": True, "n_fitting": 1, "cost": 9.0}


def _run(ens: EnsembleSolver, task: Task) -> dict:
    out = ens.solve(task, Budget(5))
    cands = [[c.to_json() for c in ranked] for ranked in out.candidates]
    return make_record(
        task,
        {"status": "ok", "candidates": cands, "solver_detail": out.detail},
        1.0,
        "ensemble",
    )


def test_one_poe_run_replays_priority_and_each_solver_in_its_own_order():
    task = Task.from_json("t", make_task())
    truth = task.test_outputs[0].tolist()
    # TTT's list as a PoE run returns it (sorted by PoE), its vote order kept in vote_rank;
    # A is the DSL's verified output that TTT only scored (extra)
    ttt = FixedSolver(
        "ttt",
        [
            (B, {"poe": -0.1, "own_rank": 2}),
            (C, {"poe": -0.2, "own_rank": 1}),
            (truth, {"poe": -2.0, "own_rank": 0}),
            (A, {"poe": -5.0, "extra": True}),
        ],
    )
    ens = ensemble_solver(FixedSolver("dsl", [(A, FIT)]), ttt, strategy="poe", route="always")
    rec = _run(ens, task)
    assert rec["correct"] == [False]  # PoE picked B and C
    table = ablation([rec])
    # priority replayed: verified A, then TTT's top vote (the truth); TTT alone by its votes
    assert table == {
        "dsl alone": 0.0,
        "ttt alone": 1.0,
        "combined": 0.0,
        "oracle": 1.0,
        "priority": 1.0,
        "dsl_first": 1.0,  # verified A, then (no near-miss) TTT's top vote
        "split": 1.0,
        "poe": 0.0,  # replaying the run's own strategy reproduces its attempts
    }
    order = reselect(rec["candidates"][0], "priority", ("dsl", "ttt"))
    assert [c["grid"] for c in order] == [A, truth, C, B]


def test_poe_is_replayed_only_from_a_poe_run():
    task = Task.from_json("t", make_task())
    ttt = FixedSolver("ttt", [(B, {"poe": -1.0})])  # TTT scored its own votes (poe_views > 0)
    ens = ensemble_solver(FixedSolver("dsl", [(A, FIT)]), ttt, strategy="priority")
    table = ablation([_run(ens, task)])
    assert "priority" in table and "poe" not in table  # the DSL's outputs were never scored


def test_replay_gives_the_verified_grid_its_bonus_when_ttt_also_voted_for_it():
    task = Task.from_json("t", make_task())
    ttt = FixedSolver("ttt", [(B, {"poe": -1.0, "own_rank": 0}), (A, {"poe": -2.5})])
    ens = ensemble_solver(FixedSolver("dsl", [(A, FIT)]), ttt, strategy="poe", route="always")
    rec = _run(ens, task)
    assert rec["attempts"][0][0] == A  # -2.5 + 2 beats -1.0
    assert rec["candidates"][0][0]["detail"]["ranks"] == {"dsl": 0, "ttt": 1}
    order = reselect(rec["candidates"][0], "poe", ("dsl", "ttt"))
    assert [c["grid"] for c in order] == [A, B]


def test_merge_ranked_keeps_both_solvers_ranks():
    task = Task.from_json("t", make_task())
    d = FixedSolver("dsl", [(A, {"ranks": {"dsl": 0}})]).solve(task, Budget(1)).candidates[0]
    t = FixedSolver("ttt", [(A, {"ranks": {"ttt": 3}})]).solve(task, Budget(1)).candidates[0]
    assert merge_ranked(d, t)[0].detail["ranks"] == {"dsl": 0, "ttt": 3}


def test_routing_counterfactual_from_an_always_run():
    task = Task.from_json("t", make_task())
    truth = task.test_outputs[0].tolist()
    ttt = FixedSolver("ttt", [(truth, {})])
    confident = ensemble_solver(
        FixedSolver("dsl", [(A, {**FIT, "n_fitting": 2})]), ttt, route="always"
    )
    unsure = ensemble_solver(FixedSolver("dsl", [(A, FIT)]), ttt, route="always")
    recs = [_run(confident, task), _run(unsure, task)]
    r = routing(recs)
    assert r["tasks"] == 2 and r["confident_tasks"] == 1 and r["ttt_skipped"] == 0
    # with TTT the confident task was right (A first, TTT's truth second); alone, A was wrong
    assert r["confident_score_with_ttt"] == 1.0 and r["confident_score_program_only"] == 0.0
    assert r["score_lost_if_adaptive"] == 0.5 and r["ttt_s_saved_if_adaptive"] >= 0.0
    adaptive = ensemble_solver(
        FixedSolver("dsl", [(A, {**FIT, "n_fitting": 2})]), ttt, route="adaptive"
    )
    r = routing([_run(adaptive, task)])
    assert r["ttt_skipped"] == 1 and "score_lost_if_adaptive" not in r
    assert routing([{"solver_detail": None, "candidates": [], "correct": [True]}]) is None


def test_summary_text_shows_ablation_and_routing():
    from ensemble.cli import format_summary

    text = format_summary(
        {
            "solver": "ensemble",
            "n_tasks_run": 2,
            "status_counts": {"ok": 2},
            "time_s": {"median": 1, "p90": 1, "max": 1},
            "ablation": {"dsl alone": 0.5, "ttt alone": 0.0, "combined": 0.5, "oracle": 1.0},
            "routing": {"confident_tasks": 1, "score_lost_if_adaptive": 0.25},
        }
    )
    assert "oracle 1.0000" in text and "score_lost_if_adaptive 0.25" in text


def test_by_source_counts_attempts_and_oracle_per_solver_in_name_order():
    task = Task.from_json("t", make_task())
    truth = task.test_outputs[0].tolist()
    # priority: the DSL's verified A takes attempt 1, TTT's vote for the truth attempt 2; the DSL
    # had the truth too, ranked third (merged into TTT's copy), so it is right in the oracle only
    dsl = FixedSolver("dsl", [(A, FIT), (B, {}), (truth, {})])
    ttt = FixedSolver("ttt", [(truth, {})])
    rec = _run(ensemble_solver(dsl, ttt, strategy="priority", route="always"), task)
    assert rec["correct"] == [True]
    counts = by_source([rec])
    assert list(counts) == ["dsl", "ttt"]
    assert counts["dsl"] == {
        "outputs_with_candidates": 1,
        "attempts_correct": 0,
        "oracle_correct": 1,
    }
    assert counts["ttt"] == {
        "outputs_with_candidates": 1,
        "attempts_correct": 1,
        "oracle_correct": 1,
    }
