"""Geometry primitives: the 8 symmetries of the square (the dihedral group D4)."""

from __future__ import annotations

import numpy as np

from dsl.registry import primitive
from dsl.types import Grid


def _c(a: np.ndarray) -> Grid:
    return np.ascontiguousarray(a)


# Turns are written as reversed views rather than np.rot90, which costs ~9 us a call against
# ~1.3 us (the graph search applies them to every image it reaches).


@primitive(("Grid",), "Grid", cost=0.5)
def identity(g: Grid) -> Grid:
    """The grid unchanged."""
    return g


@primitive(("Grid",), "Grid")
def rot90(g: Grid) -> Grid:
    """Rotate 90 degrees clockwise."""
    return _c(g[::-1].T)


@primitive(("Grid",), "Grid")
def rot180(g: Grid) -> Grid:
    """Rotate 180 degrees."""
    return _c(g[::-1, ::-1])


@primitive(("Grid",), "Grid")
def rot270(g: Grid) -> Grid:
    """Rotate 90 degrees counter-clockwise."""
    return _c(g.T[::-1])


@primitive(("Grid",), "Grid")
def flip_lr(g: Grid) -> Grid:
    """Mirror left-right."""
    return _c(g[:, ::-1])


@primitive(("Grid",), "Grid")
def flip_ud(g: Grid) -> Grid:
    """Mirror top-bottom."""
    return _c(g[::-1, :])


@primitive(("Grid",), "Grid")
def transpose(g: Grid) -> Grid:
    """Mirror along the main diagonal."""
    return _c(g.T)


@primitive(("Grid",), "Grid")
def antitranspose(g: Grid) -> Grid:
    """Mirror along the anti-diagonal."""
    return _c(g[::-1, ::-1].T)


# The dihedral group in a fixed order, with each element's inverse (used by TTT augmentation
# and by the search's normalisation). Index i's inverse is SYMMETRIES[INVERSE[i]].
SYMMETRIES = (identity, rot90, rot180, rot270, flip_lr, flip_ud, transpose, antitranspose)
INVERSE = (0, 3, 2, 1, 4, 5, 6, 7)
