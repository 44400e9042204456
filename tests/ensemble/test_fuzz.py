"""Fuzz (hypothesis) over task files and results.jsonl lines: whatever the bytes, the run
finishes, each bad item is reported, good tasks are answered, and the submission is complete."""

import io
import json
import logging
import tempfile
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl.types import Task, TaskError
from ensemble.run import provenance, records
from ensemble.run.loop import run
from ensemble.submission import validate
from tests.conftest import make_task

KEYS = ["train", "test", "input", "output", "x"]
cells = st.integers(-1, 11) | st.sampled_from([1.5, True, "3", None])
grids = st.lists(st.lists(cells, max_size=4), max_size=4)
scalars = st.none() | st.booleans() | st.integers(-3, 12) | st.floats() | st.text(max_size=4)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=3)
    ),
    max_leaves=12,
)
task_like = st.fixed_dictionaries(
    {
        "train": st.lists(st.fixed_dictionaries({"input": grids, "output": grids}), max_size=2),
        "test": st.lists(
            st.fixed_dictionaries({"input": grids}, optional={"output": grids}), max_size=2
        ),
    }
)
file_bytes = st.one_of(
    st.binary(max_size=40),
    json_values.map(lambda v: json.dumps(v).encode()),
    task_like.map(lambda v: json.dumps(v).encode()),
)
GOOD_RECORD = json.dumps(
    records.make_record(Task.from_json("g0", make_task()), {"status": "ok"}, 0.1, "x")
)
# lines that can never be a usable record: not UTF-8 / not JSON, JSON that is not an object,
# objects without the record's fields
bad_lines = st.one_of(
    st.binary(max_size=30).map(lambda b: b"\xff" + b.replace(b"\n", b" ")),
    json_values.filter(lambda v: not isinstance(v, dict)).map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.sampled_from(["task_id", "status", "n_test"]), json_values, max_size=3).map(
        lambda v: json.dumps(v).encode()
    ),
)
# a good record with one field replaced: may or may not be usable, must never break the run
mutated = st.tuples(st.sampled_from(records.REQUIRED + ("solver_detail", "attempt_sources")),
                    json_values).map(
    lambda kv: json.dumps({**json.loads(GOOD_RECORD), kv[0]: kv[1]}).encode()
)  # fmt: skip


def _valid(content: bytes) -> bool:
    """Whether a task file is a valid task (answers aside: a bad output only unscores it)."""
    try:
        data = json.loads(content.decode("utf-8"))
        if isinstance(data, dict) and isinstance(data.get("test"), list):
            strip = [{k: v for k, v in t.items() if k != "output"} if isinstance(t, dict) else t
                     for t in data["test"]]  # fmt: skip
            data = {**data, "test": strip}
        Task.from_json("x", data)
        return True
    except (ValueError, RecursionError, TaskError):
        return False


@contextmanager
def _logged():
    """The run's status lines (logger `ensemble`), as text (caplog does not suit hypothesis)."""
    text, log = io.StringIO(), logging.getLogger("ensemble")
    handler, level = logging.StreamHandler(text), log.level
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        yield text
    finally:
        log.removeHandler(handler)
        log.setLevel(level)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    files=st.lists(file_bytes, min_size=1, max_size=4),
    bad=st.lists(bad_lines, max_size=3),
    other=st.lists(mutated, max_size=2),
)
def test_any_task_files_and_results_lines(files, bad, other):
    with (
        tempfile.TemporaryDirectory() as tmp,
        mock.patch.object(provenance, "code_digest", lambda: "c"),
    ):
        tasks, run_dir = Path(tmp) / "tasks", Path(tmp) / "run"
        tasks.mkdir()
        run_dir.mkdir()
        for i in range(2):
            (tasks / f"g{i}.json").write_text(json.dumps(make_task(n_test=i + 1)))
        for i, content in enumerate(files):
            (tasks / f"f{i}.json").write_bytes(content)
        (run_dir / "results.jsonl").write_bytes(b"".join(line + b"\n" for line in bad + other))
        cfg = {
            "data": {"name": "path", "path": str(tasks)},
            "solver": {"_target_": "ensemble.baselines.IdentitySolver"},
            "budget": {"task_s": 5.0, "grace_s": 0.5},
            "parallel": {"backend": "loky", "n_jobs": 1, "isolation": "none"},
            "resume": True,
        }
        with _logged() as logged:
            summary = run(cfg, run_dir, progress=False)
        out = logged.getvalue()
        recs = records.read_results(run_dir / "results.jsonl")
        sub = json.loads((run_dir / "submission.json").read_text())
        ids = {"g0", "g1", *(f"f{i}" for i in range(len(files)))}
        assert set(sub) == ids and summary["n_tasks_run"] == len(ids)  # complete
        validate(sub, {tid: recs[tid]["n_test"] for tid in ids})
        assert recs["g0"]["status"] == "ok", recs["g0"]["error"]
        assert recs["g1"]["status"] == "ok"  # good tasks are answered
        assert sub["g1"][1]["attempt_1"] == make_task(n_test=2)["test"][1]["input"]
        for i, content in enumerate(files):
            want = "ok" if _valid(content) else "invalid"
            assert recs[f"f{i}"]["status"] == want, content
            if want == "invalid":
                assert f"[invalid] task f{i}" in out  # reported
        for n in range(1, len(bad) + 1):
            assert f"results.jsonl line {n}: " in out  # each bad line reported
