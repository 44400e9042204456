"""Final steps whose literal parameters are learned from the demonstrations.

Each function takes a candidate state's values on the demo inputs (and test inputs) plus the
expected demo outputs, and returns the inferred (op, literal args, extra cost) or None. The caller
re-verifies the resulting program on every demonstration, so inference may be optimistic.
"""

from __future__ import annotations

import numpy as np

from dsl import kernels
from dsl.primitives.geometry import SYMMETRIES
from dsl.program import OBJECT_PROPS, STAMP_BG, local_features, object_properties, stamp
from dsl.types import Grid

Inferred = tuple[str, tuple, float]


def infer_colour_map(preds: list[Grid], outs: list[Grid], tests: list[Grid]) -> Inferred | None:
    """A colour -> colour table consistent on every demo cell (colours unseen map to themselves)."""
    return merge_colour_tables([colour_table(p, o) for p, o in zip(preds, outs)], tests)


def colour_table(pred: Grid, out: Grid) -> np.ndarray | None:
    """The colour -> colour table taking `pred` to `out` cell by cell (-1: colour absent), or
    None when a colour of `pred` would need two images."""
    a, b = pred.reshape(-1), out.reshape(-1)
    t = np.full(10, -1, dtype=np.int16)
    t[a] = b  # last write wins; checked below
    return t if np.array_equal(t[a], b) else None


def merge_colour_tables(tables: list, tests: list[Grid]) -> Inferred | None:
    """One colour map from per-demo tables (`colour_table`) that agree wherever both are set,
    defined on every test colour, and not the identity."""
    table = np.full(10, -1, dtype=np.int16)
    for t in tables:
        if t is None:
            return None
        seen = t >= 0
        clash = seen & (table >= 0) & (table != t)
        if clash.any():
            return None
        table[seen] = t[seen]
    for g in tests:  # a test colour never seen in the demos has no learned image
        if (table[np.unique(g)] < 0).any():
            return None
    ident = np.arange(10)
    table = np.where(table < 0, ident, table)
    if np.array_equal(table, ident):
        return None
    return ("colour_map", (tuple(int(c) for c in table),), 0.0)


# Isotropic kinds before their directional refinements: where both are consistent and cover the
# tests they agree, and the isotropic one covers more test cells (it generalises across turns).
LOCAL_KINDS = ("n4s", "n4", "n4z", "rc", "par", "mod3", "n8s", "n8", "n8z")
# Kinds whose features are a function of n8's: where n8's table is inconsistent, so are theirs
# (most states checked are; one n8 pass then rules all six out).
COARSER_THAN_N8 = frozenset({"n4s", "n4", "n4z", "n8s", "n8", "n8z"})


def _lookup(preds: list[Grid], vals: np.ndarray, tests: list[Grid], kind: str):
    """The kind's (table, test coverage), or None when two demo cells with the same features
    need different colours."""
    feats = [local_features(p, kind) for p in preds]
    k = feats[0].shape[-1]
    keys = np.concatenate([f.reshape(-1, k) for f in feats])
    test_keys = np.concatenate([local_features(t, kind).reshape(-1, k) for t in tests])
    # each feature vector as one integer (mixed radix): a 1-D unique is ~10x faster
    radix = np.maximum(keys.max(axis=0), test_keys.max(axis=0)) + 1
    weights = np.concatenate([[1], np.cumprod(radix[:-1])]).astype(np.int64)
    codes = keys @ weights
    uniq, first, inv = np.unique(codes, return_index=True, return_inverse=True)
    img = np.zeros(len(uniq), dtype=np.int64)
    img[inv] = vals
    if not np.array_equal(img[inv], vals):
        return None
    coverage = float(np.isin(test_keys @ weights, uniq).mean()) if len(test_keys) else 1.0
    rows = keys[first]
    table = {
        tuple(int(x) for x in u): int(v) for u, v in zip(rows.tolist(), img.tolist()) if v != u[0]
    }
    return table, coverage


