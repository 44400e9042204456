"""What pre-training reads: real tasks, concept-generator tasks and `dsl.synth` programs, mixed
by configured weights, behind a leakage guard.

Real tasks are ARC-AGI-1 training and `arc2_train_unseen` (the ARC-AGI-2 training tasks in
neither ARC-AGI-1 set). Everything else is refused by name. The guard then refuses any task,
real or generated, whose id or content matches an ARC-AGI-1 evaluation task: by id, by
`dsl.datasets.content_key` (demos and test inputs), and by the order-free set of all its pairs
(test pairs included), so a reshuffled copy or an evaluation test pair used as a demo is caught.
Generated tasks are also refused when any of their inputs is an evaluation input grid (dsl.synth
runs random programs on ARC-AGI-1 training inputs, and one training task is an evaluation task;
real tasks are not held to this, as a few training tasks share a small input with evaluation).
Refused tasks are dropped, logged and counted (ARC-AGI-1 training itself holds one).

Held-out generator tasks (what `ttt.probe` scores) come from their own seed space: a
`SeedSequence` with the probe's entropy and a (family, index) spawn key, which no pre-training
stream (`default_rng(train.seed)`) draws from; the mix also refuses any generated task whose pairs
equal a held-out task's, so the probe never scores a task pre-training has shown.
"""

from __future__ import annotations

import hashlib
import logging
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from dsl.types import Pair, Task, grid_key

log = logging.getLogger(__name__)

ALLOWED_SETS = ("arc1_train", "arc2_train_unseen")
FORBIDDEN_SETS = ("arc1_eval", "arc2_train", "arc2_eval")
SOURCES = ("generators", "real", "synth")
HELDOUT_ENTROPY = 0x9E0BE5EED  # the probe's seed space (pre-training uses default_rng(seed))
HELDOUT_MAX = 16  # held-out tasks per family that pre-training refuses (the probe draws <= this)
RETRIES = 10  # refused or failing draws in a row before a generated source gives way to a real task


def task_pairs(task: Task) -> list[Pair]:
    """Demos and, where the outputs are known, test pairs: everything pre-training may show."""
    pairs = list(task.train)
    if task.test_outputs is not None:
        pairs += [Pair(i, o) for i, o in zip(task.test_inputs, task.test_outputs)]
    return pairs


def pairs_key(pairs: list[Pair]) -> str:
    """An order-free digest of a task's pairs (the same pairs in any order, any split)."""
    keys = sorted(
        hashlib.sha256(
            repr((p.input.shape, p.output.shape)).encode()
            + np.ascontiguousarray(p.input, dtype=np.int8).tobytes()
            + np.ascontiguousarray(p.output, dtype=np.int8).tobytes()
        ).hexdigest()
        for p in pairs
    )
    return hashlib.sha256("".join(keys).encode()).hexdigest()


@dataclass
class EvalGuard:
    """Ids and content digests of ARC-AGI-1 evaluation: `why(task)` says how a task matches."""

    ids: frozenset[str]
    content: frozenset[str]
    pair_sets: frozenset[str]
    inputs: frozenset[tuple]  # grid_key of every evaluation input grid (demos and tests)

    @classmethod
    @cache
    def load(cls) -> EvalGuard:
        """The guard for the bundled ARC-AGI-1 evaluation set (built once per process)."""
        from dsl.datasets import content_key, raw_set

        ev = raw_set("arc1_eval")
        tasks = [Task.from_json(tid, raw) for tid, raw in ev.items()]
        return cls(
            frozenset(ev),
            frozenset(content_key(raw) for raw in ev.values()),
            frozenset(pairs_key(task_pairs(t)) for t in tasks),
            frozenset(
                grid_key(g) for t in tasks for g in [p.input for p in t.train] + t.test_inputs
            ),
        )

    def why(self, task: Task, inputs: bool = False) -> str | None:
        """How `task` matches an evaluation task (id, content, pairs; with `inputs`, also any
        input grid), or None."""
        from dsl.datasets import content_key

        if task.id in self.ids:
            return f"id {task.id} is an ARC-AGI-1 evaluation task"
        if content_key(task.to_json(with_outputs=False)) in self.content:
            return f"task {task.id} has the content of an ARC-AGI-1 evaluation task"
        if pairs_key(task_pairs(task)) in self.pair_sets:
            return f"task {task.id} has the pairs of an ARC-AGI-1 evaluation task"
        grids = [p.input for p in task.train] + list(task.test_inputs)
        if inputs and any(grid_key(g) in self.inputs for g in grids):
            return f"task {task.id} shows an input grid of an ARC-AGI-1 evaluation task"
        return None


