"""Mask primitives: boolean masks, their logic, and logic between the halves/cells of a grid."""

from __future__ import annotations

import numpy as np

from dsl import kernels
from dsl.primitives.common import BG, halves, out, split_cells
from dsl.registry import primitive
from dsl.types import Grid

Mask = np.ndarray  # 2-D bool


def _same(a: Mask, b: Mask) -> None:
    if a.shape != b.shape:
        raise ValueError("shapes differ")


@primitive(("Grid", "Colour"), "Mask", cost=0.5)
def mask_of_colour(g: Grid, c: int) -> Mask:
    """Cells of colour `c`."""
    return kernels.mask_eq(g, c)


@primitive(("Grid",), "Mask", cost=0.5)
def mask_foreground(g: Grid) -> Mask:
    """Non-background (non-0) cells."""
    return g != BG


@primitive(("Mask", "Mask"), "Mask")
def mask_and(a: Mask, b: Mask) -> Mask:
    """Cells in both masks."""
    _same(a, b)
    return a & b


@primitive(("Mask", "Mask"), "Mask")
def mask_or(a: Mask, b: Mask) -> Mask:
    """Cells in either mask."""
    _same(a, b)
    return a | b


@primitive(("Mask", "Mask"), "Mask")
def mask_xor(a: Mask, b: Mask) -> Mask:
    """Cells in exactly one of the masks."""
    _same(a, b)
    return a ^ b


@primitive(("Mask",), "Mask")
def mask_not(a: Mask) -> Mask:
    """Cells not in the mask."""
    return ~a


@primitive(("Mask", "Colour"), "Grid")
def mask_to_grid(m: Mask, c: int) -> Grid:
    """Colour `c` where the mask is set, background elsewhere."""
    return out(np.where(m, c, BG))


@primitive(("Grid", "Mask", "Colour"), "Grid", cost=1.5)
def paint_mask(g: Grid, m: Mask, c: int) -> Grid:
    """Copy of g with the masked cells set to colour `c`."""
    _same(g, m)
    return out(kernels.paint_mask(g, m, c))


def _half_masks(g: Grid) -> tuple[Mask, Mask]:
    a, b = halves(g)
    if a.shape != b.shape:
        raise ValueError("halves differ in shape")
    return a != BG, b != BG


@primitive(("Grid", "Colour"), "Grid")
def halves_and(g: Grid, c: int) -> Grid:
    """Colour `c` where both halves of g are non-background."""
    a, b = _half_masks(g)
    return mask_to_grid(a & b, c)


@primitive(("Grid", "Colour"), "Grid")
def halves_or(g: Grid, c: int) -> Grid:
    """Colour `c` where either half of g is non-background."""
    a, b = _half_masks(g)
    return mask_to_grid(a | b, c)


@primitive(("Grid", "Colour"), "Grid")
def halves_xor(g: Grid, c: int) -> Grid:
    """Colour `c` where exactly one half of g is non-background."""
    a, b = _half_masks(g)
    return mask_to_grid(a ^ b, c)


@primitive(("Grid", "Colour"), "Grid")
def halves_nor(g: Grid, c: int) -> Grid:
    """Colour `c` where both halves of g are background."""
    a, b = _half_masks(g)
    return mask_to_grid(~(a | b), c)


@primitive(("Grid", "Colour"), "Grid", cost=1.5)
def halves_first_only(g: Grid, c: int) -> Grid:
    """Colour `c` where the first half is non-background and the second is background."""
    a, b = _half_masks(g)
    return mask_to_grid(a & ~b, c)


@primitive(("Grid", "Colour"), "Grid", cost=1.5)
def halves_second_only(g: Grid, c: int) -> Grid:
    """Colour `c` where the second half is non-background and the first is background."""
    a, b = _half_masks(g)
    return mask_to_grid(~a & b, c)


def _overlay_halves(g: Grid, first_on_top: bool) -> Grid:
    a, b = halves(g)
    if a.shape != b.shape:
        raise ValueError("halves differ in shape")
    if not first_on_top:
        a, b = b, a
    return out(np.where(a != BG, a, b))


@primitive(("Grid",), "Grid")
def halves_overlay(g: Grid) -> Grid:
    """The first half with its background cells taken from the second half."""
    return _overlay_halves(g, True)


@primitive(("Grid",), "Grid", cost=1.5)
def halves_overlay_second(g: Grid) -> Grid:
    """The second half with its background cells taken from the first half."""
    return _overlay_halves(g, False)


def _cells(g: Grid) -> list[Grid]:
    cells = [cell for row in split_cells(g) for _, _, cell in row]
    if any(c.shape != cells[0].shape for c in cells):
        raise ValueError("cells differ in shape")
    return cells


@primitive(("Grid",), "Grid")
def cells_overlay(g: Grid) -> Grid:
    """Cells between separator lines stacked: later cells show through background only."""
    cells = _cells(g)
    res = cells[0].copy()
    for c in cells[1:]:
        res = np.where(res != BG, res, c)
    return out(res)


@primitive(("Grid",), "Grid", cost=1.5)
def cells_broadcast(g: Grid) -> Grid:
    """Every cell between separator lines becomes the overlay of all of them (cells_overlay),
    the separators kept: the one filled cell copied into the blank ones."""
    merged = cells_overlay(g)
    res = g.copy()
    for row in split_cells(g):
        for r0, c0, cell in row:
            res[r0 : r0 + cell.shape[0], c0 : c0 + cell.shape[1]] = merged
    return out(res)


@primitive(("Grid", "Colour"), "Grid")
def cells_and(g: Grid, c: int) -> Grid:
    """Colour `c` where every cell between separator lines is non-background."""
    cells = _cells(g)
    m = np.logical_and.reduce([x != BG for x in cells])
    return mask_to_grid(m, c)


@primitive(("Grid", "Colour"), "Grid")
def cells_nor(g: Grid, c: int) -> Grid:
    """Colour `c` where every cell between separator lines is background."""
    cells = _cells(g)
    m = np.logical_and.reduce([x == BG for x in cells])
    return mask_to_grid(m, c)


@primitive(("Grid", "Grid"), "Grid", cost=1.5)
def overlay(a: Grid, b: Grid) -> Grid:
    """a on top of b: b shows through a's background cells (same shapes)."""
    if a.shape != b.shape:
        raise ValueError("shapes differ")
    return out(np.where(a != BG, a, b))


@primitive(("Grid", "Grid"), "Grid", cost=1.5)
def overlay_blank(a: Grid, b: Grid) -> Grid:
    """a's background on top of b: b where a paints, background where a is blank (same shapes).
    With `overlay` it writes the pieces' compositions (dsl.search.pieces)."""
    if a.shape != b.shape:
        raise ValueError("shapes differ")
    return out(np.where(a != BG, b, BG))


@primitive(("Grid",), "Grid")
def halves_fold(g: Grid) -> Grid:
    """Fold g at its middle: the first half with the mirrored second half showing through."""
    a, b = halves(g)
    b = b[:, ::-1] if a.shape[0] == g.shape[0] else b[::-1]
    if a.shape != b.shape:
        raise ValueError("halves differ in shape")
    return out(np.where(a != BG, a, b))
