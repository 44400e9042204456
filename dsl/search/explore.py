"""The graph stage: grow the image graph breadth first, check every new state against the demos
(exact, or up to a learned colour map), collect pieces, and compose them after each depth."""

from __future__ import annotations

import time

import numpy as np

from dsl.program import Program, Ref, Step, constant, op_cost
from dsl.registry import primitives
from dsl.search import infer
from dsl.search.graph import (
    Fn,
    Graph,
    count_chains,
    fn_prior,
    graph_functions,
    object_chains,
    task_colours,
)
from dsl.search.pieces import OVERLAYS, Pieces, words
from dsl.search.size import affine_rule, predict_sizes
from dsl.search.verify import Fit, SearchResult, fits_demos, run_all
from dsl.types import Budget, Task


class _Checked:
    """One demo input's image against the demo output (same shape)."""

    __slots__ = ("img", "out", "wrong", "blank", "n_wrong", "_table")

    def __init__(self, img: np.ndarray, out: np.ndarray):
        self.img, self.out = img, out
        wrong = img != out
        self.n_wrong = int(np.count_nonzero(wrong))
        self.wrong = words(wrong)  # bitsets (pieces.words) of the wrong and the blank cells
        self.blank = words(img == 0)
        self._table: np.ndarray | None | bool = False  # not computed yet

    @property
    def table(self) -> np.ndarray | None:
        """The colour map taking the image to the output (infer.colour_table), when asked."""
        if self._table is False:
            self._table = infer.colour_table(self.img, self.out)
        return self._table


