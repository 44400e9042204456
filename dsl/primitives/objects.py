"""Object primitives: the Object type, extraction (by connectivity, colour, background, grid
cells, equal parts), selectors, object-level values and edits, and filters over object sets.

An `Object` is a connected part of a grid, cut out with its position; `Objects` is a tuple of
them in row-major order of their first cell. Selectors raise ValueError when the choice is empty
or ambiguous (a tie), so the search never builds on an arbitrary pick. Whole-grid edits that
work object by object live in `object_edits`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dsl import kernels
from dsl.primitives.common import BG, by_content, most_common, out, split_cells
from dsl.registry import primitive
from dsl.types import MAX_SIDE, Grid


@dataclass(frozen=True, eq=False)
class Object:
    """A grid object: its bounding-box crop, mask and position in the source grid."""

    grid: Grid  # bounding-box crop; cells outside the object hold `bg`
    mask: np.ndarray  # bool, bounding-box shaped: which cells belong to the object
    top: int
    left: int
    colours: tuple[int, ...]  # colours of its cells, most frequent first
    size: int  # number of cells
    patch: Grid  # the source grid's bounding-box crop (other objects' cells included)
    bg: int = BG

    @property
    def colour(self) -> int:
        """Main (most frequent) colour."""
        return self.colours[0] if self.colours else self.bg

    @property
    def height(self) -> int:
        return self.grid.shape[0]

    @property
    def width(self) -> int:
        return self.grid.shape[1]

    @property
    def bottom(self) -> int:
        """Last row (inclusive)."""
        return self.top + self.height - 1

    @property
    def right(self) -> int:
        """Last column (inclusive)."""
        return self.left + self.width - 1

    def shape_key(self) -> bytes:
        """Identity of the shape (mask), ignoring colours and position."""
        return bytes(self.mask.shape) + np.packbits(self.mask).tobytes()

    def key(self) -> bytes:
        """Identity of shape and colours, ignoring position."""
        return bytes(self.grid.shape) + self.mask.tobytes() + self.grid.tobytes()


Objects = tuple  # tuple[Object, ...]


def make_object(g: Grid, mask: np.ndarray, bg: int) -> Object:
    """The object of g's cells under a full-size `mask` (non-empty)."""
    rows = np.nonzero(mask.any(axis=1))[0]
    cols = np.nonzero(mask.any(axis=0))[0]
    r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    return _object(g, mask[r0:r1, c0:c1], int(r0), int(c0), bg)


def _colours(counts: np.ndarray | list[int]) -> tuple[int, ...]:
    """Colours with a non-zero count, most frequent first (ties: lower colour first)."""
    cl = counts if isinstance(counts, list) else counts.tolist()
    present = [c for c in range(10) if cl[c]]
    if len(present) == 1:
        return (present[0],)
    return tuple(sorted(present, key=cl.__getitem__, reverse=True))  # stable: ties keep order


def _object(
    g: Grid, m: np.ndarray, r0: int, c0: int, bg: int, counts: list[int] | None = None
) -> Object:
    h, w = m.shape
    patch = np.ascontiguousarray(g[r0 : r0 + h, c0 : c0 + w])
    fill = bg if bg >= 0 else BG
    grid = patch.copy()
    grid[~m] = fill
    if counts is None:
        counts = np.bincount(patch[m].astype(np.int64), minlength=10).tolist()
    return Object(grid, m, r0, c0, _colours(counts), sum(counts), patch, fill)


@by_content()
def extract(g: Grid, conn8: bool, multicolour: bool, bg: int) -> Objects:
    """Connected components of g as Objects (bg=-1: every cell belongs to some object)."""
    return _extract(g, conn8, multicolour, bg)


def _extract(g: Grid, conn8: bool, multicolour: bool, bg: int) -> Objects:
    labels, n = kernels.label_components(g, conn8, multicolour, bg)
    if n == 0:
        raise ValueError("no objects")
    boxes = kernels.component_boxes(labels, n)
    counts = kernels.component_colour_counts(labels, g, n).tolist()
    objs = []
    for k, (r0, c0, r1, c1, _) in enumerate(boxes.tolist()):
        m = labels[r0 : r1 + 1, c0 : c1 + 1] == k
        o = _object(g, m, r0, c0, bg, counts[k])
        for a in (o.grid, o.mask, o.patch):
            a.flags.writeable = False
        objs.append(o)
    return tuple(objs)


@primitive(("Grid",), "Objects")
def objects(g: Grid) -> Objects:
    """Single-colour 4-connected objects on background 0."""
    return extract(g, False, False, BG)


