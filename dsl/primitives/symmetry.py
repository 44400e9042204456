"""Symmetry primitives: completing a grid from its symmetric counterparts, symmetrising."""

from __future__ import annotations

import numpy as np

from dsl import kernels
from dsl.primitives.common import BG, bbox, out
from dsl.registry import primitive
from dsl.types import Grid


def _complete(g: Grid, c: int) -> Grid:
    if not (g == c).any():
        return g
    if (g == c).all():
        raise ValueError("wildcard colour everywhere")
    flags = kernels.symmetry_flags(g, c)
    flags[0] = False
    if not flags.any():
        raise ValueError("no symmetry")
    res = kernels.complete_symmetry(g, c, flags)
    if (res == c).sum() == (g == c).sum():
        raise ValueError("nothing completed")
    return res


@primitive(("Grid", "Colour"), "Grid", absent="same")
def complete_symmetry(g: Grid, c: int) -> Grid:
    """Fill cells of wildcard colour `c` from their images under the symmetries g has."""
    return out(_complete(g, c))


@primitive(("Grid", "Colour"), "Grid", absent="none")
def crop_completed(g: Grid, c: int) -> Grid:
    """Complete the symmetry of g (wildcard colour `c`), then crop to where the wildcard was."""
    r0, c0, r1, c1 = bbox(g == c)
    return out(_complete(g, c)[r0:r1, c0:c1])


@primitive(("Grid", "Colour"), "Grid", cost=2.0, absent="same")
def complete_mirror_offset(g: Grid, c: int) -> Grid:
    """Fill wildcard colour `c` from left-right and top-bottom mirror axes placed anywhere."""
    if not (g == c).any():
        return out(g)
    res = g
    for _ in range(2):
        for axis in (1, 0):
            filled, found = kernels.mirror_offset_fill(res, c, axis)
            if found:
                res = filled
    if (res == c).sum() == (g == c).sum():
        raise ValueError("nothing completed")
    return out(res)


def _symmetrise(g: Grid, images: list[Grid]) -> Grid:
    res = g.copy()
    for im in images:
        if im.shape != g.shape:
            raise ValueError("needs a square grid")
        res = np.where(res != BG, res, im)
    return out(res)


@primitive(("Grid",), "Grid")
def symmetrise_lr(g: Grid) -> Grid:
    """Overlay g with its left-right mirror (background filled from the mirror)."""
    return _symmetrise(g, [g[:, ::-1]])


@primitive(("Grid",), "Grid")
def symmetrise_ud(g: Grid) -> Grid:
    """Overlay g with its top-bottom mirror (background filled from the mirror)."""
    return _symmetrise(g, [g[::-1]])


@primitive(("Grid",), "Grid")
def symmetrise_4(g: Grid) -> Grid:
    """Overlay g with its left-right, top-bottom and 180-degree images."""
    return _symmetrise(g, [g[:, ::-1], g[::-1], g[::-1, ::-1]])


@primitive(("Grid",), "Grid", cost=1.5)
def symmetrise_rot(g: Grid) -> Grid:
    """Overlay a square g with its 90, 180 and 270 degree rotations."""
    return _symmetrise(g, [np.rot90(g, k) for k in (1, 2, 3)])


@primitive(("Grid",), "Grid", cost=1.5)
def symmetrise_diag(g: Grid) -> Grid:
    """Overlay a square g with its transpose."""
    return _symmetrise(g, [g.T])


@primitive(("Grid",), "Grid", cost=1.5)
def symmetrise_all(g: Grid) -> Grid:
    """Overlay a square g with all 8 of its symmetric images."""
    return _symmetrise(g, [kernels.apply_symmetry(g, k) for k in range(1, 8)])


def _about(g: Grid, c: int) -> tuple[int, int]:
    """Twice the centre (row, column) of colour c's bounding box: the anchor the *_about
    primitives mirror or turn g around (ValueError when c is absent)."""
    r0, c0, r1, c1 = bbox(g == c)
    return r0 + r1 - 1, c0 + c1 - 1


def _moved(g: Grid, rows: np.ndarray, cols: np.ndarray) -> Grid:
    """g's cells carried to (rows, cols) (index grids of g's shape), the rest background;
    cells carried outside the grid are dropped."""
    h, w = g.shape
    res = np.full_like(g, BG)
    inside = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)
    res[rows[inside], cols[inside]] = g[inside]
    return res


@primitive(("Grid", "Colour"), "Grid", absent="none")
def symmetrise_4_about(g: Grid, c: int) -> Grid:
    """Overlay g with its left-right, top-bottom and 180-degree mirrors about the centre of
    colour `c`'s bounding box (an anchor object): background filled from the mirrors."""
    rr, cc = _about(g, c)
    r, q = np.indices(g.shape)
    return _symmetrise(g, [_moved(g, r, cc - q), _moved(g, rr - r, q), _moved(g, rr - r, cc - q)])


@primitive(("Grid", "Colour"), "Grid", cost=1.5, absent="none")
def symmetrise_rot_about(g: Grid, c: int) -> Grid:
    """Overlay g with its 90, 180 and 270 degree turns about the centre of colour `c`'s
    bounding box (ValueError when a quarter turn about it does not land on cells)."""
    rr, cc = _about(g, c)
    if (rr - cc) % 2:
        raise ValueError("the anchor's centre is not a cell centre or corner on both axes")
    r, q = np.indices(g.shape)
    dr, dc = 2 * r - rr, 2 * q - cc  # twice the offset from the centre
    turns = [
        _moved(g, (rr + dc) // 2, (cc - dr) // 2),
        _moved(g, rr - r, cc - q),
        _moved(g, (rr - dc) // 2, (cc + dr) // 2),
    ]
    return _symmetrise(g, turns)
