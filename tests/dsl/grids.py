"""Test grids written as text."""

import numpy as np


def G(s: str) -> np.ndarray:
    """Grid from rows of digits separated by '/'."""
    return np.array([[int(ch) for ch in row] for row in s.split("/")], dtype=np.int8)
