"""Concept generators: our own ARC-style task generators, one family per concept, each paired
with a verifier (in the spirit of re-arc; our own code). Used as pre-training data and for
probes. Randomness comes only from the `numpy.random.Generator` passed in.

    from ttt.generators import families, make_task
    task = make_task("flip_lr", np.random.default_rng(0))   # a dsl.types.Task
"""

from ttt.generators.registry import Family, Retry, by_tag, families, family
from ttt.generators.tasks import (
    Generated,
    GeneratorError,
    generate,
    iter_tasks,
    make_task,
    sample_task,
)

__all__ = [
    "Family",
    "GeneratorError",
    "Generated",
    "Retry",
    "by_tag",
    "families",
    "family",
    "generate",
    "iter_tasks",
    "make_task",
    "sample_task",
]
