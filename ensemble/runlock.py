"""One arc-solve per run dir: an advisory lock (flock) on `RUN_DIR/.lock`, held while the run
lives. The kernel drops it when the holder dies however it dies (SIGKILL included), so a crashed
run never leaves the dir locked; the file itself stays, with the last holder's pid in it.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from ensemble.checks import UsageError

LOCK_NAME = ".lock"
_held: dict[Path, int] = {}  # run dir -> fd; this process may take its own lock again


def acquire(run_dir: Path) -> None:
    """Lock `run_dir` for this process (a no-op when it holds it already), or raise UsageError
    naming the process that holds it."""
    run_dir = Path(run_dir).resolve()
    if run_dir in _held:
        return
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 64).decode("ascii", "replace").strip() or "?"
        os.close(fd)
        raise UsageError(
            f"run dir {run_dir} is in use by another arc-solve (pid {holder}); wait for it to "
            "end, or choose another hydra.run.dir"
        ) from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    _held[run_dir] = fd


def release(run_dir: Path) -> None:
    """Give the lock up (the file stays)."""
    fd = _held.pop(Path(run_dir).resolve(), None)
    if fd is not None:
        os.close(fd)  # closing the last descriptor releases the flock
