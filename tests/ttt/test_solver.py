"""TTTSolver end to end on a tiny model; config composition; the too-long path."""

from __future__ import annotations

import numpy as np
import pytest

from dsl.types import Budget, Candidate, Pair, Task
from ensemble.cli import CONF_DIR
from tests.ttt.conftest import PLAN
from ttt.model import load_model
from ttt.solver import TTTSolver

SMALL = {
    **PLAN,
    "steps": 2,
    "data": {"max_examples": 4},
    "infer": {"views": 2, "max_answer_tokens": 40},
}


def _solver(model_dir, **ttt):
    return TTTSolver({"path": str(model_dir), "device": "cpu"}, {**SMALL, **ttt})


@pytest.mark.parametrize("model", ["tiny_model_dir", "tiny_grid_model_dir"])
def test_solve_shapes_and_budget(model, flip_task, request):
    s = _solver(request.getfixturevalue(model))
    s.warmup()
    budget = Budget(30)
    out = s.solve(flip_task, budget)
    assert len(out.candidates) == 1 and all(isinstance(c, Candidate) for c in out.candidates[0])
    assert budget.elapsed() < 30
    d = out.detail
    assert d["train"]["steps"] == 2 and d["infer"][0]["views_run"] == 2
    # the shape hint ("same" size rule) holds every answer to the test input's shape
    assert d["infer"][0]["shape_hint"] == list(flip_task.test_inputs[0].shape)
    (ranked,) = out.candidates
    assert ranked and all(c.grid.shape == flip_task.test_inputs[0].shape for c in ranked)


def test_no_ttt_and_extra_grids_ranked_by_poe(tiny_model_dir, flip_task):
    s = _solver(tiny_model_dir, steps=0, poe_views=2)
    truth = flip_task.test_outputs[0]
    out = s.solve(flip_task, Budget(30), extra=[[truth]])
    assert "train" not in out.detail
    extra = [c for c in out.candidates[0] if c.detail.get("extra")]
    assert len(extra) <= 1 and all(np.isfinite(c.detail["poe"]) for c in extra)
    scores = [c.detail["poe"] for c in out.candidates[0] if c.detail.get("poe") is not None]
    assert scores == sorted(scores, reverse=True)


def test_too_long_gives_no_candidates(tiny_model_dir):
    big = np.zeros((30, 30), dtype=np.int8)
    task = Task("big", [Pair(big, big)] * 2, [big, np.zeros((1, 1), dtype=np.int8)])
    s = TTTSolver({"path": str(tiny_model_dir), "device": "cpu", "max_length": 512}, SMALL)
    assert s.declines(task) == "too long for the model's context (512 tokens)"
    out = s.solve(task, Budget(20))
    assert out.candidates == [[], []] and out.detail["status"] == "too_long"


def test_declines_only_what_no_prompt_fits(tiny_model_dir, flip_task):
    assert _solver(tiny_model_dir).declines(flip_task) is None


def test_declines_what_is_longer_than_max_task_tokens(flip_task):
    s = TTTSolver({"path": "/no/model"}, {**PLAN, "max_task_tokens": 10})  # never loaded
    assert s.declines(flip_task).startswith("longer than ttt.max_task_tokens (")


def test_inference_estimate_decodes_the_hinted_shape(tiny_model_dir):
    # every demo maps a 9x9 grid to a 1x1 one: the shape hint holds the answer to 3 tokens
    # (1 cell, 1 newline, the end), not room for a 9x9 grid
    big, one = np.ones((9, 9), dtype=np.int8), np.ones((1, 1), dtype=np.int8)
    task = Task("count", [Pair(big, one), Pair(big * 2, one * 2)], [big * 3])
    s = _solver(tiny_model_dir, infer={"max_answer_tokens": 200})
    assert s._answer_tokens(task, 0) == 3
    s.infer_cfg.shape_hint = False
    assert s._answer_tokens(task, 0) == 9 * 10 + 2


