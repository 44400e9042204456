"""The Hydra app composes every option, and arc-solve / arc-score run end to end."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from ensemble.cli import CONF_DIR, score_main

# hydra/: Hydra's own groups (job_logging), chosen in the primary configs' defaults
GROUPS = sorted(
    p.name for p in Path(CONF_DIR).iterdir() if p.is_dir() and p.name not in ("local", "hydra")
)
PRIMARY = sorted(p.stem for p in Path(CONF_DIR).glob("*.yaml"))


def options(group):
    return sorted(p.stem for p in (Path(CONF_DIR) / group).glob("*.yaml"))


@pytest.mark.parametrize(
    "override", [f"{g}={o}" for g in GROUPS for o in options(g)] or ["resume=true"]
)
def test_every_config_option_composes(override):
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        cfg = compose("config", overrides=[override], return_hydra_config=True)
        # resolve everything but hydra's own runtime values
        OmegaConf.to_container(cfg, resolve=False)
        for key in ("data", "solver", "budget", "parallel"):
            OmegaConf.to_container(cfg[key], resolve=True)
        assert cfg.solver._target_


@pytest.mark.parametrize("name", PRIMARY)
def test_primary_configs_compose(name):
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        assert compose(name) is not None


def arc_solve(*args, cwd):
    return subprocess.run(
        [sys.executable, "-c", "from ensemble.cli import solve_main; solve_main()", *args],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_arc_solve_end_to_end_and_arc_score(tmp_path, capsys):
    run_dir = tmp_path / "run"
    p = arc_solve(
        "solver=symmetry", "data=arc1_train", "data.ids=[3c9b0459,6150a2bd,0d3d703e]",
        "budget.task_s=10", "report=false", f"hydra.run.dir={run_dir}", cwd=tmp_path,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    assert "score 0.6667" in p.stdout  # two rotations solved, a colour map not
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["solver"] == "symmetry" and summary["n_tasks_run"] == 3
    assert (run_dir / ".hydra" / "config.yaml").exists() and (run_dir / "config.json").exists()
    assert (
        score_main([str(run_dir / "submission.json"), "--solutions", "arc1_train", "--subset"]) == 0
    )
    out = json.loads(capsys.readouterr().out.split("\n}")[0] + "}")
    assert out["score"] == pytest.approx(2 / 3)
    assert score_main([str(run_dir / "submission.json"), "--solutions", "arc1_train"]) == 0
    assert "397 tasks missing" in capsys.readouterr().out


def test_sigkill_half_way_then_resume_matches_uninterrupted_run(good_dir, tmp_path):
    import os
    import signal
    import time

    for i in range(6, 16):  # 16 tasks in all
        (good_dir / f"t{i}.json").write_text((good_dir / "t0.json").read_text())
    marks = tmp_path / "marks"
    args = [
        "data=path", f"data.path={good_dir}", "report=false", "parallel.n_jobs=1",
        "solver=identity", "solver._target_=tests.ensemble.solvers.SlowEchoSolver",
        f"+solver.mark_dir={marks}",
    ]  # fmt: skip
    root = Path(__file__).resolve().parents[2]
    code = "from ensemble.cli import solve_main; solve_main()"
    run_dir = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args, f"hydra.run.dir={run_dir}"],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    results = run_dir / "results.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if results.exists() and len(results.read_text().splitlines()) >= 6:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole run: main process, workers, task children
    proc.wait()
    n_before = len(results.read_text().splitlines())
    assert 6 <= n_before < 16 and not (run_dir / "submission.json").exists()

    p = subprocess.run([sys.executable, "-c", code, *args, f"hydra.run.dir={run_dir}"],
                       cwd=root, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert p.returncode == 0, p.stderr
    solved = [m.name.split(".")[0] for m in marks.iterdir()]
    # finished tasks were not redone (at most the one in flight at the kill is solved twice)
    assert len(solved) <= 16 + 1 and len(set(solved)) == 16

    p = subprocess.run([sys.executable, "-c", code, *args, f"hydra.run.dir={tmp_path / 'whole'}"],
                       cwd=root, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert p.returncode == 0, p.stderr
    a = json.loads((run_dir / "submission.json").read_text())
    b = json.loads((tmp_path / "whole" / "submission.json").read_text())
    assert a == b and len(a) == 16


def test_sigterm_stops_the_run_and_its_task_processes(good_dir, tmp_path):
    import os
    import signal
    import time

    import psutil

    marks = tmp_path / "marks"
    args = [
        "data=path", f"data.path={good_dir}", "report=false", "parallel.n_jobs=2",
        "budget.task_s=300", "solver=identity",
        "solver._target_=tests.ensemble.solvers.SleepSolver",
        f"+solver.mark_dir={marks}", "+solver.bad_ids=[t0,t1,t2,t3,t4,t5]",
        f"hydra.run.dir={tmp_path / 'run'}",
    ]  # fmt: skip
    root = Path(__file__).resolve().parents[2]
    code = "from ensemble.cli import solve_main; solve_main()"
    proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=root, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(marks.glob("*"))) < 2:
        time.sleep(0.05)
    sleepers = [int(m.name.split(".")[1]) for m in marks.iterdir()]  # the task processes
    assert len(sleepers) == 2
    os.kill(proc.pid, signal.SIGTERM)  # the main process only, as a scheduler would
    assert proc.wait(timeout=30) == 143  # 128 + SIGTERM
    assert "to resume" in proc.stderr.read()

    def gone(pid):
        try:
            return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not all(gone(p) for p in sleepers):
        time.sleep(0.1)
    assert all(gone(p) for p in sleepers)
