"""Runner isolation: hangs, crashes, dead workers, memory cap, resume; complete, valid outputs."""

import json
import logging
import time

import psutil
import pytest

from ensemble.run.loop import run
from ensemble.run.records import read_results
from ensemble.submission import validate

T = "tests.ensemble.solvers."


def cfg(data_dir, solver, task_s=5.0, n_jobs=1, memory_mb=None, **solver_kw):
    return {
        "data": {"name": "path", "path": str(data_dir)},
        "solver": {"_target_": T + solver, **solver_kw},
        "budget": {"task_s": task_s, "grace_s": 0.5, "memory_mb": memory_mb},
        "parallel": {"backend": "loky", "n_jobs": n_jobs, "threads_per_worker": 1},
        "resume": True,
    }


def records(run_dir):
    return read_results(run_dir / "results.jsonl")


def test_all_outputs_written_and_scored(good_dir, tmp_path):
    summary = run(cfg(good_dir, "EchoSolver"), tmp_path, progress=False)
    assert summary["score"] == 1.0 and summary["n_outputs"] == 7
    assert summary["cell_accuracy"] == 1.0
    sub = json.loads((tmp_path / "submission.json").read_text())
    validate(sub, {f"t{i}": 2 if i == 5 else 1 for i in range(6)})
    assert json.loads((tmp_path / "summary.json").read_text())["status_counts"]["ok"] == 6
    rec = records(tmp_path)["t5"]
    assert rec["attempt_sources"][1] == ["test", "fallback"] and rec["correct"] == [True, True]


def test_task_time_leaves_out_the_worker_warmup(good_dir, tmp_path):
    run(cfg(good_dir, "SlowStartSolver"), tmp_path, progress=False)
    assert max(r["time_s"] for r in records(tmp_path).values()) < 1.0


@pytest.mark.parametrize("solver", ["SleepSolver", "CompiledHangSolver"])
def test_hang_costs_the_task_its_budget_not_the_run(good_dir, tmp_path, solver):
    t0 = time.monotonic()
    summary = run(cfg(good_dir, solver, task_s=1.5, bad_ids=["t1"]), tmp_path, progress=False)
    assert time.monotonic() - t0 < 20
    recs = records(tmp_path)
    assert recs["t1"]["status"] == "timeout"
    assert 1.5 <= recs["t1"]["time_s"] < 6
    assert summary["status_counts"] == {"ok": 5, "timeout": 1, "error": 0, "oom": 0, "invalid": 0}
    assert len(json.loads((tmp_path / "submission.json").read_text())) == 6


@pytest.mark.parametrize("crash, status", [(False, "timeout"), (True, "error")])
def test_cut_off_task_keeps_the_provisional_answer(good_dir, tmp_path, crash, status):
    """A solver cut off by the task's limit (or raising) after handing over a provisional
    answer: the task keeps its status, and its attempts are that answer (scored, submitted)."""
    c = cfg(good_dir, "ProvisionalSolver", task_s=1.0, bad_ids=["t1"], crash=crash)
    summary = run(c, tmp_path, progress=False)
    rec = records(tmp_path)["t1"]
    assert rec["status"] == status and "provisional" in rec["error"]
    assert rec["correct"] == [True] and rec["attempt_sources"][0][0] == "test"
    assert summary["status_counts"][status] == 1 and summary["score"] == 1.0


@pytest.mark.parametrize("solver, words", [("CrashSolver", "deliberate crash"),
                                           ("SegfaultSolver", "signal 11")])  # fmt: skip
def test_crash_is_recorded_and_run_goes_on(good_dir, tmp_path, solver, words):
    run(cfg(good_dir, solver, bad_ids=["t2", "t4"]), tmp_path, progress=False)
    recs = records(tmp_path)
    assert {k for k, r in recs.items() if r["status"] == "error"} == {"t2", "t4"}
    assert words in recs["t2"]["error"]
    assert recs["t3"]["status"] == "ok" and recs["t3"]["score"] == 1.0


def test_memory_cap(good_dir, tmp_path):
    # A forked child's resident memory starts with the pages it shares with its parent, which
    # late in a full test run is ~800 MB: the cap sits well above that, and below the hog's 1.5 GB
    cap = max(800, int(psutil.Process().memory_info().rss / 2**20) + 1000)
    run(cfg(good_dir, "MemoryHogSolver", task_s=20, memory_mb=cap, bad_ids=["t0"]), tmp_path,
        progress=False)  # fmt: skip
    recs = records(tmp_path)
    assert recs["t0"]["status"] == "oom" and recs["t0"]["time_s"] < 15
    # over the cap when killed (the record rounds to 0.1 MB, so 800.04 reads 800.0)
    assert recs["t0"]["peak_rss_mb"] >= cap > (recs["t1"]["peak_rss_mb"] or 0)
    assert recs["t1"]["status"] == "ok"


