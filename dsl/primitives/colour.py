"""Colour primitives: maps and replacements."""

from __future__ import annotations

import numpy as np

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


@primitive(("Grid", "Colour", "Colour"), "Grid")
def replace_colour(g: Grid, old: int, new: int) -> Grid:
    """Replace colour `old` by `new` everywhere."""
    out = g.copy()
    out[g == old] = new
    return out


@primitive(("Grid", "Colour", "Colour"), "Grid", cost=1.5)
def swap_colours(g: Grid, a: int, b: int) -> Grid:
    """Exchange colours `a` and `b` everywhere."""
    if a == b or not ((g == a).any() or (g == b).any()):
        raise ValueError("nothing to swap")
    out = g.copy()
    out[g == a] = b
    out[g == b] = a
    return out


@primitive(("Grid", "Colour"), "Grid")
def keep_colour(g: Grid, c: int) -> Grid:
    """Keep only cells of colour `c`; everything else becomes background (0)."""
    if not (g == c).any():
        raise ValueError("colour absent")
    return out(np.where(g == c, g, BG))


@primitive(("Grid", "Colour"), "Grid")
def remove_colour(g: Grid, c: int) -> Grid:
    """Cells of colour `c` become background (0)."""
    if c == BG or not (g == c).any():
        raise ValueError("colour absent or background")
    return out(np.where(g == c, BG, g))


@primitive(("Grid", "Colour"), "Grid")
def recolour_foreground(g: Grid, c: int) -> Grid:
    """Every non-background cell becomes colour `c`."""
    return out(np.where(g != BG, c, BG))


@primitive(("Grid", "Colour"), "Grid")
def fill_background(g: Grid, c: int) -> Grid:
    """Every background (0) cell becomes colour `c`."""
    if not (g == BG).any():
        raise ValueError("no background")
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
    if m == BG:
        raise ValueError("majority is already background")
    out_ = g.copy()
    out_[g == m] = BG
    out_[g == BG] = m
    return out_


@primitive(("Grid",), "Colour", cost=0.5)
def most_common_colour(g: Grid) -> int:
    """The most frequent colour (background included)."""
    return most_common(g)


@primitive(("Grid",), "Colour", cost=0.5)
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


@primitive(("Grid",), "Grid")
def most_common_colour_cell(g: Grid) -> Grid:
    """A 1x1 grid of the most frequent non-background colour."""
    return out(np.array([[most_common_foreground(g)]]))


@primitive(("Grid",), "Grid")
def least_common_colour_cell(g: Grid) -> Grid:
    """A 1x1 grid of the least frequent non-background colour."""
    return out(np.array([[least_common_foreground(g)]]))


@primitive(("Grid", "Colour"), "Grid")
def fill_grid(g: Grid, c: int) -> Grid:
    """A grid of g's shape filled with colour `c`."""
    return out(np.full(g.shape, c))
