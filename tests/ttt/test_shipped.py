"""Smoke test of the shipped default checkpoint (skipped when it has not been trained yet)."""

from __future__ import annotations

import pytest

from dsl.types import Budget
from tests.ttt.conftest import PLAN
from ttt.model import DEFAULT_MODEL_DIR
from ttt.solver import TTTSolver


@pytest.mark.skipif(
    not (DEFAULT_MODEL_DIR / "config.json").exists(), reason="no shipped checkpoint yet"
)
def test_shipped_checkpoint_loads_and_answers(flip_task):
    size = sum(p.stat().st_size for p in DEFAULT_MODEL_DIR.iterdir())
    assert size < 30 * 2**20
    s = TTTSolver(
        {"device": "cpu"},
        {
            **PLAN,
            "steps": 2,
            "data": {"max_examples": 2},
            "infer": {"views": 1, "max_answer_tokens": 40},
        },  # fmt: skip
    )
    out = s.solve(flip_task, Budget(60))
    assert len(out.candidates) == 1 and out.detail["infer"][0]["views_run"] == 1
