"""Where the tasks run: the engine (local joblib workers, a Dask cluster, a Ray cluster), how
tasks are dispatched to it (results in the order they finish), and each task's limits as it is
dispatched (`budget.total_s` shared over the tasks left)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from contextlib import contextmanager
from itertools import islice

from ensemble.run.worker import run_task


def task_limits(limits: dict, budget: dict, par: dict, n_todo: int):
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
def engine(name: str, par: dict):
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
def dispatch(backend: str, par: dict, limits: dict, n_workers: int):
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
