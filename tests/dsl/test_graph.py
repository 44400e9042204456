import numpy as np
import pytest

from dsl.datasets import raw_set, unseen_ids
from dsl.program import parse
from dsl.search.core import DEFAULTS
from dsl.search.explore import explore
from dsl.search.graph import (
    OVERHEAD,
    Graph,
    count_chains,
    graph_functions,
    object_chains,
    op_us,
    task_colours,
)
from dsl.search.pieces import Pieces, words
from dsl.search.size import affine_axis
from dsl.types import Budget, Pair, Task
from tests.dsl.grids import G

SMALL = {**DEFAULTS, "graph_depth": 2}
# explore's work budget is its argument; its wall-clock Budget is only a safety limit, generous
# here so that a loaded machine (or a cold JIT cache in a fresh clone) cannot change a result


def _task(fn, seed=0, n=4, shape=(5, 6), palette=(0, 0, 0, 1, 2)) -> Task:
    rng = np.random.default_rng(seed)
    pairs = []
    for _ in range(n):
        g = rng.choice(np.array(palette, dtype=np.int8), size=shape)
        pairs.append(Pair(g, fn(g)))
    return Task("t", pairs[:-1], [pairs[-1].input], [pairs[-1].output])


def test_functions_bind_literals():
    fns = graph_functions((0, 1, 2), (1, 2))
    names = {(f.op, f.lits) for f in fns}
    assert ("replace_colour", (1, 2)) in names
    assert ("replace_colour", (1, 1)) not in names  # the identity
    assert ("upscale", (2,)) in names
    assert all(f.op != "identity" for f in graph_functions((1,), (1,), ("identity",)))
    costs = [f.cost for f in fns]
    assert costs == sorted(costs)  # cheapest first: a cut budget keeps the simplest


def test_each_image_expanded_once_and_states_deduplicated():
    task = _task(lambda g: g[::-1])
    fns = graph_functions((0, 1, 2), (1,))
    rot90, rot180 = (next(i for i, f in enumerate(fns) if f.op == n) for n in ("rot90", "rot180"))
    g = Graph(task, fns, 10**6, 10**6, Budget(600))
    (one,) = g.layer(1, [rot90, rot180])
    assert len(one) == 2
    (two,) = g.layer(2, [rot90])  # rot90 twice is rot180, a state already seen; rot270 is new
    assert len(two) == 1 and g.program(int(two[0])).text() == (
        "x1 = rot180(I)\nx2 = rot90(x1)\nO = x2"
    )
    assert g.n_apps == 2 * len(g.inputs) + 2 * len(g.inputs)  # each image once per function
    assert g.program(int(one[0])).text() == "x1 = rot90(I)\nO = x1"


def test_graph_finds_depth_two_program():
    task = _task(lambda g: np.ascontiguousarray(np.where(g[:, ::-1] == 1, 3, g[:, ::-1])))
    res = explore(task, SMALL, Budget(600), 400_000)
    assert res.fits
    f = res.fits[0]
    assert np.array_equal(f.test_outputs[0], task.test_outputs[0])
    prog = parse(f.program.text())  # programs are data: the text re-runs
    assert all(np.array_equal(prog.run(p.input), p.output) for p in task.train)


def test_object_chain_is_one_edge_and_reruns():
    # The largest object, flipped: objects -> largest -> crop_object is one depth-1 edge.
    rng = np.random.default_rng(3)
    pairs = []
    for _ in range(4):
        g = np.zeros((9, 9), dtype=np.int8)
        g[0:2, 0:2] = 2
        g[4:8, 3:6] = rng.integers(1, 3, size=(4, 3))
        pairs.append(Pair(g, np.ascontiguousarray(g[4:8, 3:6][:, ::-1])))
    task = Task("t", pairs[:-1], [pairs[-1].input], [pairs[-1].output])
    chains = object_chains(("crop_object", "erase_object"))
    assert {"objects|largest|crop_object", "objects|largest|erase_object"} <= {f.op for f in chains}
    (pick,) = [f for f in chains if f.op == "objects_multicolour|largest|crop_object"]
    flip = next(f for f in graph_functions((0,), ()) if f.op == "flip_lr")
    g = Graph(task, [pick, flip], 10**6, 10**6, Budget(600))
    (one,) = g.layer(1, [0])
    (two,) = g.layer(2, [1], parents=one)
    prog = parse(g.program(int(two[0])).text())  # the chain prints as its three steps
    assert prog.text().count("\n") == 4
    assert all(np.array_equal(prog.run(p.input), p.output) for p in pairs)


