"""Pre-training rows: one augmented in-context sequence per task drawn from the mix, packed into
rows of `seq_len` tokens (`train.pack`), and the tensors of a micro-batch of rows.

Packed rows hold several tasks, each attending only within itself (a block-diagonal causal mask,
position ids restarting per task), so a packed row computes exactly what the tasks would alone
(tests/ttt/test_pretrain.py) and the model never learns to read across task boundaries, which
inference never shows it. A separator with plain packing would be cheaper to build but lets a task
attend to another task's demos. On this CPU attention over a full 2,048-token row costs more than
the short rows it replaces, so the CPU default is one task per row; conf/pretrain_gpu.yaml packs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from dsl.types import Pair
from ttt.augment import random_augmentation
from ttt.format import IGNORE_INDEX, Encoded, TextFormat, encode_example, tokenize
from ttt.positions import GridPositions
from ttt.pretrain_data import SOURCES, TaskMix

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