def test_unbuildable_solver_stops_the_run_before_any_task(good_dir, tmp_path):
    from ensemble.checks import UsageError

    c = cfg(good_dir, "EchoSolver")
    c["solver"] = {"_target_": "no.such.Solver"}
    with pytest.raises(UsageError, match="solver no.such.Solver cannot be built"):
        run(c, tmp_path, progress=False)
    assert not (tmp_path / "results.jsonl").exists()


def test_malformed_tasks_reported_and_good_ones_answered(mixed_dir, tmp_path, caplog):
    summary = run(cfg(mixed_dir, "EchoSolver"), tmp_path, progress=False)
    out = caplog.text
    assert "task ragged: train[0].input: ragged rows" in out
    assert summary["status_counts"]["invalid"] == 7 and summary["status_counts"]["ok"] == 2
    assert summary["score"] == 1.0  # only tasks with known answers are scored
    sub = json.loads((tmp_path / "submission.json").read_text())
    assert len(sub) == 9 and len(sub["good_b"]) == 2


@pytest.mark.parametrize("skip", [False, True])
def test_skip_declined_leaves_the_tasks_the_solver_declines_out(good_dir, tmp_path, caplog, skip):
    caplog.set_level(logging.INFO, "ensemble")
    c = cfg(good_dir, "DecliningSolver", bad_ids=["t1", "t2"])
    c["data"]["skip_declined"] = skip
    summary = run(c, tmp_path, progress=False)
    assert summary["n_tasks_run"] == (4 if skip else 6) and summary["score"] == 1.0
    assert len(json.loads((tmp_path / "submission.json").read_text())) == summary["n_tasks_run"]
    assert ("[declined] t1: named in bad_ids" in caplog.text) == skip


def test_resume_skips_finished_tasks(good_dir, tmp_path):
    marks = tmp_path / "marks"
    c = cfg(good_dir, "EchoSolver", mark_dir=str(marks))
    c["data"]["limit"] = 3
    run(c, tmp_path / "run", progress=False)
    assert len(list(marks.iterdir())) == 3
    del c["data"]["limit"]
    # simulate a kill mid-write: a torn last line must not break the resume
    with open(tmp_path / "run" / "results.jsonl", "a") as f:
        f.write('{"task_id": "t3", "sta')
    summary = run(c, tmp_path / "run", progress=False)
    calls = sorted(p.name.split(".")[0] for p in marks.iterdir())
    assert calls == ["t0", "t1", "t2", "t3", "t4", "t5"]  # each task solved exactly once
    assert summary["n_tasks_run"] == 6 and summary["score"] == 1.0
    c["resume"] = False
    run(c, tmp_path / "run", progress=False)
    assert len(list(marks.iterdir())) == 12  # resume=false starts over


def test_resume_refuses_a_run_dir_from_another_config(good_dir, tmp_path):
    c = cfg(good_dir, "EchoSolver")
    c["data"]["limit"] = 2
    run(c, tmp_path, progress=False)
    c["budget"]["task_s"] = 9.0
    with pytest.raises(ValueError, match=r"different configuration \(changed: task_s\)"):
        run(c, tmp_path, progress=False)
    c["budget"]["task_s"], c["parallel"]["n_jobs"] = 5.0, 2  # how it runs is not what it computes
    del c["data"]["limit"]
    assert run(c, tmp_path, progress=False)["n_tasks_run"] == 6
    c["solver"]["_target_"] = T + "SlowEchoSolver"
    c["resume"] = False  # starting over is always allowed
    assert run(c, tmp_path, progress=False)["n_tasks_run"] == 6


def test_resume_without_fingerprint_says_so(good_dir, tmp_path, caplog):
    c = cfg(good_dir, "EchoSolver")
    c["data"]["limit"] = 2
    run(c, tmp_path, progress=False)
    (tmp_path / "fingerprint.json").unlink()  # as a run dir from an older version
    del c["data"]["limit"]
    assert run(c, tmp_path, progress=False)["n_tasks_run"] == 6
    assert "no fingerprint.json" in caplog.text


