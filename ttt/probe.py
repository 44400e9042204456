"""The probe suite: what a base model can do, per concept family, before and after TTT.

    python -m ttt.probe [overrides]       # conf/probe.yaml; e.g. model.path=DIR probe.ttt=true

Scores (exact match, pass@2 as in ARC: either of the two best candidates equals the output):

- per generator family, on held-out tasks (`ttt.pretrain_data.heldout_task`: a seed space that
  pre-training never draws, and refused by content should the stream make one anyway);
- on a fixed sample of ARC-AGI-1 training tasks (the first `probe.arc1_train` ids in sorted
  order, after the evaluation guard). These are pre-training tasks: the row measures fit, not
  transfer. ARC-AGI-1 evaluation is never probed.

Each task runs through the TTT solver: `ttt.steps=0` (no test-time training) always, and the
configured TTT too with `probe.ttt=true` (slow). Writes a JSON summary (`out.summary`) and
appends one line to the curve file (`out.curve`): the weights' tokens seen and CPU-hours (from
their pretrain_info.json) beside the scores, the figure the README plots against tokens seen.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from dsl.types import Budget, Task
from ttt.format import serialized_length
from ttt.model import ModelConfig, plain, resolve_path, weights_digest
from ttt.pretrain_data import HELDOUT_MAX, heldout_task, load_real_tasks

log = logging.getLogger(__name__)
PROBED = ("per_family", "arc1_train")  # with the family count: what a curve line probed


def probe_tasks(families: list[str], per_family: int, n_arc: int) -> list[tuple[str, Task]]:
    """(group, task) pairs: group is the generator family, or "arc1_train"."""
    if not 0 <= per_family <= HELDOUT_MAX:
        raise ValueError(f"probe.per_family must be 0..{HELDOUT_MAX} (the held-out tasks)")
    out = [(f, heldout_task(f, j)) for f in families for j in range(per_family)]
    if n_arc:
        real, _ = load_real_tasks(["arc1_train"])  # the guard drops what matches evaluation
        out += [("arc1_train", t) for t in sorted(real, key=lambda t: t.id)[:n_arc]]
    return out


def score(solver, task: Task, seconds: float) -> float:
    """Fraction of the task's test outputs among the solver's two best candidates."""
    result = solver.solve(task, Budget(seconds))
    hits = [
        any(np.array_equal(c.grid, want) for c in cands[:2])
        for cands, want in zip(result.candidates, task.test_outputs or [])
    ]
    return float(np.mean(hits)) if hits else 0.0


def _mean(xs: list[float]) -> float | None:
    return round(float(np.mean(xs)), 4) if xs else None


def run(cfg: Any) -> dict:
    """Run the probe as configured; returns the summary (also written to out.summary)."""
    from ttt.generators import families as all_families
    from ttt.solver import TTTSolver

    c = plain(cfg)
    pc, oc = c["probe"], c["out"]
    known = all_families()
    groups = {g: list(fs) for g, fs in (pc.get("groups") or {}).items()}
    names = expand_families(pc["families"], known, groups)
    mcfg = ModelConfig.from_dict(c["model"])
    tasks = [
        (g, t)
        for g, t in probe_tasks(names, int(pc["per_family"]), int(pc["arc1_train"]))
        if pc["max_task_tokens"] is None or serialized_length(t, mcfg.fmt) <= pc["max_task_tokens"]
    ]
    modes = {"base": {**c["ttt"], "steps": 0}}
    if pc["ttt"]:
        modes["ttt"] = dict(c["ttt"])
    # which weights: read before they are loaded, since a pre-training run beside the probe may
    # save newer ones into the same directory while it runs
    ident = _identity(mcfg)
    started = time.monotonic()
    scores: dict[str, dict[str, list[float]]] = {}
    for mode, tcfg in modes.items():
        solver = TTTSolver(model=c["model"], ttt=tcfg, name=f"probe-{mode}")
        solver.warmup()
        per: dict[str, list[float]] = {}
        for i, (group, task) in enumerate(tasks):
            per.setdefault(group, []).append(score(solver, task, float(pc["budget_s"])))
            if (i + 1) % 25 == 0:
                log.info("probe %s: %d/%d tasks", mode, i + 1, len(tasks))
        scores[mode] = per
    seconds = time.monotonic() - started
    summary = _summary(c, ident, names, known, groups, scores, len(tasks), seconds)
    if weights_digest(resolve_path(mcfg.path)) != ident["weights"]:
        log.warning(
            "the weights in %s changed during the probe; the scores are those of "
            "the weights it loaded (step %s)",
            ident["model"],
            ident["step"],
        )
    path = Path(oc["summary"]).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=1))
    if oc.get("curve"):
        curve = Path(oc["curve"]).expanduser()
        curve.parent.mkdir(parents=True, exist_ok=True)
        line = {k: summary[k] for k in ("time", "model", "weights", "tokens", "cpu_hours", "step")}
        # what was probed: lines of a narrower probe are not points of the full curve
        line["probed"] = {"families": len(names), **{k: pc[k] for k in PROBED}}
        for mode, s in summary["scores"].items():
            line[mode] = {
                "generators": s["generators"],
                "arc1_train": s["arc1_train"],
                **s["tags"],
                **{g: x for g, x in s["groups"].items() if x is not None},
            }
        with open(curve, "a") as f:
            f.write(json.dumps(line) + "\n")
    log.info("probe: %s", json.dumps({m: s["generators"] for m, s in summary["scores"].items()}))
    return summary


def expand_families(entries, known: dict, groups: dict[str, list[str]]) -> list[str]:
    """The families named by `entries` (None: all; []: none, a probe of ARC-AGI-1 training
    alone), each a family, a tag or a group of probe.groups (a family name wins over a tag or
    group of the same name)."""
    from ttt.generators import by_tag

    if entries is None:
        return sorted(known)
    tags = by_tag()
    out: set[str] = set()
    for e in entries:
        fs = [e] if e in known else groups.get(e) or tags.get(e)
        if fs is None:
            raise ValueError(f"probe.families: {e!r} is not a family, tag or probe.groups name")
        out.update(fs)
    unknown = out - set(known)
    if unknown:
        raise ValueError(f"probe.families: unknown families {sorted(unknown)}")
    return sorted(out)


def _identity(mcfg: ModelConfig) -> dict:
    """The weights a probe scores: path, digest, and step, tokens and CPU-hours from their
    pretrain_info.json (None where there is none)."""
    path = resolve_path(mcfg.path)
    info_file = path / "pretrain_info.json"
    info = json.loads(info_file.read_text()) if info_file.exists() else {}
    cpu_s = info.get("cpu_seconds")
    return {
        "model": str(path),
        "weights": weights_digest(path),
        "step": info.get("step"),
        "tokens": None if "tokens" not in info else info["tokens"] + info.get("prior_tokens", 0),
        "cpu_hours": None if cpu_s is None else round(cpu_s / 3600, 3),
    }


def _summary(c, ident, names, known, groups, scores, n_tasks, seconds) -> dict:
    out = {
        "time": time.strftime("%Y-%m-%d %H:%M:%S"),
        **ident,
        "probe": c["probe"],
        "tasks": n_tasks,
        "seconds": round(seconds, 1),
        "scores": {},
    }
    for mode, per in scores.items():
        fams = {f: _mean(per[f]) for f in names if f in per}
        tags: dict[str, list[float]] = {}
        for f in names:
            tags.setdefault(known[f].tag, []).extend(per.get(f, []))
        out["scores"][mode] = {
            "generators": _mean([x for f in names for x in per.get(f, [])]),
            "arc1_train": _mean(per.get("arc1_train", [])),
            "tags": {t: _mean(xs) for t, xs in sorted(tags.items())},
            # a group scores only when the probe covered all of it
            "groups": {
                g: _mean([x for f in fs for x in per[f]]) if all(f in per for f in fs) else None
                for g, fs in groups.items()
            },
            "families": fams,
        }
    return out


def main(argv: list[str] | None = None) -> dict:
    """Compose conf/probe.yaml with Hydra-style overrides from the command line and run."""
    from hydra import compose, initialize_config_dir

    import conf

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    overrides = list(sys.argv[1:] if argv is None else argv)
    with initialize_config_dir(str(Path(conf.__file__).resolve().parent), version_base="1.3"):
        cfg = compose("probe", overrides=overrides)
    return run(cfg)


if __name__ == "__main__":
    main()
