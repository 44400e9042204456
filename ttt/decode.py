"""Decoding an answer from a prompt: batched greedy (or tempered sampling) and threshold
depth-first sampling on one KV cache, both optionally held to a valid grid, or to one target shape,
by a GridGuard; and the model's measured prefill and decode rates, for planning time.
"""

from __future__ import annotations

import math
import time

import torch

from dsl.types import MAX_SIDE
from ttt.format import DEFAULT_FORMAT, TextFormat
from ttt.model import context_of
from ttt.positions import GridPositions


def _step(
    model, token_ids: list[int], past, device, pos: list[int] | None = None
) -> tuple[torch.Tensor, object]:
    """Feed tokens after the cached prefix (at position ids `pos`, default: next in line);
    returns log-probs of the next token (V,) and the cache."""
    inp = torch.tensor([token_ids], dtype=torch.long, device=device)
    position_ids = None if pos is None else torch.tensor([pos], device=device)
    out = model(input_ids=inp, position_ids=position_ids, past_key_values=past, use_cache=True)
    return torch.log_softmax(out.logits[0, -1].float(), dim=-1), out.past_key_values


class GridGuard:
    """Tracks the shape of an answer as it is generated and says when it can no longer be a valid
    grid (a row over 30 cells or of a different width, an empty row, over 30 rows), so decoding
    that has gone astray stops early. Tokens other than newline, separator and stop tokens count
    as cells. In a format with a cell separator, cells and separators must alternate within a row.

    With a target shape (`start((h, w))`) it also says which kind of token must come next (cells
    and separators to the row's end, then a newline, then after h rows the stop), and `masks`
    turns that into logit masks: decoding then writes exactly an h x w grid."""

    FREE, CELL, NEWLINE, STOP, SEP = range(5)

    def __init__(
        self,
        newline_ids: set[int],
        stop_ids: set[int],
        cell_ids: set[int] = frozenset(),
        end_ids: set[int] | None = None,
        sep_ids: set[int] = frozenset(),
    ):
        self.newline_ids, self.stop_ids, self.cell_ids = newline_ids, stop_ids, set(cell_ids)
        # what a complete target-shaped grid must end with (the end marker, so that it parses)
        self.end_ids = set(end_ids or stop_ids)
        self.sep_ids = set(sep_ids)  # empty: a format without a cell separator

    @classmethod
    def for_tokenizer(
        cls, tok, stop: list[int], fmt: TextFormat = DEFAULT_FORMAT
    ) -> GridGuard | None:
        """The guard for this tokenizer and format; None when a row's digits and separators
        are not one token each (the parser still checks the answer)."""
        newline = set(tok("\n", add_special_tokens=False)["input_ids"])
        cells = set(tok("0123456789", add_special_tokens=False)["input_ids"])
        sep: set[int] = set()
        if fmt.cell_separator:  # the digits as a row after a newline writes them
            row = "\n" + fmt.cell_separator.join("0123456789")
            ids = tok(row, add_special_tokens=False)["input_ids"][len(newline) :]
            if len(ids) != 19 or len(set(ids[1::2])) != 1:
                return None
            cells, sep = set(ids[0::2]), set(ids[1::2])
        return cls(newline, set(stop), cells, set(stop) - {tok.eos_token_id}, sep)

    @staticmethod
    def start(shape: tuple[int, int] | None = None) -> list[int]:
        # [width of the first row (0 = none yet), cells in this row, rows, target h, target w,
        #  1 when a separator must come before the next cell (formats with one only)]
        return [0, 0, 0, *(shape or (0, 0)), 0]

    def step(self, state: list[int], token: int) -> bool:
        """Update `state` with `token`; False when the answer cannot be a valid grid."""
        width, cur, rows, th, tw, after_cell = state
        if token in self.stop_ids:
            return th == 0 or (rows == th and cur == 0)
        if token in self.newline_ids:
            if cur == 0 or (width and cur != width) or rows + 1 > MAX_SIDE or (tw and cur != tw):
                return False
            if self.sep_ids and not after_cell:
                return False  # a row ending in a separator
            state[:3] = [width or cur, 0, rows + 1]
            state[5] = 0
            return True
        if token in self.sep_ids:
            if not after_cell or cur >= (tw or width or MAX_SIDE):
                return False
            state[5] = 0
            return True
        if self.sep_ids:
            if after_cell:
                return False  # two cells with no separator between them
            state[5] = 1
        state[1] = cur + 1
        if th and (rows >= th or cur + 1 > tw):
            return False
        return cur + 1 <= (width or MAX_SIDE)

    @classmethod
    def next_kind(cls, state: list[int]) -> int:
        """What the target shape requires next (FREE without a target)."""
        _, cur, rows, th, tw, after_cell = state
        if not th:
            return cls.FREE
        if rows == th:
            return cls.STOP
        if cur == tw:
            return cls.NEWLINE
        return cls.SEP if after_cell else cls.CELL

    def masks(self, vocab: int, device) -> torch.Tensor:
        """(5, vocab) additive logit masks, one per kind: 0 where allowed, -inf elsewhere."""
        m = torch.full((5, vocab), float("-inf"), device=device)
        m[self.FREE] = 0.0
        for kind, ids in (
            (self.CELL, self.cell_ids),
            (self.NEWLINE, self.newline_ids),
            (self.STOP, self.end_ids),
            (self.SEP, self.sep_ids),
        ):
            m[kind, sorted(i for i in ids if i < vocab)] = 0.0
        return m


