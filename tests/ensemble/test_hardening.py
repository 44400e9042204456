"""Issue 17: every bad input and bad state gets one clear line (file, task id or config key, and
what is wrong): exit 2 where the run cannot start, a per-task record where it can go on."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ensemble.checks import UsageError, check_config, check_writable
from ensemble.cli import CONF_DIR, precheck, score_main
from ensemble.data import load_tasks
from ensemble.run.loop import run
from ensemble.run.records import read_results
from ensemble.submission import validate
from tests.conftest import make_task

ROOT = Path(__file__).resolve().parents[2]
T = "tests.ensemble.solvers."
SOLVE = "from ensemble.cli import solve_main; solve_main()"


def cfg(data_dir, solver="EchoSolver", **solver_kw):
    return {
        "data": {"name": "path", "path": str(data_dir)},
        "solver": {"_target_": T + solver, **solver_kw},
        "budget": {"task_s": 5.0, "grace_s": 0.5, "memory_mb": None},
        "parallel": {"backend": "loky", "n_jobs": 1, "threads_per_worker": 1},
        "resume": True,
    }


def one_line(text: str) -> str:
    """The one line a failure printed (and no traceback)."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in text, text
    return lines[0]


# ----------------------------------------------------------------------------------- config


@pytest.mark.parametrize(
    "key, value, words",
    [
        ("budget.task_s", -5, "budget.task_s=-5: want seconds per task, a number > 0"),
        ("budget.task_s", 0, "budget.task_s=0"),
        ("budget.task_s", "abc", "budget.task_s='abc'"),
        ("budget.grace_s", -1, "budget.grace_s=-1"),
        ("budget.memory_mb", 0, "budget.memory_mb=0"),
        ("parallel.n_jobs", 0, "parallel.n_jobs=0: want tasks at once"),
        ("parallel.n_jobs", "two", "parallel.n_jobs='two'"),
        ("parallel.isolation", "thread", "parallel.isolation='thread': want one of fork, none"),
        ("parallel.backend", "mpi", "parallel.backend='mpi'"),
        ("data.shard", "abc", "data.shard='abc': want 'i/n'"),
        ("data.shard", "5/4", "data.shard='5/4'"),
        ("data.limit", -3, "data.limit=-3: want a positive integer"),
        ("data.limit", 0, "data.limit=0"),
        ("data.sample", 1.5, "data.sample=1.5"),
        ("data.ids", [], "data.ids=[]"),
        ("data.path", "???", "data.path='???': data=path needs"),
        ("data.path", "/no/such/dir", "data.path='/no/such/dir': no such file or directory"),
        ("data.solutions", "/no/such.json", "data.solutions='/no/such.json'"),
        ("data.name", "arc9", "data.name='arc9': want one of arc1_train"),
        ("resume", "no", "resume='no': want true or false"),
        ("data.max_tokens", 2048, "data.max_tokens=2048: moved: the TTT solver declines"),
        ("data.skip_declined", "yes", "data.skip_declined='yes': want true or false"),
    ],
)
def test_unusable_config_values_are_named(good_dir, key, value, words):
    c = cfg(good_dir)
    group, _, name = key.rpartition(".")
    (c[group] if group else c)[name] = value
    with pytest.raises(UsageError, match="^config ") as e:
        check_config(c)
    assert words in str(e.value) and "\n" not in str(e.value)


def test_good_config_passes(good_dir):
    check_config(cfg(good_dir))
    check_config({**cfg(good_dir), "data": {"name": "arc1_eval", "shard": "0/4", "ids": None}})


@pytest.mark.parametrize(
    "overrides, words",
    [
        (["budget.task_s=-5"], "config budget.task_s=-5: want seconds per task"),
        (["parallel.n_jobs=0"], "config parallel.n_jobs=0"),
        (["data.shard=abc"], "config data.shard='abc'"),
        (["budget.task_s=abc"], "config budget.task_s='abc'"),
        (["data=path"], "config data.path='???': data=path needs"),
        (["data.limit=-3"], "config data.limit=-3"),
        (["data=nosuch"], "Could not find 'data/nosuch'; Available options in 'data': arc1_eval"),
        (["budget.task_s=[1"], "override 'budget.task_s=[1'"),
        (["nokey=1"], "Could not override 'nokey'"),
    ],
)
def test_precheck_exits_2_with_one_line(tmp_path, capsys, overrides, words):
    with pytest.raises(SystemExit) as e:
        precheck([*overrides, f"hydra.run.dir={tmp_path / 'run'}"])
    assert e.value.code == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith("arc-solve: ") and words in line
    assert not (tmp_path / "run").exists()  # nothing was started