def test_unknown_keys_rejected():
    with pytest.raises(ValueError):
        TTTSolver({}, {"stepz": 3})
    with pytest.raises(ValueError, match="no ttt.inference_margin in the ttt config"):
        TTTSolver({}, {"train_fraction": 0.5, "safety_seconds": 1.0})
    with pytest.raises(ValueError):
        TTTSolver({"paht": "x"}, {})


@pytest.mark.parametrize("ttt", ["cpu", "paper", "discover"])
def test_configs_compose_and_instantiate(ttt):
    from hydra import compose, initialize_config_dir
    from hydra.utils import instantiate

    with initialize_config_dir(config_dir=CONF_DIR, version_base=None):
        cfg = compose(
            config_name="config",
            overrides=["solver=ttt", f"ttt={ttt}"],
        )
    solver = instantiate(cfg.solver)
    assert isinstance(solver, TTTSolver) and solver.name == "ttt"
    assert solver.model_cfg.path == "assets/default_model"
    if ttt == "paper":
        assert solver.train_cfg.lora.r == 128 and solver.data_cfg.max_examples == 250
    assert solver.discover_cfg.share == (0.5 if ttt == "discover" else 0.0)


def test_discover_phase_runs_after_supervised_training(tiny_grid_model_dir, flip_task):
    s = _solver(tiny_grid_model_dir, steps=None, epochs=1, discover={"share": 0.5, "group": 4})
    out = s.solve(flip_task, Budget(20))
    d = out.detail
    assert out.candidates[0] and d["train"]["steps"] >= 1
    rl = d["discover"]
    assert rl["groups"] >= 1 and rl["steps"] + rl["flat_groups"] <= rl["groups"]
    assert rl["seconds"] <= 0.5 * 0.8 * 20 + 1  # its share of the training time


def test_short_budget_runs_fewer_views_not_cut_off_ones(tiny_model_dir, flip_task):
    s = _solver(tiny_model_dir, steps=0, infer={"views": 8, "max_answer_tokens": 40})
    s.warmup()
    s._rates = (2000.0, 0.1, 0.5)  # a slow machine: decode steps of 0.1 s (1 view), 0.5 s (8)
    out = s.solve(flip_task, Budget(5))  # 11 answer tokens: 8 batched views would take ~6 s
    assert 1 <= out.detail["infer"][0]["views_run"] < 8
    s._rates = (2000.0, 1e-4, 1e-4)
    out = s.solve(flip_task, Budget(5))
    assert out.detail["infer"][0]["views_run"] == 8


def test_training_leaves_time_for_the_poe_reranks(tiny_model_dir, flip_task):
    s = _solver(tiny_model_dir)
    s.warmup()
    s._rates = (1000.0, 0.01, 0.02)
    _, tok, ctx = load_model(s.model_cfg)
    prompts = s._prompts(flip_task, tok, ctx)
    assert s._poe_seconds(None, tok, flip_task, prompts) == 0.0  # no rerank planned
    two = s._poe_seconds(None, tok, flip_task, prompts, extra=[[flip_task.test_inputs[0]] * 2])
    s.poe_views = 2
    assert 0.0 < s._poe_seconds(None, tok, flip_task, prompts) < two


def test_task_processes_create_no_multiprocessing_lock(tiny_model_dir, flip_task, monkeypatch):
    # a lock made inside a forked task process leaks (its process exits without releasing it)
    import multiprocessing.synchronize as ms

    from tqdm import std

    monkeypatch.delattr(std.tqdm, "_lock", raising=False)
    monkeypatch.delattr(std.TqdmDefaultWriteLock, "mp_lock", raising=False)
    s = _solver(tiny_model_dir)
    s.warmup()  # the worker, before it forks tasks
    made, init = [], ms.SemLock.__init__
    monkeypatch.setattr(
        ms.SemLock, "__init__", lambda self, *a, **k: made.append(1) or init(self, *a, **k)
    )
    out = s.solve(flip_task, Budget(10))
    assert out.detail["train"]["steps"] > 0 and made == []
