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
from ttt.pack import Segment, make_sequence, row_batch
from ttt.pretrain import main
from ttt.pretrain_data import (
    RETRIES,
    SOURCES,
    EvalGuard,
    MixConfig,
    TaskMix,
    build_mix,
    heldout_task,
    load_real_tasks,
    pairs_key,
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
    assert kind == "real" and mix.refused == RETRIES  # drawn again, then a real task
    # one refusal is drawn again from the same source: real tasks stay off when set off
    draws = iter([Task("gen-leak", t.train, t.test_inputs, t.test_outputs)])
    mix._make["generators"] = lambda rng: next(draws, None) or make_task("rot90", rng)
    assert mix.sample(np.random.default_rng(0))[0] == "generators"
    assert mix.refused == RETRIES + 1


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


def test_mix_weights_families_by_tag_and_name():
    from ttt.generators import by_tag, sample_task

    geometry = set(by_tag()["geometry"])
    cfg = MixConfig.from_dict({"weights": {"geometry": 0, "colour": 3, "flip_lr": 2}})
    w = cfg.family_weights()
    assert w["flip_lr"] == 2 and w["rot90"] == 0 and w["swap_colours"] == 3 and w["crosshair"] == 1
    rng = np.random.default_rng(0)
    drawn = {sample_task(rng, None, w).id.split("-")[1] for _ in range(60)}
    assert not drawn & (geometry - {"flip_lr"}) and len(drawn) > 10
    # only flip_lr among families weighted this way: every draw is flip_lr
    only = {n: float(n == "flip_lr") for n in w}
    assert {sample_task(rng, None, only).id.split("-")[1] for _ in range(5)} == {"flip_lr"}
    assert MixConfig.from_dict({}).family_weights() is None  # the uniform draw
    with pytest.raises(ValueError, match="not a tag or family"):
        MixConfig.from_dict({"weights": {"geometri": 2}}).family_weights()
    with pytest.raises(ValueError, match="not all 0"):
        MixConfig(families=["rot90"], weights={"geometry": 0}).family_weights()


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


FAMILIES = ["flip_lr", "rot90"]


def test_mix_refuses_held_out_probe_tasks():
    held = heldout_task("rot90", 3)
    assert held.id == heldout_task("rot90", 3).id  # fixed, whatever the run
    mix = build_mix(["arc1_train"], {"generators": 1, "real": 0, "synth": 0, "families": FAMILIES})
    assert pairs_key(task_pairs(held)) in mix.heldout and len(mix.heldout) == 2 * 16
    mix._make["generators"] = lambda rng: held
    before = mix.refused  # the real task refused by the evaluation guard
    kind, _ = mix.sample(np.random.default_rng(0))
    assert kind == "real" and mix.refused == before + RETRIES
    with pytest.raises(ValueError):
        heldout_task("rot90", 16)


def _cfg(tmp_path, stop_steps=None, total_steps=4, pack=False, name="run"):
    return {
        "model": {"path": str(tmp_path / "unused"), "device": "cpu"},
        "seq_len": 512,
        "data": {
            "sets": ["arc1_train"],
            "mix": {"generators": 0.5, "real": 0.5, "synth": 0.0, "families": FAMILIES},
            "keep_zero_prob": 0.5,
            "max_demos": 3,
        },
        "arch": TINY_ARCH,
        "schedule": {"total_tokens": 600 * total_steps, "warmup_steps": 1, "min_lr_ratio": 0.1},
        "train": {
            "lr": 1e-3,
            "weight_decay": 0.1,
            "betas": [0.9, 0.95],
            "grad_clip": 1.0,
            "tokens_per_step": 600,
            "autocast_bf16": False,
            "input_loss_weight": 0.5,
            "pack": pack,
            "rows_per_forward": 2,
            "threads": 1,
            "seed": 0,
        },
        "stop": {"minutes": None, "steps": stop_steps},
        "out": {
            "run_dir": str(tmp_path / name),
            "weights_dir": str(tmp_path / f"{name}_weights"),
            "checkpoint_minutes": 10,
            "log_every": 1,
            "resume": True,
        },
    }


def _weights(path):
    from safetensors.torch import load_file

    return load_file(str(path / "checkpoint" / "model.safetensors"))


@pytest.mark.parametrize("pack", [False, True])
def test_resume_matches_an_uninterrupted_run(tmp_path, pack):
    """2 steps, stop, 2 more = 4 steps in one go: same float32 weights, bit for bit."""
    torch.set_num_threads(1)
    whole = main(_cfg(tmp_path, None, pack=pack, name="whole"))
    assert whole["step"] == 4 and whole["finished"]
    first = main(_cfg(tmp_path, 2, pack=pack, name="split"))
    assert first["step"] == 2 and not first["finished"]
    second = main(_cfg(tmp_path, None, pack=pack, name="split"))
    assert second["step"] == 4 and second["tokens"] == whole["tokens"]
    a, b = _weights(tmp_path / "whole"), _weights(tmp_path / "split")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    lines = (tmp_path / "split" / "loss.jsonl").read_text().splitlines()
    assert [json.loads(x)["step"] for x in lines] == [1, 2, 3, 4]
    assert [json.loads(x)["lr"] for x in lines] == [
        json.loads(x)["lr"] for x in (tmp_path / "whole" / "loss.jsonl").read_text().splitlines()
    ]
    # a finished run does nothing more
    assert main(_cfg(tmp_path, None, pack=pack, name="whole"))["step"] == 4


def test_weights_dir_is_small_bf16_and_loadable(tmp_path):
    from safetensors import safe_open

    from ttt.model import load_model

    main(_cfg(tmp_path, 1))
    wd = tmp_path / "run_weights"
    with safe_open(str(wd / "model.safetensors"), "pt") as f:
        assert {f.get_tensor(k).dtype for k in f.keys()} == {torch.bfloat16}
    info = json.loads((wd / "pretrain_info.json").read_text())
    assert info["step"] == 1 and info["sets"] == ["arc1_train"] and "numpy_rng" in info
    model, tok, ctx = load_model({"path": str(wd), "device": "cpu"})
    assert ctx == 1024 and tok.convert_ids_to_tokens(4) == "0"
    assert model.config.arc_positions == "grid"  # the weights keep their position scheme
    # the default architecture's committable weights stay under 10 MB
    from transformers import LlamaForCausalLM

    from ttt.model import build_default_tokenizer, default_llama_config

    conf = _default_pretrain_conf()
    tok = build_default_tokenizer()
    big = LlamaForCausalLM(default_llama_config(len(tok), tok, **conf["arch"]))
    n = sum(p.numel() for p in big.parameters())  # tied embeddings counted once
    assert 2 * n < 10e6


def _default_pretrain_conf() -> dict:
    from pathlib import Path

    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf

    import conf

    with initialize_config_dir(str(Path(conf.__file__).parent), version_base="1.3"):
        return OmegaConf.to_container(compose("pretrain"), resolve=True)


def test_resume_from_weights_alone(tmp_path):
    import shutil

    main(_cfg(tmp_path, 2))
    shutil.rmtree(tmp_path / "run" / "checkpoint")  # the git-ignored part is gone
    state = main(_cfg(tmp_path, None))
    assert state["step"] == 4 and state["finished"]
    lines = [json.loads(x) for x in (tmp_path / "run" / "loss.jsonl").read_text().splitlines()]
    assert [x["step"] for x in lines] == [1, 2, 3, 4]
    assert lines[2]["lr"] < lines[1]["lr"]  # re-warmed, not restarted at full rate
    # a later phase with another mix: the run records each phase's mix from its first step
    cfg = _cfg(tmp_path, None, total_steps=5)
    cfg["data"]["mix"] = {**cfg["data"]["mix"], "weights": {"rot90": 3}}
    main(cfg)
    info = json.loads((tmp_path / "run_weights" / "pretrain_info.json").read_text())
    assert [(m["step"], m["mix"].get("weights")) for m in info["mixes"]] == [
        (0, None),
        (4, {"rot90": 3}),
    ]


@pytest.mark.parametrize("pack", [False, True])
def test_a_dihedral_run_trains_loads_and_refuses_another_layout(tmp_path, pack):
    from ttt.model import load_model

    cfg = _cfg(tmp_path, 1, pack=pack)
    cfg["arch"] = {**TINY_ARCH, "positions": "dihedral", "head_dim": 64}
    assert main(cfg)["step"] == 1
    model, _, _ = load_model({"path": str(tmp_path / "run_weights"), "device": "cpu"})
    assert type(model.model.rotary_emb).__name__ == "DihedralRotary"
    # the same tensor shapes with other heads or positions: a resume would mix two models
    with pytest.raises(ValueError, match="another layout"):
        main(_cfg(tmp_path, 2))
    grid = _cfg(tmp_path, 1, name="grid")
    grid["out"]["init_from"] = str(tmp_path / "run_weights")  # a new run from them is fine
    with pytest.raises(ValueError, match="weights do not fit"):  # (not with other shapes)
        main(grid)


def test_init_from_starts_a_new_run_from_weights(tmp_path):
    from safetensors.torch import load_file, save_file

    main(_cfg(tmp_path, 1))
    src = tmp_path / "run_weights" / "model.safetensors"
    # mark the first run's weights (a fresh init has norm weights of 1) to see that they load
    weights = load_file(str(src))
    weights["model.norm.weight"] = torch.full_like(weights["model.norm.weight"], 3.0)
    save_file(weights, str(src), metadata={"format": "pt"})
    cfg = _cfg(tmp_path, 1, name="phase2")
    cfg["out"]["init_from"] = str(tmp_path / "run_weights")
    state = main(cfg)
    assert state["step"] == 1 and state["init_from"] == str(tmp_path / "run_weights")
    assert state["prior_tokens"] > 0
    after = load_file(str(tmp_path / "phase2_weights" / "model.safetensors"))
    assert torch.allclose(after["model.norm.weight"].float(), torch.tensor(3.0), atol=0.1)
    cfg = _cfg(tmp_path, 1, name="phase3")
    cfg["out"]["init_from"] = str(tmp_path / "missing")
    with pytest.raises(FileNotFoundError):
        main(cfg)


@pytest.mark.parametrize("attn", ["sdpa", "eager"])
def test_packed_row_computes_what_each_task_alone_does(tok, attn):
    """Two tasks in one row under the block-diagonal mask: the same logits as each alone."""
    from transformers import LlamaForCausalLM

    from ttt.model import default_llama_config
    from ttt.positions import positions_for

    torch.manual_seed(0)
    cfg = default_llama_config(len(tok), tok, **TINY_ARCH)
    cfg._attn_implementation = attn
    model = LlamaForCausalLM(cfg).eval()
    gp = positions_for(model, tok)
    rng = np.random.default_rng(0)
    segs = []
    for name in FAMILIES:
        ids, labels, in_labels = make_sequence(
            task_pairs(make_task(name, rng)), rng, tok, TextFormat(), 512, 0.5, 3
        )
        segs.append(Segment(ids, labels, in_labels, "generators"))

    def logits(rows):
        b = row_batch(rows, tok.pad_token_id, 64, gp, torch.device("cpu"), attn)
        with torch.no_grad():
            return model(
                input_ids=b["input_ids"],
                position_ids=b["position_ids"],
                attention_mask=b["attention_mask"],
                use_cache=False,
            ).logits

    packed = logits([segs])[0]
    n0 = len(segs[0])
    alone = [logits([[s]])[0, : len(s)] for s in segs]
    assert torch.allclose(packed[:n0], alone[0], atol=1e-5)
    assert torch.allclose(packed[n0 : n0 + len(segs[1])], alone[1], atol=1e-5)
