"""The image graph: every input's images, expanded breadth first by every grid function.

Each demo input and test input has its own store of distinct images (interned by their bytes), and
each (image, function) pair is computed once per input (a child cache): two paths that reach the
same image on an input share all work below it. A *state* is one image per input (demos, then
tests), reached by one chain of functions; states that agree on every input are one state (the
first, cheapest chain is kept). Depth 1 and 2 are enumerated in full, depth 3 as far as the work
budget allows; the budget counts function applications, so the same config explores the same
states on an idle or a busy machine (the wall clock is only a safety limit). An application is
weighed by its function's calibrated time (`op_us.json`, `python -m dsl.bench --calibrate`) at a
100-cell image, scaled by its image's cells (`cell_weight`), plus a fixed overhead (calling,
interning the result): so a budget buys more applications of cheap functions and on small grids,
and a work second stays close to a second of the graph's wall time from task to task.

The functions are the registry's grid -> grid primitives with their literal arguments bound
(colours of the task, small ints), so every state is an ordinary program that prints and re-runs.
"""

from __future__ import annotations

import functools
import itertools
import json
import time
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dsl import kernels
from dsl.primitives.common import by_content
from dsl.program import INPUT, Program, Ref, Step
from dsl.registry import primitives
from dsl.search.values import as_grid
from dsl.search.verify import NOT_APPLICABLE
from dsl.types import Budget, Grid, Task

LITERAL_TYPES = ("Colour", "Int")
OP_US = Path(__file__).with_name("op_us.json")
FN_PRIOR = Path(__file__).with_name("fn_prior.json")


OVERHEAD = "(overhead)"  # op_us's key for the fixed microseconds of every application
REF_CELLS = 100  # op_us's times are at an image of this many cells


@functools.cache
def op_us() -> dict[str, float]:
    """Calibrated microseconds per application of each graph function at a REF_CELLS image (by
    op; chains by their ops joined with '|'), a default for the rest, and the fixed overhead of
    an application (OVERHEAD): the work unit of the graph's budget."""
    return {"": 20.0, OVERHEAD: 5.0, **json.loads(OP_US.read_text())}  # shipped (pyproject)


@functools.cache
def fn_prior() -> dict[str, int]:
    """How many solved tuning-set programs use each op (`python -m dsl.bench --prior`): which
    functions the graph's deepest level tries first."""
    return json.loads(FN_PRIOR.read_text())["programs_using"]  # shipped (pyproject)


def cell_weight(g: Grid) -> float:
    """How much longer a function takes on g than on a REF_CELLS image: a fixed part and a part
    linear in the cells. Least squares on the graph's row times (60 ARC-AGI-1 training tasks,
    2026-12-03) gave 0.82 + 0.18 * cells / 100; per task, wall / work then spread 1.43x from the
    10th to the 90th percentile (1.58x with no weight, 1.71x with a square root)."""
    return 0.82 + 0.18 * g.size / REF_CELLS


def fn_us(fn: Fn) -> float:
    table = op_us()
    return table.get(fn.op, table[""])


@dataclass(frozen=True)
class Fn:
    """One edge label of the graph: a grid primitive with its literal arguments bound, and for a
    size-aware primitive (`dsl.primitives.sizing`) the state that lends its shape (`like`)."""

    op: str
    lits: tuple
    fn: Callable
    cost: float
    like: int = -1  # state index of the second grid argument; -1: none
    # A chain of primitives through non-grid values (objects -> select -> crop), one edge of the
    # graph: each step is (op, args), an arg PARENT (the input grid), At(k) (step k's value) or a
    # literal. Empty: the edge is the single step `op(parent, *lits)`.
    chain: tuple = ()
    # A colour literal whose absence from the image decides the result without a call (the
    # primitive's `absent`): -1 none; with skip_same, the image unchanged, else not applicable.
    skip_colour: int = -1
    skip_same: bool = False

    def __call__(self, g: Grid, like: Grid | None = None) -> Grid | None:
        try:
            args = (g, *self.lits) if like is None else (g, like, *self.lits)
            v = as_grid(self.fn(*args))
        except NOT_APPLICABLE:
            return None
        return v  # colours are checked once, on the programs that reach the demos (run_all)

    def text(self) -> str:
        return f"{self.op}({', '.join(map(str, self.lits))})" if self.lits else self.op