@primitive(("Grid",), "Objects")
def objects_diagonal(g: Grid) -> Objects:
    """Single-colour 8-connected objects on background 0."""
    return extract(g, True, False, BG)


@primitive(("Grid",), "Objects")
def objects_multicolour(g: Grid) -> Objects:
    """Multicolour 8-connected objects (any non-0 cells that touch) on background 0."""
    return extract(g, True, True, BG)


@primitive(("Grid",), "Objects", cost=1.5)
def objects_multicolour_4(g: Grid) -> Objects:
    """Multicolour 4-connected objects on background 0."""
    return extract(g, False, True, BG)


@primitive(("Grid",), "Objects")
def objects_majority_background(g: Grid) -> Objects:
    """Single-colour 4-connected objects on the most frequent colour as background."""
    return extract(g, False, False, most_common(g))


@primitive(("Grid",), "Objects", cost=1.5)
def objects_multicolour_majority_background(g: Grid) -> Objects:
    """Multicolour 8-connected objects on the most frequent colour as background."""
    return extract(g, True, True, most_common(g))


@primitive(("Grid",), "Objects")
def objects_by_colour(g: Grid) -> Objects:
    """One object per non-background colour: all its cells, connected or not."""
    objs = tuple(make_object(g, g == c, BG) for c in range(10) if c != BG and (g == c).any())
    if not objs:
        raise ValueError("no objects")
    return objs


@primitive(("Grid",), "Objects")
def grid_cells(g: Grid) -> Objects:
    """The cells between separator lines, each as an object (its mask: non-0 cells)."""
    res = []
    for row in split_cells(g):
        for r0, c0, cell in row:
            obj = _object(g, np.ones(cell.shape, dtype=bool), r0, c0, BG)
            fg = cell != BG
            cols = _colours(np.bincount(cell[fg].astype(np.int64), minlength=10))
            res.append(
                Object(obj.grid, np.ascontiguousarray(fg), r0, c0, cols, int(fg.sum()), obj.patch)
            )
    return tuple(res)


# ---------------------------------------------------------------------------------------------
# Selectors


def _unique_best(objs: Objects, key: Callable[[Object], float]) -> Object:
    """The object with the largest key; ValueError when empty or tied."""
    if not objs:
        raise ValueError("no objects")
    keys = [key(o) for o in objs]
    best = max(keys)
    if keys.count(best) != 1:
        raise ValueError("tie")
    return objs[keys.index(best)]


def _the_odd_one(objs: Objects, key: Callable[[Object], object]) -> Object:
    """The only object whose key no other object shares; ValueError otherwise."""
    if len(objs) < 3:
        raise ValueError("too few objects to find an odd one out")
    keys = [key(o) for o in objs]
    counts = Counter(keys)
    singles = [o for o, k in zip(objs, keys) if counts[k] == 1]
    if len(singles) != 1:
        raise ValueError("no unique odd one out")
    return singles[0]


@primitive(("Objects",), "Object")
def largest(objs: Objects) -> Object:
    """The object with the most cells."""
    return _unique_best(objs, lambda o: o.size)


@primitive(("Objects",), "Object")
def smallest(objs: Objects) -> Object:
    """The object with the fewest cells."""
    return _unique_best(objs, lambda o: -o.size)


@primitive(("Objects",), "Object")
def largest_box(objs: Objects) -> Object:
    """The object with the largest bounding box."""
    return _unique_best(objs, lambda o: o.height * o.width)


@primitive(("Objects",), "Object")
def smallest_box(objs: Objects) -> Object:
    """The object with the smallest bounding box."""
    return _unique_best(objs, lambda o: -o.height * o.width)


@primitive(("Objects",), "Object")
def topmost(objs: Objects) -> Object:
    """The object starting highest (ties: leftmost of them)."""
    return _unique_best(objs, lambda o: (-o.top, -o.left))


@primitive(("Objects",), "Object")
def bottommost(objs: Objects) -> Object:
    """The object reaching lowest (ties: leftmost of them)."""
    return _unique_best(objs, lambda o: (o.bottom, -o.left))


@primitive(("Objects",), "Object")
def leftmost(objs: Objects) -> Object:
    """The object starting furthest left (ties: topmost of them)."""
    return _unique_best(objs, lambda o: (-o.left, -o.top))


@primitive(("Objects",), "Object")
def rightmost(objs: Objects) -> Object:
    """The object reaching furthest right (ties: topmost of them)."""
    return _unique_best(objs, lambda o: (o.right, -o.top))


@primitive(("Objects",), "Object")
def most_colourful(objs: Objects) -> Object:
    """The object with the most distinct colours."""
    return _unique_best(objs, lambda o: len(o.colours))


