"""Symmetry: complete a symmetric picture under a mask, output the hidden patch, restore
missing cells from mirror images, reflect across a line, tell symmetric from not."""

from __future__ import annotations

import numpy as np

from dsl.types import Grid
from ttt.generators.common import BG, colours, crop, dims, sprinkle, symmetry
from ttt.generators.registry import Params, Retry, family

# kind -> the symmetries (dsl.kernels order) its pictures are invariant under
GROUPS = {"lr": (4,), "ud": (5,), "quad": (4, 5, 2), "rot": (1, 2, 3)}
KIND_WORDS = {"lr": "left-right", "ud": "up-down", "quad": "four-way mirror", "rot": "rotational"}


def _symmetric(rng: np.random.Generator, kind: str, cols: list[int]) -> Grid:
    """A random picture invariant under the group of `kind` (square when rotations are in it):
    one random colour per orbit of cells."""
    h, w = dims(rng, 4, 15)
    if kind == "rot":
        w = h
    idx = np.arange(h * w).reshape(h, w)
    orbit = idx
    for k in GROUPS[kind]:  # the groups are closed, so the minimum names each orbit
        orbit = np.minimum(orbit, symmetry(idx, k))
    g = sprinkle(rng, h, w, cols, float(rng.uniform(0.3, 0.8)))
    return np.ascontiguousarray(g.ravel()[orbit])


def _restore(g: Grid, kind: str, hole: int) -> Grid:
    out = g.copy()
    for k in GROUPS[kind]:
        img = symmetry(g, k)
        take = (out == hole) & (img != hole)
        out[take] = img[take]
    if (out == hole).any():
        raise Retry("a hole no image covers")
    return out


def _kind_params(kind: str):
    def params(rng: np.random.Generator) -> Params:
        hole, *cols = colours(rng, int(rng.integers(3, 6)))
        return {"kind": kind, "hole": hole, "cols": cols}

    return params


def _masked(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid, np.ndarray]:
    full = _symmetric(rng, p["kind"], p["cols"])
    h, w = full.shape
    mh, mw = int(rng.integers(1, max(2, h // 2))), int(rng.integers(1, max(2, w // 2)))
    r, c = int(rng.integers(0, h - mh + 1)), int(rng.integers(0, w - mw + 1))
    mask = np.zeros_like(full, dtype=bool)
    mask[r : r + mh, c : c + mw] = True
    return np.where(mask, p["hole"], full).astype(np.int8), full, mask


def _register_completion(kind: str) -> None:
    @family(
        f"complete_{kind}",
        "symmetry",
        lambda g, p: _restore(g, kind, p["hole"]),
        _kind_params(kind),
        f"A picture with {KIND_WORDS[kind]} symmetry is restored under a masked block.",
    )
    def example(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
        g, full, _ = _masked(rng, p)
        return g, full


for _kind in GROUPS:
    _register_completion(_kind)


def _any_kind(rng: np.random.Generator) -> Params:
    return _kind_params(str(rng.choice(list(GROUPS))))(rng)


@family(
    "hidden_patch",
    "symmetry",
    lambda g, p: crop(_restore(g, p["kind"], p["hole"]), g == p["hole"]),
    _any_kind,
)
def hidden_patch(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """A symmetric picture has a masked block; the output is what the block hides."""
    g, full, mask = _masked(rng, p)
    return g, crop(full, mask)


def _fill_in(g: Grid, p: Params) -> Grid:
    out = g.copy()
    for k in GROUPS[p["kind"]]:
        img = symmetry(g, k)
        out = np.where(out == BG, img, out).astype(np.int8)
    return out


@family("symmetrize", "symmetry", _fill_in, _any_kind)
def symmetrize(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Missing cells of a symmetric picture come back from its mirror images."""
    full = _symmetric(rng, p["kind"], p["cols"])
    erase = rng.random(full.shape) < 0.3
    kept = ~erase
    for k in GROUPS[p["kind"]]:
        kept = kept | symmetry(~erase, k)
    erase &= kept  # a cell is erased only where a mirror image still shows it
    return np.where(erase, BG, full).astype(np.int8), full


def _reflect(g: Grid, p: Params) -> Grid:
    (line,) = np.flatnonzero((g == p["line"]).all(0))
    out = g.copy()
    left, right = g[:, :line], g[:, line + 1 :]
    out[:, line + 1 :] = np.where(right == BG, left[:, ::-1], right)
    out[:, :line] = np.where(left == BG, right[:, ::-1], left)
    return out


@family(
    "reflect_across_line",
    "symmetry",
    _reflect,
    lambda rng: dict(zip(("line", "ink"), colours(rng, 2))),
)
def reflect_across_line(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """A drawing on one side of a full-height line is mirrored onto the other side."""
    h, half = dims(rng, 3, 9)
    side = sprinkle(rng, h, half, [p["ink"], *colours(rng, 1, (BG, p["ink"], p["line"]))], 0.4)
    bar = np.full((h, 1), p["line"], dtype=np.int8)
    empty = np.zeros_like(side)
    g = np.hstack([side, bar, empty] if rng.random() < 0.5 else [empty, bar, side[:, ::-1]])
    return g, np.hstack([side, bar, side[:, ::-1]])


def _is_symmetric(g: Grid, p: Params) -> Grid:
    return np.array([[p["yes"] if np.array_equal(g, g[:, ::-1]) else p["no"]]], dtype=np.int8)


@family(
    "is_symmetric", "symmetry", _is_symmetric, lambda rng: dict(zip(("yes", "no"), colours(rng, 2)))
)
def is_symmetric(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """A 1x1 answer: one colour if the picture is left-right symmetric, another if not."""
    cols = colours(rng, 2)
    if rng.random() < 0.5:
        g = _symmetric(rng, "lr", cols)
        return g, np.array([[p["yes"]]], dtype=np.int8)
    g = sprinkle(rng, *dims(rng, 3, 10), cols, 0.5)
    if np.array_equal(g, g[:, ::-1]):
        raise Retry("symmetric by chance")
    return g, np.array([[p["no"]]], dtype=np.int8)
