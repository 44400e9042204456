"""From ranked candidates to the two attempts per test input.

The multi-solver strategies (priority, product-of-experts) build on `pick_attempts`.
"""

from __future__ import annotations

from collections.abc import Sequence

from dsl.types import Grid, grid_to_list, is_grid

N_ATTEMPTS = 2


def grid_key(grid) -> tuple:
    """Hashable identity of a grid (shape + cells), for de-duplication."""
    g = grid_to_list(grid) if not isinstance(grid, list) else grid
    return tuple(tuple(r) for r in g)


def pick_attempts(
    ranked: Sequence[dict], fallback: Grid, n: int = N_ATTEMPTS
) -> tuple[list[list[list[int]]], list[str]]:
    """The first `n` distinct valid grids of `ranked` (candidate dicts, best first), padded with
    `fallback` (the test input). Returns (grids as lists, the source of each: "fallback" for
    padding)."""
    grids, sources, seen = [], [], set()
    for c in ranked:
        if not is_grid(c["grid"]):
            continue
        key = grid_key(c["grid"])
        if key in seen:
            continue
        seen.add(key)
        grids.append([list(r) for r in key])
        sources.append(c.get("source") or "?")
        if len(grids) == n:
            break
    while len(grids) < n:
        grids.append(grid_to_list(fallback))
        sources.append("fallback")
    return grids, sources