PARENT = "parent"  # a chain step's argument: the chain's input grid


@dataclass(frozen=True)
class At:
    """A chain step's argument: the value of the chain's step k."""

    k: int


def chain_fn(chain: tuple) -> Callable:
    """The function computing a chain (see Fn.chain) from its input grid."""
    fns = [_step_fn(op, k) for k, (op, _) in enumerate(chain)]

    def run(g: Grid):
        vals: list = []
        for f, (_, args) in zip(fns, chain):
            vals.append(
                f(*(g if a is PARENT else vals[a.k] if isinstance(a, At) else a for a in args))
            )
        return vals[-1]

    return run


@functools.cache
def _step_fn(op: str, k: int) -> Callable:
    """A chain step's primitive; the first step (the extraction, shared by every selector and
    finisher after it on the same image) memoised by content."""
    f = primitives()[op].fn
    return by_content()(f) if k == 0 else f


def object_chains(finishers: tuple[str, ...]) -> list[Fn]:
    """Generic selection from object lists as single edges: every extractor (grid -> objects)
    by every selector (objects -> object) by every finisher (object -> grid, or grid and object
    -> grid, e.g. erase_object), plus extractors whose lists become a grid directly."""
    reg = primitives()
    extract = [p for p in reg.values() if p.inputs == ("Grid",) and p.output == "Objects"]
    select = [p for p in reg.values() if p.inputs == ("Objects",) and p.output == "Object"]
    to_grid = [p for p in reg.values() if p.inputs == ("Objects",) and p.output == "Grid"]
    chains = [((e.name, (PARENT,)), (t.name, (At(0),))) for e in extract for t in to_grid]
    for e, s, f in itertools.product(extract, select, (reg[name] for name in finishers)):
        last = (At(1),) if f.inputs == ("Object",) else (PARENT, At(1))
        chains.append(((e.name, (PARENT,)), (s.name, (At(0),)), (f.name, last)))
    return _chain_fns(chains)


def _chain_fns(chains: list[tuple]) -> list[Fn]:
    """One graph edge per chain: its ops joined by '|', its cost the sum of theirs (a chain's
    literals are in its steps)."""
    reg = primitives()
    return [
        Fn("|".join(op for op, _ in c), (), chain_fn(c), sum(reg[op].cost for op, _ in c), chain=c)
        for c in chains
    ]


def count_chains(colours: tuple[int, ...], exclude: tuple[str, ...] = ()) -> list[Fn]:
    """Int arguments counted on the image itself, as single edges: every counter (grid -> Int:
    its colours, objects, cells) into every grid -> grid primitive's Int argument
    (`upscale(g, count_colours(g))`) and into every primitive drawing from an Int and a colour
    literal (`diagonal_of(count_objects(g), c)`): a scale, a shift or a length read off the
    input, where a literal would be right on one demo only."""
    reg = primitives()
    counters = [p for p in reg.values() if p.inputs == ("Grid",) and p.output == "Int"]
    chains = []
    for cnt in counters:
        for p in reg.values():
            if p.output != "Grid" or p.name in exclude:
                continue
            if p.inputs == ("Grid", "Int"):
                chains.append(((cnt.name, (PARENT,)), (p.name, (PARENT, At(0)))))
            elif p.inputs == ("Int", "Colour"):
                chains += [((cnt.name, (PARENT,)), (p.name, (At(0), int(c)))) for c in colours]
    return _chain_fns(chains)


def graph_functions(
    colours: tuple[int, ...], ints: tuple[int, ...], exclude: tuple[str, ...] = ()
) -> list[Fn]:
    """Every grid -> grid primitive whose other arguments are literals, bound in every way the
    task allows; cheapest first, then fewer literals (a parameter is a choice made from the demos),
    then by name."""
    fns = []
    for p in primitives().values():
        if p.output != "Grid" or not p.inputs or p.inputs[0] != "Grid" or p.name in exclude:
            continue
        rest = p.inputs[1:]
        if any(t not in LITERAL_TYPES for t in rest):
            continue
        choices = [colours if t == "Colour" else ints for t in rest]
        first_colour = rest.index("Colour") if p.absent else -1
        same = p.absent == "same"
        for lits in itertools.product(*choices):
            if len(rest) == 2 and rest == ("Colour", "Colour") and lits[0] == lits[1]:
                continue  # replace c by c: the identity
            lits = tuple(int(x) for x in lits)
            skip = lits[first_colour] if first_colour >= 0 else -1
            fns.append(Fn(p.name, lits, p.fn, p.cost, skip_colour=skip, skip_same=same))
    fns.sort(key=lambda f: (f.cost, len(f.lits), f.op, f.lits))
    return fns


