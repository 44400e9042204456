"""A run in one compact line per task (`arc-report --compact RUN_DIR` writes RUN_DIR/tasks.jsonl):
what a finished benchmark keeps in git beside its command and summary.json, instead of the full
results.jsonl (every candidate grid) and submission.json."""

from __future__ import annotations

import json
from pathlib import Path

from dsl.types import grid_key
from ensemble.run.records import read_results


def compact(rec: dict) -> dict:
    """A task's record in brief: id, status, score, seconds, per test input whether it was
    solved, the solver behind each attempt, and the program behind the first attempt (where a
    program made it); the error's first line for a task that failed."""
    programs = []
    for ranked, atts in zip(rec["candidates"], rec["attempts"]):
        first = grid_key(atts[0]) if atts else None
        made = next((c for c in ranked if grid_key(c.get("grid")) == first), None)
        programs.append(((made or {}).get("detail") or {}).get("program"))
    out = {
        "task_id": rec["task_id"],
        "status": rec["status"],
        "score": rec["score"],
        "time_s": rec["time_s"],
        "correct": rec["correct"],
        "by": rec.get("attempt_sources"),
        "program": programs if any(programs) else None,
    }
    if rec.get("error"):
        out["error"] = str(rec["error"]).strip().splitlines()[0][:200]
    return out


def write_compact(run_dir: Path, out: Path | None = None) -> Path:
    """Write RUN_DIR/tasks.jsonl (or `out`): `compact` of each finished task, by task id."""
    run_dir = Path(run_dir)
    out = Path(out) if out is not None else run_dir / "tasks.jsonl"
    done = read_results(run_dir / "results.jsonl")
    lines = [json.dumps(compact(done[t]), separators=(",", ":")) for t in sorted(done)]
    out.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return out
