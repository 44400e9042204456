"""TTT data: leave-one-out, leave-two-out top-up, de-duplication, token limit, cap."""

from __future__ import annotations

import numpy as np

from ttt.data import DataConfig, build_examples, leave_one_out, leave_two_out
from ttt.format import IGNORE_INDEX


def test_leave_out_counts(flip_task):
    assert len(leave_one_out(flip_task)) == 3
    assert all(len(d) == 2 for d, _ in leave_one_out(flip_task))
    assert len(leave_two_out(flip_task)) == 6


def test_build_caps_dedupes_and_limits(flip_task, tok):
    rng = np.random.default_rng(0)
    cfg = DataConfig(max_examples=10, max_tokens=2048)
    ex, stats = build_examples(flip_task, tok, cfg, rng)
    assert len(ex) == 10 and stats["kept"] == 10
    assert len({tuple(e.ids) for e in ex}) == len(ex)
    for e in ex:
        assert any(lab != IGNORE_INDEX for lab in e.labels)


def test_top_up_with_leave_two_out(flip_task, tok):
    cfg = DataConfig(max_examples=500, symmetries=[0], colour_copies=1)
    ex, stats = build_examples(flip_task, tok, cfg, np.random.default_rng(0))
    assert stats["leave_one_out"] == 6 and stats["leave_two_out"] > 0
    assert len(ex) == stats["leave_one_out"] + stats["leave_two_out"]


def test_token_limit_drops(flip_task, tok):
    cfg = DataConfig(max_examples=100, max_tokens=30)
    ex, stats = build_examples(flip_task, tok, cfg, np.random.default_rng(0))
    assert all(len(e) <= 30 for e in ex) and stats["too_long"] > 0


def test_long_tasks_keep_examples_with_fewer_demos(flip_task, tok):
    on = DataConfig(max_examples=100, max_tokens=60, drop_demos_to_fit=True)
    off = DataConfig(max_examples=100, max_tokens=60, drop_demos_to_fit=False)
    ex_on, _ = build_examples(flip_task, tok, on, np.random.default_rng(0))
    ex_off, _ = build_examples(flip_task, tok, off, np.random.default_rng(0))
    assert len(ex_on) > len(ex_off) and all(len(e) <= 60 for e in ex_on)
