"""Programs as data: straight-line, single-assignment steps over DSL operations.

A program reads its input grid as `I` and ends with `O = <name>`:

    x1 = rot90(I)
    x2 = replace_colour(x1, 3, 5)
    O = x2

Operations are registry primitives plus a few *inferred-parameter* operations defined here
(`colour_map`, `local_rule`, `stamp`, `tile_blocks`, `constant`): the search learns their literal
argument (a colour table, a neighbourhood lookup table, ...) from the demonstrations and writes it
into the program text, so a printed program re-runs without the search. `rank_colours` and
`unrank_colours` wrap what the search found on colour-ranked grids. Parsing walks Python's
AST with a whitelist (names, calls, literals); nothing is evaluated.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from dsl.primitives.common import by_content, histogram
from dsl.types import Grid

INPUT = "I"
OUTPUT = "O"


@dataclass(frozen=True)
class Ref:
    """A reference to an earlier step's value (or the input `I`)."""

    name: str

    def __repr__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Step:
    target: str
    op: str
    args: tuple

    def text(self) -> str:
        return f"{self.target} = {self.op}({', '.join(format_arg(a) for a in self.args)})"


def format_arg(a: Any) -> str:
    """Literal or reference as program text (dicts with sorted keys, so text is canonical)."""
    if isinstance(a, Ref):
        return a.name
    if isinstance(a, bool):
        return repr(a)
    if isinstance(a, (int, np.integer)):
        return str(int(a))
    if isinstance(a, str):
        return repr(a)
    if isinstance(a, tuple):
        inner = ", ".join(format_arg(x) for x in a)
        return f"({inner},)" if len(a) == 1 else f"({inner})"
    if isinstance(a, dict):
        items = sorted(a.items())
        return "{" + ", ".join(f"{format_arg(k)}: {format_arg(v)}" for k, v in items) + "}"
    raise ValueError(f"cannot print argument {a!r}")


@dataclass(frozen=True)
class Program:
    """A list of steps; the last step's target is the output (printed as `O = x<n>`)."""

    steps: tuple[Step, ...]

    def text(self) -> str:
        lines = [s.text() for s in self.steps]
        last = self.steps[-1].target if self.steps else INPUT
        return "\n".join([*lines, f"{OUTPUT} = {last}"])

    def __str__(self) -> str:
        return self.text()

    def run(self, grid: Grid) -> Any:
        """Run on one input; raises ValueError when some operation does not apply."""
        env: dict[str, Any] = {INPUT: grid}
        for s in self.steps:
            fn = resolve(s.op)
            args = [env[a.name] if isinstance(a, Ref) else a for a in s.args]
            env[s.target] = fn(*args)
        return env[self.steps[-1].target] if self.steps else grid

    def cost(self) -> float:
        return sum(op_cost(s.op) for s in self.steps)

    def then(self, op: str, lits: tuple) -> Program:
        """This program with one more step: `op` applied to its output, then the literals."""
        last = self.steps[-1].target if self.steps else INPUT
        return Program((*self.steps, Step(f"x{len(self.steps) + 1}", op, (Ref(last), *lits))))


# ----- inferred-parameter operations (their literal argument is learned from demos) -----


def colour_map(g: Grid, table: tuple) -> Grid:
    """Recolour every cell c to table[c] (table: 10 colours)."""
    if len(table) != 10:
        raise ValueError("colour table needs 10 entries")
    return np.ascontiguousarray(np.asarray(table, dtype=np.int8)[g])


PAD = 10  # neighbourhood value outside the grid
N4 = ((0, 1), (2, 1), (1, 0), (1, 2))  # neighbours' offsets in the padded grid
N8 = N4 + ((0, 0), (0, 2), (2, 0), (2, 2))


def _bits(g: Grid, axis: int) -> np.ndarray:
    """Per row (axis=1) or column (axis=0): bitmask of the colours it contains."""
    onehot = (g[..., None] == np.arange(10, dtype=np.int8)).any(axis=axis)  # (n, 10)
    return (onehot.astype(np.int64) << np.arange(10, dtype=np.int64)).sum(axis=1)


