"""Object-level primitives: one test function `test_<primitive name>` each."""

from __future__ import annotations

import numpy as np
import pytest

from dsl.primitives import objects as ob
from tests.dsl.grids import G

# Single-colour 4-connected objects, in row-major order of their first cell:
# 1s (size 3), 2s (size 4, a 2x2 block), 3s (vertical pair), 3 (single), 4 (single), 5 (single).
SCENE = G("1100022/1000022/0003000/0303000/4000005")


def summary(objs) -> list[tuple[int, int, int, int]]:
    """(colour, size, top, left) per object."""
    return [(o.colour, o.size, o.top, o.left) for o in objs]


def test_objects():
    objs = ob.objects(SCENE)
    assert summary(objs) == [
        (1, 3, 0, 0),
        (2, 4, 0, 5),
        (3, 2, 2, 3),
        (3, 1, 3, 1),
        (4, 1, 4, 0),
        (5, 1, 4, 6),
    ]
    np.testing.assert_array_equal(objs[0].grid, G("11/10"))
    np.testing.assert_array_equal(objs[0].mask, G("11/10") != 0)
    with pytest.raises(ValueError):
        ob.objects(G("00/00"))


def test_objects_diagonal():
    assert summary(ob.objects_diagonal(G("100/010/002"))) == [(1, 2, 0, 0), (2, 1, 2, 2)]


def test_objects_multicolour():
    objs = ob.objects_multicolour(G("120/003/000/400"))
    assert [(o.colours, o.size) for o in objs] == [((1, 2, 3), 3), ((4,), 1)]


def test_objects_multicolour_4():
    objs = ob.objects_multicolour_4(G("120/003"))
    assert [(o.colours, o.size) for o in objs] == [((1, 2), 2), ((3,), 1)]


def test_objects_majority_background():
    objs = ob.objects_majority_background(G("555/515/550"))
    assert summary(objs) == [(1, 1, 1, 1), (0, 1, 2, 2)]


def test_objects_multicolour_majority_background():
    objs = ob.objects_multicolour_majority_background(G("5555/5125/5555/5553"))
    assert [(o.colours, o.size, o.top, o.left) for o in objs] == [
        ((1, 2), 2, 1, 1),
        ((3,), 1, 3, 3),
    ]


def test_objects_by_colour():
    objs = ob.objects_by_colour(G("101/020"))
    assert summary(objs) == [(1, 2, 0, 0), (2, 1, 1, 1)]
    np.testing.assert_array_equal(objs[0].grid, G("101"))


def test_grid_cells():
    cells = ob.grid_cells(G("10500/00502/55555/00500/00533"))
    assert [(c.top, c.left, c.size) for c in cells] == [(0, 0, 1), (0, 3, 1), (3, 0, 0), (3, 3, 2)]
    np.testing.assert_array_equal(cells[3].grid, G("00/33"))
    assert cells[1].colour == 2


def test_largest():
    assert ob.largest(ob.objects(SCENE)).colour == 2


def test_smallest():
    assert ob.smallest(ob.objects(G("110/000/201"))[:2]).colour == 2
    with pytest.raises(ValueError):  # three objects of one cell: a tie
        ob.smallest(ob.objects(SCENE))


def test_largest_box():
    assert ob.largest_box(ob.objects(G("1010/0010/2000"))).colour == 1
    assert ob.largest_box(ob.objects(G("1000/0022"))).colour == 2


def test_smallest_box():
    assert ob.smallest_box(ob.objects(G("1100/0000/0200"))).colour == 2


def test_topmost():
    assert ob.topmost(ob.objects(G("000/020/100"))).colour == 2


def test_bottommost():
    assert ob.bottommost(ob.objects(G("010/000/202"))).colour == 2
    assert (ob.bottommost(ob.objects(G("010/000/302"))).colour) == 3  # ties: leftmost


def test_leftmost():
    assert ob.leftmost(ob.objects(G("0010/0000/0200"))).colour == 2


