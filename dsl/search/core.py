"""The search entry point (`search`: the graph stage, then the typed enumeration) and the typed
enumeration itself: bottom-up, with observational de-duplication, final inferred steps, exact
verification on every demonstration, ranking.

A *state* is one expression evaluated on every input of the task at once (demo inputs, then test
inputs); two expressions whose values agree on all inputs are the same state, and only the
cheaper is kept. Every candidate program is re-run from its text-level form on all demos before
it is reported, so a reported fit is never a false positive.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

import conf
from dsl.program import GRID_KEYS, INPUT, Program, Ref, Step, grid_key, op_cost
from dsl.registry import Primitive, primitives
from dsl.search import infer
from dsl.search.explore import explore
from dsl.search.graph import cell_weight
from dsl.search.normalize import ranked_task, ranking_helps, wrap_ranked
from dsl.search.size import predict_sizes
from dsl.search.values import as_grid, fingerprint
from dsl.search.verify import NOT_APPLICABLE, Fit, SearchResult, fits_demos, run_all
from dsl.types import Budget, Grid, Task

# The search's defaults, documented key by key in the YAML that Hydra runs compose as the
# `search` group (one source for library calls and runs alike; the wheel ships conf/ beside dsl/).
SEARCH_YAML = Path(conf.__file__).resolve().parent / "search" / "default.yaml"  # as shipped
DEFAULTS: dict[str, Any] = yaml.safe_load(SEARCH_YAML.read_text())


@dataclass
class Node:
    type: str
    vals: tuple  # one value per input: demos, then tests
    op: str | None  # None: the input
    args: tuple  # each: Node or literal
    cost: float
    depth: int


def to_program(node: Node) -> Program:
    """The straight-line program computing `node` (shared sub-expressions computed once)."""
    steps: list[Step] = []
    names: dict[int, str] = {}

    def visit(n: Node) -> str:
        if n.op is None:
            return INPUT
        if id(n) in names:
            return names[id(n)]
        args = tuple(Ref(visit(a)) if isinstance(a, Node) else a for a in n.args)
        name = f"x{len(steps) + 1}"
        steps.append(Step(name, n.op, args))
        names[id(n)] = name
        return name

    visit(node)
    return Program(tuple(steps))


class Searcher:
    def __init__(self, task: Task, cfg: dict, budget: Budget):
        self.task, self.cfg, self.budget = task, cfg, budget
        self.n_demo = len(task.train)
        self.inputs = [p.input for p in task.train] + list(task.test_inputs)
        self.outs = [p.output for p in task.train]
        self.out_shapes = tuple(o.shape for o in self.outs)
        self.tests = list(task.test_inputs)
        self.seen: set = set()
        self.by_cost: dict[int, dict[str, list[Node]]] = {}
        self.result = SearchResult()
        self.fit_keys: set = set()
        self.near: list[tuple[float, float, int, Node, str | None, tuple]] = []
        skip = set(cfg["enumerate_exclude"])
        self.prims = sorted(
            (p for p in primitives().values() if p.name not in skip), key=lambda p: (p.cost, p.name)
        )
        colours = sorted(
            {int(c) for p in task.train for g in (p.input, p.output) for c in np.unique(g)}
        )
        self.consts: dict[str, tuple] = {
            "Colour": tuple(colours),
            "Int": tuple(int(i) for i in cfg["int_args"]),
            "Bool": (False, True),
        }
        self.ticks = 0
        # States are the same when equal on every demo input (observational equivalence); with
        # `dedupe_with_tests` they must agree on the test inputs too (keeps more alternatives).
        self.n_key = len(self.inputs) if cfg["dedupe_with_tests"] else self.n_demo
        self.arg_depth = {
            t: int(
                cfg["object_arg_depth"] if t in ("Object", "Objects") else cfg["value_arg_depth"]
            )
            for t in ("Colour", "Int", "Bool", "Mask", "Object", "Objects")
        }
        self.stopped = False

    # ----- bookkeeping -----

    def out_of_time(self) -> bool:
        self.ticks += 1
        if self.ticks % self.cfg["check_every"] == 0 and self.budget.expired():
            self.result.timed_out = True
            self.stopped = True
        return self.stopped

    def state_key(self, t: str, vals) -> int:
        return hash((t, tuple(fingerprint(v) for v in vals[: self.n_key])))

    def add(self, node: Node, key: int | None = None) -> bool:
        h = self.state_key(node.type, node.vals) if key is None else key
        if h in self.seen:
            return False
        self.seen.add(h)
        self.result.n_states += 1
        if node.type == "Grid":
            self.check(node)
        return True

    # ----- candidates -----

    def check(self, node: Node) -> None:
        demo = node.vals[: self.n_demo]
        shapes = tuple(v.shape for v in demo)
        if shapes == self.out_shapes:
            if all(np.array_equal(v, o) for v, o in zip(demo, self.outs)):
                self.found(node, None, ())
                return
            if self.cfg["colour_map"]:
                r = infer.infer_colour_map(list(demo), self.outs, self.test_vals(node))
                if r:
                    self.found(node, r[0], r[1], r[2])
                    return
            if self.cfg["local_rule"] and node.depth <= self.cfg["local_rule_depth"]:
                r = infer.infer_local_rule(list(demo), self.outs, self.test_vals(node))
                if r:
                    extra = r[2] + self.cfg["local_rule_entry_cost"] * len(r[1][1])
                    self.found(node, r[0], r[1], extra)
                    return
            self.note_near(node)
        elif self.cfg["tile_blocks"] and node.depth <= self.cfg["tile_depth"]:
            r = infer.infer_tile_blocks(list(demo), self.outs)
            if r:
                self.found(node, r[0], r[1], r[2])

    def test_vals(self, node: Node) -> list[Grid]:
        return list(node.vals[self.n_demo :])

    def found(self, node: Node, op: str | None, lits: tuple, extra: float = 0.0) -> None:
        prog = to_program(node)
        cost = node.cost + extra
        if op is not None:
            prog = prog.then(op, lits)
            cost += op_cost(op)
        if not fits_demos(prog, self.task):
            return
        tests = run_all(prog, self.tests)
        key = prog.text()
        if key in self.fit_keys:
            return
        self.fit_keys.add(key)
        self.result.fits.append(
            Fit(prog, cost, tests, True, found_s=self.budget.elapsed(), stage="enumerate")
        )

    def note_near(self, node: Node) -> None:
        k = self.cfg["near_misses"]
        if k <= 0:
            return
        acc = float(np.mean([np.mean(v == o) for v, o in zip(node.vals, self.outs)]))
        if acc < self.cfg["near_miss_min_accuracy"]:
            return
        self.near.append((-acc, node.cost, len(self.near), node, None, ()))
        self.near.sort(key=lambda t: t[:3])
        del self.near[4 * k :]

    # ----- enumeration -----

    def options(self, t: str, k: int, cap: int | None, max_depth: int) -> list:
        """Arguments of type `t` costing exactly `k` units: literals and the input cost 0."""
        if k == 0:
            lits = list(self.consts.get(t, ()))
            return lits + [n for n in self.by_cost.get(0, {}).get(t, [])]
        nodes = self.by_cost.get(k, {}).get(t, [])
        if max_depth < self.cfg["max_depth"]:
            nodes = [n for n in nodes if n.depth <= max_depth]
        return nodes if cap is None else nodes[:cap]

    def expand(self, prim: Primitive, c: int) -> None:
        """Apply `prim` to every argument tuple whose total cost makes the node cost `c` units.

        Each argument tuple has exactly one cost split, so no tuple is generated twice. Only the
        first state argument of a primitive ranges over all states; the others take the
        `secondary_pool` cheapest of their cost (products of pools explode otherwise).
        """
        rem = c - _units(prim.cost)
        if rem < 0:
            return
        slots = prim.inputs
        max_depth = self.cfg["max_depth"]
        # Derived values (counts, colours, masks, objects) only of shallow states: they matter
        # as arguments, and derived from every state they would swamp the search.
        arg_depth = self.arg_depth.get(prim.output, max_depth)
        for split in _splits(rem, len(slots)):
            options = []
            first = True
            for t, k in zip(slots, split):
                cap = None if (first or k == 0) else self.cfg["secondary_pool"]
                if k > 0:
                    first = False
                opts = self.options(t, k, cap, arg_depth)
                if not opts:
                    break
                options.append(opts)
            else:
                for combo in itertools.product(*options):
                    if self.out_of_time():
                        return
                    depth = 1 + max((a.depth for a in combo if isinstance(a, Node)), default=0)
                    if depth > max_depth:
                        continue
                    self.apply(prim, combo, depth, c)
                    if self.stopped:
                        return

    def apply(self, prim: Primitive, combo: tuple, depth: int, c: int) -> None:
        res = self.result
        if res.n_evals >= self.cfg["max_evals"] or res.n_states >= self.cfg["max_states"]:
            self.stopped = True
            return
        res.n_evals += 1
        vals = []
        key = None
        for k in range(len(self.inputs)):
            if k == self.n_key:  # values on the keyed inputs known: drop a duplicate state early
                key = self.state_key(prim.output, vals)
                if key in self.seen:
                    return
            args = [a.vals[k] if isinstance(a, Node) else a for a in combo]
            try:
                v = prim.fn(*args)
            except NOT_APPLICABLE:
                return
            if prim.output == "Grid":
                v = as_grid(v)
                if v is None:
                    return
            vals.append(v)
        cost = prim.cost + sum(a.cost for a in combo if isinstance(a, Node))
        node = Node(prim.output, tuple(vals), prim.name, combo, cost, depth)
        if self.add(node, key):
            self.by_cost.setdefault(c, {}).setdefault(node.type, []).append(node)
        n_fits = len(res.fits)
        if n_fits >= self.cfg["max_fits"]:
            # Enough fits; stop unless a cheaper one may still come (states here cost ~c/2).
            if c / 2 >= min(f.cost for f in res.fits) or n_fits >= self.cfg["max_fits_hard"]:
                self.stopped = True

    def run(self) -> SearchResult:
        for t, values in self.consts.items():  # a computed value equal to a constant is redundant
            for c in values:
                self.seen.add(self.state_key(t, (c,) * self.n_key))
        root = Node("Grid", tuple(self.inputs), None, (), 0.0, 0)
        self.by_cost[0] = {"Grid": [root]}
        self.add(root)
        extra = self.cfg["extra_cost_after_fit"]
        for c in range(1, _units(self.cfg["max_cost"]) + 1):
            if self.result.fits:
                # States cost at least c/2 from here on: stop once nothing found later could
                # rank near the best fit.
                best = min(f.cost for f in self.result.fits)
                if c / 2 > best + extra:
                    break
            for prim in self.prims:
                self.expand(prim, c)
                if self.stopped:
                    break
            if self.stopped:
                break
            self.result.depth_done = c  # cost level (half units) fully explored
        self.finish_near()
        return self.result

    def finish_near(self) -> None:
        for negacc, _, _, node, _, _ in self.near[: self.cfg["near_misses"]]:
            prog = to_program(node)
            tests = run_all(prog, self.tests)
            self.result.near.append(Fit(prog, node.cost, tests, False, -negacc))


def _units(cost: float) -> int:
    """Cost in half units (the enumeration's levels); every primitive costs at least one."""
    return max(1, int(round(cost * 2)))


def _splits(total: int, n: int):
    """All ways to write `total` as an ordered sum of n non-negative ints."""
    if n == 1:
        yield (total,)
        return
    for k in range(total + 1):
        for rest in _splits(total - k, n - 1):
            yield (k, *rest)


def search(task: Task, budget: Budget, cfg: dict | None = None) -> SearchResult:
    """Search for programs that reproduce every demonstration of `task`: the graph stage, then
    the typed enumeration with what remains of the budget; then, where colour ranking changes
    the task (`ranking_helps`), the same on the ranked task with `rank_share` of the budget."""
    c = {**DEFAULTS, **(cfg or {})}
    nominal = nominal_seconds(budget)
    share = float(c["rank_share"]) if c["rank_colours"] and ranking_helps(task) else 0.0
    res = _search_pass(task, budget, c, nominal * (1.0 - share))
    for const in (_constant_fit(task), _lookup_constant_fit(task, c["lookup_entry_cost"])):
        if const is not None:
            res.fits.insert(0, const)
    if share and not budget.expired():
        t0 = time.monotonic()
        ranked = _from_ranked(_search_pass(ranked_task(task), budget, c, nominal * share), task)
        res.fits += ranked.fits
        res.near = sorted(res.near + ranked.near, key=lambda f: -f.accuracy)[: c["near_misses"]]
        res.n_states += ranked.n_states
        res.n_evals += ranked.n_evals
        res.timed_out = res.timed_out or ranked.timed_out
        for k, v in ranked.work.items():
            res.work[f"ranked_{k}"] = v
        res.stage_s["ranked"] = time.monotonic() - t0
    # A stage the clock cut short or skipped (pieces, the enumeration) counts as a clock stop too
    res.timed_out = res.timed_out or budget.expired()
    _penalise_sizes(res, task, c["size_penalty"])
    return res


def _search_pass(work: Task, budget: Budget, c: dict, nominal: float) -> SearchResult:
    """The graph stage, then the typed enumeration, with `nominal` seconds of work between them."""
    res = SearchResult()
    graph_part = c["graph_share"] if c["graph"] else 0.0
    if c["graph"]:
        work_us = 1e6 * min(c["graph_max_work_s"], c["graph_work_per_s"] * nominal * graph_part)
        g = explore(work, c, budget, work_us)
        res.fits += g.fits
        res.near += g.near
        res.n_states, res.n_evals, res.timed_out = g.n_states, g.n_evals, g.timed_out
        res.stage_s.update(g.stage_s)
        res.work.update(g.work, graph_applications=g.n_evals)
        used = g.work["graph_work_s"] * 1e6 / work_us if work_us else 1.0
        graph_part *= min(1.0, used)  # what it did not use is passed on
    if c["enumerate"] and not budget.expired():
        t0 = time.monotonic()
        # its rate is at 100-cell grids: fewer evaluations on larger ones (the same weight as
        # the graph's), so its wall time stays close to its share on any task
        inputs = [p.input for p in work.train] + list(work.test_inputs)
        weight = sum(cell_weight(g) for g in inputs) / len(inputs)
        evals = int(c["enumerate_evals_per_s"] * nominal * (1.0 - graph_part) / weight)
        s = Searcher(work, {**c, "max_evals": min(int(c["max_evals"]), evals)}, budget)
        e = s.run()
        res.fits += e.fits
        res.near = sorted(res.near + e.near, key=lambda f: -f.accuracy)[: c["near_misses"]]
        res.n_states += e.n_states
        res.n_evals += e.n_evals
        res.depth_done, res.timed_out = e.depth_done, res.timed_out or e.timed_out
        res.stage_s["enumerate"] = time.monotonic() - t0
        res.work["enumeration_evals"] = e.n_evals
    return res


_searched = False  # warm_up_search ran in this process


def warm_up_search() -> None:
    """One small search (graph, pieces, learned final steps, enumeration) on a made-up task, so
    the kernels only a search calls, with the argument types a search passes, compile (or load
    from Numba's disk cache) in a long-lived process, not inside the first tasks' budgets (with
    a cold cache they had stopped the first tasks of a run by the clock). Once a process."""
    global _searched
    if _searched:
        return
    _searched = True
    search(warm_up_task(), Budget(60), WARM_UP_CFG)


WARM_UP_CFG = {"graph_max_work_s": 0.2, "max_evals": 2000}


def warm_up_task() -> Task:
    """A made-up task with no short program (a flip, then a recolouring by the cell above), so
    its search runs every stage: graph, repairs, pieces, enumeration."""
    from dsl.types import Pair

    rng = np.random.default_rng(0)
    pairs = []
    for _ in range(3):
        g = rng.choice(np.array([0, 0, 0, 1, 2], dtype=np.int8), size=(6, 6))
        out = g[::-1].copy()
        out[(out == 1) & (np.roll(out, 1, axis=0) == 0)] = 3
        pairs.append(Pair(g, out))
    return Task("warm-up", pairs[:2], [pairs[2].input], [pairs[2].output])


def nominal_seconds(budget: Budget) -> float:
    """The budget's seconds at 0.1 s, ignoring up to 50 ms already spent by the caller (a budget
    handed down as "what remains" is a few ms short of its nominal value): what work budgets are
    computed from, so that they do not depend on start-up jitter."""
    return math.ceil(budget.seconds * 10 - 0.5) / 10


def _constant_fit(task: Task) -> Fit | None:
    first = task.train[0].output
    if len(task.train) < 2 or not all(np.array_equal(p.output, first) for p in task.train):
        return None
    prog = Program((Step("x1", "constant", (Ref(INPUT), tuple(map(tuple, first.tolist())))),))
    return Fit(prog, prog.cost(), [first.copy() for _ in task.test_inputs], True, stage="constant")


def _lookup_constant_fit(task: Task, entry_cost: float) -> Fit | None:
    """Where the demos' outputs are a few fixed grids, some repeated: the first whole-grid
    feature (GRID_KEYS) that tells them apart on every demo and whose value on each test input
    a demo had, as `lookup_constant(I, key, {value: grid})`."""
    outs = [tuple(map(tuple, p.output.tolist())) for p in task.train]
    if len(set(outs)) in (1, len(outs)):  # one grid: _constant_fit; all differ: nothing repeats
        return None
    for key in GRID_KEYS:
        table: dict[int, tuple] = {}
        if all(table.setdefault(grid_key(p.input, key), o) == o for p, o in zip(task.train, outs)):
            if all(grid_key(g, key) in table for g in task.test_inputs):
                prog = Program((Step("x1", "lookup_constant", (Ref(INPUT), key, table)),))
                if not fits_demos(prog, task):  # by construction it does: the gate holds anyway
                    return None
                tests = run_all(prog, list(task.test_inputs))
                cost = prog.cost() + entry_cost * len(table)
                return Fit(prog, cost, tests, True, stage="constant")
    return None


def _from_ranked(res: SearchResult, task: Task) -> SearchResult:
    """What a pass on the ranked task found, as programs on the task's own colours (each input
    ranked, then its answer mapped back), re-verified on the task; the stage says "ranked"."""
    out = SearchResult(
        n_states=res.n_states, n_evals=res.n_evals, timed_out=res.timed_out, work=res.work
    )
    for f in res.fits + res.near:
        prog = wrap_ranked(f.program)
        tests = run_all(prog, list(task.test_inputs))
        ok = f.fits_all_demos and fits_demos(prog, task)
        cost = f.cost + op_cost("rank_colours") + op_cost("unrank_colours")
        acc = 1.0 if ok else f.accuracy
        fit = Fit(prog, cost, tests, ok, acc, f.found_s, f"ranked_{f.stage or 'search'}")
        (out.fits if ok else out.near).append(fit)
    return out


def _penalise_sizes(res: SearchResult, task: Task, penalty: float) -> None:
    preds = predict_sizes(task)
    for f in res.fits + res.near:
        for g, p in zip(f.test_outputs, preds):
            if g is not None and p and g.shape not in p:
                f.cost += penalty
                break


def rank_outputs(
    fits: list[Fit], n_tests: int, support_weight: float
) -> list[list[tuple[Grid, float, Fit, int]]]:
    """Per test input: distinct output grids, best first, as (grid, key, best fit, support)."""
    ranked = []
    for t in range(n_tests):
        groups: dict[Any, list[Fit]] = {}
        grids: dict[Any, Grid] = {}
        for f in fits:
            g = f.test_outputs[t]
            if g is None:
                continue
            k = (g.shape, g.tobytes())
            groups.setdefault(k, []).append(f)
            grids[k] = g
        rows = []
        for k, fs in groups.items():
            best = min(fs, key=lambda f: f.cost)
            key = best.cost - support_weight * math.log(len(fs))
            rows.append((grids[k], key, best, len(fs)))
        rows.sort(key=lambda r: r[1])
        ranked.append(rows)
    return ranked
