"""Counting primitives: numbers read off a grid, and grids drawn from numbers."""

from __future__ import annotations

import numpy as np

from dsl import kernels
from dsl.primitives.colour import most_common_foreground
from dsl.primitives.common import BG, histogram, out
from dsl.registry import primitive
from dsl.types import MAX_SIDE, Grid


@primitive(("Grid",), "Int", cost=0.5)
def count_colours(g: Grid) -> int:
    """Number of distinct non-background colours."""
    hist = histogram(g)
    return int((hist[np.arange(10) != BG] > 0).sum())


@primitive(("Grid",), "Int", cost=0.5)
def count_foreground(g: Grid) -> int:
    """Number of non-background cells."""
    return int((g != BG).sum())


@primitive(("Grid", "Colour"), "Int", cost=0.5)
def count_colour(g: Grid, c: int) -> int:
    """Number of cells of colour `c`."""
    return int(histogram(g)[c])


@primitive(("Grid",), "Int", cost=0.5)
def count_objects(g: Grid) -> int:
    """Number of multicolour 8-connected objects on background 0."""
    return int(kernels.label_components(g, True, True, BG)[1])


def _sized(n: int) -> int:
    if not 1 <= n <= MAX_SIDE:
        raise ValueError("count out of range")
    return n


@primitive(("Int", "Colour"), "Grid", cost=1.5)
def row_of(n: int, c: int) -> Grid:
    """A 1 x n row of colour `c`."""
    return out(np.full((1, _sized(n)), c))


@primitive(("Int", "Colour"), "Grid", cost=1.5)
def column_of(n: int, c: int) -> Grid:
    """An n x 1 column of colour `c`."""
    return out(np.full((_sized(n), 1), c))


@primitive(("Grid",), "Grid", cost=1.5)
def count_colours_bar(g: Grid) -> Grid:
    """Per non-background colour (most frequent first), a row with one cell per occurrence."""
    hist = histogram(g)
    cols = sorted((c for c in range(10) if c != BG and hist[c] > 0), key=lambda c: (-hist[c], c))
    if not cols:
        raise ValueError("no foreground")
    width = _sized(int(hist[cols[0]]))
    res = np.full((len(cols), width), BG)
    for i, c in enumerate(cols):
        res[i, : hist[c]] = c
    return out(res)


@primitive(("Grid",), "Grid", cost=1.5)
def colour_sequence(g: Grid) -> Grid:
    """The non-background colours in the order they appear across g: each by the mean position
    of its cells along the axis on which those means spread more; a 1 x n row for columns,
    an n x 1 column for rows (ValueError on a tie)."""
    flat = g.ravel()
    n = np.bincount(flat, minlength=10)
    cols = [c for c in range(1, 10) if n[c]]
    if len(cols) < 2:
        raise ValueError("fewer than two colours")
    rows, columns = np.indices(g.shape)
    sum_r = np.bincount(flat, weights=rows.ravel(), minlength=10)
    sum_c = np.bincount(flat, weights=columns.ravel(), minlength=10)
    at_r = {c: float(sum_r[c] / n[c]) for c in cols}
    at_c = {c: float(sum_c[c] / n[c]) for c in cols}
    by_cols = np.ptp(list(at_c.values())) > np.ptp(list(at_r.values()))
    at = at_c if by_cols else at_r
    if len(set(at.values())) < len(cols):
        raise ValueError("two colours at one place")
    seq = sorted(cols, key=at.__getitem__)
    return out(np.array([seq] if by_cols else [[c] for c in seq]))


@primitive(("Grid",), "Grid", cost=1.5)
def objects_count_row(g: Grid) -> Grid:
    """A 1 x n row of the most frequent foreground colour, n = number of its 8-connected objects."""
    c = most_common_foreground(g)
    n = int(kernels.label_components(np.where(g == c, g, BG).astype(np.int8), True, False, BG)[1])
    return out(np.full((1, _sized(n)), c))


@primitive(("Int", "Colour"), "Grid", cost=1.5)
def diagonal_of(n: int, c: int) -> Grid:
    """An n x n grid with colour `c` on the main diagonal."""
    return out(np.eye(_sized(n), dtype=np.int8) * c)
