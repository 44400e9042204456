"""Helpers shared by the primitive modules (not primitives themselves)."""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from dsl import kernels
from dsl.types import MAX_SIDE, Grid

BG = 0  # background colour assumed by primitives that do not name one


def out(a: np.ndarray) -> Grid:
    """A valid result grid: C-contiguous int8 of 1..30 per side, else ValueError."""
    a = np.asarray(a)
    if a.ndim != 2 or not (1 <= a.shape[0] <= MAX_SIDE and 1 <= a.shape[1] <= MAX_SIDE):
        raise ValueError(f"result shape {a.shape} is not a valid grid")
    return np.ascontiguousarray(a, dtype=np.int8)


def by_content(maxsize: int = 64) -> Callable:
    """Memoise f(g, *args) on g's content (the graph search applies dozens of primitives, each
    with every colour, to one image in a row, and many start with the same split or the same
    components). Results are shared, so their arrays are made read-only; a ValueError is
    remembered and raised again."""

    def wrap(f: Callable) -> Callable:
        memo: dict[tuple, tuple[bool, object]] = {}

        @functools.wraps(f)
        def cached(g: Grid, *args):
            key = (g.shape, g.dtype.char, g.tobytes(), *args)
            hit = memo.get(key)
            if hit is None:
                try:
                    hit = (True, _frozen(f(g, *args)))
                except ValueError as e:
                    hit = (False, e)
                if len(memo) >= maxsize:
                    memo.pop(next(iter(memo)))  # the oldest
                memo[key] = hit
            if not hit[0]:
                raise ValueError(*hit[1].args)
            return hit[1]

        return cached

    return wrap


def _frozen(v):
    """Mark the arrays of a result (nested in tuples and lists) read-only; v itself."""
    if isinstance(v, np.ndarray):
        v.flags.writeable = False
    elif isinstance(v, (tuple, list)):
        for x in v:
            _frozen(x)
    return v


def histogram(g: Grid) -> np.ndarray:
    """Count of each colour 0..9."""
    return kernels.colour_histogram(g)


def most_common(g: Grid) -> int:
    """Most frequent colour (lowest colour on ties)."""
    return int(np.argmax(histogram(g)))


def present(g: Grid) -> list[int]:
    """Colours present, ascending."""
    return [int(c) for c in np.nonzero(histogram(g))[0]]


def bbox(mask: np.ndarray) -> tuple[int, int, int, int]:
    """(top, left, bottom+1, right+1) of the True cells; ValueError when none."""
    rows = np.nonzero(mask.any(axis=1))[0]
    if rows.size == 0:
        raise ValueError("empty mask")
    cols = np.nonzero(mask.any(axis=0))[0]
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def uniform_rows(g: Grid) -> np.ndarray:
    """Bool per row: all cells of the row share one colour."""
    return (g == g[:, :1]).all(axis=1)


def uniform_cols(g: Grid) -> np.ndarray:
    """Bool per column: all cells of the column share one colour."""
    return (g == g[:1, :]).all(axis=0)


@by_content()
def halves(g: Grid) -> tuple[Grid, Grid]:
    """The two halves of g: split at a uniform middle separator line if there is one, else at
    the middle of the longer (even) side. ValueError when neither works or the halves differ."""
    h, w = g.shape
    vsep = w % 2 == 1 and w >= 3 and bool(uniform_cols(g)[w // 2])
    hsep = h % 2 == 1 and h >= 3 and bool(uniform_rows(g)[h // 2])
    if vsep and hsep:
        vsep, hsep = w > h, h > w
    if vsep:
        return g[:, : w // 2], g[:, w // 2 + 1 :]
    if hsep:
        return g[: h // 2], g[h // 2 + 1 :]
    if w > h and w % 2 == 0:
        return g[:, : w // 2], g[:, w // 2 :]
    if h > w and h % 2 == 0:
        return g[: h // 2], g[h // 2 :]
    raise ValueError("no way to split the grid in two halves")


def separator_colour(g: Grid) -> int:
    """Colour of full-length separator lines (`kernels.separator_colour`); ValueError when
    none."""
    c = kernels.separator_colour(g, BG)
    if c < 0:
        raise ValueError("no separator lines")
    return c


def _runs(is_line: np.ndarray) -> list[tuple[int, int]]:
    """Maximal [start, stop) runs of False in is_line."""
    runs, start = [], None
    for i, v in enumerate(list(is_line) + [True]):
        if not v and start is None:
            start = i
        elif v and start is not None:
            runs.append((start, i))
            start = None
    return runs


@by_content()
def split_cells(g: Grid) -> list[list[tuple[int, int, Grid]]]:
    """Cells between separator lines, as rows of (top, left, subgrid); ValueError when the grid
    has no separator lines or fewer than two cells."""
    c = separator_colour(g)
    row_lines = uniform_rows(g) & (g[:, 0] == c)
    col_lines = uniform_cols(g) & (g[0, :] == c)
    return _cut(g, row_lines, col_lines)


def _cut(
    g: Grid, row_lines: np.ndarray, col_lines: np.ndarray
) -> list[list[tuple[int, int, Grid]]]:
    rr, cc = _runs(row_lines), _runs(col_lines)
    if len(rr) * len(cc) < 2:
        raise ValueError("fewer than two cells")
    return [[(r0, c0, g[r0:r1, c0:c1]) for c0, c1 in cc] for r0, r1 in rr]


@by_content()
def split_blank_cells(g: Grid) -> list[list[tuple[int, int, Grid]]]:
    """Cells between all-background rows and columns, as split_cells gives them."""
    blank = g == BG
    return _cut(g, blank.all(axis=1), blank.all(axis=0))
