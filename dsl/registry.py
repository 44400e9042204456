"""Primitive registry: every DSL primitive with its name, typed signature, cost and docstring.

Primitives register themselves with `@primitive(...)` when their module is imported;
`primitives()` imports `dsl.primitives` so the registry is complete. The search reads types and
costs from here; nothing else keeps a list of primitives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# Type names used in signatures (the search matches on these strings):
#   Grid    2-D int8 array, colours 0..9
#   Colour  int 0..9
#   Int     small non-negative int (counts, sizes, offsets)
#   Mask    2-D bool array
#   Object  dsl.primitives.objects.Object
#   Objects tuple of Object
#   Bool    bool
TYPES = ("Grid", "Colour", "Int", "Mask", "Object", "Objects", "Bool")


@dataclass(frozen=True)
class Primitive:
    name: str
    fn: Callable
    inputs: tuple[str, ...]
    output: str
    cost: float
    doc: str
    # What fn(g, c, ...) gives when its first Colour argument c is absent from g: "same" (g
    # unchanged) or "none" (not applicable); "" when it may still change g. The graph search
    # skips such applications (tests check the claim on grids without c).
    absent: str = ""

    def __call__(self, *args):
        return self.fn(*args)


_REGISTRY: dict[str, Primitive] = {}


def primitive(
    inputs: tuple[str, ...],
    output: str,
    cost: float = 1.0,
    name: str | None = None,
    absent: str = "",
):
    """Decorator: register `fn` as a primitive with this signature and cost (`absent`: see
    Primitive)."""

    def register(fn: Callable) -> Callable:
        key = name or fn.__name__
        for t in (*inputs, output):
            if t not in TYPES:
                raise ValueError(f"primitive {key}: unknown type {t!r}")
        if not (fn.__doc__ or "").strip():
            raise ValueError(f"primitive {key}: needs a one-line docstring")
        if key in _REGISTRY and _REGISTRY[key].fn is not fn:
            raise ValueError(f"primitive {key} registered twice")
        if absent not in ("", "same", "none") or (absent and "Colour" not in inputs):
            raise ValueError(f"primitive {key}: absent={absent!r} needs a Colour argument")
        doc = fn.__doc__.strip().splitlines()[0]
        _REGISTRY[key] = Primitive(key, fn, tuple(inputs), output, float(cost), doc, absent)
        return fn

    return register


def primitives() -> dict[str, Primitive]:
    """All registered primitives, by name (imports the primitive modules on first use)."""
    import dsl.primitives  # noqa: F401  (registers on import)

    return dict(_REGISTRY)


def get(name: str) -> Primitive:
    """The primitive called `name`; KeyError names it if unknown."""
    table = primitives()
    if name not in table:
        raise KeyError(f"unknown primitive {name!r}")
    return table[name]


_warm = False  # warm_up ran in this process


def warm_up() -> None:
    """Call every primitive once on a small grid, so Numba compiles (or loads from its disk cache)
    the kernels now, in a long-lived process, rather than inside a timed task (once a process)."""
    global _warm
    if _warm:
        return
    _warm = True
    import numpy as np

    g = np.array([[0, 1, 1, 0], [2, 0, 0, 3], [0, 1, 1, 0]], dtype=np.int8)
    for p in primitives().values():
        args = [g if t == "Grid" else 1 for t in p.inputs]
        try:
            p.fn(*args)
        except (ValueError, TypeError, IndexError, AttributeError):
            pass  # wrong-typed stand-in arguments: the compile happened or is not needed