def test_resume_notices_retrained_weights(good_dir, tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.safetensors").write_bytes(b"first weights")
    c = cfg(good_dir, "WeightsSolver", model={"path": str(model)})
    run(c, tmp_path / "run", progress=False)
    (model / "model.safetensors").write_bytes(b"other weights")
    with pytest.raises(ValueError, match=r"changed: weights.solver.model"):
        run(c, tmp_path / "run", progress=False)


def test_records_name_the_code_that_made_them(good_dir, tmp_path, monkeypatch, caplog):
    from ensemble.run import provenance

    c = cfg(good_dir, "SleepSolver", task_s=1.0, bad_ids=["t0"])  # a timeout is stamped too
    c["data"]["limit"] = 2
    run(c, tmp_path, progress=False)
    assert {r["code"] for r in records(tmp_path).values()} == {provenance.code_digest()}
    digest = provenance.code_digest()
    monkeypatch.setattr(provenance, "code_digest", lambda: "edited")
    del c["data"]["limit"]
    summary = run(c, tmp_path, progress=False)
    assert f"came from other code ({digest}; now edited)" in caplog.text
    assert summary["code"] == {digest: 2, "edited": 4}


def test_code_digest_ignores_formatting_and_plumbing_but_not_logic(tmp_path):
    from ensemble.run.provenance import code_digest

    roots = {p: tmp_path / p for p in ("dsl", "ensemble")}
    for r in roots.values():
        r.mkdir()
    (roots["ensemble"] / "report.py").write_text("X = 1\n")

    def digest(src):
        (roots["dsl"] / "f.py").write_text(src)
        return code_digest(roots)

    a = digest("def f(x):\n    return x + 1\n")
    assert digest("# a comment\ndef f( x ):\n    return (x + 1)\n") == a
    (roots["ensemble"] / "report.py").write_text("X = 2\n")  # plumbing decides no answer
    assert digest("def f(x):\n    return x + 1\n") == a
    assert digest("def f(x):\n    return x + 2\n") != a
    assert digest("def f(x:\n") != a  # a file mid-edit still counts


def test_two_workers(good_dir, tmp_path):
    summary = run(cfg(good_dir, "SleepSolver", task_s=1.0, n_jobs=2, bad_ids=["t0", "t3"]),
                  tmp_path, progress=False)  # fmt: skip
    assert summary["status_counts"]["timeout"] == 2 and summary["status_counts"]["ok"] == 4


def test_total_budget_is_shared_over_the_tasks_left():
    from ensemble.run.engines import task_limits

    limits = {"task_s": 100.0, "grace_s": 1.0}
    gen = task_limits(limits, {"total_s": 40.0}, {"n_jobs": 2}, n_todo=8)
    first = next(gen)
    assert first["task_s"] == pytest.approx(40 * 2 / 8 - 1, abs=0.1)
    rest = list(gen)
    assert len(rest) == 7 and rest[-1]["task_s"] <= 79  # the last one may take what is left
    assert all(lim["task_s"] == 100.0 for lim in task_limits(limits, {}, {}, 3))


def test_task_process_dies_with_its_worker(good_dir, tmp_path):
    """A worker killed outright (no chance to clean up) takes its task process with it."""
    import os
    import signal
    import subprocess
    import sys

    import psutil

    marks = tmp_path / "marks"
    code = (
        "from ensemble.data import load_tasks; from ensemble.run.worker import solve_isolated; "
        f"t = load_tasks({{'name': 'path', 'path': {str(good_dir)!r}}}).tasks[0]; "
        "solve_isolated(t, {'_target_': 'tests.ensemble.solvers.SleepSolver', "
        f"'mark_dir': {str(marks)!r}, 'bad_ids': [t.id]}}, 300.0, 1.0, None, 1)"
    )
    worker = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(marks.glob("*")):
        time.sleep(0.05)
    (mark,) = marks.iterdir()
    child = psutil.Process(int(mark.name.split(".")[1]))
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    with pytest.raises(psutil.NoSuchProcess):
        child.wait(timeout=10)  # reaped by init once the kernel's SIGKILL lands
        child.status()


def test_dask_backend_runs_isolated_tasks(good_dir, tmp_path):
    """parallel=dask (a local cluster here): Dask's daemonic workers can still fork task
    processes, so hangs are killed there too."""
    pytest.importorskip("distributed")  # in the dev extras; optional for users
    c = cfg(good_dir, "SleepSolver", task_s=1.0, bad_ids=["t2"])
    c["parallel"] = {"backend": "dask", "address": None, "n_jobs": 2, "threads_per_worker": 1}
    summary = run(c, tmp_path, progress=False)
    assert summary["status_counts"] == {"ok": 5, "timeout": 1, "error": 0, "oom": 0, "invalid": 0}
    assert records(tmp_path)["t2"]["status"] == "timeout"


def test_ray_backend_runs_isolated_tasks(good_dir, tmp_path):
    """parallel=ray (a local instance the run starts and shuts down): task processes fork from
    Ray's workers, so hangs are killed there too."""
    ray = pytest.importorskip("ray")  # optional for users and CI
    c = cfg(good_dir, "SleepSolver", task_s=1.0, bad_ids=["t2"])
    c["parallel"] = {"backend": "ray", "address": None, "n_jobs": 2, "threads_per_worker": 1}
    summary = run(c, tmp_path, progress=False)
    assert summary["status_counts"] == {"ok": 5, "timeout": 1, "error": 0, "oom": 0, "invalid": 0}
    assert records(tmp_path)["t2"]["status"] == "timeout"
    assert not ray.is_initialized()
