"""Fixtures: a tiny randomly initialised Llama with the default tokenizer, and small tasks."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dsl.types import Pair, Task
from ttt.model import build_default_tokenizer, default_llama_config

# A TTT time plan for the tests (TTTSolver takes it from the config only; a run's is
# conf/ttt/cpu.yaml's): train on 60% of the time left, return 2 s early, 1.5x inference room.
PLAN = {"train_fraction": 0.6, "safety_seconds": 2.0, "inference_margin": 1.5}


def _grid(rows: list[list[int]]) -> np.ndarray:
    return np.array(rows, dtype=np.int8)


@pytest.fixture(scope="session")
def tok():
    return build_default_tokenizer()


def _tiny_llama_dir(tmp_path_factory, tok, name: str, seed: int, **extra):
    """A 2-layer, hidden-32 Llama saved as a local HF directory (weights random, seed fixed)."""
    from transformers import LlamaForCausalLM

    torch.manual_seed(seed)
    cfg = default_llama_config(
        len(tok),
        tok,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        intermediate_size=64,
        max_position_embeddings=1024,
        **extra,
    )
    path = tmp_path_factory.mktemp(name)
    LlamaForCausalLM(cfg).save_pretrained(str(path))
    tok.save_pretrained(str(path))
    return path


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory, tok):
    return _tiny_llama_dir(tmp_path_factory, tok, "tiny_model", 0)


@pytest.fixture(scope="session")
def tiny_grid_model_dir(tmp_path_factory, tok):
    """The same tiny Llama with grid position ids (ttt.positions)."""
    return _tiny_llama_dir(tmp_path_factory, tok, "tiny_grid_model", 1, positions="grid")


@pytest.fixture(scope="session")
def tiny_dihedral_model_dir(tmp_path_factory, tok):
    """A tiny Llama with dihedral position ids (one 64-wide head: the scheme's minimum is 56)."""
    return _tiny_llama_dir(
        tmp_path_factory, tok, "tiny_dihedral_model", 2, positions="dihedral", head_dim=64
    )


@pytest.fixture
def tiny_dihedral_model(tiny_dihedral_model_dir):
    from ttt.model import load_model

    torch.set_num_threads(1)
    return load_model({"path": str(tiny_dihedral_model_dir), "device": "cpu", "dtype": "float32"})


@pytest.fixture
def tiny_grid_model(tiny_grid_model_dir):
    from ttt.model import load_model

    torch.set_num_threads(1)
    return load_model({"path": str(tiny_grid_model_dir), "device": "cpu", "dtype": "float32"})


@pytest.fixture
def tiny_model(tiny_model_dir):
    from ttt.model import load_model

    torch.set_num_threads(1)
    # float32 so exactness checks (batched vs single decoding) are not at the mercy of bf16
    return load_model({"path": str(tiny_model_dir), "device": "cpu", "dtype": "float32"})


@pytest.fixture
def flip_task() -> Task:
    """Output = input mirrored left-right; three demos, one test."""
    ins = [
        _grid([[1, 0, 0], [0, 2, 0]]),
        _grid([[3, 3], [0, 4], [5, 0]]),
        _grid([[0, 6, 7, 0]]),
        _grid([[8, 0], [0, 9]]),
    ]
    pairs = [Pair(g, np.ascontiguousarray(g[:, ::-1])) for g in ins]
    return Task("flip", pairs[:3], [pairs[3].input], [pairs[3].output])
