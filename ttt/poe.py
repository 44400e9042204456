"""Product-of-experts scoring: how likely the model finds any candidate grid (from any source) as
the answer to a test input, averaged per token over augmented views."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from dsl.types import Grid, Task
from ttt.augment import Augmentation, inference_views
from ttt.format import DEFAULT_FORMAT, Encoded, TextFormat, answer_text, encode_example, tokenize
from ttt.infer import fit_prompt
from ttt.model import context_of
from ttt.positions import positions_for


def default_views(
    n: int, n_demos: int, symmetries: Sequence[int] = tuple(range(8))
) -> list[Augmentation]:
    """The deterministic views a count stands for (the same for every candidate scored)."""
    return inference_views(n, n_demos, np.random.default_rng(12345), symmetries=symmetries)


@torch.inference_mode()
def poe_score(
    model,
    tok,
    task: Task,
    test_index: int,
    grid: Grid,
    views: int | list[Augmentation],
    fmt: TextFormat = DEFAULT_FORMAT,
    ctx: int | None = None,
) -> float:
    """Product of experts: the log-probability of `grid` (rows and end marker) as the answer to
    test input `test_index`, per answer token and averaged over the views (a list, or a count for
    deterministic default views): the log of the experts' geometric mean per token, so grids of
    different sizes, and candidates from any source, compare on one scale (a sum over 8 views of
    a 10x10 answer runs to hundreds of nats). -inf when a view's prompt plus answer does not fit
    the context."""
    ctx = ctx or context_of(model)
    device = next(model.parameters()).device
    gp = positions_for(model, tok, fmt)
    total, n_tokens = 0.0, 0
    for v in default_views(views, len(task.train)) if isinstance(views, int) else views:
        ans = answer_text(v.apply_grid(grid), fmt)
        query = v.apply_grid(task.test_inputs[test_index])
        got = fit_prompt(tok, v.apply_pairs(task.train), query, fmt, ctx, len(ans) + 1)
        if got is None:
            return float("-inf")
        prompt = encode_example(got[1], query, None, fmt)
        enc = Encoded(prompt.text + ans, [(len(prompt.text), len(prompt.text) + len(ans))])
        ids, labels = tokenize(tok, enc)
        if len(ids) > ctx:
            return float("-inf")
        inp = torch.tensor([ids], dtype=torch.long, device=device)
        pos = None if gp is None else torch.tensor([gp.of(ids)], device=device)
        logits = model(input_ids=inp, position_ids=pos).logits[0, :-1].float()  # predicts 1..T-1
        target = torch.tensor(labels[1:], dtype=torch.long, device=device)
        keep = target >= 0
        logp = torch.log_softmax(logits[keep], dim=-1)
        total += float(logp.gather(1, target[keep][:, None]).sum())
        n_tokens += int(keep.sum())
    return total / max(1, n_tokens)
