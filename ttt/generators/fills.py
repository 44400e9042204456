"""Fills: enclosed areas (one colour, by size, by a seed inside), flood from a seed, borders,
halos, hollowing, boxes around objects, filling bounding boxes."""

from __future__ import annotations

import numpy as np

from dsl import kernels
from dsl.types import Grid
from ttt.generators.common import (
    BG,
    blank,
    bounds,
    box,
    colours,
    components,
    dims,
    paint,
    place,
    scatter,
    scene,
    shapes,
)
from ttt.generators.registry import Params, Retry, family


def _ring(h: int, w: int) -> np.ndarray:
    m = np.ones((h, w), dtype=bool)
    m[1:-1, 1:-1] = False
    return m


def _rings(rng: np.random.Generator, lo: int = 3, hi: int = 6, n: tuple[int, int] = (1, 4)):
    """1-3 (or n) outlines of random rectangles lo..hi a side."""
    return [_ring(*dims(rng, lo, hi)) for _ in range(int(rng.integers(*n)))]


def _two(rng: np.random.Generator) -> Params:
    ink, c = colours(rng, 2)
    return {"ink": ink, "c": c}


@family("fill_enclosed", "fills", lambda g, p: kernels.fill_enclosed(g, BG, p["c"]), _two)
def fill_enclosed(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """The inside of every closed outline is filled with a fixed colour."""
    ms = _rings(rng)
    g, spots = scatter(rng, *dims(rng, 6, 16), ms, [p["ink"]] * len(ms))
    out = g.copy()
    for m, (r, c) in zip(ms, spots):
        out[r + 1 : r + m.shape[0] - 1, c + 1 : c + m.shape[1] - 1] = p["c"]
    return g, out


def _by_area(g: Grid, p: Params) -> Grid:
    holes = kernels.fill_enclosed(g, BG, p["ink"]) != g
    out = g.copy()
    for m in components(holes.astype(np.int8), conn8=False):
        out[m] = p["table"][int(m.sum())]
    return out


def _area_table(rng: np.random.Generator) -> Params:
    sides = [1, 2, 3]
    return {"ink": colours(rng, 1)[0], "table": dict(zip([s * s for s in sides], colours(rng, 3)))}


@family("fill_enclosed_by_size", "fills", _by_area, _area_table)
def fill_enclosed_by_size(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Square outlines are filled with a colour that depends on the size of their hole."""
    sides = [int(s) for s in rng.integers(1, 4, size=int(rng.integers(2, 5)))]
    ms = [_ring(s + 2, s + 2) for s in sides]
    g, spots = scatter(rng, *dims(rng, 8, 16), ms, [p["ink"]] * len(ms))
    out = g.copy()
    for s, (r, c) in zip(sides, spots):
        out[r + 1 : r + 1 + s, c + 1 : c + 1 + s] = p["table"][s * s]
    return g, out


def _seeded(g: Grid, p: Params) -> Grid:
    out = g.copy()
    for m in components(np.where(g == p["ink"], 0, 1).astype(np.int8), conn8=False):
        inner = g[box(m)][m[box(m)]]
        seeds = set(inner.tolist()) - {BG, p["ink"]}
        if len(seeds) == 1:
            out[m & (g == BG)] = seeds.pop()
    return out


@family("fill_from_seed", "fills", _seeded, lambda rng: {"ink": colours(rng, 1)[0]})
def fill_from_seed(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Outlines holding one coloured seed cell fill with the seed's colour; empty ones stay."""
    ms = _rings(rng, 3, 7, (2, 5))
    g, spots = scatter(rng, *dims(rng, 8, 18), ms, [p["ink"]] * len(ms))
    out = g.copy()
    cols = colours(rng, 3, (BG, p["ink"]))
    for i, (m, (r, c)) in enumerate(zip(ms, spots)):
        if i and rng.random() < 0.3:
            continue
        ih, iw = m.shape[0] - 2, m.shape[1] - 2
        col = cols[int(rng.integers(3))]
        out[r + 1 : r + 1 + ih, c + 1 : c + 1 + iw] = col
        g[r + 1 + int(rng.integers(ih)), c + 1 + int(rng.integers(iw))] = col
    return g, out


def _walls(g: Grid, p: Params) -> Grid:
    (r,), (c,) = np.nonzero(g == p["seed"])
    base = np.where(g == p["seed"], BG, g).astype(np.int8)
    return kernels.flood_fill(base, int(r), int(c), p["seed"], False)


@family("flood_fill", "fills", _walls, lambda rng: dict(zip(("wall", "seed"), colours(rng, 2))))
def flood_fill(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Walls cut the grid into rooms; the room holding the seed cell fills with its colour."""
    h, w = dims(rng, 6, 16)
    g = blank(h, w)
    rows = sorted(int(x) for x in rng.choice(np.arange(1, h - 1), int(rng.integers(1, 3)), False))
    cols = sorted(int(x) for x in rng.choice(np.arange(1, w - 1), int(rng.integers(1, 3)), False))
    g[rows, :] = p["wall"]
    g[:, cols] = p["wall"]
    free = np.argwhere(g == BG)
    r, c = free[int(rng.integers(len(free)))]
    r0 = max([x + 1 for x in rows if x < r], default=0)
    r1 = min([x for x in rows if x > r], default=h)
    c0 = max([x + 1 for x in cols if x < c], default=0)
    c1 = min([x for x in cols if x > c], default=w)
    out = g.copy()
    out[r0:r1, c0:c1] = p["seed"]
    g[r, c] = p["seed"]
    return g, out


def _border(g: Grid, p: Params) -> Grid:
    out = g.copy()
    out[[0, -1], :] = p["c"]
    out[:, [0, -1]] = p["c"]
    return out


@family("draw_border", "fills", _border, lambda rng: {"c": colours(rng, 1)[0]})
def draw_border(rng: np.random.Generator, p: Params) -> Grid:
    """The grid's outermost ring takes a fixed colour."""
    return scene(rng, *dims(rng, 3, 14), colours(rng, 2, (BG, p["c"])))


def _halo(g: Grid, p: Params) -> Grid:
    near = kernels.neighbour_mask(g, BG, p["conn8"])
    return np.where(near, p["c"], g).astype(np.int8)


def _halo_params(rng: np.random.Generator) -> Params:
    return {**_two(rng), "conn8": bool(rng.integers(2))}


@family("halo", "fills", _halo, _halo_params)
def halo(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Background cells next to any object (8- or 4-neighbours) take a fixed colour."""
    ms = shapes(rng, int(rng.integers(1, 5)), 1, 3)
    g = scatter(rng, *dims(rng, 5, 14), ms, [p["ink"]] * len(ms), margin=3)[0]
    ring = _grow(g != BG, p["conn8"]) & (g == BG)
    return g, np.where(ring, p["c"], g).astype(np.int8)


def _grow(m: np.ndarray, conn8: bool) -> np.ndarray:
    out = m.copy()
    out[1:] |= m[:-1]
    out[:-1] |= m[1:]
    out[:, 1:] |= m[:, :-1]
    out[:, :-1] |= m[:, 1:]
    if conn8:
        out[1:, 1:] |= m[:-1, :-1]
        out[1:, :-1] |= m[:-1, 1:]
        out[:-1, 1:] |= m[1:, :-1]
        out[:-1, :-1] |= m[1:, 1:]
    return out


def _hollow(g: Grid, p: Params) -> Grid:
    inner = (g != BG) & (kernels.interior_mask(g, BG))
    return np.where(inner, BG, g).astype(np.int8)


@family("hollow", "fills", _hollow)
def hollow(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Solid rectangles keep only their outline."""
    ms = [np.ones(dims(rng, 1, 6), dtype=bool) for _ in range(int(rng.integers(1, 4)))]
    cols = colours(rng, len(ms))
    g, spots = scatter(rng, *dims(rng, 6, 16), ms, cols)
    out = g.copy()
    for m, (r, c) in zip(ms, spots):
        out[r + 1 : r + m.shape[0] - 1, c + 1 : c + m.shape[1] - 1] = BG
    return g, out


def _boxes(g: Grid, p: Params) -> Grid:
    out = g.copy()
    for m in components(g, multicolour=True):
        top, left, bottom, right = (x + d for x, d in zip(bounds(m), (-1, -1, 1, 1)))
        if top < 0 or left < 0 or bottom >= g.shape[0] or right >= g.shape[1]:
            raise Retry("box off the grid")
        out[[top, bottom], left : right + 1] = p["c"]
        out[top : bottom + 1, [left, right]] = p["c"]
    return out


@family("box_objects", "fills", _boxes, lambda rng: {"c": colours(rng, 1)[0]})
def box_objects(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """A rectangle of a fixed colour is drawn one cell around each object."""
    ms = shapes(rng, int(rng.integers(1, 4)), 1, 4)
    boxes = [np.ones((m.shape[0] + 2, m.shape[1] + 2), dtype=bool) for m in ms]
    h, w = dims(rng, 6, 16)
    spots = place(rng, np.zeros((h, w), dtype=bool), boxes)
    cols = colours(rng, 2, (BG, p["c"]))
    g, out = blank(h, w), blank(h, w)
    for m, b, (r, c) in zip(ms, boxes, spots):
        paint(out, _ring(*b.shape), r, c, p["c"])
        col = cols[int(rng.integers(2))]
        paint(g, m, r + 1, c + 1, col)
        paint(out, m, r + 1, c + 1, col)
    return g, out


def _bbox_fill(g: Grid, p: Params) -> Grid:
    out = g.copy()
    for m in components(g, multicolour=True):
        inside = out[box(m)]
        inside[inside == BG] = p["c"]
    return out


@family("fill_bounding_boxes", "fills", _bbox_fill, lambda rng: {"c": colours(rng, 1)[0]})
def fill_bounding_boxes(rng: np.random.Generator, p: Params) -> Grid:
    """The background inside each object's bounding box takes a fixed colour."""
    ms = shapes(rng, int(rng.integers(1, 5)), 2, 5)
    cols = colours(rng, 2, (BG, p["c"]))
    return scatter(rng, *dims(rng, 6, 16), ms, [cols[int(rng.integers(2))] for _ in ms])[0]
