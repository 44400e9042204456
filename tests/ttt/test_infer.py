"""Greedy and depth-first decoding, mapping predictions back, voting, product of experts."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ttt.augment import Augmentation
from ttt.decode import GridGuard, dfs_sample, greedy, greedy_batch
from ttt.format import answer_text, encode_example, tokenize
from ttt.infer import InferConfig, Prediction, fit_prompt, predict, predicted_shape
from ttt.poe import poe_score
from ttt.vote import to_candidates, vote


def _g(rows):
    return np.array(rows, dtype=np.int8)


def test_greedy_and_dfs_consistent(tiny_model, flip_task):
    model, tok, _ = tiny_model
    ids, _ = tokenize(tok, encode_example(flip_task.train, flip_task.test_inputs[0]))
    [(g_toks, g_lp)] = greedy(model, ids, 12, [])
    assert len(g_toks) == 12
    # with no stop tokens nothing finishes; with every token a stop, answers have one token
    assert dfs_sample(model, ids, 12, [], 0.01, 5) == []
    every = list(range(len(tok)))
    outs = dfs_sample(model, ids, 12, every, 0.05, 100)
    assert 1 <= len(outs) <= 20 and all(len(t) == 1 for t, _ in outs)
    assert outs[0][0] == g_toks[:1]  # best first
    assert all(lp >= np.log(0.05) - 1e-6 for _, lp in outs)


def test_predict_maps_back(tiny_model, flip_task, monkeypatch):
    model, tok, ctx = tiny_model
    truth = flip_task.test_outputs[0]
    views = [Augmentation(), Augmentation(1, tuple([0, *range(9, 0, -1)])), Augmentation(6)]

    seen_shapes = []

    def fake_greedy_batch(model, prompts, max_new, stop, pad_id, deadline, guard, shapes, gp):
        # answer each prompt with the true output seen through its view
        seen_shapes.extend(shapes)
        outs = []
        for v in views[: len(prompts)]:
            text = answer_text(v.apply_grid(truth))
            outs.append((tok(text, add_special_tokens=False)["input_ids"], -1.0))
        return outs

    monkeypatch.setattr("ttt.infer.greedy_batch", fake_greedy_batch)
    preds, stats = predict(model, tok, flip_task, 0, views, InferConfig(), ctx)
    assert stats["views_run"] == 3 and stats["unparsed"] == 0
    assert all(np.array_equal(p.grid, truth) for p in preds)
    # the shape hint ("same" size rule), seen through each view
    assert seen_shapes == [v.apply_grid(truth).shape for v in views]
    assert stats["shape_hint"] == list(truth.shape)


def test_batched_greedy_matches_single(tiny_model, flip_task):
    model, tok, _ = tiny_model
    prompts = [
        tokenize(tok, encode_example(flip_task.train[:k], flip_task.test_inputs[0]))[0]
        for k in (1, 3, 2)
    ]
    stop = [tok.convert_tokens_to_ids("E")]
    batched = greedy_batch(model, prompts, 15, stop, tok.pad_token_id)
    for p, (toks, lp) in zip(prompts, batched):
        [(single, slp)] = greedy(model, p, 15, stop)
        assert toks == single and lp == pytest.approx(slp, abs=1e-3)


def test_predict_real_model_runs(tiny_model, flip_task):
    model, tok, ctx = tiny_model
    preds, stats = predict(model, tok, flip_task, 0, [Augmentation()], InferConfig(), ctx)
    assert stats["views_run"] == 1 and stats["unparsed"] + len(preds) == 1


def test_fit_prompt_drops_demos(tok, flip_task):
    full, kept = fit_prompt(tok, flip_task.train, flip_task.test_inputs[0], _fmt(), 10_000, 0)
    assert len(kept) == 3
    short = fit_prompt(tok, flip_task.train, flip_task.test_inputs[0], _fmt(), len(full) - 1, 0)
    assert short is not None and len(short[1]) < 3
    assert fit_prompt(tok, flip_task.train, flip_task.test_inputs[0], _fmt(), 5, 0) is None


def _fmt():
    from ttt.format import TextFormat

    return TextFormat()


def test_poe_score_matches_manual(tiny_model, flip_task):
    model, tok, ctx = tiny_model
    grid = flip_task.test_outputs[0]
    got = poe_score(model, tok, flip_task, 0, grid, [Augmentation()], ctx=ctx)
    enc = encode_example(flip_task.train, flip_task.test_inputs[0], None)
    ids_p, _ = tokenize(tok, enc)
    ans = tok(answer_text(grid), add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([ids_p + ans])).logits[0]
    logp = torch.log_softmax(logits.float(), -1)
    manual = sum(float(logp[len(ids_p) - 1 + i, t]) for i, t in enumerate(ans)) / len(ans)
    assert got == pytest.approx(manual, rel=1e-4, abs=1e-4)  # per answer token
    two = poe_score(model, tok, flip_task, 0, grid, 2, ctx=ctx)
    assert np.isfinite(two) and two < 0


def test_hierarchical_vote():
    a, b, c = _g([[1]]), _g([[2]]), _g([[3]])
    preds = [
        Prediction(a, 0, 0, -1.0),
        Prediction(a, 1, 1, -1.0),
        Prediction(b, 2, 2, -0.5),
        Prediction(b, 3, 2, -0.5),
        Prediction(b, 4, 2, -0.5),
        Prediction(c, 5, 2, -0.1),
    ]
    ranked = vote(preds, top_k_per_group=1)
    # a is top in two groups, b in one (though it has more votes), c in none
    assert [int(t.grid[0, 0]) for t in ranked] == [1, 2, 3]
    cands = to_candidates(ranked, len(preds), 2)
    assert len(cands) == 2 and cands[0].detail["votes"] == 2 and cands[0].detail["views"] == 2
    assert cands[0].source == "ttt"
    assert vote([]) == []


def test_predict_with_dfs_sampler(tiny_model, flip_task):
    model, tok, ctx = tiny_model
    cfg = InferConfig(sampler="dfs", threshold=0.2, max_samples=2, max_answer_tokens=30)
    preds, stats = predict(model, tok, flip_task, 0, [Augmentation(), Augmentation(1)], cfg, ctx)
    assert stats["views_run"] == 2 and len(preds) <= 4


def test_grid_guard(tok):
    stop = [tok.convert_tokens_to_ids("E")]
    guard = GridGuard.for_tokenizer(tok, stop)

    def ok(text):
        state = GridGuard.start()
        ids = tok(text, add_special_tokens=False)["input_ids"]
        return all(guard.step(state, t) for t in ids)

    assert ok("12\n34\nE") and ok("1" * 30 + "\n")
    assert not ok("1" * 31)
    assert not ok("12\n345")
    assert not ok("12\n3\n")
    assert not ok("\n")
    assert not ok("1\n" * 31)


@pytest.mark.parametrize("shape", [(2, 3), (1, 1), (4, 1)])
def test_shape_hint_makes_decoding_write_exactly_that_grid(tiny_model, flip_task, shape):
    from ttt.format import DEFAULT_FORMAT, parse_output
    from ttt.model import end_token_ids

    model, tok, _ = tiny_model  # random weights: left alone they rarely write a valid grid
    ids, _ = tokenize(tok, encode_example(flip_task.train, flip_task.test_inputs[0]))
    stop = end_token_ids(tok, DEFAULT_FORMAT)
    guard = GridGuard.for_tokenizer(tok, stop)
    [(toks, _)] = greedy_batch(model, [ids], 40, stop, tok.pad_token_id, None, guard, [shape])
    grid = parse_output(tok.decode(toks, skip_special_tokens=True))
    assert grid is not None and grid.shape == shape
    outs = dfs_sample(model, ids, 40, stop, 1e-9, 3, guard, shape)
    assert outs and all(
        parse_output(tok.decode(t, skip_special_tokens=True)).shape == shape for t, _ in outs
    )


def test_grid_guard_with_a_target_rejects_off_shape_tokens(tok):
    guard = GridGuard.for_tokenizer(tok, [tok.convert_tokens_to_ids("E")])
    nl, e, cell = (tok.convert_tokens_to_ids(t) for t in ("\n", "E", "5"))
    st = GridGuard.start((1, 2))
    assert GridGuard.next_kind(st) == GridGuard.CELL and guard.step(st, cell)
    assert not guard.step(list(st), nl)  # the row is one cell short
    assert guard.step(st, cell) and GridGuard.next_kind(st) == GridGuard.NEWLINE
    assert guard.step(st, nl) and GridGuard.next_kind(st) == GridGuard.STOP
    assert guard.step(st, e)
    assert GridGuard.next_kind(GridGuard.start()) == GridGuard.FREE


def test_predicted_shape_only_when_the_size_rules_agree(flip_task):
    from dsl.types import Task

    assert predicted_shape(flip_task, 0) == flip_task.test_outputs[0].shape  # "same"
    odd = Task.from_json(
        "t",
        {
            "train": [
                {"input": [[1, 2]], "output": [[1]]},
                {"input": [[1, 2, 3]], "output": [[1], [2]]},
            ],
            "test": [{"input": [[4]]}],
        },
    )
    assert predicted_shape(odd, 0) is None  # no rule fits both demos


def test_shape_hint_under_transposing_views_and_out_of_range_sizes(tiny_grid_model):
    from dsl.types import Task

    model, tok, ctx = tiny_grid_model
    demos = [{"input": [[1, 2, 3, 4, 5], [5, 4, 3, 2, 1]], "output": [[2] * 5, [3] * 5]}] * 2
    task = Task.from_json("t", {"train": demos, "test": [{"input": [[1, 2, 3, 4, 5]] * 2}]})
    views = [Augmentation(), Augmentation(1), Augmentation(4)]  # identity, rot90, transpose
    preds, stats = predict(model, tok, task, 0, views, InferConfig(), ctx)
    assert stats["shape_hint"] == [2, 5] and stats["unparsed"] == 0 and len(preds) == 3
    assert all(p.grid.shape == (2, 5) for p in preds)  # mapped back from 5x2 answers too
    # a scaled rule can predict past 30x30: no hint then, rather than no answer at all
    scaled = [
        {"input": [[1, 2], [3, 4]], "output": [[1] * 4] * 4},
        {"input": [[1] * 3] * 3, "output": [[1] * 6] * 6},
    ]
    big = Task.from_json("b", {"train": scaled, "test": [{"input": [[1] * 16] * 16}]})
    assert predicted_shape(big, 0) is None
