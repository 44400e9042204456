"""A non-editable install (a built wheel, installed into a fresh directory) runs the default
command from anywhere: the config tree and the shipped model travel inside the packages."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP = shutil.ignore_patterns(
    ".venv", ".git", "runs", "__pycache__", "*.egg-info", "build", "local", ".*_cache"
)


@pytest.mark.slow  # ~80 s: the installed copy compiles the DSL kernels afresh; .ci/run runs it
def test_wheel_install_runs_the_default_command(tmp_path):
    src, wheels, site, cwd = (tmp_path / d for d in ("src", "wheels", "site", "cwd"))
    shutil.copytree(ROOT, src, symlinks=True, ignore=SKIP)
    pip = [sys.executable, "-m", "pip", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", wheels, src], check=True
    )
    (wheel,) = wheels.glob("*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", site, wheel], check=True)
    cwd.mkdir()
    run_dir = tmp_path / "run"
    code = (
        "import sys, ensemble; assert ensemble.__file__.startswith(sys.argv[1]), ensemble.__file__;"
        "sys.argv = ['arc-solve', 'debug=smoke', 'data.limit=1', 'report=false',"
        f" 'hydra.run.dir={run_dir}'];"
        "from ensemble.cli import solve_main; solve_main()"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", code, str(site)], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["solver"] == "ensemble" and summary["n_tasks_run"] == 1
    assert (run_dir / "submission.json").is_file()
