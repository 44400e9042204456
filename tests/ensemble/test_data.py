import json

import pytest
from omegaconf import OmegaConf

from ensemble.checks import UsageError
from ensemble.data import load_tasks
from tests.conftest import make_task


def test_bundled_sets_have_expected_sizes():
    ev = load_tasks({"name": "arc1_eval"})
    assert len(ev.tasks) == 400 and not ev.problems
    assert sum(len(t.test_inputs) for t in ev.tasks) == 419
    assert all(t.test_outputs is not None for t in ev.tasks)
    assert len(load_tasks({"name": "arc1_train"}).tasks) == 400
    assert len(load_tasks({"name": "arc2_eval"}).tasks) == 120


def test_unknown_bundled_set():
    with pytest.raises(ValueError, match="unknown bundled set"):
        load_tasks({"name": "arc9"})


def test_mixed_directory_reports_each_bad_task_and_keeps_good(mixed_dir):
    res = load_tasks({"name": "path", "path": str(mixed_dir)})
    assert sorted(t.id for t in res.tasks) == ["good_a", "good_b"]
    reasons = dict(res.problems)
    assert set(reasons) == {
        "bad_json", "ragged", "colour11", "too_big", "no_test", "no_train", "float_cell"
    }  # fmt: skip
    assert "bad JSON" in reasons["bad_json"]
    assert "ragged" in reasons["ragged"]
    assert "colour 11" in reasons["colour11"]
    assert "31x31" in reasons["too_big"]
    assert "no test input" in reasons["no_test"]
    assert "no demonstration" in reasons["no_train"]


def test_single_task_file(tmp_path):
    f = tmp_path / "abc.json"
    f.write_text(json.dumps(make_task()))
    res = load_tasks({"name": "path", "path": str(f)})
    assert [t.id for t in res.tasks] == ["abc"] and res.tasks[0].test_outputs is not None


def test_kaggle_challenges_with_solutions_beside_and_explicit(tmp_path):
    chal = {"a": make_task(with_output=False), "b": make_task(n_test=2, with_output=False)}
    sols = {"a": [[[1]]], "b": [[[2]], [[3]]]}
    (tmp_path / "x_challenges.json").write_text(json.dumps(chal))
    res = load_tasks({"name": "path", "path": str(tmp_path / "x_challenges.json")})
    assert all(t.test_outputs is None for t in res.tasks)  # no solutions file yet
    (tmp_path / "x_solutions.json").write_text(json.dumps(sols))
    res = load_tasks({"name": "path", "path": str(tmp_path / "x_challenges.json")})
    assert res.tasks[1].test_outputs[1].tolist() == [[3]]
    other = tmp_path / "elsewhere.json"
    other.write_text(json.dumps(sols))
    res = load_tasks({"path": str(tmp_path / "x_challenges.json"), "solutions": str(other)})
    assert res.tasks[0].test_outputs[0].tolist() == [[1]]


def test_subsets_ids_sample_shard_limit():
    base = {"name": "arc1_train"}
    ids = ["007bbfb7", "00d62c1b", "017c7c7b"]
    assert [t.id for t in load_tasks({**base, "ids": ids}).tasks] == ids
    s1 = [t.id for t in load_tasks({**base, "sample": 10, "seed": 3}).tasks]
    s2 = [t.id for t in load_tasks({**base, "sample": 10, "seed": 3}).tasks]
    s3 = [t.id for t in load_tasks({**base, "sample": 10, "seed": 4}).tasks]
    assert s1 == s2 and s1 != s3 and len(s1) == 10
    shards = [{t.id for t in load_tasks({**base, "shard": f"{i}/3"}).tasks} for i in range(3)]
    assert sum(map(len, shards)) == 400 and not (shards[0] & shards[1])
    assert len(load_tasks({**base, "limit": 7}).tasks) == 7
    with pytest.raises(UsageError, match="data.ids: no task nope"):
        load_tasks({**base, "ids": ["nope"]})
    with pytest.raises(ValueError, match="shard"):
        load_tasks({**base, "shard": "3/3"})


def test_missing_path():
    with pytest.raises(UsageError, match="no such file or directory"):
        load_tasks({"name": "path", "path": "/nonexistent/tasks"})


CONF_FILES = ("model/default.yaml", "ttt/cpu.yaml")


def test_skip_declined_leaves_out_what_the_solver_declines_and_reports_invalid_ones(mixed_dir):
    from ensemble.cli import CONF_DIR
    from ttt.format import serialized_length
    from ttt.solver import TTTSolver

    conf = {g: OmegaConf.to_container(OmegaConf.load(f"{CONF_DIR}/{g}")) for g in CONF_FILES}
    ttt = TTTSolver(conf["model/default.yaml"], {**conf["ttt/cpu.yaml"], "max_task_tokens": 2048})
    res = load_tasks({"name": "arc1_eval", "skip_declined": True}, ttt.declines)
    assert len(res.tasks) == 269 and len(res.declined) == 131  # of 400; the TTT figure's set
    assert max(serialized_length(t) for t in res.tasks) <= 2048
    assert load_tasks({"name": "arc1_eval"}, ttt.declines).declined == []  # only when asked
    every = {"name": "path", "path": str(mixed_dir), "skip_declined": True}
    res = load_tasks(every, lambda task: "declines all")
    assert res.tasks == [] and len(res.problems) == 7  # good ones declined, bad ones reported
