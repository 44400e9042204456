"""Scaling: up and down by whole factors, self-similar (fractal) blow-ups, tiling, stamps."""

from __future__ import annotations

import numpy as np

from dsl import kernels
from dsl.types import Grid
from ttt.generators.common import colours, dims, scene, shape
from ttt.generators.registry import Params, Retry, family


def _factor(rng: np.random.Generator) -> Params:
    return {"k": int(rng.integers(2, 5))}


def _small(rng: np.random.Generator, k: int) -> Grid:
    return scene(rng, *dims(rng, 2, max(2, min(8, 30 // k))))


@family("upscale", "scaling", lambda g, p: kernels.upscale(g, p["k"], p["k"]), _factor)
def upscale(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Each cell becomes a k x k block."""
    g = _small(rng, p["k"])
    return g, np.kron(g, np.ones((p["k"], p["k"]), dtype=np.int8))


def _factors(rng: np.random.Generator) -> Params:
    kr, kc = (int(x) for x in rng.integers(1, 4, size=2))
    if kr == kc:
        raise Retry("same factors")
    return {"kr": kr, "kc": kc}


@family("upscale_xy", "scaling", lambda g, p: kernels.upscale(g, p["kr"], p["kc"]), _factors)
def upscale_xy(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Rows and columns stretch by different factors."""
    g = _small(rng, max(p["kr"], p["kc"]))
    return g, np.repeat(np.repeat(g, p["kr"], axis=0), p["kc"], axis=1)


@family("downscale", "scaling", lambda g, p: kernels.downscale(g, p["k"], p["k"]), _factor)
def downscale(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """k x k blocks shrink to single cells (the inverse of upscale)."""
    small = _small(rng, p["k"])
    return np.kron(small, np.ones((p["k"], p["k"]), dtype=np.int8)), small


def _fractal(g: Grid, p: Params) -> Grid:
    on = (g != 0) != p["invert"]
    h, w = g.shape
    out = np.zeros((h * h, w * w), dtype=np.int8)
    for r in range(h):
        for c in range(w):
            if on[r, c]:
                out[r * h : (r + 1) * h, c * w : (c + 1) * w] = g
    return out


@family("fractal", "scaling", _fractal, lambda rng: {"invert": bool(rng.integers(2))})
def fractal(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Each coloured (or, inverted, each blank) cell becomes a copy of the whole grid."""
    h, w = dims(rng, 2, 5)
    g = np.where(rng.random((h, w)) < 0.5, colours(rng, 1)[0], 0).astype(np.int8)
    on = (g != 0) != p["invert"]
    return g, np.kron(on.astype(np.int8), np.ones_like(g)) * np.tile(g, (h, w))


def _reps(rng: np.random.Generator) -> Params:
    nr, nc = (int(x) for x in rng.integers(1, 4, size=2))
    if nr == nc == 1:
        raise Retry("no tiling")
    return {"nr": nr, "nc": nc}


@family("tile", "scaling", lambda g, p: kernels.tile(g, p["nr"], p["nc"]), _reps)
def tile(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """The grid repeated nr x nc times."""
    g = _small(rng, max(p["nr"], p["nc"]))
    return g, np.tile(g, (p["nr"], p["nc"]))


def _by_colours(g: Grid, p: Params) -> Grid:
    k = len(set(np.unique(g).tolist()) - {0})
    return kernels.upscale(g, k, k)


@family("scale_by_colour_count", "scaling", _by_colours)
def scale_by_colour_count(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Upscale by the number of colours in the grid."""
    k = int(rng.integers(1, 5))
    n = int(rng.integers(2, max(3, min(5, 30 // k) + 1)))
    cols = colours(rng, k)
    cells = np.concatenate([cols, rng.choice([0, *cols], size=n * n - k)]).astype(np.int8)
    g = rng.permutation(cells).reshape(n, n)
    return g, np.kron(g, np.ones((k, k), dtype=np.int8))


def _stamp_params(rng: np.random.Generator) -> Params:
    k = int(rng.integers(2, 4))
    return {"k": k, "stamp": shape(rng, k, k, float(rng.uniform(0.4, 0.9)))}


def _stamp(g: Grid, p: Params) -> Grid:
    s = p["stamp"]
    sh, sw = s.shape
    out = np.zeros((g.shape[0] * sh, g.shape[1] * sw), dtype=np.int8)
    for r, c in zip(*np.nonzero(g)):
        out[r * sh : (r + 1) * sh, c * sw : (c + 1) * sw][s] = g[r, c]
    return out


@family("stamp_cells", "scaling", _stamp, _stamp_params)
def stamp_cells(rng: np.random.Generator, p: Params) -> Grid:
    """Each coloured cell becomes a fixed small pattern in its colour (blank cells: blank)."""
    sh, sw = p["stamp"].shape
    return scene(rng, *dims(rng, 2, min(8, 30 // max(sh, sw))))
