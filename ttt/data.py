"""Test-time training data built from a task's own demonstrations.

Leave-one-out: with K demos, K in-context tasks (K-1 demos in context, the left-out pair as the
query; the largest context demos are dropped when the example would exceed the token limit),
each under the configured symmetries, plus copies with a random colour permutation and
demo order. When that gives fewer than `max_examples`, leave-two-out tasks (one query, one demo
dropped) top it up. Duplicates (same text) and examples over the token limit are dropped; the rest
is capped at `max_examples`. Loss sits on the outputs of demos 2..K and on the query output.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dsl.types import Pair, Task
from ttt.augment import Augmentation, random_colours
from ttt.format import DEFAULT_FORMAT, Encoded, TextFormat, encode_example, tokenize
from ttt.model import strict_config


@dataclass
class DataConfig:
    """How TTT examples are made (the `ttt.data` config section)."""

    max_examples: int = 64
    max_tokens: int = 2048
    symmetries: list[int] = field(default_factory=lambda: list(range(8)))
    colour_copies: int = 1  # extra copies per symmetry with permuted colours and demo order
    keep_zero: bool = True
    shuffle: bool = True
    leave_two_out: bool = True
    drop_demos_to_fit: bool = True  # long tasks: fewer context demos rather than no example

    @classmethod
    def from_dict(cls, d: dict | None) -> DataConfig:
        return strict_config(cls, d, "ttt.data")


@dataclass
class Example:
    """One tokenized training sequence."""

    ids: list[int]
    labels: list[int]

    def __len__(self) -> int:
        return len(self.ids)


def leave_one_out(task: Task) -> list[tuple[list[Pair], Pair]]:
    """(context demos, query pair) for each demo held out. A single demo gives one example with
    an empty context, so even one-demo tasks train something."""
    k = len(task.train)
    if k == 1:
        return [([], task.train[0])]
    return [([task.train[j] for j in range(k) if j != i], task.train[i]) for i in range(k)]


def leave_two_out(task: Task) -> list[tuple[list[Pair], Pair]]:
    """(context, query) with query i held out and demo j dropped, for tasks with >= 3 demos."""
    k = len(task.train)
    if k < 3:
        return []
    return [
        ([task.train[m] for m in range(k) if m not in (i, j)], task.train[i])
        for i in range(k)
        for j in range(k)
        if j != i
    ]


def _views(n_demos: int, cfg: DataConfig, rng: np.random.Generator) -> list[Augmentation]:
    views = []
    for s in cfg.symmetries:
        views.append(Augmentation(int(s)))
        for _ in range(cfg.colour_copies):
            order = (
                tuple(int(i) for i in rng.permutation(n_demos))
                if cfg.shuffle and n_demos > 1
                else None
            )
            views.append(Augmentation(int(s), random_colours(rng, cfg.keep_zero), order))
    return views


def shrink_to_fit(
    demos: list[Pair], query: Pair, tok, max_tokens: int, fmt: TextFormat
) -> list[Pair]:
    """Drop the largest context demos until the example fits `max_tokens` (keeping at least one).
    Views change neither grid sizes nor, for a one-token-per-cell tokenizer, the length."""
    demos = list(demos)
    while len(demos) > 1:
        ids, _ = tokenize(tok, encode_example(demos, query.input, query.output, fmt))
        if len(ids) <= max_tokens:
            break
        demos.pop(int(np.argmax([p.input.size + p.output.size for p in demos])))
    return demos


def _encode_all(
    bases: list[tuple[list[Pair], Pair]],
    cfg: DataConfig,
    rng: np.random.Generator,
    fmt: TextFormat,
    seen: set[str],
    tok,
) -> list[Encoded]:
    out = []
    for demos, query in bases:
        if cfg.drop_demos_to_fit:
            demos = shrink_to_fit(demos, query, tok, cfg.max_tokens, fmt)
        for v in _views(len(demos), cfg, rng):
            q_in, q_out = v.apply_grid(query.input), v.apply_grid(query.output)
            enc = encode_example(v.apply_pairs(demos), q_in, q_out, fmt)
            if enc.text not in seen:
                seen.add(enc.text)
                out.append(enc)
    return out


def _fit(encs: list[Encoded], tok, max_tokens: int) -> tuple[list[Example], int]:
    kept, dropped = [], 0
    for e in encs:
        # a cheap lower bound first: one token per cell means at least len(text)/4 tokens
        if len(e.text) // 4 > max_tokens:
            dropped += 1
            continue
        ids, labels = tokenize(tok, e)
        if len(ids) > max_tokens:
            dropped += 1
        else:
            kept.append(Example(ids, labels))
    return kept, dropped


def build_examples(
    task: Task,
    tok,
    cfg: DataConfig,
    rng: np.random.Generator,
    fmt: TextFormat = DEFAULT_FORMAT,
) -> tuple[list[Example], dict]:
    """TTT examples for `task` (tokenized, within the token limit, at most cfg.max_examples) and
    stats {"leave_one_out", "leave_two_out", "too_long", "kept"}."""
    seen: set[str] = set()
    loo_enc = _encode_all(leave_one_out(task), cfg, rng, fmt, seen, tok)
    loo, too_long = _fit(loo_enc, tok, cfg.max_tokens)
    lto: list[Example] = []
    if cfg.leave_two_out and len(loo) < cfg.max_examples:
        lto_enc = _encode_all(leave_two_out(task), cfg, rng, fmt, seen, tok)
        lto, d2 = _fit(lto_enc, tok, cfg.max_tokens)
        too_long += d2
    if len(loo) >= cfg.max_examples:
        idx = rng.choice(len(loo), cfg.max_examples, replace=False)
        chosen = [loo[i] for i in sorted(idx)]
    else:
        need = cfg.max_examples - len(loo)
        idx = rng.choice(len(lto), min(need, len(lto)), replace=False) if lto else []
        chosen = loo + [lto[i] for i in sorted(idx)]
    stats = {
        "leave_one_out": len(loo),
        "leave_two_out": len(lto),
        "too_long": too_long,
        "kept": len(chosen),
    }
    return chosen, stats
