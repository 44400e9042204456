"""Provenance of a run's results: the code that made them (`code_digest`, stamped on every
record) and the configuration (`check_fingerprint`: solver config, task budget, and what the
solver says identifies it beyond its config, e.g. a digest of its model weights)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from dsl.types import Solver
from ensemble.checks import UsageError
from ensemble.submission import write_json_atomic

log = logging.getLogger(__name__)

# Modules and packages of `ensemble` that only carry results (the run loop, CLI, reports): not
# part of the code digest.
_PLUMBING = ("run", "cli", "report", "ablation", "submission", "checks", "runlock")


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
            if pkg == "ensemble" and rel.split("/")[0].removesuffix(".py") in _PLUMBING:
                continue
            data = f.read_bytes()
            try:
                data = ast.dump(ast.parse(data)).encode()
            except (SyntaxError, ValueError):
                pass  # a file mid-edit: its bytes still identify it
            h.update(f"{pkg}/{rel}\0".encode() + data)
    return h.hexdigest()[:12]


def _flatten(d, prefix: str = "") -> dict:
    if not isinstance(d, dict):
        return {prefix: d}
    out: dict = {}
    for k, v in d.items():
        out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    return out


def solver_identity(solver: Solver | None) -> dict:
    """{"solver.KEY": value} of what the solver says identifies it beyond its config
    (`Solver.fingerprint`, e.g. model weights); empty without a solver."""
    if solver is None:
        return {}
    return {f"solver.{k}": v for k, v in sorted(solver.fingerprint().items())}


def check_fingerprint(run_dir: Path, cfg: dict, resuming: bool, solver: Solver | None) -> None:
    """Refuse to resume into a run dir whose finished tasks came from another solver config,
    task budget or solver identity (model weights; the results would be a silent mix); record
    it otherwise."""
    mine = {
        "solver": cfg["solver"],
        "task_s": cfg["budget"]["task_s"],
        "memory_mb": cfg["budget"].get("memory_mb"),
        "weights": solver_identity(solver),
    }
    path = run_dir / "fingerprint.json"
    if resuming and not path.exists():  # a run dir from before fingerprints were written
        log.warning(
            "[resume] %s has no fingerprint.json: cannot check that its finished tasks came "
            "from this configuration",
            run_dir,
        )
    theirs = None
    if resuming and path.exists():
        try:
            theirs = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            log.warning(
                "[resume] %s is unreadable (%s): cannot check that its finished tasks came from "
                "this configuration; rewritten",
                path, type(e).__name__,
            )  # fmt: skip
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
