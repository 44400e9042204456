"""Test-time RL (ttt.discover): entropic weights, rewards, sampling, the update's direction."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ttt.data import Example
from ttt.decode import greedy_batch
from ttt.discover import answer_logprobs, cell_reward, entropic_weights, policy_loss
from ttt.format import IGNORE_INDEX
from ttt.train import TrainConfig, attach_adapter, collate, detach_adapter


def test_entropic_weights_bounded_and_ordered():
    r = np.array([0.1, 0.9, 0.5, 0.5])
    w, beta = entropic_weights(r, kl_bound=0.3)
    kl = float(np.sum(w * np.log(w * len(w))))
    assert w.sum() == pytest.approx(1.0) and kl == pytest.approx(0.3, abs=1e-3) and beta > 0
    assert w[1] > w[2] > w[0] and w[2] == pytest.approx(w[3])  # best sample weighs most
    loose, _ = entropic_weights(r, kl_bound=1.0)
    assert loose[1] > w[1]  # a looser bound chases the best harder
    flat, b0 = entropic_weights(np.array([0.4, 0.4, 0.4]), kl_bound=0.3)
    assert b0 == 0.0 and np.allclose(flat, 1 / 3)


def test_cell_reward():
    t = np.array([[1, 2], [3, 4]], dtype=np.int8)
    assert cell_reward(t.copy(), t) == 1.0
    assert cell_reward(np.array([[1, 2], [0, 0]], dtype=np.int8), t) == 0.5
    assert cell_reward(np.zeros((1, 2), dtype=np.int8), t) == 0.0 and cell_reward(None, t) == 0.0


def test_sampling_is_seeded_and_differs_from_greedy(tiny_model):
    model, tok, _ = tiny_model
    ids = tok("I\n12\nO\n", add_special_tokens=False)["input_ids"]

    def sample(seed):
        gen = torch.Generator().manual_seed(seed)
        return [t for t, _ in greedy_batch(model, [ids] * 4, 6, [], 0, temperature=2.0,
                                           generator=gen)]  # fmt: skip

    assert sample(3) == sample(3)
    greedy = [t for t, _ in greedy_batch(model, [ids] * 4, 6, [])]
    assert len({tuple(t) for t in greedy}) == 1 and sample(3) != greedy


def test_update_raises_the_favoured_sample(tiny_model):
    model, tok, _ = tiny_model
    prompt = tok("I\n12\nO\n", add_special_tokens=False)["input_ids"]
    answers = [tok(a, add_special_tokens=False)["input_ids"] for a in ("21\nE", "33\nE")]
    ex = [Example(prompt + a, [IGNORE_INDEX] * len(prompt) + a) for a in answers]
    adapter = attach_adapter(model, TrainConfig().lora)
    try:
        params = [p for p in adapter.parameters() if p.requires_grad]
        opt = torch.optim.SGD(params, lr=0.5)
        w, _ = entropic_weights(np.array([1.0, 0.0]), kl_bound=0.5)
        adv = torch.tensor(w * 2 - 1, dtype=torch.float32)

        def logp():
            with torch.no_grad():
                return answer_logprobs(adapter, collate(ex, 0, torch.device("cpu")))[0]

        before = logp()
        for _ in range(3):
            loss = policy_loss(adapter, collate(ex, 0, torch.device("cpu")), adv)
            opt.zero_grad()
            loss.backward()
            opt.step()
        assert logp() > before  # the rewarded answer got likelier
    finally:
        detach_adapter(adapter)
