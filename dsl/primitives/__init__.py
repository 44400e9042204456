"""DSL primitives, grouped by topic; importing this package registers them all.

Conventions every primitive follows (the search relies on them):
- Pure: inputs are never mutated. A result may be the input array itself when nothing changed,
  so callers must not mutate results either.
- Grids in and out are 2-D int8, C-contiguous, 1..30 cells per side, colours 0..9.
- Background is colour 0 unless the primitive's name or docstring says otherwise
  ("majority" variants use the most frequent colour).
- A primitive that cannot apply raises `ValueError`, and only ValueError: the search catches it
  and drops that program. "Cannot apply" means structural failure: no objects to select from,
  an ambiguous selection (a tie), a result that is empty or larger than 30x30, shapes that do
  not match, a degenerate parameter (swap a colour with itself, k < 1).
- An in-place edit with nothing to do (no holes to fill, no pairs to connect, an absent colour)
  is a no-op and returns the grid unchanged, so a program stays valid on a demonstration where
  its rule has nothing to act on.
- Masks are 2-D bool arrays; Objects are tuples of `objects.Object` (row-major order).
- Hot loops live in `dsl.kernels` (Numba); primitives are thin wrappers around them.

Modules: geometry (the 8 symmetries), colour, counting, cropping, movement (gravity, shifts),
tiling (scaling, tiles, mirrors, concatenation), masks (mask logic, halves and cells), symmetry
(completion, symmetrising), patterns (periodic tiles), fills (borders, holes, halos, rays,
lines, regions), objects (Object, extraction, selectors, object-level values and sets),
object_edits (whole-grid edits object by object), sizing (take another grid's shape: tile, scale,
embed to it).
"""

from dsl.primitives import (  # noqa: F401
    colour,
    counting,
    cropping,
    fills,
    geometry,
    masks,
    movement,
    object_edits,
    objects,
    patterns,
    sizing,
    symmetry,
    tiling,
)
