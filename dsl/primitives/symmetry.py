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


@primitive(("Grid", "Colour"), "Grid")
def complete_symmetry(g: Grid, c: int) -> Grid:
    """Fill cells of wildcard colour `c` from their images under the symmetries g has."""
    return out(_complete(g, c))


@primitive(("Grid", "Colour"), "Grid")
def crop_completed(g: Grid, c: int) -> Grid:
    """Complete the symmetry of g (wildcard colour `c`), then crop to where the wildcard was."""
    r0, c0, r1, c1 = bbox(g == c)
    return out(_complete(g, c)[r0:r1, c0:c1])


def _offset_complete(g: Grid, c: int, axis: int) -> Grid:
    """Mirror-complete along `axis` about the best off-centre axis (wildcard `c`)."""
    h, w = g.shape
    n = g.shape[axis]
    known = g != c
    best, best_score = None, 0
    # The mirror axis sits at position s/2 (s = i + mirror(i)); try every one that matches.
    for s in range(1, 2 * n - 2):
        idx = np.arange(n)
        mir = s - idx
        ok = (mir >= 0) & (mir < n)
        if ok.sum() < n // 2:
            continue
        a = g[idx[ok]] if axis == 0 else g[:, idx[ok]]
        b = g[mir[ok]] if axis == 0 else g[:, mir[ok]]
        ka = known[idx[ok]] if axis == 0 else known[:, idx[ok]]
        kb = known[mir[ok]] if axis == 0 else known[:, mir[ok]]
        both = ka & kb
        if (a[both] != b[both]).any():
            continue
        score = int(both.sum())
        if score > best_score:
            best, best_score = s, score
    if best is None:
        raise ValueError("no mirror axis")
    res = g.copy()
    idx = np.arange(n)
    mir = best - idx
    ok = (mir >= 0) & (mir < n)
    src, dst = mir[ok], idx[ok]
    if axis == 0:
        fill = (res[dst] == c) & (g[src] != c)
        res[dst] = np.where(fill, g[src], res[dst])
    else:
        fill = (res[:, dst] == c) & (g[:, src] != c)
        res[:, dst] = np.where(fill, g[:, src], res[:, dst])
    return res


@primitive(("Grid", "Colour"), "Grid", cost=2.0)
def complete_mirror_offset(g: Grid, c: int) -> Grid:
    """Fill wildcard colour `c` from left-right and top-bottom mirror axes placed anywhere."""
    if not (g == c).any():
        return out(g)
    res = g
    for _ in range(2):
        for axis in (1, 0):
            try:
                res = _offset_complete(res, c, axis)
            except ValueError:
                pass
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