def heldout_task(name: str, j: int) -> Task:
    """The j-th held-out task of generator family `name` (0 <= j < HELDOUT_MAX): same for every
    run, drawn from a seed space that pre-training never uses."""
    if not 0 <= j < HELDOUT_MAX:
        raise ValueError(f"held-out index {j} outside 0..{HELDOUT_MAX - 1}")
    from ttt.generators import make_task

    seq = np.random.SeedSequence(HELDOUT_ENTROPY, spawn_key=(zlib.crc32(name.encode()), j))
    return make_task(name, np.random.default_rng(seq))


@cache
def heldout_keys(names: tuple[str, ...]) -> frozenset[str]:
    """pairs_key of every held-out task of the families `names` (what the mix refuses)."""
    return frozenset(
        pairs_key(task_pairs(heldout_task(n, j))) for n in names for j in range(HELDOUT_MAX)
    )


def check_set_name(name: str) -> None:
    """Raise ValueError unless `name` is a set pre-training may read."""
    if (
        name in FORBIDDEN_SETS
        or "eval" in name
        or (name.startswith("arc2") and name != "arc2_train_unseen")
    ):
        raise ValueError(f"refusing to pre-train on {name!r}: leakage (validation data)")
    if name not in ALLOWED_SETS:
        raise ValueError(f"unknown pre-training set {name!r}; allowed: {ALLOWED_SETS}")


def load_real_tasks(
    names: list[str], guard: EvalGuard | None = None
) -> tuple[list[Task], list[str]]:
    """The tasks of the allowed sets the guard lets through, and why the others were refused
    (ARC-AGI-1 training itself holds one evaluation task: 40853293 is 070dd51e)."""
    from dsl.datasets import raw_set

    for n in names:
        check_set_name(n)
    guard = guard or EvalGuard.load()
    tasks, refused = [], []
    for n in names:
        for tid, raw in sorted(raw_set(n).items()):
            t = Task.from_json(tid, raw)
            problem = guard.why(t)
            if problem:
                refused.append(f"{n}: {problem}")
                log.warning("refused: %s: %s", n, problem)
            else:
                tasks.append(t)
    return tasks, refused


@dataclass
class MixConfig:
    """Sampling weights of the three sources (normalised; 0 turns one off) and, optionally,
    the generator families to draw from (None: all) and weights among them (`weights`: a tag or
    family name -> weight; a family name wins over its tag, 1 for the rest)."""

    generators: float = 0.5
    real: float = 0.33
    synth: float = 0.17
    families: list[str] | None = None
    weights: dict[str, float] | None = None

    @classmethod
    def from_dict(cls, d: dict | None) -> MixConfig:
        d = dict(d or {})
        unknown = set(d) - {"generators", "real", "synth", "families", "weights"}
        if unknown:
            raise ValueError(f"data.mix: unknown keys {sorted(unknown)}")
        if d.get("weights") is not None:
            d["weights"] = {str(k): float(v) for k, v in dict(d["weights"]).items()}
        cfg = cls(**d)
        if min(cfg.source_weights()) < 0 or sum(cfg.source_weights()) <= 0:
            raise ValueError(f"data.mix: weights must be >= 0 and not all 0 ({cfg})")
        return cfg

    def family_weights(self) -> dict[str, float] | None:
        """Each generator family's draw weight from `weights` (None: a uniform draw)."""
        if not self.weights:
            return None
        from ttt.generators import by_tag, families

        known = families()
        pool = sorted(self.families or known)
        unknown = set(self.weights) - set(known) - set(by_tag())
        if unknown:
            raise ValueError(f"data.mix.weights: not a tag or family: {sorted(unknown)}")
        out = {n: self.weights.get(n, self.weights.get(known[n].tag, 1.0)) for n in pool}
        if min(out.values()) < 0 or sum(out.values()) <= 0:
            raise ValueError(f"data.mix.weights: must be >= 0 and not all 0 ({self.weights})")
        return out

    def source_weights(self) -> list[float]:
        return [float(getattr(self, s)) for s in SOURCES]


