"""Cropping primitives: crop to content, halves, trimming, removing uniform/duplicate lines."""

from __future__ import annotations

import numpy as np

from dsl.primitives.common import BG, bbox, halves, most_common, out, uniform_cols, uniform_rows
from dsl.registry import primitive
from dsl.types import Grid


def _crop_not(g: Grid, bg: int) -> Grid:
    r0, c0, r1, c1 = bbox(g != bg)
    return out(g[r0:r1, c0:c1])


@primitive(("Grid",), "Grid")
def crop_to_content(g: Grid) -> Grid:
    """Crop to the bounding box of the non-background (non-0) cells."""
    return _crop_not(g, BG)


@primitive(("Grid",), "Grid")
def crop_to_content_majority(g: Grid) -> Grid:
    """Crop to the bounding box of the cells not of the most frequent colour."""
    return _crop_not(g, most_common(g))


@primitive(("Grid", "Colour"), "Grid", absent="none")
def crop_to_colour(g: Grid, c: int) -> Grid:
    """Crop to the bounding box of the cells of colour `c`."""
    r0, c0, r1, c1 = bbox(g == c)
    return out(g[r0:r1, c0:c1])


@primitive(("Grid", "Colour"), "Grid", cost=1.5, absent="none")
def crop_inside_colour(g: Grid, c: int) -> Grid:
    """Crop to the inside of the bounding box of colour `c` (a frame), frame excluded."""
    r0, c0, r1, c1 = bbox(g == c)
    return out(g[r0 + 1 : r1 - 1, c0 + 1 : c1 - 1])


@primitive(("Grid",), "Grid")
def trim_border(g: Grid) -> Grid:
    """Remove the outermost ring of cells."""
    return out(g[1:-1, 1:-1])