def local_features(g: Grid, kind: str) -> np.ndarray:
    """Per-cell feature vectors, shape (h, w, k) int64, for a local-rule kind."""
    h, w = g.shape
    # the outside reads PAD, or background for the z kinds (a rule learned on cells inside then
    # holds at the edges: 6 ARC-AGI-1 training tasks; n4 / n8 keep PAD for rules about edges)
    p = np.full((h + 2, w + 2), 0 if kind in ("n4z", "n8z") else PAD, dtype=np.int64)
    p[1:-1, 1:-1] = g
    if kind in ("n4", "n4z"):
        offs = ((1, 1), *N4)
    elif kind in ("n8", "n8z"):
        offs = tuple((i, j) for i in (1, 0, 2) for j in (1, 0, 2))
    elif kind in ("n4s", "n8s"):  # isotropic: the cell's colour and the set of its neighbours'
        # colours (a bitmask; the outside adds nothing, so a rule learned inside holds at edges)
        near = N4 if kind == "n4s" else N8
        bits = np.zeros((h, w), dtype=np.int64)
        for i, j in near:
            nb = p[i : i + h, j : j + w]
            bits |= np.where(nb == PAD, 0, np.left_shift(1, nb))
        return np.stack([g.astype(np.int64), bits], axis=-1)
    elif kind == "rc":
        rows = np.broadcast_to(_bits(g, 1)[:, None], (h, w))
        cols = np.broadcast_to(_bits(g, 0)[None, :], (h, w))
        return np.stack([g.astype(np.int64), rows, cols], axis=-1)
    elif kind in ("par", "mod3"):  # the cell's colour and its position modulo 2 or 3
        ii, jj = np.indices((h, w))
        m = 2 if kind == "par" else 3
        return np.stack([g.astype(np.int64), ii % m, jj % m], axis=-1)
    else:
        raise ValueError(f"unknown local rule kind {kind!r}")
    return np.stack([p[i : i + h, j : j + w] for i, j in offs], axis=-1)


def feature_keys(g: Grid, kind: str) -> list[tuple]:
    """Row-major list of per-cell feature tuples."""
    f = local_features(g, kind)
    return [tuple(r) for r in f.reshape(-1, f.shape[-1]).tolist()]


def local_rule(g: Grid, kind: str, table: dict) -> Grid:
    """Each cell becomes table[features of its neighbourhood] (unseen features keep the cell)."""
    keys = feature_keys(g, kind)
    flat = g.reshape(-1)
    out = np.array([table.get(k, int(c)) for k, c in zip(keys, flat.tolist())], dtype=np.int8)
    return out.reshape(g.shape)


STAMP_BG = 0  # the colour a stamp paints over (the search normalises the background to 0)


def stamp(g: Grid, entries: tuple) -> Grid:
    """Each cell of colour c paints colour k at offset (dr, dc) from it, for every entry
    (c, dr, dc, k), where that cell of g is background (later entries paint over earlier ones)."""
    h, w = g.shape
    res = g.copy()
    for c, dr, dc, k in entries:
        rows, cols = np.nonzero(g == c)
        rows, cols = rows + dr, cols + dc
        inside = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)
        rows, cols = rows[inside], cols[inside]
        blank = g[rows, cols] == STAMP_BG
        res[rows[blank], cols[blank]] = k
    return res


# Object properties a recolouring may depend on (dsl.search.infer.infer_object_rule tries them
# in this order): ranks and counts first, since they generalise to sizes the demos lack.
OBJECT_PROPS = (
    "size_rank",  # 0: the largest size among the grid's objects, 1: the next, ...
    "size_rank_rev",  # 0: the smallest
    "shape_count",  # how many objects have its shape (1: a unique shape)
    "colour_count",  # how many objects have its colour
    "has_hole",  # 1 when it encloses background
    "is_rect",  # 1 when it fills its bounding box
    "touches_border",
    "size",
    "height",
    "width",
)


