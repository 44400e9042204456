"""Per-task LoRA training: a fresh adapter, AdamW, a cosine schedule, a time limit.

`attach_adapter` injects new LoRA weights into the (frozen) base model; `detach_adapter` removes
them without merging, so the base weights are never modified and the next task starts clean.
"""

from __future__ import annotations

import logging
import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import torch

from ttt.data import Example
from ttt.format import IGNORE_INDEX
from ttt.model import strict_config
from ttt.positions import GridPositions

log = logging.getLogger(__name__)


@dataclass
class LoraSettings:
    r: int = 16
    alpha: int = 32
    dropout: float = 0.0
    target_modules: list[str] = field(
        default_factory=lambda: ["q_proj", "v_proj", "gate_proj", "up_proj", "down_proj"]
    )


@dataclass
class TrainConfig:
    """Training part of the `ttt` config. steps: None = no step cap, 0 = no test-time training
    at all, n = at most n optimizer steps. epochs: at most that many passes over the data (None:
    no cap). patience: stop when the mean loss over `patience_window` steps has not improved by
    a `min_improvement` fraction of its best for that many windows in a row (None: off). Time
    always caps it; with no step or epoch cap, training runs until its time share ends or the
    leave-one-out loss stops improving."""

    steps: int | None = None
    epochs: float | None = None
    patience: int | None = None
    patience_window: int = 16
    min_improvement: float = 0.01
    batch_size: int = 1
    lr: float = 1e-3
    weight_decay: float = 0.0
    warmup_steps: int = 0
    min_lr_ratio: float = 0.0
    grad_clip: float = 1.0
    lora: LoraSettings = field(default_factory=LoraSettings)

    @classmethod
    def from_dict(cls, d: dict | None) -> TrainConfig:
        d = dict(d or {})
        d["lora"] = strict_config(LoraSettings, d.pop("lora", None), "ttt.lora")
        return strict_config(cls, d, "ttt")


def attach_adapter(model, lora: LoraSettings):
    """Wrap `model` with a freshly initialised LoRA adapter (only adapter weights trainable)."""
    from peft import LoraConfig, get_peft_model

    names = {n.rsplit(".", 1)[-1] for n, _ in model.named_modules()}
    targets = [t for t in lora.target_modules if t in names]
    if not targets:
        raise ValueError(
            f"none of the LoRA target modules {lora.target_modules} exist in the model"
        )
    cfg = LoraConfig(
        r=lora.r,
        lora_alpha=lora.alpha,
        lora_dropout=lora.dropout,
        target_modules=targets,
        bias="none",
        task_type="CAUSAL_LM",
    )
    with warnings.catch_warnings():
        # peft calls a transformers API that warns about its own deprecation
        warnings.simplefilter("ignore", FutureWarning)
        return get_peft_model(model, cfg)


def detach_adapter(peft_model):
    """Remove the adapter layers without merging; returns the untouched base model."""
    base = peft_model.unload()
    for p in base.parameters():
        p.requires_grad_(False)
    return base.eval()


def collate(
    batch: list[Example], pad_id: int, device: torch.device, positions: GridPositions | None = None
) -> dict[str, torch.Tensor]:
    """Right-pad a batch: input_ids, attention_mask, labels (B, T), and position_ids when the
    model uses grid positions."""
    t = max(len(e) for e in batch)
    ids = torch.full((len(batch), t), pad_id, dtype=torch.long)
    labels = torch.full((len(batch), t), IGNORE_INDEX, dtype=torch.long)
    mask = torch.zeros((len(batch), t), dtype=torch.long)
    for i, e in enumerate(batch):
        n = len(e)
        ids[i, :n] = torch.tensor(e.ids)
        labels[i, :n] = torch.tensor(e.labels)
        mask[i, :n] = 1
    out = {
        "input_ids": ids.to(device),
        "attention_mask": mask.to(device),
        "labels": labels.to(device),
    }
    if positions is not None:
        pos = torch.zeros((len(batch), t), dtype=torch.long)
        for i, e in enumerate(batch):
            pos[i, : len(e)] = torch.tensor(positions.of(e.ids))
        out["position_ids"] = pos.to(device)
    return out


