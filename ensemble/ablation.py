"""What one run's candidates say beyond its own attempts: each solver alone, every combination
strategy re-applied to the same candidate pool, the oracle, and what adaptive routing saves.

The ensemble records, on every candidate, its rank in each solver's own list
(`detail["ranks"] = {solver: rank}`) and, per task, the two solvers' names and whether its
confidence rule fired; from those, any strategy can be replayed without running the solvers again.
"""

from __future__ import annotations

from dsl.types import Candidate, grid_key, grids_equal
from ensemble.combine import STRATEGIES, fits_demos
from ensemble.scoring import aggregate


def pick_top(ranked: list[dict], n: int = 2) -> list[dict]:
    """The first `n` candidates with distinct grids (what would become the attempts)."""
    out, seen = [], set()
    for c in ranked:
        key = grid_key(c["grid"])
        if key not in seen:
            seen.add(key)
            out.append(c)
        if len(out) == n:
            break
    return out


def proposers(c: dict) -> set[str]:
    """Every solver that proposed a candidate (a grid both proposed is kept once, under one
    source)."""
    return {c["source"], *c.get("detail", {}).get("sources", ())}


def own_ranked(ranked: list[dict], source: str) -> list[dict]:
    """A solver's own candidates in its own order: by `detail["ranks"][source]` where the ensemble
    recorded it, else in the run's order."""
    own = [c for c in ranked if source in proposers(c)]
    last = len(ranked)  # unranked ones keep the run's order after the ranked (sort is stable)
    own.sort(key=lambda c: c["detail"].get("ranks", {}).get(source, last))
    return own


def _as_candidates(dicts: list[dict], source: str) -> list[Candidate]:
    """The saved candidates as `source`'s own (without the merge's list of other proposers)."""
    out = []
    for d in dicts:
        c = Candidate.from_json(d)
        c.source = source
        c.detail.pop("sources", None)
        out.append(c)
    return out


def reselect(
    ranked: list[dict], strategy: str, solvers: tuple[str, str], program_bonus: float = 2.0
) -> list[dict]:
    """Re-apply a combination strategy to one test input's saved candidates (dicts as in
    results.jsonl); returns those dicts in the strategy's order. `solvers`: (program solver's
    name, TTT solver's name). A verified grid with a PoE score goes back to TTT as an `extra`
    grid, as it did in the run."""
    first, second = solvers
    dsl = _as_candidates(own_ranked(ranked, first), first)
    ttt = _as_candidates(own_ranked(ranked, second), second)
    in_ttt = {grid_key(c.grid) for c in ttt}
    extras = [
        Candidate(c.grid, 0.0, second, {"poe": c.detail["poe"], "extra": True})
        for c in dsl
        if fits_demos(c) and c.detail.get("poe") is not None and grid_key(c.grid) not in in_ttt
    ]
    by_key = {grid_key(c["grid"]): c for c in ranked}
    out = STRATEGIES[strategy](dsl, ttt + extras, program_bonus=program_bonus)
    return [by_key[grid_key(c.grid)] for c in out]


def _solvers(record: dict) -> tuple[str, str] | None:
    names = (record.get("solver_detail") or {}).get("solvers")
    return tuple(names) if names and len(names) == 2 else None  # type: ignore[return-value]


def _hits(record: dict, order, *args) -> list[bool]:
    """Per test input: is the truth among the top two of `order(ranked, *args)`?"""
    return [
        any(c.get("correct") for c in pick_top(order(ranked, *args)))
        for ranked in record["candidates"]
    ]


def oracle_hits(record: dict) -> list[bool]:
    """Per test input: is the truth anywhere among its candidates (the oracle)?"""
    return [any(c.get("correct") for c in ranked) for ranked in record["candidates"]]