@primitive(("Objects",), "Object")
def densest(objs: Objects) -> Object:
    """The object filling the largest fraction of its bounding box."""
    return _unique_best(objs, lambda o: o.size / (o.height * o.width))


@primitive(("Objects",), "Object", cost=1.5)
def most_marked(objs: Objects) -> Object:
    """The object with the most cells not of its main colour (marks, dots, holes filled in)."""
    return _unique_best(objs, lambda o: int(o.mask.sum() - (o.mask & (o.grid == o.colour)).sum()))


@primitive(("Objects",), "Object", cost=1.5)
def sparsest(objs: Objects) -> Object:
    """The object filling the smallest fraction of its bounding box."""
    return _unique_best(objs, lambda o: -o.size / (o.height * o.width))


@primitive(("Objects",), "Object")
def unique_colour(objs: Objects) -> Object:
    """The only object whose main colour no other object has."""
    return _the_odd_one(objs, lambda o: o.colour)


@primitive(("Objects",), "Object")
def unique_shape(objs: Objects) -> Object:
    """The only object whose shape no other object has."""
    return _the_odd_one(objs, lambda o: o.shape_key())


@primitive(("Objects",), "Object")
def unique_size(objs: Objects) -> Object:
    """The only object whose cell count no other object has."""
    return _the_odd_one(objs, lambda o: o.size)


@primitive(("Objects",), "Object")
def unique_pattern(objs: Objects) -> Object:
    """The only object whose pattern (shape and colours) no other object has."""
    return _the_odd_one(objs, lambda o: o.key())


@primitive(("Objects",), "Object", cost=1.5)
def most_common_pattern(objs: Objects) -> Object:
    """An object whose pattern (shape and colours) occurs most often (must be a unique winner)."""
    if not objs:
        raise ValueError("no objects")
    counts = Counter(o.key() for o in objs)
    top = counts.most_common(2)
    if len(top) > 1 and top[0][1] == top[1][1]:
        raise ValueError("tie")
    return next(o for o in objs if o.key() == top[0][0])


@primitive(("Objects",), "Object")
def symmetric_one(objs: Objects) -> Object:
    """The only object with a mirror symmetry (left-right, top-bottom or diagonal)."""
    sym = [o for o in objs if _symmetric(o.grid)]
    if len(sym) != 1:
        raise ValueError("not exactly one symmetric object")
    return sym[0]


@primitive(("Objects",), "Object")
def asymmetric_one(objs: Objects) -> Object:
    """The only object without a mirror symmetry (left-right, top-bottom or diagonal)."""
    asym = [o for o in objs if not _symmetric(o.grid)]
    if len(asym) != 1:
        raise ValueError("not exactly one asymmetric object")
    return asym[0]


def _symmetric(g: Grid) -> bool:
    """Mirror-symmetric: left-right, top-bottom, or (when square) about a diagonal."""
    if (g == g[:, ::-1]).all() or (g == g[::-1]).all():
        return True
    return g.shape[0] == g.shape[1] and bool((g == g.T).all() or (g == g[::-1, ::-1].T).all())


# ---------------------------------------------------------------------------------------------
# Object-level values and edits


@primitive(("Object",), "Grid", cost=0.5)
def crop_object(o: Object) -> Grid:
    """The object cut out to its bounding box (other cells background)."""
    return out(o.grid)


@primitive(("Object",), "Grid", cost=0.5)
def object_patch(o: Object) -> Grid:
    """The source grid under the object's bounding box (everything in it)."""
    return out(o.patch)


@primitive(("Object",), "Colour", cost=0.5)
def object_colour(o: Object) -> int:
    """The object's main colour."""
    return o.colour


@primitive(("Object",), "Int", cost=0.5)
def object_size(o: Object) -> int:
    """The object's number of cells."""
    return o.size


@primitive(("Objects",), "Int", cost=0.5)
def count(objs: Objects) -> int:
    """Number of objects."""
    return len(objs)


@primitive(("Object", "Colour"), "Object")
def recolour_object(o: Object, c: int) -> Object:
    """The object with every cell set to colour `c`."""
    grid = np.where(o.mask, np.int8(c), o.grid).astype(np.int8)
    return Object(grid, o.mask, o.top, o.left, (c,), o.size, o.patch, o.bg)


@primitive(("Grid", "Object"), "Grid")
def paint_object(g: Grid, o: Object) -> Grid:
    """Draw the object onto g at its position (clipped)."""
    res = g.copy()
    h, w = g.shape
    r1, c1 = min(h, o.top + o.height), min(w, o.left + o.width)
    if r1 <= o.top or c1 <= o.left:
        raise ValueError("object outside the grid")
    win = res[o.top : r1, o.left : c1]
    m = o.mask[: r1 - o.top, : c1 - o.left]
    win[m] = o.grid[: r1 - o.top, : c1 - o.left][m]
    return out(res)


