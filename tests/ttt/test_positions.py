"""Grid position ids: the layout they encode, and that every code path (teacher forcing, batched
greedy decoding with left padding, depth-first sampling, product of experts, TTT batches) agrees."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dsl.types import Pair
from ttt.decode import GridGuard, dfs_sample, greedy_batch
from ttt.format import DEFAULT_FORMAT, encode_example, tokenize
from ttt.model import end_token_ids
from ttt.poe import poe_score
from ttt.positions import (
    BLOCK,
    COORD_BITS,
    LIN_BITS,
    NONE,
    ROW,
    DihedralPositions,
    GridPositions,
    dihedral_rotary,
    pack,
    positions_for,
)
from ttt.train import collate


def _g(rows):
    return np.array(rows, dtype=np.int8)


def test_a_cell_and_the_same_cell_of_the_previous_grid_are_one_block_apart(tok):
    gp = GridPositions(tok)
    a, b = _g([[1, 2, 3], [4, 5, 6]]), _g([[7, 8, 9], [0, 1, 2]])
    ids, _ = tokenize(tok, encode_example([Pair(a, b)], b, a))
    pos = gp.of(ids)
    cells = [p for t, p in zip(ids, pos) if t in gp.cells]
    assert len(cells) == 4 * 6
    grids = [cells[i * 6 : (i + 1) * 6] for i in range(4)]
    for prev, cur in zip(grids, grids[1:]):
        assert [c - p for p, c in zip(prev, cur)] == [BLOCK] * 6
    first = grids[0]
    assert first[1] - first[0] == 1 and first[3] - first[0] == ROW  # right and below
    # incremental use gives the same ids as the whole sequence at once
    st = gp.start()
    assert [gp.next(st, t) for t in ids] == pos


def test_plain_models_keep_plain_positions(tiny_model, tiny_grid_model, tiny_dihedral_model):
    model, tok, ctx = tiny_model
    assert positions_for(model, tok) is None
    grid_model, _, grid_ctx = tiny_grid_model
    assert type(positions_for(grid_model, tok)) is GridPositions
    assert grid_ctx == 1024  # the token context, not the far larger position range
    dihedral, _, _ = tiny_dihedral_model
    assert isinstance(positions_for(dihedral, tok), DihedralPositions)
    assert type(dihedral.model.rotary_emb).__name__ == "DihedralRotary"  # load_model installs it
    from transformers import LlamaForCausalLM

    bare = LlamaForCausalLM(dihedral.config)  # built without install_positions: refused
    with pytest.raises(ValueError, match="rotary module"):
        positions_for(bare, tok)


def _unpack(p: int) -> tuple[int, list[int]]:
    mask = (1 << COORD_BITS) - 1
    return p & ((1 << LIN_BITS) - 1), [(p >> (LIN_BITS + COORD_BITS * i)) & mask for i in range(8)]


# the two coordinates (row axis, column axis) in which each symmetry of dsl.kernels is a zero offset
SYMMETRY_COORDS = {
    0: (0, 1),
    1: (4, 7),
    2: (2, 3),
    3: (6, 5),
    4: (0, 3),
    5: (2, 1),
    6: (4, 5),
    7: (6, 7),
}


@pytest.mark.parametrize("k", range(8))
def test_every_symmetry_is_a_fixed_offset_in_two_dihedral_coordinates(tok, k):
    from dsl import kernels

    gp = DihedralPositions(tok)
    a = _g(np.arange(12).reshape(3, 4) % 10)
    b = kernels.apply_symmetry(a, k)
    ids, _ = tokenize(tok, encode_example([], a, b))
    pos = gp.of(ids)
    tokens = [tok.decode([t]) for t in ids]
    marks = [i for i, t in enumerate(tokens) if t in "IO"]
    cells = [
        [i for i in range(m, n) if tokens[i].isdigit()]
        for m, n in zip(marks, [*marks[1:], len(ids)])
    ]
    source = {int(a.flat[i]): i for i in range(a.size)}  # every cell value differs: 0..9, 0, 1
    ri, ci = SYMMETRY_COORDS[k]
    h, w = b.shape
    for j, i_out in enumerate(cells[1]):
        value = int(b.flat[j])
        if list(a.flat).count(value) > 1:
            continue
        i_in = cells[0][source[value]]
        _, co = _unpack(pos[i_out])
        _, ci_ = _unpack(pos[i_in])
        assert (co[ri], co[ci]) == (ci_[ri], ci_[ci])
        # the token before predicts this cell: one column to the left, the same row
        _, before = _unpack(pos[i_out - 1])
        assert (before[ri], before[ci] + 1) == (co[ri], co[ci])
    assert _unpack(pos[marks[0]])[1] == [NONE] * 8  # markers are no cell


def test_dihedral_decoding_needs_whole_input_grids(tok):
    gp = DihedralPositions(tok)
    a = _g([[1, 2], [3, 4]])
    ids, _ = tokenize(tok, encode_example([], a, a))
    pos = gp.of(ids)
    st = gp.start()
    with pytest.raises(ValueError, match="size"):
        [gp.next(st, t) for t in ids]
    # from the output marker on (what decoding feeds one token at a time) next agrees with of
    cut = ids.index(tok.convert_tokens_to_ids("O"))
    st = gp.start()
    assert gp.of(ids[:cut], st) == pos[:cut]
    assert [gp.next(st, t) for t in ids[cut:]] == pos[cut:]
    with pytest.raises(ValueError, match="out of range"):
        pack(1 << LIN_BITS, (0,) * 8)


def test_dihedral_rotary_reads_the_packed_fields(tiny_dihedral_model):
    model, _, _ = tiny_dihedral_model
    rot = dihedral_rotary(model.config)
    coords = (3, -1, 29, 0, 7, 7, 1, 2)
    p = pack(5000, coords)
    cos, sin = rot(torch.zeros(1), torch.tensor([[p, 0]]))
    n_lin = len(rot.inv_freq) - 24
    want = torch.tensor([5000.0] * n_lin + [v + 1.0 for v in coords for _ in range(3)])
    angles = torch.atan2(sin[0, 0, : len(want)], cos[0, 0, : len(want)])
    assert torch.allclose(
        torch.remainder(angles - want * rot.inv_freq + torch.pi, 2 * torch.pi),
        torch.full_like(want, torch.pi),
        atol=1e-2,
    )
    with pytest.raises(ValueError, match="head_dim"):
        dihedral_rotary(
            type(model.config)(
                hidden_size=32, num_attention_heads=2, rope_parameters={"rope_theta": 1e4}
            )
        )


def _prompts(tok, flip_task):
    return [
        tokenize(tok, encode_example(flip_task.train[:k], flip_task.test_inputs[0]))[0]
        for k in (1, 3, 2)
    ]


@pytest.mark.parametrize("fixture", ["tiny_grid_model", "tiny_dihedral_model"])
def test_decoding_agrees_with_teacher_forcing(fixture, request, flip_task):
    model, tok, _ = request.getfixturevalue(fixture)
    gp = positions_for(model, tok)
    stop = end_token_ids(tok, DEFAULT_FORMAT)
    prompts = _prompts(tok, flip_task)
    outs = greedy_batch(model, prompts, 12, stop, tok.pad_token_id, positions=gp)
    for p, (new, lp) in zip(prompts, outs):  # left padding must not change anything
        ids = p + new
        with torch.no_grad():
            logits = model(torch.tensor([ids]), position_ids=torch.tensor([gp.of(ids)])).logits
        logp = torch.log_softmax(logits[0].float(), -1)
        steps = range(len(p) - 1, len(ids) - 1)
        assert [int(logp[i].argmax()) for i in steps] == new
        assert lp == pytest.approx(sum(float(logp[i, ids[i + 1]]) for i in steps), abs=1e-3)
    # held to a 2x3 answer, depth-first search's first path is the greedy one
    guard = GridGuard.for_tokenizer(tok, stop)
    [(g, _)] = greedy_batch(model, prompts[:1], 9, stop, 0, None, guard, [(2, 3)], gp)
    [(d, _)] = dfs_sample(model, prompts[0], 9, stop, 1e-12, 1, guard, (2, 3), gp)
    assert d == g and len(g) == 9
    [(single, _)] = greedy_batch(model, [prompts[1]], 12, stop, tok.pad_token_id, positions=gp)
    assert single == outs[1][0]


def test_poe_scores_with_the_same_positions(tiny_grid_model, flip_task):
    from ttt.augment import Augmentation

    model, tok, ctx = tiny_grid_model
    truth = flip_task.test_outputs[0]
    one = poe_score(model, tok, flip_task, 0, truth, [Augmentation()], ctx=ctx)
    plain = model.config.arc_positions
    model.config.arc_positions = "linear"  # the same weights without grid positions differ
    try:
        assert poe_score(model, tok, flip_task, 0, truth, [Augmentation()], ctx=ctx) != one
    finally:
        model.config.arc_positions = plain


def test_ttt_batches_carry_position_ids(tiny_grid_model, flip_task):
    from ttt.data import Example

    model, tok, _ = tiny_grid_model
    gp = positions_for(model, tok)
    q = flip_task.train[2]
    ids, labels = tokenize(tok, encode_example(flip_task.train[:2], q.input, q.output))
    batch = collate([Example(ids, labels), Example(ids[:9], labels[:9])], 0, "cpu", gp)
    assert batch["position_ids"][0].tolist() == gp.of(ids)
    assert batch["position_ids"][1, :9].tolist() == gp.of(ids[:9])
    assert "position_ids" not in collate([Example(ids, labels)], 0, "cpu")
