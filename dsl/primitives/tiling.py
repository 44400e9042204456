"""Tiling and scaling primitives: upscale/downscale, tiles, mirror tiles, concatenation."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dsl import kernels
from dsl.primitives.common import BG, out, split_blank_cells, split_cells
from dsl.registry import primitive
from dsl.types import MAX_SIDE, Grid


def _fits(h: int, w: int) -> None:
    if h > MAX_SIDE or w > MAX_SIDE:
        raise ValueError("result too big")


def _grow(kernel: Callable[[Grid, int, int], Grid], g: Grid, kr: int, kc: int) -> Grid:
    """kernel(g, kr, kc) for an upscale or tile by factor k along one or both axes (the other 1)."""
    if max(kr, kc) < 2:
        raise ValueError("k must be >= 2")
    _fits(g.shape[0] * kr, g.shape[1] * kc)
    return out(kernel(g, kr, kc))


@primitive(("Grid", "Int"), "Grid")
def upscale(g: Grid, k: int) -> Grid:
    """Each cell becomes a k x k block (k >= 2)."""
    return _grow(kernels.upscale, g, k, k)


@primitive(("Grid", "Int"), "Grid", cost=1.5)
def upscale_h(g: Grid, k: int) -> Grid:
    """Each cell becomes k cells wide (k >= 2)."""
    return _grow(kernels.upscale, g, 1, k)


@primitive(("Grid", "Int"), "Grid", cost=1.5)
def upscale_v(g: Grid, k: int) -> Grid:
    """Each cell becomes k cells tall (k >= 2)."""
    return _grow(kernels.upscale, g, k, 1)


def _check_blocks(g: Grid, k: int) -> None:
    h, w = g.shape
    if k < 2 or h % k or w % k:
        raise ValueError("size not a multiple of k")


@primitive(("Grid", "Int"), "Grid")
def downscale(g: Grid, k: int) -> Grid:
    """Each k x k block becomes one cell (its top-left); sides must be multiples of k."""
    _check_blocks(g, k)
    return out(kernels.downscale(g, k, k))


@primitive(("Grid",), "Grid")
def downscale_blocks(g: Grid) -> Grid:
    """Undo an upscale: shrink the largest uniform blocks (per axis) to single cells."""
    h, w = g.shape
    best = (1, 1)
    for kr in range(1, h + 1):
        for kc in range(1, w + 1):
            if h % kr or w % kc or kr * kc <= best[0] * best[1]:
                continue
            if kernels.blocks_uniform(g, kr, kc):
                best = (kr, kc)
    if best == (1, 1):
        raise ValueError("no uniform blocks")
    return out(kernels.downscale(g, best[0], best[1]))


@primitive(("Grid", "Int"), "Grid")
def tile(g: Grid, k: int) -> Grid:
    """g repeated k times across and k times down (k >= 2)."""
    return _grow(kernels.tile, g, k, k)


@primitive(("Grid", "Int"), "Grid")
def tile_h(g: Grid, k: int) -> Grid:
    """g repeated k times across (k >= 2)."""
    return _grow(kernels.tile, g, 1, k)


@primitive(("Grid", "Int"), "Grid")
def tile_v(g: Grid, k: int) -> Grid:
    """g repeated k times down (k >= 2)."""
    return _grow(kernels.tile, g, k, 1)


def _block(rows: list[list[Grid]]) -> Grid:
    _fits(sum(r[0].shape[0] for r in rows), sum(a.shape[1] for a in rows[0]))
    # nested concatenation: what np.block does for 2-D blocks, at a fifth of its cost
    return out(np.concatenate([np.concatenate(r, axis=1) for r in rows], axis=0))


@primitive(("Grid",), "Grid")
def mirror_h(g: Grid) -> Grid:
    """g followed by its left-right mirror: [g, flip_lr(g)]."""
    return _block([[g, g[:, ::-1]]])


@primitive(("Grid",), "Grid")
def mirror_h_first(g: Grid) -> Grid:
    """The left-right mirror followed by g: [flip_lr(g), g]."""
    return _block([[g[:, ::-1], g]])


@primitive(("Grid",), "Grid")
def mirror_v(g: Grid) -> Grid:
    """g above its top-bottom mirror: [g; flip_ud(g)]."""
    return _block([[g], [g[::-1]]])


@primitive(("Grid",), "Grid")
def mirror_v_first(g: Grid) -> Grid:
    """The top-bottom mirror above g: [flip_ud(g); g]."""
    return _block([[g[::-1]], [g]])


@primitive(("Grid",), "Grid")
def mirror_4(g: Grid) -> Grid:
    """2x2 mirror tiling with g top-left: [[g, flip_lr], [flip_ud, rot180]]."""
    return _block([[g, g[:, ::-1]], [g[::-1], g[::-1, ::-1]]])


@primitive(("Grid",), "Grid", cost=1.5)
def mirror_4_last(g: Grid) -> Grid:
    """2x2 mirror tiling with g bottom-right: [[rot180, flip_ud], [flip_lr, g]]."""
    return _block([[g[::-1, ::-1], g[::-1]], [g[:, ::-1], g]])


@primitive(("Grid",), "Grid")
def rotate_4(g: Grid) -> Grid:
    """2x2 tiling of rotations of a square grid: [[g, rot90], [rot270, rot180]]."""
    if g.shape[0] != g.shape[1]:
        raise ValueError("needs a square grid")
    return _block([[g, g[::-1].T], [g.T[::-1], g[::-1, ::-1]]])


@primitive(("Grid", "Grid"), "Grid", cost=1.5)
def hconcat(a: Grid, b: Grid) -> Grid:
    """a and b side by side (same height)."""
    if a.shape[0] != b.shape[0]:
        raise ValueError("heights differ")
    return _block([[a, b]])


@primitive(("Grid", "Grid"), "Grid", cost=1.5)
def vconcat(a: Grid, b: Grid) -> Grid:
    """a above b (same width)."""
    if a.shape[1] != b.shape[1]:
        raise ValueError("widths differ")
    return _block([[a], [b]])


@primitive(("Grid",), "Grid")
def self_kron(g: Grid) -> Grid:
    """Fractal: each non-background cell becomes a copy of g, each background cell a blank."""
    h, w = g.shape
    _fits(h * h, w * w)
    return out(np.kron(g != BG, np.ones_like(g)) * np.tile(g, (h, w)))


@primitive(("Grid",), "Grid", cost=1.5)
def self_kron_inverse(g: Grid) -> Grid:
    """Fractal: each background cell becomes a copy of g, each non-background cell a blank."""
    h, w = g.shape
    _fits(h * h, w * w)
    return out(np.kron(g == BG, np.ones_like(g)) * np.tile(g, (h, w)))


def _cells_to_pixels(g: Grid, foreground: bool, split=split_cells) -> Grid:
    """One pixel per separator-cut cell: its most frequent colour (foreground: non-background
    colour, background when the cell has none)."""
    rows = split(g)
    res = np.zeros((len(rows), len(rows[0])), dtype=np.int8)
    for i, row in enumerate(rows):
        for j, (_, _, cell) in enumerate(row):
            hist = kernels.colour_histogram(cell)
            if foreground:
                hist[BG] = 0
            res[i, j] = int(np.argmax(hist)) if hist.max() > 0 else BG
    return out(res)


@primitive(("Grid",), "Grid")
def cells_to_pixels(g: Grid) -> Grid:
    """Grid cut by separator lines: each cell becomes one pixel of its most frequent colour."""
    return _cells_to_pixels(g, False)


@primitive(("Grid",), "Grid", cost=1.5)
def cells_to_pixels_foreground(g: Grid) -> Grid:
    """Grid cut by separator lines: each cell becomes its most frequent non-background colour."""
    return _cells_to_pixels(g, True)


@primitive(("Grid",), "Grid", cost=1.5)
def blank_cells_to_pixels(g: Grid) -> Grid:
    """Grid cut by blank rows and columns: each cell becomes its most frequent non-background
    colour."""
    return _cells_to_pixels(g, True, split_blank_cells)


@primitive(("Grid", "Int"), "Grid")
def downscale_majority(g: Grid, k: int) -> Grid:
    """Each k x k block becomes its most frequent colour (sides must be multiples of k)."""
    _check_blocks(g, k)
    h, w = g.shape
    blocks = g.reshape(h // k, k, w // k, k).transpose(0, 2, 1, 3).reshape(h // k, w // k, -1)
    counts = np.stack([(blocks == c).sum(axis=2) for c in range(10)], axis=2)
    return out(np.argmax(counts, axis=2))


@primitive(("Grid", "Colour"), "Grid", cost=1.5)
def kron_where(g: Grid, c: int) -> Grid:
    """Fractal: each cell of colour `c` becomes a copy of g, every other cell a blank."""
    h, w = g.shape
    _fits(h * h, w * w)
    return out(np.kron(g == c, np.ones_like(g)) * np.tile(g, (h, w)))


@primitive(("Grid",), "Grid", cost=1.5)
def stack_rot180(g: Grid) -> Grid:
    """g above its 180-degree rotation: [g; rot180(g)]."""
    return _block([[g], [g[::-1, ::-1]]])


@primitive(("Grid",), "Grid", cost=1.5)
def beside_rot180(g: Grid) -> Grid:
    """g beside its 180-degree rotation: [g, rot180(g)]."""
    return _block([[g, g[::-1, ::-1]]])