@primitive(("Grid", "Object"), "Grid")
def erase_object(g: Grid, o: Object) -> Grid:
    """Set the object's cells in g to background."""
    _inside(g, o)
    res = g.copy()
    res[o.top : o.top + o.height, o.left : o.left + o.width][o.mask] = BG
    return out(res)


def _inside(g: Grid, o: Object) -> None:
    if o.top + o.height > g.shape[0] or o.left + o.width > g.shape[1]:
        raise ValueError("object does not fit the grid")


@primitive(("Objects", "Colour"), "Objects")
def with_colour(objs: Objects, c: int) -> Objects:
    """The objects whose main colour is `c`."""
    res = tuple(o for o in objs if o.colour == c)
    if not res:
        raise ValueError("no object of that colour")
    return res


@primitive(("Objects", "Int"), "Objects")
def with_size(objs: Objects, k: int) -> Objects:
    """The objects of exactly `k` cells."""
    res = tuple(o for o in objs if o.size == k)
    if not res:
        raise ValueError("no object of that size")
    return res


@primitive(("Grid", "Objects", "Colour"), "Grid", cost=1.5)
def recolour_objects(g: Grid, objs: Objects, c: int) -> Grid:
    """Copy of g with the cells of the given objects set to colour `c`."""
    res = g.copy()
    for o in objs:
        _inside(g, o)
        res[o.top : o.top + o.height, o.left : o.left + o.width][o.mask] = c
    return out(res)


@primitive(("Objects",), "Grid")
def objects_in_a_row(objs: Objects) -> Grid:
    """The objects' crops side by side, left to right by position, top-aligned."""
    if not objs:
        raise ValueError("no objects")
    if sum(o.width for o in objs) > MAX_SIDE:  # before building a row that cannot be a grid
        raise ValueError("row too wide")
    order = sorted(objs, key=lambda o: (o.left, o.top))
    h = max(o.height for o in order)
    parts = [np.pad(o.grid, ((0, h - o.height), (0, 0)), constant_values=BG) for o in order]
    return out(np.hstack(parts))


@primitive(("Objects",), "Grid")
def objects_in_a_column(objs: Objects) -> Grid:
    """The objects' crops stacked top to bottom by position, left-aligned."""
    if not objs:
        raise ValueError("no objects")
    if sum(o.height for o in objs) > MAX_SIDE:
        raise ValueError("column too tall")
    order = sorted(objs, key=lambda o: (o.top, o.left))
    w = max(o.width for o in order)
    parts = [np.pad(o.grid, ((0, 0), (0, w - o.width)), constant_values=BG) for o in order]
    return out(np.vstack(parts))


# ---------------------------------------------------------------------------------------------
# Helpers shared with object_edits


def default_objects(g: Grid) -> Objects:
    """Multicolour 8-connected objects on background 0; () for a blank grid."""
    return extract(g, True, True, BG) if (g != BG).any() else ()


def or_none(f: Callable[[Grid], Objects], g: Grid) -> Objects:
    """f(g), or () when g is blank (so in-place edits of a blank grid are no-ops)."""
    return f(g) if (g != BG).any() else ()


# ---------------------------------------------------------------------------------------------
# More extraction and selection


def _parts(g: Grid, n_r: int, n_c: int) -> Objects:
    h, w = g.shape
    if n_r < 1 or n_c < 1 or n_r * n_c < 2 or h % n_r or w % n_c:
        raise ValueError("grid does not split evenly")
    ph, pw = h // n_r, w // n_c
    res = []
    for i in range(n_r):
        for j in range(n_c):
            cell = g[i * ph : (i + 1) * ph, j * pw : (j + 1) * pw]
            fg = cell != BG
            obj = _object(g, np.ones(cell.shape, dtype=bool), i * ph, j * pw, BG)
            cols = _colours(np.bincount(cell[fg].astype(np.int64), minlength=10))
            res.append(Object(obj.grid, fg, i * ph, j * pw, cols, int(fg.sum()), obj.patch))
    return tuple(res)


@primitive(("Grid", "Int"), "Objects", cost=1.5)
def split_columns(g: Grid, k: int) -> Objects:
    """g cut into k equal side-by-side parts, each an object (its mask: non-0 cells)."""
    return _parts(g, 1, k)


