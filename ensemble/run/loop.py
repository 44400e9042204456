"""The run loop: tasks of the data selection in parallel (ensemble.run.engines), each isolated in
its own process with a hard wall-clock limit and an optional memory cap (ensemble.run.worker),
results appended as they finish, resumable, then the submission and summary written.
"""

from __future__ import annotations

import logging
import signal
import threading
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ensemble import runlock
from ensemble.checks import UsageError, check_config
from ensemble.combine import pick_attempts
from ensemble.data import LoadResult, describe, load_tasks
from ensemble.run import provenance
from ensemble.run.engines import dispatch, engine, task_limits
from ensemble.run.records import ResultLog, build_submission, invalid_record, read_results
from ensemble.run.summary import summarize
from ensemble.run.worker import build_solver
from ensemble.submission import write_json_atomic, write_submission

log = logging.getLogger(__name__)


class Stopped(KeyboardInterrupt):
    """The run was stopped by a signal (`signum`); raised like Ctrl-C so everything unwinds."""

    def __init__(self, signum: int):
        super().__init__(f"signal {signum}")
        self.signum = signum


@contextmanager
def _sigterm_interrupts():
    """A SIGTERM (a scheduler's stop, `kill`) ends the run as Ctrl-C does: joblib stops the
    workers, their task processes die with them, and every finished result is already on disk."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        signal.signal(signum, signal.SIG_IGN)  # a second one must not break the clean stop
        raise Stopped(signum)

    old = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


MAX_SHOWN = 20  # lines of one kind of problem printed before "... and N more"


def _report(tag: str, lines: list[str], level: int = logging.WARNING) -> None:
    """Status lines of one kind ("[tag] line"), logged, the first MAX_SHOWN of them."""
    for line in lines[:MAX_SHOWN]:
        log.log(level, "[%s] %s", tag, line)
    if len(lines) > MAX_SHOWN:
        log.log(level, "[%s] ... and %d more", tag, len(lines) - MAX_SHOWN)


def run(cfg: dict, run_dir: Path, progress: bool = True) -> dict:
    """Run every task of `cfg["data"]` with `cfg["solver"]`; write results.jsonl, submission.json
    and summary.json into `run_dir`; return the summary.

    Raises UsageError (before any task runs) for an unusable config, data selection or run dir
    (one that another run holds); KeyboardInterrupt (or `Stopped`, for a SIGTERM) after writing
    the submission and summary of what had finished."""
    check_config(cfg)
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    runlock.acquire(run_dir)
    try:
        with _sigterm_interrupts():
            return _run_locked(cfg, run_dir, progress)
    finally:
        runlock.release(run_dir)


def _run_locked(cfg: dict, run_dir: Path, progress: bool) -> dict:
    solver = _built(cfg["solver"])
    loaded: LoadResult = load_tasks(cfg["data"], solver.declines)
    _report("warning", loaded.warnings)
    _report("invalid", [reason for _, reason in loaded.problems])
    if loaded.declined:  # data.skip_declined: left out of the run, as if not in the data
        log.info("[declined] %d task(s) the solver declines left out", len(loaded.declined))
        _report("declined", [f"{tid}: {why}" for tid, why in loaded.declined], logging.INFO)

    results_path = run_dir / "results.jsonl"
    resume = bool(cfg.get("resume", True))
    bad_lines: list[str] = []
    done = read_results(results_path, bad_lines) if resume else {}
    n_test = {t.id: len(t.test_inputs) for t in loaded.tasks}
    for tid in [t for t, r in done.items() if t in n_test and r["n_test"] != n_test[t]]:
        bad_lines.append(f"task {tid}: recorded for {done[tid]['n_test']} test input(s), has "
                         f"{n_test[tid]} now")  # fmt: skip
        del done[tid]
    _report(
        "resume", [f"{b}; ignored (a task without a good record runs again)" for b in bad_lines]
    )
    provenance.check_fingerprint(run_dir, cfg, bool(done), solver)
    code = provenance.code_digest()
    older = sorted({r.get("code", "unrecorded") for r in done.values()} - {code})
    if older:
        log.warning(
            "[resume] finished tasks in %s came from other code (%s; now %s): summary.json "
            "counts tasks per code version",
            run_dir, ", ".join(older), code,
        )  # fmt: skip
    results = ResultLog(results_path, fresh=not resume)
    for tid, reason in loaded.problems:
        if tid not in done:
            done[tid] = invalid_record(tid, reason, loaded.n_test_of_invalid.get(tid, 1))
            results.append(done[tid])

    budget, par = cfg["budget"], cfg["parallel"]
    limits = {
        "task_s": budget["task_s"],
        "grace_s": budget.get("grace_s", 2.0),
        "memory_mb": budget.get("memory_mb"),
        "isolation": par.get("isolation", "fork"),
        "threads": par.get("threads_per_worker", 1),
    }
    todo = [t for t in loaded.tasks if t.id not in done]
    n_all = len(loaded.tasks) + len(loaded.problems)
    bar = _progress(n_all, n_all - len(todo), progress)
    solved = [r["score"] for r in done.values() if r["score"] is not None]
    backend = par.get("backend", "loky")
    try:
        if todo:
            with engine(backend, par) as n_workers:
                # the worker count shares budget.total_s
                lims = task_limits(limits, budget, {"n_jobs": n_workers}, len(todo))
                args = ((t, cfg["solver"], lim) for t, lim in zip(todo, lims))
                with dispatch(backend, par, limits, n_workers) as go:
                    for rec in go(args):
                        rec["code"] = code
                        results.append(rec)
                        done[rec["task_id"]] = rec
                        if rec["score"] is not None:
                            solved.append(rec["score"])
                        if bar is not None:
                            bar.update(1)
                            if solved:
                                bar.set_postfix(
                                    score=f"{np.mean(solved):.3f}", status=rec["status"]
                                )
    except KeyboardInterrupt:
        # a stop still leaves a complete submission: what finished, fallbacks for the rest
        with _ignoring_signals():
            results.close()
            if bar is not None:
                bar.close()
            finalize(cfg, run_dir, loaded, done)
        raise
    finally:
        results.close()
        if bar is not None:
            bar.close()
    return finalize(cfg, run_dir, loaded, done)


def _built(solver_cfg: dict):
    """The run's solver, built here (not warmed up) to ask its identity. A config that cannot
    be built stops the run before any task (a UsageError, one line): every task would fail."""
    try:
        return build_solver(solver_cfg, warm=False)
    except Exception as e:  # noqa: BLE001 - any failure to build is the config's
        what = solver_cfg.get("_target_", "?") if isinstance(solver_cfg, dict) else "?"
        why = " ".join(f"{type(e).__name__}: {e}".split())
        raise UsageError(f"solver {what} cannot be built: {why[:300]}") from None


@contextmanager
def _ignoring_signals():
    """Ctrl-C and SIGTERM wait (main thread only) while the stopped run's outputs are written."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def finalize(cfg: dict, run_dir: Path, loaded: LoadResult, done: dict[str, dict]) -> dict:
    """Write submission.json and summary.json for the tasks of this run's selection. Tasks not
    finished (a stopped run) get fallback attempts in the submission, so that it is complete,
    and are counted as `unfinished` in the summary; they run when the run is resumed."""
    ids = [t.id for t in loaded.tasks] + [tid for tid, _ in loaded.problems]
    records = [done[i] for i in sorted(set(ids)) if i in done]
    sub, expected = build_submission(records)
    unfinished = [t for t in loaded.tasks if t.id not in done]
    for t in unfinished:
        sub[t.id] = [
            dict(zip(("attempt_1", "attempt_2"), pick_attempts([], g)[0])) for g in t.test_inputs
        ]
        expected[t.id] = len(t.test_inputs)
    write_submission(run_dir / "submission.json", dict(sorted(sub.items())), expected)
    solver = cfg.get("solver_name") or cfg["solver"].get("_target_")
    meta = {"solver": solver, "data": describe(cfg["data"])}
    summary = summarize(records, meta)
    if unfinished:
        summary["unfinished"] = len(unfinished)
    if loaded.warnings:
        summary["warnings"] = list(loaded.warnings)
    write_json_atomic(run_dir / "summary.json", summary)
    return summary


def _progress(total: int, initial: int, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(
        total=total,
        initial=initial,
        unit="task",
        dynamic_ncols=True,
        smoothing=0.1,
        mininterval=1.0,
    )
