"""Each Numba kernel against a plain numpy / pure-Python reference on seeded random grids."""

from __future__ import annotations

import itertools
from collections import deque

import numpy as np
import pytest

from dsl import kernels

N_RANDOM = 40


def random_grids(seed: int, n: int = N_RANDOM, n_colours: int = 4, max_side: int = 9):
    """Small random grids with few colours (so components and symmetries actually occur)."""
    rng = np.random.default_rng(seed)
    for _ in range(n):
        h, w = rng.integers(1, max_side + 1, size=2)
        yield rng.integers(0, n_colours, size=(h, w)).astype(np.int8), rng


def _neighbours(r, c, h, w, conn8):
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            if (dr, dc) == (0, 0) or (not conn8 and dr and dc):
                continue
            if 0 <= r + dr < h and 0 <= c + dc < w:
                yield r + dr, c + dc


def ref_label(g, conn8, multicolour, bg):
    h, w = g.shape
    labels = -np.ones((h, w), dtype=np.int32)
    n = 0
    for r in range(h):
        for c in range(w):
            if labels[r, c] >= 0 or g[r, c] == bg:
                continue
            labels[r, c] = n
            queue = deque([(r, c)])
            while queue:
                a, b = queue.popleft()
                for x, y in _neighbours(a, b, h, w, conn8):
                    if labels[x, y] >= 0 or g[x, y] == bg:
                        continue
                    if not multicolour and g[x, y] != g[r, c]:
                        continue
                    labels[x, y] = n
                    queue.append((x, y))
            n += 1
    return labels, n


@pytest.mark.parametrize("conn8", [False, True])
@pytest.mark.parametrize("multicolour", [False, True])
@pytest.mark.parametrize("bg", [-1, 0])
def test_label_components(conn8, multicolour, bg):
    for g, _ in random_grids(1):
        labels, n = kernels.label_components(g, conn8, multicolour, bg)
        ref, ref_n = ref_label(g, conn8, multicolour, bg)
        assert n == ref_n
        np.testing.assert_array_equal(labels, ref)


def test_component_boxes():
    for g, _ in random_grids(2):
        labels, n = kernels.label_components(g, True, False, 0)
        boxes = kernels.component_boxes(labels, n)
        for k in range(n):
            rows, cols = np.nonzero(labels == k)
            expected = [rows.min(), cols.min(), rows.max(), cols.max(), rows.size]
            assert boxes[k].tolist() == expected


def ref_region(g, r0, c0, conn8):
    h, w = g.shape
    seen = np.zeros((h, w), dtype=bool)
    seen[r0, c0] = True
    queue = deque([(r0, c0)])
    while queue:
        a, b = queue.popleft()
        for x, y in _neighbours(a, b, h, w, conn8):
            if not seen[x, y] and g[x, y] == g[r0, c0]:
                seen[x, y] = True
                queue.append((x, y))
    return seen


@pytest.mark.parametrize("conn8", [False, True])
def test_flood_fill(conn8):
    for g, rng in random_grids(3):
        r, c = rng.integers(0, g.shape[0]), rng.integers(0, g.shape[1])
        colour = int(rng.integers(0, 10))
        expected = g.copy()
        expected[ref_region(g, r, c, conn8)] = colour
        np.testing.assert_array_equal(kernels.flood_fill(g, r, c, colour, conn8), expected)


def ref_border_reachable(g, colour, conn8):
    h, w = g.shape
    seen = np.zeros((h, w), dtype=bool)
    for r in range(h):
        for c in range(w):
            on_border = r in (0, h - 1) or c in (0, w - 1)
            if on_border and g[r, c] == colour and not seen[r, c]:
                seen |= ref_region(g, r, c, conn8)
    return seen


@pytest.mark.parametrize("conn8", [False, True])
def test_border_reachable(conn8):
    for g, _ in random_grids(4, n_colours=2):
        np.testing.assert_array_equal(
            kernels.border_reachable(g, 0, conn8), ref_border_reachable(g, 0, conn8)
        )


def test_fill_enclosed():
    for g, _ in random_grids(5, n_colours=2):
        expected = np.where((g == 0) & ~ref_border_reachable(g, 0, False), 7, g)
        np.testing.assert_array_equal(kernels.fill_enclosed(g, 0, 7), expected)


