"""Deliberately misbehaving solvers for the runner's isolation tests (built by `_target_`)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import numpy as np

from dsl.types import Budget, Candidate, Solver, SolveResult, Task


class _Marked(Solver):
    """Records each task it is asked to solve (one file per call) so tests can count calls."""

    name = "test"

    def __init__(self, mark_dir: str | None = None, bad_ids: list[str] | None = None):
        self.mark_dir = Path(mark_dir) if mark_dir else None
        self.bad_ids = set(bad_ids or [])

    def mark(self, task: Task) -> None:
        if self.mark_dir:
            self.mark_dir.mkdir(parents=True, exist_ok=True)
            (self.mark_dir / f"{task.id}.{os.getpid()}.{time.monotonic_ns()}").touch()

    def answer(self, task: Task) -> SolveResult:
        return SolveResult([[Candidate(g[::-1].copy(), 1.0, self.name)] for g in task.test_inputs])


class EchoSolver(_Marked):
    """Answers every test input flipped upside down."""

    def solve(self, task: Task, budget: Budget, extra=None) -> SolveResult:
        self.mark(task)
        return self.answer(task)


class DecliningSolver(EchoSolver):
    """EchoSolver that declines the tasks named in `bad_ids`."""

    def declines(self, task: Task) -> str | None:
        return "named in bad_ids" if task.id in self.bad_ids else None


class SlowStartSolver(EchoSolver):
    """EchoSolver with a slow warm-up, as a model load or a JIT compile is."""

    def warmup(self) -> None:
        time.sleep(1.5)


class WeightsSolver(EchoSolver):
    """EchoSolver identified by a model directory's weights (as TTT is)."""

    def __init__(self, model: dict, **kw):
        super().__init__(**kw)
        self.model_path = model["path"]

    def fingerprint(self) -> dict:
        from ttt.model import weights_digest

        return {"model": weights_digest(self.model_path)}


class SleepSolver(_Marked):
    """Sleeps forever on the tasks in bad_ids."""

    def solve(self, task: Task, budget: Budget, extra=None) -> SolveResult:
        self.mark(task)
        if task.id in self.bad_ids:
            time.sleep(10**6)
        return self.answer(task)


class CompiledHangSolver(_Marked):
    """Spins forever inside Numba-compiled code (no Python-level timeout can interrupt it)."""

    def solve(self, task: Task, budget: Budget, extra=None) -> SolveResult:
        from numba import njit

        @njit
        def spin(x):
            i = 0
            while x >= 0:
                i += 1
                x = (x + i) % 7
            return i

        self.mark(task)
        if task.id in self.bad_ids:
            spin(1)
        return self.answer(task)


class CrashSolver(_Marked):
    """Raises on bad_ids."""

    def solve(self, task: Task, budget: Budget, extra=None) -> SolveResult:
        self.mark(task)
        if task.id in self.bad_ids:
            raise RuntimeError(f"deliberate crash on {task.id}")
        return self.answer(task)


class SegfaultSolver(_Marked):
    """Kills its own process with SIGSEGV on bad_ids (a crash in native code)."""

    def solve(self, task: Task, budget: Budget, extra=None) -> SolveResult:
        self.mark(task)
        if task.id in self.bad_ids:
            os.kill(os.getpid(), signal.SIGSEGV)
        return self.answer(task)


class MemoryHogSolver(_Marked):
    """Holds ~1.5 GB of touched memory on bad_ids."""

    def solve(self, task: Task, budget: Budget, extra=None) -> SolveResult:
        self.mark(task)
        if task.id in self.bad_ids:
            hog = np.ones(1_500 * 2**20, dtype=np.uint8)
            time.sleep(30)
            grid = np.zeros((1, 1), np.int8) + int(hog[0])
            return SolveResult([[Candidate(grid, 0.0, self.name)]])
        return self.answer(task)


class SlowEchoSolver(_Marked):
    """EchoSolver that takes `delay` seconds per task (to interrupt a run half-way)."""

    def __init__(self, delay: float = 0.3, **kw):
        super().__init__(**kw)
        self.delay = delay

    def solve(self, task: Task, budget: Budget, extra=None) -> SolveResult:
        self.mark(task)
        time.sleep(self.delay)
        return self.answer(task)


class FixedSolver(Solver):
    """Returns preset candidates: `answers` is a list of (grid, detail) per rank, the same for
    every test input (and `detail` as its task-level notes); used to test the ensemble's
    combination and routing."""

    def __init__(self, name: str, answers: list, delay: float = 0.0, detail: dict | None = None):
        self.name, self.answers, self.delay = name, answers, delay
        self.detail = dict(detail or {})
        self.calls = 0
        self.budgets: list[float] = []  # seconds each call was given

    def solve(self, task: Task, budget: Budget, extra=None) -> SolveResult:
        self.calls += 1
        self.budgets.append(budget.remaining())
        time.sleep(self.delay)
        self.extra = extra
        ranked = [
            [
                Candidate(np.array(g, dtype=np.int8), 1.0, self.name, dict(d))
                for g, d in self.answers
            ]
            for _ in task.test_inputs
        ]
        return SolveResult(ranked, dict(self.detail))


def ensemble_solver(dsl, ttt, **kw):
    """EnsembleSolver as `ensemble=priority` configures it (conf/ensemble/priority.yaml),
    overridden by `kw`."""
    from omegaconf import OmegaConf

    from ensemble.cli import CONF_DIR
    from ensemble.solver import EnsembleSolver

    conf = Path(CONF_DIR) / "ensemble" / "priority.yaml"
    cfg = OmegaConf.to_container(OmegaConf.load(conf))
    return EnsembleSolver(dsl, ttt, **{**cfg, **kw})


class ProvisionalSolver(_Marked):
    """Hands over its answer as provisional (`Budget.partial`), then sleeps forever on the tasks
    in bad_ids, as an ensemble whose second solver overruns the task's limit."""

    def __init__(self, crash: bool = False, **kw):
        super().__init__(**kw)
        self.crash = crash  # raise instead of sleeping

    def solve(self, task: Task, budget: Budget, extra=None) -> SolveResult:
        self.mark(task)
        budget.partial(self.answer(task))
        if task.id in self.bad_ids:
            if self.crash:
                raise RuntimeError("deliberate crash after a provisional answer")
            time.sleep(10**6)
        return self.answer(task)
