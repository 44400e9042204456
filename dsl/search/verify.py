"""What every search stage shares: a found program (`Fit`), the search's result, running a program
on many inputs, and the exact check on every demonstration (the no-false-positive gate)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dsl.program import Program
from dsl.search.values import as_grid, valid_colours
from dsl.types import Grid, Task

# Exceptions a primitive may raise when it does not apply to its arguments.
NOT_APPLICABLE = (ValueError, IndexError)


@dataclass
class Fit:
    """A program and what it gives on the test inputs."""

    program: Program
    cost: float
    test_outputs: list[Grid | None]
    fits_all_demos: bool
    accuracy: float = 1.0  # mean cell accuracy on demos (1.0 for fits)
    found_s: float = 0.0  # seconds into the search when it was found (time-to-solve curves)
    stage: str = ""  # which stage found it: graph, pieces, enumerate, constant


@dataclass
class SearchResult:
    fits: list[Fit] = field(default_factory=list)
    near: list[Fit] = field(default_factory=list)
    n_states: int = 0
    n_evals: int = 0  # function applications (each on one input for the graph stage)
    depth_done: int = 0  # last cost level (half units) fully explored by the enumerator
    timed_out: bool = False
    stage_s: dict[str, float] = field(default_factory=dict)  # seconds spent per stage
    work: dict[str, int] = field(default_factory=dict)  # work done per stage, in its own unit


def run_all(prog: Program, inputs: list[Grid]) -> list[Grid | None]:
    """The program's output grid on each input (None where it does not apply)."""
    outs: list[Grid | None] = []
    for g in inputs:
        try:
            v = as_grid(prog.run(g))
        except NOT_APPLICABLE:
            v = None
        outs.append(v if v is not None and valid_colours(v) else None)
    return outs


def fits_demos(prog: Program, task: Task) -> bool:
    """Exact check on every demonstration (the no-false-positive gate)."""
    outs = run_all(prog, [p.input for p in task.train])
    return all(o is not None and np.array_equal(o, p.output) for o, p in zip(outs, task.train))