def test_count_chain_reads_its_int_off_the_input():
    # Each grid upscaled by its number of colours: no single literal fits both demos.
    pairs = []
    for colours in ([1, 2], [3, 4, 5], [6, 7]):
        g = np.array([colours], dtype=np.int8)
        k = len(colours)
        pairs.append(Pair(g, np.ascontiguousarray(np.kron(g, np.ones((k, k), dtype=np.int8)))))
    task = Task("t", pairs[:-1], [pairs[-1].input], [pairs[-1].output])
    chains = count_chains(task_colours(task))
    assert "count_objects|diagonal_of" in {f.op for f in chains}
    (up,) = [f for f in chains if f.op == "count_colours|upscale"]
    g = Graph(task, [up], 10**6, 10**6, Budget(600))
    (one,) = g.layer(1, [0])
    prog = parse(g.program(int(one[0])).text())
    assert prog.text().splitlines()[0] == "x1 = count_colours(I)"
    assert all(np.array_equal(prog.run(p.input), p.output) for p in pairs)


def test_pieces_cover_outputs_top_down():
    # No state gives 1 2 3; laid top down, each piece only has to be right where nothing above
    # it already is: the middle piece is wrong under the top one, the bottom one under both.
    outs = [np.array([[1, 2, 3]], dtype=np.int8)]
    p = Pieces(outs, pool=10)
    top, middle, bottom = G("100"), G("220"), G("333")
    for s, g in enumerate([G("040"), bottom, middle, top]):  # cheapest (first) is no help
        p.add(s + 1, words(g != outs[0]), words(g == 0), (), float(s), 1)
    (cover,) = p.covers(max_pieces=5)
    assert [s for s, _ in cover.pieces] == [4, 3, 2]
    assert [m for _, m in cover.pieces] == ["paint", "paint", "paint"]


def test_pieces_stage_overlays_states():
    def rule(g):
        out = np.where(g == 1, 1, 0).astype(np.int8)
        two = np.where(g == 2, 2, 0).astype(np.int8)[::-1]
        return np.ascontiguousarray(np.where(two != 0, two, out))

    task = _task(rule, seed=3, shape=(6, 6), palette=(0, 0, 0, 0, 1, 1, 1, 2))
    res = explore(task, SMALL, Budget(600), 1_200_000)
    assert any(np.array_equal(f.test_outputs[0], task.test_outputs[0]) for f in res.fits)
    for f in res.fits:
        prog = parse(f.program.text())
        assert all(np.array_equal(prog.run(p.input), p.output) for p in task.train)


def test_work_budget_makes_search_reproducible():
    rng = np.random.default_rng(0)
    pairs = [
        Pair(rng.integers(0, 4, (4, 4)).astype(np.int8), rng.integers(0, 4, (4, 4)).astype(np.int8))
        for _ in range(3)
    ]
    task = Task("noise", pairs[:2], [pairs[2].input])
    a, b = explore(task, SMALL, Budget(600), 60_000), explore(task, SMALL, Budget(600), 60_000)
    assert a.n_evals == b.n_evals and a.n_states == b.n_states
    assert a.n_evals * op_us()[OVERHEAD] <= 60_000  # each call is charged at least the overhead
    assert [f.program.text() for f in a.near] == [f.program.text() for f in b.near]


def test_unseen_tuning_set_is_disjoint_from_arc1():
    ids = unseen_ids()
    assert len(ids) == 233
    arc1 = set(raw_set("arc1_train")) | set(raw_set("arc1_eval"))
    assert not ids & arc1
    assert set(raw_set("arc2_train_unseen")) == ids


