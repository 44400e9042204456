"""Pre-training: leakage guard, data mix, sequences, checkpoint/resume, export, a smoke run."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from dsl.datasets import raw_set
from dsl.types import Pair, Task
from ttt.format import IGNORE_INDEX, TextFormat
from ttt.generators import make_task
from ttt.pretrain import lr_factor, main, make_sequence
from ttt.pretrain_data import (
    SOURCES,
    EvalGuard,
    MixConfig,
    TaskMix,
    build_mix,
    load_real_tasks,
    task_pairs,
)

TINY_ARCH = {
    "hidden_size": 32,
    "num_hidden_layers": 1,
    "num_attention_heads": 2,
    "num_key_value_heads": 2,
    "intermediate_size": 64,
    "max_position_embeddings": 1024,
    "rope_theta": 10000.0,
    "positions": "grid",
}


@pytest.mark.parametrize("name", ["arc1_eval", "arc2_train", "arc2_eval", "kaggle_eval", "x"])
def test_refuses_validation_sets(name):
    with pytest.raises(ValueError):
        load_real_tasks([name])


def test_real_tasks_pass_the_guard():
    tasks, refused = load_real_tasks(["arc1_train", "arc2_train_unseen"])
    # ARC-AGI-1 training holds one evaluation task under another id (40853293 = 070dd51e)
    assert len(refused) == 1 and "40853293" in refused[0]
    assert len(tasks) == 399 + len(raw_set("arc2_train_unseen"))
    eval_ids = set(raw_set("arc1_eval"))
    assert not eval_ids & {t.id for t in tasks}
    assert all(len(task_pairs(t)) >= 2 for t in tasks)


def _an_eval_task() -> Task:
    tid, raw = sorted(raw_set("arc1_eval").items())[0]
    return Task.from_json(tid, raw)


def test_guard_refuses_eval_by_id_content_and_pairs():
    guard = EvalGuard.load()
    t = _an_eval_task()
    assert "id" in guard.why(t)
    renamed = Task("x", t.train, t.test_inputs, t.test_outputs)
    assert "content" in guard.why(renamed)
    pairs = task_pairs(t)[::-1]  # the test pair as a demo, the demos in another order
    shuffled = Task("y", pairs[:-1], [pairs[-1].input], [pairs[-1].output])
    assert "pairs" in guard.why(shuffled)
    assert guard.why(make_task("flip_lr", np.random.default_rng(0))) is None
    # a generated task on an evaluation input (dsl.synth runs programs on real inputs)
    on_eval_input = Task("z", [Pair(t.train[0].input, t.train[0].input)], [t.test_inputs[0]])
    assert guard.why(on_eval_input) is None
    assert "input grid" in guard.why(on_eval_input, inputs=True)


def test_mix_refuses_a_leaked_generated_task():
    t = _an_eval_task()
    mix = TaskMix(
        [task_pairs(make_task("rot90", np.random.default_rng(0)))],
        MixConfig(1, 0, 0),
        EvalGuard.load(),
    )
    mix._make["generators"] = lambda rng: Task("gen-leak", t.train, t.test_inputs, t.test_outputs)
    kind, pairs = mix.sample(np.random.default_rng(0))
    assert kind == "real" and mix.refused == 1


def test_mix_follows_the_configured_weights():
    mix = build_mix(["arc1_train"], {"generators": 0.5, "real": 0.3, "synth": 0.2})
    rng = np.random.default_rng(0)
    kinds = [mix.sample(rng)[0] for _ in range(300)]
    share = {k: kinds.count(k) / len(kinds) for k in SOURCES}
    assert share == pytest.approx({"generators": 0.5, "real": 0.3, "synth": 0.2}, abs=0.08)
    assert not mix.failures
    with pytest.raises(ValueError, match="unknown"):
        MixConfig.from_dict({"generator": 1.0})
    with pytest.raises(ValueError, match="families"):
        TaskMix([], MixConfig(families=["no_such_family"]), EvalGuard.load())


def test_make_sequence_fits(tok):
    tasks = [task_pairs(t) for t in load_real_tasks(["arc1_train"])[0]]
    rng = np.random.default_rng(0)
    n = 0
    for pairs in tasks[:40]:
        seq = make_sequence(pairs, rng, tok, TextFormat(), 512, 0.5, 5)
        if seq is None:
            continue
        ids, labels, in_labels = seq
        n += 1
        assert len(ids) == len(labels) == len(in_labels) <= 512
        assert any(x != IGNORE_INDEX for x in labels) and any(x != IGNORE_INDEX for x in in_labels)
        assert not any(a != IGNORE_INDEX and b != IGNORE_INDEX for a, b in zip(labels, in_labels))
    assert n > 10


def test_lr_factor_time_horizon():
    tc = {"warmup_steps": 10, "max_steps": 1000, "max_minutes": 1.0, "min_lr_ratio": 0.1}
    assert lr_factor(0, 0.0, tc) == pytest.approx(0.1)
    assert lr_factor(10, 0.0, tc) == pytest.approx(1.0)
    assert lr_factor(20, 60.0, tc) == pytest.approx(0.1)  # time horizon reached first


def _cfg(tmp_path, steps):
    return {
        "model": {"path": str(tmp_path / "export"), "device": "cpu"},
        "seq_len": 512,
        "data": {
            "sets": ["arc1_train"],
            "mix": {"generators": 0.5, "real": 0.5, "synth": 0.0},
            "keep_zero_prob": 0.5,
            "max_demos": 3,
        },
        "arch": TINY_ARCH,
        "train": {
            "lr": 1e-3,
            "min_lr_ratio": 0.1,
            "warmup_steps": 1,
            "weight_decay": 0.1,
            "betas": [0.9, 0.95],
            "grad_clip": 1.0,
            "tokens_per_step": 600,
            "max_steps": steps,
            "max_minutes": 10,
            "autocast_bf16": False,
            "input_loss_weight": 0.5,
            "threads": 1,
            "seed": 0,
        },
        "out": {
            "run_dir": str(tmp_path / "run"),
            "export_dir": None,
            "checkpoint_minutes": 10,
            "log_every": 1,
            "resume": True,
        },
    }


def test_smoke_run_resume_and_export(tmp_path):
    state = main(_cfg(tmp_path, 2))
    assert state["step"] == 2
    lines = (tmp_path / "run" / "loss.jsonl").read_text().splitlines()
    assert len(lines) == 2 and "loss" in json.loads(lines[0])
    assert any(json.loads(x)["loss_generators"] is not None for x in lines)
    # resume continues from the checkpoint (same optimizer state, step and RNG)
    state = main(_cfg(tmp_path, 3))
    assert state["step"] == 3
    from ttt.model import load_model

    model, tok, ctx = load_model({"path": str(tmp_path / "export"), "device": "cpu"})
    assert ctx == 1024 and tok.convert_ids_to_tokens(4) == "0"
    assert model.config.arc_positions == "grid"  # the exported model keeps its position scheme
    info = json.loads((tmp_path / "export" / "pretrain_info.json").read_text())
    assert info["step"] == 3 and info["sets"] == ["arc1_train"]
    assert isinstance(model.model.embed_tokens.weight, torch.Tensor)


def test_init_from_starts_a_new_phase_from_exported_weights(tmp_path):
    main(_cfg(tmp_path, 1))
    cfg = _cfg(tmp_path, 1)
    cfg["out"].update(
        run_dir=str(tmp_path / "phase2"),
        export_dir=str(tmp_path / "export2"),
        init_from=str(tmp_path / "export"),
    )
    from safetensors.torch import load_file, save_file

    # mark phase 1's weights (a fresh init has norm weights of 1) to see that they are loaded
    src = tmp_path / "export" / "model.safetensors"
    weights = load_file(str(src))
    weights["model.norm.weight"] = torch.full_like(weights["model.norm.weight"], 3.0)
    save_file(weights, str(src), metadata={"format": "pt"})
    state = main(cfg)
    # fresh schedule (step counts from 0) but the weights came from phase 1, lineage recorded
    assert state["step"] == 1 and state["init_from"] == str(tmp_path / "export")
    assert state["prior_tokens"] > 0
    after = load_file(str(tmp_path / "export2" / "model.safetensors"))
    assert torch.allclose(after["model.norm.weight"], torch.tensor(3.0), atol=0.1)
    cfg["out"]["init_from"] = str(tmp_path / "missing")
    cfg["out"]["run_dir"] = str(tmp_path / "phase3")
    with pytest.raises(FileNotFoundError, match="init_from"):
        main(cfg)
