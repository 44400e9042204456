"""Pieces: overlays of several graph states that together reproduce every demo output.

A state whose image on each demo input has the demo output's size is *sized*; every sized state
(whose test images have an allowed shape) is a candidate piece. A cover lays pieces top down:
each piece lays down its painted (non-background) cells, its blank cells, or all its cells, and
must be right on those it lays down that no piece above it already covers; cells no piece covers
are background. Pieces are picked greedily, each covering the most still-uncovered cells
(`dsl.kernels.greedy_cover`, on per-pixel bitsets of all demos), so the overlay of up to ten
results of the graph is found without enumerating their combinations. The result is an ordinary
program: `overlay(p1, overlay_blank(p2, p3))`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dsl import kernels
from dsl.types import Grid

MODES = {kernels.PIECE_PAINT: "paint", kernels.PIECE_BLANK: "blank", kernels.PIECE_ALL: "all"}
# A piece laid on what is below it (dsl.primitives.masks); an "all" piece is always the bottom
OVERLAYS = {"paint": "overlay", "blank": "overlay_blank"}


def words(mask: np.ndarray) -> np.ndarray:
    """A bool array, flattened, as a bitset of uint64 words (the kernels' format)."""
    packed = np.packbits(mask.reshape(-1), bitorder="little")
    buf = np.zeros(-(-mask.size // 64) * 8, dtype=np.uint8)
    buf[: len(packed)] = packed
    return buf.view(np.uint64)


@dataclass
class Cover:
    pieces: list[tuple[int, str]]  # (state index, mode), top first
    cost: float


class Pieces:
    """Collects candidate pieces while the graph grows; `covers()` composes them."""

    def __init__(self, outs: list[Grid], pool: int):
        self.need = np.concatenate([words(o != 0) for o in outs])  # cells the outputs paint
        self.valid = np.concatenate([words(np.ones(o.size, dtype=bool)) for o in outs])
        # The cells a pick is counted by, one greedy run each: where the outputs paint (blank
        # cells are the background anyway, so a cover by fewer, larger pieces comes first), then
        # every cell (blank pieces may hide what lower ones get wrong); on all demos at once,
        # then on each demo alone.
        self.cares = []
        for cells in (self.need, self.valid):
            self.cares.append(cells)
            for k in range(len(outs)):
                demo = [words(np.full(o.size, j == k)) for j, o in enumerate(outs)]
                self.cares.append(cells & np.concatenate(demo))
        self.pool = pool
        # test shapes -> demo behaviour (bad, blank bytes) -> (cost, depth, state, bad, blank):
        # one piece per distinct behaviour, the cheapest; at most `pool` per test shapes
        self.by_shapes: dict[tuple, dict[bytes, tuple]] = {}
        self._done: dict[tuple, int] = {}  # test shapes -> pieces when last composed

    def add(
        self, state: int, bad: np.ndarray, blank: np.ndarray, shapes: tuple, cost: float, depth: int
    ) -> None:
        """Record a sized state by the bitsets (`words`, demos concatenated) of its wrong cells
        and of its background cells."""
        group = self.by_shapes.setdefault(shapes, {})
        key = bad.tobytes() + blank.tobytes()
        old = group.get(key)
        if old is None and len(group) < self.pool:
            group[key] = (cost, depth, state, bad, blank)
        elif old is not None and cost < old[0]:
            group[key] = (cost, depth, state, bad, blank)

    def covers(self, max_pieces: int, expired: Callable[[], bool] = lambda: False) -> list[Cover]:
        """Covers of every demo output by two or more pieces, for each group of pieces that grew
        since the last call: a greedy run per way of counting cells (`cares`), with shallow
        pieces only, then all; cheapest first."""
        out: dict[tuple, Cover] = {}
        for shapes, group in self.by_shapes.items():
            if self._done.get(shapes) == len(group) or len(group) < 2:
                continue
            self._done[shapes] = len(group)
            rows = sorted(group.values(), key=lambda r: (r[0], r[2]))
            bad = np.stack([r[3] for r in rows])
            blank = np.stack([r[4] for r in rows])
            depths = np.array([r[1] for r in rows])
            for cap in sorted({min(int(depths.max()), 1), int(depths.max())}):
                use = np.flatnonzero(depths <= cap)
                if len(use) < 2:
                    continue
                bad_u, blank_u = bad[use], blank[use]  # once per cap, not per greedy run
                for care in self.cares:
                    if expired():  # the wall clock's safety limit
                        return sorted(out.values(), key=lambda c: c.cost)
                    c = self._cover(bad_u, blank_u, care, max_pieces)
                    if c is None:
                        continue
                    picks = [(rows[use[i]], MODES[m]) for i, m in c]
                    while picks and picks[-1][1] == "blank":
                        picks.pop()  # blank cells at the bottom: the background anyway
                    if len(picks) < 2:
                        continue  # one piece alone is an exact fit (reported as such)
                    key = tuple((row[2], m) for row, m in picks)
                    out.setdefault(key, Cover(list(key), sum(row[0] for row, _ in picks)))
        return sorted(out.values(), key=lambda c: c.cost)

    def _cover(self, bad, blank, care, max_pieces) -> list[tuple[int, int]] | None:
        piece = np.empty(max_pieces, dtype=np.int64)
        mode = np.empty(max_pieces, dtype=np.int64)
        k = kernels.greedy_cover(bad, blank, self.valid, self.need, care, max_pieces, piece, mode)
        return None if k < 0 else list(zip(piece[:k].tolist(), mode[:k].tolist()))