@primitive(("Grid",), "Grid")
def left_half(g: Grid) -> Grid:
    """Left half (a middle column is dropped when the width is odd)."""
    w = g.shape[1]
    return out(g[:, : w // 2])


@primitive(("Grid",), "Grid")
def right_half(g: Grid) -> Grid:
    """Right half (a middle column is dropped when the width is odd)."""
    w = g.shape[1]
    return out(g[:, (w + 1) // 2 :])


@primitive(("Grid",), "Grid")
def top_half(g: Grid) -> Grid:
    """Top half (a middle row is dropped when the height is odd)."""
    return out(g[: g.shape[0] // 2])


@primitive(("Grid",), "Grid")
def bottom_half(g: Grid) -> Grid:
    """Bottom half (a middle row is dropped when the height is odd)."""
    return out(g[(g.shape[0] + 1) // 2 :])


@primitive(("Grid",), "Grid")
def first_half(g: Grid) -> Grid:
    """First of the two halves split at a separator line or the longer side (left or top)."""
    return out(halves(g)[0])


@primitive(("Grid",), "Grid")
def second_half(g: Grid) -> Grid:
    """Second of the two halves split at a separator line or the longer side (right or bottom)."""
    return out(halves(g)[1])


@primitive(("Grid",), "Grid", cost=1.5)
def remove_uniform_rows(g: Grid) -> Grid:
    """Drop every row made of a single colour."""
    return out(g[~uniform_rows(g)])


@primitive(("Grid",), "Grid", cost=1.5)
def remove_uniform_cols(g: Grid) -> Grid:
    """Drop every column made of a single colour."""
    return out(g[:, ~uniform_cols(g)])


@primitive(("Grid",), "Grid")
def remove_uniform_lines(g: Grid) -> Grid:
    """Drop every single-colour row and column."""
    return out(g[~uniform_rows(g)][:, ~uniform_cols(g)])


@primitive(("Grid",), "Grid")
def remove_background_lines(g: Grid) -> Grid:
    """Drop every row and column that is entirely background (0)."""
    return out(g[(g != BG).any(axis=1)][:, (g != BG).any(axis=0)])


def _dedupe(g: Grid) -> Grid:
    keep = np.ones(g.shape[0], dtype=bool)
    keep[1:] = (g[1:] != g[:-1]).any(axis=1)
    return g[keep]


@primitive(("Grid",), "Grid", cost=1.5)
def dedupe_rows(g: Grid) -> Grid:
    """Collapse runs of identical adjacent rows into one."""
    return out(_dedupe(g))


@primitive(("Grid",), "Grid", cost=1.5)
def dedupe_cols(g: Grid) -> Grid:
    """Collapse runs of identical adjacent columns into one."""
    return out(_dedupe(g.T).T)


@primitive(("Grid",), "Grid")
def dedupe_lines(g: Grid) -> Grid:
    """Collapse runs of identical adjacent rows, then of identical adjacent columns."""
    return out(_dedupe(_dedupe(g).T).T)


@primitive(("Grid",), "Grid", cost=2.0)
def top_left_cell(g: Grid) -> Grid:
    """The 1x1 grid of the top-left cell."""
    return out(g[:1, :1])


def _quadrant(g: Grid, top: bool, left: bool) -> Grid:
    h, w = g.shape
    if h < 2 or w < 2:
        raise ValueError("too small for quadrants")
    rows = slice(0, h // 2) if top else slice((h + 1) // 2, h)
    cols = slice(0, w // 2) if left else slice((w + 1) // 2, w)
    return out(g[rows, cols])


@primitive(("Grid",), "Grid")
def top_left_quadrant(g: Grid) -> Grid:
    """Top-left quarter (middle line dropped on odd sides)."""
    return _quadrant(g, True, True)


@primitive(("Grid",), "Grid")
def top_right_quadrant(g: Grid) -> Grid:
    """Top-right quarter (middle line dropped on odd sides)."""
    return _quadrant(g, True, False)


@primitive(("Grid",), "Grid")
def bottom_left_quadrant(g: Grid) -> Grid:
    """Bottom-left quarter (middle line dropped on odd sides)."""
    return _quadrant(g, False, True)


@primitive(("Grid",), "Grid")
def bottom_right_quadrant(g: Grid) -> Grid:
    """Bottom-right quarter (middle line dropped on odd sides)."""
    return _quadrant(g, False, False)


def _corner(g: Grid, k: int, top: bool, left: bool) -> Grid:
    h, w = g.shape
    if not 1 <= k or (k >= h and k >= w):
        raise ValueError("corner size out of range")
    k_r, k_c = min(k, h), min(k, w)
    rows = slice(0, k_r) if top else slice(h - k_r, h)
    cols = slice(0, k_c) if left else slice(w - k_c, w)
    return out(g[rows, cols])


@primitive(("Grid", "Int"), "Grid", cost=1.5)
def top_left_corner(g: Grid, k: int) -> Grid:
    """The k x k block at the top-left corner."""
    return _corner(g, k, True, True)


@primitive(("Grid", "Int"), "Grid", cost=1.5)
def top_right_corner(g: Grid, k: int) -> Grid:
    """The k x k block at the top-right corner."""
    return _corner(g, k, True, False)


@primitive(("Grid", "Int"), "Grid", cost=1.5)
def bottom_left_corner(g: Grid, k: int) -> Grid:
    """The k x k block at the bottom-left corner."""
    return _corner(g, k, False, True)


@primitive(("Grid", "Int"), "Grid", cost=1.5)
def bottom_right_corner(g: Grid, k: int) -> Grid:
    """The k x k block at the bottom-right corner."""
    return _corner(g, k, False, False)


@primitive(("Grid",), "Grid", cost=1.5)
def keep_middle_column(g: Grid) -> Grid:
    """Only the middle column (odd width) is kept; the rest becomes background."""
    w = g.shape[1]
    if w % 2 == 0 or w < 3:
        raise ValueError("no middle column")
    res = np.full_like(g, BG)
    res[:, w // 2] = g[:, w // 2]
    return out(res)


@primitive(("Grid",), "Grid", cost=1.5)
def keep_middle_row(g: Grid) -> Grid:
    """Only the middle row (odd height) is kept; the rest becomes background."""
    h = g.shape[0]
    if h % 2 == 0 or h < 3:
        raise ValueError("no middle row")
    res = np.full_like(g, BG)
    res[h // 2] = g[h // 2]
    return out(res)
