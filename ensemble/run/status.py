"""The status of a task's result record."""

from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    """How a task ended; the value is what results.jsonl and summary.json hold."""

    OK = "ok"  # the solver answered (perhaps with nothing)
    TIMEOUT = "timeout"  # killed past budget.task_s + budget.grace_s
    ERROR = "error"  # an exception, or a process that died without answering
    OOM = "oom"  # past budget.memory_mb, or a MemoryError
    INVALID = "invalid"  # the task failed validation; fallback attempts only

    def __str__(self) -> str:
        return self.value


STATUSES = tuple(s.value for s in Status)
FAILED = tuple(s.value for s in Status if s is not Status.OK)
