"""Output-size prediction: rules that explain every demo's output shape from its input."""

from __future__ import annotations

from fractions import Fraction

from dsl.types import Grid, Task


def size_rules(task: Task) -> list[str]:
    """Names of the shape rules that hold on every demonstration (simplest first)."""
    ins = [p.input.shape for p in task.train]
    outs = [p.output.shape for p in task.train]
    rules = []
    if ins == outs:
        rules.append("same")
    if all(o == (i[1], i[0]) for i, o in zip(ins, outs)) and ins != outs:
        rules.append("transposed")
    if len(set(outs)) == 1 and len(outs) > 1:  # one demo cannot tell constant from scaled
        rules.append("constant")
    fr = {(Fraction(o[0], i[0]), Fraction(o[1], i[1])) for i, o in zip(ins, outs)}
    if len(fr) == 1 and "same" not in rules:
        rules.append("scaled")
    return rules


def predict_sizes(task: Task) -> list[set[tuple[int, int]]]:
    """For each test input, the output shapes the holding rules predict (empty: no prediction)."""
    rules = size_rules(task)
    p0 = task.train[0]
    fy = Fraction(p0.output.shape[0], p0.input.shape[0])
    fx = Fraction(p0.output.shape[1], p0.input.shape[1])
    preds = []
    for g in task.test_inputs:
        s: set[tuple[int, int]] = set()
        for r in rules:
            s.add(_apply(r, g, p0.output.shape, fy, fx))
        s.discard(None)
        preds.append(s)
    return preds


def _apply(rule: str, g: Grid, const: tuple[int, int], fy: Fraction, fx: Fraction):
    h, w = g.shape
    if rule == "same":
        return (h, w)
    if rule == "transposed":
        return (w, h)
    if rule == "constant":
        return tuple(const)
    y, x = fy * h, fx * w
    if y.denominator != 1 or x.denominator != 1:
        return None
    return (int(y), int(x))


def affine_axis(seed: list[int], target: list[int]) -> tuple[float, int, int] | None:
    """The simplest (loss, a, b) with target = a * seed + b on every demo, a in 1..5 and b in
    -3..3 (loss a * (|b| + 1): small factors and offsets first); None when none fits."""
    fits = [
        (a * (abs(b) + 1), a, b)
        for a in range(1, 6)
        for b in range(-3, 4)
        if all(a * s + b == t for s, t in zip(seed, target))
    ]
    return min(fits, default=None)


def affine_rule(seed: list[tuple[int, int]], target: list[tuple[int, int]]):
    """A size rule per axis from one seed's shapes on the demos: (loss, (ah, bh, aw, bw)), the
    arguments of `blank_resized`; None when an axis has no rule."""
    rh = affine_axis([s[0] for s in seed], [t[0] for t in target])
    rw = affine_axis([s[1] for s in seed], [t[1] for t in target])
    if rh is None or rw is None:
        return None
    return rh[0] * rw[0], (rh[1], rh[2], rw[1], rw[2])