def test_arc_solve_exits_2_for_bad_values_and_unknown_ids(tmp_path):
    for args, words in [
        (["budget.task_s=-5"], "arc-solve: config budget.task_s=-5"),
        (["data.ids=[nope1,nope2]"], "arc-solve: data.ids: no task nope1, nope2 in arc1_eval"),
        (["data.shard=5/4"], "arc-solve: config data.shard='5/4'"),
        (["data=path", f"data.path={tmp_path / 'missing'}"], "no such file or directory"),
    ]:
        p = subprocess.run(
            [sys.executable, "-c", SOLVE, "solver=symmetry", *args,
             f"hydra.run.dir={tmp_path / 'run'}"],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert p.returncode == 2, p.stderr
        assert words in one_line(p.stderr)


def test_unwritable_run_dir_is_one_line(tmp_path, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    with pytest.raises(UsageError, match="is not a directory"):
        check_writable(blocker / "run")
    with pytest.raises(SystemExit) as e:
        precheck(["solver=symmetry", f"hydra.run.dir={blocker / 'run'}"])
    assert e.value.code == 2 and "a_file is not a directory" in one_line(capsys.readouterr().err)


def test_a_folder_where_a_run_file_goes_is_one_line(tmp_path, capsys):
    (tmp_path / "run" / "results.jsonl").mkdir(parents=True)
    with pytest.raises(UsageError, match="results.jsonl is not a file"):
        check_writable(tmp_path / "run")
    with pytest.raises(SystemExit) as e:
        precheck(["solver=symmetry", f"hydra.run.dir={tmp_path / 'run'}"])
    assert e.value.code == 2 and "results.jsonl is not a file" in one_line(capsys.readouterr().err)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through any permission")
def test_read_only_run_dir_is_one_line(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        p = subprocess.run(
            [sys.executable, "-c", SOLVE, "solver=symmetry", f"hydra.run.dir={ro / 'run'}"],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    finally:
        ro.chmod(0o755)
    assert p.returncode == 2 and "cannot write in" in one_line(p.stderr)


def test_ids_hydra_reads_as_numbers_still_name_their_tasks(tmp_path):
    from hydra import compose, initialize_config_dir

    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        c = compose("config", overrides=["data=arc1_eval", "data.ids=[642248e4,00576224]"])
    assert c.data.ids[0] == 6422480000.0  # what Hydra makes of it
    got = load_tasks({"name": "arc1_eval", "ids": list(c.data.ids)})
    assert [t.id for t in got.tasks] == ["642248e4", "00576224"]
    assert [t.id for t in load_tasks({"name": "arc1_eval", "ids": "642248e4"}).tasks] == [
        "642248e4"
    ]
    with pytest.raises(UsageError, match="must be quoted"):
        load_tasks({"name": "arc1_eval", "ids": [1234e5]})
    with pytest.raises(UsageError, match="declined by the solver"):
        one = {"name": "arc1_eval", "ids": ["642248e4"], "skip_declined": True}
        load_tasks(one, lambda task: "declines all")
    ids = load_tasks({"name": "arc1_eval", "ids": ["00576224", "00576224"]}).tasks
    assert len(ids) == 1  # a repeated id runs once


# ------------------------------------------------------------------------------- task input


def test_unreadable_task_files_are_invalid_tasks_not_a_dead_run(good_dir, tmp_path, caplog):
    (good_dir / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (good_dir / "dangling.json").symlink_to(tmp_path / "nowhere.json")
    (good_dir / "folder.json").mkdir()
    (good_dir / "latin1.json").write_bytes(b'{"train": "\xe9"}')
    summary = run(cfg(good_dir), tmp_path / "run", progress=False)
    out = caplog.text
    assert "[invalid] task deep: deep.json: bad JSON: nested too deeply" in out
    assert "[invalid] task dangling: dangling.json: not found (a dangling symlink?)" in out
    assert "[invalid] task folder: folder.json: a directory, not a file" in out
    assert "[invalid] task latin1: latin1.json: not UTF-8 text" in out
    assert summary["status_counts"]["invalid"] == 4 and summary["status_counts"]["ok"] == 6
    sub = json.loads((tmp_path / "run" / "submission.json").read_text())
    assert len(sub) == 10 and sub["deep"] == [{"attempt_1": [[0]], "attempt_2": [[0]]}]


@pytest.mark.parametrize(
    "content, words",
    [
        ("{not json", "bad JSON: Expecting property name"),
        ("[1, 2]", "not an ARC task"),
        ("{}", "found an empty object"),
        ("[" * 100_000, "nested too deeply"),
    ],
)
def test_single_data_file_that_cannot_be_read_names_the_file(tmp_path, content, words):
    f = tmp_path / "tasks.json"
    f.write_text(content)
    with pytest.raises(UsageError, match=f"^data.path {f}: ") as e:
        load_tasks({"name": "path", "path": str(f)})
    assert words in str(e.value)


def test_empty_task_directory(tmp_path):
    with pytest.raises(UsageError, match="no \\*.json task files"):
        load_tasks({"name": "path", "path": str(tmp_path)})


def test_duplicate_task_id_in_a_challenges_file_is_reported(tmp_path):
    a, b = json.dumps(make_task()), json.dumps(make_task(n_test=2))
    f = tmp_path / "x_challenges.json"
    f.write_text(f'{{"t1": {a}, "t2": {a}, "t1": {b}}}')
    res = load_tasks({"name": "path", "path": str(f)})
    assert [len(t.test_inputs) for t in res.tasks] == [2, 1]  # the last t1 is kept
    assert res.warnings == [f"{f}: task t1 appears more than once; the last is kept"]


# -------------------------------------------------------------------------------- solutions


def _challenges(tmp_path, sols):
    chal = {"a": make_task(with_output=False), "b": make_task(n_test=2, with_output=False)}
    (tmp_path / "x_challenges.json").write_text(json.dumps(chal))
    f = tmp_path / "answers.json"
    f.write_text(sols if isinstance(sols, str) else json.dumps(sols))
    return {"name": "path", "path": str(tmp_path / "x_challenges.json"), "solutions": str(f)}


@pytest.mark.parametrize(
    "sols, words", [("{oops", "bad JSON"), ([1, 2], "found list"), ("", "bad JSON")]
)
def test_unreadable_solutions_file_names_it(tmp_path, sols, words):
    data = _challenges(tmp_path, sols)
    with pytest.raises(UsageError, match=f"^data.solutions {data['solutions']}: .*{words}"):
        load_tasks(data)


def test_unreadable_solutions_found_beside_challenges_is_ignored(tmp_path):
    data = _challenges(tmp_path, {})
    (tmp_path / "x_solutions.json").write_text("{oops")
    del data["solutions"]
    res = load_tasks(data)
    assert len(res.tasks) == 2 and all(t.test_outputs is None for t in res.tasks)
    assert "x_solutions.json: bad JSON" in res.warnings[0] and "unscored" in res.warnings[0]


@pytest.mark.parametrize(
    "entry, words",
    [
        (7, "want a list of output grids, found 7"),
        ([[[1]], [[2]]], "2 outputs for 1 test inputs"),
        ([[[13]]], "output 0: colour 13 outside 0..9"),
    ],
)
def test_bad_answer_leaves_the_task_solved_but_unscored(good_dir, tmp_path, entry, words):
    data = _challenges(tmp_path, {"a": entry, "b": [[[1]], [[2]]]})
    res = load_tasks(data)
    assert [t.id for t in res.tasks] == ["a", "b"] and not res.problems
    assert res.tasks[0].test_outputs is None and res.tasks[1].test_outputs is not None
    assert any(f"task a: {words}" in w for w in res.warnings)
    c = cfg(good_dir)
    c["data"] = data
    summary = run(c, tmp_path / "run", progress=False)
    recs = read_results(tmp_path / "run" / "results.jsonl")
    assert recs["a"]["status"] == "ok" and recs["a"]["score"] is None  # solved, unscored
    assert summary["n_tasks_scored"] == 1 and any("task a" in w for w in summary["warnings"])


def test_bad_output_inside_a_task_file_is_an_answer_problem(tmp_path):
    t = make_task()
    t["test"][0]["output"] = [[13]]
    (tmp_path / "t.json").write_text(json.dumps(t))
    res = load_tasks({"name": "path", "path": str(tmp_path)})
    assert [x.id for x in res.tasks] == ["t"] and res.tasks[0].test_outputs is None
    assert res.warnings == [
        "task t: test[0].output: colour 13 outside 0..9; its answers ignored, it runs unscored"
    ]


# ------------------------------------------------------------------------------ run state


@pytest.mark.parametrize(
    "line, words",
    [
        (b"\xff\xfe not utf-8\n", "not UTF-8 text"),
        (b"42\n", "not a result record (a JSON number)"),
        (b'{"task_id": "t1"}\n', "not a result record (no status, n_test"),
        (b'{"task_id": "t1", "sta', "not JSON"),
    ],
)
def test_bad_results_lines_are_reported_and_their_tasks_rerun(good_dir, tmp_path, caplog, line,
                                                              words):  # fmt: skip
    marks = tmp_path / "marks"
    c = cfg(good_dir, mark_dir=str(marks))
    run(c, tmp_path / "run", progress=False)
    results = tmp_path / "run" / "results.jsonl"
    kept = [ln for ln in results.read_bytes().splitlines(keepends=True) if b'"t1"' not in ln]
    results.write_bytes(b"".join(kept[:2]) + line + b"".join(kept[2:]) if line.endswith(b"\n")
                        else b"".join(kept) + line)  # fmt: skip
    caplog.clear()
    summary = run(c, tmp_path / "run", progress=False)
    assert f"results.jsonl line 3: {words}" in caplog.text or not line.endswith(b"\n")
    assert sorted(m.name.split(".")[0] for m in marks.iterdir()).count("t1") == 2
    assert summary["n_tasks_run"] == 6 and summary["score"] == 1.0


def test_record_for_another_number_of_test_inputs_is_rerun(good_dir, tmp_path, caplog):
    run(cfg(good_dir), tmp_path, progress=False)
    (good_dir / "t0.json").write_text(json.dumps(make_task(n_test=3)))
    summary = run(cfg(good_dir), tmp_path, progress=False)
    assert "task t0: recorded for 1 test input(s), has 3 now" in caplog.text
    assert summary["n_outputs"] == 9


def test_garbage_fingerprint_is_reported_not_fatal(good_dir, tmp_path, caplog):
    run(cfg(good_dir), tmp_path, progress=False)
    (tmp_path / "fingerprint.json").write_bytes(b"\x00garbage")
    assert run(cfg(good_dir), tmp_path, progress=False)["n_tasks_run"] == 6
    assert "fingerprint.json is unreadable" in caplog.text


HOLD = (
    "import sys, time; from ensemble import runlock; runlock.acquire(sys.argv[1]); "
    "print('held', flush=True); time.sleep(600)"
)


def test_a_run_dir_in_use_is_refused_and_a_dead_holder_holds_nothing(good_dir, tmp_path):
    run_dir = tmp_path / "run"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(run_dir)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(UsageError, match=f"in use by another arc-solve \\(pid {holder.pid}\\)"):
            run(cfg(good_dir), run_dir, progress=False)
        assert not (run_dir / "results.jsonl").exists()
    finally:
        holder.kill()  # SIGKILL: no chance to clean up
        holder.wait()
    assert run(cfg(good_dir), run_dir, progress=False)["n_tasks_run"] == 6


def test_second_arc_solve_into_the_same_run_dir_exits_2(good_dir, tmp_path):
    run_dir = tmp_path / "run"
    args = [
        "data=path", f"data.path={good_dir}", "report=false", "progress=false",
        "parallel.n_jobs=1", "solver=identity",
        "solver._target_=tests.ensemble.solvers.SlowEchoSolver", "+solver.delay=0.5",
        f"hydra.run.dir={run_dir}",
    ]  # fmt: skip
    first = subprocess.Popen([sys.executable, "-c", SOLVE, *args], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (run_dir / "results.jsonl").exists():
        time.sleep(0.05)
    second = subprocess.run([sys.executable, "-c", SOLVE, *args], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)  # fmt: skip
    assert first.wait(timeout=120) == 0
    assert second.returncode == 2
    assert f"is in use by another arc-solve (pid {first.pid})" in one_line(second.stderr)
    lines = (run_dir / "results.jsonl").read_text().splitlines()
    assert len(lines) == 6  # every task once


def _as_from_a_terminal():
    """In the child before exec: SIGINT and SIGTERM at their defaults and unblocked, as for a
    command started from a shell. A child inherits ignored and blocked signals, and in the full
    suite SIGINT reached the child no more (the SIGINT case hung; alone it passed)."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    for s in (signal.SIGINT, signal.SIGTERM):
        signal.signal(s, signal.SIG_DFL)


@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stop_writes_the_submission_of_what_is_done(good_dir, tmp_path, sig, code):
    run_dir = tmp_path / "run"
    args = [
        "data=path", f"data.path={good_dir}", "report=false", "progress=false",
        "parallel.n_jobs=1", "budget.task_s=300", "solver=identity",
        "solver._target_=tests.ensemble.solvers.SleepSolver", "+solver.bad_ids=[t3]",
        f"hydra.run.dir={run_dir}",
    ]  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-c", SOLVE, *args], cwd=ROOT, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=_as_from_a_terminal)  # fmt: skip
    results = run_dir / "results.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (
        not results.exists() or len(results.read_text().splitlines()) < 3
    ):
        time.sleep(0.05)
    time.sleep(0.3)  # t3 is asleep now
    os.kill(proc.pid, sig)
    assert proc.wait(timeout=60) == code
    err = proc.stderr.read()
    assert "submission.json" in err and "to resume" in err and "Traceback" not in err
    sub = json.loads((run_dir / "submission.json").read_text())
    validate(sub, {f"t{i}": 2 if i == 5 else 1 for i in range(6)})  # complete
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["n_tasks_run"] == 3 and summary["unfinished"] == 3
    assert sub["t0"][0]["attempt_1"] == make_task()["test"][0]["input"][::-1]  # a real answer


# -------------------------------------------------------------------------------- arc-score


@pytest.fixture
def scored(tmp_path):
    """A Kaggle challenges+solutions pair (a: 1 test, b: 2 tests) and a right submission."""
    sols = {"a": [[[1]]], "b": [[[2]], [[3]]]}
    (tmp_path / "sol.json").write_text(json.dumps(sols))
    sub = {k: [{"attempt_1": g, "attempt_2": g} for g in v] for k, v in sols.items()}
    return tmp_path, sub


@pytest.mark.parametrize(
    "content, words",
    [
        (None, "no such file"),
        ("", "empty file"),
        ("{oops", "bad JSON"),
        ("[]", "submission must be an object"),
        ('{"a": [{"attempt_1": [[1]], "attempt_2": [[1]]}], "a": []}', "task a appears more"),
    ],
)
def test_arc_score_unreadable_submission(scored, capsys, content, words):
    d, _ = scored
    f = d / "submission.json"
    if content is not None:
        f.write_text(content)
    assert score_main([str(f), "--solutions", str(d / "sol.json")]) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith("arc-score: ") and words in line and "submission.json" in line


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda s: s["a"].append(s["a"][0]), "task a: 2 entries for 1 test outputs"),
        (lambda s: s.update(zzz=s["a"]), "task zzz: not in the solutions"),
    ],
)
def test_arc_score_rejects_extra_entries_and_unknown_tasks(scored, capsys, edit, words):
    d, sub = scored
    edit(sub)
    (d / "submission.json").write_text(json.dumps(sub))
    assert score_main([str(d / "submission.json"), "--solutions", str(d / "sol.json")]) == 2
    assert words in one_line(capsys.readouterr().err)


@pytest.mark.parametrize(
    "solutions, words",
    [
        ("arc9_eval", "not a bundled set (arc1_train, arc1_eval"),
        ("{oops", "bad JSON"),
        ("[1]", "found list"),
    ],
)
def test_arc_score_bad_solutions(scored, capsys, solutions, words):
    d, sub = scored
    (d / "submission.json").write_text(json.dumps(sub))
    if solutions.startswith(("{", "[")):
        (d / "bad.json").write_text(solutions)
        solutions = str(d / "bad.json")
    assert score_main([str(d / "submission.json"), "--solutions", solutions]) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"arc-score: --solutions {solutions}: ") and words in line


def test_arc_score_skips_a_malformed_answer_with_a_line(scored, capsys):
    d, sub = scored
    (d / "sol.json").write_text(json.dumps({"a": 5, "b": [[[2]], [[3]]]}))
    del sub["a"]
    (d / "submission.json").write_text(json.dumps(sub))
    assert score_main([str(d / "submission.json"), "--solutions", str(d / "sol.json")]) == 0
    out = capsys.readouterr()
    assert "task a: want a list of output grids, found 5; not scored" in out.err
    assert json.loads(out.out.split("\n}")[0] + "}")["score"] == 1.0


# ------------------------------------------------------------------------------ determinism


def test_the_same_command_twice_gives_the_same_submission(tmp_path):
    """A deterministic solver (symmetry) through the whole CLI: equal submissions and records
    (the DSL's search budget is made to count work in the DSL's own issue)."""
    outs = []
    for name in ("a", "b"):
        p = subprocess.run(
            [sys.executable, "-c", SOLVE, "solver=symmetry", "data=arc1_train", "data.sample=12",
             "data.seed=5", "report=false", "progress=false", "parallel.n_jobs=2",
             f"hydra.run.dir={tmp_path / name}"],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert p.returncode == 0, p.stderr
        outs.append(tmp_path / name)
    a, b = ((d / "submission.json").read_bytes() for d in outs)
    assert a == b and len(json.loads(a)) == 12
    ra, rb = (read_results(d / "results.jsonl") for d in outs)
    assert {k: r["candidates"] for k, r in ra.items()} == {
        k: r["candidates"] for k, r in rb.items()
    }


def _composed(override: str) -> dict:
    from hydra import compose, initialize_config_dir
    from hydra.core.hydra_config import HydraConfig
    from omegaconf import OmegaConf

    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        c = compose("config", overrides=[override], return_hydra_config=True)
        HydraConfig.instance().set_config(c)
        return {k: OmegaConf.to_container(c[k], resolve=True) if OmegaConf.is_config(c[k])
                else c[k] for k in c if k != "hydra"}  # fmt: skip


@pytest.mark.parametrize(
    "override",
    [f"{g}={p.stem}" for g in ("data", "experiment", "parallel", "solver", "budget", "debug")
     for p in sorted((Path(CONF_DIR) / g).glob("*.yaml"))],
)  # fmt: skip
def test_every_shipped_option_passes_the_checks(override, tmp_path):
    c = _composed(override)
    if c["data"].get("path") == "???":  # data=path: the one value a user must give
        c["data"]["path"] = str(tmp_path)
    check_config(c)


def test_a_required_value_left_unset_is_named(tmp_path):
    c = _composed("solver=ttt")
    c["solver"]["model"] = {"path": "???"}
    with pytest.raises(UsageError, match=r"solver.model.path='\?\?\?': a required value is not"):
        check_config(c)


def test_arc_report_reads_past_bad_results_lines(good_dir, tmp_path, capsys):
    from ensemble.cli import report_main

    run(cfg(good_dir), tmp_path, progress=False)
    with open(tmp_path / "results.jsonl", "ab") as f:
        f.write(b"\xff\xfe garbage\n42\n")
    assert report_main([str(tmp_path), "--no-tasks"]) == 0
    assert "report.html" in capsys.readouterr().out
    assert "2 unreadable line(s)" in (tmp_path / "report.html").read_text()