def test_size_first_scales_to_a_fixed_output_size():
    # Inputs of 2x2, 3x3 and 6x6 all become 6x6: the factor changes, the output size does not.
    rng = np.random.default_rng(4)
    pairs = []
    for side in (2, 3, 2, 3):
        g = rng.integers(1, 4, size=(side, side)).astype(np.int8)
        pairs.append(Pair(g, np.kron(g, np.ones((6 // side, 6 // side), dtype=np.int8))))
    task = Task("size", pairs[:3], [pairs[3].input], [pairs[3].output])
    res = explore(task, SMALL, Budget(600), 400_000)
    right = [f for f in res.fits if np.array_equal(f.test_outputs[0], task.test_outputs[0])]
    assert right and "upscale_to" in right[0].program.text()
    prog = parse(right[0].program.text())
    assert all(np.array_equal(prog.run(p.input), p.output) for p in task.train)


def test_size_first_fits_an_affine_size_per_axis():
    # Outputs of 2h + 1 by w + 2 cells: no state has that size, a fitted blank grid lends it.
    rng = np.random.default_rng(5)
    pairs = []
    for h, w in ((2, 3), (3, 2), (4, 4), (3, 5)):
        g = rng.integers(1, 4, size=(h, w)).astype(np.int8)
        o = np.zeros((2 * h + 1, w + 2), dtype=np.int8)
        o[:h, :w] = g  # at the top left (embed_to)
        pairs.append(Pair(g, o))
    task = Task("affine", pairs[:3], [pairs[3].input], [pairs[3].output])
    assert affine_axis([2, 3, 4], [5, 7, 9]) == (4, 2, 1) and affine_axis([2, 3], [4, 8]) is None
    res = explore(task, SMALL, Budget(600), 400_000)
    right = [f for f in res.fits if np.array_equal(f.test_outputs[0], task.test_outputs[0])]
    assert right and "blank_resized(" in right[0].program.text()
    prog = parse(right[0].program.text())
    assert all(np.array_equal(prog.run(p.input), p.output) for p in task.train)


def test_close_states_are_repaired_by_a_local_rule():
    def fn(g):  # a half turn, then every 1 with a 1 above it becomes 3 (an n4 rule)
        f = g[::-1, ::-1].copy()
        up = np.vstack([np.full((1, f.shape[1]), -1), f[:-1]])
        f[(f == 1) & (up == 1)] = 3
        return f

    task = _task(fn, seed=3, n=6, shape=(10, 10), palette=(0, 0, 1))
    off = {**SMALL, "graph_depth": 1, "pieces": False, "graph_local_rules": 0}
    assert not explore(task, off, Budget(600), 400_000).fits
    res = explore(task, {**off, "graph_local_rules": 64}, Budget(600), 400_000)
    fit = next(f for f in res.fits if f.stage == "local_rule")
    assert fit.program.steps[-1].op == "local_rule"
    assert np.array_equal(fit.test_outputs[0], task.test_outputs[0])
    prog = parse(fit.program.text())  # reruns from its text
    assert np.array_equal(prog.run(task.test_inputs[0]), task.test_outputs[0])


def test_absent_colour_decides_without_a_call():
    """replace_colour(5, 1) on images without colour 5 is the image itself, and crop_to_colour(5)
    is not applicable: no call is made, no call's work is counted, and the children are what the
    calls would give."""
    task = _task(lambda g: g[::-1], palette=(0, 1, 2))
    fns = [
        f
        for f in graph_functions((0, 1, 2, 5), (1,))
        if f.op in ("replace_colour", "crop_to_colour")
    ]
    ids = [
        i
        for i, f in enumerate(fns)
        if (f.op, f.lits)
        in (("replace_colour", (5, 1)), ("crop_to_colour", (5,)), ("replace_colour", (1, 5)))
    ]
    g = Graph(task, fns, 10**6, 10**6, Budget(600))
    (new,) = g.layer(1, ids)
    assert g.n_skipped == 2 * len(g.inputs) and g.n_apps == len(g.inputs)
    assert [g.program(int(s)).text() for s in new] == ["x1 = replace_colour(I, 1, 5)\nO = x1"]
    row = g._rows[0][0][int(g.ids[0, 0])]
    assert sorted(row.tolist())[0] == -1 and int(g.ids[0, 0]) in row.tolist()
    assert g.work == pytest.approx(
        sum(
            g.fn_us[i] * w
            for i in ids
            if fns[i].lits == (1, 5)
            for w in [s.weight[0] for s in g.stores]
        )
        + g.overhead_us * len(ids) * len(g.inputs)
    )


def test_close_states_are_repaired_by_a_stamp():
    """Red cells paint yellow diagonal corners, blue cells orange sides (over background); the
    test input has a blue cell beside a red one and a grey cell that paints nothing: a lookup
    table of neighbourhoods has no example of either, a stamp needs none."""

    def fn(g):
        out = g.copy()
        for (r, c), v in np.ndenumerate(g):
            offs = {2: [(-1, -1), (-1, 1), (1, -1), (1, 1)], 1: [(-1, 0), (1, 0), (0, -1), (0, 1)]}
            for dr, dc in offs.get(int(v), []):
                if 0 <= r + dr < g.shape[0] and 0 <= c + dc < g.shape[1] and g[r + dr, c + dc] == 0:
                    out[r + dr, c + dc] = 4 if v == 2 else 7
        return out

    demos = []
    for seed in range(3):
        g = np.zeros((9, 9), dtype=np.int8)
        rng = np.random.default_rng(seed)
        g[rng.integers(1, 4), rng.integers(1, 8)] = 2
        g[rng.integers(6, 8), rng.integers(1, 8)] = 1  # apart: no cell painted twice
        demos.append(Pair(g, fn(g)))
    test = np.zeros((9, 9), dtype=np.int8)
    test[2, 2], test[2, 4], test[6, 6] = 2, 1, 5
    task = Task("t", demos, [test], [fn(test)])
    off = {**SMALL, "graph_depth": 1, "pieces": False, "graph_local_rules": 0}
    res = explore(task, {**off, "graph_local_rules": 64}, Budget(600), 400_000)
    fit = next(f for f in res.fits if f.program.steps[-1].op == "stamp")
    assert np.array_equal(fit.test_outputs[0], task.test_outputs[0])
    prog = parse(fit.program.text())
    assert np.array_equal(prog.run(test), task.test_outputs[0])


def test_deep_level_takes_the_most_used_literal_free_functions():
    from dsl.search.explore import _deep_functions
    from dsl.search.graph import fn_prior

    fns = graph_functions((0, 1, 2), (1, 2))
    every = list(range(len(fns)))
    deep = _deep_functions(fns, every, 10, "prior")
    assert deep == sorted(deep) and all(not fns[i].lits for i in deep)
    uses = fn_prior()
    least = min(uses.get(fns[i].op, 0) for i in deep)
    skipped = [i for i in every if not fns[i].lits and i not in deep]
    assert all(uses.get(fns[i].op, 0) <= least for i in skipped)
    assert _deep_functions(fns, every, 10, "name") == [i for i in every if not fns[i].lits][:10]
    with pytest.raises(ValueError, match="graph_deep_order"):
        _deep_functions(fns, every, 10, "random")


def test_prior_counts_solved_programs_and_refuses_evaluation_records(tmp_path, monkeypatch):
    import json

    from dsl import bench
    from dsl.search import graph

    train = sorted(raw_set("arc1_train"))
    rows = [
        {"task_id": train[0], "score": 1.0, "program": "x1 = flip_lr(I)\nO = x1"},
        {"task_id": train[1], "score": 1.0, "program": ["x1 = flip_lr(I)\nx2 = rot90(x1)\nO = x2"]},
        {"task_id": train[2], "score": 0.0, "program": "x1 = rot90(I)\nO = x1"},
    ]
    rec = tmp_path / "tasks.jsonl"
    rec.write_text("".join(json.dumps(r) + "\n" for r in rows))
    monkeypatch.setattr(graph, "FN_PRIOR", tmp_path / "fn_prior.json")
    bench.main(["--prior", str(rec)])
    doc = json.loads((tmp_path / "fn_prior.json").read_text())
    assert doc["programs_using"] == {"flip_lr": 2, "rot90": 1} and doc["solved_tasks"] == 2
    evaluation = tmp_path / "eval.jsonl"
    evaluation.write_text(json.dumps({**rows[0], "task_id": sorted(raw_set("arc1_eval"))[0]}))
    with pytest.raises(SystemExit, match="evaluation task"):
        bench.main(["--prior", str(evaluation)])


def test_close_states_are_repaired_by_an_object_rule():
    """Blue shapes: the largest turns red, the smallest yellow, the rest stay blue. The test
    input's sizes are not the demos' sizes, nor is its number of shapes the first demo's: the rule
    is learned on the size ranks from the smallest."""
    from dsl.program import object_properties, recolour_by_property

    def grid(sizes, seed):
        g = np.zeros((12, 12), dtype=np.int8)
        order = np.random.default_rng(seed).permutation(len(sizes))
        for row, k in enumerate(order):
            g[3 * row, : sizes[k]] = 1  # bars of the given lengths, two rows apart
        return g

    def fn(g):
        ranks = object_properties(g, False)[1]["size_rank"]
        return recolour_by_property(g, "size_rank", False, {0: 2, max(ranks): 4})

    demos = [Pair(g, fn(g)) for g in (grid([2, 5, 7], 0), grid([3, 4, 6, 8], 1))]
    test = grid([1, 3, 9, 11], 2)
    task = Task("t", demos, [test], [fn(test)])
    off = {**SMALL, "graph_depth": 1, "pieces": False, "graph_local_rules": 64}
    res = explore(task, off, Budget(600), 400_000)
    fit = next(f for f in res.fits if f.program.steps[-1].op == "recolour_by_property")
    assert fit.program.steps[-1].args[1] == "size_rank_rev"
    assert np.array_equal(fit.test_outputs[0], task.test_outputs[0])
    assert np.array_equal(parse(fit.program.text()).run(test), task.test_outputs[0])
