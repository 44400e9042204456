"""Objects: pick one (largest, smallest, odd colour, odd shape) and crop or recolour it,
recolour by size or shape, keep or remove by size or by touching the border, stamp templates."""

from __future__ import annotations

import numpy as np

from dsl import kernels
from dsl.types import Grid
from ttt.generators.common import (
    BG,
    box,
    colours,
    components,
    crop,
    dims,
    paint,
    scatter,
    shape,
    shapes,
    unique_argmax,
)
from ttt.generators.registry import Params, Retry, family


def _objects(rng: np.random.Generator, lo: int = 2, hi: int = 6, side: int = 4):
    """(grid, masks, spots, colours): 2..6 random shapes scattered apart on a blank grid."""
    n = int(rng.integers(lo, hi + 1))
    ms = shapes(rng, n, 1, side)
    cols = [int(c) for c in rng.choice(colours(rng, 4), size=n)]
    g, spots = scatter(rng, *dims(rng, 6, 16), ms, cols)
    return g, ms, spots, cols


def _pick(g: Grid, p: Params) -> np.ndarray:
    """The mask of the object `p["by"]` selects (8-connected, multicolour objects)."""
    objs = components(g, multicolour=True)
    if len(objs) < 2:
        raise Retry("one object")
    sizes = [int(m.sum()) for m in objs]
    if p["by"] == "largest":
        return objs[unique_argmax(sizes)]
    if p["by"] == "smallest":
        return objs[unique_argmax([-s for s in sizes])]
    keys = [_colour_key(g, m) if p["by"] == "colour" else _shape_key(m) for m in objs]
    odd = [i for i, k in enumerate(keys) if keys.count(k) == 1]
    if len(odd) != 1 or len(set(keys)) != 2:
        raise Retry("no single odd one")
    return objs[odd[0]]


def _colour_key(g: Grid, m: np.ndarray) -> int:
    return int(np.bincount(g[m], minlength=10).argmax())


def _shape_key(m: np.ndarray) -> bytes:
    c = crop(m, m)
    return repr(c.shape).encode() + c.tobytes()


def _odd_scene(rng: np.random.Generator, by: str) -> Grid:
    """Objects where the one to pick exists and is unique by construction."""
    if by in ("largest", "smallest"):
        g, ms, _, _ = _objects(rng)
        sizes = [int(m.sum()) for m in ms]
        unique_argmax(sizes if by == "largest" else [-s for s in sizes])
        return g
    n = int(rng.integers(3, 6))
    if by == "colour":
        a, b = colours(rng, 2)
        ms = shapes(rng, n, 1, 4)
        cols = [b] + [a] * (n - 1)
    else:
        odd, common = shapes(rng, 2, 2, 4, distinct=True)
        ms = [odd] + [common] * (n - 1)
        cols = [int(c) for c in rng.choice(colours(rng, 3), size=n)]
    g, _ = scatter(rng, *dims(rng, 6, 16), ms, cols)
    return g


def _recolour_pick(g: Grid, p: Params) -> Grid:
    out = g.copy()
    out[_pick(g, p)] = p["c"]
    return out


def _keep_pick(g: Grid, p: Params) -> Grid:
    return np.where(_pick(g, p), g, BG).astype(np.int8)


# (what is done to the picked object, its verifier, and whether it needs a colour)
ACTIONS = {
    "crop": (lambda g, p: crop(g, _pick(g, p)), False),
    "recolour": (_recolour_pick, True),
    "keep": (_keep_pick, False),
}


def _register_selection(action: str, by: str) -> None:
    verify, coloured = ACTIONS[action]

    def params(rng: np.random.Generator) -> Params:
        return {"by": by, **({"c": colours(rng, 1)[0]} if coloured else {})}

    what = {"colour": "odd-coloured", "shape": "odd-shaped"}.get(by, by)
    doc = f"{action.capitalize()} the {what} object" + (" in a fixed colour." if coloured else ".")

    @family(f"{action}_{by}_object", "objects", verify, params, doc)
    def example(rng: np.random.Generator, p: Params) -> Grid:
        g = _odd_scene(rng, p["by"])
        if coloured and (g == p["c"]).any():
            raise Retry("target colour in use")
        return g


for _action in ACTIONS:
    for _by in ("largest", "smallest", "colour", "shape"):
        if not (_action == "recolour" and _by == "colour"):
            _register_selection(_action, _by)


def _size_table(rng: np.random.Generator) -> Params:
    sizes = sorted(int(s) for s in rng.choice(np.arange(1, 7), size=3, replace=False))
    return {"table": dict(zip(sizes, colours(rng, 3))), "ink": colours(rng, 1)[0]}


def _by_size(g: Grid, p: Params) -> Grid:
    out = g.copy()
    for m in components(g, conn8=False):
        out[m] = p["table"][int(m.sum())]
    return out


