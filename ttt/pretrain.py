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
  in the log line). Nothing is pickled: safetensors and JSON only (`ttt.checkpoint`).
- **Packed sequences** (`train.pack`): several tasks per row of `seq_len` tokens, each attending
  only within itself (`ttt.pack`); the CPU default is one task per row, conf/pretrain_gpu.yaml
  packs.
"""

from __future__ import annotations

import json
import logging
import math
import signal
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ttt.checkpoint import resume, save_all
from ttt.format import IGNORE_INDEX
from ttt.model import (
    ModelConfig,
    build_default_tokenizer,
    new_model,
    pick_device,
    pick_dtype,
    plain,
)
from ttt.pack import Stream, row_batch
from ttt.positions import positions_for
from ttt.pretrain_data import SOURCES, build_mix

log = logging.getLogger(__name__)


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
    model = new_model(len(tok), tok, **arch).to(device)
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
    state, rewarm = resume(
        oc, int(c["schedule"]["warmup_steps"]), run_dir, weights_dir, model, opt, sched, rng, state
    )
    if state.get("total_steps", horizon) != horizon:
        log.warning("schedule horizon changed: %d -> %d steps", state["total_steps"], horizon)
    state["total_steps"] = horizon
    mixes = state.setdefault("mixes", [])  # the data mix of each phase of the run, from its step
    if not mixes or mixes[-1]["mix"] != dc.get("mix"):
        mixes.append({"step": state["step"], "mix": dc.get("mix")})
    mix = stream.mix
    log.info(
        "model %.2fM params on %s; %d real tasks (%d refused); mix %s; horizon %d steps "
        "(%.3g tokens); weights -> %s",
        n_params / 1e6, device, len(mix.real), mix.refused, mix.cfg.source_weights(), horizon,
        float(c["schedule"]["total_tokens"]), weights_dir,
    )  # fmt: skip

    autocast = tc["autocast_bf16"]  # auto: where bf16 is native (model.pick_dtype)
    if autocast == "auto":
        autocast = pick_dtype("auto", device) == torch.bfloat16
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
                    save_all(run_dir, weights_dir, model, tok, opt, sched, state, rng, info)
                    last_ckpt = time.monotonic()
                if stop.raised or (stop_steps is not None and sitting_steps >= int(stop_steps)):
                    break
                if stop_s is not None and time.monotonic() - sitting_start >= stop_s:
                    break
    finally:
        loss_log.close()
    save_all(run_dir, weights_dir, model, tok, opt, sched, state, rng, info)
    state["finished"] = state["step"] >= horizon
    return state


def _empty_window() -> dict[str, list[float]]:
    """Per source, and for input tokens: [summed cross-entropy, token count] since the last log."""
    return {k: [0.0, 0] for k in (*SOURCES, "input")}


def _mean(acc: list[float]) -> float | None:
    return round(acc[0] / acc[1], 4) if acc[1] else None
