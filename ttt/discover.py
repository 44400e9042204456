"""Test-time reinforcement learning with an entropic objective (after TTT-Discover, Yuksekgonul et
al. 2026): an optional phase after supervised TTT, on the same per-task LoRA adapter.

Each step poses one problem whose answer is known without the test output: a demonstration held
out of the context, under a random view. The adapter samples a group of answers, held to that
demo output's shape; each answer's reward is its cell accuracy against the demo's true output.
The update weights each sample by exp(beta * reward), normalised over the group, so it chases the
best samples rather than the average; beta is the largest whose weights stay within `kl_bound` of
uniform (bounded, stable steps). Groups whose rewards are all equal carry no signal and are
skipped; after `patience` of them in a row (the adapter already reproduces the held-out demos,
which supervised TTT trained on) the phase ends and its time goes to inference. The adapter, and
everything it learned, is discarded with the task. Not built: re-use of promising states (the
paper's PUCT rule), and rewards from other sources than held-out demos.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from dsl.types import Task
from ttt.augment import random_augmentation
from ttt.data import Example, leave_one_out
from ttt.decode import GridGuard, greedy_batch
from ttt.format import IGNORE_INDEX, TextFormat, parse_output
from ttt.infer import fit_prompt, hinted_length
from ttt.model import end_token_ids, strict_config
from ttt.positions import GridPositions
from ttt.train import collate


@dataclass
class DiscoverConfig:
    """The `ttt.discover` config. `share` of the training time goes to this phase (0: off)."""

    share: float = 0.0
    group: int = 8  # samples per problem
    temperature: float = 1.0
    kl_bound: float = 0.7  # nats; log(group) would allow all weight on one sample
    lr: float = 1e-4
    max_steps: int | None = None
    grad_clip: float = 1.0
    micro_batch: int = 4  # samples per forward/backward (gradients accumulated over the group)
    patience: int = 4  # stop after this many groups in a row without signal (all alike)

    @classmethod
    def from_dict(cls, d: dict | None) -> DiscoverConfig:
        return strict_config(cls, d, "ttt.discover")


def cell_reward(pred, target) -> float:
    """Fraction of cells right; 0 for an answer that did not parse or has another shape."""
    if pred is None or pred.shape != target.shape:
        return 0.0
    return float(np.mean(pred == target))


def entropic_weights(rewards: np.ndarray, kl_bound: float) -> tuple[np.ndarray, float]:
    """(weights exp(beta * r) / sum, beta) with beta the largest whose weights are within
    `kl_bound` nats of uniform (bisection; KL grows with beta). Equal rewards: uniform, beta 0."""
    r = np.asarray(rewards, dtype=np.float64)
    n = len(r)
    if n == 0 or np.ptp(r) < 1e-12:
        return np.full(n, 1.0 / max(n, 1)), 0.0
    r = (r - r.max()) / np.ptp(r)  # beta in units of the reward spread

    def weights(beta: float) -> np.ndarray:
        e = np.exp(beta * r)
        return e / e.sum()

    def kl(beta: float) -> float:
        w = weights(beta)
        return float(np.sum(w * np.log(np.maximum(w * n, 1e-300))))

    lo, hi = 0.0, 1.0
    while kl(hi) < kl_bound and hi < 1e4:
        lo, hi = hi, hi * 2
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if kl(mid) <= kl_bound else (lo, mid)
    return weights(lo), lo / float(np.ptp(rewards))


def answer_logprobs(model, batch: dict) -> torch.Tensor:
    """(B,) mean log-probability of each sequence's labelled (answer) tokens."""
    batch = dict(batch)
    labels = batch.pop("labels")
    logits = model(**batch).logits[:, :-1].float()  # (B, T-1, V) predicts tokens 1..T-1
    target = labels[:, 1:]
    keep = target != IGNORE_INDEX
    logp = torch.log_softmax(logits, -1).gather(-1, target.clamp(min=0)[..., None])[..., 0]
    return (logp * keep).sum(1) / keep.sum(1).clamp(min=1)


def policy_loss(model, batch: dict, advantages: torch.Tensor) -> torch.Tensor:
    """The entropic policy-gradient loss: -mean_i(advantage_i * answer log-prob_i)."""
    return -(advantages * answer_logprobs(model, batch)).mean()


