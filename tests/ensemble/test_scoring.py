import pytest

from ensemble.scoring import aggregate, grids_equal, score_attempts, score_submission


def test_grids_equal_needs_same_shape():
    assert grids_equal([[1, 2]], [[1, 2]])
    assert not grids_equal([[1, 2]], [[1], [2]])
    assert not grids_equal([[0]], [[0, 0]])


def test_either_attempt_counts():
    truths = [[[1]], [[2]]]
    assert score_attempts([[[[0]], [[1]]], [[[2]], [[9]]]], truths) == [True, True]
    assert score_attempts([[[[0]], [[0]]], [[[2]]]], truths) == [False, True]
    with pytest.raises(ValueError):
        score_attempts([[[[1]]]], truths)


def test_aggregate_partial_credit_per_task_and_per_output():
    # task A: 1 of 2 outputs; task B: 1 of 1; task C: 0 of 1
    r = aggregate([[True, False], [True], [False]])
    assert r["score"] == pytest.approx((0.5 + 1 + 0) / 3)
    assert r["score_per_output"] == pytest.approx(2 / 4)
    assert r["n_tasks_fully_solved"] == 1 and r["n_outputs"] == 4


def test_score_submission_multi_test_missing_and_wrong_shape():
    solutions = {"a": [[[1]], [[2]]], "b": [[[3, 3]]], "c": [[[4]]]}
    sub = {
        "a": [{"attempt_1": [[1]], "attempt_2": [[0]]}],  # second test input missing
        "b": [{"attempt_1": [[3], [3]], "attempt_2": [[3]]}],  # wrong shapes
    }
    r = score_submission(sub, solutions)
    assert r["score"] == pytest.approx((0.5 + 0 + 0) / 3)
    assert r["missing_tasks"] == ["c"]
    sub["b"][0]["attempt_2"] = [[3, 3]]
    assert score_submission(sub, solutions)["n_solved_outputs"] == 2


def test_cell_accuracy_is_the_best_attempt_and_zero_for_a_wrong_shape():
    from ensemble.scoring import cell_accuracy

    truth = [[1, 2], [3, 4]]
    assert cell_accuracy([[[1, 2], [3, 0]], [[1, 2], [0, 0]]], truth) == 0.75
    assert cell_accuracy([[[1, 2, 3]]], truth) == 0.0
    assert cell_accuracy([], truth) == 0.0