class Explorer:
    """Checks the graph's states as they appear; the fits and near misses it found."""

    def __init__(self, task: Task, graph: Graph, cfg: dict, budget: Budget):
        self.task, self.g, self.cfg, self.budget = task, graph, cfg, budget
        self.n_demo = len(task.train)
        self.outs = [p.output for p in task.train]
        self.shapes = [o.shape for o in self.outs]
        self.pieces = Pieces(self.outs, int(cfg["pieces_pool"]))
        # The size rules' prediction of each test output's shape (empty set: none): a hard filter
        # on pieces, whose union otherwise has no reason to take a test input's shape.
        self.test_sizes = predict_sizes(task)
        self.result = SearchResult()
        self.keys: set[str] = set()
        self.near: list[tuple[float, float, int]] = []  # (-accuracy, cost, state)
        self.close: list[tuple[float, float, int]] = []  # the same, for a local rule's repair
        self.repaired: set[int] = set()
        self.seconds = {"check": 0.0, "pieces": 0.0}  # time per stage (the rest: expansion)
        self.checked: list[dict[int, _Checked]] = [{} for _ in self.outs]

    def sized(self, states: np.ndarray) -> np.ndarray:
        """Which states have every demo output's shape on the demo inputs (bool per state)."""
        ok = np.ones(len(states), dtype=bool)
        for k, (oh, ow) in enumerate(self.shapes):
            h, w = self.g.shapes(k)
            img = self.g.ids[states, k]
            ok &= (h[img] == oh) & (w[img] == ow)
        return ok

    def allow_test_shapes(self, shapes: list[tuple[int, int]]) -> None:
        """Add a predicted shape for each test output (from a state with the demos' sizes)."""
        for allowed, sh in zip(self.test_sizes, shapes):
            allowed.add(tuple(sh))

    def visit_all(self, states: np.ndarray) -> None:
        """Visit the new states whose images on every demo input have the output's shape."""
        t0 = time.monotonic()
        try:
            self._visit_sized(states)
        finally:
            self.seconds["check"] += time.monotonic() - t0

    def _visit_sized(self, states: np.ndarray) -> None:
        for s in states[self.sized(states)].tolist():
            self.visit(s)
            if self.enough():
                return

    def enough(self) -> bool:
        """max_fits single-state fits found (the pieces' covers do not count: they can overfit,
        and must not stop the graph from finding a simpler exact fit)."""
        return sum(f.stage == "graph" for f in self.result.fits) >= self.cfg["max_fits"]

    def visit(self, s: int) -> None:
        """Check a sized state: exact fit, fit up to a colour map, piece, near miss."""
        ids = self.g.ids[s].tolist()
        cost = float(self.g.cost[s])
        info = [self._image(k, ids[k]) for k in range(self.n_demo)]
        if not any(x.n_wrong for x in info):
            self.found(self.g.program(s), cost, "graph")
            return
        tests = [self.g.image(k, ids[k]) for k in range(self.n_demo, len(ids))]
        if self.cfg["colour_map"] and all(x.table is not None for x in info):
            r = infer.merge_colour_tables([x.table for x in info], tests)
            if r:
                prog = self.g.program(s).then(r[0], r[1])
                self.found(prog, cost + op_cost(r[0]) + r[2], "graph")
                return
        shapes = tuple(t.shape for t in tests)
        if all(not p or sh in p for sh, p in zip(shapes, self.test_sizes)):
            bad = np.concatenate([x.wrong for x in info])
            blank = np.concatenate([x.blank for x in info])
            self.pieces.add(s, bad, blank, shapes, cost, int(self.g.depth[s]))
        acc = float(np.mean([1 - x.n_wrong / o.size for x, o in zip(info, self.outs)]))
        if self.cfg["near_misses"] > 0 and acc >= self.cfg["near_miss_min_accuracy"]:
            self.near.append((-acc, cost, s))
        if self.cfg["graph_local_rules"] and acc >= self.cfg["graph_local_rule_min_accuracy"]:
            self.close.append((-acc, cost, s))

    def repair(self) -> None:
        """A learned local rule (infer.infer_local_rule), a stamp (infer.infer_stamp) and a
        recolouring of objects by a property (infer.infer_object_rule) as a final step on the
        closest states not tried yet, the best graph_local_rules of them: most demo cells right,
        then cheapest.
        (The enumeration tries it on its own shallow states; this reaches the graph's deeper
        ones, its object chains and size-aware states.)"""
        t0 = time.monotonic()
        todo = [c for c in sorted(self.close) if c[2] not in self.repaired]
        for _, cost, s in todo[: int(self.cfg["graph_local_rules"])]:
            if self.budget.expired():  # the wall clock's safety limit
                break
            self.repaired.add(s)
            imgs = self.g.images(s)
            demos, tests = imgs[: self.n_demo], imgs[self.n_demo :]
            for r in (
                infer.infer_local_rule(demos, self.outs, tests),
                infer.infer_stamp(demos, self.outs),
                infer.infer_object_rule(demos, self.outs, tests),
            ):
                if r:  # the learned table's entries (a rule's dict, a stamp's tuple) cost
                    entries = sum(len(a) for a in r[1] if isinstance(a, (dict, tuple)))
                    extra = r[2] + self.cfg["local_rule_entry_cost"] * entries
                    prog = self.g.program(s).then(r[0], r[1])
                    self.found(prog, cost + op_cost(r[0]) + extra, "local_rule")
        self.close = []
        self.seconds["check"] += time.monotonic() - t0

    def _image(self, k: int, i: int) -> _Checked:
        """What the checks need of image i of demo input k against its output, computed once
        per image (states share images)."""
        c = self.checked[k].get(i)
        if c is None:
            c = self.checked[k][i] = _Checked(self.g.image(k, i), self.outs[k])
        return c

    def found(self, prog: Program, cost: float, stage: str) -> None:
        key = prog.text()
        if key in self.keys or not fits_demos(prog, self.task):
            return
        self.keys.add(key)
        tests = run_all(prog, list(self.task.test_inputs))
        fit = Fit(prog, cost, tests, True, found_s=self.budget.elapsed(), stage=stage)
        self.result.fits.append(fit)

    def compose(self) -> None:
        """Overlays of pieces that reproduce every demo output become fits."""
        t0 = time.monotonic()
        try:
            self._compose()
        finally:
            self.seconds["pieces"] += time.monotonic() - t0

    def _compose(self) -> None:
        covers = self.pieces.covers(int(self.cfg["pieces_max"]), self.budget.expired)
        for cover in covers[: int(self.cfg["pieces_fits"])]:
            names: dict[int, str] = {}
            steps: list[Step] = []
            (bottom, _), *above = reversed(cover.pieces)
            self.g.program(bottom, names, steps)
            cur = names.get(bottom, "I")
            for p, mode in above:
                self.g.program(p, names, steps)
                name = f"x{len(steps) + 1}"
                steps.append(Step(name, OVERLAYS[mode], (Ref(names.get(p, "I")), Ref(cur))))
                cur = name
            cost = cover.cost + self.cfg["pieces_overlay_cost"] * len(above)
            self.found(Program(tuple(steps)), cost, "pieces")

    def near_misses(self) -> list[Fit]:
        out = []
        for negacc, cost, s in sorted(self.near)[: self.cfg["near_misses"]]:
            prog = self.g.program(s)
            out.append(Fit(prog, cost, run_all(prog, list(self.task.test_inputs)), False, -negacc))
        return out


