"""Counting: cells or objects counted into bars or a 3x3 grid, colour histograms and rankings,
the most or least frequent colour, the colour of the largest object."""

from __future__ import annotations

import numpy as np

from dsl.types import Grid
from ttt.generators.common import (
    BG,
    blank,
    colours,
    components,
    dims,
    scatter,
    shapes,
    unique_argmax,
)
from ttt.generators.registry import Params, Retry, family


def _bar(n: int, c: int) -> Grid:
    if not 1 <= n <= 30:
        raise Retry("count out of range")
    return np.full((1, n), c, dtype=np.int8)


def _cells(g: Grid, p: Params) -> Grid:
    (c,) = set(np.unique(g).tolist()) - {BG}
    return _bar(int((g == c).sum()), c)


@family("count_cells", "counting", _cells)
def count_cells(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """A row as long as the number of coloured cells, in their colour."""
    h, w = dims(rng, 3, 10)
    n = int(rng.integers(1, min(10, h * w) + 1))
    c = colours(rng, 1)[0]
    g = blank(h, w)
    g.ravel()[rng.choice(h * w, n, replace=False)] = c
    return g, _bar(n, c)


def _objects(rng: np.random.Generator, n: int, cols: list[int]) -> Grid:
    ms = shapes(rng, n, 1, 3)
    return scatter(rng, *dims(rng, 8, 16), ms, [cols[int(rng.integers(len(cols)))] for _ in ms])[0]


@family(
    "count_objects",
    "counting",
    lambda g, p: _bar(len(components(g, multicolour=True)), p["c"]),
    lambda rng: {"c": colours(rng, 1)[0]},
)
def count_objects(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """A row of a fixed colour, one cell per object."""
    n = int(rng.integers(1, 8))
    return _objects(rng, n, colours(rng, 2)), _bar(n, p["c"])


def _into_grid(g: Grid, p: Params) -> Grid:
    n = len(components(g, multicolour=True))
    if n > 9:
        raise Retry("more than 9")
    out = blank(3, 3)
    out.ravel()[:n] = p["c"]
    return out


@family("count_into_grid", "counting", _into_grid, lambda rng: {"c": colours(rng, 1)[0]})
def count_into_grid(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """A 3x3 grid with one cell (row by row) per object."""
    n = int(rng.integers(1, 9))
    out = blank(3, 3)
    out.ravel()[:n] = p["c"]
    return _objects(rng, n, colours(rng, 2)), out


def _counts(g: Grid) -> list[tuple[int, int]]:
    """(count, colour) of each non-bg colour, most frequent first; Retry on equal counts."""
    counts = np.bincount(g[g != BG], minlength=10)
    pairs = sorted(((int(n), c) for c, n in enumerate(counts) if n), reverse=True)
    if len({n for n, _ in pairs}) != len(pairs) or not pairs:
        raise Retry("equal counts")
    return pairs


def _histogram(g: Grid, p: Params) -> Grid:
    pairs = _counts(g)
    out = blank(pairs[0][0], len(pairs))
    for i, (n, c) in enumerate(pairs):
        out[out.shape[0] - n :, i] = c
    return out


def _few_of_each(rng: np.random.Generator, top: int) -> Grid:
    k = int(rng.integers(1, 5))
    h, w = dims(rng, 4, 10)
    counts = rng.choice(np.arange(1, top + 1), size=k, replace=False)
    if counts.sum() > h * w:
        raise Retry("too many cells")
    cells = rng.permutation(h * w)
    g = blank(h, w)
    start = 0
    for c, n in zip(colours(rng, k), counts):
        g.ravel()[cells[start : start + n]] = c
        start += n
    return g


@family("colour_histogram", "counting", _histogram)
def colour_histogram(rng: np.random.Generator, p: Params) -> Grid:
    """A bar chart: one column per colour, as tall as its count, tallest first."""
    return _few_of_each(rng, 8)


def _frequency(g: Grid, p: Params) -> Grid:
    pairs = _counts(g)
    n, c = pairs[0] if p["most"] else pairs[-1]
    return np.full((p["k"], p["k"]), c, dtype=np.int8)


@family(
    "frequent_colour",
    "counting",
    _frequency,
    lambda rng: {"most": bool(rng.integers(2)), "k": int(rng.integers(1, 4))},
)
def frequent_colour(rng: np.random.Generator, p: Params) -> Grid:
    """A small square of the most (or least) frequent colour."""
    return _few_of_each(rng, 12)


def _ranking(g: Grid, p: Params) -> Grid:
    return np.array([[c] for _, c in _counts(g)], dtype=np.int8)


@family("colour_ranking", "counting", _ranking)
def colour_ranking(rng: np.random.Generator, p: Params) -> Grid:
    """A column of the colours present, most frequent first."""
    return _few_of_each(rng, 12)


def _largest_colour(g: Grid, p: Params) -> Grid:
    objs = components(g)
    m = objs[unique_argmax([int(o.sum()) for o in objs])]
    return np.array([[g[m][0]]], dtype=np.int8)


@family("largest_object_colour", "counting", _largest_colour)
def largest_object_colour(rng: np.random.Generator, p: Params) -> Grid:
    """A 1x1 answer: the colour of the largest object."""
    return _objects(rng, int(rng.integers(2, 6)), colours(rng, 3))