def cosine_decay(progress: float, min_ratio: float) -> float:
    """LR multiplier at `progress` (0..1) of a cosine decay from 1 to `min_ratio`. The one cosine
    of the project (test-time training and pre-training); transformers' schedulers fix their
    horizon when made, and both loops here re-plan theirs as they measure time."""
    return min_ratio + (1.0 - min_ratio) * 0.5 * (1.0 + math.cos(math.pi * progress))


def cosine_factor(step: int, total: int, warmup: int, min_ratio: float) -> float:
    """LR multiplier: linear warmup, then cosine decay to min_ratio at `total`."""
    if warmup > 0 and step < warmup:
        return (step + 1) / warmup
    span = max(1, total - warmup)
    return cosine_decay(min(1.0, (step - warmup) / span), min_ratio)


def train_adapter(
    peft_model,
    examples: list[Example],
    cfg: TrainConfig,
    seconds: float,
    rng: np.random.Generator,
    pad_id: int,
    positions: GridPositions | None = None,
) -> dict:
    """Train the adapter in place for at most `seconds` (and cfg.steps / cfg.epochs, and until
    the loss stops improving when cfg.patience is set). The cosine schedule is planned over the
    steps that fit: after 2, 10 and 30 steps, the step time measured so far sets the plan when
    the time limit binds. Returns stats (`stopped`: steps, time or patience)."""
    start = time.monotonic()
    n_batches = math.ceil(len(examples) / cfg.batch_size) if examples else 0
    caps = [
        c for c in (cfg.steps, cfg.epochs and math.ceil(cfg.epochs * n_batches)) if c is not None
    ]
    planned = min(caps) if caps else None  # None: time (and patience) end it
    stats = {
        "steps": 0,
        "planned": planned,
        "examples": len(examples),
        "loss_first": None,
        "loss_last": None,
        "tokens": 0,
        "seconds": 0.0,
        "stopped": None,
    }
    if planned == 0 or not examples or seconds <= 0:
        return stats
    device = next(peft_model.parameters()).device
    params = [p for p in peft_model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    # until the step time is measured, a horizon far enough that the cosine has barely moved
    plan = {"total": planned if planned is not None else 1 << 30}
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: cosine_factor(s, plan["total"], cfg.warmup_steps, cfg.min_lr_ratio)
    )
    peft_model.train()
    order: list[int] = []
    losses: list[float] = []
    best, stale = math.inf, 0  # best window-mean loss, windows in a row without improvement
    step = 0
    stopped = "steps"
    while step < plan["total"]:
        if len(order) < cfg.batch_size:
            order += [int(i) for i in rng.permutation(len(examples))]
        batch = [examples[order.pop()] for _ in range(min(cfg.batch_size, len(order)))]
        out = peft_model(**collate(batch, pad_id, device, positions))
        loss = out.loss.float()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if cfg.grad_clip:
            torch.nn.utils.clip_grad_norm_(params, cfg.grad_clip)
        opt.step()
        sched.step()
        step += 1
        losses.append(float(loss.detach()))
        stats["tokens"] += sum(len(e) for e in batch)
        elapsed = time.monotonic() - start
        per_step = elapsed / step
        if step in (2, 10, 30):
            # re-plan the schedule over the steps the time limit allows (the first steps run
            # slow, so the plan is refined while the cosine has barely moved)
            fit = int(seconds / per_step)
            plan["total"] = max(step, fit if planned is None else min(planned, fit))
        if cfg.patience is not None and step % cfg.patience_window == 0:
            mean = float(np.mean(losses[-cfg.patience_window :]))
            if mean < best * (1.0 - cfg.min_improvement):
                best, stale = mean, 0
            else:
                stale += 1
            if stale >= cfg.patience:
                stopped = "patience"
                break
        if elapsed + per_step > seconds:
            stopped = "time"
            break
    if stopped == "steps" and (planned is None or plan["total"] < planned):
        stopped = "time"  # the schedule the time limit planned ran out, not a step/epoch cap
    peft_model.eval()
    stats.update(
        steps=step,
        stopped=stopped,
        planned=plan["total"],
        loss_first=losses[0],
        loss_last=float(np.mean(losses[-max(1, min(8, len(losses) // 4)) :])),
        # mean loss over each fifth of training: whether the adapter is learning at all
        loss_curve=[round(float(np.mean(c)), 4) for c in np.array_split(losses, 5) if len(c)],
        seconds=round(time.monotonic() - start, 3),
    )
    return stats