def test_colour_histogram():
    for g, _ in random_grids(6, n_colours=10):
        hist = kernels.colour_histogram(g)
        np.testing.assert_array_equal(hist, np.bincount(g.ravel(), minlength=10))


def test_colour_bits():
    for g, _ in random_grids(9, n_colours=4):
        expected = sum(1 << int(c) for c in np.unique(g))
        assert kernels.colour_bits(g) == expected


def test_mask_eq():
    for g, _ in random_grids(7):
        np.testing.assert_array_equal(kernels.mask_eq(g, 2), g == 2)


def test_paint_mask():
    for g, rng in random_grids(8):
        m = rng.random(g.shape) < 0.3
        np.testing.assert_array_equal(kernels.paint_mask(g, m, 9), np.where(m, 9, g))


def test_grids_equal():
    for g, rng in random_grids(9):
        other = g.copy()
        if rng.random() < 0.5:
            other[rng.integers(0, g.shape[0]), rng.integers(0, g.shape[1])] += 1
        assert kernels.grids_equal(g, other) == np.array_equal(g, other)
        assert not kernels.grids_equal(g, np.zeros((g.shape[0] + 1, g.shape[1]), np.int8))


def ref_fnv(g):
    x = 14695981039346656037
    for v in [g.shape[0], g.shape[1], *g.astype(np.uint8).ravel().tolist()]:
        x = ((x ^ v) * 1099511628211) % 2**64
    return x


def test_grid_hash():
    seen = set()
    for g, _ in random_grids(10):
        h = kernels.grid_hash(g)
        assert int(h) == ref_fnv(g)
        seen.add((g.shape, g.tobytes(), int(h)))
    assert int(kernels.grid_hash(np.zeros((2, 3), np.int8))) != int(
        kernels.grid_hash(np.zeros((3, 2), np.int8))
    )


REF_SYMMETRIES = (
    lambda a: a,
    lambda a: np.rot90(a, -1),
    lambda a: np.rot90(a, 2),
    lambda a: np.rot90(a, 1),
    lambda a: a[:, ::-1],
    lambda a: a[::-1, :],
    lambda a: a.T,
    lambda a: np.rot90(a, 2).T,
)


def test_apply_symmetry():
    for g, _ in random_grids(11):
        for k, f in enumerate(REF_SYMMETRIES):
            np.testing.assert_array_equal(kernels.apply_symmetry(g, k), f(g))


def ref_symmetry_flags(g, wildcard):
    flags = []
    for f in REF_SYMMETRIES:
        t = f(g)
        flags.append(
            t.shape == g.shape and bool(((g == t) | (g == wildcard) | (t == wildcard)).all())
        )
    return flags


def symmetric_grids(seed):
    """Random grids made symmetric under a random subset of symmetries, plus wildcards."""
    for g, rng in random_grids(seed, n_colours=3):
        if rng.random() < 0.5:
            s = min(g.shape)
            g = np.ascontiguousarray(g[:s, :s])
        for k in rng.choice(8, size=2):
            t = REF_SYMMETRIES[k](g)
            if t.shape == g.shape:
                g = np.ascontiguousarray(np.maximum(g, t))
        yield g, rng


@pytest.mark.parametrize("wildcard", [-1, 9])
def test_symmetry_flags(wildcard):
    for g, rng in symmetric_grids(12):
        if wildcard >= 0:
            g = np.where(rng.random(g.shape) < 0.2, np.int8(wildcard), g).astype(np.int8)
        assert kernels.symmetry_flags(g, wildcard).tolist() == ref_symmetry_flags(g, wildcard)


def ref_complete(g, wildcard, flags):
    res = g.copy()
    changed = True
    while changed:
        changed = False
        for k, f in enumerate(REF_SYMMETRIES):
            if k == 0 or not flags[k]:
                continue
            t = f(res)
            fill = (res == wildcard) & (t != wildcard)
            if fill.any():
                res[fill] = t[fill]
                changed = True
    return res


