"""From ranked candidates to the two attempts per test input.

The multi-solver strategies (priority, product-of-experts) build on `pick_attempts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import zip_longest

from dsl.types import Candidate, Grid, grid_key, grid_to_list, is_grid

N_ATTEMPTS = 2


def pick_attempts(
    ranked: Sequence[dict], fallback: Grid, n: int = N_ATTEMPTS
) -> tuple[list[list[list[int]]], list[str]]:
    """The first `n` distinct valid grids of `ranked` (candidate dicts, best first), padded with
    `fallback` (the test input). Returns (grids as lists, the source of each: "fallback" for
    padding)."""
    grids, sources, seen = [], [], set()
    for c in ranked:
        if not is_grid(c["grid"]):
            continue
        key = grid_key(c["grid"])
        if key in seen:
            continue
        seen.add(key)
        grids.append(grid_to_list(c["grid"]))
        sources.append(c.get("source") or "?")
        if len(grids) == n:
            break
    while len(grids) < n:
        grids.append(grid_to_list(fallback))
        sources.append("fallback")
    return grids, sources


def merge_ranked(*lists: Sequence[Candidate]) -> list[Candidate]:
    """Concatenate ranked lists, keeping the first copy of each grid; later copies add their
    solver to its `detail["sources"]` (so a grid both solvers proposed says so), their rank to
    `detail["ranks"]`, and any detail keys the kept copy lacks."""
    out: list[Candidate] = []
    by_key: dict[tuple, Candidate] = {}
    for ranked in lists:
        for c in ranked:
            key = grid_key(c.grid)
            if key in by_key:
                kept = by_key[key].detail
                sources = kept.setdefault("sources", [by_key[key].source])
                if c.source not in sources:
                    sources.append(c.source)
                if "ranks" in c.detail:  # its rank in the other solver's own list
                    kept["ranks"] = {**c.detail["ranks"], **kept.get("ranks", {})}
                for k, v in c.detail.items():  # e.g. a TTT vote keeps the DSL's program facts
                    kept.setdefault(k, v)
                continue
            by_key[key] = c
            out.append(c)
    return out


def fits_demos(c: Candidate) -> bool:
    """A candidate from a program that reproduces every demonstration."""
    return bool(c.detail.get("fits_all_demos"))


def priority(dsl: Sequence[Candidate], ttt: Sequence[Candidate], **_) -> list[Candidate]:
    """Verified programs first (the DSL ranks them by support, then simplicity), then TTT's voted
    candidates, then the DSL's near-misses (BARC's rule: induction when a program fits)."""
    verified = [c for c in dsl if fits_demos(c)]
    near = [c for c in dsl if not fits_demos(c)]
    return merge_ranked(verified, ttt, near)


def dsl_first(dsl: Sequence[Candidate], ttt: Sequence[Candidate], **_) -> list[Candidate]:
    """Everything the DSL proposes first (verified programs, then its near-misses: programs that
    reproduce most demo cells), TTT's votes after. For a TTT that is weak evidence, as the small
    default model is under a CPU share of a task's budget; `priority` is BARC's rule for a
    strong one."""
    verified = [c for c in dsl if fits_demos(c)]
    near = [c for c in dsl if not fits_demos(c)]
    return merge_ranked(verified, near, ttt)


def split(dsl: Sequence[Candidate], ttt: Sequence[Candidate], **_) -> list[Candidate]:
    """Verified programs first; where they leave attempts free, each solver's own best guess in
    turn (the DSL's top near-miss, TTT's top vote, ...), so neither solver's confidence has to be
    calibrated against the other's: the Kaggle habit of one attempt per solver."""
    verified = [c for c in dsl if fits_demos(c)]
    near = [c for c in dsl if not fits_demos(c)]
    alternating = [c for pair in zip_longest(near, ttt) for c in pair if c is not None]
    return merge_ranked(verified, alternating)


def poe(
    dsl: Sequence[Candidate], ttt: Sequence[Candidate], program_bonus: float = 2.0, **_
) -> list[Candidate]:
    """Rank everything by the TTT model's product-of-experts log-probability (TTT scored the DSL's
    verified outputs too, as `extra` grids), plus `program_bonus` for a verified program's output.
    Candidates without a PoE score keep the priority order after the scored ones."""
    dsl_by_key = {grid_key(c.grid): c for c in dsl}
    scored: list[tuple[float, Candidate]] = []
    for c in ttt:
        if c.detail.get("poe") is None:
            continue
        owner = dsl_by_key.get(grid_key(c.grid))
        # the bonus goes to a verified grid whether TTT also voted for it or only scored it
        bonus = program_bonus if owner is not None and fits_demos(owner) else 0.0
        if owner is not None and c.detail.get("extra"):
            owner.detail["poe"] = c.detail["poe"]
            c = owner  # an extra grid is the DSL's answer: keep its source and program
        scored.append((c.detail["poe"] + bonus, c))
    scored.sort(key=lambda sc: -sc[0])
    ranked = [c for _, c in scored]
    # a verified output TTT had no time to score keeps its place ahead of everything unverified
    have = {grid_key(c.grid) for c in ranked}
    unscored = [c for c in dsl if fits_demos(c) and grid_key(c.grid) not in have]
    verified = {grid_key(c.grid) for c in dsl if fits_demos(c)}
    k = next((j for j, c in enumerate(ranked) if grid_key(c.grid) not in verified), len(ranked))
    ranked[k:k] = unscored
    own = [c for c in ttt if not c.detail.get("extra")]  # scored-only grids are not TTT's votes
    return merge_ranked(ranked, priority(dsl, own))


STRATEGIES = {"priority": priority, "dsl_first": dsl_first, "split": split, "poe": poe}
