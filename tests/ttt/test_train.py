"""LoRA per task: base weights untouched, adapter removed, training learns, time cap holds."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import torch

from ttt.data import DataConfig, build_examples
from ttt.train import TrainConfig, attach_adapter, cosine_factor, detach_adapter, train_adapter


def _checksum(model) -> str:
    h = hashlib.sha256()
    for name, t in sorted(model.state_dict().items()):
        h.update(name.encode())
        h.update(t.detach().float().cpu().numpy().tobytes())
    return h.hexdigest()


def test_base_weights_untouched_and_adapter_gone(tiny_model, flip_task):
    model, tok, _ = tiny_model
    before = _checksum(model)
    names_before = {n for n, _ in model.named_modules()}
    ex, _ = build_examples(flip_task, tok, DataConfig(max_examples=6), np.random.default_rng(0))
    cfg = TrainConfig(steps=4, lr=1e-2)
    peft_model = attach_adapter(model, cfg.lora)
    stats = train_adapter(peft_model, ex, cfg, 60.0, np.random.default_rng(0), tok.pad_token_id)
    assert stats["steps"] == 4
    base = detach_adapter(peft_model)
    assert base is model
    assert _checksum(model) == before
    assert {n for n, _ in model.named_modules()} == names_before
    assert not any(p.requires_grad for p in model.parameters())


def test_training_lowers_loss(tiny_model, flip_task):
    model, tok, _ = tiny_model
    ex, _ = build_examples(flip_task, tok, DataConfig(max_examples=2), np.random.default_rng(0))
    cfg = TrainConfig(steps=30, lr=1e-2, batch_size=2)
    torch.manual_seed(0)
    peft_model = attach_adapter(model, cfg.lora)
    try:
        stats = train_adapter(peft_model, ex, cfg, 60.0, np.random.default_rng(0), tok.pad_token_id)
    finally:
        detach_adapter(peft_model)
    assert stats["loss_last"] < stats["loss_first"]


def test_time_cap_and_zero_steps(tiny_model, flip_task):
    model, tok, _ = tiny_model
    ex, _ = build_examples(flip_task, tok, DataConfig(max_examples=8), np.random.default_rng(0))
    peft_model = attach_adapter(model, TrainConfig().lora)
    try:
        rng = np.random.default_rng(0)
        capped = train_adapter(peft_model, ex, TrainConfig(steps=10_000), 0.5, rng, 0)
        none = train_adapter(peft_model, ex, TrainConfig(steps=0), 10.0, rng, 0)
    finally:
        detach_adapter(peft_model)
    assert 0 < capped["steps"] < 10_000 and capped["seconds"] < 2.0
    assert none["steps"] == 0


def _train(tiny_model, flip_task, cfg: TrainConfig, seconds: float, n_examples: int) -> dict:
    model, tok, _ = tiny_model
    ex, _ = build_examples(flip_task, tok, DataConfig(max_examples=8), np.random.default_rng(0))
    peft_model = attach_adapter(model, cfg.lora)
    try:
        return train_adapter(
            peft_model, ex[:n_examples], cfg, seconds, np.random.default_rng(0), tok.pad_token_id
        )
    finally:
        detach_adapter(peft_model)


def test_stops_when_the_loss_stops_improving(tiny_model, flip_task):
    # lr 0 on one example: every window's loss is the same, so after the first window sets the
    # best, `patience` windows without improvement end training
    cfg = TrainConfig(lr=0.0, patience=2, patience_window=3)
    stats = _train(tiny_model, flip_task, cfg, 60.0, 1)
    assert stats["stopped"] == "patience" and stats["steps"] == 3 * (1 + 2)


def test_time_based_training_runs_until_its_time_share_ends(tiny_model, flip_task):
    stats = _train(tiny_model, flip_task, TrainConfig(lr=1e-3, patience=None), 1.0, 8)
    assert stats["stopped"] == "time" and stats["steps"] > 8  # past one epoch
    assert stats["seconds"] < 1.5


def test_the_epoch_cap_is_still_reachable(tiny_model, flip_task):
    stats = _train(tiny_model, flip_task, TrainConfig(epochs=2, batch_size=2), 60.0, 6)
    assert stats["stopped"] == "steps" and stats["steps"] == 2 * 3


def test_cosine_factor():
    assert cosine_factor(0, 10, 2, 0.0) == 0.5
    assert cosine_factor(2, 10, 2, 0.0) == 1.0
    assert abs(cosine_factor(10, 10, 2, 0.1) - 0.1) < 1e-9


@pytest.mark.parametrize(
    "ttt_cfg, where",
    [({"lora": {"rank": 8}}, "ttt.lora"), ({"data": {"max_exmaples": 3}}, "ttt.data")],
)
def test_config_typos_are_named(ttt_cfg, where):
    from ttt.solver import TTTSolver

    with pytest.raises(ValueError, match=f"unknown {where} keys"):
        TTTSolver({}, ttt_cfg)


def test_auto_dtype_is_bf16_only_where_it_is_fast():
    import torch

    from ttt.model import cpu_bf16_is_fast, pick_dtype

    cpu = torch.device("cpu")
    expected = torch.bfloat16 if cpu_bf16_is_fast() else torch.float32
    assert pick_dtype("auto", cpu) == expected
    assert pick_dtype("float32", cpu) == torch.float32
