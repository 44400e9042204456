"""Pre-training the default model from scratch, under heavy augmentation, on a configured mix
(`ttt.pretrain_data`): concept-generator tasks (`ttt.generators`), real tasks (ARC-AGI-1 training
and `arc2_train_unseen`) and random DSL programs (`dsl.synth`).

Leakage rule: only those real sets are accepted (ARC-AGI-1 evaluation and the rest of ARC-AGI-2,
whose training set contains most of ARC-AGI-1 evaluation, are refused by name), and every task,
real or generated, is refused when its id or content matches an ARC-AGI-1 evaluation task.

The run checkpoints every few minutes (safetensors weights and optimizer state, JSON for step,
clock and RNG: nothing pickled), resumes from its last checkpoint by default, logs losses to
JSONL, and exports a loadable Hugging Face model directory (config, weights, tokenizer) at every
checkpoint. The learning-rate schedule runs on elapsed training time as well as steps, so a run
with a wall-clock horizon ends its cosine decay on time.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from safetensors.torch import load_model as load_weights
from safetensors.torch import save_model as save_weights

from dsl.types import Pair
from ttt.augment import random_augmentation
from ttt.format import IGNORE_INDEX, Encoded, TextFormat, encode_example, tokenize
from ttt.model import (
    ModelConfig,
    build_default_tokenizer,
    default_llama_config,
    pick_device,
    plain,
    resolve_path,
)
from ttt.positions import positions_for
from ttt.pretrain_data import SOURCES, build_mix
from ttt.train import cosine_decay

log = logging.getLogger(__name__)


def make_sequence(
    pairs: list[Pair],
    rng: np.random.Generator,
    tok,
    fmt: TextFormat,
    seq_len: int,
    keep_zero_prob: float,
    max_demos: int,
) -> tuple[list[int], list[int], list[int]] | None:
    """One augmented in-context example from a task's pairs (random view, random query), with
    demos dropped from the end until it fits: (ids, output labels, input-grid labels). None when
    one demo plus the query is too long."""
    aug = random_augmentation(rng, len(pairs), keep_zero=bool(rng.random() < keep_zero_prob))
    ps = aug.apply_pairs(pairs)
    n_ctx = min(len(ps) - 1, max_demos)
    demos, query = ps[:n_ctx], ps[n_ctx]
    while True:
        enc = encode_example(demos, query.input, query.output, fmt)
        # chars bound tokens from below for any one-token-per-cell tokenizer: cheap pre-check
        if len(enc.text) < seq_len:
            ids, labels = tokenize(tok, enc)
            if len(ids) <= seq_len:
                _, in_labels = tokenize(tok, Encoded(enc.text, enc.input_spans))
                return ids, labels, in_labels
        if len(demos) <= 1:
            return None
        demos = demos[:-1]


def lr_factor(step: int, train_seconds: float, tc: dict) -> float:
    """Warmup, then cosine to min_lr_ratio over whichever horizon (steps or minutes) is nearer."""
    warm = int(tc["warmup_steps"])
    if step < warm:
        return (step + 1) / warm
    progress = min(
        1.0,
        max(
            (step - warm) / max(1, int(tc["max_steps"]) - warm),
            train_seconds / (60.0 * float(tc["max_minutes"])),
        ),
    )
    return cosine_decay(progress, float(tc["min_lr_ratio"]))


def save_checkpoint(run_dir: Path, model, opt, state: dict, rng: np.random.Generator) -> None:
    """Atomically replace run_dir/checkpoint: model.safetensors, optimizer.safetensors (+ JSON
    param groups), state.json (step, tokens, clock, numpy RNG), torch RNG in safetensors."""
    tmp, final, old = run_dir / "checkpoint.tmp", run_dir / "checkpoint", run_dir / "checkpoint.old"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_weights(model, str(tmp / "model.safetensors"))  # handles the tied embeddings
    osd = opt.state_dict()
    tensors = {
        f"{idx}.{k}": (v if torch.is_tensor(v) else torch.tensor(v)).contiguous().cpu()
        for idx, st in osd["state"].items()
        for k, v in st.items()
    }
    tensors["torch_rng"] = torch.get_rng_state()
    save_file(tensors, str(tmp / "optimizer.safetensors"))
    with open(tmp / "state.json", "w") as f:
        json.dump(
            {**state, "param_groups": osd["param_groups"], "numpy_rng": rng.bit_generator.state}, f
        )
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.replace(final, old)
    os.replace(tmp, final)
    shutil.rmtree(old, ignore_errors=True)


def load_checkpoint(ckpt: Path, model, opt, rng: np.random.Generator) -> dict:
    """Restore what save_checkpoint wrote; returns the state dict (step, tokens, ...)."""
    load_weights(model, str(ckpt / "model.safetensors"))
    with open(ckpt / "state.json") as f:
        state = json.load(f)
    tensors = load_file(str(ckpt / "optimizer.safetensors"))
    torch.set_rng_state(tensors.pop("torch_rng"))
    opt_state: dict[int, dict] = {}
    for key, v in tensors.items():
        idx, name = key.split(".", 1)
        opt_state.setdefault(int(idx), {})[name] = v
    opt.load_state_dict({"state": opt_state, "param_groups": state.pop("param_groups")})
    rng.bit_generator.state = state.pop("numpy_rng")
    return state


def init_weights(src: Path, model) -> dict:
    """Load only the weights of an earlier run (its checkpoint/ or exported model dir) to start a
    new phase with a fresh optimizer and LR schedule; returns lineage fields for the state."""
    if not (src / "model.safetensors").exists():
        raise FileNotFoundError(f"init_from: no model.safetensors in {src}")
    load_weights(model, str(src / "model.safetensors"))
    prior = 0
    for name in ("state.json", "pretrain_info.json"):
        if (src / name).exists():
            with open(src / name) as f:
                info = json.load(f)
            prior = int(info.get("tokens", 0)) + int(info.get("prior_tokens", 0))
            break
    return {"init_from": str(src), "prior_tokens": prior}


def export_model(export_dir: Path, model, tok, info: dict) -> None:
    """Write a Hugging Face directory (config.json, model.safetensors, tokenizer files, info) and
    swap it into place, so a loadable model exists at every moment."""
    tmp = export_dir.with_name(export_dir.name + ".tmp")
    old = export_dir.with_name(export_dir.name + ".old")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(str(tmp))
    tok.save_pretrained(str(tmp))
    with open(tmp / "pretrain_info.json", "w") as f:
        json.dump(info, f, indent=1)
    shutil.rmtree(old, ignore_errors=True)
    if export_dir.exists():
        os.replace(export_dir, old)
    os.replace(tmp, export_dir)
    shutil.rmtree(old, ignore_errors=True)


def main(cfg: Any) -> dict:
    """Run (or resume) pre-training as configured (conf/pretrain.yaml). Returns final stats."""
    from transformers import LlamaForCausalLM
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    c = plain(cfg)
    dc, tc, oc = c["data"], c["train"], c["out"]
    mcfg = ModelConfig.from_dict(c.get("model"))
    fmt = mcfg.fmt
    torch.set_num_threads(int(tc["threads"]))
    device = pick_device(mcfg.device)
    seq_len = int(c["seq_len"])

    mix = build_mix(list(dc["sets"]), dc.get("mix"))
    tok = build_default_tokenizer(fmt)
    arch = dict(c["arch"])
    arch.setdefault("max_position_embeddings", seq_len)
    model = LlamaForCausalLM(default_llama_config(len(tok), tok, **arch)).to(device)
    n_params = sum(p.numel() for p in model.parameters())
    gp = positions_for(model, tok, fmt)
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.ndim < 2]
    opt = torch.optim.AdamW(
        [
            {"params": decay, "weight_decay": float(tc["weight_decay"])},
            {"params": no_decay, "weight_decay": 0.0},
        ],
        lr=float(tc["lr"]),
        betas=tuple(tc["betas"]),
    )
    rng = np.random.default_rng(int(tc["seed"]))
    torch.manual_seed(int(tc["seed"]))

    run_dir = Path(oc["run_dir"]).expanduser().resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    export_dir = resolve_path(oc["export_dir"] or mcfg.path)
    state = {"step": 0, "tokens": 0, "train_seconds": 0.0, "sequences": 0}
    if oc["resume"] and (run_dir / "checkpoint" / "state.json").exists():
        state = load_checkpoint(run_dir / "checkpoint", model, opt, rng)
        log.info("resumed from %s at step %d", run_dir / "checkpoint", state["step"])
    elif oc.get("init_from"):
        state.update(init_weights(Path(oc["init_from"]).expanduser().resolve(), model))
        log.info("initialised from %s (fresh optimizer and schedule)", state["init_from"])
    log.info(
        "model %.2fM params on %s; %d real tasks (%d refused); mix %s; export -> %s",
        n_params / 1e6, device, len(mix.real), mix.refused, mix.cfg.weights(), export_dir,
    )  # fmt: skip

    autocast = bool(tc["autocast_bf16"])
    multiple = max(1, int(tc.get("pad_to_multiple", 1)))
    loss_log = open(run_dir / "loss.jsonl", "a")
    last_ckpt = time.monotonic()
    w_in = float(tc.get("input_loss_weight", 0.0))
    window = _empty_window()
    skipped = 0
    t_mark = time.monotonic()
    model.train()
    try:
        while state["step"] < int(tc["max_steps"]):
            t0 = time.monotonic()
            batch: list[tuple[list[int], list[int], list[int], str]] = []
            n_tok = 0
            while n_tok < int(tc["tokens_per_step"]):
                kind, pairs = mix.sample(rng)
                if len(pairs) < 2:
                    continue
                seq = make_sequence(
                    pairs, rng, tok, fmt, seq_len, float(dc["keep_zero_prob"]), int(dc["max_demos"])
                )
                if seq is None:
                    skipped += 1
                    continue
                batch.append((*seq, kind))
                n_tok += len(seq[0])
            # loss = (sum of output-token CE + w_in * sum of input-token CE) / same weights, over
            # the whole step: the inputs teach grid structure at no extra compute
            denom = sum(
                sum(1 for v in lab[1:] if v != IGNORE_INDEX)
                + w_in * sum(1 for v in inl[1:] if v != IGNORE_INDEX)
                for _, lab, inl, _ in batch
            )
            factor = lr_factor(state["step"], state["train_seconds"], tc)
            for g in opt.param_groups:
                g["lr"] = float(tc["lr"]) * factor
            opt.zero_grad(set_to_none=True)
            for ids, labels, in_labels, kind in batch:
                # right-pad to a multiple: few distinct shapes keep the kernel caches (and the
                # process's memory) bounded; causal attention keeps padding out of the real tokens
                pad = -len(ids) % multiple
                x = torch.tensor([ids + [tok.pad_token_id] * pad], device=device)
                pos = None
                if gp is not None:  # padding continues in line; causal attention ignores it
                    p = gp.of(ids)
                    pos = torch.tensor([p + list(range(p[-1] + 1, p[-1] + 1 + pad))], device=device)
                target = torch.tensor(ids[1:], device=device)  # (T-1,)
                is_out = torch.tensor([v != IGNORE_INDEX for v in labels[1:]], device=device)
                is_in = torch.tensor([v != IGNORE_INDEX for v in in_labels[1:]], device=device)
                with torch.autocast(device.type, dtype=torch.bfloat16, enabled=autocast):
                    logits = model(input_ids=x, position_ids=pos).logits[0, : len(ids) - 1]
                ce = torch.nn.functional.cross_entropy(logits.float(), target, reduction="none")
                out_sum, in_sum = (ce * is_out).sum(), (ce * is_in).sum()
                ((out_sum + w_in * in_sum) / max(1.0, denom)).backward()
                window[kind][0] += float(out_sum.detach())
                window[kind][1] += int(is_out.sum())
                window["input"][0] += float(in_sum.detach())
                window["input"][1] += int(is_in.sum())
            torch.nn.utils.clip_grad_norm_(model.parameters(), float(tc["grad_clip"]))
            opt.step()
            state["step"] += 1
            state["tokens"] += n_tok
            state["sequences"] += len(batch)
            state["train_seconds"] += time.monotonic() - t0

            if state["step"] % int(oc["log_every"]) == 0:
                now = time.monotonic()
                tot = [sum(window[k][i] for k in SOURCES) for i in (0, 1)]
                rec = {
                    "step": state["step"],
                    "tokens": state["tokens"],
                    "loss": round(tot[0] / max(1, tot[1]), 4),
                    **{f"loss_{k}": _mean(window[k]) for k in SOURCES},
                    "loss_input": round(window["input"][0] / max(1, window["input"][1]), 4),
                    "lr": round(float(tc["lr"]) * factor, 7),
                    "tok_per_s": round(n_tok * int(oc["log_every"]) / max(1e-9, now - t_mark)),
                    "train_minutes": round(state["train_seconds"] / 60, 2),
                    "skipped_long": skipped,
                    "refused": mix.refused,
                    "failed": sum(mix.failures.values()),
                    "time": time.strftime("%H:%M:%S"),
                }
                loss_log.write(json.dumps(rec) + "\n")
                loss_log.flush()
                log.info("%s", json.dumps(rec))
                window = _empty_window()
                t_mark = now
            if time.monotonic() - last_ckpt >= 60 * float(oc["checkpoint_minutes"]):
                _checkpoint(run_dir, export_dir, model, tok, opt, state, rng, n_params, dc)
                last_ckpt = time.monotonic()
            if state["train_seconds"] >= 60 * float(tc["max_minutes"]):
                break
    finally:
        loss_log.close()
    _checkpoint(run_dir, export_dir, model, tok, opt, state, rng, n_params, dc)
    return state


def _empty_window() -> dict[str, list[float]]:
    """Per source, and for input tokens: [summed cross-entropy, token count] since the last log."""
    return {k: [0.0, 0] for k in (*SOURCES, "input")}


def _mean(acc: list[float]) -> float | None:
    return round(acc[0] / acc[1], 4) if acc[1] else None


def _checkpoint(run_dir, export_dir, model, tok, opt, state, rng, n_params, dc) -> None:
    save_checkpoint(run_dir, model, opt, state, rng)
    was_training = model.training
    model.eval()
    info = {
        **state,
        "params": n_params,
        "sets": list(dc["sets"]),
        "mix": dc.get("mix"),
        "saved": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    export_model(export_dir, model, tok, info)
    model.train(was_training)
    log.info("checkpoint at step %d -> %s, %s", state["step"], run_dir / "checkpoint", export_dir)
