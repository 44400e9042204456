"""Size-aware primitives: make a grid take another grid's shape (the predicted output size).

The second argument only lends its shape: the search passes the state whose shape matches the
demo outputs (often the input itself, a crop of it, or a constant grid), so one program covers
outputs whose size changes from input to input.
"""

from __future__ import annotations

import numpy as np

from dsl import kernels
from dsl.primitives.common import BG, out
from dsl.registry import primitive
from dsl.types import Grid


def _factors(small: tuple[int, int], big: tuple[int, int]) -> tuple[int, int]:
    """Whole factors with big = small * factor on each axis (ValueError otherwise)."""
    (h, w), (H, W) = small, big
    if H % h or W % w:
        raise ValueError("shapes are not whole multiples")
    return H // h, W // w


@primitive(("Grid", "Grid"), "Grid", cost=1.5)
def tile_to(g: Grid, like: Grid) -> Grid:
    """Repeat g across like's shape (the last repeat cut off at the edge)."""
    H, W = like.shape
    h, w = g.shape
    if (h, w) == (H, W):
        raise ValueError("already that shape")
    reps = kernels.tile(g, -(-H // h), -(-W // w))
    return out(reps[:H, :W])


@primitive(("Grid", "Grid"), "Grid", cost=1.5)
def upscale_to(g: Grid, like: Grid) -> Grid:
    """Scale g up by whole factors (per axis) to like's shape."""
    kr, kc = _factors(g.shape, like.shape)
    if kr == kc == 1:
        raise ValueError("already that shape")
    return out(kernels.upscale(g, kr, kc))


@primitive(("Grid", "Grid"), "Grid", cost=1.5)
def downscale_to(g: Grid, like: Grid) -> Grid:
    """Scale g down by whole factors (per axis) to like's shape: each block's top-left cell."""
    kr, kc = _factors(like.shape, g.shape)
    if kr == kc == 1:
        raise ValueError("already that shape")
    return out(kernels.downscale(g, kr, kc))


@primitive(("Grid", "Grid"), "Grid", cost=1.5)
def embed_to(g: Grid, like: Grid) -> Grid:
    """g at the top-left of a background canvas of like's shape (cut off where it overflows)."""
    H, W = like.shape
    if g.shape == (H, W):
        raise ValueError("already that shape")
    canvas = np.full((H, W), BG, dtype=np.int8)
    h, w = min(H, g.shape[0]), min(W, g.shape[1])
    canvas[:h, :w] = g[:h, :w]
    return out(canvas)


@primitive(("Grid", "Grid"), "Grid", cost=1.5)
def centre_to(g: Grid, like: Grid) -> Grid:
    """g in the middle of a background canvas of like's shape (cut off evenly where larger)."""
    H, W = like.shape
    h, w = g.shape
    if (h, w) == (H, W) or (H - h) % 2 or (W - w) % 2:
        raise ValueError("no exact centre")
    canvas = np.full((H, W), BG, dtype=np.int8)
    dr, dc = (H - h) // 2, (W - w) // 2
    src = g[max(0, -dr) : h - max(0, -dr), max(0, -dc) : w - max(0, -dc)]
    canvas[max(0, dr) : max(0, dr) + src.shape[0], max(0, dc) : max(0, dc) + src.shape[1]] = src
    return out(canvas)


def _shifted(rows: Grid, s: int) -> Grid:
    """rows moved s columns right (left when s < 0), background coming in, cells cut off."""
    res = np.full_like(rows, BG)
    w = rows.shape[1]
    if s >= 0:
        res[:, s:] = rows[:, : w - s]
    else:
        res[:, :s] = rows[:, -s:]
    return res


def _continue_rows(g: Grid, H: int) -> Grid:
    """g grown to H rows: the smallest period p (then the smallest shift s) with each row the row
    p above moved s columns, continued down."""
    h, w = g.shape
    if H == h:
        return g
    for p in range(1, h):
        for s in sorted(range(-w + 1, w), key=lambda s: (abs(s), s < 0)):
            if np.array_equal(_shifted(g[: h - p], s), g[p:]):
                res = np.concatenate([g, np.full((H - h, w), BG, dtype=g.dtype)])
                for i in range(h, H):
                    res[i] = _shifted(res[i - p : i - p + 1], s)[0]
                return res
    raise ValueError("no period")


@primitive(("Grid", "Grid"), "Grid", cost=1.5)
def continue_to(g: Grid, like: Grid) -> Grid:
    """g grown to like's shape by continuing its pattern: down, each row the row a period above
    moved by a fixed shift (a staircase continues as a staircase), then right alike."""
    H, W = like.shape
    h, w = g.shape
    if (h, w) == (H, W) or H < h or W < w:
        raise ValueError("continue_to only grows")
    return out(_continue_rows(_continue_rows(g, H).T, W).T)


@primitive(("Grid", "Int", "Int", "Int", "Int"), "Grid", cost=1.0)
def blank_resized(g: Grid, ah: int, bh: int, aw: int, bw: int) -> Grid:
    """A blank grid of shape (ah * height + bh, aw * width + bw) of g: the output size when it
    is an affine function of a state's size per axis (dsl.search.size.affine_rules), to lend
    that shape to the functions above. Its literals are fitted, never enumerated."""
    h, w = ah * g.shape[0] + bh, aw * g.shape[1] + bw
    if not (1 <= h <= 30 and 1 <= w <= 30):
        raise ValueError("size out of range")
    return np.zeros((h, w), dtype=np.int8)
