"""Periodic-pattern primitives: the repeating tile of a grid, and filling holes in a pattern."""

from __future__ import annotations

from dsl import kernels
from dsl.primitives.common import bbox, out
from dsl.registry import primitive
from dsl.types import Grid


def _period_block(g: Grid, exact: bool, problem: str) -> Grid:
    pr, pc = kernels.min_period(g, -1, exact)
    if (pr, pc) == g.shape:
        raise ValueError(problem)
    return out(g[:pr, :pc])


@primitive(("Grid",), "Grid")
def untile(g: Grid) -> Grid:
    """The smallest block that tiles g exactly (undoes `tile`)."""
    return _period_block(g, True, "not a tiling")


@primitive(("Grid",), "Grid")
def repeating_tile(g: Grid) -> Grid:
    """The smallest block whose repetition (possibly cut at the edges) gives g."""
    return _period_block(g, False, "not periodic")


def _fill_periodic(g: Grid, c: int) -> Grid:
    if not (g == c).any():
        return g
    pr, pc, shear = kernels.min_lattice(g, c)
    if (pr, pc) == g.shape:
        raise ValueError("no period")
    res = kernels.lattice_fill(g, pr, pc, shear, c)
    if (res == c).any():
        raise ValueError("holes left")
    return res


@primitive(("Grid", "Colour"), "Grid", cost=1.5, absent="same")
def complete_periodic(g: Grid, c: int) -> Grid:
    """Fill the cells of wildcard colour `c` by continuing g's repeating pattern (a rectangular
    period, or rows that repeat shifted: diagonal patterns)."""
    return out(_fill_periodic(g, c))


@primitive(("Grid", "Colour"), "Grid", cost=1.5, absent="none")
def crop_periodic_completed(g: Grid, c: int) -> Grid:
    """Continue g's repeating pattern over wildcard colour `c`; return what was under it."""
    r0, c0, r1, c1 = bbox(g == c)
    return out(_fill_periodic(g, c)[r0:r1, c0:c1])


def _extend(g: Grid, rows: int, cols: int) -> Grid:
    pr, pc = kernels.min_period(g, -1, False)
    if (pr, pc) == g.shape:
        raise ValueError("not periodic")
    h, w = g.shape[0] * rows, g.shape[1] * cols
    if h > 30 or w > 30:
        raise ValueError("result too big")
    return out(kernels.tile(g[:pr, :pc], -(-h // pr), -(-w // pc))[:h, :w])


@primitive(("Grid",), "Grid", cost=1.5)
def extend_pattern_right(g: Grid) -> Grid:
    """Continue g's repeating pattern to twice its width."""
    return _extend(g, 1, 2)


@primitive(("Grid",), "Grid", cost=1.5)
def extend_pattern_down(g: Grid) -> Grid:
    """Continue g's repeating pattern to twice its height."""
    return _extend(g, 2, 1)
