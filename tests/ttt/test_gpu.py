"""CUDA checks (marked gpu: deselected by default; ttt/gpu_check.sh runs them)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dsl.types import Budget

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]


def test_packed_pretraining_runs_on_cuda(tmp_path):
    from tests.ttt.test_pretrain import _cfg
    from ttt.pretrain import main

    cfg = _cfg(tmp_path, 2, pack=True)
    cfg["model"]["device"] = "cuda"
    cfg["train"]["autocast_bf16"] = True
    state = main(cfg)
    assert state["step"] == 2 and (tmp_path / "run_weights" / "model.safetensors").exists()


def test_ttt_solves_on_cuda(tiny_grid_model_dir, flip_task):
    from tests.ttt.conftest import PLAN
    from ttt.solver import TTTSolver

    solver = TTTSolver(
        model={"path": str(tiny_grid_model_dir), "device": "cuda"},
        ttt={**PLAN, "steps": 4, "infer": {"views": 2}},
    )
    result = solver.solve(flip_task, Budget(60.0))
    assert len(result.candidates) == 1 and result.detail["train"]["steps"] == 4
    assert all(isinstance(c.grid, np.ndarray) for c in result.candidates[0])