def _rewind(past, length: int) -> None:
    """Cut the KV cache back to `length` positions (a negative crop works across versions)."""
    excess = past.get_seq_length() - length
    if excess > 0:
        past.crop(-excess)


@torch.inference_mode()
def greedy_batch(
    model,
    prompts: list[list[int]],
    max_new: int,
    stop: list[int],
    pad_id: int = 0,
    deadline: float | None = None,
    guard: GridGuard | None = None,
    shapes: list[tuple[int, int] | None] | None = None,
    positions: GridPositions | None = None,
    temperature: float = 0.0,
    generator: torch.Generator | None = None,
) -> list[tuple[list[int], float]]:
    """Greedy decoding of several prompts at once (left-padded, one KV cache): per prompt, the new
    tokens (ending with a stop token unless cut by max_new, the deadline or the guard) and their
    logprob. `shapes` (with a guard): a target shape per prompt (or None) that decoding is held
    to. `positions`: the model's grid position ids (None: plain). `temperature` > 0 samples each
    token from the tempered distribution instead (`generator` seeds it; test-time RL). On a CPU
    a batch of 8 views decodes in about the time of 3 single views."""
    device = next(model.parameters()).device
    b, t = len(prompts), max(len(p) for p in prompts)
    ids = torch.full((b, t), pad_id, dtype=torch.long)
    mask = torch.zeros((b, t), dtype=torch.long)
    for i, p in enumerate(prompts):
        ids[i, t - len(p) :] = torch.tensor(p)
        mask[i, t - len(p) :] = 1
    ids, mask = ids.to(device), mask.to(device)
    pos = (mask.cumsum(-1) - 1).clamp(min=0)  # (B, T): positions restart after the padding
    pstates = [positions.start() for _ in range(b)] if positions is not None else []
    for i, p in enumerate(prompts if positions is not None else []):
        pos[i, t - len(p) :] = torch.tensor(positions.of(p, pstates[i]))
    pos = pos.to(device)
    out = model(input_ids=ids, attention_mask=mask, position_ids=pos, use_cache=True)
    past, logp = out.past_key_values, torch.log_softmax(out.logits[:, -1].float(), -1)
    stop_t = torch.tensor(stop, dtype=torch.long, device=device)
    tokens: list[list[int]] = [[] for _ in range(b)]
    totals = [0.0] * b
    states = [GridGuard.start(s) for s in (shapes or [None] * b)]
    masks = guard.masks(logp.shape[-1], device) if guard is not None and any(shapes or []) else None
    live = torch.ones(b, dtype=torch.bool, device=device)
    for _ in range(max_new):
        if masks is not None:
            kinds = torch.tensor([GridGuard.next_kind(st) for st in states], device=device)
            logp = torch.log_softmax(logp + masks[kinds], -1)  # probabilities among what fits
        if temperature > 0:
            # a row with nothing allowed (finished, or a mask that excludes all) samples anything
            dead = ~torch.isfinite(logp).any(-1, keepdim=True)
            probs = torch.softmax(torch.where(dead, torch.zeros_like(logp), logp) / temperature, -1)
            nxt = torch.multinomial(probs, 1, generator=generator)[:, 0]  # (B,)
        else:
            nxt = logp.argmax(-1)  # (B,)
        best = logp.gather(1, nxt[:, None])[:, 0]
        for i in torch.nonzero(live).flatten().tolist():
            tokens[i].append(int(nxt[i]))
            totals[i] += float(best[i])
            if guard is not None and not guard.step(states[i], int(nxt[i])):
                live[i] = False  # can no longer become a valid grid: stop paying for it
        live &= ~torch.isin(nxt, stop_t)
        if not bool(live.any()) or (deadline is not None and time.monotonic() >= deadline):
            break
        nxt = torch.where(live, nxt, torch.full_like(nxt, pad_id))
        mask = torch.cat([mask, torch.ones((b, 1), dtype=mask.dtype, device=device)], 1)
        if positions is not None:
            pos = torch.tensor([[positions.next(st, int(x))] for st, x in zip(pstates, nxt)])
            pos = pos.to(device)
        else:
            pos = pos[:, -1:] + 1
        out = model(
            input_ids=nxt[:, None],
            attention_mask=mask,
            position_ids=pos,
            past_key_values=past,
            use_cache=True,
        )
        past, logp = out.past_key_values, torch.log_softmax(out.logits[:, -1].float(), -1)
    return list(zip(tokens, totals))