def explore(task: Task, cfg: dict, budget: Budget, max_work: float) -> SearchResult:
    """Grow the graph to `graph_depth` within `max_work` calibrated microseconds of function
    applications (the work budget; `budget` is only the wall-clock safety limit); fits, pieces,
    near misses."""
    t0 = time.monotonic()
    fns = graph_functions(
        task_colours(task), tuple(int(i) for i in cfg["int_args"]), tuple(cfg["graph_exclude"])
    )
    # Object selection chains (objects -> pick one -> crop) are applied to the inputs only: there
    # are hundreds, and their results are what later depths transform.
    fns += object_chains(tuple(cfg["graph_object_chains"]))
    if cfg["graph_count_chains"]:
        fns += count_chains(task_colours(task), tuple(cfg["graph_exclude"]))
    blank = _blank_output(task)
    if blank is not None:  # a fixed output size: a blank grid of it lends its shape (below)
        fns.append(blank)
    g = Graph(task, fns, max_work, int(cfg["graph_max_states"]), budget)
    ex = Explorer(task, g, cfg, budget)
    ex.visit_all(np.zeros(1, dtype=np.int64))
    every = list(range(len(fns)))
    shallow = {*cfg["graph_shallow"], "constant"}
    inner = [i for i in every if fns[i].op not in shallow and not fns[i].chain]
    deep = _deep_functions(fns, inner, int(cfg["graph_deep_fns"]), cfg["graph_deep_order"])
    for depth in range(1, int(cfg["graph_depth"]) + 1):
        ids = every if depth == 1 else inner if depth == 2 else deep
        for parents, fn_ids in _by_total_cost(g, depth, ids):
            for new in g.layer(depth, fn_ids, parents):
                ex.visit_all(new)
                if ex.enough():
                    break
        if depth == 1 and cfg["size_functions"] and not g.stopped:
            _size_layer(g, ex, cfg)
        if cfg["pieces"]:
            ex.compose()
        if cfg["graph_local_rules"]:
            ex.repair()
        if g.stopped or any(f.stage == "graph" for f in ex.result.fits):
            break  # the budget is spent; or deeper programs would rank below an exact fit

    res = ex.result
    res.near = ex.near_misses()
    res.n_states = g.n
    res.n_evals = g.n_apps
    res.work["graph_work_s"] = round(g.work / 1e6, 3)
    res.timed_out = g.stopped == "time"
    total = time.monotonic() - t0
    res.stage_s = {"graph": total, **ex.seconds, "expand": total - sum(ex.seconds.values())}
    return res


def _deep_functions(fns: list[Fn], inner: list[int], n: int, order: str) -> list[int]:
    """The deepest level's functions: n of the literal-free ones (a literal multiplies the
    width), those that solved tuning-set programs use most first with order "prior" (fn_prior),
    else in the functions' order (cost, then name); in the functions' order."""
    free = [i for i in inner if not fns[i].lits]
    if order == "prior":
        uses = fn_prior()
        free.sort(key=lambda i: (-uses.get(fns[i].op, 0), i))
    elif order != "name":
        raise ValueError(f"graph_deep_order must be prior or name, not {order!r}")
    return sorted(free[:n])