def ablation(records: list[dict]) -> dict:
    """Scores (mean per-task fraction, 2 attempts) of: each solver alone (its own candidates,
    ranked as it ranked them), the run's actual attempts, every combination strategy replayed on
    the same candidates (ensemble runs only; `poe` only where PoE scores were computed), and the
    oracle (any candidate right), so the loss from selection is visible. A solver skipped by
    routing counts as having answered nothing there."""
    sources = sorted({s for r in records for ranked in r["candidates"] for c in ranked
                      for s in proposers(c)})  # fmt: skip
    per: dict[str, list[list[bool]]] = {f"{s} alone": [] for s in sources}
    per["combined"], per["oracle"] = [], []
    replay = [r for r in records if _solvers(r)]
    # PoE can be replayed only where the run scored the DSL's outputs too (a poe run)
    has_poe = any(r["solver_detail"].get("strategy") == "poe" for r in replay)
    strategies = [s for s in STRATEGIES if s != "poe" or has_poe] if replay else []
    for s in strategies:
        per[s] = []
    for r in records:
        per["combined"].append(r["correct"])
        per["oracle"].append(oracle_hits(r))
        for s in sources:
            per[f"{s} alone"].append(_hits(r, own_ranked, s))
        names = _solvers(r)
        for s in strategies:
            if names is None:  # not an ensemble record: its own attempts stand in
                per[s].append(r["correct"])
            else:
                bonus = float(r["solver_detail"].get("program_bonus", 2.0))
                per[s].append(_hits(r, reselect, s, names, bonus))
    return {k: round(aggregate(v)["score"], 4) for k, v in per.items()}


def routing(records: list[dict]) -> dict | None:
    """Adaptive routing's trade, from the tasks where the ensemble's confidence rule fired: TTT
    seconds spent there (saved by skipping it) and the score with TTT versus with the program
    solver's own top two. Measured in a `route=always` run, where TTT ran on those tasks too; in
    an adaptive run it skipped them, so only their count and DSL score are known."""
    rows = [r for r in records if (r.get("solver_detail") or {}).get("confident") is not None]
    if not rows:
        return None
    conf = [r for r in rows if r["solver_detail"]["confident"]]
    ran = [r for r in conf if r["solver_detail"].get("ttt_s") is not None]
    alone = [_hits(r, own_ranked, _solvers(r)[0]) if _solvers(r) else r["correct"] for r in conf]
    out = {
        "tasks": len(rows),
        "confident_tasks": len(conf),
        "ttt_skipped": len(conf) - len(ran),
        "confident_score_program_only": round(aggregate(alone)["score"], 4) if conf else None,
        "ttt_s_total": round(sum(r["solver_detail"].get("ttt_s") or 0.0 for r in rows), 1),
    }
    if ran and len(ran) == len(conf):  # route=always: the counterfactual is measurable
        with_ttt = aggregate(r["correct"] for r in conf)["score"]
        n = len(records)  # the run's score averages over every scored task
        out["ttt_s_saved_if_adaptive"] = round(sum(r["solver_detail"]["ttt_s"] for r in conf), 1)
        out["confident_score_with_ttt"] = round(with_ttt, 4)
        # per-task score lost over the whole run, if confident tasks had kept the program's answer
        out["score_lost_if_adaptive"] = round(
            (with_ttt - aggregate(alone)["score"]) * len(conf) / n, 4
        )
    return out


def by_source(records: list[dict]) -> dict:
    """Per solver: test outputs it answered correctly in the attempts, and (oracle) anywhere among
    its candidates."""
    out: dict[str, dict] = {}
    for r in records:
        for i, ranked in enumerate(r["candidates"]):
            truth_hit = {s for c in ranked if c.get("correct") for s in proposers(c)}
            for src in {s for c in ranked for s in proposers(c)}:
                s = out.setdefault(src, {"outputs_with_candidates": 0, "attempts_correct": 0,
                                         "oracle_correct": 0})  # fmt: skip
                s["outputs_with_candidates"] += 1
                s["oracle_correct"] += src in truth_hit
            for a, src in zip(r["attempts"][i], r["attempt_sources"][i]):
                if (
                    src in out
                    and r["correct"][i]
                    and any(c.get("correct") and grids_equal(c["grid"], a) for c in ranked)
                ):
                    out[src]["attempts_correct"] += 1
                    break
    # sorted: set order varies with string hashing, and summary.json should not
    return dict(sorted(out.items()))
