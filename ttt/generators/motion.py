"""Motion: cell gravity, rigid objects falling to a wall, moving one colour by an offset,
objects pulled against a bar, bars sorted by height."""

from __future__ import annotations

import numpy as np

from dsl import kernels
from dsl.types import Grid
from ttt.generators.common import (
    BG,
    blank,
    colours,
    components,
    dims,
    paint,
    scatter,
    scene,
    shapes,
)
from ttt.generators.common import symmetry as sym
from ttt.generators.registry import Params, Retry, family

# direction -> (symmetry that turns it into "down", the symmetry that turns it back)
DIRECTIONS = {"up": (2, 2), "down": (0, 0), "left": (3, 1), "right": (1, 3)}
KERNEL_DIRECTION = {"up": 0, "down": 1, "left": 2, "right": 3}


def _cells_down(g: Grid) -> Grid:
    out = np.zeros_like(g)
    for c in range(g.shape[1]):
        col = g[:, c][g[:, c] != BG]
        out[g.shape[0] - len(col) :, c] = col
    return out


def _register_gravity(name: str) -> None:
    to, back = DIRECTIONS[name]

    def verify(g: Grid, p: Params) -> Grid:
        return kernels.gravity(g, KERNEL_DIRECTION[name], BG)

    @family(f"gravity_{name}", "motion", verify, doc=f"Every cell falls {name} as far as it can.")
    def example(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
        g = scene(rng, *dims(rng, 3, 12))
        return g, sym(_cells_down(sym(g, to)), back)


for _d in DIRECTIONS:
    _register_gravity(_d)


def _fall_down(g: Grid) -> Grid:
    """Rigid multicolour objects fall, lowest first, until they rest on the floor or another."""
    objs = components(g, multicolour=True)
    objs.sort(key=lambda m: -int(np.flatnonzero(m.any(1))[-1]))
    out = blank(*g.shape)
    for m in objs:
        d = 0
        while True:
            nxt = np.roll(m, d + 1, axis=0)
            if m[g.shape[0] - d - 1 :].any() or (out[nxt] != BG).any():
                break
            d += 1
        out[np.roll(m, d, axis=0)] = g[m]
    return out


def _fall(g: Grid, p: Params) -> Grid:
    to, back = DIRECTIONS[p["dir"]]
    return sym(_fall_down(sym(g, to)), back)


@family("objects_fall", "motion", _fall, lambda rng: {"dir": str(rng.choice(list(DIRECTIONS)))})
def objects_fall(rng: np.random.Generator, p: Params) -> Grid:
    """Whole objects slide towards one wall until they hit it or another object."""
    ms = shapes(rng, int(rng.integers(2, 6)), 1, 3)
    return scatter(
        rng, *dims(rng, 5, 12), ms, [int(c) for c in rng.choice(colours(rng, 3), len(ms))]
    )[0]


def _move_params(rng: np.random.Generator) -> Params:
    dr, dc = (int(x) for x in rng.integers(-2, 3, size=2))
    if dr == dc == 0:
        raise Retry("no move")
    mover, *others = colours(rng, 3)
    return {"dr": dr, "dc": dc, "mover": mover, "others": others}


def _move(g: Grid, p: Params) -> Grid:
    moving = g == p["mover"]
    out = np.where(moving, BG, g).astype(np.int8)
    shifted = kernels.shift(moving.astype(np.int8), p["dr"], p["dc"], 0) == 1
    if shifted.sum() != moving.sum():
        raise Retry("moved off the grid")
    out[shifted] = p["mover"]
    return out


@family("move_colour", "motion", _move, _move_params)
def move_colour(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Objects of one colour move by a fixed offset; the rest stays."""
    n = int(rng.integers(2, 6))
    ms = shapes(rng, n, 1, 3)
    cols = [p["mover"]] + [int(c) for c in rng.choice(p["others"], n - 1)]
    h, w = dims(rng, 6, 14)
    out, spots = scatter(rng, h, w, ms, cols)
    g = np.where(out == p["mover"], BG, out).astype(np.int8)
    r, c = spots[0][0] - p["dr"], spots[0][1] - p["dc"]
    mh, mw = ms[0].shape
    if r < 0 or c < 0 or r + mh > h or c + mw > w or (g[r : r + mh, c : c + mw][ms[0]] != BG).any():
        raise Retry("start position blocked")
    paint(g, ms[0], r, c, p["mover"])
    return g, out


def _attract(g: Grid, p: Params) -> Grid:
    bar = int(np.flatnonzero((g == p["bar"]).all(1))[0])
    out = np.where(g == p["ink"], BG, g).astype(np.int8)
    for m in components(np.where(g == p["ink"], g, BG)):
        rows = np.flatnonzero(m.any(1))
        d = bar - 1 - rows[-1] if rows[-1] < bar else bar + 1 - rows[0]
        out[np.roll(m, d, axis=0)] = p["ink"]
    return out


@family(
    "attract_to_bar", "motion", _attract, lambda rng: dict(zip(("bar", "ink"), colours(rng, 2)))
)
def attract_to_bar(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Objects above and below a full-width bar move straight to it until they touch it."""
    h, w = dims(rng, 9, 16)
    bar = int(rng.integers(3, h - 3))
    g, out = blank(h, w), blank(h, w)
    g[bar] = out[bar] = p["bar"]
    col = int(rng.integers(0, 2))
    while col < w:
        (m,) = shapes(rng, 1, 1, 3)
        mh, mw = m.shape
        if col + mw > w:
            break
        above = bool(rng.integers(2))
        room = bar - mh if above else h - bar - 1 - mh
        if room >= 1:
            start = int(rng.integers(0, room + 1))
            r_in = start if above else bar + 1 + start
            r_out = bar - mh if above else bar + 1
            paint(g, m, r_in, col, p["ink"])
            paint(out, m, r_out, col, p["ink"])
        col += mw + 1 + int(rng.integers(0, 3))
    return g, out


def _sort_bars(g: Grid, p: Params) -> Grid:
    heights = (g != BG).sum(0)
    cols = [c for c in range(g.shape[1]) if heights[c]]
    order = sorted(cols, key=lambda c: heights[c], reverse=p["desc"])
    out = blank(*g.shape)
    for dst, src in zip(cols, order):
        out[:, dst] = g[:, src]
    return out


@family("sort_bars", "motion", _sort_bars, lambda rng: {"desc": bool(rng.integers(2))})
def sort_bars(rng: np.random.Generator, p: Params) -> Grid:
    """Bars standing on the floor are reordered by height (ascending or descending)."""
    h, w = dims(rng, 4, 12)
    step = int(rng.integers(1, 3))
    slots = list(range(0, w, step))
    if len(slots) < 3:
        raise Retry("too few bars")
    heights = rng.choice(np.arange(1, h + 1), size=len(slots), replace=len(slots) > h)
    if len(set(heights.tolist())) < len(slots):
        raise Retry("equal heights")
    cols = colours(rng, int(rng.integers(1, 4)))
    g = blank(h, w)
    for c, k in zip(slots, heights):
        g[h - k :, c] = cols[int(rng.integers(len(cols)))]
    return g
