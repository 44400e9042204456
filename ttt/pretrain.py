"""Pre-training the default model from scratch, under heavy augmentation, on a configured mix
(`ttt.pretrain_data`): concept-generator tasks (`ttt.generators`), real tasks (ARC-AGI-1 training
and `arc2_train_unseen`) and random DSL programs (`dsl.synth`).

Leakage rule: only those real sets are accepted (ARC-AGI-1 evaluation and the rest of ARC-AGI-2,
whose training set contains most of ARC-AGI-1 evaluation, are refused by name), and every task,
real or generated, is refused when its id or content matches an ARC-AGI-1 evaluation task.

A run outlives any one sitting:

- **Fixed horizon.** `schedule.total_tokens` / `train.tokens_per_step` optimizer steps, warmup
  then cosine to `schedule.min_lr_ratio` (transformers' own schedule), fixed when the run starts:
  a sitting that stops early (`stop.minutes`, `stop.steps`, SIGTERM/SIGINT) does not bend it.
- **Exact resume** from `out.run_dir/checkpoint/` (git-ignored): float32 weights, AdamW state,
  scheduler, torch and numpy RNG state. The numpy generator is the whole data stream (every
  source, augmentation and packing decision draws from it), so its state is the stream position.
- **Committable weights** in `out.weights_dir`: a loadable Hugging Face directory in bfloat16
  (about 7.9 MB at 3.9M parameters) whose `pretrain_info.json` holds the same step, schedule and
  RNG state. Where the run dir is gone (another machine, a fresh clone), the run resumes from
  these weights alone: same step, schedule position and data stream, AdamW moments start from
  zero and the learning rate re-warms over `schedule.warmup_steps` (not bit-exact, documented
  in the log line). Nothing is pickled: safetensors and JSON only.
- **Packed sequences** (`train.pack`): several tasks per row of `seq_len` tokens, each attending
  only within itself (a block-diagonal causal mask, position ids restarting per task), so a
  packed row computes exactly what the tasks would alone (tests/ttt/test_pretrain.py) and the
  model never learns to read across task boundaries, which inference never shows it. A separator
  with plain packing would be cheaper to build but lets a task attend to another task's demos.
  On this CPU attention over a full 2,048-token row costs more than the short rows it replaces,
  so the CPU default is one task per row; conf/pretrain_gpu.yaml packs.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import signal
import time
from dataclasses import dataclass
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
)
from ttt.positions import GridPositions, positions_for
from ttt.pretrain_data import SOURCES, TaskMix, build_mix

log = logging.getLogger(__name__)

MISSES_PER_STEP = 4  # packing: drawn tasks that fit no row before a step's rows count as full


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


@dataclass
class Segment:
    """One task's sequence inside a row: ids, output-token labels, input-grid labels, source."""

    ids: list[int]
    labels: list[int]
    in_labels: list[int]
    kind: str

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Stream:
    """The data stream: the mix, and how sequences are made from its tasks. Everything random
    comes from the one generator passed in, so its state is the stream's position."""

    mix: TaskMix
    tok: Any
    fmt: TextFormat
    seq_len: int
    keep_zero_prob: float
    max_demos: int
    skipped: int = 0  # tasks too long for seq_len even with one demo

    def segment(self, rng: np.random.Generator) -> Segment:
        """The next sequence of the stream."""
        while True:
            kind, pairs = self.mix.sample(rng)
            if len(pairs) < 2:
                continue
            seq = make_sequence(
                pairs, rng, self.tok, self.fmt, self.seq_len, self.keep_zero_prob, self.max_demos
            )
            if seq is None:
                self.skipped += 1
                continue
            return Segment(*seq, kind)

    def rows(self, rng: np.random.Generator, tokens: int, pack: bool) -> list[list[Segment]]:
        """One optimizer step's rows. Unpacked: one sequence per row until `tokens` are drawn.
        Packed: tokens // seq_len rows filled first-fit; a sequence that fits no row is dropped
        (the stream is endless) and after MISSES_PER_STEP such the rows count as full."""
        if not pack:
            rows, n = [], 0
            while n < tokens:
                s = self.segment(rng)
                rows.append([s])
                n += len(s)
            return rows
        rows = [[] for _ in range(max(1, tokens // self.seq_len))]
        room = [self.seq_len] * len(rows)
        misses = 0
        while misses < MISSES_PER_STEP:
            s = self.segment(rng)
            r = next((i for i, left in enumerate(room) if left >= len(s)), None)
            if r is None:
                misses += 1
                continue
            rows[r].append(s)
            room[r] -= len(s)
        return [r for r in rows if r]


def row_batch(
    rows: list[list[Segment]],
    pad_id: int,
    multiple: int,
    gp: GridPositions | None,
    device: torch.device,
    attn_impl: str,
) -> dict[str, torch.Tensor]:
    """Tensors for a micro-batch of rows, right-padded to a shared length (a multiple of
    `multiple`): input_ids, position_ids, attention_mask (B, T); per-token output and input loss
    flags and source index for the next-token targets (B, T-1). Positions restart per segment
    (grid positions, or 0, 1, 2, ...); padding continues in line as a segment of its own. With
    several segments in a row the mask is 4-D, block-diagonal causal (B, 1, T, T): bool for
    SDPA, additive float for eager attention. Otherwise it is the 2-D padding mask: either way
    transformers never guesses packing from position ids (it would split grid positions)."""
    lengths = [sum(len(s) for s in row) for row in rows]
    t = max(lengths) + (-max(lengths) % multiple)
    ids = torch.full((len(rows), t), pad_id, dtype=torch.long)
    pos = torch.zeros((len(rows), t), dtype=torch.long)
    seg = torch.zeros((len(rows), t), dtype=torch.long)
    is_out = torch.zeros((len(rows), t), dtype=torch.bool)
    is_in = torch.zeros((len(rows), t), dtype=torch.bool)
    src = torch.zeros((len(rows), t), dtype=torch.long)
    for b, row in enumerate(rows):
        at = 0
        for k, s in enumerate(row):
            n = len(s)
            p = gp.of(s.ids) if gp is not None else list(range(n))
            ids[b, at : at + n] = torch.tensor(s.ids)
            pos[b, at : at + n] = torch.tensor(p)
            seg[b, at : at + n] = k
            is_out[b, at : at + n] = torch.tensor([v != IGNORE_INDEX for v in s.labels])
            is_in[b, at : at + n] = torch.tensor([v != IGNORE_INDEX for v in s.in_labels])
            src[b, at : at + n] = SOURCES.index(s.kind)
            at += n
        last = int(pos[b, at - 1])
        pos[b, at:] = torch.arange(last + 1, last + 1 + t - at)
        seg[b, at:] = len(row)
    packed = any(len(row) > 1 for row in rows)
    if packed:
        causal = torch.ones((t, t), dtype=torch.bool).tril()
        allowed = (seg[:, :, None] == seg[:, None, :]) & causal  # (B, T, T)
        mask = allowed[:, None]  # (B, 1, T, T)
        if attn_impl != "sdpa":
            mask = torch.zeros(mask.shape).masked_fill(~mask, torch.finfo(torch.float32).min)
    else:
        mask = (torch.arange(t)[None, :] < torch.tensor(lengths)[:, None]).long()  # (B, T)
    return {
        "input_ids": ids.to(device),
        "position_ids": pos.to(device),
        "attention_mask": mask.to(device),
        "is_out": is_out[:, 1:].to(device),
        "is_in": is_in[:, 1:].to(device),
        "source": src[:, 1:].to(device),
    }


def total_steps(c: dict) -> int:
    """The schedule's horizon in optimizer steps: schedule.total_tokens / train.tokens_per_step."""
    return max(
        1, math.ceil(float(c["schedule"]["total_tokens"]) / int(c["train"]["tokens_per_step"]))
    )


def make_scheduler(opt, c: dict):
    """Linear warmup, then cosine to schedule.min_lr_ratio at the horizon (transformers')."""
    from transformers import get_cosine_with_min_lr_schedule_with_warmup

    sc = c["schedule"]
    return get_cosine_with_min_lr_schedule_with_warmup(
        opt,
        num_warmup_steps=int(sc["warmup_steps"]),
        num_training_steps=total_steps(c),
        min_lr_rate=float(sc["min_lr_ratio"]),
    )


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
    missing, unexpected = model.load_state_dict(
        load_file(str(src / "model.safetensors")), strict=False
    )
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


class _StopFlag:
    """SIGTERM / SIGINT end the sitting after the current step, with a checkpoint."""

    def __init__(self):
        self.raised = False
        self._old: dict = {}

    def __enter__(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            self._old[sig] = signal.signal(sig, self._set)
        return self

    def _set(self, signum, frame) -> None:
        log.info("signal %d: stopping after this step (checkpoint follows)", signum)
        self.raised = True

    def __exit__(self, *exc) -> None:
        for sig, h in self._old.items():
            signal.signal(sig, h)


def main(cfg: Any) -> dict:
    """Run (or resume) pre-training as configured (conf/pretrain.yaml). Returns final stats."""
    from transformers import LlamaForCausalLM
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    c = plain(cfg)
    dc, tc, oc, sc = c["data"], c["train"], c["out"], c.get("stop") or {}
    mcfg = ModelConfig.from_dict(c.get("model"))
    fmt = mcfg.fmt
    torch.set_num_threads(int(tc["threads"]))
    device = pick_device(mcfg.device)
    seq_len = int(c["seq_len"])

    tok = build_default_tokenizer(fmt)
    stream = Stream(
        build_mix(list(dc["sets"]), dc.get("mix")),
        tok,
        fmt,
        seq_len,
        float(dc["keep_zero_prob"]),
        int(dc["max_demos"]),
    )
    arch = dict(c["arch"])
    arch.setdefault("max_position_embeddings", seq_len)
    torch.manual_seed(int(tc["seed"]))  # the initial weights depend on the seed alone
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
    sched = make_scheduler(opt, c)
    horizon = total_steps(c)
    rng = np.random.default_rng(int(tc["seed"]))

    run_dir = Path(oc["run_dir"]).expanduser().resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    weights_dir = Path(oc["weights_dir"]).expanduser().resolve()
    state = {"step": 0, "tokens": 0, "train_seconds": 0.0, "cpu_seconds": 0.0, "sequences": 0}
    rewarm = 0  # steps of learning-rate re-warmup left (resumed from weights only)
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
        keep = (*state, "total_steps", "init_from", "prior_tokens")
        state = {k: info[k] for k in keep if k in info}
        rewarm = int(c["schedule"]["warmup_steps"])
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
    if state.get("total_steps", horizon) != horizon:
        log.warning("schedule horizon changed: %d -> %d steps", state["total_steps"], horizon)
    state["total_steps"] = horizon
    mix = stream.mix
    log.info(
        "model %.2fM params on %s; %d real tasks (%d refused); mix %s; horizon %d steps "
        "(%.3g tokens); weights -> %s",
        n_params / 1e6, device, len(mix.real), mix.refused, mix.cfg.weights(), horizon,
        float(c["schedule"]["total_tokens"]), weights_dir,
    )  # fmt: skip

    autocast = bool(tc["autocast_bf16"])
    multiple = max(1, int(tc.get("pad_to_multiple", 1)))
    pack, per_forward = bool(tc.get("pack", False)), max(1, int(tc.get("rows_per_forward", 1)))
    attn = model.config._attn_implementation
    info = {"params": n_params, "sets": list(dc["sets"]), "mix": dc.get("mix"), "arch": arch}
    w_in = float(tc.get("input_loss_weight", 0.0))
    stop_steps = sc.get("steps")
    stop_s = None if sc.get("minutes") is None else 60 * float(sc["minutes"])
    sitting_start, sitting_steps = time.monotonic(), 0
    last_ckpt = time.monotonic()
    window = _empty_window()
    t_mark = time.monotonic()
    loss_log = open(run_dir / "loss.jsonl", "a")
    model.train()
    try:
        with _StopFlag() as stop:
            while state["step"] < horizon:
                t0, c0 = time.monotonic(), time.process_time()
                rows = stream.rows(rng, int(tc["tokens_per_step"]), pack)
                segs = [s for row in rows for s in row]
                n_tok = sum(len(s) for s in segs)
                # loss = (sum of output-token CE + w_in * sum of input-token CE) / same weights
                # over the whole step: the inputs teach grid structure at no extra compute
                denom = sum(
                    sum(1 for v in s.labels[1:] if v != IGNORE_INDEX)
                    + w_in * sum(1 for v in s.in_labels[1:] if v != IGNORE_INDEX)
                    for s in segs
                )
                lr_now = opt.param_groups[0]["lr"]
                opt.zero_grad(set_to_none=True)
                for i in range(0, len(rows), per_forward):
                    b = row_batch(
                        rows[i : i + per_forward], tok.pad_token_id, multiple, gp, device, attn
                    )
                    with torch.autocast(device.type, dtype=torch.bfloat16, enabled=autocast):
                        logits = model(
                            input_ids=b["input_ids"],
                            position_ids=b["position_ids"],
                            attention_mask=b["attention_mask"],
                            use_cache=False,
                        ).logits[:, :-1]  # (B, T-1, V)
                    ce = torch.nn.functional.cross_entropy(
                        logits.float().transpose(1, 2), b["input_ids"][:, 1:], reduction="none"
                    )  # (B, T-1)
                    out_sum, in_sum = (ce * b["is_out"]).sum(), (ce * b["is_in"]).sum()
                    ((out_sum + w_in * in_sum) / max(1.0, denom)).backward()
                    for k, name in enumerate(SOURCES):
                        of_k = b["is_out"] & (b["source"] == k)
                        window[name][0] += float((ce.detach() * of_k).sum())
                        window[name][1] += int(of_k.sum())
                    window["input"][0] += float(in_sum.detach())
                    window["input"][1] += int(b["is_in"].sum())
                torch.nn.utils.clip_grad_norm_(model.parameters(), float(tc["grad_clip"]))
                opt.step()
                sched.step()
                if rewarm:  # weights-only resume: ramp the scheduled LR back up
                    ramp = min(1.0, (sitting_steps + 2) / (rewarm + 1))
                    for g in opt.param_groups:
                        g["lr"] *= ramp
                state["step"] += 1
                sitting_steps += 1
                state["tokens"] += n_tok
                state["sequences"] += len(segs)
                state["train_seconds"] += time.monotonic() - t0
                state["cpu_seconds"] += time.process_time() - c0

                if state["step"] % int(oc["log_every"]) == 0:
                    now = time.monotonic()
                    tot = [sum(window[k][i] for k in SOURCES) for i in (0, 1)]
                    rec = {
                        "step": state["step"],
                        "tokens": state["tokens"],
                        "loss": round(tot[0] / max(1, tot[1]), 4),
                        **{f"loss_{k}": _mean(window[k]) for k in SOURCES},
                        "loss_input": _mean(window["input"]),
                        "lr": round(lr_now, 7),
                        "rows": len(rows),
                        "fill": round(n_tok / (len(rows) * seq_len), 3) if pack else None,
                        "tok_per_s": round(n_tok * int(oc["log_every"]) / max(1e-9, now - t_mark)),
                        "train_minutes": round(state["train_seconds"] / 60, 2),
                        "cpu_hours": round(state["cpu_seconds"] / 3600, 4),
                        "skipped_long": stream.skipped,
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
                    _checkpoint(run_dir, weights_dir, model, tok, opt, sched, state, rng, info)
                    last_ckpt = time.monotonic()
                if stop.raised or (stop_steps is not None and sitting_steps >= int(stop_steps)):
                    break
                if stop_s is not None and time.monotonic() - sitting_start >= stop_s:
                    break
    finally:
        loss_log.close()
    _checkpoint(run_dir, weights_dir, model, tok, opt, sched, state, rng, info)
    state["finished"] = state["step"] >= horizon
    return state


def _empty_window() -> dict[str, list[float]]:
    """Per source, and for input tokens: [summed cross-entropy, token count] since the last log."""
    return {k: [0.0, 0] for k in (*SOURCES, "input")}


def _mean(acc: list[float]) -> float | None:
    return round(acc[0] / acc[1], 4) if acc[1] else None


def _checkpoint(run_dir, weights_dir, model, tok, opt, sched, state, rng, info) -> None:
    save_checkpoint(run_dir, model, opt, sched, state, rng)
    info = {**info, "saved": time.strftime("%Y-%m-%d %H:%M:%S")}
    save_weights_dir(weights_dir, model, tok, state, sched, rng, info)
    log.info("checkpoint at step %d -> %s, %s", state["step"], run_dir / "checkpoint", weights_dir)
