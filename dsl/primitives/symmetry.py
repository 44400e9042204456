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
