"""Invertible task augmentations: the 8 symmetries of the square, colour permutations, demo order.

An `Augmentation` maps every grid of a task the same way (colour map first, then the symmetry) and
may reorder the demonstrations; `invert_grid` undoes it on a predicted output grid, so predictions
made under any view can be mapped back and compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dsl.primitives.colour import apply_colour_map, invert_colour_map
from dsl.primitives.geometry import INVERSE, SYMMETRIES
from dsl.types import Grid, Pair, Task

IDENTITY_MAP = np.arange(10, dtype=np.int8)


@dataclass(frozen=True)
class Augmentation:
    """symmetry: index into SYMMETRIES; colours: length-10 permutation (None = identity);
    order: permutation of the demo indices (None = keep)."""

    symmetry: int = 0
    colours: tuple[int, ...] | None = None
    order: tuple[int, ...] | None = None

    @property
    def key(self) -> tuple:
        """Hashable identity of the view (for de-duplication and vote grouping)."""
        return (self.symmetry, self.colours, self.order)

    def apply_grid(self, g: Grid) -> Grid:
        """Colour map, then symmetry."""
        if self.colours is not None:
            g = apply_colour_map(g, np.asarray(self.colours, dtype=np.int8))
        return SYMMETRIES[self.symmetry](g)

    def invert_grid(self, g: Grid) -> Grid:
        """Exact inverse of apply_grid."""
        g = SYMMETRIES[INVERSE[self.symmetry]](g)
        if self.colours is not None:
            g = apply_colour_map(g, invert_colour_map(np.asarray(self.colours)))
        return np.ascontiguousarray(g)

    def apply_pairs(self, pairs: list[Pair]) -> list[Pair]:
        """Transform every pair and reorder them."""
        if self.order is not None:
            if len(self.order) != len(pairs):
                raise ValueError(f"order has {len(self.order)} entries for {len(pairs)} pairs")
            pairs = [pairs[i] for i in self.order]
        return [Pair(self.apply_grid(p.input), self.apply_grid(p.output)) for p in pairs]

    def invert_pairs(self, pairs: list[Pair]) -> list[Pair]:
        """Exact inverse of apply_pairs."""
        back = [Pair(self.invert_grid(p.input), self.invert_grid(p.output)) for p in pairs]
        if self.order is None:
            return back
        out: list[Pair | None] = [None] * len(back)
        for pos, i in enumerate(self.order):
            out[i] = back[pos]
        return out  # type: ignore[return-value]

    def apply_task(self, task: Task) -> Task:
        """The whole task under this view (test outputs too, when present)."""
        outs = task.test_outputs
        return Task(
            task.id,
            self.apply_pairs(task.train),
            [self.apply_grid(g) for g in task.test_inputs],
            None if outs is None else [self.apply_grid(g) for g in outs],
        )


def random_colours(rng: np.random.Generator, keep_zero: bool = True) -> tuple[int, ...]:
    """A random permutation of the 10 colours; with keep_zero, black (usually background) stays."""
    if keep_zero:
        return (0, *(int(c) for c in rng.permutation(9) + 1))
    return tuple(int(c) for c in rng.permutation(10))


def random_augmentation(
    rng: np.random.Generator,
    n_demos: int,
    symmetries: Sequence[int] = tuple(range(8)),
    colours: bool = True,
    keep_zero: bool = True,
    shuffle: bool = True,
) -> Augmentation:
    """A random view: one of `symmetries` (all 8 by default), a colour permutation, a demo order."""
    sym = int(symmetries[int(rng.integers(len(symmetries)))])
    cmap = random_colours(rng, keep_zero) if colours else None
    order = tuple(int(i) for i in rng.permutation(n_demos)) if shuffle and n_demos > 1 else None
    return Augmentation(sym, cmap, order)


def inference_views(
    n_views: int,
    n_demos: int,
    rng: np.random.Generator,
    colours: bool = True,
    keep_zero: bool = True,
    shuffle: bool = True,
    symmetries: Sequence[int] = tuple(range(8)),
) -> list[Augmentation]:
    """`n_views` views for prediction: the first of `symmetries` plain, then the others in order
    (so every symmetry appears once before any repeats); views after the first get a colour
    permutation and a demo order when enabled. Distinct by construction of the keys. A model
    adapted under fewer symmetries (ttt.data.symmetries) is asked under those alone: a flip seen
    through a turn is another task."""
    syms = [int(s) for s in symmetries]
    if not syms or not all(0 <= s < 8 for s in syms):
        raise ValueError(f"inference symmetries must be a non-empty list of 0..7, got {syms}")
    views = [Augmentation(syms[0])]
    seen = {views[0].key}
    for i in range(1, 50 * max(n_views, 1)):
        if len(views) >= n_views:
            break
        cmap = random_colours(rng, keep_zero) if colours else None
        order = tuple(int(k) for k in rng.permutation(n_demos)) if shuffle and n_demos > 1 else None
        v = Augmentation(syms[i % len(syms)], cmap, order)
        if v.key not in seen:
            seen.add(v.key)
            views.append(v)
    return views
