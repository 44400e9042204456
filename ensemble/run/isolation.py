"""One killable child process: `run_killable(fn, args, limit_s, memory_mb)` forks a child that
runs `fn(*args, report)` and sends back its return value, and whatever it passed to `report`
before (provisional results); the parent polls it and SIGKILLs it (and what it started) past
`limit_s` seconds or `memory_mb` of resident memory, keeping the last provisional result. A kill
stops code stuck inside compiled code, which no in-process timeout can. The child dies with its
parent (Linux).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import psutil

_POLL_S = 0.05


@dataclass
class ChildOutcome:
    """How a child ended: `ended` is "answered", "timeout", "memory" or "died" (then `value` is
    None and `exit_code` says how); `partial` is the last provisional result it reported (None:
    none); `peak_mb` is the resident memory sampled every 50 ms (0.0 when it finished before the
    first sample)."""

    ended: str
    value: Any = None
    exit_code: int | None = None
    peak_mb: float = 0.0
    partial: Any = None


def limit_threads(n: int) -> None:
    """Pin math libraries to `n` threads in this process (env for libraries not yet loaded)."""
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ[var] = str(n)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # spinning threads starve the other worker
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(n)


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel SIGKILLs this process when its parent dies, so a stopped run leaves
    no solver computing on."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def _child(conn, fn: Callable, args: tuple, parent: int) -> None:
    _die_with_parent(parent)
    value = fn(*args, lambda v: conn.send(("partial", v)))
    conn.send(("answer", value))
    conn.close()


def _fork_child(target, args) -> int:
    """Fork a process running `target(*args)`. A bare fork, not multiprocessing: engines such as
    Dask run tasks in daemonic processes, which multiprocessing forbids to have children."""
    sys.stdout.flush()  # or buffered output would be written twice
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never return into the parent's code
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


def _rss_mb(proc: psutil.Process) -> float:
    try:
        procs = [proc, *proc.children(recursive=True)]
        return sum(p.memory_info().rss for p in procs) / 2**20
    except psutil.Error:
        return 0.0


def _kill_tree(pid: int, watcher: psutil.Process) -> None:
    """SIGKILL a child and whatever it started (its children first, listed while it lives)."""
    try:
        children = watcher.children(recursive=True)
    except psutil.Error:
        children = []
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    for p in children:
        with suppress(psutil.Error):
            p.kill()


def _exit_status(pid: int, block: bool = False) -> int | None:
    """The exit code of a finished child (negative: killed by that signal), reaping it; None while
    it runs."""
    try:
        done, status = os.waitpid(pid, 0 if block else os.WNOHANG)
    except ChildProcessError:
        return -signal.SIGKILL
    return os.waitstatus_to_exitcode(status) if done else None


def _reap(pid: int, timeout: float = 10.0) -> int:
    """Wait (bounded) for a killed child and return its exit code."""
    end = time.monotonic() + timeout
    while (code := _exit_status(pid)) is None and time.monotonic() < end:
        time.sleep(0.01)
    return -signal.SIGKILL if code is None else code  # unreaped (stuck in the kernel): killed


def run_killable(
    fn: Callable, args: tuple, limit_s: float, memory_mb: float | None = None
) -> ChildOutcome:
    """Run `fn(*args, report)` (its return value, and what it passes to `report`, must pickle) in
    a forked child under a hard time limit and an optional memory cap; the child is gone when
    this returns."""
    recv, send = mp.Pipe(duplex=False)
    pid = _fork_child(_child, (send, fn, args, os.getpid()))
    send.close()
    deadline = time.monotonic() + limit_s
    watcher = psutil.Process(pid)
    out, code, partial = None, None, None

    def read(wait: float) -> bool:
        """Take the child's messages while they come; True once it answered or closed."""
        nonlocal out, partial
        while recv.poll(wait):
            try:
                kind, value = recv.recv()
            except EOFError:  # died before answering
                return True
            if kind == "answer":
                out = ChildOutcome("answered", value)
                return True
            partial, wait = value, 0
        return False

    peak = 0.0
    try:
        while True:
            peak = max(peak, _rss_mb(watcher))
            if read(_POLL_S):
                break
            code = _exit_status(pid)
            if code is not None:
                read(0)  # what it sent just before exiting
                break
            if time.monotonic() > deadline:
                out = ChildOutcome("timeout")
                break
            if memory_mb and peak > memory_mb:
                out = ChildOutcome("memory")
                break
    finally:
        if code is None:
            _kill_tree(pid, watcher)
            code = _reap(pid)
        recv.close()
    out = out or ChildOutcome("died")
    out.exit_code, out.peak_mb, out.partial = code, peak, partial
    return out