def test_complete_symmetry():
    for full, rng in symmetric_grids(13):
        holes = rng.random(full.shape) < 0.25
        g = np.where(holes, np.int8(9), full).astype(np.int8)
        flags = kernels.symmetry_flags(g, 9)
        res = kernels.complete_symmetry(g, 9, flags)
        np.testing.assert_array_equal(res, ref_complete(g, 9, flags))
        # When no spurious symmetry was detected, filled cells take the original's values.
        if not (flags & ~kernels.symmetry_flags(full, -1)).any():
            filled = (g == 9) & (res != 9)
            np.testing.assert_array_equal(res[filled], full[filled])


def test_crop():
    for g, rng in random_grids(14):
        r0, c0 = rng.integers(0, g.shape[0]), rng.integers(0, g.shape[1])
        h, w = rng.integers(1, g.shape[0] - r0 + 1), rng.integers(1, g.shape[1] - c0 + 1)
        np.testing.assert_array_equal(kernels.crop(g, r0, c0, h, w), g[r0 : r0 + h, c0 : c0 + w])


@pytest.mark.parametrize("transparent", [-1, 0])
def test_paste(transparent):
    for g, rng in random_grids(15):
        src = rng.integers(0, 4, size=rng.integers(1, 5, size=2)).astype(np.int8)
        r0, c0 = (int(v) for v in rng.integers(-3, 8, size=2))
        expected = g.copy()
        for r in range(src.shape[0]):
            for c in range(src.shape[1]):
                rr, cc = r0 + r, c0 + c
                if 0 <= rr < g.shape[0] and 0 <= cc < g.shape[1] and src[r, c] != transparent:
                    expected[rr, cc] = src[r, c]
        np.testing.assert_array_equal(kernels.paste(g, src, r0, c0, transparent), expected)


def test_upscale():
    for g, rng in random_grids(16):
        kr, kc = (int(v) for v in rng.integers(1, 4, size=2))
        expected = np.repeat(np.repeat(g, kr, axis=0), kc, axis=1)
        np.testing.assert_array_equal(kernels.upscale(g, kr, kc), expected)


def test_downscale():
    for g, rng in random_grids(17):
        kr, kc = (int(v) for v in rng.integers(1, 4, size=2))
        big = np.repeat(np.repeat(g, kr, axis=0), kc, axis=1)
        np.testing.assert_array_equal(kernels.downscale(big, kr, kc), g)
        np.testing.assert_array_equal(kernels.downscale(g, 1, 1), g[::1, ::1])


