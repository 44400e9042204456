"""Movement primitives: gravity, shifts and rolls (background 0 fills what is uncovered)."""

from __future__ import annotations

import numpy as np

from dsl import kernels
from dsl.primitives.common import BG, out
from dsl.registry import primitive
from dsl.types import Grid


def _moved(g: Grid, r: Grid) -> Grid:
    """r as a result grid (a no-op move is fine: the search dedupes states by hash)."""
    return out(r)


@primitive(("Grid",), "Grid")
def gravity_up(g: Grid) -> Grid:
    """Non-background cells slide up as far as they can, column by column."""
    return _moved(g, kernels.gravity(g, 0, BG))


@primitive(("Grid",), "Grid")
def gravity_down(g: Grid) -> Grid:
    """Non-background cells slide down as far as they can, column by column."""
    return _moved(g, kernels.gravity(g, 1, BG))


@primitive(("Grid",), "Grid")
def gravity_left(g: Grid) -> Grid:
    """Non-background cells slide left as far as they can, row by row."""
    return _moved(g, kernels.gravity(g, 2, BG))


@primitive(("Grid",), "Grid")
def gravity_right(g: Grid) -> Grid:
    """Non-background cells slide right as far as they can, row by row."""
    return _moved(g, kernels.gravity(g, 3, BG))


def _check_k(g: Grid, k: int, side: int) -> None:
    if not 1 <= k < side:
        raise ValueError("shift out of range")


@primitive(("Grid", "Int"), "Grid", cost=1.5)
def shift_up(g: Grid, k: int) -> Grid:
    """Move everything up by k cells; background fills the bottom."""
    _check_k(g, k, g.shape[0])
    return _moved(g, kernels.shift(g, -k, 0, BG))


@primitive(("Grid", "Int"), "Grid", cost=1.5)
def shift_down(g: Grid, k: int) -> Grid:
    """Move everything down by k cells; background fills the top."""
    _check_k(g, k, g.shape[0])
    return _moved(g, kernels.shift(g, k, 0, BG))


@primitive(("Grid", "Int"), "Grid", cost=1.5)
def shift_left(g: Grid, k: int) -> Grid:
    """Move everything left by k cells; background fills the right."""
    _check_k(g, k, g.shape[1])
    return _moved(g, kernels.shift(g, 0, -k, BG))


@primitive(("Grid", "Int"), "Grid", cost=1.5)
def shift_right(g: Grid, k: int) -> Grid:
    """Move everything right by k cells; background fills the left."""
    _check_k(g, k, g.shape[1])
    return _moved(g, kernels.shift(g, 0, k, BG))


@primitive(("Grid", "Int"), "Grid", cost=2.0)
def roll_down(g: Grid, k: int) -> Grid:
    """Cyclically move rows down by k (rows leaving the bottom re-enter at the top)."""
    _check_k(g, k, g.shape[0])
    return _moved(g, np.roll(g, k, axis=0))


@primitive(("Grid", "Int"), "Grid", cost=2.0)
def roll_right(g: Grid, k: int) -> Grid:
    """Cyclically move columns right by k (columns leaving the right re-enter at the left)."""
    _check_k(g, k, g.shape[1])
    return _moved(g, np.roll(g, k, axis=1))