@torch.inference_mode()
def measure_rates(
    model, tok, prompt_len: int = 1024, steps: int = 12, batch: int = 8
) -> tuple[float, float, float]:
    """(prefill tokens/s, seconds per decode step of one sequence, of `batch` sequences), with
    a `prompt_len` cache, on this process's model and threads: used to reserve time for inference
    before training and to choose how many views fit. Each figure is the best of two tries (the
    first call pays one-time costs); decode steps are timed on their own, after the prefill."""
    prompt_len = max(8, min(prompt_len, context_of(model) - steps - 2))
    digits = tok("0123456789", add_special_tokens=False)["input_ids"]
    ids = torch.tensor([[digits[i % len(digits)] for i in range(prompt_len)]])
    ids = ids.to(next(model.parameters()).device)
    prefill, per_step = float("inf"), {1: float("inf"), batch: float("inf")}
    for _ in range(2):
        for b in per_step:
            t = time.perf_counter()
            out = model(input_ids=ids.expand(b, -1), use_cache=True)
            if b == 1:
                prefill = min(prefill, time.perf_counter() - t)
            past, nxt = out.past_key_values, out.logits[:, -1:].argmax(-1)  # (b, 1)
            t = time.perf_counter()
            for _ in range(steps):
                out = model(input_ids=nxt, past_key_values=past, use_cache=True)
                past, nxt = out.past_key_values, out.logits[:, -1:].argmax(-1)
            per_step[b] = min(per_step[b], (time.perf_counter() - t) / steps)
    return prompt_len / max(1e-6, prefill), max(1e-5, per_step[1]), max(1e-5, per_step[batch])


def greedy(model, ids: list[int], max_new: int, stop: list[int]) -> list[tuple[list[int], float]]:
    """Greedy decoding of one prompt: [(new tokens including the stop token, logprob)]."""
    return greedy_batch(model, [ids], max_new, stop)


@torch.inference_mode()
def dfs_sample(
    model,
    ids: list[int],
    max_new: int,
    stop: list[int],
    threshold: float,
    max_samples: int,
    guard: GridGuard | None = None,
    shape: tuple[int, int] | None = None,
    positions: GridPositions | None = None,
    deadline: float | None = None,
) -> list[tuple[list[int], float]]:
    """Depth-first search over continuations whose cumulative probability stays >= threshold,
    best-first at each node. One KV cache serves the whole search: every pending branch shares a
    prefix with the current path, so backtracking is a crop. At most 1/threshold answers exist.
    Paths the guard rejects (cannot become a valid grid) are abandoned; with a target `shape`
    only tokens that keep to it are considered. Stops at `deadline` (time.monotonic())."""

    def replay(p: list[int]) -> tuple[list[int], bool]:
        st = GridGuard.start(shape)
        return st, guard is None or all(guard.step(st, x) for x in p)

    def pos_of(prefix: list[int], token: int) -> list[int] | None:
        # grid positions depend on the whole answer so far: replay it (answers are short)
        if positions is None:
            return None
        st = list(prompt_state)
        positions.of(prefix, st)
        return [positions.next(st, token)]

    device = next(model.parameters()).device
    floor = math.log(threshold)
    n_prompt = len(ids)
    prompt_state = positions.start() if positions is not None else []
    prompt_pos = positions.of(ids, prompt_state) if positions is not None else None
    logp, past = _step(model, ids, None, device, prompt_pos)
    path: list[int] = []
    total = 0.0
    pending: list[tuple[int, int, float]] = []  # (depth, token, cumulative logprob)
    done: list[tuple[list[int], float]] = []
    extend = True  # False when the current path ends in a stop token or is rejected
    state = GridGuard.start(shape)
    masks = guard.masks(logp.shape[-1], device) if guard is not None and shape else None
    while len(done) < max_samples:
        if deadline is not None and time.monotonic() >= deadline:
            break
        while extend and len(path) < max_new:
            if masks is not None:
                logp = torch.log_softmax(logp + masks[GridGuard.next_kind(state)], -1)
            order = torch.argsort(logp, descending=True)[:8].tolist()
            alts = [(len(path), t, total + float(logp[t])) for t in order[1:]]
            # push viable runners-up worst first, so the best alternative is popped first
            pending.extend(reversed([a for a in alts if a[2] >= floor]))
            best = order[0]
            if total + float(logp[best]) < floor:
                break
            total += float(logp[best])
            path.append(best)
            if best in stop or (guard is not None and not guard.step(state, best)):
                break
            logp, past = _step(model, [best], past, device, pos_of(path[:-1], best))
        if path and path[-1] in stop:
            done.append((list(path), total))
        if not pending:
            break
        depth, t, total = pending.pop()
        _rewind(past, n_prompt + depth)
        path = path[:depth] + [t]
        state, valid = replay(path)
        extend = valid and t not in stop
        if extend:
            logp, past = _step(model, [t], past, device, pos_of(path[:-1], t))
    return sorted(done, key=lambda x: -x[1])[:max_samples]