@by_content(maxsize=256)
def object_properties(g: Grid, conn8: bool) -> tuple[tuple, dict[str, list[int]]]:
    """The same-colour objects of g (4- or 8-connected, background 0) and each property of
    OBJECT_PROPS per object, in the objects' order. Memoised on g's content: the graph's repairs
    ask it of the same demo images for many states (read the result, never change it)."""
    from dsl.primitives.objects import encloses_hole, extract

    objs = extract(g, conn8, False, STAMP_BG)
    sizes = [o.size for o in objs]
    rank = {z: k for k, z in enumerate(sorted(set(sizes), reverse=True))}  # 0: the largest
    shapes = Counter(o.shape_key() for o in objs)
    colours = Counter(o.colour for o in objs)
    h, w = g.shape
    props = {
        "size_rank": [rank[z] for z in sizes],
        "size_rank_rev": [len(rank) - 1 - rank[z] for z in sizes],
        "shape_count": [shapes[o.shape_key()] for o in objs],
        "colour_count": [colours[o.colour] for o in objs],
        "has_hole": [int(encloses_hole(o)) for o in objs],
        "is_rect": [int(o.size == o.height * o.width) for o in objs],
        "touches_border": [
            int(o.top == 0 or o.left == 0 or o.bottom == h - 1 or o.right == w - 1) for o in objs
        ],
        "size": sizes,
        "height": [o.height for o in objs],
        "width": [o.width for o in objs],
    }
    return objs, props


def recolour_by_property(g: Grid, prop: str, conn8: bool, table: dict, default: int = -1) -> Grid:
    """Each same-colour object (background 0; 8-connected with conn8) whose property `prop`
    (OBJECT_PROPS) has a value in `table` takes that colour; the others keep theirs, or take
    colour `default` when it is one (>= 0)."""
    if prop not in OBJECT_PROPS:
        raise ValueError(f"unknown object property {prop!r}")
    from dsl.primitives.objects import recolour_objects

    objs, props = object_properties(g, conn8)
    res = g
    rest = tuple(o for o, x in zip(objs, props[prop]) if x not in table)
    if default >= 0 and rest:
        res = recolour_objects(res, rest, default)
    for v, c in table.items():
        chosen = tuple(o for o, x in zip(objs, props[prop]) if x == v)
        if chosen:
            res = recolour_objects(res, chosen, c)
    return res.copy() if res is g else res


def tile_blocks(g: Grid, rows: int, cols: int, syms: tuple) -> Grid:
    """A rows x cols mosaic; block (i, j) is symmetry syms[i*cols+j] of the grid (D4 index)."""
    from dsl.primitives.geometry import SYMMETRIES

    if len(syms) != rows * cols:
        raise ValueError("one symmetry per block")
    blocks = [SYMMETRIES[s](g) for s in syms]
    if len({b.shape for b in blocks}) != 1:
        raise ValueError("blocks differ in shape")
    h, w = blocks[0].shape
    if h * rows > 30 or w * cols > 30:
        raise ValueError("mosaic too large")
    out = np.block([[blocks[i * cols + j] for j in range(cols)] for i in range(rows)])
    return np.ascontiguousarray(out.astype(np.int8))


def constant(g: Grid, rows: tuple) -> Grid:
    """The same grid whatever the input."""
    return np.ascontiguousarray(np.array(rows, dtype=np.int8))


# Whole-grid features that can choose one of a few fixed output grids (lookup_constant): tasks
# that classify their input (by its colour, a count) and answer with a fixed picture per class.
GRID_KEYS = (
    "n_colours",  # colours other than background 0
    "main_colour",  # the commonest of them (ties: the lowest)
    "minor_colour",  # the least common
    "n_objects",  # same-colour 4-connected objects
    "n_objects8",  # ... 8-connected
    "n_cells",  # non-background cells
    "palette",  # which colours occur (bit c: colour c)
)


def grid_key(g: Grid, key: str) -> int:
    """The value of one of GRID_KEYS on g."""
    from dsl import kernels

    counts = histogram(g)
    fg = counts.copy()
    fg[STAMP_BG] = 0
    present = np.flatnonzero(fg)
    if key == "n_colours":
        return len(present)
    if key == "main_colour":
        return int(fg.argmax()) if len(present) else STAMP_BG
    if key == "minor_colour":
        return int(present[fg[present].argmin()]) if len(present) else STAMP_BG
    if key in ("n_objects", "n_objects8"):
        return int(kernels.label_components(g, key == "n_objects8", False, STAMP_BG)[1])
    if key == "n_cells":
        return int(fg.sum())
    if key == "palette":
        return int(sum(1 << int(c) for c in np.flatnonzero(counts)))
    raise ValueError(f"unknown grid key {key!r}")


def lookup_constant(g: Grid, key: str, table: dict) -> Grid:
    """The fixed grid table[grid_key(g, key)]: one picture per class of input."""
    k = grid_key(g, key)
    if k not in table:
        raise ValueError(f"no grid for {key} = {k}")
    return np.ascontiguousarray(np.array(table[k], dtype=np.int8))