@primitive(("Grid", "Int"), "Objects", cost=1.5)
def split_rows(g: Grid, k: int) -> Objects:
    """g cut into k equal stacked parts, each an object (its mask: non-0 cells)."""
    return _parts(g, k, 1)


@primitive(("Grid",), "Objects")
def square_parts(g: Grid) -> Objects:
    """A tall or wide g cut into equal squares, each an object (its mask: non-0 cells)."""
    h, w = g.shape
    if h > w and h % w == 0:
        return _parts(g, h // w, 1)
    if w > h and w % h == 0:
        return _parts(g, 1, w // h)
    raise ValueError("not a row or column of squares")


@primitive(("Objects", "Colour"), "Object", cost=1.5)
def most_of_colour(objs: Objects, c: int) -> Object:
    """The object with the most cells of colour `c`."""
    return _unique_best(objs, lambda o: int((o.grid[o.mask] == c).sum()))


@primitive(("Objects",), "Object", cost=1.5)
def fewest_colours(objs: Objects) -> Object:
    """The object with the fewest distinct colours."""
    return _unique_best(objs, lambda o: -len(o.colours))


@primitive(("Object",), "Grid", cost=0.5)
def object_interior(o: Object) -> Grid:
    """The source grid inside the object's bounding box, minus its one-cell rim."""
    if o.height < 3 or o.width < 3:
        raise ValueError("no interior")
    return out(o.patch[1:-1, 1:-1])


def encloses_hole(o: Object) -> bool:
    """Does the object enclose background (a hole) when drawn alone?"""
    if o.height < 3 or o.width < 3 or o.size == o.height * o.width:
        return False
    canvas = np.pad(np.where(o.mask, 1, 0).astype(np.int8), 1)
    return bool((kernels.fill_enclosed(canvas, 0, 2) == 2).any())


# ---------------------------------------------------------------------------------------------
# Object-set algebra: filters and drawing sets back


@primitive(("Grid", "Objects"), "Grid", cost=1.5)
def objects_on_blank(g: Grid, objs: Objects) -> Grid:
    """A background canvas of g's shape with the given objects drawn at their positions."""
    if not objs:
        raise ValueError("no objects")
    res = np.full_like(g, BG)
    for o in objs:
        _inside(g, o)
        res[o.top : o.top + o.height, o.left : o.left + o.width][o.mask] = o.grid[o.mask]
    return out(res)


@primitive(("Objects", "Object"), "Objects", cost=1.5)
def without(objs: Objects, o: Object) -> Objects:
    """The objects except `o` (same position and pattern)."""
    res = tuple(x for x in objs if not (x.top == o.top and x.left == o.left and x.key() == o.key()))
    if not res or len(res) == len(objs):
        raise ValueError("nothing left or nothing removed")
    return res


@primitive(("Objects", "Object"), "Objects", cost=1.5)
def same_shape_as(objs: Objects, o: Object) -> Objects:
    """The objects whose shape (mask) equals that of `o`."""
    key = o.shape_key()
    return tuple(x for x in objs if x.shape_key() == key)


@primitive(("Objects", "Object"), "Objects", cost=1.5)
def same_colour_as(objs: Objects, o: Object) -> Objects:
    """The objects whose main colour equals that of `o`."""
    return tuple(x for x in objs if x.colour == o.colour)


@primitive(("Objects", "Colour"), "Object", cost=1.5)
def containing_colour(objs: Objects, c: int) -> Object:
    """The only object that has a cell of colour `c`."""
    hits = [o for o in objs if c in o.colours]
    if len(hits) != 1:
        raise ValueError("not exactly one object with that colour")
    return hits[0]


@primitive(("Objects", "Int"), "Objects", cost=1.5)
def larger_than(objs: Objects, k: int) -> Objects:
    """The objects of more than `k` cells."""
    res = tuple(o for o in objs if o.size > k)
    if not res:
        raise ValueError("no object that large")
    return res


@primitive(("Objects", "Int"), "Objects", cost=1.5)
def smaller_than(objs: Objects, k: int) -> Objects:
    """The objects of fewer than `k` cells."""
    res = tuple(o for o in objs if o.size < k)
    if not res:
        raise ValueError("no object that small")
    return res


@primitive(("Objects",), "Object", cost=1.5)
def holed_one(objs: Objects) -> Object:
    """The only object that encloses background (has a hole)."""
    holed = [o for o in objs if encloses_hole(o)]
    if len(holed) != 1:
        raise ValueError("not exactly one object with a hole")
    return holed[0]


@primitive(("Object",), "Grid", cost=1.0)
def object_colour_cell(o: Object) -> Grid:
    """A 1x1 grid of the object's main colour."""
    return out(np.array([[o.colour]]))