@family("recolour_by_size", "objects", _by_size, _size_table)
def recolour_by_size(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """One-colour objects take a colour that depends on their size (a fixed table)."""
    sizes = list(p["table"])
    ms = [_shape_of_size(rng, s) for s in rng.choice(sizes, size=int(rng.integers(2, 7)))]
    g, spots = scatter(rng, *dims(rng, 6, 14), ms, [p["ink"]] * len(ms))
    out = g.copy()
    for m, (r, c) in zip(ms, spots):
        paint(out, m, r, c, p["table"][int(m.sum())])
    return g, out


def _shape_of_size(rng: np.random.Generator, n: int) -> np.ndarray:
    for _ in range(50):
        m = shape(rng, *dims(rng, 1, 3), fill=1.0)
        if int(m.sum()) >= n:
            grown = shape(rng, m.shape[0], m.shape[1], fill=n / m.size)
            if int(grown.sum()) == n:
                return grown
    raise Retry(f"no shape of size {n}")


def _rank_colours(rng: np.random.Generator) -> Params:
    return {"big": colours(rng, 1)[0], "small": colours(rng, 1)[0], "ink": colours(rng, 1)[0]}


def _by_rank(g: Grid, p: Params) -> Grid:
    objs = components(g)
    big = unique_argmax([int(m.sum()) for m in objs])
    out = np.where(g != BG, p["small"], BG).astype(np.int8)
    out[objs[big]] = p["big"]
    return out


@family("recolour_largest_vs_rest", "objects", _by_rank, _rank_colours)
def recolour_largest_vs_rest(rng: np.random.Generator, p: Params) -> Grid:
    """The largest object takes one colour, every other object another."""
    g, ms, _, _ = _objects(rng, 2, 6)
    return np.where(g != BG, p["ink"], BG).astype(np.int8)


def _min_size(rng: np.random.Generator) -> Params:
    return {"k": int(rng.integers(2, 5))}


def _drop_small(g: Grid, p: Params) -> Grid:
    out = g.copy()
    for m in components(g, multicolour=True):
        if m.sum() < p["k"]:
            out[m] = BG
    return out


@family("remove_small_objects", "objects", _drop_small, _min_size)
def remove_small_objects(rng: np.random.Generator, p: Params) -> Grid:
    """Objects smaller than k cells disappear."""
    return _objects(rng, 3, 8)[0]


def _touching(g: Grid, p: Params) -> Grid:
    out = g.copy()
    for m in components(g, multicolour=True):
        edge = m[0].any() or m[-1].any() or m[:, 0].any() or m[:, -1].any()
        if edge:
            out[m] = p["c"]
    return out


@family(
    "border_objects", "objects", _touching, lambda rng: {"c": int(rng.choice([BG, *range(1, 10)]))}
)
def border_objects(rng: np.random.Generator, p: Params) -> Grid:
    """Objects touching the grid's edge are recoloured (or, colour 0, removed)."""
    g, ms, spots, _ = _objects(rng, 3, 7)
    if p["c"] != BG and (g == p["c"]).any():
        raise Retry("target colour in use")
    return g


def _holed(g: Grid, p: Params) -> Grid:
    out = g.copy()
    for m in components(g, conn8=False):
        inside = kernels.fill_enclosed(np.where(m, 1, 0).astype(np.int8), 0, 2) == 2
        if inside.any():
            out[m] = p["c"]
    return out


def _ring(rng: np.random.Generator) -> np.ndarray:
    h, w = dims(rng, 3, 5)
    m = np.ones((h, w), dtype=bool)
    m[1:-1, 1:-1] = False
    return m


@family("recolour_holed", "objects", _holed, lambda rng: {"c": colours(rng, 1)[0]})
def recolour_holed(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Objects that enclose a hole take a fixed colour; solid ones stay."""
    ink = colours(rng, 1, (BG, p["c"]))[0]
    n = int(rng.integers(2, 6))
    ring = rng.random(n) < 0.5
    ms = [_ring(rng) if r else shape(rng, *dims(rng, 1, 4), fill=1.0) for r in ring]
    g, spots = scatter(rng, *dims(rng, 8, 16), ms, [ink] * n)
    out = g.copy()
    for m, (r, c), is_ring in zip(ms, spots, ring):
        if is_ring:
            paint(out, m, r, c, p["c"])
    return g, out


def _rectangles(g: Grid, p: Params) -> Grid:
    out = g.copy()
    for m in components(g, conn8=False):
        if crop(m, m).all():
            out[m] = p["c"]
    return out


@family("recolour_rectangles", "objects", _rectangles, lambda rng: {"c": colours(rng, 1)[0]})
def recolour_rectangles(rng: np.random.Generator, p: Params) -> Grid:
    """Solid rectangles take a fixed colour; other shapes stay."""
    ink = colours(rng, 1, (BG, p["c"]))[0]
    ms = shapes(rng, int(rng.integers(2, 7)), 1, 4)
    return scatter(rng, *dims(rng, 6, 16), ms, [ink] * len(ms))[0]


def _stamp(g: Grid, p: Params) -> Grid:
    """Copy the template (the one multi-cell object) centred on every marker cell."""
    objs = components(g, multicolour=True)
    big = [m for m in objs if m.sum() > 1]
    if len(big) != 1:
        raise Retry("no single template")
    tpl, tm = g[box(big[0])], big[0][box(big[0])]
    out = g.copy()
    for m in objs:
        if m.sum() == 1:
            (mr,), (mc,) = np.nonzero(m)
            r0, c0 = mr - tpl.shape[0] // 2, mc - tpl.shape[1] // 2
            if r0 < 0 or c0 < 0 or r0 + tpl.shape[0] > g.shape[0] or c0 + tpl.shape[1] > g.shape[1]:
                raise Retry("stamp off the grid")
            paint(out, tm, r0, c0, tpl)
    return out


@family("stamp_template", "objects", _stamp)
def stamp_template(rng: np.random.Generator, p: Params) -> Grid:
    """A multicolour 3x3 template is copied, centred, onto each single marker cell."""
    tm = shape(rng, 3, 3, float(rng.uniform(0.5, 0.9)))
    if tm.shape != (3, 3):
        raise Retry("template not 3x3")
    cols = colours(rng, 3)
    tpl = rng.choice(cols[:2], size=(3, 3)).astype(np.int8)
    n = int(rng.integers(1, 4))
    boxes = [np.ones((3, 3), dtype=bool)] * (n + 1)
    g, spots = scatter(rng, *dims(rng, 7, 15), boxes, [BG] * (n + 1))
    paint(g, tm, *spots[0], tpl)
    for r, c in spots[1:]:
        g[r + 1, c + 1] = cols[2]
    return g
