"""Reading a run dir for reporting: results.jsonl (through the run's own reader), summary.json,
and the tasks themselves (demonstrations, true outputs), reloaded through the config's `data:`
section. Records are type-checked on reading, so a malformed field costs its own card at most."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dsl.types import Task
from ensemble.run.records import read_results


@dataclass
class Run:
    """One run dir, read for reporting."""

    path: Path
    results: dict[str, dict]  # task_id -> last record for it in results.jsonl
    summary: dict
    tasks: dict[str, Task]  # reloaded tasks (demos, true outputs); may be empty
    data_cfg: dict | None
    notes: list[str] = field(default_factory=list)  # what the report could not do, and why


def num(value: Any) -> float | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value == value
    return float(value) if ok else None


def _clean(rec: dict) -> dict:
    """A record with every field of the expected type, so rendering never trips on a bad one."""

    def lists(value: Any) -> list[list]:
        return [x if isinstance(x, list) else [] for x in value] if isinstance(value, list) else []

    out = dict(rec)
    out["status"] = str(rec.get("status") or "unknown")
    out["error"] = None if rec.get("error") is None else str(rec["error"])
    out["solver"] = str(rec.get("solver") or "?")
    out["time_s"] = max(0.0, num(rec.get("time_s")) or 0.0)
    out["attempts"] = lists(rec.get("attempts"))
    out["attempt_sources"] = [[str(s) for s in x] for x in lists(rec.get("attempt_sources"))]
    out["candidates"] = [
        [c for c in x if isinstance(c, dict)] for x in lists(rec.get("candidates"))
    ]
    n_test = rec.get("n_test")
    out["n_test"] = n_test if isinstance(n_test, int) and 0 <= n_test <= 100 else 0
    correct = rec.get("correct")
    out["correct"] = (
        [c if isinstance(c, bool) else None for c in correct] if isinstance(correct, list) else None
    )
    score = num(rec.get("score"))
    out["score"] = None if score is None else min(1.0, max(0.0, score))
    return out


def _any_record(rec) -> str | None:
    ok = isinstance(rec, dict) and isinstance(rec.get("task_id"), str)
    return None if ok else "no task id"


def _read_results(path: Path, notes: list[str]) -> dict[str, dict]:
    """The run's records by task id, read as the run reads them (ensemble.run.records) but
    keeping any object with a task id, each cleaned for rendering: a malformed record costs its
    own card at most."""
    if not path.is_file():
        notes.append(f"{path.name} not found")
        return {}
    problems: list[str] = []
    kept = read_results(path, problems, _any_record)
    results = {tid: _clean(rec) for tid, rec in kept.items()}
    if problems:
        notes.append(f"{len(problems)} unreadable line(s) in {path.name} skipped")
    return results


def _data_config(run_dir: Path, notes: list[str]) -> dict | None:
    """The run's data config: config.json (resolved by arc-solve), else .hydra/config.yaml."""
    plain = run_dir / "config.json"
    if plain.is_file():
        try:
            data = json.loads(plain.read_text(encoding="utf-8")).get("data")
        except (json.JSONDecodeError, OSError, AttributeError):
            data = None
        if isinstance(data, dict):
            return data
    path = run_dir / ".hydra" / "config.yaml"
    if not path.is_file():
        notes.append("no .hydra/config.yaml: demonstrations and true outputs not reloaded")
        return None
    from omegaconf import OmegaConf  # hydra's own config library; imported only when needed

    try:
        data = OmegaConf.load(path).get("data")
    except Exception as e:  # a malformed config must not stop the report
        notes.append(f"could not read .hydra/config.yaml: {e}")
        return None
    if data is None:
        notes.append(".hydra/config.yaml has no data section: demonstrations not reloaded")
        return None
    try:
        return OmegaConf.to_container(data, resolve=True)
    except Exception:  # e.g. ${hydra:...} interpolations only resolve inside a Hydra app
        return OmegaConf.to_container(data, resolve=False)


def _reload_tasks(data_cfg: dict, ids: set[str], notes: list[str]) -> dict[str, Task]:
    try:
        from ensemble.data import load_tasks
    except ImportError as e:
        notes.append(f"demonstrations not shown: ensemble.data.load_tasks unavailable ({e})")
        return {}
    try:
        loaded = load_tasks(dict(data_cfg)).tasks
    except Exception as e:  # data moved or unreadable: degrade to a report without demos
        notes.append(
            f"demonstrations not shown: reloading the data failed ({type(e).__name__}: {e})"
        )
        return {}
    tasks = {t.id: t for t in loaded if t.id in ids}
    if ids and len(tasks) < len(ids):
        notes.append(f"{len(ids) - len(tasks)} task(s) not found when reloading the data")
    return tasks


def load_run(run_dir: Path, tasks: list[Task] | None = None, reload_tasks: bool = True) -> Run:
    """Read a run dir; `tasks` (already in memory) spares reloading them from the data config."""
    run_dir = Path(run_dir)
    notes: list[str] = []
    results = _read_results(run_dir / "results.jsonl", notes)
    summary: dict = {}
    if (run_dir / "summary.json").is_file():
        try:
            summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
        except (json.JSONDecodeError, OSError) as e:
            notes.append(f"summary.json unreadable: {e}")
    data_cfg = None
    task_map: dict[str, Task] = {}
    if tasks is not None:
        task_map = {t.id: t for t in tasks if t.id in results}
    elif reload_tasks:
        data_cfg = _data_config(run_dir, notes)
        if data_cfg is not None:
            task_map = _reload_tasks(data_cfg, set(results), notes)
    else:
        notes.append("demonstrations not reloaded (--no-tasks)")
    return Run(
        run_dir, results, summary if isinstance(summary, dict) else {}, task_map, data_cfg, notes
    )
