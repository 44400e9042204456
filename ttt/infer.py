"""Prediction under augmented views.

For each view (a symmetry, colour permutation and demo order) the task is transformed, the model
writes the test output (greedy, or depth-first sampling of every continuation whose probability
stays above a threshold: ttt.decode), the text is parsed (malformed output dropped) and the grid
is mapped back through the view's inverse.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from dsl.types import MAX_SIDE, Grid, Pair, Task
from ttt.augment import Augmentation
from ttt.decode import GridGuard, dfs_sample, greedy_batch
from ttt.format import DEFAULT_FORMAT, TextFormat, encode_example, parse_output, tokenize
from ttt.model import end_token_ids, strict_config
from ttt.positions import positions_for


def max_answer_tokens(cap: int | None, fmt: TextFormat = DEFAULT_FORMAT) -> int:
    """The generation cap: `cap`, or with None the largest answer in this format (a 30x30 grid
    with its separators and newlines, and the end marker; one token per character)."""
    return cap if cap is not None else fmt.grid_length(MAX_SIDE, MAX_SIDE) + 2


@dataclass
class Prediction:
    """A parsed prediction mapped back to the task's frame."""

    grid: Grid
    view: int  # index of the view that produced it
    group: int  # the view's symmetry (vote group)
    logprob: float


@dataclass
class InferConfig:
    """Inference part of the `ttt` config."""

    views: int = 8
    # the symmetries views cycle through (0: identity); None: those TTT trained under
    symmetries: list[int] | None = None
    sampler: str = "greedy"  # greedy | dfs
    threshold: float = 0.1  # dfs: keep continuations with cumulative probability >= threshold
    max_samples: int = 4  # dfs: at most this many finished answers per view
    colours: bool = True
    keep_zero: bool = True
    shuffle: bool = True
    top_k_per_group: int = 3
    max_candidates: int = 4
    batch_size: int = 8  # greedy: views decoded together
    max_answer_tokens: int | None = None  # generation cap (None: a 30x30 answer in the format)
    # hold decoding to the output shape that a size rule consistent with every demo predicts
    # (dsl.search.size: same, transposed, constant, scaled), when it predicts exactly one
    shape_hint: bool = True

    @classmethod
    def from_dict(cls, d: dict | None) -> InferConfig:
        return strict_config(cls, d, "ttt.infer")


def answer_budget(task: Task, test_index: int, fmt: TextFormat) -> int:
    """Characters to reserve for the answer: the largest demo output or test input, plus room."""
    sizes = [p.output.shape for p in task.train] + [task.test_inputs[test_index].shape]
    return max(fmt.grid_length(h, w) for h, w in sizes) + 2


def fit_prompt(
    tok, demos: list[Pair], query: Grid, fmt: TextFormat, ctx: int, reserve: int
) -> tuple[list[int], list[Pair]] | None:
    """Prompt token ids and the demos kept. When the prompt plus `reserve` tokens exceeds `ctx`,
    the largest demos are dropped first (at least one is kept when the task has any); None when
    even that does not fit."""
    demos = list(demos)
    while True:
        ids, _ = tokenize(tok, encode_example(demos, query, None, fmt))
        if len(ids) + reserve <= ctx:
            return ids, demos
        if len(demos) <= 1:
            return None
        demos.pop(int(np.argmax([p.input.size + p.output.size for p in demos])))


def predict(
    model,
    tok,
    task: Task,
    test_index: int,
    views: list[Augmentation],
    cfg: InferConfig,
    ctx: int,
    fmt: TextFormat = DEFAULT_FORMAT,
    deadline: float | None = None,
) -> tuple[list[Prediction], dict]:
    """Predictions for one test input under each view, mapped back; stats count the views run,
    skipped for length or time, and outputs that did not parse."""
    stop = end_token_ids(tok, fmt)
    preds: list[Prediction] = []
    stats = {"views_run": 0, "too_long": 0, "unparsed": 0, "out_of_time": 0}
    target = predicted_shape(task, test_index) if cfg.shape_hint else None
    stats["shape_hint"] = list(target) if target else None
    reserve = answer_budget(task, test_index, fmt)
    if target:  # a hinted answer may be bigger than any demo output: room for it, any view
        reserve = max(reserve, hinted_length(target, fmt) + 1)
    jobs: list[tuple[int, Augmentation, list[int], tuple[int, int] | None]] = []
    for vi, v in enumerate(views):
        query = v.apply_grid(task.test_inputs[test_index])
        got = fit_prompt(tok, v.apply_pairs(task.train), query, fmt, ctx, reserve)
        if got is None:
            stats["too_long"] += 1
        else:
            shape = v.apply_grid(np.zeros(target, np.int8)).shape if target else None
            jobs.append((vi, v, got[0], shape))
    step = 1 if cfg.sampler == "dfs" else max(1, cfg.batch_size)
    for start in range(0, len(jobs), step):
        if deadline is not None and time.monotonic() >= deadline:
            stats["out_of_time"] += len(jobs) - start
            break
        chunk = jobs[start : start + step]
        cap = max_answer_tokens(cfg.max_answer_tokens, fmt)
        max_new = min(cap, ctx - max(len(ids) for _, _, ids, _ in chunk))
        if target:  # the exact answer length: h rows of w cells and a newline, then the stop
            max_new = min(max_new, hinted_length(target, fmt))
        guard = GridGuard.for_tokenizer(tok, stop, fmt)
        gp = positions_for(model, tok, fmt)
        if cfg.sampler == "dfs":
            _, _, ids, shape = chunk[0]
            outs = [
                dfs_sample(
                    model,
                    ids,
                    max_new,
                    stop,
                    cfg.threshold,
                    cfg.max_samples,
                    guard,
                    shape,
                    gp,
                    deadline,
                )
            ]
        else:
            pad = tok.pad_token_id if tok.pad_token_id is not None else 0
            prompts = [ids for _, _, ids, _ in chunk]
            shapes = [shape for _, _, _, shape in chunk]
            outs = [
                [o]
                for o in greedy_batch(
                    model, prompts, max_new, stop, pad, deadline, guard, shapes, gp
                )
            ]
        stats["views_run"] += len(chunk)
        for (vi, v, _, _), view_outs in zip(chunk, outs):
            for toks, lp in view_outs:
                g = parse_output(tok.decode(toks, skip_special_tokens=True), fmt)
                if g is None:
                    stats["unparsed"] += 1
                    continue
                preds.append(Prediction(v.invert_grid(g), vi, v.symmetry, lp))
    return preds, stats


def hinted_length(shape: tuple[int, int], fmt: TextFormat = DEFAULT_FORMAT) -> int:
    """Tokens of an answer of this shape under any view (transposed ones swap the sides): its
    cells, separators and newlines, the end marker (one token per character of the format)."""
    h, w = shape
    return max(fmt.grid_length(h, w), fmt.grid_length(w, h)) + 1


def predicted_shape(task: Task, test_index: int) -> tuple[int, int] | None:
    """The test output's shape when the size rules that fit every demo agree on exactly one."""
    from dsl.search.size import predict_sizes

    shapes = {s for s in predict_sizes(task)[test_index] if all(1 <= n <= MAX_SIDE for n in s)}
    return next(iter(shapes)) if len(shapes) == 1 else None