def test_rightmost():
    assert ob.rightmost(ob.objects(G("0010/0000/0200"))).colour == 1


def test_most_colourful():
    assert ob.most_colourful(ob.objects_multicolour(G("12000/00030/00003"))).colours == (1, 2)


def test_most_marked():
    objs = ob.objects_multicolour(G("1110111/1210121/1110121"))
    assert ob.most_marked(objs).left == 4  # two 2s against one
    with pytest.raises(ValueError):
        ob.most_marked(ob.objects_multicolour(G("12012")))  # a tie


def test_densest():
    assert ob.densest(ob.objects(G("1000/0110/0100"))).top == 0
    objs = ob.objects_diagonal(G("10022/01022"))
    assert ob.densest(objs).colour == 2


def test_sparsest():
    objs = ob.objects_diagonal(G("10022/01022"))
    assert ob.sparsest(objs).colour == 1


def test_unique_colour():
    assert ob.unique_colour(ob.objects(G("10101/00000/20101"))).colour == 2
    with pytest.raises(ValueError):
        ob.unique_colour(ob.objects(G("1020")))  # fewer than three objects


def test_unique_shape():
    objs = ob.objects(G("11011/00000/11010/00010"))
    assert (ob.unique_shape(objs).top, ob.unique_shape(objs).left) == (2, 3)


def test_unique_size():
    objs = ob.objects(G("1101/0000/1100"))
    assert ob.unique_size(objs).top == 0 and ob.unique_size(objs).left == 3


def test_unique_pattern():
    objs = ob.objects_multicolour(G("12012/00000/12021"))
    assert (ob.unique_pattern(objs).top, ob.unique_pattern(objs).left) == (2, 3)


def test_most_common_pattern():
    objs = ob.objects(G("10101/00000/20000"))
    assert ob.most_common_pattern(objs).colour == 1
    with pytest.raises(ValueError):
        ob.most_common_pattern(ob.objects(G("102")))


def test_symmetric_one():
    objs = ob.objects(G("11000/00000/11000/01100"))  # a bar and a Z
    assert ob.symmetric_one(objs).top == 0


def test_asymmetric_one():
    objs = ob.objects(G("11000/00000/11000/01100/00000/00011/00011"))  # bar, Z, square
    assert ob.asymmetric_one(objs).left == 0 and ob.asymmetric_one(objs).top == 2


def test_crop_object():
    obj = ob.largest(ob.objects(G("000/012/011")))
    np.testing.assert_array_equal(ob.crop_object(obj), G("10/11"))


def test_object_patch():
    obj = ob.largest(ob.objects(G("000/012/011")))
    np.testing.assert_array_equal(ob.object_patch(obj), G("12/11"))


def test_object_colour():
    assert ob.object_colour(ob.objects(G("03"))[0]) == 3


def test_object_size():
    assert ob.object_size(ob.objects(G("33/30"))[0]) == 3


def test_count():
    assert ob.count(ob.objects(SCENE)) == 6


def test_recolour_object():
    obj = ob.recolour_object(ob.objects(G("010/011"))[0], 4)
    np.testing.assert_array_equal(obj.grid, G("40/44"))
    assert obj.colours == (4,) and (obj.top, obj.left) == (0, 1)


def test_paint_object():
    obj = ob.objects(G("010/011"))[0]
    res = ob.paint_object(G("222/222"), obj)
    np.testing.assert_array_equal(res, G("212/211"))


def test_erase_object():
    g = G("010/211")
    res = ob.erase_object(g, ob.objects(g)[0])
    np.testing.assert_array_equal(res, G("000/200"))
    np.testing.assert_array_equal(g, G("010/211"))
    with pytest.raises(ValueError):
        ob.erase_object(G("1"), ob.objects(g)[0])


def test_with_colour():
    assert summary(ob.with_colour(ob.objects(SCENE), 3)) == [(3, 2, 2, 3), (3, 1, 3, 1)]
    with pytest.raises(ValueError):
        ob.with_colour(ob.objects(SCENE), 9)