class Images:
    """The distinct images of one input (interned by their bytes), with their shapes."""

    def __init__(self) -> None:
        self.grids: list[Grid] = []
        self.index: dict[tuple, int] = {}
        self.h = array("h")
        self.w = array("h")
        self.weight = array("d")  # cell_weight of each image
        self.colours = array("H")  # bit c set: colour c is in the image

    def intern(self, g: Grid) -> int:
        key = (g.shape, g.tobytes())
        i = self.index.get(key)
        if i is None:
            i = len(self.grids)
            self.index[key] = i
            self.grids.append(g)
            self.h.append(g.shape[0])
            self.w.append(g.shape[1])
            self.weight.append(cell_weight(g))
            self.colours.append(kernels.colour_bits(g))
        return i


class Graph:
    """The joint graph of one task (see the module docstring). State s has one image id per
    input (`ids[s]`), its parent state, the function that made it, its depth and its cost."""

    # op -> [seconds at REF_CELLS, calls], and OVERHEAD -> [seconds, applications], while
    # calibrating (op_us); None otherwise
    timing: dict[str, list] | None = None

    def __init__(self, task: Task, fns: list[Fn], max_work: float, max_states: int, budget: Budget):
        self.inputs = [p.input for p in task.train] + list(task.test_inputs)
        self.n_demo = len(task.train)
        self.fns = fns
        self.fn_cost = np.array([f.cost for f in fns], dtype=np.float64)
        self.fn_us = np.array([fn_us(f) for f in fns], dtype=np.float64)
        self.overhead_us = op_us()[OVERHEAD]
        self.stores = [Images() for _ in self.inputs]
        cap = max_states + 1
        self.ids = np.zeros((cap, len(self.inputs)), dtype=np.int32)
        self.ids[0] = [s.intern(g) for s, g in zip(self.stores, self.inputs)]
        self.parent = np.full(cap, -1, dtype=np.int32)
        self.fn = np.full(cap, -1, dtype=np.int32)
        self.depth = np.zeros(cap, dtype=np.int8)
        self.cost = np.zeros(cap, dtype=np.float64)
        self.n = 1  # states so far; state 0 is the root (the inputs themselves)
        self.seen = {_row_hashes(self.ids[:1])[0].item()}
        # The work budget, in calibrated microseconds of function applications (see op_us)
        self.max_work, self.max_states, self.budget = max_work, max_states, budget
        self.n_apps = 0  # calls made; n_skipped: applications an absent colour decided
        self.n_skipped = 0
        self.work = 0.0
        self._blocks: dict[tuple[int, ...], int] = {}  # function list -> id (rows' key)
        self._rows: list[dict[int, dict[int, np.ndarray]]] = [{} for _ in self.inputs]
        self.stopped = ""  # why expansion stopped early: "" (it did not), "work", "time"

    def image(self, k: int, i: int) -> Grid:
        return self.stores[k].grids[i]

    def images(self, s: int) -> list[Grid]:
        """The state's image on every input."""
        return [self.stores[k].grids[i] for k, i in enumerate(self.ids[s])]

    def shapes(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Heights and widths of input k's images, by image id."""
        st = self.stores[k]  # views, not copies: this runs once per chunk of new states
        return np.frombuffer(st.h, dtype=np.int16), np.frombuffer(st.w, dtype=np.int16)

    def _row(self, k: int, img: int, fn_ids: list[int], call_us: float) -> np.ndarray | None:
        """Children of one image of input k under each function (-1: not applicable); None when
        the wall clock ran out (the safety limit) before the row was complete. `call_us`: the
        row's calls' work at REF_CELLS (`_row_us`)."""
        store = self.stores[k]
        g = store.grids[img]
        has = store.colours[img]
        row = np.empty(len(fn_ids), dtype=np.int32)
        timing = Graph.timing
        t_row = time.perf_counter()
        n_skipped = 0
        for j, f in enumerate(fn_ids):
            fn = self.fns[f]
            if fn.skip_colour >= 0 and not has >> fn.skip_colour & 1:
                row[j] = img if fn.skip_same else -1
                n_skipped += 1
                continue
            like = None if fn.like < 0 else store.grids[self.ids[fn.like, k]]
            if timing is None:
                out = fn(g, like)
            else:  # calls' times at REF_CELLS (op_us), and what the rest of the row took
                t0 = time.perf_counter()
                out = fn(g, like)
                dt = time.perf_counter() - t0
                rec = timing.setdefault(fn.op, [0.0, 0])
                rec[0] += dt / store.weight[img]
                rec[1] += 1
                timing[OVERHEAD][0] -= dt
            row[j] = -1 if out is None else store.intern(out)
        if timing is not None:
            timing[OVERHEAD][0] += time.perf_counter() - t_row
            timing[OVERHEAD][1] += len(fn_ids)
        self.n_apps += len(fn_ids) - n_skipped
        self.n_skipped += n_skipped
        self.work += call_us * store.weight[img] + self.overhead_us * len(fn_ids)
        if self.budget.expired():
            self.stopped = "time"
            return None
        return row

    def _row_us(self, fn_ids: list[int]) -> Callable[[int], float]:
        """The calls' work at REF_CELLS of a row of these functions on an image, from the image's
        colours (bit set): applications that an absent colour decides make no call."""
        total = float(self.fn_us[fn_ids].sum())
        by_colour = np.zeros(10)  # work of the functions skipped when colour c is absent
        for f in fn_ids:
            if self.fns[f].skip_colour >= 0:
                by_colour[self.fns[f].skip_colour] += self.fn_us[f]
        bits = 1 << np.arange(10)

        @functools.cache
        def row_us(colours: int) -> float:
            return total - float(by_colour[(colours & bits) == 0].sum())

        return row_us

    def add_functions(self, fns: list[Fn]) -> list[int]:
        """Append functions (e.g. size-aware ones bound to a state); their indices."""
        first = len(self.fns)
        self.fns = [*self.fns, *fns]
        self.fn_cost = np.array([f.cost for f in self.fns], dtype=np.float64)
        self.fn_us = np.array([fn_us(f) for f in self.fns], dtype=np.float64)
        return list(range(first, len(self.fns)))

    def layer(
        self, depth: int, fn_ids: list[int], parents: np.ndarray | None = None, chunk: int = 256
    ) -> Iterator[np.ndarray]:
        """Expand every state of `depth - 1` (or the given parents) by every function in
        `fn_ids`, parents in order, in chunks; yields the indices of each chunk's new states.
        Stops (setting `stopped`) before a chunk whose applications would pass the work budget,
        so a cut is the same on any machine."""
        fn_ids = list(fn_ids)
        row_us = self._row_us(fn_ids)
        fn_arr = np.asarray(fn_ids, dtype=np.int32)
        # An image's children under this list of functions are computed once for the whole
        # search, whichever parents and layers reach that image.
        block = self._blocks.setdefault(tuple(fn_ids), len(self._blocks))
        rows = [r.setdefault(block, {}) for r in self._rows]
        if parents is None:
            parents = np.flatnonzero(self.depth[: self.n] == depth - 1)
        at = 0
        while at < len(parents) and not self.stopped:
            size = min(chunk, len(parents) - at)
            while True:  # the largest chunk (halving) whose new applications fit the budget
                par = parents[at : at + size]
                todo = [
                    [i for i in np.unique(self.ids[par, k]).tolist() if i not in rows[k]]
                    for k in range(len(self.inputs))
                ]
                weights = [self.stores[k].weight[i] for k, t in enumerate(todo) for i in t]
                calls = [row_us(self.stores[k].colours[i]) for k, t in enumerate(todo) for i in t]
                need = float(np.dot(calls, weights)) + self.overhead_us * len(fn_ids) * len(weights)
                if self.work + need <= self.max_work or size == 1:
                    break
                size //= 2
            if self.work + need > self.max_work:
                self.stopped = "work"
                return
            for k, imgs in enumerate(todo):
                for i in imgs:
                    r = self._row(k, i, fn_ids, row_us(self.stores[k].colours[i]))
                    if r is None:
                        return
                    rows[k][i] = r
            at += size
            new = self._join(par, rows, fn_arr, depth)
            if len(new):
                yield new

    def _join(self, par: np.ndarray, rows: list[dict], fn_arr: np.ndarray, depth: int):
        """The joint children of parents `par`: one new state per distinct, unseen image tuple."""
        n_in = len(self.inputs)
        ch = np.empty((len(par), len(fn_arr), n_in), dtype=np.int32)
        for k in range(n_in):
            ch[:, :, k] = np.stack([rows[k][i] for i in self.ids[par, k].tolist()])
        pi, fi = np.nonzero((ch >= 0).all(axis=2))  # parent-major, then function order
        cand = ch[pi, fi]
        h = _row_hashes(cand)
        _, first = np.unique(h, return_index=True)
        first.sort()
        keep = []
        for j in first.tolist():
            key = h[j].item()
            if key not in self.seen:
                self.seen.add(key)
                keep.append(j)
        room = self.max_states + 1 - self.n
        if len(keep) > room:
            keep = keep[:room]
            self.stopped = "work"
        keep_a = np.asarray(keep, dtype=np.int64)
        idx = np.arange(self.n, self.n + len(keep), dtype=np.int64)
        self.ids[idx] = cand[keep_a]
        self.parent[idx] = par[pi[keep_a]]
        self.fn[idx] = fn_arr[fi[keep_a]]
        self.depth[idx] = self.depth[self.parent[idx]] + 1
        self.cost[idx] = self.cost[self.parent[idx]] + self.fn_cost[self.fn[idx]]
        self.n += len(keep)
        return idx

    def program(self, s: int, names: dict[int, str] | None = None, steps: list | None = None):
        """The straight-line program computing state s (appends to `steps`, shares `names`)."""
        names = {} if names is None else names
        steps = [] if steps is None else steps
        chain = []
        while s > 0 and s not in names:
            chain.append(s)
            s = int(self.parent[s])
        prev = INPUT if s <= 0 else names[s]
        for c in reversed(chain):
            fn = self.fns[int(self.fn[c])]
            if fn.chain:
                prev = self._chain_steps(fn.chain, prev, steps)
                names[c] = prev
                continue
            args: tuple = (Ref(prev), *fn.lits)
            if fn.like >= 0:
                if fn.like not in names and fn.like > 0:
                    self.program(fn.like, names, steps)
                args = (Ref(prev), Ref(names.get(fn.like, INPUT)), *fn.lits)
            name = f"x{len(steps) + 1}"
            steps.append(Step(name, fn.op, args))
            names[c] = prev = name
        return Program(tuple(steps))

    @staticmethod
    def _chain_steps(chain: tuple, parent: str, steps: list) -> str:
        """Append a chain's steps reading grid `parent`; the name of its last step."""
        at = []
        for op, args in chain:
            refs = tuple(
                Ref(parent) if a is PARENT else Ref(at[a.k]) if isinstance(a, At) else a
                for a in args
            )
            at.append(f"x{len(steps) + 1}")
            steps.append(Step(at[-1], op, refs))
        return at[-1]


def _row_hashes(rows: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each row of image ids (a state's identity: collisions ~n^2 / 2^64)."""
    h = np.full(len(rows), 0x9E3779B97F4A7C15, dtype=np.uint64)
    for k in range(rows.shape[1]):
        h ^= rows[:, k].astype(np.uint64) + np.uint64(0x632BE59BD9B4E019)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(31)
    return h


def task_colours(task: Task) -> tuple[int, ...]:
    """Colours of the demonstrations (inputs and outputs): the literals a function may take."""
    seen = set()
    for p in task.train:
        seen.update(np.unique(p.input).tolist())
        seen.update(np.unique(p.output).tolist())
    return tuple(sorted(int(c) for c in seen))
