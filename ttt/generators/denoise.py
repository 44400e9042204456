"""Denoising: drop isolated specks, restore rectangles under a noise colour, restore uniform
stripes, keep only the full lines among clutter."""

from __future__ import annotations

import numpy as np

from dsl.types import Grid
from ttt.generators.common import BG, blank, box, colours, components, dims, scatter, shapes
from ttt.generators.registry import Params, Retry, family


def _specks(g: Grid, p: Params) -> Grid:
    out = g.copy()
    for m in components(g, multicolour=True):
        if m.sum() == 1:
            out[m] = BG
    return out


@family("remove_specks", "denoise", _specks)
def remove_specks(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Single isolated cells are noise and disappear; objects of two or more cells stay."""
    ms = [m for m in shapes(rng, int(rng.integers(1, 5)), 2, 5) if m.sum() > 1]
    cols = colours(rng, 3)
    clean = scatter(rng, *dims(rng, 8, 18), ms, [cols[int(rng.integers(3))] for _ in ms])[0]
    g = clean.copy()
    free = np.argwhere(_far_from(clean))
    for r, c in free[rng.permutation(len(free))[: int(rng.integers(1, 9))]]:
        if _far_from(g)[r, c]:
            g[r, c] = cols[int(rng.integers(3))]
    return g, clean


def _far_from(g: Grid) -> np.ndarray:
    """Cells with nothing in their 3x3 neighbourhood."""
    busy = np.pad(g != BG, 1)
    near = np.zeros(g.shape, dtype=bool)
    for dr in range(3):
        for dc in range(3):
            near |= busy[dr : dr + g.shape[0], dc : dc + g.shape[1]]
    return ~near


def _rects(g: Grid, p: Params) -> Grid:
    out = np.where(g == p["noise"], BG, g).astype(np.int8)
    for c in set(np.unique(out).tolist()) - {BG}:
        out[box(out == c)] = c
    return out


@family("restore_rectangles", "denoise", _rects, lambda rng: {"noise": colours(rng, 1)[0]})
def restore_rectangles(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Noise cells of one colour are sprinkled over rectangles: inside a rectangle they take
    its colour, outside they vanish."""
    n = int(rng.integers(1, 4))
    ms = [np.ones(dims(rng, 2, 6), dtype=bool) for _ in range(n)]
    clean = scatter(rng, *dims(rng, 8, 16), ms, colours(rng, n, (BG, p["noise"])))[0]
    g = np.where(rng.random(clean.shape) < rng.uniform(0.05, 0.2), p["noise"], clean)
    return g.astype(np.int8), clean


def _stripes(g: Grid, p: Params) -> Grid:
    out = g.copy()
    for r in range(g.shape[0]):
        counts = np.bincount(g[r][g[r] != p["noise"]], minlength=10)
        if counts.max() * 2 <= g.shape[1]:
            raise Retry("no clear majority")
        out[r] = counts.argmax()
    return out


@family("restore_stripes", "denoise", _stripes, lambda rng: {"noise": colours(rng, 1, ())[0]})
def restore_stripes(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Horizontal stripes of one colour each, with noise cells of one colour, become clean."""
    h, w = dims(rng, 3, 14)
    cols = colours(rng, 3, (p["noise"],))
    clean = np.repeat(np.array(cols, dtype=np.int8)[rng.integers(0, 3, size=h)][:, None], w, 1)
    g = np.where(rng.random((h, w)) < 0.2, p["noise"], clean).astype(np.int8)
    return g, clean


def _lines(g: Grid, p: Params) -> Grid:
    out = blank(*g.shape)
    rows = (g == g[:, :1]).all(1) & (g[:, 0] != BG)
    cols = (g == g[:1]).all(0) & (g[0] != BG)
    out[rows] = g[rows]
    out[:, cols] = g[:, cols]
    return out


@family("keep_full_lines", "denoise", _lines)
def keep_full_lines(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Full-length lines of one colour stay; the scattered cells of other colours go."""
    h, w = dims(rng, 6, 16)
    cols = colours(rng, 3)
    clean = blank(h, w)
    rows = rng.choice(h, int(rng.integers(0, 3)), replace=False)
    cs = rng.choice(w, int(rng.integers(1 if not len(rows) else 0, 3)), replace=False)
    clean[rows] = cols[0]
    clean[:, cs] = cols[0]
    speck = (rng.random((h, w)) < 0.15) & (clean == BG)
    g = np.where(speck, rng.choice(cols[1:], size=(h, w)), clean).astype(np.int8)
    if not speck.any():
        raise Retry("no clutter")
    return g, clean