@dataclass
class TaskMix:
    """Draws (source, pairs) by the configured weights. A generated task that fails or that the
    guard refuses is drawn again (RETRIES in a row give way to a real task) and counted in
    `failures` / `refused` (which starts at the number of real tasks refused)."""

    real: list[list[Pair]]
    cfg: MixConfig
    guard: EvalGuard
    failures: Counter = field(default_factory=Counter)
    refused: int = 0
    heldout: frozenset[str] = frozenset()  # pairs keys of the probe's held-out tasks

    def __post_init__(self):
        w = np.asarray(self.cfg.source_weights())
        self._cum = np.cumsum(w / w.sum())
        self._make: dict[str, Callable[[np.random.Generator], Task]] = {
            "generators": self._generator_task,
            "synth": self._synth_task,
        }
        if self.cfg.families is not None:
            from ttt.generators import families

            unknown = set(self.cfg.families) - set(families())
            if unknown:
                raise ValueError(f"data.mix.families: unknown families {sorted(unknown)}")
        self._family_weights = self.cfg.family_weights()

    def _generator_task(self, rng: np.random.Generator) -> Task:
        from ttt.generators import sample_task

        return sample_task(rng, self.cfg.families, self._family_weights)

    def _synth_task(self, rng: np.random.Generator) -> Task:
        from dsl.synth import generate_task

        return generate_task(rng, n_train=int(rng.integers(2, 5)), n_test=1)

    def _real(self, rng: np.random.Generator) -> tuple[str, list[Pair]]:
        return "real", self.real[int(rng.integers(len(self.real)))]

    def sample(self, rng: np.random.Generator) -> tuple[str, list[Pair]]:
        """One task's pairs and the source they came from ("generators", "real", "synth"). A
        refused or failing draw is drawn again from the same source (so the mix stays what
        `data.mix` says, real tasks off included); only RETRIES in a row give way to a real task."""
        kind = SOURCES[min(int(np.searchsorted(self._cum, rng.random(), side="right")), 2)]
        if kind != "real":
            for _ in range(RETRIES):
                pairs = self._draw(kind, rng)
                if pairs is not None:
                    return kind, pairs
        return self._real(rng)

    def _draw(self, kind: str, rng: np.random.Generator) -> list[Pair] | None:
        """A generated task's pairs, or None (counted and logged) when it fails or is refused."""
        try:
            task = self._make[kind](rng)
        except Exception as e:  # a generator bug must not stop a long run: count, log, go on
            self.failures[kind] += 1
            if self.failures[kind] in (1, 10, 100, 1000):
                log.warning("%s task failed (%dx): %r", kind, self.failures[kind], e)
            return None
        problem = self.guard.why(task, inputs=True)
        if not problem and kind == "generators" and pairs_key(task_pairs(task)) in self.heldout:
            problem = f"task {task.id} is a held-out probe task"
        if problem:
            self.refused += 1
            if self.refused in (1, 10, 100, 1000):
                log.info("refused (%dx so far): %s", self.refused, problem)
            return None
        return task_pairs(task)


def build_mix(sets: list[str], mix: dict | None) -> TaskMix:
    """The configured mix over the real tasks of `sets` (every task checked by the guard)."""
    guard = EvalGuard.load()
    cfg = MixConfig.from_dict(mix)
    tasks, refused = load_real_tasks(sets, guard)
    heldout = frozenset()
    if cfg.generators > 0:
        from ttt.generators import families

        heldout = heldout_keys(tuple(sorted(cfg.families or families())))
    return TaskMix(
        [task_pairs(t) for t in tasks], cfg, guard, refused=len(refused), heldout=heldout
    )