def test_blocks_uniform():
    for g, rng in random_grids(18, n_colours=2):
        kr, kc = (int(v) for v in rng.integers(1, 4, size=2))
        ref = g.shape[0] % kr == 0 and g.shape[1] % kc == 0
        if ref:
            blocks = g.reshape(g.shape[0] // kr, kr, g.shape[1] // kc, kc)
            ref = bool((blocks == blocks[:, :1, :, :1]).all())
        assert kernels.blocks_uniform(g, kr, kc) == ref
        big = np.repeat(np.repeat(g, kr, axis=0), kc, axis=1)
        assert kernels.blocks_uniform(big, kr, kc)


def test_tile():
    for g, rng in random_grids(19):
        nr, nc = (int(v) for v in rng.integers(1, 4, size=2))
        np.testing.assert_array_equal(kernels.tile(g, nr, nc), np.tile(g, (nr, nc)))


def ref_gravity(g, direction, bg):
    # Rotate so that the direction is "down", settle each column, rotate back.
    turns = {1: 0, 0: 2, 2: 1, 3: 3}[direction]
    a = np.rot90(g, turns)
    res = np.full_like(a, bg)
    for c in range(a.shape[1]):
        col = [v for v in a[:, c] if v != bg]
        if col:
            res[a.shape[0] - len(col) :, c] = col
    return np.rot90(res, -turns)


@pytest.mark.parametrize("direction", [0, 1, 2, 3])
def test_gravity(direction):
    for g, _ in random_grids(20):
        np.testing.assert_array_equal(
            kernels.gravity(g, direction, 0), ref_gravity(g, direction, 0)
        )


def test_shift():
    for g, rng in random_grids(21):
        dr, dc = (int(v) for v in rng.integers(-4, 5, size=2))
        h, w = g.shape
        expected = np.full_like(g, 5)
        for r in range(h):
            for c in range(w):
                if 0 <= r + dr < h and 0 <= c + dc < w:
                    expected[r + dr, c + dc] = g[r, c]
        np.testing.assert_array_equal(kernels.shift(g, dr, dc, 5), expected)


def test_draw_line():
    for g, rng in random_grids(22):
        h, w = g.shape
        r0, r1 = (int(v) for v in rng.integers(0, h, size=2))
        c0, c1 = (int(v) for v in rng.integers(0, w, size=2))
        kind = rng.integers(0, 3)
        if kind == 0:
            r1 = r0
        elif kind == 1:
            c1 = c0
        res = kernels.draw_line(g, r0, c0, r1, c1, 9)
        n = max(abs(r1 - r0), abs(c1 - c0)) + 1
        if kind < 2 or abs(r1 - r0) == abs(c1 - c0):
            # Straight and diagonal lines have exactly these cells.
            rs = np.linspace(r0, r1, n).round().astype(int)
            cs = np.linspace(c0, c1, n).round().astype(int)
            expected = g.copy()
            expected[rs, cs] = 9
            np.testing.assert_array_equal(res, expected)
        else:
            # Any other line: both endpoints drawn, one cell per step along the long axis.
            assert res[r0, c0] == 9 and res[r1, c1] == 9
            changed = (res == 9) & (g != 9)
            assert changed.sum() <= n


@pytest.mark.parametrize("stop", [-1, 0])
def test_draw_ray(stop):
    for g, rng in random_grids(23):
        h, w = g.shape
        r, c = int(rng.integers(0, h)), int(rng.integers(0, w))
        dr, dc = [(-1, 0), (1, 0), (0, 1), (1, -1)][int(rng.integers(0, 4))]
        expected = g.copy()
        rr, cc = r + dr, c + dc
        while 0 <= rr < h and 0 <= cc < w and (stop < 0 or g[rr, cc] == stop):
            expected[rr, cc] = 8
            rr, cc = rr + dr, cc + dc
        np.testing.assert_array_equal(kernels.draw_ray(g, r, c, dr, dc, 8, stop), expected)


@pytest.mark.parametrize("directions", [1, 2, 3, 7])
@pytest.mark.parametrize("colour", [-1, 7])
def test_connect_pairs(directions, colour):
    for g, _ in random_grids(24):
        g = np.where(g == 1, g, 0).astype(np.int8) + (g == 2).astype(np.int8) * 2
        h, w = g.shape
        expected = g.copy()
        order = [(1, (0, 1)), (4, (1, 1)), (4, (1, -1)), (2, (1, 0))]
        for bit, (dr, dc) in order:
            if not directions & bit:
                continue
            for r, c in zip(*np.nonzero(g)):
                path, rr, cc = [], r + dr, c + dc
                while 0 <= rr < h and 0 <= cc < w and g[rr, cc] == 0:
                    path.append((rr, cc))
                    rr, cc = rr + dr, cc + dc
                if 0 <= rr < h and 0 <= cc < w and g[rr, cc] == g[r, c]:
                    for q in path:
                        expected[q] = g[r, c] if colour < 0 else colour
        got = kernels.connect_pairs(g, 0, directions, colour)
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("conn8", [False, True])
def test_neighbour_mask(conn8):
    for g, _ in random_grids(25, n_colours=2):
        fg = np.pad(g != 0, 1)
        h, w = g.shape
        near = np.zeros((h, w), dtype=bool)
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                if (dr, dc) != (0, 0) and (conn8 or not (dr and dc)):
                    near |= fg[1 + dr : 1 + dr + h, 1 + dc : 1 + dc + w]
        np.testing.assert_array_equal(kernels.neighbour_mask(g, 0, conn8), near & (g == 0))


def test_interior_mask():
    for g, _ in random_grids(26, n_colours=2):
        p = np.pad(g, 1, constant_values=-1)
        same = (p[:-2, 1:-1] == g) & (p[2:, 1:-1] == g) & (p[1:-1, :-2] == g) & (p[1:-1, 2:] == g)
        np.testing.assert_array_equal(kernels.interior_mask(g, 0), same & (g != 0))


def ref_period_consistent(g, pr, pc, wildcard, exact):
    h, w = g.shape
    if exact and (h % pr or w % pc):
        return False
    for i in range(pr):
        for j in range(pc):
            vals = g[i::pr, j::pc]
            known = vals[vals != wildcard]
            if known.size == 0 or (known != known[0]).any():
                return False
    return True


def periodic_grids(seed):
    """Grids tiled from a random block, some with wildcard holes (9)."""
    for g, rng in random_grids(seed, n=30, max_side=4):
        reps = rng.integers(1, 4, size=2)
        big = np.tile(g, reps)[: rng.integers(1, 13), : rng.integers(1, 13)]
        holes = rng.random(big.shape) < 0.2
        yield np.ascontiguousarray(np.where(holes, 9, big).astype(np.int8)), rng


@pytest.mark.parametrize("exact", [False, True])
def test_period_consistent(exact):
    for g, rng in periodic_grids(27):
        pr, pc = int(rng.integers(1, g.shape[0] + 1)), int(rng.integers(1, g.shape[1] + 1))
        for wildcard in (-1, 9):
            got = kernels.period_consistent(g, pr, pc, wildcard, exact)
            assert got == ref_period_consistent(g, pr, pc, wildcard, exact)


@pytest.mark.parametrize("exact", [False, True])
def test_min_period(exact):
    for g, _ in periodic_grids(28):
        h, w = g.shape
        fits = [
            (pr * pc, pr, pc)
            for pr in range(1, h + 1)
            for pc in range(1, w + 1)
            if ref_period_consistent(g, pr, pc, 9, exact)
        ]
        expected = min(fits)[1:] if fits else (h, w)
        assert kernels.min_period(g, 9, exact) == expected


def test_periodic_fill():
    for g, _ in periodic_grids(29):
        pr, pc = kernels.min_period(g, 9, False)
        expected = g.copy()
        for r, c in zip(*np.nonzero(g == 9)):
            known = g[r % pr :: pr, c % pc :: pc]
            known = known[known != 9]
            if known.size:
                expected[r, c] = known[0]
        np.testing.assert_array_equal(kernels.periodic_fill(g, pr, pc, 9), expected)


def ref_lattice_consistent(g, pr, pc, shear, wildcard):
    classes = {}
    for (r, c), v in np.ndenumerate(g):
        key = (r % pr, (c - shear * (r // pr)) % pc)
        if v != wildcard and classes.setdefault(key, v) != v:
            return False
    return len(classes) == pr * pc


def diagonal_grids(seed):
    """Grids whose rows repeat shifted (colour a function of (c - s * r) mod p), with holes (9)."""
    for _, rng in random_grids(seed, n=30, max_side=1):
        p, s = int(rng.integers(1, 5)), int(rng.integers(0, 5))
        h, w = int(rng.integers(1, 10)), int(rng.integers(1, 10))
        row = rng.integers(0, 9, size=p)
        big = np.array([[row[(c - s * r) % p] for c in range(w)] for r in range(h)])
        holes = rng.random(big.shape) < 0.3
        yield np.ascontiguousarray(np.where(holes, 9, big).astype(np.int8)), rng


def test_lattice_class():
    # pr 1, shear 1, pc 3: a down-right diagonal keeps its class; the next column is the next class
    assert kernels.lattice_class(0, 0, 1, 3, 1) == kernels.lattice_class(4, 4, 1, 3, 1) == (0, 0)
    assert kernels.lattice_class(2, 0, 1, 3, 1) == (0, 1)  # (0 - 2) mod 3
    assert kernels.lattice_class(5, 7, 2, 4, 0) == (1, 3)  # shear 0: residues mod (pr, pc)


def test_lattice_consistent():
    for g, rng in itertools.chain(diagonal_grids(34), periodic_grids(35)):
        h, w = g.shape
        pr, pc = int(rng.integers(1, h + 1)), int(rng.integers(1, w + 2))
        shear = int(rng.integers(0, pc))
        for wildcard in (-1, 9):
            got = kernels.lattice_consistent(g, pr, pc, shear, wildcard)
            assert got == ref_lattice_consistent(g, pr, pc, shear, wildcard)


def test_min_lattice():
    for g, _ in itertools.chain(diagonal_grids(31), periodic_grids(32)):
        h, w = g.shape
        fits = [
            (pr * pc, pr, shear, pc)
            for pr in range(1, h + 1)
            for pc in range(1, w + h)
            for shear in range(pc if pr <= kernels.MAX_SHEARED_ROWS < h else 1)
            if (pc <= w or (pr <= kernels.MAX_SHEARED_ROWS < h and pc <= w + h - 2))
            and pr * pc <= np.count_nonzero(g != 9)
            and ref_lattice_consistent(g, pr, pc, shear, 9)
        ]
        expected = (min(fits)[1], min(fits)[3], min(fits)[2]) if fits else (h, w, 0)
        assert kernels.min_lattice(g, 9) == expected


def test_lattice_fill():
    for g, _ in diagonal_grids(33):
        pr, pc, shear = kernels.min_lattice(g, 9)
        filled = kernels.lattice_fill(g, pr, pc, shear, 9)
        known = g != 9
        np.testing.assert_array_equal(filled[known], g[known])
        if (pr, pc) != g.shape:  # a lattice was found: every class is known, no hole is left
            assert (filled != 9).all()
            assert ref_lattice_consistent(filled, pr, pc, shear, -1)


def test_component_colour_counts():
    for g, _ in random_grids(30):
        labels, n = kernels.label_components(g, True, True, 0)
        counts = kernels.component_colour_counts(labels, g, n)
        for k in range(n):
            np.testing.assert_array_equal(counts[k], np.bincount(g[labels == k], minlength=10))


@pytest.mark.parametrize("stop,corners", [(False, False), (True, False), (True, True)])
def test_shoot_rays(stop, corners):
    dirs = np.array([(0, 1), (-1, 0), (1, -1)], dtype=np.int64)
    for g, _ in random_grids(31):
        g = np.where(g == 1, g, 0).astype(np.int8) + (g == 2).astype(np.int8) * 2
        expected = g.copy()
        h, w = g.shape
        for r, c in zip(*np.nonzero(g)):
            for dr, dc in dirs:
                inner = [(r + dr, c), (r, c + dc)] if corners and dr and dc else []
                if any(0 <= y < h and 0 <= x < w and g[y, x] for y, x in inner):
                    continue
                rr, cc = r + dr, c + dc
                while 0 <= rr < h and 0 <= cc < w and not (stop and g[rr, cc] != 0):
                    expected[rr, cc] = g[r, c]
                    rr, cc = rr + dr, cc + dc
        np.testing.assert_array_equal(kernels.shoot_rays(g, 0, dirs, stop, corners), expected)


def test_every_kernel_has_a_test():
    """Each public kernel has a `test_<name>` here comparing it with a reference."""
    names = [n for n, f in vars(kernels).items() if hasattr(f, "py_func") and not n.startswith("_")]
    missing = [n for n in names if f"test_{n}" not in globals()]
    assert names and not missing, f"kernels without a test: {missing}"


def test_mode_filter():
    for g, _ in random_grids(32):
        h, w = g.shape
        expected = g.copy()
        for r in range(h):
            for c in range(w):
                win = g[max(r - 1, 0) : r + 2, max(c - 1, 0) : c + 2].ravel()
                counts = np.bincount(win, minlength=10)
                top = counts.max()
                expected[r, c] = g[r, c] if counts[g[r, c]] == top else int(np.argmax(counts))
        np.testing.assert_array_equal(kernels.mode_filter(g), expected)


def test_greedy_cover():
    """Pieces laid top down, each right where nothing above it covers."""
    # One output row 1 2 3 (as one word); pieces: 1 0 0 / 2 2 0 / 3 3 3 (see test_graph)
    out = np.array([1, 2, 3])

    def bitset(mask):
        return np.array([sum(1 << i for i, m in enumerate(mask) if m)], dtype=np.uint64)

    pieces = [np.array(p) for p in ([0, 4, 0], [3, 3, 3], [2, 2, 0], [1, 0, 0])]
    bad = np.stack([bitset(p != out) for p in pieces])
    blank = np.stack([bitset(p == 0) for p in pieces])
    valid = need = care = bitset([1, 1, 1])
    piece, mode = np.empty(5, dtype=np.int64), np.empty(5, dtype=np.int64)
    k = kernels.greedy_cover(bad, blank, valid, need, care, 5, piece, mode)
    assert k == 3 and piece[:3].tolist() == [3, 2, 1]
    assert kernels.greedy_cover(bad[:2], blank[:2], valid, need, care, 5, piece, mode) == -1
    assert [kernels._popcount64(np.uint64(x)) for x in (0, 1, 2**64 - 1)] == [0, 1, 64]


# ---- fills and whole-grid rewrites: each against the numpy version it replaced ----


def test_isolated_mask():
    for g, _ in random_grids(40):
        h, w = g.shape
        p = np.pad(g, 1, constant_values=-1)
        same = [p[:-2, 1:-1], p[2:, 1:-1], p[1:-1, :-2], p[1:-1, 2:]]
        expected = (g != 0) & ~np.any([s == g for s in same], axis=0)
        np.testing.assert_array_equal(kernels.isolated_mask(g, 0), expected)


@pytest.mark.parametrize("axis", [0, 1])
def test_line_majority(axis):
    for g, _ in random_grids(41):
        counts = np.stack([(g == c).sum(axis=axis) for c in range(10)])
        best = np.argmax(counts, axis=0)  # ties: the lowest colour
        expected = np.broadcast_to(best[:, None] if axis == 1 else best[None, :], g.shape)
        got = kernels.line_majority(g, axis)
        assert got.dtype == np.int8
        np.testing.assert_array_equal(got, expected)


def test_dilate4():
    for g, _ in random_grids(42, n_colours=3):
        expected = g.copy()
        p = np.pad(g, 1)
        for nb in (p[:-2, 1:-1], p[2:, 1:-1], p[1:-1, :-2], p[1:-1, 2:]):  # up, down, left, right
            fill = (expected == 0) & (nb != 0)
            expected[fill] = nb[fill]
        np.testing.assert_array_equal(kernels.dilate4(g, 0), expected)


def test_fill_colour_boxes():
    for g, _ in random_grids(43, n_colours=4):
        g = np.where(g == 3, 0, g).astype(np.int8)  # sparser: boxes leave background
        expected = g.copy()
        for c in range(1, 10):
            if (g == c).any():
                rows = np.nonzero((g == c).any(axis=1))[0]
                cols = np.nonzero((g == c).any(axis=0))[0]
                win = expected[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
                win[win == 0] = c
        np.testing.assert_array_equal(kernels.fill_colour_boxes(g, 0), expected)


@pytest.mark.parametrize("colour", [0, 1, 2])
def test_fill_regions_touching(colour):
    for g, _ in random_grids(44, n_colours=3):
        expected = g.copy()
        labels, n = ref_label(np.where(g == 0, 0, 1), False, False, 1)
        for k in range(n):
            region = labels == k
            touch = any(
                g[rr, cc] == colour
                for r, c in zip(*np.nonzero(region))
                for rr, cc in _neighbours(r, c, *g.shape, False)
            )
            if touch and colour != 0:
                expected[region] = colour
        np.testing.assert_array_equal(kernels.fill_regions_touching(g, 0, colour), expected)


def _random_boxes(rng, h, w, n=3):
    tops, lefts = rng.integers(0, h, n), rng.integers(0, w, n)
    bottoms = [rng.integers(t, h) for t in tops]
    rights = [rng.integers(lf, w) for lf in lefts]
    rows = [[t, lf, b, r, 0] for t, lf, b, r in zip(tops, lefts, bottoms, rights)]
    return np.array(rows, dtype=np.int32)


def test_fill_boxes():
    for g, rng in random_grids(45, n_colours=3):
        boxes = _random_boxes(rng, *g.shape)
        expected = g.copy()
        for t, lf, b, r, _ in boxes:
            win = expected[t : b + 1, lf : r + 1]
            win[win == 0] = 7
        np.testing.assert_array_equal(kernels.fill_boxes(g, boxes, 7, 0), expected)


def test_outline_boxes():
    for g, rng in random_grids(46, n_colours=3):
        h, w = g.shape
        boxes = _random_boxes(rng, h, w)
        expected = g.copy()
        for t, lf, b, r, _ in boxes:
            ring = [(rr, cc) for rr in (t - 1, b + 1) for cc in range(lf - 1, r + 2)]
            ring += [(rr, cc) for cc in (lf - 1, r + 1) for rr in range(t - 1, b + 2)]
            for rr, cc in ring:
                if 0 <= rr < h and 0 <= cc < w and expected[rr, cc] == 0:
                    expected[rr, cc] = 7
        np.testing.assert_array_equal(kernels.outline_boxes(g, boxes, 7, 0), expected)


def test_mark_uniform_rows():
    for g, _ in random_grids(47, n_colours=2, max_side=5):
        rows = (g == g[:, :1]).all(axis=1)
        expected = np.where(rows[:, None], 7, 0) + np.zeros_like(g)
        np.testing.assert_array_equal(kernels.mark_uniform_rows(g, 7, 0), expected)


def test_fill_blank_lines():
    for g, _ in random_grids(48, n_colours=2):
        g = np.where(g == 1, np.int8(0), np.int8(3)) * (np.arange(g.shape[1]) % 3 == 0)
        g = np.ascontiguousarray(g.astype(np.int8))
        expected = g.copy()
        expected[(g == 0).all(axis=1), :] = 7
        expected[:, (g == 0).all(axis=0)] = 7
        np.testing.assert_array_equal(kernels.fill_blank_lines(g, 7, 0), expected)


@pytest.mark.parametrize("axis", [0, 1])
def test_mirror_offset_fill(axis):
    """Against a brute force over every mirror line, on grids mirrored about an off-centre line
    with holes of the wildcard colour."""
    rng = np.random.default_rng(49)
    for _ in range(60):
        h, w = rng.integers(2, 9, 2)
        a = rng.integers(0, 4, (h, w)).astype(np.int8)
        g = np.concatenate([a, a[::-1][: rng.integers(0, h + 1)]])  # rows mirrored
        g = np.ascontiguousarray(g if axis == 0 else g.T)
        g[rng.random(g.shape) < 0.2] = 9
        n = g.shape[axis]
        lines = g if axis == 0 else g.T
        best, best_score = None, 0
        for s in range(1, 2 * n - 2):
            pairs = [(i, s - i) for i in range(n) if 0 <= s - i < n]
            if len(pairs) < n // 2:
                continue
            known = [(lines[i] != 9) & (lines[j] != 9) for i, j in pairs]
            if any((lines[i][k] != lines[j][k]).any() for (i, j), k in zip(pairs, known)):
                continue
            score = sum(int(k.sum()) for k in known)
            if score > best_score:
                best, best_score = s, score
        got, found = kernels.mirror_offset_fill(g, 9, axis)
        assert found == (best is not None)
        expected = lines.copy()
        if best is not None:
            for i in range(n):
                j = best - i
                if 0 <= j < n:
                    hole = (expected[i] == 9) & (lines[j] != 9)
                    expected[i][hole] = lines[j][hole]
        np.testing.assert_array_equal(got, expected if axis == 0 else expected.T)


def test_separator_colour():
    """Against the numpy version it replaced, on random grids with lines drawn across them."""
    for g, rng in random_grids(50, n_colours=3):
        g = g.copy()
        for _ in range(rng.integers(0, 3)):
            c = rng.integers(1, 5)
            if rng.random() < 0.5:
                g[rng.integers(g.shape[0]), :] = c
            else:
                g[:, rng.integers(g.shape[1])] = c
        rows, cols = (g == g[:, :1]).all(axis=1), (g == g[:1, :]).all(axis=0)
        best, best_n = -1, 0
        for c in np.unique(g).tolist():
            row_lines, col_lines = rows & (g[:, 0] == c), cols & (g[0, :] == c)
            n = int(row_lines.sum() + col_lines.sum())
            if c == 0 or n == 0 or row_lines.all() or col_lines.all():
                continue
            if ((g == c) & ~(row_lines[:, None] | col_lines[None, :])).any():
                continue
            if n > best_n:
                best, best_n = c, n
        assert kernels.separator_colour(g, 0) == best