def discover(
    peft_model,
    tok,
    task: Task,
    cfg: DiscoverConfig,
    seconds: float,
    rng: np.random.Generator,
    fmt: TextFormat,
    ctx: int,
    positions: GridPositions | None = None,
    symmetries: Sequence[int] = tuple(range(8)),
) -> dict:
    """Run the RL phase on the adapter in place for at most `seconds`; returns stats. Views are
    drawn under `symmetries`, those supervised TTT trained the adapter under."""
    start = time.monotonic()
    deadline = start + seconds
    stats: dict = {"steps": 0, "groups": 0, "flat_groups": 0, "too_long": 0, "rewards": []}
    if seconds <= 0 or cfg.share <= 0:
        return stats
    rng = rng.spawn(1)[0]  # its own stream: the caller's later draws do not depend on this phase
    problems = leave_one_out(task)
    params = [p for p in peft_model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.lr)
    device = next(peft_model.parameters()).device
    stop = end_token_ids(tok, fmt)
    guard = GridGuard.for_tokenizer(tok, stop, fmt)
    pad = tok.pad_token_id if tok.pad_token_id is not None else 0
    gen = torch.Generator(device=device).manual_seed(int(rng.integers(2**31)))
    flat_run = too_long_run = 0
    step_s = 0.0  # slowest sample + update so far: no step is started that cannot finish
    while time.monotonic() + step_s < deadline:
        if cfg.max_steps is not None and stats["steps"] >= cfg.max_steps:
            break
        if flat_run >= cfg.patience or too_long_run >= 4 * len(problems):
            break  # the adapter already gets these right (or wrong) every time: stop, save time
        t0 = time.monotonic()
        demos, held = problems[int(rng.integers(len(problems)))]
        view = random_augmentation(rng, len(demos), symmetries)
        query, target = view.apply_grid(held.input), view.apply_grid(held.output)
        n_new = hinted_length(target.shape, fmt)
        got = fit_prompt(tok, view.apply_pairs(demos), query, fmt, ctx, n_new + 1)
        if got is None:
            stats["too_long"] += 1
            too_long_run += 1
            continue
        too_long_run = 0
        prompt = got[0]
        peft_model.eval()
        samples = greedy_batch(
            peft_model, [prompt] * cfg.group, n_new, stop, pad, deadline, guard,
            [target.shape] * cfg.group, positions, cfg.temperature, gen,
        )  # fmt: skip
        rewards = np.array(
            [
                cell_reward(parse_output(tok.decode(t, skip_special_tokens=True), fmt), target)
                for t, _ in samples
            ]
        )
        stats["groups"] += 1
        stats["rewards"].append(round(float(rewards.mean()), 4))
        if np.ptp(rewards) < 1e-12:
            stats["flat_groups"] += 1  # nothing to prefer
            flat_run += 1
            continue
        flat_run = 0
        if time.monotonic() + (time.monotonic() - t0) >= deadline:
            break  # the update costs about what the sampling did
        weights, _ = entropic_weights(rewards, cfg.kl_bound)
        adv = torch.tensor(weights * len(weights) - 1.0, dtype=torch.float32, device=device)
        examples = [
            Example(prompt + list(t), [IGNORE_INDEX] * len(prompt) + list(t)) for t, _ in samples
        ]
        peft_model.train()
        opt.zero_grad(set_to_none=True)
        mb = max(1, cfg.micro_batch)
        for i in range(0, len(examples), mb):  # memory: a few sequences at a time
            batch = collate(examples[i : i + mb], pad, device, positions)
            part = policy_loss(peft_model, batch, adv[i : i + mb])
            (part * len(examples[i : i + mb]) / len(examples)).backward()
        if cfg.grad_clip:
            torch.nn.utils.clip_grad_norm_(params, cfg.grad_clip)
        opt.step()
        stats["steps"] += 1
        step_s = max(step_s, time.monotonic() - t0)
    peft_model.eval()
    curve = stats.pop("rewards")
    stats["reward_curve"] = [
        round(float(np.mean(c)), 4) for c in np.array_split(curve, 5) if len(c)
    ]
    stats["seconds"] = round(time.monotonic() - start, 3)
    return stats