def rank_colours(g: Grid) -> Grid:
    """`g` with its colours relabelled by frequency (`rank_table`): the first step of a program
    the search found on a task whose grids were each ranked so."""
    from dsl.primitives.colour import apply_colour_map, rank_table

    return apply_colour_map(g, rank_table(g))


def unrank_colours(g: Grid, ref: Grid) -> Grid:
    """The inverse of `rank_colours(ref)` applied to `g`: a ranked program's answer in the
    colours of its input `ref`."""
    from dsl.primitives.colour import apply_colour_map, invert_colour_map, rank_table

    return apply_colour_map(g, invert_colour_map(rank_table(ref)))


INFERRED: dict[str, tuple[Callable, float]] = {
    # the pair costs 0.5: on equal programs the plain one ranks first
    "rank_colours": (rank_colours, 0.25),
    "unrank_colours": (unrank_colours, 0.25),
    "colour_map": (colour_map, 1.0),
    "local_rule": (local_rule, 3.0),
    "stamp": (stamp, 3.0),
    "recolour_by_property": (recolour_by_property, 2.0),
    "tile_blocks": (tile_blocks, 2.0),
    "constant": (constant, 4.0),
    "lookup_constant": (lookup_constant, 4.0),
}


def resolve(op: str) -> Callable:
    """The function behind an operation name (inferred ops first, then the registry)."""
    if op in INFERRED:
        return INFERRED[op][0]
    from dsl.registry import get

    return get(op).fn


def op_cost(op: str) -> float:
    if op in INFERRED:
        return INFERRED[op][1]
    from dsl.registry import get

    return get(op).cost


# ----- parsing -----


class ParseError(ValueError):
    pass


def _parse_arg(node: ast.AST, known: set[str]) -> Any:
    if isinstance(node, ast.Name):
        if node.id not in known:
            raise ParseError(f"undefined name {node.id!r}")
        return Ref(node.id)
    try:
        value = ast.literal_eval(node)  # literals only: numbers, strings, tuples, dicts
    except ValueError as e:
        raise ParseError(f"argument is not a literal: {ast.dump(node)[:80]}") from e
    return _freeze(value)


def _freeze(v: Any) -> Any:
    """Lists become tuples so parsed programs compare equal to constructed ones."""
    if isinstance(v, list):
        return tuple(_freeze(x) for x in v)
    if isinstance(v, tuple):
        return tuple(_freeze(x) for x in v)
    if isinstance(v, dict):
        return {_freeze(k): _freeze(x) for k, x in v.items()}
    return v


def parse(text: str) -> Program:
    """Program text -> Program. Raises ParseError on anything but `name = op(args)` lines."""
    steps: list[Step] = []
    known = {INPUT}
    output: str | None = None
    for n, line in enumerate(ln.strip() for ln in text.strip().splitlines()):
        if not line:
            continue
        if output is not None:
            raise ParseError(f"line {n + 1}: nothing may follow the output line")
        try:
            tree = ast.parse(line, mode="exec")
        except SyntaxError as e:
            raise ParseError(f"line {n + 1}: {e.msg}") from e
        if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Assign):
            raise ParseError(f"line {n + 1}: expected `name = op(...)`")
        a = tree.body[0]
        if len(a.targets) != 1 or not isinstance(a.targets[0], ast.Name):
            raise ParseError(f"line {n + 1}: one plain name on the left")
        target = a.targets[0].id
        if target == OUTPUT:
            if not isinstance(a.value, ast.Name) or a.value.id not in known:
                raise ParseError(f"line {n + 1}: output must name an earlier value")
            output = a.value.id
            continue
        if target in known:
            raise ParseError(f"line {n + 1}: {target!r} assigned twice")
        call = a.value
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name) or call.keywords:
            raise ParseError(f"line {n + 1}: expected a call `op(arg, ...)`")
        args = tuple(_parse_arg(x, known) for x in call.args)
        try:
            resolve(call.func.id)
        except KeyError as e:
            raise ParseError(f"line {n + 1}: {e}") from e
        steps.append(Step(target, call.func.id, args))
        known.add(target)
    if output is None:
        raise ParseError("missing output line `O = ...`")
    if output == INPUT:
        return Program(())
    # Drop steps that do not feed the output, and end on the output's step.
    idx = next(i for i, s in enumerate(steps) if s.target == output)
    return Program(tuple(steps[: idx + 1]))
