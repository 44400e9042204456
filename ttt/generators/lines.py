"""Lines: rays from cells (one direction, crosses, diagonals, stopped by walls), crosshairs,
joining equal cells in a row or column, lines dropped onto a bar."""

from __future__ import annotations

import numpy as np

from dsl import kernels
from dsl.types import Grid
from ttt.generators.common import BG, blank, colours, dims, sprinkle
from ttt.generators.registry import Params, Retry, family

STEPS = {
    "up": (-1, 0),
    "down": (1, 0),
    "left": (0, -1),
    "right": (0, 1),
    "up_left": (-1, -1),
    "up_right": (-1, 1),
    "down_left": (1, -1),
    "down_right": (1, 1),
}


def _rays(dirs: list[tuple[int, int]], stop: bool):
    def verify(g: Grid, p: Params) -> Grid:
        d = np.array([STEPS[p["dir"]]] if dirs is None else dirs, dtype=np.int64)
        return kernels.shoot_rays(g, BG, d, stop)

    return verify


def _dots(rng: np.random.Generator, h: int, w: int, n: int, line) -> list[tuple[int, int]]:
    """n cells, no two on the same line (line(r, c) names the line a cell is on)."""
    cells, lines = [], set()
    for _ in range(20 * n):
        r, c = int(rng.integers(h)), int(rng.integers(w))
        keys = line(r, c)
        if lines & keys:
            continue
        lines |= keys
        cells.append((r, c))
        if len(cells) == n:
            break
    return cells


def _line_keys(dr: int, dc: int):
    if dr == 0:
        return lambda r, c: {("row", r)}
    if dc == 0:
        return lambda r, c: {("col", c)}
    return lambda r, c: {("diag", r - c * dr * dc)}


