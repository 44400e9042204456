"""Tasks from families: parameters drawn once, 2-5 demonstrations plus a test. Every pair is
validated (valid grids, else the draw is rejected), verified (the verifier gives the same output)
and de-duplicated (distinct inputs); the task must change its inputs and have more than one
distinct output.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from dsl.types import Grid, Pair, Task, grid_problem
from ttt.generators.registry import Family, Params, Retry, families


class GeneratorError(RuntimeError):
    """A family failed to make a valid task within its tries."""


@dataclass
class Generated:
    """A task with the parameters behind it and how many draws were rejected, and why."""

    task: Task
    family: str
    params: Params
    rejected: dict[str, int]


def _valid(*grids: Grid | None) -> bool:
    return all(g is None or grid_problem(g) is None for g in grids)


def _c(g: Grid) -> Grid:
    return np.ascontiguousarray(g, dtype=np.int8)


def _pairs(fam: Family, p: Params, rng: np.random.Generator, n: int, rejected: dict) -> list[Pair]:
    pairs: list[Pair] = []
    keys: set[bytes] = set()
    for _ in range(8 * n):
        try:
            ex = fam.example(rng, p)
        except Retry:
            rejected["retry"] += 1
            continue
        inp, out = ex if isinstance(ex, tuple) else (ex, None)
        if not _valid(inp, out):  # e.g. a draw that grew past 30 cells a side
            rejected["invalid"] += 1
            continue
        inp = _c(inp)
        try:
            again = fam.verify(inp, p)
        except ValueError:  # Retry, or a DSL primitive that cannot apply (a tie)
            rejected["verify"] += 1
            continue
        if not _valid(again):
            rejected["invalid"] += 1
            continue
        again = _c(again)
        if out is not None and not np.array_equal(_c(out), again):
            rejected["disagree"] += 1
            continue
        key = repr(inp.shape).encode() + inp.tobytes()
        if key in keys:
            rejected["duplicate"] += 1
            continue
        keys.add(key)
        pairs.append(Pair(inp, again))
        if len(pairs) == n:
            return pairs
    return pairs


def _useful(pairs: list[Pair]) -> bool:
    changes = any(p.input.shape != p.output.shape or (p.input != p.output).any() for p in pairs)
    outputs = {repr(p.output.shape).encode() + p.output.tobytes() for p in pairs}
    return changes and len(outputs) > 1


def generate(
    name: str, rng: np.random.Generator, n_train: int | None = None, max_tries: int = 30
) -> Generated:
    """A verified task of family `name`: n_train demos (2..5 at random when None) and one test."""
    fam = families()[name]
    rejected = {k: 0 for k in ("retry", "invalid", "verify", "disagree", "duplicate", "useless")}
    for _ in range(max_tries):
        n = int(rng.integers(2, 6)) if n_train is None else n_train
        try:
            p = fam.params(rng)
        except Retry:
            rejected["retry"] += 1
            continue
        pairs = _pairs(fam, p, rng, n + 1, rejected)
        if len(pairs) < n + 1:
            continue
        if not _useful(pairs):
            rejected["useless"] += 1
            continue
        digest = hashlib.sha1(name.encode())
        for q in pairs:
            for g in (q.input, q.output):
                digest.update(repr(g.shape).encode() + g.tobytes())
        task = Task(
            f"gen-{name}-{digest.hexdigest()[:12]}",
            pairs[:n],
            [pairs[n].input],
            [pairs[n].output],
        )
        return Generated(task, name, p, rejected)
    raise GeneratorError(f"family {name}: no valid task in {max_tries} tries ({rejected})")


def make_task(name: str, rng: np.random.Generator, n_train: int | None = None) -> Task:
    """A verified task of family `name` in the project's task format (dsl.types.Task)."""
    return generate(name, rng, n_train).task


def sample_task(
    rng: np.random.Generator,
    names: Sequence[str] | None = None,
    weights: Mapping[str, float] | None = None,
) -> Task:
    """A task of a family drawn from `names` (every family when None): uniformly, or by
    `weights` (family name -> weight, 1 for a family it leaves out)."""
    pool = sorted(names) if names else sorted(families())
    if not weights:  # the uniform draw keeps its random stream (older runs resume the same)
        return make_task(pool[int(rng.integers(len(pool)))], rng)
    w = np.array([float(weights.get(n, 1.0)) for n in pool])
    return make_task(pool[int(rng.choice(len(pool), p=w / w.sum()))], rng)


def iter_tasks(rng: np.random.Generator, names: Sequence[str] | None = None) -> Iterator[Task]:
    """Endless stream of distinct generator tasks (a task seen before by content is skipped)."""
    seen: set[str] = set()
    while True:
        t = sample_task(rng, names)
        if t.id not in seen:
            seen.add(t.id)
            yield t