def test_with_size():
    assert [o.colour for o in ob.with_size(ob.objects(SCENE), 1)] == [3, 4, 5]


def test_recolour_objects():
    res = ob.recolour_objects(SCENE, ob.with_colour(ob.objects(SCENE), 3), 7)
    np.testing.assert_array_equal(res, np.where(SCENE == 3, 7, SCENE))


def test_objects_in_a_row():
    res = ob.objects_in_a_row(ob.objects(G("0200/0002/1002")))
    np.testing.assert_array_equal(res, G("122/002"))


def test_objects_in_a_column():
    res = ob.objects_in_a_column(ob.objects(G("0200/0002/1002")))
    np.testing.assert_array_equal(res, G("2/2/2/1"))


def test_split_columns():
    parts = ob.split_columns(G("1020/0304"), 2)
    assert [(p.top, p.left, p.size, p.colours) for p in parts] == [
        (0, 0, 2, (1, 3)),
        (0, 2, 2, (2, 4)),
    ]
    with pytest.raises(ValueError):
        ob.split_columns(G("123"), 2)


def test_split_rows():
    parts = ob.split_rows(G("12/00/30/04"), 2)
    np.testing.assert_array_equal(parts[1].grid, G("30/04"))
    assert parts[1].top == 2


def test_square_parts():
    parts = ob.square_parts(G("1100/1102"))
    assert [(p.left, p.size) for p in parts] == [(0, 4), (2, 1)]
    with pytest.raises(ValueError):
        ob.square_parts(G("12/34"))


def test_most_of_colour():
    objs = ob.objects_multicolour(G("12000/00000/22100"))
    assert ob.most_of_colour(objs, 2).top == 2
    with pytest.raises(ValueError):  # one cell of colour 1 in each: a tie
        ob.most_of_colour(objs, 1)


def test_fewest_colours():
    objs = ob.objects_multicolour(G("12000/00000/00300"))
    assert ob.fewest_colours(objs).colours == (3,)


def test_object_interior():
    obj = ob.objects(G("2220/2120/2220"))[0]
    np.testing.assert_array_equal(ob.object_interior(obj), G("1"))
    with pytest.raises(ValueError):
        ob.object_interior(ob.objects(G("22"))[0])


def test_objects_on_blank():
    g = G("12/03")
    res = ob.objects_on_blank(g, ob.with_colour(ob.objects(g), 2))
    np.testing.assert_array_equal(res, G("02/00"))
    with pytest.raises(ValueError):
        ob.objects_on_blank(g, ())


def test_without():
    objs = ob.objects(SCENE)
    rest = ob.without(objs, ob.largest(objs))
    assert len(rest) == 5 and all(o.colour != 2 for o in rest)


def test_same_shape_as():
    objs = ob.objects(G("101/000/202/000/330"))
    assert [o.colour for o in ob.same_shape_as(objs, objs[0])] == [1, 1, 2, 2]


def test_same_colour_as():
    objs = ob.objects(SCENE)
    assert summary(ob.same_colour_as(objs, objs[2])) == [(3, 2, 2, 3), (3, 1, 3, 1)]


def test_containing_colour():
    objs = ob.objects_multicolour(G("12000/00000/33000"))
    assert ob.containing_colour(objs, 2).top == 0
    with pytest.raises(ValueError):
        ob.containing_colour(objs, 7)


def test_larger_than():
    assert [o.colour for o in ob.larger_than(ob.objects(SCENE), 2)] == [1, 2]


def test_smaller_than():
    assert [o.colour for o in ob.smaller_than(ob.objects(SCENE), 2)] == [3, 4, 5]


def test_holed_one():
    objs = ob.objects_diagonal(G("22200/20200/22200/00000/33300"))
    assert ob.holed_one(objs).colour == 2
    with pytest.raises(ValueError):
        ob.holed_one(ob.objects(G("1010")))


def test_object_colour_cell():
    np.testing.assert_array_equal(ob.object_colour_cell(ob.objects(G("033"))[0]), G("3"))
