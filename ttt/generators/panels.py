"""Panels: a grid cut by divider lines into equal panels; logic of two masks, overlays with
priority, the odd panel out, the fullest panel, a panel grid summarised, masking one by another."""

from __future__ import annotations

import numpy as np

from dsl.types import Grid
from ttt.generators.common import BG, blank, colours, dims, scene, sprinkle, unique_argmax
from ttt.generators.registry import Params, Retry, family


def join(panels: list[Grid], divider: int, side_by_side: bool) -> Grid:
    """Panels in a row (or a column) with one-cell divider lines between them."""
    h, w = panels[0].shape
    bar = np.full((h, 1) if side_by_side else (1, w), divider, dtype=np.int8)
    parts = [x for p in panels for x in (bar, p)][1:]
    return np.ascontiguousarray(np.concatenate(parts, axis=1 if side_by_side else 0))


def split(g: Grid, divider: int) -> list[Grid]:
    """The panels between full divider lines (columns first, then rows)."""
    for axis in (1, 0):
        lines = np.flatnonzero((g == divider).all(axis=1 - axis))
        if len(lines):
            cuts = [-1, *lines.tolist(), g.shape[axis]]
            take = [(a + 1, b) for a, b in zip(cuts, cuts[1:]) if b > a + 1]
            if axis == 1:
                return [np.ascontiguousarray(g[:, a:b]) for a, b in take]
            return [np.ascontiguousarray(g[a:b]) for a, b in take]
    raise Retry("no divider")


LOGIC = {
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
    "xor": lambda a, b: a ^ b,
    "nor": lambda a, b: ~(a | b),
    "left_only": lambda a, b: a & ~b,
}


def _logic_params(rng: np.random.Generator) -> Params:
    d, a, b, c = colours(rng, 4)
    return {"d": d, "a": a, "b": b, "c": c, "side": bool(rng.integers(2))}


def _register_logic(op: str) -> None:
    def verify(g: Grid, p: Params) -> Grid:
        first, second = split(g, p["d"])
        return np.where(LOGIC[op](first != BG, second != BG), p["c"], BG).astype(np.int8)

    doc = f"Two panels combine cell by cell ({op.replace('_', ' ')}) into one of a fixed colour."

    @family(f"panels_{op}", "panels", verify, _logic_params, doc)
    def example(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
        h, w = dims(rng, 3, 7)
        a, b = (sprinkle(rng, h, w, [p[k]], float(rng.uniform(0.3, 0.7))) for k in "ab")
        out = np.where(LOGIC[op](a != BG, b != BG), p["c"], BG).astype(np.int8)
        return join([a, b], p["d"], p["side"]), out


for _op in LOGIC:
    _register_logic(_op)


def _overlay(g: Grid, p: Params) -> Grid:
    panels = split(g, p["d"])
    out = blank(*panels[0].shape)
    for q in panels if p["top_last"] else panels[::-1]:
        out = np.where(q != BG, q, out).astype(np.int8)
    return out


def _overlay_params(rng: np.random.Generator) -> Params:
    return {**_logic_params(rng), "top_last": bool(rng.integers(2)), "n": int(rng.integers(2, 5))}


@family("overlay_panels", "panels", _overlay, _overlay_params)
def overlay_panels(rng: np.random.Generator, p: Params) -> Grid:
    """Panels are stacked into one; where they overlap a fixed panel order decides."""
    h, w = dims(rng, 3, 6)
    inks = colours(rng, p["n"], (BG, p["d"]))
    return join([sprinkle(rng, h, w, [k], 0.4) for k in inks], p["d"], p["side"])


def _odd(g: Grid, p: Params) -> Grid:
    panels = split(g, p["d"])
    keys = [q.tobytes() for q in panels]
    odd = [q for q, k in zip(panels, keys) if keys.count(k) == 1]
    if len(odd) != 1:
        raise Retry("no single odd panel")
    return odd[0]


@family("odd_panel", "panels", _odd, _logic_params)
def odd_panel(rng: np.random.Generator, p: Params) -> Grid:
    """All panels are equal but one; the output is that one."""
    h, w = dims(rng, 2, 5)  # up to 5 panels and 4 dividers: 29 cells
    cols = colours(rng, 2, (BG, p["d"]))
    same = scene(rng, h, w, cols)
    other = same.copy()
    for _ in range(int(rng.integers(1, 4))):
        other[int(rng.integers(h)), int(rng.integers(w))] = int(rng.choice([BG, *cols]))
    panels = [same] * int(rng.integers(2, 5))
    panels.insert(int(rng.integers(len(panels) + 1)), other)
    return join(panels, p["d"], p["side"])


def _fullest(g: Grid, p: Params) -> Grid:
    panels = split(g, p["d"])
    return panels[unique_argmax([int((q != BG).sum()) for q in panels])]


@family("fullest_panel", "panels", _fullest, _logic_params)
def fullest_panel(rng: np.random.Generator, p: Params) -> Grid:
    """The output is the panel with the most coloured cells."""
    h, w = dims(rng, 2, 6)
    cols = colours(rng, 2, (BG, p["d"]))
    n = int(rng.integers(2, 5))
    return join(
        [sprinkle(rng, h, w, cols, float(rng.uniform(0.1, 0.8))) for _ in range(n)],
        p["d"],
        p["side"],
    )


def _summary(g: Grid, p: Params) -> Grid:
    line_rows, line_cols = (g == p["d"]).all(1), (g == p["d"]).all(0)
    return np.array(
        [
            [_colour_of(g[r0:r1, c0:c1]) for c0, c1 in _runs(~line_cols)]
            for r0, r1 in _runs(~line_rows)
        ],
        dtype=np.int8,
    )


def _runs(keep: np.ndarray) -> list[tuple[int, int]]:
    edges = np.flatnonzero(np.diff(np.concatenate([[0], keep.astype(int), [0]])))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def _colour_of(cell: Grid) -> int:
    seen = set(np.unique(cell).tolist()) - {BG}
    if len(seen) > 1:
        raise Retry("a cell of two colours")
    return seen.pop() if seen else BG


@family("panel_summary", "panels", _summary, _logic_params)
def panel_summary(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """A grid of panels shrinks to one cell per panel, in the colour it holds (or blank)."""
    nr, nc = dims(rng, 2, 4)
    s = int(rng.integers(2, 5))
    small = rng.choice([BG, *colours(rng, 3, (BG, p["d"]))], size=(nr, nc)).astype(np.int8)
    rows = []
    for r in range(nr):
        cells = []
        for c in range(nc):
            cells.append(
                sprinkle(rng, s, s, [int(small[r, c])], 0.5) if small[r, c] else blank(s, s)
            )
            if small[r, c] and not cells[-1].any():
                cells[-1][0, 0] = small[r, c]
        rows.append(join(cells, p["d"], True))
    return join(rows, p["d"], False), small


def _mask(g: Grid, p: Params) -> Grid:
    picture, mask = split(g, p["d"])
    return np.where(mask != BG, picture, BG).astype(np.int8)


@family("mask_panel", "panels", _mask, _logic_params)
def mask_panel(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """The second panel is a stencil: the first panel shows only where the stencil is set."""
    h, w = dims(rng, 3, 7)
    picture = sprinkle(rng, h, w, colours(rng, 3, (BG, p["d"])), 0.8)
    stencil = sprinkle(rng, h, w, [p["a"]], 0.5)
    return join([picture, stencil], p["d"], p["side"]), np.where(stencil != BG, picture, BG).astype(
        np.int8
    )
