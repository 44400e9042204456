"""Patterns: repair or continue a periodic tiling, extend it to a larger grid, checkerboards,
concentric rings from a colour list, diagonal stripes, staircases."""

from __future__ import annotations

import numpy as np

from dsl import kernels
from dsl.types import Grid
from ttt.generators.common import BG, blank, colours, dims
from ttt.generators.registry import Params, Retry, family


def _tile(rng: np.random.Generator, no_bg: bool) -> Grid:
    ph, pw = dims(rng, 1, 4)
    if ph * pw == 1:
        raise Retry("a one-cell tile")
    cols = colours(rng, int(rng.integers(2, 4)), (BG,) if no_bg else ())
    t = rng.choice(cols, size=(ph, pw)).astype(np.int8)
    if kernels.min_period(t, -1, True) != (ph, pw) or len(np.unique(t)) < 2:
        raise Retry("the tile repeats itself")
    return t


def _tiled(t: Grid, h: int, w: int) -> Grid:
    return np.ascontiguousarray(np.tile(t, (-(-h // t.shape[0]), -(-w // t.shape[1])))[:h, :w])


def _repair(g: Grid, p: Params) -> Grid:
    pr, pc = kernels.min_period(g, p["hole"], False)
    out = kernels.periodic_fill(g, pr, pc, p["hole"])
    if (out == p["hole"]).any():
        raise Retry("unrecoverable")
    return out


@family("periodic_repair", "patterns", _repair, lambda rng: {"hole": int(rng.integers(10))})
def periodic_repair(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """A periodic tiling with blocks blotted out in one colour is restored."""
    t = _tile(rng, False)
    if (t == p["hole"]).any():
        raise Retry("hole colour in the tile")
    full = _tiled(t, *dims(rng, 6, 16))
    g = full.copy()
    for _ in range(int(rng.integers(1, 4))):
        bh, bw = dims(rng, 1, 4)
        r, c = int(rng.integers(0, g.shape[0] - bh + 1)), int(rng.integers(0, g.shape[1] - bw + 1))
        g[r : r + bh, c : c + bw] = p["hole"]
    return g, full


@family("continue_pattern", "patterns", lambda g, p: _repair(g, {"hole": BG}))
def continue_pattern(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """A periodic tiling shown only in its top rows (or left columns) fills the whole grid."""
    t = _tile(rng, True)
    full = _tiled(t, *dims(rng, 6, 16))
    g = full.copy()
    if rng.random() < 0.5:
        g[int(rng.integers(t.shape[0] + 1, full.shape[0])) :] = BG
    else:
        g[:, int(rng.integers(t.shape[1] + 1, full.shape[1])) :] = BG
    return g, full


def _extend(g: Grid, p: Params) -> Grid:
    pr, pc = kernels.min_period(g, -1, False)
    return _tiled(g[:pr, :pc], g.shape[0] * p["kr"], g.shape[1] * p["kc"])


def _extend_params(rng: np.random.Generator) -> Params:
    return [{"kr": 1, "kc": 2}, {"kr": 2, "kc": 1}, {"kr": 2, "kc": 2}][int(rng.integers(3))]


@family("extend_pattern", "patterns", _extend, _extend_params)
def extend_pattern(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """A periodic grid continues to twice its width and/or height."""
    t = _tile(rng, False)
    h = int(rng.integers(t.shape[0] + 1, 15 // p["kr"] + 1))
    w = int(rng.integers(t.shape[1] + 1, 15 // p["kc"] + 1))
    if min(h, w) < 2:
        raise Retry("too small")
    return _tiled(t, h, w), _tiled(t, h * p["kr"], w * p["kc"])


def _checker(g: Grid, p: Params) -> Grid:
    a, b = int(g[0, 0]), int(g[0, 1])
    r, c = np.indices(g.shape)
    return np.where((r + c) % 2 == 0, a, b).astype(np.int8)


@family("checkerboard", "patterns", _checker)
def checkerboard(rng: np.random.Generator, p: Params) -> Grid:
    """The first two cells of the top row name the two colours of a checkerboard filling all."""
    g = blank(*dims(rng, 2, 14))
    g[0, :2] = colours(rng, 2, ())
    if g.shape[0] < 2:
        raise Retry("one row")
    return g


def _rings(g: Grid, p: Params) -> Grid:
    cols = g[0]
    n = len(cols)
    r, c = np.indices((2 * n - 1, 2 * n - 1))
    depth = np.minimum(np.minimum(r, c), np.minimum(2 * n - 2 - r, 2 * n - 2 - c))
    return np.ascontiguousarray(cols[depth])


@family("concentric_rings", "patterns", _rings)
def concentric_rings(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """A row of colours becomes concentric square rings, outermost first."""
    n = int(rng.integers(2, 8))
    cols = np.array(rng.choice(10, size=n), dtype=np.int8)
    out = blank(2 * n - 1, 2 * n - 1)
    for i, col in enumerate(cols):
        out[i : 2 * n - 1 - i, i : 2 * n - 1 - i] = col
    return cols[None, :], out


def _diagonals(g: Grid, p: Params) -> Grid:
    r, c = np.indices(g.shape)
    lane = (r + c) % p["k"]
    table = np.full(p["k"], -1)
    for i in range(p["k"]):
        seen = set(g[(lane == i) & (g != BG)].tolist())
        if len(seen) != 1:
            raise Retry("a lane without a single colour")
        table[i] = seen.pop()
    return table[lane].astype(np.int8)


@family("diagonal_stripes", "patterns", _diagonals, lambda rng: {"k": int(rng.integers(2, 5))})
def diagonal_stripes(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """A few diagonal stripes repeat with period k until they cover the whole grid."""
    h, w = dims(rng, 4, 12)
    cols = colours(rng, p["k"])
    r, c = np.indices((h, w))
    out = np.array(cols, dtype=np.int8)[(r + c) % p["k"]]
    shown = rng.random(h + w - 1) < 0.3
    for i in range(p["k"]):  # one visible stripe per colour at least
        shown[int(rng.choice(np.arange(i, h + w - 1, p["k"])))] = True
    return np.where(shown[r + c], out, BG).astype(np.int8), out


def _staircase(g: Grid, p: Params) -> Grid:
    n, w = int((g[0] != BG).sum()), g.shape[1]
    out = blank(w - n + 1, w)
    for i in range(w - n + 1):
        out[i, : n + i] = g[0, 0]
    return out


@family("staircase", "patterns", _staircase)
def staircase(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """A row with n cells filled from the left grows one cell a row until it is full."""
    w = int(rng.integers(3, 15))
    n = int(rng.integers(1, w))
    col = colours(rng, 1)[0]
    g = blank(1, w)
    g[0, :n] = col
    out = np.tril(np.ones((w, w), dtype=np.int8), n - 1)[: w - n + 1] * col
    return g, out
