"""Fingerprints of DSL values, for observational-equivalence de-duplication."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from dsl.types import MAX_SIDE


def fingerprint(v: Any) -> Any:
    """A hashable summary of a value that is equal exactly when the values are equal."""
    if isinstance(v, np.ndarray):
        return (v.shape, v.dtype.char, v.tobytes())
    if isinstance(v, (tuple, list)):
        return (type(v).__name__, tuple(fingerprint(x) for x in v))
    if isinstance(v, frozenset):
        return ("fs", frozenset(fingerprint(x) for x in v))
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return (
            type(v).__name__,
            tuple(fingerprint(getattr(v, f.name)) for f in dataclasses.fields(v)),
        )
    if isinstance(v, (bool, int, float, str, np.integer, np.bool_)) or v is None:
        return v.item() if isinstance(v, np.generic) else v
    try:
        hash(v)
    except TypeError:
        return ("id", id(v))  # unknown unhashable value: no de-duplication, still correct
    return v


def as_grid(v: Any) -> np.ndarray | None:
    """`v` as an int8 C-contiguous grid when it is a valid grid, else None."""
    if not isinstance(v, np.ndarray) or v.ndim != 2:
        return None
    h, w = v.shape
    if not (0 < h <= MAX_SIDE and 0 < w <= MAX_SIDE):
        return None
    if v.dtype != np.int8:
        if v.dtype == np.bool_ or not np.issubdtype(v.dtype, np.integer):
            return None
        v = v.astype(np.int8)
    if not v.flags.c_contiguous:
        v = np.ascontiguousarray(v)
    return v


def valid_colours(g: np.ndarray) -> bool:
    return bool(g.min() >= 0 and g.max() <= 9)
