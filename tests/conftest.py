"""Shared fixtures: small hand-made tasks and a directory mixing good and malformed task files."""

from __future__ import annotations

import json

import pytest


def make_task(n_test: int = 1, with_output: bool = True) -> dict:
    """A valid task whose rule is 'flip upside down'."""

    def pair(seed: int, out: bool = True) -> dict:
        g = [[(seed + r * 3 + c) % 10 for c in range(3)] for r in range(2)]
        d = {"input": g}
        if out:
            d["output"] = g[::-1]
        return d

    return {
        "train": [pair(1), pair(2)],
        "test": [pair(5 + i, with_output) for i in range(n_test)],
    }


BAD_TASKS = {
    "bad_json": "{not json",
    "ragged": {"train": [{"input": [[1, 2], [3]], "output": [[1]]}], "test": [{"input": [[1]]}]},
    "colour11": {"train": [{"input": [[11]], "output": [[1]]}], "test": [{"input": [[1]]}]},
    "too_big": {"train": [{"input": [[0] * 31] * 31, "output": [[1]]}], "test": [{"input": [[1]]}]},
    "no_test": {"train": [{"input": [[1]], "output": [[1]]}], "test": []},
    "no_train": {"train": [], "test": [{"input": [[1]]}]},
    "float_cell": {"train": [{"input": [[1.5]], "output": [[1]]}], "test": [{"input": [[1]]}]},
}


@pytest.fixture
def mixed_dir(tmp_path):
    """tasks/: good_a, good_b (two test inputs) and one file per kind of malformed task."""
    d = tmp_path / "tasks"
    d.mkdir()
    (d / "good_a.json").write_text(json.dumps(make_task()))
    (d / "good_b.json").write_text(json.dumps(make_task(n_test=2)))
    for name, content in BAD_TASKS.items():
        text = content if isinstance(content, str) else json.dumps(content)
        (d / f"{name}.json").write_text(text)
    return d


@pytest.fixture
def good_dir(tmp_path):
    """tasks/: six valid tasks t0..t5, t5 with two test inputs."""
    d = tmp_path / "good"
    d.mkdir()
    for i in range(6):
        (d / f"t{i}.json").write_text(json.dumps(make_task(n_test=2 if i == 5 else 1)))
    return d
