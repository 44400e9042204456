"""Geometry: the 7 non-trivial symmetries of the square, shifts, shears, mirrored concatenations.

Pairs are built with numpy's own flips and rolls; the verifiers use dsl.kernels (an independent
implementation) where one exists.
"""

from __future__ import annotations

import numpy as np

from dsl import kernels
from dsl.types import Grid
from ttt.generators.common import dims, scene, symmetry
from ttt.generators.registry import Params, Retry, family

# numpy images of the dsl.kernels symmetry order (index 1..7)
NUMPY_SYMMETRIES = {
    "rot90": (1, lambda g: np.rot90(g, -1)),
    "rot180": (2, lambda g: np.rot90(g, 2)),
    "rot270": (3, lambda g: np.rot90(g, 1)),
    "flip_lr": (4, lambda g: g[:, ::-1]),
    "flip_ud": (5, lambda g: g[::-1]),
    "transpose": (6, lambda g: g.T),
    "antitranspose": (7, lambda g: np.rot90(g, 2).T),
}


def _register_symmetry(name: str, k: int, fn) -> None:
    def verify(g: Grid, p: Params) -> Grid:
        return symmetry(g, k)

    @family(name, "geometry", verify, doc=f"The grid under {name.replace('_', ' ')}.")
    def example(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
        g = scene(rng, *dims(rng, 2, 12))
        return g, np.ascontiguousarray(fn(g))


for _name, (_k, _fn) in NUMPY_SYMMETRIES.items():
    _register_symmetry(_name, _k, _fn)


def _offset(rng: np.random.Generator) -> Params:
    dr, dc = (int(x) for x in rng.integers(-3, 4, size=2))
    if dr == dc == 0:
        raise Retry("no shift")
    return {"dr": dr, "dc": dc}


@family("shift_wrap", "geometry", lambda g, p: np.roll(g, (p["dr"], p["dc"]), axis=(0, 1)), _offset)
def shift_wrap(rng: np.random.Generator, p: Params) -> Grid:
    """Everything rolls by a fixed offset, wrapping around the edges."""
    return scene(rng, *dims(rng, 4, 12))


@family("translate", "geometry", lambda g, p: kernels.shift(g, p["dr"], p["dc"], 0), _offset)
def translate(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """The content moves by a fixed offset on a blank canvas (nothing falls off)."""
    h, w = dims(rng, 5, 14)
    dr, dc = p["dr"], p["dc"]
    ih, iw = h - abs(dr), w - abs(dc)
    if ih < 2 or iw < 2:
        raise Retry("too small")
    inner = scene(rng, ih, iw)
    g = np.zeros((h, w), dtype=np.int8)
    out = g.copy()
    r0, c0 = max(0, -dr), max(0, -dc)
    g[r0 : r0 + ih, c0 : c0 + iw] = inner
    out[r0 + dr : r0 + dr + ih, c0 + dc : c0 + dc + iw] = inner
    return g, out


def _shear(g: Grid, p: Params) -> Grid:
    out = np.empty_like(g)
    for r in range(g.shape[0]):
        out[r] = np.roll(g[r], p["sign"] * r)
    return out


@family("shear_rows", "geometry", _shear, lambda rng: {"sign": int(rng.choice([-1, 1]))})
def shear_rows(rng: np.random.Generator, p: Params) -> Grid:
    """Row i rolls i cells right (or left)."""
    return scene(rng, *dims(rng, 3, 10))


def _side(rng: np.random.Generator) -> Params:
    return {"first": bool(rng.integers(2))}


def _mirror(axis: int):
    def verify(g: Grid, p: Params) -> Grid:
        m = symmetry(g, 4 if axis == 1 else 5)
        parts = (g, m) if p["first"] else (m, g)
        return np.ascontiguousarray(np.concatenate(parts, axis=axis))

    return verify


@family("mirror_h", "geometry", _mirror(1), _side)
def mirror_h(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """The grid beside its left-right mirror image (original first or second)."""
    g = scene(rng, *dims(rng, 2, 10))
    m = g[:, ::-1]
    return g, np.hstack((g, m) if p["first"] else (m, g))


@family("mirror_v", "geometry", _mirror(0), _side)
def mirror_v(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """The grid above (or below) its upside-down image."""
    g = scene(rng, *dims(rng, 2, 10))
    m = g[::-1]
    return g, np.vstack((g, m) if p["first"] else (m, g))


def _quad(ks: tuple[int, int, int, int]):
    def verify(g: Grid, p: Params) -> Grid:
        a, b, c, d = (symmetry(g, k) for k in ks)
        return np.ascontiguousarray(np.block([[a, b], [c, d]]))

    return verify


@family("mirror_quad", "geometry", _quad((0, 4, 5, 2)))
def mirror_quad(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """A 2x2 of the grid and its mirror images (a kaleidoscope)."""
    g = scene(rng, *dims(rng, 2, 8))
    return g, np.block([[g, g[:, ::-1]], [g[::-1], g[::-1, ::-1]]])


@family("rotation_quad", "geometry", _quad((0, 1, 3, 2)))
def rotation_quad(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """A square grid with its quarter turns around it: [g, rot90; rot270, rot180]."""
    n = int(rng.integers(2, 8))
    g = scene(rng, n, n)
    return g, np.block([[g, np.rot90(g, -1)], [np.rot90(g, 1), np.rot90(g, 2)]])
