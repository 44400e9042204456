"""Helpers the families share: sizes, palettes, random shapes, object placement, components."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dsl import kernels
from dsl.types import Grid
from ttt.generators.registry import Retry

BG = 0


def dims(rng: np.random.Generator, lo: int = 3, hi: int = 12) -> tuple[int, int]:
    """A random (height, width), each in lo..hi."""
    return int(rng.integers(lo, hi + 1)), int(rng.integers(lo, hi + 1))


def colours(rng: np.random.Generator, k: int, exclude: Sequence[int] = (BG,)) -> list[int]:
    """k distinct colours, none of them in `exclude`."""
    pool = [c for c in range(10) if c not in exclude]
    return [int(c) for c in rng.choice(pool, size=k, replace=False)]


def blank(h: int, w: int, bg: int = BG) -> Grid:
    return np.full((h, w), bg, dtype=np.int8)


def sprinkle(
    rng: np.random.Generator, h: int, w: int, cols: Sequence[int], density: float, bg: int = BG
) -> Grid:
    """A bg grid with each cell set, with probability `density`, to a random colour of `cols`."""
    g = blank(h, w, bg)
    on = rng.random((h, w)) < density
    g[on] = rng.choice(np.asarray(cols, dtype=np.int8), size=int(on.sum()))
    return g


def shape(rng: np.random.Generator, h: int, w: int, fill: float = 0.6) -> np.ndarray:
    """A random 4-connected bool mask grown inside h x w, cropped to its bounding box."""
    m = np.zeros((h, w), dtype=bool)
    m[int(rng.integers(h)), int(rng.integers(w))] = True
    target = max(1, int(round(fill * h * w)))
    while m.sum() < target:
        grown = m.copy()
        grown[1:] |= m[:-1]
        grown[:-1] |= m[1:]
        grown[:, 1:] |= m[:, :-1]
        grown[:, :-1] |= m[:, 1:]
        frontier = np.argwhere(grown & ~m)
        r, c = frontier[int(rng.integers(len(frontier)))]
        m[r, c] = True
    return crop_mask(m)


def crop_mask(m: np.ndarray) -> np.ndarray:
    rows, cols = np.flatnonzero(m.any(1)), np.flatnonzero(m.any(0))
    return m[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def shapes(
    rng: np.random.Generator, n: int, lo: int = 1, hi: int = 4, distinct: bool = False
) -> list[np.ndarray]:
    """n random shapes with sides up to lo..hi (pairwise different masks when `distinct`)."""
    out: list[np.ndarray] = []
    keys: set[bytes] = set()
    for _ in range(20 * n):
        m = shape(rng, *dims(rng, lo, hi), fill=float(rng.uniform(0.4, 1.0)))
        k = repr(m.shape).encode() + m.tobytes()
        if distinct and k in keys:
            continue
        keys.add(k)
        out.append(m)
        if len(out) == n:
            return out
    raise Retry("no distinct shapes")


def place(
    rng: np.random.Generator,
    occupied: np.ndarray,
    masks: Sequence[np.ndarray],
    margin: int = 1,
    tries: int = 60,
) -> list[tuple[int, int]]:
    """Top-left corners for `masks` inside `occupied`'s shape, boxes `margin` apart from each
    other and from occupied cells; marks them in `occupied`. Raises Retry when they do not fit."""
    h, w = occupied.shape
    spots = []
    for m in masks:
        mh, mw = m.shape
        if mh > h or mw > w:
            raise Retry("shape larger than the grid")
        for _ in range(tries):
            r, c = int(rng.integers(0, h - mh + 1)), int(rng.integers(0, w - mw + 1))
            r0, c0 = max(0, r - margin), max(0, c - margin)
            if not occupied[r0 : r + mh + margin, c0 : c + mw + margin].any():
                occupied[r : r + mh, c : c + mw] = True
                spots.append((r, c))
                break
        else:
            raise Retry("no room")
    return spots


def paint(g: Grid, m: np.ndarray, r: int, c: int, colour: int | Grid) -> Grid:
    """g with mask m drawn at (r, c) in `colour` (or a same-shaped patch's cells); in place."""
    view = g[r : r + m.shape[0], c : c + m.shape[1]]
    view[m] = colour if np.isscalar(colour) else np.asarray(colour)[m]
    return g


def scatter(
    rng: np.random.Generator,
    h: int,
    w: int,
    masks: Sequence[np.ndarray],
    cols: Sequence[int],
    bg: int = BG,
    margin: int = 1,
) -> tuple[Grid, list[tuple[int, int]]]:
    """A bg grid with each mask drawn in its colour at a random spot (see `place`)."""
    spots = place(rng, np.zeros((h, w), dtype=bool), masks, margin)
    g = blank(h, w, bg)
    for m, (r, c), col in zip(masks, spots, cols):
        paint(g, m, r, c, col)
    return g, spots


def components(g: Grid, bg: int = BG, conn8: bool = True, multicolour: bool = False) -> list:
    """Connected components of non-bg cells as full-size bool masks (row-major order)."""
    labels, n = kernels.label_components(np.ascontiguousarray(g), conn8, multicolour, bg)
    return [labels == k for k in range(n)]


def bounds(m: np.ndarray) -> tuple[int, int, int, int]:
    """(top, left, bottom, right) of a bool mask's True cells, inclusive."""
    rows, cols = np.flatnonzero(m.any(1)), np.flatnonzero(m.any(0))
    return int(rows[0]), int(cols[0]), int(rows[-1]), int(cols[-1])


def box(m: np.ndarray) -> tuple[slice, slice]:
    """The slices of a bool mask's bounding box."""
    top, left, bottom, right = bounds(m)
    return slice(top, bottom + 1), slice(left, right + 1)


def crop(g: Grid, m: np.ndarray) -> Grid:
    """g cut to the bounding box of mask m."""
    return np.ascontiguousarray(g[box(m)])


def unique_argmax(values: Sequence[float]) -> int:
    """Index of the single largest value; Retry on a tie."""
    v = np.asarray(values)
    best = int(np.argmax(v))
    if (v == v[best]).sum() > 1:
        raise Retry("tie")
    return best


def symmetry(g: Grid, k: int) -> Grid:
    """The k-th of the 8 symmetries of the square (dsl.kernels order)."""
    return kernels.apply_symmetry(np.ascontiguousarray(g), k)


def scene(rng: np.random.Generator, h: int, w: int, cols: Sequence[int] | None = None) -> Grid:
    """A random input: scattered cells, or a few random shapes, in 1..4 colours on bg."""
    cols = list(cols) if cols is not None else colours(rng, int(rng.integers(1, 5)))
    if rng.random() < 0.5:
        return sprinkle(rng, h, w, cols, float(rng.uniform(0.15, 0.6)))
    n = int(rng.integers(1, 5))
    ms = [shape(rng, *dims(rng, 1, max(1, min(h, w) // 2))) for _ in range(n)]
    try:
        g, _ = scatter(rng, h, w, ms, [cols[int(rng.integers(len(cols)))] for _ in ms], margin=0)
    except Retry:
        return sprinkle(rng, h, w, cols, 0.3)
    return g


def lookup(table: dict[int, int]) -> np.ndarray:
    """A length-10 colour table: identity but for `table`'s entries."""
    t = np.arange(10, dtype=np.int8)
    for a, b in table.items():
        t[a] = b
    return t
