"""Colour ranking: each grid's colours relabelled by frequency, so that a task whose demos give the
same roles different colours (or whose background is not 0) reads the same in every demo.

The search runs a second pass on the ranked task; what it finds there becomes an ordinary program
`rank_colours(I)`, the steps, then `unrank_colours(x, I)` (dsl.program), re-verified on the task's
own colours."""

from __future__ import annotations

import numpy as np

from dsl.primitives.colour import rank_table
from dsl.program import INPUT, Program, Ref, Step
from dsl.types import Pair, Task


def ranked_task(task: Task) -> Task:
    """Every demo pair mapped by its input's table, every test input by its own."""
    train = []
    for p in task.train:
        t = rank_table(p.input)
        train.append(Pair(t[p.input], t[p.output]))
    tables = [rank_table(g) for g in task.test_inputs]
    tests = [t[g] for t, g in zip(tables, task.test_inputs)]
    outs = None
    if task.test_outputs is not None:
        outs = [t[g] for t, g in zip(tables, task.test_outputs)]
    return Task(task.id, train, tests, outs)


def ranking_helps(task: Task) -> bool:
    """Whether the inputs differ in their colour sets or some input's commonest colour is not 0:
    otherwise ranking only re-orders one palette per grid, which the plain search's colour
    arguments and frequency functions already cover (ARC-AGI-1 training at 10 s: this kept all
    16 tasks the ranked pass gained and gave 30 more tasks their whole budget)."""
    grids = [p.input for p in task.train] + list(task.test_inputs)
    palettes = {frozenset(np.unique(g).tolist()) for g in grids}
    return len(palettes) > 1 or any(int(rank_table(g).argmin()) != 0 for g in grids)


def wrap_ranked(prog: Program) -> Program:
    """The program on the task's own colours: rank the input, run, map back by the input's table."""
    steps = [Step("r0", "rank_colours", (Ref(INPUT),))]
    for s in prog.steps:
        args = tuple(Ref("r0") if isinstance(a, Ref) and a.name == INPUT else a for a in s.args)
        steps.append(Step(s.target, s.op, args))
    last = steps[-1].target
    steps.append(Step("r1", "unrank_colours", (Ref(last), Ref(INPUT))))
    return Program(tuple(steps))
