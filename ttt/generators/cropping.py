"""Cropping: cut to the content, to a frame's inside, to the box four corner marks span, to one
colour's box, to a half or a quadrant; drop repeated or blank rows and columns."""

from __future__ import annotations

import numpy as np

from dsl.types import Grid
from ttt.generators.common import BG, blank, colours, crop, dims, scene, sprinkle
from ttt.generators.registry import Params, Retry, family


def _tight(rng: np.random.Generator, h: int, w: int, cols: list[int] | None = None) -> Grid:
    """A scene cut to its content (so there is content on all four of its edges)."""
    g = scene(rng, h, w, cols)
    if not g.any():
        raise Retry("empty scene")
    return crop(g, g != BG)


def _embed(rng: np.random.Generator, inner: Grid, h: int, w: int, base: Grid | None = None):
    ih, iw = inner.shape
    if ih > h or iw > w:
        raise Retry("no room")
    g = blank(h, w) if base is None else base
    r, c = int(rng.integers(0, h - ih + 1)), int(rng.integers(0, w - iw + 1))
    g[r : r + ih, c : c + iw] = inner
    return g, r, c


@family("crop_content", "cropping", lambda g, p: crop(g, g != BG))
def crop_content(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Cut the grid to the bounding box of everything drawn."""
    inner = _tight(rng, *dims(rng, 2, 6))
    return _embed(rng, inner, *dims(rng, 6, 16))[0], inner


def _inside(g: Grid, p: Params) -> Grid:
    """Inside the box that the cells of colour p["mark"] span (four of them, for corners)."""
    spanned = crop(g, g == p["mark"])
    if min(spanned.shape) < 3 or (p["corners"] and (spanned == p["mark"]).sum() != 4):
        raise Retry("no inside")
    return np.ascontiguousarray(spanned[1:-1, 1:-1])


def _mark(corners: bool):
    return lambda rng: {"mark": colours(rng, 1)[0], "corners": corners}


@family("crop_frame", "cropping", _inside, _mark(False))
def crop_frame(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """A rectangular frame sits in clutter; the output is what it encloses."""
    h, w = dims(rng, 8, 18)
    cols = colours(rng, 3, (BG, p["mark"]))
    g = sprinkle(rng, h, w, cols, float(rng.uniform(0.1, 0.5)))
    inner = sprinkle(rng, *dims(rng, 1, 6), cols, 0.5)
    framed = np.pad(inner, 1, constant_values=p["mark"])
    return _embed(rng, framed, h, w, g)[0], inner


@family("crop_corners", "cropping", _inside, _mark(True))
def crop_corners(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Four marks of one colour are the corners of a box; the output is inside it."""
    h, w = dims(rng, 8, 18)
    cols = colours(rng, 3, (BG, p["mark"]))
    g = sprinkle(rng, h, w, cols, float(rng.uniform(0.2, 0.6)))
    ih, iw = dims(rng, 1, 6)
    g, r, c = _embed(rng, blank(ih + 2, iw + 2), h, w, g)
    g[r : r + ih + 2, c : c + iw + 2] = sprinkle(rng, ih + 2, iw + 2, cols, 0.5)
    g[[r, r, r + ih + 1, r + ih + 1], [c, c + iw + 1, c, c + iw + 1]] = p["mark"]
    return g, np.ascontiguousarray(g[r + 1 : r + 1 + ih, c + 1 : c + 1 + iw])


HALVES = {
    "top": lambda g: g[: g.shape[0] // 2],
    "bottom": lambda g: g[g.shape[0] // 2 :],
    "left": lambda g: g[:, : g.shape[1] // 2],
    "right": lambda g: g[:, g.shape[1] // 2 :],
    "top_left": lambda g: g[: g.shape[0] // 2, : g.shape[1] // 2],
    "top_right": lambda g: g[: g.shape[0] // 2, g.shape[1] // 2 :],
    "bottom_left": lambda g: g[g.shape[0] // 2 :, : g.shape[1] // 2],
    "bottom_right": lambda g: g[g.shape[0] // 2 :, g.shape[1] // 2 :],
}


def _part(g: Grid, p: Params) -> Grid:
    return np.ascontiguousarray(HALVES[p["part"]](g))


def _register_part(name: str, parts: list[str]) -> None:
    doc = f"Cut out a fixed {name.split('_')[1]} of the grid ({', '.join(parts)})."

    @family(name, "cropping", _part, lambda rng: {"part": str(rng.choice(parts))}, doc)
    def example(rng: np.random.Generator, p: Params) -> Grid:
        h, w = dims(rng, 1, 7)
        return scene(rng, 2 * h, 2 * w)


_register_part("crop_half", list(HALVES)[:4])
_register_part("crop_quadrant", list(HALVES)[4:])


def _changes(line: np.ndarray) -> np.ndarray:
    """Indices of lines that differ from the one before (the first always)."""
    return np.concatenate([[True], (line[1:] != line[:-1]).any(axis=tuple(range(1, line.ndim)))])


def _dedupe(g: Grid, p: Params) -> Grid:
    g = g[_changes(g)]
    return np.ascontiguousarray(g[:, _changes(g.T)])


@family("dedupe_lines", "cropping", _dedupe)
def dedupe_lines(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Runs of equal rows and of equal columns collapse to one each."""
    small = sprinkle(rng, *dims(rng, 2, 6), colours(rng, 3), 0.7)
    if not (_changes(small).all() and _changes(small.T).all()):
        raise Retry("repeats already")
    rr, rc = (rng.integers(1, 4, size=n) for n in small.shape)
    return np.repeat(np.repeat(small, rr, axis=0), rc, axis=1), small


def _blank_lines(g: Grid, p: Params) -> Grid:
    g = g[(g != BG).any(1)]
    return np.ascontiguousarray(g[:, (g != BG).any(0)])


@family("remove_blank_lines", "cropping", _blank_lines)
def remove_blank_lines(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Empty rows and columns are deleted."""
    small = sprinkle(rng, *dims(rng, 2, 7), colours(rng, 2), 0.6)
    if not ((small != BG).any(1).all() and (small != BG).any(0).all()):
        raise Retry("blank lines already")
    g = np.insert(small, rng.integers(0, small.shape[0] + 1, int(rng.integers(1, 4))), BG, axis=0)
    g = np.insert(g, rng.integers(0, g.shape[1] + 1, int(rng.integers(1, 4))), BG, axis=1)
    return g, small


def _colour_box(g: Grid, p: Params) -> Grid:
    return crop(g, g == p["c"])


@family("crop_colour_box", "cropping", _colour_box, lambda rng: {"c": colours(rng, 1)[0]})
def crop_colour_box(rng: np.random.Generator, p: Params) -> tuple[Grid, Grid]:
    """Cut to the bounding box of one colour's cells (other colours inside stay)."""
    h, w = dims(rng, 6, 16)
    cols = colours(rng, 2, (BG, p["c"]))
    g = sprinkle(rng, h, w, cols, 0.3)
    inner = sprinkle(rng, *dims(rng, 2, 5), cols, 0.4)
    ih, iw = inner.shape
    inner[0, int(rng.integers(iw))] = inner[-1, int(rng.integers(iw))] = p["c"]
    inner[int(rng.integers(ih)), 0] = inner[int(rng.integers(ih)), -1] = p["c"]
    return _embed(rng, inner, h, w, g)[0], inner
