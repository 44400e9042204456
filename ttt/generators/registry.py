"""The registry of concept families: a name, a tag, an example maker and a verifier per family.

A family is registered with `@family(name, tag, verify, params)` on its example maker:

- `params(rng) -> dict`: the task-level choices (colours, direction, factor, ...), drawn once per
  task so that every demonstration follows the same rule;
- the decorated `example(rng, p)`: one demonstration, either an input grid (its output is then
  the verifier's) or an `(input, output)` pair built by construction (the verifier must agree);
- `verify(input, p) -> output`: the rule, recomputed from the input and the parameters.

Where a pair is built by construction the verifier is an independent check (it reads the rule
back from the input); where only an input is drawn the verifier *is* the rule, and the checks
that remain are validity, distinct demonstrations and a rule that changes something.

Modules register on import; `families()` imports them on first use (nothing at import time).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from dsl.types import Grid

Params = dict[str, Any]
Example = Grid | tuple[Grid, Grid]

TAGS = (
    "geometry",
    "scaling",
    "colour",
    "objects",
    "motion",
    "fills",
    "lines",
    "symmetry",
    "patterns",
    "panels",
    "counting",
    "cropping",
    "denoise",
)
MODULES = TAGS  # one module per tag: ttt.generators.<tag>


class Retry(ValueError):
    """This random draw cannot make a valid example (no room, a tie, ...): draw again."""


@dataclass(frozen=True)
class Family:
    name: str
    tag: str
    example: Callable[[np.random.Generator, Params], Example]
    verify: Callable[[Grid, Params], Grid]
    params: Callable[[np.random.Generator], Params]
    doc: str  # one line: what the rule does


_FAMILIES: dict[str, Family] = {}


def _no_params(rng: np.random.Generator) -> Params:
    return {}


def family(
    name: str,
    tag: str,
    verify: Callable[[Grid, Params], Grid],
    params: Callable[[np.random.Generator], Params] | None = None,
    doc: str | None = None,
) -> Callable:
    """Register the decorated example maker as family `name` (see the module docstring); `doc`
    (else the maker's docstring) says in a line what the rule does."""
    if tag not in TAGS:
        raise ValueError(f"family {name}: unknown tag {tag!r} (known: {', '.join(TAGS)})")

    def deco(fn: Callable[[np.random.Generator, Params], Example]) -> Callable:
        if name in _FAMILIES:
            raise ValueError(f"family {name!r} registered twice")
        text = doc or fn.__doc__
        if not text:
            raise ValueError(f"family {name!r} has no description")
        text = " ".join(text.split())
        _FAMILIES[name] = Family(name, tag, fn, verify, params or _no_params, text)
        return fn

    return deco


def families() -> dict[str, Family]:
    """Every registered family by name (imports the family modules on first call)."""
    for m in MODULES:
        importlib.import_module(f"ttt.generators.{m}")
    return dict(sorted(_FAMILIES.items()))


def by_tag() -> dict[str, list[str]]:
    """Tag -> names of its families."""
    out: dict[str, list[str]] = {t: [] for t in TAGS}
    for f in families().values():
        out[f.tag].append(f.name)
    return out
