import numpy as np
import pytest

from dsl.primitives.geometry import rot90
from dsl.program import ParseError, Program, Ref, Step, local_rule, parse, stamp


def _prog() -> Program:
    return Program(
        (
            Step("x1", "rot90", (Ref("I"),)),
            Step("x2", "replace_colour", (Ref("x1"), 3, 5)),
            Step("x3", "colour_map", (Ref("x2"), (0, 2, 1, 3, 4, 5, 6, 7, 8, 9))),
            Step("x4", "local_rule", (Ref("x3"), "n4", {(5, 10, 0, 10, 0): 7})),
            Step("x5", "tile_blocks", (Ref("x4"), 1, 2, (0, 4))),
        )
    )


def test_round_trip_text_and_outputs():
    prog = _prog()
    text = prog.text()
    assert text.splitlines()[0] == "x1 = rot90(I)"
    assert text.splitlines()[-1] == "O = x5"
    again = parse(text)
    assert again == prog
    assert again.text() == text
    rng = np.random.default_rng(0)
    for _ in range(5):
        g = rng.integers(0, 10, size=(4, 3)).astype(np.int8)
        assert np.array_equal(prog.run(g), again.run(g))


def test_run_matches_primitives():
    g = np.arange(6, dtype=np.int8).reshape(2, 3)
    out = parse("x1 = rot90(I)\nx2 = replace_colour(x1, 3, 5)\nO = x2").run(g)
    expected = rot90(g).copy()
    expected[expected == 3] = 5
    assert np.array_equal(out, expected)


def test_identity_program():
    prog = parse("O = I")
    g = np.ones((2, 2), dtype=np.int8)
    assert prog.text() == "O = I" and np.array_equal(prog.run(g), g)


@pytest.mark.parametrize(
    "text",
    [
        "x1 = rot90(I)",  # no output line
        "x1 = rot90(y)\nO = x1",  # undefined name
        "x1 = __import__('os')\nO = x1",  # unknown op
        "x1 = rot90(I).T\nO = x1",  # not a plain call
        "x1 = rot90(I)\nx1 = rot90(x1)\nO = x1",  # reassignment
        "x1 = replace_colour(I, 1 + 2, 3)\nO = x1",  # expression, not literal
        "x1 = rot90(I, key=1)\nO = x1",  # keywords
    ],
)
def test_parse_rejects(text):
    with pytest.raises(ParseError):
        parse(text)


def test_local_rule_unseen_keeps_cell():
    g = np.array([[1, 2]], dtype=np.int8)
    out = local_rule(g, "n4", {(1, 10, 10, 10, 2): 9})
    assert out.tolist() == [[9, 2]]


def test_local_rule_mod3_reads_position():
    g = np.full((2, 7), 4, dtype=np.int8)
    out = local_rule(g, "mod3", {(4, 0, 0): 6, (4, 1, 0): 6})  # every third column -> 6
    assert out[:, [0, 3, 6]].tolist() == [[6, 6, 6], [6, 6, 6]]
    assert (out[:, [1, 2, 4, 5]] == 4).all()


def test_local_rule_isotropic_kinds_read_the_set_of_neighbour_colours():
    g = np.array([[0, 0, 0], [0, 2, 0], [0, 0, 3]], dtype=np.int8)
    # n4s: a 0 whose 4 neighbours are 0s and a 2 (the outside adds nothing) -> 5, whichever side
    out = local_rule(g, "n4s", {(0, (1 << 0) | (1 << 2)): 5})
    assert out.tolist() == [[0, 5, 0], [5, 2, 0], [0, 0, 3]]  # the 0s beside the 3: another key
    # n8s: the corner 3 sees the 2 diagonally
    out = local_rule(g, "n8s", {(3, (1 << 0) | (1 << 2)): 7})
    assert out[2, 2] == 7


def test_local_rule_z_kinds_read_the_outside_as_background():
    g = np.array([[0, 1], [0, 0]], dtype=np.int8)
    # n4z: (centre, up, down, left, right); the outside is 0, not PAD
    out = local_rule(g, "n4z", {(0, 0, 0, 0, 1): 2, (0, 1, 0, 0, 0): 3})
    assert out.tolist() == [[2, 1], [0, 3]]
    assert local_rule(g, "n4", {(0, 0, 0, 0, 1): 2}).tolist() == [[0, 1], [0, 0]]  # PAD above


