"""Colour: fixed maps and swaps, keep/remove/replace one colour, recolour by frequency, legends."""

from __future__ import annotations

import numpy as np

from dsl.types import Grid
from ttt.generators.common import BG, blank, colours, dims, lookup, scene, sprinkle
from ttt.generators.registry import Params, Retry, family


def _table(g: Grid, p: Params) -> Grid:
    return lookup(p["map"])[g]


def _permutation(rng: np.random.Generator) -> Params:
    cols = colours(rng, int(rng.integers(2, 6)))
    perm = [int(c) for c in rng.permutation(cols)]
    if perm == cols:
        raise Retry("identity")
    return {"cols": cols, "map": dict(zip(cols, perm))}


@family("colour_permutation", "colour", _table, _permutation)
def colour_permutation(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """A fixed permutation of a few colours."""
    g = scene(rng, *dims(rng), p["cols"])
    out = g.copy()
    for a, b in p["map"].items():
        out[g == a] = b
    return g, out


def _swap(rng: np.random.Generator) -> Params:
    a, b, *others = colours(rng, int(rng.integers(2, 5)))
    return {"cols": [a, b, *others], "map": {a: b, b: a}}


@family("swap_colours", "colour", _table, _swap)
def swap_colours(rng: np.random.Generator, p: Params) -> Grid:
    """Two colours trade places; the others stay."""
    return scene(rng, *dims(rng), p["cols"])


def _replace(rng: np.random.Generator) -> Params:
    a, b, *others = colours(rng, int(rng.integers(2, 5)))
    return {"cols": [a, *others], "map": {a: b}, "a": a, "b": b}


@family("replace_colour", "colour", _table, _replace)
def replace_colour(rng: np.random.Generator, p: Params) -> Grid:
    """One colour becomes another everywhere."""
    return scene(rng, *dims(rng), p["cols"])


def _one(rng: np.random.Generator) -> Params:
    c, *others = colours(rng, int(rng.integers(2, 5)))
    return {"c": c, "cols": [c, *others]}


@family("recolour_all", "colour", lambda g, p: np.where(g != BG, p["c"], BG).astype(np.int8), _one)
def recolour_all(rng: np.random.Generator, p: Params) -> Grid:
    """Every coloured cell takes one colour."""
    return scene(rng, *dims(rng), p["cols"][1:])


@family("keep_colour", "colour", lambda g, p: np.where(g == p["c"], g, BG).astype(np.int8), _one)
def keep_colour(rng: np.random.Generator, p: Params) -> Grid:
    """Only one colour stays; the rest is erased."""
    return scene(rng, *dims(rng), p["cols"])


@family("remove_colour", "colour", lambda g, p: np.where(g == p["c"], BG, g).astype(np.int8), _one)
def remove_colour(rng: np.random.Generator, p: Params) -> Grid:
    """One colour is erased."""
    return scene(rng, *dims(rng), p["cols"])


@family(
    "fill_background", "colour", lambda g, p: np.where(g == BG, p["c"], g).astype(np.int8), _one
)
def fill_background(rng: np.random.Generator, p: Params) -> Grid:
    """The background takes one colour."""
    return scene(rng, *dims(rng), p["cols"][1:])


def _invert(g: Grid, p: Params) -> Grid:
    (c,) = set(np.unique(g).tolist()) - {BG}
    return np.where(g == BG, c, BG).astype(np.int8)


@family("invert_two_colours", "colour", _invert)
def invert_two_colours(rng: np.random.Generator, p: Params) -> Grid:
    """A two-colour grid swaps its colour and the background (whatever the colour)."""
    return sprinkle(rng, *dims(rng), colours(rng, 1), float(rng.uniform(0.2, 0.7)))


def _by_frequency(g: Grid, p: Params) -> Grid:
    counts = np.bincount(g[g != BG], minlength=10)
    present = counts[counts > 0]
    pick = present.max() if p["most"] else present.min()
    if (counts == pick).sum() != 1:
        raise Retry("tie")
    return np.where(g == int(np.flatnonzero(counts == pick)[0]), p["c"], g).astype(np.int8)


@family(
    "recolour_by_frequency",
    "colour",
    _by_frequency,
    lambda rng: {"most": bool(rng.integers(2)), "c": colours(rng, 1)[0]},
)
def recolour_by_frequency(rng: np.random.Generator, p: Params) -> Grid:
    """The most (or least) frequent colour takes a fixed colour."""
    return scene(rng, *dims(rng), colours(rng, int(rng.integers(2, 5)), (BG, p["c"])))


def _legend(g: Grid, p: Params) -> Grid:
    body = g[:, 2:]
    return np.ascontiguousarray(np.where(body == p["ink"], g[:, :1], body)).astype(np.int8)


@family("row_legend", "colour", _legend, lambda rng: {"ink": colours(rng, 1)[0]})
def row_legend(rng: np.random.Generator, p: Params) -> Grid:
    """Column 0 names each row's colour; the row's ink cells take it (legend and gap cut off)."""
    h, w = dims(rng, 3, 12)
    g = sprinkle(rng, h, w, [p["ink"]], float(rng.uniform(0.2, 0.6)))
    g[:, 1] = BG
    g[:, 0] = rng.choice(colours(rng, 4, (BG, p["ink"])), size=h)
    return g


def _key(g: Grid, p: Params) -> Grid:
    a, b = int(g[0, 0]), int(g[0, 1])
    body = g[2:]
    return np.ascontiguousarray(np.where(body == a, b, body)).astype(np.int8)


@family("key_recolour", "colour", _key)
def key_recolour(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """The top row's first two cells say 'a becomes b' for the grid below them."""
    h, w = dims(rng, 3, 10)
    a, b, *others = colours(rng, int(rng.integers(2, 5)))
    body = scene(rng, h, w, [a, *others])
    if not (body == a).any():
        raise Retry("key colour absent")
    head = blank(2, w)
    head[0, :2] = a, b
    return np.vstack([head, body]), np.where(body == a, b, body).astype(np.int8)