def infer_local_rule(
    preds: list[Grid],
    outs: list[Grid],
    tests: list[Grid],
    kinds: tuple[str, ...] = LOCAL_KINDS,
    min_coverage: float = 0.9,
) -> Inferred | None:
    """A neighbourhood -> colour lookup table consistent over all demo cells.

    Tries the kinds in order and returns the first whose table is consistent on the demos and
    whose features on the test inputs were all seen in the demos. Failing that, the consistent
    kind covering most test cells (at least `min_coverage`; unseen cells keep their colour),
    with an extra cost, since part of its answer is a guess.
    """
    partial: tuple[float, str, dict] | None = None
    vals = np.concatenate([o.reshape(-1) for o in outs]).astype(np.int64)
    n8 = _lookup(preds, vals, tests, "n8") if COARSER_THAN_N8.intersection(kinds) else None
    for kind in kinds:
        if kind in COARSER_THAN_N8 and n8 is None:
            continue
        found = n8 if kind == "n8" else _lookup(preds, vals, tests, kind)
        if found is None:
            continue
        table, coverage = found
        if not table:
            return None
        if coverage == 1.0:
            return ("local_rule", (kind, table), 0.0 if kind in ("n4s", "n4", "par") else 1.0)
        if coverage >= min_coverage and (partial is None or coverage > partial[0]):
            partial = (coverage, kind, table)
    if partial is None:
        return None
    return ("local_rule", (partial[1], partial[2]), 2.0)


def _changes_only(preds: list[Grid], outs: list[Grid], background: bool) -> bool:
    """Whether each output has its state's shape, some cell changes, and every changed cell is
    background in the state (background=True: a painting) or none is (False: a recolouring)."""
    if any(p.shape != o.shape for p, o in zip(preds, outs)):
        return False
    changed = [p != o for p, o in zip(preds, outs)]
    if not any(c.any() for c in changed):
        return False
    return all(((p[c] == STAMP_BG) == background).all() for p, c in zip(preds, changed))


def infer_stamp(preds: list[Grid], outs: list[Grid], max_radius: int = 2) -> Inferred | None:
    """A stamp (`dsl.program.stamp`): what each colour paints around its cells, for outputs that
    only paint background cells of the state. Within the smallest radius that explains every
    demo: for each colour and offset, the one colour the outputs show at that offset from every
    cell of that colour over background (nothing when they show background or disagree). It
    generalises where a neighbourhood lookup table cannot: each cell paints on its own, so
    cells near several sources and colours that paint nothing need no example of their own."""
    if not _changes_only(preds, outs, background=True):
        return None
    colours = sorted({int(c) for p in preds for c in np.unique(p)} - {STAMP_BG})
    # every offset's entry within max_radius, once; a smaller radius keeps those within it
    # (the same order: row-major offsets, colour by colour)
    entries = []
    for c in colours:
        cells = [np.nonzero(p == c) for p in preds]
        for dr in range(-max_radius, max_radius + 1):
            for dc in range(-max_radius, max_radius + 1):
                seen: set[int] = set()
                for (rows, cols), p, o in zip(cells, preds, outs):
                    r, q = rows + dr, cols + dc
                    inside = (r >= 0) & (r < p.shape[0]) & (q >= 0) & (q < p.shape[1])
                    r, q = r[inside], q[inside]
                    blank = p[r, q] == STAMP_BG
                    seen.update(o[r[blank], q[blank]].tolist())
                if len(seen) == 1 and STAMP_BG not in seen:
                    entries.append((c, dr, dc, seen.pop()))
    for radius in range(1, max_radius + 1):
        found = tuple(e for e in entries if max(abs(e[1]), abs(e[2])) <= radius)
        if found and all(np.array_equal(stamp(p, found), o) for p, o in zip(preds, outs)):
            return ("stamp", (found,), 0.0)
    return None


def infer_object_rule(preds: list[Grid], outs: list[Grid], tests: list[Grid]) -> Inferred | None:
    """A recolouring of whole objects by one of their properties (`recolour_by_property`), for
    outputs that change only object cells, each object to one colour: the first property (in
    OBJECT_PROPS order, 4- then 8-connected objects) whose value gives every demo object's new
    colour consistently and whose values on the test objects were all seen in the demos."""
    if not _changes_only(preds, outs, background=False):
        return None
    for conn8 in (False, True):
        try:
            # the objects first: their properties cost more, and most states fail here
            seen = _new_colours(preds, outs, conn8)
            if seen is None:
                continue
            demo = [object_properties(p, conn8)[1] for p in preds]
            test = [object_properties(t, conn8)[1] for t in tests]
        except ValueError:  # a grid without objects
            return None
        values = {prop: [v for props in demo for v in props[prop]] for prop in OBJECT_PROPS}
        for prop in OBJECT_PROPS:
            table = _object_table(values[prop], seen)
            if table and all(v in table[1] for t in test for v in t[prop]):
                return ("recolour_by_property", (prop, conn8, table[0]), 0.0)
        # then a default colour for every value but one or two exceptions ("size 6: red, the
        # rest blue"), which also covers test values the demos lack; it costs a little more
        for prop in OBJECT_PROPS:
            rule = _default_table(values[prop], seen)
            if rule:
                return ("recolour_by_property", (prop, conn8, *rule), DEFAULT_RULE_COST)
    return None