@family("ray", "lines", _rays(None, False), lambda rng: {"dir": str(rng.choice(list(STEPS)))})
def ray(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Each cell shoots a ray of its colour in one fixed direction to the border."""
    dr, dc = STEPS[p["dir"]]
    h, w = dims(rng, 4, 14)
    cols = colours(rng, int(rng.integers(1, 4)))
    g = blank(h, w)
    out = g.copy()
    for r, c in _dots(rng, h, w, int(rng.integers(1, 5)), _line_keys(dr, dc)):
        g[r, c] = col = cols[int(rng.integers(len(cols)))]
        while 0 <= r < h and 0 <= c < w:
            out[r, c] = col
            r, c = r + dr, c + dc
    return g, out


CROSS = [(-1, 0), (1, 0), (0, -1), (0, 1)]
DIAGONALS = [(-1, -1), (-1, 1), (1, -1), (1, 1)]


def _apart(r: int, c: int) -> set:
    return {("row", r), ("col", c), ("d", r - c), ("a", r + c)}


@family("rays_cross", "lines", _rays(CROSS, True))
def rays_cross(rng: np.random.Generator, p: Params) -> Grid:
    """Each cell extends its colour along its row and column."""
    return _sparse(rng)


@family("rays_diagonal", "lines", _rays(DIAGONALS, True))
def rays_diagonal(rng: np.random.Generator, p: Params) -> Grid:
    """Each cell extends its colour along both diagonals."""
    return _sparse(rng)


def _sparse(rng: np.random.Generator) -> Grid:
    h, w = dims(rng, 5, 14)
    g = blank(h, w)
    cols = colours(rng, int(rng.integers(1, 4)))
    for r, c in _dots(rng, h, w, int(rng.integers(1, 4)), _apart):
        g[r, c] = cols[int(rng.integers(len(cols)))]
    return g


def _wall_params(rng: np.random.Generator) -> Params:
    ink, wall = colours(rng, 2)
    return {"dir": str(rng.choice(list(STEPS)[:4])), "ink": ink, "wall": wall}


def _stopped(g: Grid, p: Params) -> Grid:
    dr, dc = STEPS[p["dir"]]
    out = g.copy()
    for r, c in zip(*np.nonzero(g == p["ink"])):
        r, c = r + dr, c + dc
        while 0 <= r < g.shape[0] and 0 <= c < g.shape[1] and g[r, c] == BG:
            out[r, c] = p["ink"]
            r, c = r + dr, c + dc
    return out


@family("ray_to_wall", "lines", _stopped, _wall_params)
def ray_to_wall(rng: np.random.Generator, p: Params) -> Grid:
    """Cells of one colour shoot rays in a fixed direction that stop at any other cell."""
    h, w = dims(rng, 5, 14)
    g = sprinkle(rng, h, w, [p["wall"]], float(rng.uniform(0.05, 0.2)))
    for r, c in _dots(rng, h, w, int(rng.integers(1, 4)), lambda r, c: {r, c + 100}):
        g[r, c] = p["ink"]
    return g


def _crosshair(g: Grid, p: Params) -> Grid:
    out = g.copy()
    for r, c in zip(*np.nonzero(g == p["ink"])):
        out[r, :] = out[:, c] = p["ink"]
    return out


@family("crosshair", "lines", _crosshair, lambda rng: {"ink": colours(rng, 1)[0]})
def crosshair(rng: np.random.Generator, p: Params) -> Grid:
    """The row and column of every marker cell take its colour, over everything else."""
    h, w = dims(rng, 5, 14)
    others = colours(rng, int(rng.integers(0, 3)), (BG, p["ink"]))
    g = sprinkle(rng, h, w, others, float(rng.uniform(0.0, 0.3))) if others else blank(h, w)
    for r, c in _dots(rng, h, w, int(rng.integers(1, 4)), lambda r, c: {r, c + 100}):
        g[r, c] = p["ink"]
    return g


def _connect_params(rng: np.random.Generator) -> Params:
    return {"axis": int(rng.integers(1, 3)), "c": int(rng.choice([-1, *colours(rng, 1)]))}


def _connect(g: Grid, p: Params) -> Grid:
    return kernels.connect_pairs(g, BG, p["axis"], p["c"])


@family("connect_pairs", "lines", _connect, _connect_params)
def connect_pairs(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Two equal cells in the same row (or column) are joined by a line (theirs or a fixed
    colour); each pair has its own line."""
    h, w = dims(rng, 5, 14)
    if p["axis"] == 2:
        h, w = w, h
    cols = colours(rng, 3, (BG, p["c"]))
    g = blank(h, w)
    out = g.copy()
    rows = rng.permutation(h)[: int(rng.integers(1, max(2, h // 2)))]
    for r in rows:
        a, b = sorted(int(x) for x in rng.choice(w, 2, replace=False))
        col = cols[int(rng.integers(3))]
        g[r, [a, b]] = out[r, a : b + 1] = col
        if p["c"] >= 0:
            out[r, a + 1 : b] = p["c"]
    if p["axis"] == 2:
        return np.ascontiguousarray(g.T), np.ascontiguousarray(out.T)
    return g, out


def _drop(g: Grid, p: Params) -> Grid:
    bar = int(np.flatnonzero((g == p["bar"]).all(1))[0])
    out = g.copy()
    for r, c in zip(*np.nonzero((g != BG) & (g != p["bar"]))):
        lo, hi = (r, bar) if r < bar else (bar + 1, r + 1)
        out[lo:hi, c] = g[r, c]
    return out


@family("lines_to_bar", "lines", _drop, lambda rng: {"bar": colours(rng, 1)[0]})
def lines_to_bar(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Each cell draws a line of its colour straight to a full-width bar."""
    h, w = dims(rng, 6, 14)
    bar = int(rng.integers(1, h - 1))
    g = blank(h, w)
    g[bar] = p["bar"]
    out = g.copy()
    cols = colours(rng, 2, (BG, p["bar"]))
    cs = rng.permutation(w)[: int(rng.integers(1, max(2, w // 2)))]
    for c in cs:
        r = int(rng.choice([x for x in range(h) if x != bar]))
        g[r, c] = cols[int(rng.integers(2))]
        lo, hi = (r, bar) if r < bar else (bar + 1, r + 1)
        out[lo:hi, c] = g[r, c]
    if not ((g != BG) & (g != p["bar"])).any():
        raise Retry("nothing to drop")
    return g, out