def _by_total_cost(g: Graph, depth: int, fn_ids: list[int]):
    """(parents, functions) blocks of one depth, cheapest compositions first: a budget that ends
    inside a depth has tried every cheap function on every parent, not every function on the
    first parents."""
    parents = np.flatnonzero(g.depth[: g.n] == depth - 1)
    p_costs = sorted(set(g.cost[parents].tolist()))
    f_costs = sorted({g.fns[f].cost for f in fn_ids})
    pairs = sorted(((pc, fc) for pc in p_costs for fc in f_costs), key=lambda t: (sum(t), t))
    for pc, fc in pairs:
        yield parents[g.cost[parents] == pc], [f for f in fn_ids if g.fns[f].cost == fc]


def _blank_output(task: Task) -> Fn | None:
    """When every demo output has one shape: a function giving a blank grid of that shape."""
    shapes = {p.output.shape for p in task.train}
    if len(task.train) < 2 or len(shapes) != 1:
        return None
    rows = tuple(tuple(0 for _ in range(w)) for h, w in shapes for _ in range(h))
    return Fn("constant", (rows,), constant, 1.0)


def _size_layer(g: Graph, ex: Explorer, cfg: dict) -> None:
    """Output size first: the cheapest states that already have every demo output's shape lend
    it to the size-aware functions (tile, scale, embed to that shape), applied to every state of
    depth 0 and 1; their test shapes are the predicted test output sizes. When the outputs'
    size is an affine function of a state's size per axis (2h + 1 by w - 2, say), a blank grid
    of that size (`blank_resized`) is a source too, while there are fewer than size_sources."""
    states = np.arange(g.n)
    n = int(cfg["size_sources"])
    sized = [int(s) for s in states[ex.sized(states)]]
    sources = sorted(sized, key=lambda s: (g.cost[s], s))[:n]
    if 0 not in sources and len(sources) < n:
        sources += _affine_sources(g, ex, states[g.depth[: g.n] <= 1], n - len(sources))
    table = primitives()
    fns = [
        Fn(name, (), table[name].fn, table[name].cost, like=s)
        for s in sources
        for name in cfg["size_functions"]
    ]
    for s in sources:
        ex.allow_test_shapes([im.shape for im in g.images(s)[ex.n_demo :]])
    if not fns or 0 in sources:
        return  # outputs have the inputs' shapes: size-aware functions would seldom matter
    ids = g.add_functions(fns)
    for new in g.layer(0, ids, parents=states[g.depth[: len(states)] <= 1]):
        ex.visit_all(new)


def _affine_sources(g: Graph, ex: Explorer, seeds: np.ndarray, n: int) -> list[int]:
    """Up to n new states: blank grids sized by the simplest affine rules (size.affine_rule) on
    the seeds' shapes, one seed per distinct shape (the cheapest state with it)."""
    seen: set[tuple] = set()  # seed shapes on every input, each fitted once
    rules = []  # (loss, cost, state, args)
    for s in sorted(seeds.tolist(), key=lambda s: (g.cost[s], s)):
        shapes = tuple(im.shape for im in g.images(s))
        if shapes in seen:
            continue
        seen.add(shapes)
        rule = affine_rule(list(shapes[: ex.n_demo]), ex.shapes)
        if rule is not None and rule[1] != (1, 0, 1, 0):  # (1, 0, 1, 0): already a source
            rules.append((rule[0], float(g.cost[s]), s, rule[1]))
    best = sorted(rules)[:n]
    blank = primitives()["blank_resized"]
    fns = g.add_functions([Fn(blank.name, args, blank.fn, blank.cost) for *_, args in best])
    made = []
    for (_, _, s, _), f in zip(best, fns):
        for new in g.layer(0, [f], parents=np.array([s])):
            ex.visit_all(new)
            made += [int(x) for x in new]
    return made
