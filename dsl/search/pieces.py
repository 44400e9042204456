"""Pieces: overlays of several graph states that together reproduce every demo output.

A state whose image on each demo input has the demo output's size is *sized*. A sized state is a
*piece* when every cell it paints (non-background) agrees with the output on every demo, and a
*base* when every cell it gets wrong is a cell the output paints (so a piece can still fix it).
Greedily, for the best bases, pieces are added (each covering the most still-wrong cells) until
the overlay reproduces every output: `overlay(p_k, ... overlay(p_1, base))`. Cells are per-pixel
bitsets over all demos (Python ints), so one cover step is a few big-int operations per piece.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dsl.types import Grid


def bits(mask: np.ndarray) -> int:
    """A flat bool array as a Python int bitset."""
    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")


@dataclass
class Cover:
    base: int  # state index
    pieces: list[int]  # state indices, in overlay order
    cost: float


class Pieces:
    """Collects pieces and bases while the graph grows; `covers()` composes them."""

    def __init__(self, outs: list[Grid]):
        self.outs = outs
        self.out_zero = bits(np.concatenate([o.reshape(-1) for o in outs]) == 0)
        # paint bits, test shapes -> (state, cost): one piece per distinct effect, the cheapest
        self.pieces: dict[tuple[int, tuple], tuple[int, float]] = {}
        self.bases: list[tuple[int, float, int, int, tuple]] = []  # (#wrong, cost, state, ...)

    def add(self, state: int, wrong: int, paint: int, test_shapes: tuple, cost: float) -> None:
        """Record a sized state (its images on the demo inputs match the outputs' shapes) by the
        bitsets of its wrong and its painted (non-background) cells over all demos."""
        if wrong & self.out_zero:
            return  # wrong where the output is background: no overlay can fix it
        self.bases.append((wrong.bit_count(), cost, state, wrong, test_shapes))
        if paint and not paint & wrong:
            key = (paint, test_shapes)
            if key not in self.pieces:
                self.pieces[key] = (state, cost)

    def covers(self, max_bases: int, max_pieces: int) -> list[Cover]:
        """Overlays that reproduce every demo output (at most one per base)."""
        out = []
        by_shape: dict[tuple, list[tuple[int, int, float]]] = {}
        for (paint, shapes), (s, c) in self.pieces.items():
            by_shape.setdefault(shapes, []).append((paint, s, c))
        for _, cost, state, need, shapes in sorted(self.bases, key=lambda b: b[:3])[:max_bases]:
            if not need:
                continue  # an exact fit: the graph reports it on its own
            pool = [p for p in by_shape.get(shapes, ()) if p[0] & need]
            chosen: list[int] = []
            total = cost
            while need and len(chosen) < max_pieces and pool:
                paint, s, c = max(pool, key=lambda p: ((p[0] & need).bit_count(), -p[2]))
                if not paint & need:
                    break
                need &= ~paint
                chosen.append(s)
                total += c
                pool = [p for p in pool if p[0] & need]
            if not need:
                out.append(Cover(state, chosen, total))
        return out