DEFAULT_RULE_COST = 0.5  # a default generalises further than a full table: ranked below one


def _default_table(values: list[int], seen: list[tuple[int, int]]) -> tuple[dict, int] | None:
    """(exceptions, default): one new colour that the objects of every value but one or two
    take (at least two values do), and the exceptions' own single new colours; None when no
    colour does."""
    options = _value_options(values, seen)
    if options is None:
        return None
    best = None
    for d in sorted({after for _, after in seen}):
        exc = sorted(v for v, o in options.items() if d not in o)
        if (
            1 <= len(exc) <= 2
            and len(options) - len(exc) >= 2
            and (best is None or len(exc) < len(best[1]))
        ):
            best = (d, exc)
    if best is None or any(None in options[v] or len(options[v]) != 1 for v in best[1]):
        return None
    d, exc = best
    return {v: next(iter(options[v])) for v in exc}, d


def _new_colours(preds: list[Grid], outs: list[Grid], conn8: bool) -> list[tuple[int, int]] | None:
    """Per demo object (same-colour, on background STAMP_BG, in extract's order): its colour and
    the one colour its cells take in the output; None when an object's cells take several.
    From the component labels alone: most states fail here, before any Object is built."""
    seen = []
    for p, o in zip(preds, outs):
        labels, n = kernels.label_components(p, conn8, False, STAMP_BG)
        if n == 0:
            raise ValueError("no objects")
        inside = labels >= 0
        lab = labels[inside].astype(np.int64)
        pairs = np.unique(
            lab * 100 + p[inside].astype(np.int64) * 10 + o[inside]
        )  # (object, colour, new colour)
        if len(pairs) != n:  # some object's cells take two colours
            return None
        seen += [(int(v // 10 % 10), int(v % 10)) for v in pairs]
    return seen


def _value_options(values: list[int], seen: list[tuple[int, int]]) -> dict[int, set] | None:
    """Per property value, the new colours every object with that value allows (None in a set:
    "keeps its colour"); None when some value's objects need two colours."""
    options: dict[int, set] = {}
    for v, (before, after) in zip(values, seen):
        ok = {after, None} if after == before else {after}
        options[v] = options.get(v, ok) & ok
        if not options[v]:
            return None
    return options


def _object_table(values: list[int], seen: list[tuple[int, int]]):
    """(the value -> new colour table, every value seen) consistent with each object's (colour,
    new colour); a value whose objects all keep their colours needs no entry. None: a value
    needs two colours, or nothing changes."""
    options = _value_options(values, seen)
    if options is None:
        return None
    table = {v: next(iter(o)) for v, o in options.items() if None not in o}
    return (dict(sorted(table.items())), set(options)) if table else None


def infer_tile_blocks(preds: list[Grid], outs: list[Grid]) -> Inferred | None:
    """Output = a mosaic of symmetries of the state, the same layout in every demo."""
    shapes = {(o.shape[0] / p.shape[0], o.shape[1] / p.shape[1]) for p, o in zip(preds, outs)}
    if len(shapes) != 1:
        return None
    fr, fc = shapes.pop()
    if fr != int(fr) or fc != int(fc) or fr * fc <= 1:
        return None
    rows, cols = int(fr), int(fc)
    syms = []
    for i in range(rows):
        for j in range(cols):
            found = None
            for s, f in enumerate(SYMMETRIES):
                ok = True
                for p, o in zip(preds, outs):
                    h, w = p.shape
                    b = o[i * h : (i + 1) * h, j * w : (j + 1) * w]
                    t = f(p)
                    if t.shape != b.shape or not np.array_equal(t, b):
                        ok = False
                        break
                if ok:
                    found = s
                    break
            if found is None:
                return None
            syms.append(found)
    return ("tile_blocks", (rows, cols, tuple(syms)), 0.0)
