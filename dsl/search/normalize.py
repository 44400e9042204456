"""Colour normalisation: relabel a task's colours by frequency, and the inverse for answers."""

from __future__ import annotations

import numpy as np

from dsl.program import Program, Ref, Step
from dsl.types import Pair, Task


def normalising_map(task: Task) -> np.ndarray:
    """A permutation of 0..9: background 0 stays, other colours ordered by input frequency."""
    counts = np.zeros(10, dtype=np.int64)
    for g in [p.input for p in task.train] + list(task.test_inputs):
        counts += np.bincount(g.reshape(-1), minlength=10)
    order = [0] + sorted(range(1, 10), key=lambda c: (-counts[c], c))
    table = np.empty(10, dtype=np.int8)
    table[order] = np.arange(10, dtype=np.int8)  # colour order[k] -> k
    return table


def apply_map(task: Task, table: np.ndarray) -> Task:
    m = np.asarray(table, dtype=np.int8)
    train = [Pair(m[p.input], m[p.output]) for p in task.train]
    tests = [m[g] for g in task.test_inputs]
    outs = None if task.test_outputs is None else [m[g] for g in task.test_outputs]
    return Task(task.id, train, tests, outs)


def wrap_program(prog: Program, table: np.ndarray) -> Program:
    """The program that runs on original colours: map in, run, map back."""
    inv = np.empty(10, dtype=np.int8)
    inv[np.asarray(table)] = np.arange(10, dtype=np.int8)
    fwd = tuple(int(c) for c in table)
    back = tuple(int(c) for c in inv)
    steps = [Step("n0", "colour_map", (Ref("I"), fwd))]
    rename = {"I": "n0"}
    for s in prog.steps:
        args = tuple(Ref(rename.get(a.name, a.name)) if isinstance(a, Ref) else a for a in s.args)
        steps.append(Step(s.target, s.op, args))
    last = steps[-1].target
    steps.append(Step("n1", "colour_map", (Ref(last), back)))
    return Program(tuple(steps))
