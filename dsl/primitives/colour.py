"""Colour primitives: maps, replacements, keeping/removing colours, colour statistics, and
per-line majority colours."""

from __future__ import annotations

import numpy as np

from dsl import kernels
from dsl.primitives.common import BG, histogram, most_common, out, present
from dsl.registry import primitive
from dsl.types import Grid


def apply_colour_map(g: Grid, mapping: np.ndarray) -> Grid:
    """Recolour every cell c to mapping[c] (mapping: length-10 int array). Not a search primitive:
    its parameter is inferred from the demos, not enumerated."""
    return np.ascontiguousarray(np.asarray(mapping, dtype=np.int8)[g])


def invert_colour_map(mapping: np.ndarray) -> np.ndarray:
    """Inverse of a permutation of the 10 colours."""
    inv = np.empty(10, dtype=np.int8)
    inv[np.asarray(mapping)] = np.arange(10, dtype=np.int8)
    return inv


def rank_table(g: Grid) -> np.ndarray:
    """A permutation of the 10 colours that relabels `g`'s colours by frequency: the most common
    becomes 0, the next 1, ... (ties: the first seen in reading order first). Colours absent from
    `g` keep their own number where it is free, so a colour an output adds keeps one name across
    grids whose colours differ; the rest fill the numbers `g`'s colours left. Not a search
    primitive: the search's ranked pass (dsl.search.normalize) maps each grid by its own table."""
    colours, first, counts = np.unique(g, return_index=True, return_counts=True)
    order = colours[np.lexsort((first, -counts))]  # by count, then by first appearance
    k = len(order)
    table = np.arange(10, dtype=np.int8)
    table[order] = np.arange(k, dtype=np.int8)
    # absent colours below k take, in order, the numbers >= k of the colours that moved down
    present = set(colours.tolist())
    low = [c for c in range(k) if c not in present]
    high = [c for c in range(k, 10) if c in present]
    table[low] = high
    return table


@primitive(("Grid", "Colour", "Colour"), "Grid", absent="same")
def replace_colour(g: Grid, old: int, new: int) -> Grid:
    """Replace colour `old` by `new` everywhere."""
    out = g.copy()
    out[g == old] = new
    return out


@primitive(("Grid", "Colour", "Colour"), "Grid", cost=1.5)
def swap_colours(g: Grid, a: int, b: int) -> Grid:
    """Exchange colours `a` and `b` everywhere."""
    if a == b:
        raise ValueError("swapping a colour with itself")
    out = g.copy()
    out[g == a] = b
    out[g == b] = a
    return out


@primitive(("Grid", "Colour"), "Grid")
def keep_colour(g: Grid, c: int) -> Grid:
    """Keep only cells of colour `c`; everything else becomes background (0)."""
    return out(np.where(g == c, g, BG))


@primitive(("Grid", "Colour"), "Grid")
def remove_colour(g: Grid, c: int) -> Grid:
    """Cells of colour `c` become background (0)."""
    if c == BG:
        raise ValueError("removing the background")
    return out(np.where(g == c, BG, g))


@primitive(("Grid", "Colour"), "Grid")
def recolour_foreground(g: Grid, c: int) -> Grid:
    """Every non-background cell becomes colour `c`."""
    return out(np.where(g != BG, c, BG))


@primitive(("Grid", "Colour"), "Grid")
def fill_background(g: Grid, c: int) -> Grid:
    """Every background (0) cell becomes colour `c`."""
    return out(np.where(g == BG, c, g))


@primitive(("Grid",), "Grid")
def swap_two_colours(g: Grid) -> Grid:
    """In a grid of exactly two colours, exchange them."""
    cols = present(g)
    if len(cols) != 2:
        raise ValueError("needs exactly two colours")
    a, b = cols
    return out(np.where(g == a, b, a))


@primitive(("Grid",), "Grid")
def keep_most_common_colour(g: Grid) -> Grid:
    """Keep only the most frequent non-background colour."""
    return keep_colour(g, most_common_foreground(g))


@primitive(("Grid",), "Grid")
def keep_least_common_colour(g: Grid) -> Grid:
    """Keep only the least frequent non-background colour."""
    return keep_colour(g, least_common_foreground(g))


