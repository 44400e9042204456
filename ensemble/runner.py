"""The run loop: tasks in parallel (joblib), each isolated in its own process with a hard
wall-clock limit and an optional memory cap, results appended as they finish, resumable, scored.

Isolation: each task runs in a child forked from the joblib worker. The parent polls the child;
past `budget.task_s + budget.grace_s` it SIGKILLs it (this stops a solver stuck inside compiled
code, which no in-process timeout can), and past `budget.memory_mb` of resident memory likewise. A
child that dies without answering is recorded as an error. `parallel.isolation=none` runs solvers in
the worker itself (for CUDA solvers, which cannot be forked after initialisation); then only the
solver's own budget checks bound the time.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import signal
import statistics
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager, suppress
from itertools import islice
from pathlib import Path

import numpy as np
import psutil

from dsl.types import Budget, Task, grid_to_list
from ensemble import runlock
from ensemble.ablation import ablation, by_source, routing
from ensemble.checks import UsageError, check_config
from ensemble.combine import pick_attempts
from ensemble.data import LoadResult, describe, load_tasks
from ensemble.scoring import aggregate, cell_accuracy, grids_equal
from ensemble.submission import (
    FALLBACK,
    SubmissionError,
    validate,
    write_json_atomic,
    write_submission,
)

STATUSES = ("ok", "timeout", "error", "oom", "invalid")
_POLL_S = 0.05
_solver_cache: dict[str, object] = {}


def _build_solver(solver_cfg: dict):
    """Instantiate (once per process) the solver a config names."""
    key = json.dumps(solver_cfg, sort_keys=True, default=str)
    if key not in _solver_cache:
        from hydra.utils import instantiate

        solver = instantiate(solver_cfg, _convert_="all")
        # Compile/load once here, in the long-lived worker: work a forked task child does (JIT
        # compilation, model loading) dies with it.
        if hasattr(solver, "warmup"):
            solver.warmup()
        _solver_cache[key] = solver
    return _solver_cache[key]


def _limit_threads(n: int) -> None:
    """Pin math libraries to `n` threads in this process (env for libraries not yet loaded)."""
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ[var] = str(n)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # spinning threads starve the other worker
    torch = __import__("sys").modules.get("torch")
    if torch is not None:
        torch.set_num_threads(n)


def _candidates_to_json(per_test) -> list[list[dict]]:
    out = []
    for ranked in per_test:
        out.append(
            [
                {
                    "grid": grid_to_list(c.grid),
                    "score": float(c.score),
                    "source": str(c.source),
                    "detail": json.loads(json.dumps(c.detail, default=str)),
                }
                for c in ranked
            ]
        )
    return out


# Modules that only carry results (the run loop, CLI, reports): not part of the code digest.
_PLUMBING = ("runner", "cli", "report", "compare", "ablation", "submission", "checks", "runlock")


def code_digest(roots: dict[str, Path] | None = None) -> str:
    """Identity of the answer-deciding code: the syntax trees (comments and formatting do not
    count) of every .py file of dsl, ttt and ensemble but its plumbing. Computed once per run and
    stamped on each result record, so a resumed run shows whether all its tasks ran one code
    version (run long benchmarks from a pinned checkout: runs/bench/pinned.sh)."""
    import ast
    import hashlib
    import importlib

    if roots is None:
        roots = {
            p: Path(importlib.import_module(p).__file__).parent for p in ("dsl", "ttt", "ensemble")
        }
    h = hashlib.sha256()
    for pkg, root in sorted(roots.items()):
        for f in sorted(root.rglob("*.py")):
            rel = f.relative_to(root).as_posix()
            if pkg == "ensemble" and rel.removesuffix(".py") in _PLUMBING:
                continue
            data = f.read_bytes()
            try:
                data = ast.dump(ast.parse(data)).encode()
            except (SyntaxError, ValueError):
                pass  # a file mid-edit: its bytes still identify it
            h.update(f"{pkg}/{rel}\0".encode() + data)
    return h.hexdigest()[:12]


def _solve(task: Task, solver_cfg: dict, task_s: float, memory_mb: int | None) -> dict:
    """Run the solver in this process; returns {"status", "candidates"|"error"}."""
    try:
        solver = _build_solver(solver_cfg)
        per_test = solver.solve(task, Budget(task_s, memory_mb))
        if len(per_test) != len(task.test_inputs):
            raise ValueError(
                f"solver returned {len(per_test)} lists for {len(task.test_inputs)} test inputs"
            )
        out = {"status": "ok", "candidates": _candidates_to_json(per_test)}
        if getattr(solver, "last_detail", None):  # task-level notes (routing, too long, ...)
            out["solver_detail"] = json.loads(json.dumps(solver.last_detail, default=str))
        return out
    except MemoryError:
        return {"status": "oom", "error": "MemoryError"}
    except Exception as e:  # noqa: BLE001 - any solver failure is recorded against the task
        tb = traceback.format_exc(limit=-3)
        return {"status": "error", "error": f"{type(e).__name__}: {e}\n{tb}"}


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel SIGKILLs this task process when its worker dies, so a stopped run
    leaves no solver computing on."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the worker died before the line above
        os._exit(1)


def _child(conn, task, solver_cfg, task_s, memory_mb, threads, parent):
    _die_with_parent(parent)
    _limit_threads(threads)
    conn.send(_solve(task, solver_cfg, task_s, memory_mb))
    conn.close()


def _rss_mb(proc: psutil.Process) -> float:
    try:
        procs = [proc, *proc.children(recursive=True)]
        return sum(p.memory_info().rss for p in procs) / 2**20
    except psutil.Error:
        return 0.0


def _fork_child(target, args) -> int:
    """Fork a task process running `target(*args)`. A bare fork, not multiprocessing: engines
    such as Dask run tasks in daemonic processes, which multiprocessing forbids to have children."""
    sys.stdout.flush()  # or buffered output would be written twice
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the task process: never return into the worker's code
        code = 1
        try:
            target(*args)
            code = 0
        except BaseException:  # noqa: BLE001 - reported, then the process ends either way
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    return pid


def _kill_tree(pid: int, watcher: psutil.Process) -> None:
    """SIGKILL a task process and whatever it started (its children first, listed while it
    still lives)."""
    try:
        children = watcher.children(recursive=True)
    except psutil.Error:
        children = []
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    for p in children:
        with suppress(psutil.Error):
            p.kill()


def _reap(pid: int, timeout: float = 10.0) -> int:
    """Wait (bounded) for a killed task process and return its exit code."""
    end = time.monotonic() + timeout
    while (code := _exit_status(pid)) is None and time.monotonic() < end:
        time.sleep(0.01)
    return -signal.SIGKILL if code is None else code  # unreaped (stuck in the kernel): killed


def _exit_status(pid: int, block: bool = False) -> int | None:
    """The exit code of a finished task process (negative: killed by that signal), reaping it;
    None while it runs."""
    try:
        done, status = os.waitpid(pid, 0 if block else os.WNOHANG)
    except ChildProcessError:
        return -signal.SIGKILL
    return os.waitstatus_to_exitcode(status) if done else None


def _solve_isolated(task, solver_cfg, task_s, grace_s, memory_mb, threads) -> dict:
    """Run `_solve` in a forked child under a hard time limit and memory cap."""
    recv, send = mp.Pipe(duplex=False)
    pid = _fork_child(_child, (send, task, solver_cfg, task_s, memory_mb, threads, os.getpid()))
    send.close()
    deadline = time.monotonic() + task_s + grace_s
    watcher = psutil.Process(pid)
    result, peak, code = None, 0.0, None
    try:
        while True:
            peak = max(peak, _rss_mb(watcher))
            if recv.poll(_POLL_S):
                try:
                    result = recv.recv()
                except EOFError:  # died before answering
                    result = None
                break
            code = _exit_status(pid)
            if code is not None:
                if recv.poll(0):  # it answered just before exiting
                    with suppress(EOFError):
                        result = recv.recv()
                break
            if time.monotonic() > deadline:
                result = {"status": "timeout", "error": f"no answer within {task_s + grace_s:.1f}s"}
                break
            if memory_mb and peak > memory_mb:
                result = {"status": "oom", "error": f"resident memory over {memory_mb} MB"}
                break
    finally:
        if code is None:
            _kill_tree(pid, watcher)
            code = _reap(pid)
        recv.close()
    if result is None:
        why = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
        result = {"status": "error", "error": f"worker process died ({why})"}
    result["peak_rss_mb"] = round(peak, 1) or None  # None: finished before the first sample
    return result


def run_task(task: Task, solver_cfg: dict, limits: dict) -> dict:
    """Solve one task under its limits and return its result record (see results.jsonl)."""
    args = (task, solver_cfg, float(limits["task_s"]))
    out = None
    try:  # build in the worker, so forked children inherit its imports and cached instance
        _build_solver(solver_cfg)
    except Exception as e:  # noqa: BLE001 - a broken solver config is recorded, not raised
        out = {"status": "error", "error": f"cannot build solver: {type(e).__name__}: {e}"}
    # the task's time starts here: a worker's first task does not carry its warm-up (model
    # load, JIT), which the budget does not count either
    t0 = time.monotonic()
    if out is None:
        if limits.get("isolation", "fork") == "fork":
            out = _solve_isolated(
                *args, float(limits.get("grace_s", 2.0)), limits.get("memory_mb"),
                int(limits.get("threads", 1)),
            )  # fmt: skip
        else:
            _limit_threads(int(limits.get("threads", 1)))
            out = _solve(*args, limits.get("memory_mb"))
    return make_record(task, out, time.monotonic() - t0, solver_cfg.get("_target_", "?"))


def make_record(task: Task, out: dict, time_s: float, solver: str) -> dict:
    """Pick attempts from the candidates, score them if the answers are known."""
    cands = out.get("candidates") or [[] for _ in task.test_inputs]
    truths = task.test_outputs
    attempts, sources = [], []
    for i, ranked in enumerate(cands):
        a, s = pick_attempts(ranked, task.test_inputs[i])
        attempts.append(a)
        sources.append(s)
        if truths is not None:
            for c in ranked:
                c["correct"] = grids_equal(c["grid"], truths[i])
    correct = cells = None
    if truths is not None:
        correct = [any(grids_equal(a, t) for a in atts) for atts, t in zip(attempts, truths)]
        cells = [round(cell_accuracy(atts, t), 4) for atts, t in zip(attempts, truths)]
    return {
        "task_id": task.id,
        "status": out["status"],
        "error": out.get("error"),
        "time_s": round(time_s, 3),
        "peak_rss_mb": out.get("peak_rss_mb"),  # sampled every 50 ms (fork isolation only)
        "solver": solver,
        "n_test": len(task.test_inputs),
        "solver_detail": out.get("solver_detail"),
        "candidates": cands,
        "attempts": attempts,
        "attempt_sources": sources,
        "correct": correct,
        "cell_accuracy": cells,
        "score": sum(correct) / len(correct) if correct is not None else None,
    }


def invalid_record(task_id: str, reason: str, n_test: int) -> dict:
    """Result record of a task that failed validation (it still gets fallback attempts)."""
    return {
        "task_id": task_id,
        "status": "invalid",
        "error": reason,
        "time_s": 0.0,
        "solver": None,
        "n_test": n_test,
        "candidates": [[] for _ in range(n_test)],
        "attempts": [[FALLBACK, FALLBACK] for _ in range(n_test)],
        "attempt_sources": [["fallback", "fallback"] for _ in range(n_test)],
        "correct": None,
        "score": None,
    }


# Fields every result record has (a line without them is not a record this code wrote).
REQUIRED = ("task_id", "status", "n_test", "attempts", "candidates", "correct", "score", "time_s")
_JSON_TYPES = {dict: "object", list: "array", str: "string", int: "number", float: "number",
               bool: "boolean", type(None): "null"}  # fmt: skip


def record_problem(rec) -> str | None:
    """Why a parsed results.jsonl line is not a usable result record, or None: it must have every
    REQUIRED field, give a valid submission entry and summarize without error."""
    if not isinstance(rec, dict):
        return f"not a result record (a JSON {_JSON_TYPES.get(type(rec), type(rec).__name__)})"
    missing = [k for k in REQUIRED if k not in rec]
    if missing:
        return f"not a result record (no {', '.join(missing)})"
    if not isinstance(rec["task_id"], str) or not rec["task_id"]:
        return f"task_id {rec['task_id']!r} is not a task id"
    if rec["status"] not in STATUSES:
        return f"task {rec['task_id']}: unknown status {rec['status']!r}"
    n = rec["n_test"]
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        return f"task {rec['task_id']}: n_test {n!r} is not a count"
    cands = rec["candidates"]
    if (
        not isinstance(cands, list)
        or len(cands) != n
        or not all(isinstance(c, list) for c in cands)
    ):
        return f"task {rec['task_id']}: candidates do not match its {n} test input(s)"
    try:
        validate(*build_submission([rec]))
        summarize([rec], {})
    except SubmissionError as e:
        return f"bad attempts: {e}"
    except Exception as e:  # noqa: BLE001 - any field the summary cannot read makes it unusable
        return f"task {rec['task_id']}: unreadable fields ({type(e).__name__}: {e})"
    return None


def read_results(path: Path, problems: list[str] | None = None) -> dict[str, dict]:
    """Finished records by task id (the last good one of each task). A line that is not a
    usable record (torn by a kill mid-write, not UTF-8, not JSON, not an object, missing
    fields) is skipped and, with `problems`, described there by its line number."""
    done: dict[str, dict] = {}
    if not path.exists():
        return done
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line.decode("utf-8"))
            except UnicodeDecodeError:
                why = "not UTF-8 text"
            except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
                why = "not JSON (torn by a kill mid-write?)"
            else:
                why = record_problem(rec)
            if why is None:
                done[rec["task_id"]] = rec
            elif problems is not None:
                problems.append(f"{path.name} line {n}: {why}")
    return done


class ResultLog:
    """Append-only results.jsonl: each record is flushed and fsynced as soon as it exists."""

    def __init__(self, path: Path, fresh: bool):
        self.path = path
        if fresh:
            path.unlink(missing_ok=True)
        elif path.exists() and path.stat().st_size:
            with open(path, "rb+") as f:  # drop a torn last line left by a kill mid-write
                data = f.read()
                if not data.endswith(b"\n"):
                    f.truncate(data.rfind(b"\n") + 1)
        self._f = open(path, "a", encoding="utf-8")

    def append(self, rec: dict) -> None:
        self._f.write(json.dumps(rec) + "\n")
        self._f.flush()
        os.fsync(self._f.fileno())

    def close(self) -> None:
        self._f.close()


def _percentile(xs: list[float], q: float) -> float:
    return float(np.percentile(xs, q)) if xs else 0.0


def summarize(records: list[dict], meta: dict) -> dict:
    """summary.json: score, statuses, time per task, per-solver breakdown."""
    scored = [r for r in records if r["correct"] is not None]
    summary = {**meta, **aggregate(r["correct"] for r in scored)} if scored else dict(meta)
    summary["n_tasks_run"] = len(records)
    summary["n_tasks_scored"] = len(scored)
    summary["status_counts"] = {s: sum(r["status"] == s for r in records) for s in STATUSES}
    times = [r["time_s"] for r in records if r["status"] != "invalid"]
    summary["time_s"] = {
        "median": round(statistics.median(times), 3) if times else 0.0,
        "p90": round(_percentile(times, 90), 3),
        "max": round(max(times, default=0.0), 3),
        "total": round(sum(times), 3),
    }
    peaks = [r["peak_rss_mb"] for r in records if r.get("peak_rss_mb")]
    summary["peak_rss_mb"] = {
        "median": round(statistics.median(peaks), 1) if peaks else None,
        "max": max(peaks, default=None),
    }
    cells = [c for r in scored for c in (r.get("cell_accuracy") or [])]
    if cells:  # partial credit: how close the attempts came (exact matches are the score)
        summary["cell_accuracy"] = round(float(np.mean(cells)), 4)
    train = ttt_training(records)
    if train:
        summary["ttt_train"] = train
    summary["by_source"] = by_source(scored)
    summary["ablation"] = ablation(scored)
    if routing(scored):
        summary["routing"] = routing(scored)
    summary["problems"] = [[r["task_id"], r["error"]] for r in records if r["status"] == "invalid"]
    # tasks per code version (code_digest): more than one key means a resumed run mixed code
    ran = [r for r in records if r["status"] != "invalid"]
    summary["code"] = dict(Counter(r.get("code", "unrecorded") for r in ran))
    return summary


def ttt_training(records: list[dict]) -> dict:
    """Test-time training over a run: tasks trained, steps and seconds per task (median), and
    training throughput (all tokens over all training seconds). TTT's stats sit in
    `solver_detail.train`, or under `solver_detail.ttt_detail` for the ensemble."""
    stats = []
    for r in records:
        d = r.get("solver_detail") or {}
        t = d.get("train") or (d.get("ttt_detail") or {}).get("train")
        if isinstance(t, dict) and t.get("steps"):
            stats.append(t)
    if not stats:
        return {}
    seconds = sum(float(t.get("seconds") or 0.0) for t in stats)
    return {
        "tasks": len(stats),
        "steps_median": statistics.median(int(t["steps"]) for t in stats),
        "seconds_median": round(statistics.median(float(t.get("seconds") or 0) for t in stats), 2),
        "tokens_per_s": round(sum(int(t.get("tokens") or 0) for t in stats) / seconds, 1)
        if seconds
        else None,
    }


def build_submission(records: Iterable[dict]) -> tuple[dict, dict[str, int]]:
    """(submission dict, expected test counts) from result records."""
    sub, expected = {}, {}
    for r in records:
        sub[r["task_id"]] = [{"attempt_1": a[0], "attempt_2": a[1]} for a in r["attempts"]]
        expected[r["task_id"]] = r["n_test"]
    return sub, expected


def _task_limits(limits: dict, budget: dict, par: dict, n_todo: int):
    """Limits for each task in turn, computed when joblib dispatches it (it consumes this lazily).

    With `budget.total_s` (a whole-run limit, e.g. Kaggle's 12 h), each task gets its fair share
    of the time still left, so time that fast tasks leave unused flows to later ones; `task_s`
    stays the cap per task.
    """
    total, start = budget.get("total_s"), time.monotonic()
    workers = max(1, int(par.get("n_jobs", 1)))
    for i in range(n_todo):
        lim = dict(limits)
        if total:
            left = float(total) - (time.monotonic() - start)
            fair = left * workers / (n_todo - i) - lim["grace_s"]
            lim["task_s"] = max(1.0, min(float(lim["task_s"]), fair))
        yield lim


@contextmanager
def _engine(name: str, par: dict):
    """Set up the engine the tasks run on and yield how many run at once (n_jobs, or for
    n_jobs <= 0 the cluster's workers or this machine's CPUs); close what it started.
    Ray: a session (joined from `par["address"]` or RAY_ADDRESS, else a local one); Dask: a
    client for joblib's dask backend, to a scheduler or to a local cluster."""
    n = int(par.get("n_jobs", 1))
    if name == "ray":
        import ray

        started = not ray.is_initialized()  # a session someone else opened stays open
        if started:
            ray.init(
                address=par.get("address"),  # null: RAY_ADDRESS if set, else a local instance
                num_cpus=n if n > 0 and not par.get("address") else None,
                include_dashboard=False,
                log_to_driver=False,  # per-worker logs stay in Ray's session dir
            )
        try:
            yield n if n > 0 else max(1, int(ray.cluster_resources().get("CPU", 1)))
        finally:
            if started:
                ray.shutdown()
    elif name == "dask":
        import logging

        from dask.distributed import Client, LocalCluster

        logging.getLogger("distributed").setLevel(logging.WARNING)  # per-worker INFO floods
        # a local cluster: one single-threaded worker per job
        cluster = (
            None
            if par.get("address")
            else LocalCluster(n_workers=n if n > 0 else None, threads_per_worker=1)
        )
        client = Client(par["address"] if cluster is None else cluster)  # alive for the run
        try:
            yield n if n > 0 else max(1, len(client.scheduler_info().get("workers", {})))
        finally:
            try:
                client.close()
            finally:
                if cluster is not None:
                    cluster.close()
    else:
        yield n if n > 0 else os.cpu_count() or 1


@contextmanager
def _dispatch(backend: str, par: dict, limits: dict, n_workers: int):
    """A function from run_task argument tuples to their records, in the order they finish (so
    each is logged as soon as it exists): joblib's generator, or for Ray (whose joblib backend
    returns nothing before the last task is done) Ray's own tasks, n_workers in flight."""
    from joblib import Parallel, delayed, parallel_config

    if backend == "ray":
        yield lambda args: _ray_unordered(args, n_workers, limits["threads"])
        return
    with parallel_config(
        backend=backend,
        n_jobs=int(par.get("n_jobs", 1)),
        inner_max_num_threads=limits["threads"] if backend == "loky" else None,
    ):
        yield lambda args: Parallel(return_as="generator_unordered")(
            delayed(run_task)(*a) for a in args
        )


def _ray_unordered(args: Iterable[tuple], n_workers: int, threads: int):
    import ray

    remote = ray.remote(num_cpus=threads, max_retries=0)(run_task)
    args, pending = iter(args), []
    while True:
        # at most n_workers submitted at once: a later task's budget.total_s share is set
        # from the time left when it is submitted
        pending += [remote.remote(*a) for a in islice(args, n_workers - len(pending))]
        if not pending:
            return
        ready, pending = ray.wait(pending, num_returns=1)
        yield ray.get(ready[0])


def _flatten(d, prefix: str = "") -> dict:
    if not isinstance(d, dict):
        return {prefix: d}
    out: dict = {}
    for k, v in d.items():
        out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    return out


def _weights_digest(path: str) -> str:
    """A cheap identity of a model directory's weights (names, sizes, first and last MiB), so
    that retrained weights under the same path count as a different configuration."""
    import hashlib

    from ttt.model import resolve_path

    h = hashlib.sha256()
    files = sorted(resolve_path(path).glob("*.safetensors"))
    for f in files:
        size = f.stat().st_size
        h.update(f"{f.name}:{size}".encode())
        with open(f, "rb") as fh:
            h.update(fh.read(1 << 20))
            fh.seek(max(0, size - (1 << 20)))
            h.update(fh.read())
    return h.hexdigest()[:16] if files else "no weights"


def _model_digests(d, where: str = "solver") -> dict:
    """{config path of each `model` with a `path`: its weights digest} within a solver config."""
    out: dict = {}
    if isinstance(d, dict):
        m = d.get("model")
        if isinstance(m, dict) and isinstance(m.get("path"), str):
            out[f"{where}.model"] = _weights_digest(m["path"])
        for k, v in d.items():
            out.update(_model_digests(v, f"{where}.{k}"))
    return out


def check_fingerprint(run_dir: Path, cfg: dict, resuming: bool) -> None:
    """Refuse to resume into a run dir whose finished tasks came from another solver config,
    task budget or model weights (the results would be a silent mix); record it otherwise."""
    mine = {
        "solver": cfg["solver"],
        "task_s": cfg["budget"]["task_s"],
        "memory_mb": cfg["budget"].get("memory_mb"),
        "weights": _model_digests(cfg["solver"]),
    }
    path = run_dir / "fingerprint.json"
    if resuming and not path.exists():  # a run dir from before fingerprints were written
        print(
            f"[resume] {run_dir} has no fingerprint.json: cannot check that its finished tasks "
            "came from this configuration",
            flush=True,
        )
    theirs = None
    if resuming and path.exists():
        try:
            theirs = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            why = f"[resume] {path} is unreadable ({type(e).__name__}): cannot check that"
            print(f"{why} its finished tasks came from this configuration; rewritten", flush=True)
    if isinstance(theirs, dict):
        a, b = _flatten(theirs), _flatten(json.loads(json.dumps(mine)))
        changed = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
        if changed:
            raise UsageError(
                f"run dir {run_dir} holds results of a different configuration "
                f"(changed: {', '.join(changed[:8])}); resume into a new hydra.run.dir, "
                "or start this one over with resume=false"
            )
    write_json_atomic(path, mine)


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


def _report(tag: str, lines: list[str]) -> None:
    for line in lines[:MAX_SHOWN]:
        print(f"[{tag}] {line}", flush=True)
    if len(lines) > MAX_SHOWN:
        print(f"[{tag}] ... and {len(lines) - MAX_SHOWN} more", flush=True)


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
    loaded: LoadResult = load_tasks(cfg["data"])
    _report("warning", loaded.warnings)
    _report("invalid", [reason for _, reason in loaded.problems])

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
    check_fingerprint(run_dir, cfg, resuming=bool(done))
    code = code_digest()
    older = sorted({r.get("code", "unrecorded") for r in done.values()} - {code})
    if older:
        print(
            f"[resume] finished tasks in {run_dir} came from other code ({', '.join(older)}; "
            f"now {code}): summary.json counts tasks per code version",
            flush=True,
        )
    log = ResultLog(results_path, fresh=not resume)
    for tid, reason in loaded.problems:
        if tid not in done:
            done[tid] = invalid_record(tid, reason, loaded.n_test_of_invalid.get(tid, 1))
            log.append(done[tid])

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
            with _engine(backend, par) as n_workers:
                # the worker count shares budget.total_s
                lims = _task_limits(limits, budget, {"n_jobs": n_workers}, len(todo))
                args = ((t, cfg["solver"], lim) for t, lim in zip(todo, lims))
                with _dispatch(backend, par, limits, n_workers) as go:
                    for rec in go(args):
                        rec["code"] = code
                        log.append(rec)
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
            log.close()
            if bar is not None:
                bar.close()
            finalize(cfg, run_dir, loaded, done)
        raise
    finally:
        log.close()
        if bar is not None:
            bar.close()
    return finalize(cfg, run_dir, loaded, done)


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
