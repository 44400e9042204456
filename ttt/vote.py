"""Hierarchical voting over predictions made under many views.

Within each group (views sharing a symmetry) the most frequent grids are kept (top-k); globally,
grids are ranked by how many groups kept them, then by total votes, then by mean log-probability.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from dsl.types import Candidate, Grid, grid_key
from ttt.infer import Prediction


@dataclass
class Tally:
    grid: Grid
    votes: int = 0
    views: set | None = None
    groups_top: int = 0
    logprob_sum: float = 0.0

    @property
    def mean_logprob(self) -> float:
        return self.logprob_sum / max(1, self.votes)


def vote(predictions: list[Prediction], top_k_per_group: int = 3) -> list[Tally]:
    """Ranked tallies, best first (empty when there are no predictions)."""
    tallies: dict[tuple, Tally] = {}
    by_group: dict[int, dict[tuple, int]] = defaultdict(lambda: defaultdict(int))
    for p in predictions:
        k = grid_key(p.grid)
        t = tallies.setdefault(k, Tally(p.grid, views=set()))
        t.votes += 1
        t.views.add(p.view)
        t.logprob_sum += p.logprob
        by_group[p.group][k] += 1
    for counts in by_group.values():
        ranked = sorted(counts, key=lambda k: (-counts[k], -tallies[k].mean_logprob))
        for k in ranked[:top_k_per_group]:
            tallies[k].groups_top += 1
    return sorted(tallies.values(), key=lambda t: (-t.groups_top, -t.votes, -t.mean_logprob))


def to_candidates(
    tallies: list[Tally], n_predictions: int, max_candidates: int, source: str = "ttt"
) -> list[Candidate]:
    """Top tallies as Candidates; score = share of all predictions that voted for the grid."""
    out = []
    for t in tallies[:max_candidates]:
        out.append(
            Candidate(
                grid=t.grid,
                score=t.votes / max(1, n_predictions),
                source=source,
                detail={
                    "votes": t.votes,
                    "views": len(t.views or ()),
                    "groups": t.groups_top,
                    "mean_logprob": round(t.mean_logprob, 4),
                },
            )
        )
    return out