@primitive(("Grid",), "Grid")
def remove_most_common_colour(g: Grid) -> Grid:
    """Remove the most frequent non-background colour."""
    return remove_colour(g, most_common_foreground(g))


@primitive(("Grid",), "Grid")
def remove_least_common_colour(g: Grid) -> Grid:
    """Remove the least frequent non-background colour."""
    return remove_colour(g, least_common_foreground(g))


@primitive(("Grid",), "Grid")
def majority_to_background(g: Grid) -> Grid:
    """Swap the most frequent colour with 0, so the majority colour becomes the background."""
    m = most_common(g)
    out_ = g.copy()
    out_[g == m] = BG
    out_[g == BG] = m
    return out_


@primitive(("Grid",), "Colour", cost=1.0)
def most_common_colour(g: Grid) -> int:
    """The most frequent colour (background included)."""
    return most_common(g)


@primitive(("Grid",), "Colour", cost=1.0)
def least_common_colour(g: Grid) -> int:
    """The least frequent colour present (background included)."""
    hist = histogram(g).astype(np.float64)
    hist[hist == 0] = np.inf
    return int(np.argmin(hist))


@primitive(("Grid",), "Colour", cost=0.5)
def most_common_foreground(g: Grid) -> int:
    """The most frequent non-background colour."""
    hist = histogram(g)
    hist[BG] = 0
    if hist.max() == 0:
        raise ValueError("no foreground")
    return int(np.argmax(hist))


@primitive(("Grid",), "Colour", cost=0.5)
def least_common_foreground(g: Grid) -> int:
    """The least frequent non-background colour."""
    hist = histogram(g).astype(np.float64)
    hist[BG] = 0
    if hist.max() == 0:
        raise ValueError("no foreground")
    hist[hist == 0] = np.inf
    return int(np.argmin(hist))


@primitive(("Grid",), "Grid")
def colours_by_count(g: Grid) -> Grid:
    """A column of the non-background colours, most frequent first (ties: lower colour first)."""
    hist = histogram(g)
    cols = [c for c in range(10) if c != BG and hist[c] > 0]
    if not cols:
        raise ValueError("no foreground")
    cols.sort(key=lambda c: (-hist[c], c))
    return out(np.array(cols, dtype=np.int8).reshape(-1, 1))


@primitive(("Grid",), "Grid", cost=1.5)
def most_common_colour_cell(g: Grid) -> Grid:
    """A 1x1 grid of the most frequent non-background colour."""
    return out(np.array([[most_common_foreground(g)]]))


@primitive(("Grid",), "Grid", cost=1.5)
def least_common_colour_cell(g: Grid) -> Grid:
    """A 1x1 grid of the least frequent non-background colour."""
    return out(np.array([[least_common_foreground(g)]]))


@primitive(("Grid", "Colour"), "Grid", cost=2.0)
def fill_grid(g: Grid, c: int) -> Grid:
    """A grid of g's shape filled with colour `c`."""
    return out(np.full(g.shape, c))


@primitive(("Grid", "Colour"), "Grid", cost=1.5)
def recolour_minority(g: Grid, c: int) -> Grid:
    """Every cell not of the most frequent colour becomes colour `c`."""
    m = most_common(g)
    return out(np.where(g == m, g, c))


def _majority_along(g: Grid, axis: int) -> Grid:
    return kernels.line_majority(g, axis)


@primitive(("Grid",), "Grid")
def majority_per_row(g: Grid) -> Grid:
    """Each row filled with its most frequent colour."""
    return _majority_along(g, 1)


@primitive(("Grid",), "Grid")
def majority_per_column(g: Grid) -> Grid:
    """Each column filled with its most frequent colour."""
    return _majority_along(g, 0)


@primitive(("Grid",), "Grid", cost=1.5)
def majority_per_line(g: Grid) -> Grid:
    """Rows or columns (whichever keeps more cells) filled with their most frequent colour."""
    a, b = _majority_along(g, 1), _majority_along(g, 0)
    return a if (a == g).sum() >= (b == g).sum() else b


@primitive(("Grid",), "Colour", cost=1.0)
def border_colour(g: Grid) -> int:
    """The most frequent colour on the grid's outermost ring."""
    ring = np.concatenate([g[0], g[-1], g[:, 0], g[:, -1]])
    return int(np.argmax(np.bincount(ring.astype(np.int64), minlength=10)))
