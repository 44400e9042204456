"""Pre-training state on disk, and resuming from it (see ttt.pretrain for the policy).

- **Exact resume** from `out.run_dir/checkpoint/`: float32 weights, AdamW state, scheduler, torch
  and numpy RNG state (the numpy generator is the whole data stream, so its state is the stream
  position).
- **Committable weights** in `out.weights_dir`: a loadable Hugging Face directory in bfloat16 whose
  `pretrain_info.json` holds the same step, schedule and RNG state, enough to resume from these
  weights alone (fresh AdamW moments, the learning rate re-warmed).

Every write goes to a temporary directory swapped into place. Nothing is pickled: safetensors and
JSON only.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from safetensors.torch import load_model as load_weights
from safetensors.torch import save_model as save_weights

log = logging.getLogger(__name__)


def _resume_state(state: dict, sched, rng: np.random.Generator) -> dict:
    """JSON-safe copy of the run state with the scheduler and numpy RNG state."""
    # LambdaLR's state: step count and rates (its lambda, a functools.partial, is rebuilt from
    # the config and saves as an empty dict)
    return {**state, "scheduler": sched.state_dict(), "numpy_rng": rng.bit_generator.state}


def save_checkpoint(run_dir: Path, model, opt, sched, state: dict, rng) -> None:
    """Atomically replace run_dir/checkpoint: model.safetensors (float32), optimizer.safetensors
    (AdamW moments and the torch RNG), state.json (step, tokens, clocks, param groups, scheduler,
    numpy RNG)."""
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
        json.dump({**_resume_state(state, sched, rng), "param_groups": osd["param_groups"]}, f)
    _swap_in(tmp, final, old)


def load_checkpoint(ckpt: Path, model, opt, sched, rng: np.random.Generator) -> dict:
    """Restore what save_checkpoint wrote; returns the state dict (step, tokens, ...)."""
    load_weights(model, str(ckpt / "model.safetensors"))
    with open(ckpt / "state.json") as f:
        state = json.load(f)
    if "scheduler" not in state:
        raise ValueError(
            f"{ckpt}: a checkpoint from before the fixed horizon (no scheduler state); start a "
            f"new run from its weights with out.init_from={ckpt} and another out.run_dir"
        )
    tensors = load_file(str(ckpt / "optimizer.safetensors"))
    torch.set_rng_state(tensors.pop("torch_rng"))
    opt_state: dict[int, dict] = {}
    for key, v in tensors.items():
        idx, name = key.split(".", 1)
        opt_state.setdefault(int(idx), {})[name] = v
    opt.load_state_dict({"state": opt_state, "param_groups": state.pop("param_groups")})
    sched.load_state_dict(state.pop("scheduler"))
    rng.bit_generator.state = state.pop("numpy_rng")
    return state


def save_weights_dir(weights_dir: Path, model, tok, state: dict, sched, rng, info: dict) -> None:
    """The committable checkpoint: a loadable Hugging Face directory with bfloat16 weights, the
    tokenizer, and pretrain_info.json (run state, scheduler and numpy RNG: enough to resume from
    these weights alone). Swapped into place, so a loadable model exists at every moment."""
    tmp = weights_dir.with_name(weights_dir.name + ".tmp")
    old = weights_dir.with_name(weights_dir.name + ".old")
    shutil.rmtree(tmp, ignore_errors=True)
    sd = {k: v.detach().to(torch.bfloat16) for k, v in model.state_dict().items()}
    if model.config.tie_word_embeddings:
        sd.pop("lm_head.weight", None)  # the embedding matrix again
    model.save_pretrained(str(tmp), state_dict=sd)
    tok.save_pretrained(str(tmp))
    with open(tmp / "pretrain_info.json", "w") as f:
        json.dump({**info, **_resume_state(state, sched, rng)}, f, indent=1)
    _swap_in(tmp, weights_dir, old)


def load_weights_dir(src: Path, model) -> dict:
    """Load a weights dir's (or exported model's) model.safetensors into `model` (any dtype is
    cast to the model's); returns its pretrain_info.json (empty when absent)."""
    if not (src / "model.safetensors").exists():
        raise FileNotFoundError(f"no model.safetensors in {src}")
    try:
        missing, unexpected = model.load_state_dict(
            load_file(str(src / "model.safetensors")), strict=False
        )
    except RuntimeError as e:  # tensor shapes differ
        raise ValueError(f"{src}: weights do not fit the model: {e}") from None
    tied = {"lm_head.weight"} if model.config.tie_word_embeddings else set()
    if set(missing) - tied or unexpected:
        raise ValueError(
            f"{src}: weights do not fit the model (missing {missing}, extra {unexpected})"
        )
    info = src / "pretrain_info.json"
    return json.loads(info.read_text()) if info.exists() else {}


def _swap_in(tmp: Path, final: Path, old: Path) -> None:
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.replace(final, old)
    os.replace(tmp, final)
    shutil.rmtree(old, ignore_errors=True)


def resume(
    oc: dict,
    warmup_steps: int,
    run_dir: Path,
    weights_dir: Path,
    model,
    opt,
    sched,
    rng: np.random.Generator,
    state: dict,
) -> tuple[dict, int]:
    """Restore a run as `out` (`oc`) says: exactly from run_dir/checkpoint when it is at least as
    far as the weights dir, else from the weights dir alone, else (`out.init_from`) only the
    weights of another model. Returns the run state and the steps of learning-rate re-warmup
    left (nonzero only after a weights-only resume)."""
    rewarm = 0  # steps of learning-rate re-warmup left (resumed from weights only)
    if oc["resume"]:
        _check_same_layout(weights_dir, model)
    exact, weights_info = run_dir / "checkpoint" / "state.json", weights_dir / "pretrain_info.json"
    weights_step = (
        json.loads(weights_info.read_text()).get("step", -1) if weights_info.exists() else -1
    )
    exact_step = json.loads(exact.read_text())["step"] if exact.exists() else -1
    if oc["resume"] and exact_step >= 0 and exact_step >= weights_step:
        state = load_checkpoint(run_dir / "checkpoint", model, opt, sched, rng)
        log.info("resumed exactly from %s at step %d", run_dir / "checkpoint", state["step"])
    elif oc["resume"] and weights_step >= 0 and "numpy_rng" in json.loads(weights_info.read_text()):
        info = load_weights_dir(weights_dir, model)
        sched.load_state_dict(info["scheduler"])
        rng.bit_generator.state = info["numpy_rng"]
        keep = (*state, "total_steps", "init_from", "prior_tokens", "mixes")
        state = {k: info[k] for k in keep if k in info}
        rewarm = warmup_steps
        for g, lr in zip(opt.param_groups, sched.get_last_lr()):
            g["lr"] = lr / (rewarm + 1)  # the re-warmup's first step
        log.warning(
            "resumed from the bf16 weights in %s at step %d without optimizer state: fresh AdamW "
            "moments, learning rate re-warmed over %d steps (not bit-exact)",
            weights_dir, state["step"], rewarm,
        )  # fmt: skip
    elif oc.get("init_from"):
        src = Path(oc["init_from"]).expanduser().resolve()
        info = load_weights_dir(src, model)
        prior = int(info.get("tokens", 0)) + int(info.get("prior_tokens", 0))
        state.update(init_from=str(src), prior_tokens=prior)
        log.info("initialised from %s (fresh optimizer and schedule)", src)
    return state, rewarm


# weights of the same shapes can mean another model: 8 heads of 32 read as 4 of 64, or other
# position ids (ttt.positions); a resume must not mix them
LAYOUT = ("arc_positions", "head_dim", "num_attention_heads", "num_key_value_heads")


def _check_same_layout(weights_dir: Path, model) -> None:
    """Refuse to resume a run whose saved model (weights_dir/config.json, written with every
    checkpoint) differs from the configured one in head layout or position scheme."""
    if not (weights_dir / "config.json").exists():
        return
    from transformers import AutoConfig

    # loaded as transformers reads it, so defaults (a head_dim left out) are filled alike
    was = AutoConfig.from_pretrained(str(weights_dir), local_files_only=True).to_dict()
    now = model.config.to_dict()
    diff = {k: (was.get(k), now.get(k)) for k in LAYOUT if was.get(k) != now.get(k)}
    if diff:
        said = ", ".join(f"{k}: {a} there, {b} now" for k, (a, b) in diff.items())
        raise ValueError(
            f"{weights_dir} holds a run with another layout ({said}); resume it with its own "
            f"arch, or start a new run from it with out.init_from={weights_dir} and another "
            f"out.run_dir and out.weights_dir"
        )


def save_all(run_dir, weights_dir, model, tok, opt, sched, state, rng, info) -> None:
    """Both: the exact checkpoint in run_dir and the committable weights dir (stamped `saved`)."""
    save_checkpoint(run_dir, model, opt, sched, state, rng)
    info = {**info, "saved": time.strftime("%Y-%m-%d %H:%M:%S")}
    save_weights_dir(weights_dir, model, tok, state, sched, rng, info)
    log.info("checkpoint at step %d -> %s, %s", state["step"], run_dir / "checkpoint", weights_dir)