def test_stamp_paints_around_each_cell_of_a_colour_over_background_only():
    g = np.array([[0, 0, 0, 0], [0, 1, 0, 2], [0, 0, 0, 0]], dtype=np.int8)
    entries = ((1, -1, 0, 7), (1, 0, 1, 7), (2, 0, -1, 4), (2, -1, 1, 5))  # last one: outside
    out = stamp(g, entries)
    assert out.tolist() == [[0, 7, 0, 0], [0, 1, 4, 2], [0, 0, 0, 0]]  # (1, 2): 7 then 4
    assert g.tolist()[1] == [0, 1, 0, 2]  # input untouched
    prog = parse(f"x1 = stamp(I, {entries!r})\nO = x1")  # negative offsets parse back
    assert np.array_equal(prog.run(g), out)


def test_rank_colours_relabels_by_frequency_and_unrank_inverts():
    from dsl.primitives.colour import rank_table
    from dsl.program import rank_colours, unrank_colours

    g = np.array([[7, 7, 7, 3], [7, 7, 0, 3], [7, 5, 5, 5]], dtype=np.int8)
    t = rank_table(g)
    assert sorted(t.tolist()) == list(range(10))
    # 7 (6 cells) -> 0; 5 (3) -> 1; 3 (2) -> 2; 0 (1) -> 3; absent 8 keeps its number
    assert [t[7], t[5], t[3], t[0], t[8]] == [0, 1, 2, 3, 8]
    # ties: the colour seen first in reading order ranks first
    tied = rank_table(np.array([[0, 0, 4, 2, 2, 4]], dtype=np.int8))
    assert tied[[0, 4, 2]].tolist() == [0, 1, 2]
    r = rank_colours(g)
    assert r[0, 0] == 0 and r[2, 1] == 1
    assert np.array_equal(unrank_colours(r, g), g)
    # an answer's colour the input lacks maps back through the same table
    assert unrank_colours(np.array([[8, 1]], dtype=np.int8), g).tolist() == [[8, 5]]


def test_recolour_by_property_recolours_whole_objects_by_their_property():
    from dsl.program import object_properties, recolour_by_property

    g = np.array(
        [[1, 1, 0, 2, 0], [1, 1, 0, 0, 0], [0, 0, 0, 3, 3], [1, 0, 0, 0, 0]], dtype=np.int8
    )
    _, props = object_properties(g, False)  # objects in reading order: 1-block, 2, 3-bar, 1
    assert props["size_rank"] == [0, 2, 1, 2] and props["shape_count"] == [1, 2, 1, 2]
    assert props["is_rect"] == [1, 1, 1, 1] and props["touches_border"] == [1, 1, 1, 1]
    out = recolour_by_property(g, "size_rank", False, {0: 5, 2: 6})
    assert out.tolist() == [[5, 5, 0, 6, 0], [5, 5, 0, 0, 0], [0, 0, 0, 3, 3], [6, 0, 0, 0, 0]]
    ring = np.array([[4, 4, 4], [4, 0, 4], [4, 4, 4]], dtype=np.int8)
    assert object_properties(ring, False)[1]["has_hole"] == [1]
    prog = parse("x1 = recolour_by_property(I, 'size_rank', False, {0: 5, 2: 6})\nO = x1")
    assert np.array_equal(prog.run(g), out)
    with pytest.raises(ValueError, match="property"):
        recolour_by_property(g, "weight", False, {})
    # a default colour for the values the table lacks
    out = recolour_by_property(g, "size", False, {4: 7}, 8)
    assert out.tolist() == [[7, 7, 0, 8, 0], [7, 7, 0, 0, 0], [0, 0, 0, 8, 8], [8, 0, 0, 0, 0]]


def test_lookup_constant_answers_a_fixed_grid_per_class_of_input():
    from dsl.program import GRID_KEYS, grid_key, lookup_constant

    g = np.array([[0, 2, 2], [2, 0, 3], [0, 0, 0]], dtype=np.int8)  # (1, 0) touches a corner
    keys = {k: grid_key(g, k) for k in GRID_KEYS}
    assert keys == {
        "n_colours": 2,
        "main_colour": 2,
        "minor_colour": 3,
        "n_objects": 3,
        "n_objects8": 2,
        "n_cells": 4,
        "palette": 0b1101,
    }
    table = {2: ((1, 1),), 3: ((5,),)}
    assert lookup_constant(g, "n_objects", table).tolist() == [[5]]
    assert parse(f"x1 = lookup_constant(I, 'n_colours', {table!r})\nO = x1").run(g).tolist() == [
        [1, 1]
    ]
    with pytest.raises(ValueError, match="no grid"):
        lookup_constant(g, "n_cells", table)
