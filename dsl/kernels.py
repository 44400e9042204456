"""Numba kernels: the DSL's hot loops. Arrays in, arrays out; no Python objects.

Every function is `@njit(cache=True)` and compiles lazily on first call (nothing at import time).
Grids are 2-D int8 arrays. Colour parameters are plain ints; -1 means "none" where a kernel
takes an optional colour (background, wildcard, transparent).

Symmetry index k follows `dsl.primitives.geometry.SYMMETRIES`: 0 identity, 1 rot90 (clockwise),
2 rot180, 3 rot270, 4 flip_lr, 5 flip_ud, 6 transpose, 7 antitranspose.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# ---------------------------------------------------------------------------------------------
# Connected components


@njit(cache=True)
def _flood(
    g: np.ndarray,
    labels: np.ndarray,
    stack_r: np.ndarray,
    stack_c: np.ndarray,
    top: int,
    n: int,
    colour: int,
    bg: int,
    multicolour: bool,
    conn8: bool,
) -> None:
    """Grow label `n` from the `top` seeds already on the stack (and labelled) through unlabelled
    (-1) neighbours that are not `bg` and, unless `multicolour`, equal `colour`."""
    h, w = g.shape
    while top > 0:
        top -= 1
        r = stack_r[top]
        c = stack_c[top]
        for dr in range(-1, 2):
            for dc in range(-1, 2):
                if (dr == 0 and dc == 0) or (not conn8 and dr != 0 and dc != 0):
                    continue
                rr = r + dr
                cc = c + dc
                if rr < 0 or rr >= h or cc < 0 or cc >= w:
                    continue
                if labels[rr, cc] != -1 or g[rr, cc] == bg:
                    continue
                if not multicolour and g[rr, cc] != colour:
                    continue
                labels[rr, cc] = n
                stack_r[top] = rr
                stack_c[top] = cc
                top += 1


@njit(cache=True)
def label_components(
    g: np.ndarray, conn8: bool, multicolour: bool, bg: int
) -> tuple[np.ndarray, int]:
    """Label connected components; returns (labels int32 array, count).

    Cells of colour `bg` get label -1 (bg=-1: no background). Single-colour mode joins equal
    neighbours; multicolour mode joins any two non-background neighbours. Labels are numbered in
    row-major order of each component's first cell.
    """
    h, w = g.shape
    labels = np.full((h, w), -1, dtype=np.int32)
    stack_r = np.empty(h * w, dtype=np.int32)
    stack_c = np.empty(h * w, dtype=np.int32)
    n = 0
    for r0 in range(h):
        for c0 in range(w):
            if labels[r0, c0] != -1 or g[r0, c0] == bg:
                continue
            labels[r0, c0] = n
            stack_r[0] = r0
            stack_c[0] = c0
            _flood(g, labels, stack_r, stack_c, 1, n, g[r0, c0], bg, multicolour, conn8)
            n += 1
    return labels, n


@njit(cache=True)
def component_boxes(labels: np.ndarray, n: int) -> np.ndarray:
    """Per label: [top, left, bottom, right, size] (bottom/right inclusive), int32 (n, 5)."""
    h, w = labels.shape
    out = np.zeros((n, 5), dtype=np.int32)
    for k in range(n):
        out[k, 0] = h
        out[k, 1] = w
        out[k, 2] = -1
        out[k, 3] = -1
    for r in range(h):
        for c in range(w):
            k = labels[r, c]
            if k < 0:
                continue
            if r < out[k, 0]:
                out[k, 0] = r
            if c < out[k, 1]:
                out[k, 1] = c
            if r > out[k, 2]:
                out[k, 2] = r
            if c > out[k, 3]:
                out[k, 3] = c
            out[k, 4] += 1
    return out


@njit(cache=True)
def flood_fill(g: np.ndarray, r0: int, c0: int, colour: int, conn8: bool) -> np.ndarray:
    """Copy of g with the same-colour region containing (r0, c0) recoloured to `colour`."""
    h, w = g.shape
    out = g.copy()
    old = g[r0, c0]
    if old == colour:
        return out
    labels = np.full((h, w), -1, dtype=np.int32)
    stack_r = np.empty(h * w, dtype=np.int32)
    stack_c = np.empty(h * w, dtype=np.int32)
    labels[r0, c0] = 0
    stack_r[0] = r0
    stack_c[0] = c0
    _flood(g, labels, stack_r, stack_c, 1, 0, old, -1, False, conn8)
    for r in range(h):
        for c in range(w):
            if labels[r, c] == 0:
                out[r, c] = colour
    return out


@njit(cache=True)
def border_reachable(g: np.ndarray, colour: int, conn8: bool) -> np.ndarray:
    """Bool mask of cells of `colour` connected (through `colour`) to the grid's border."""
    h, w = g.shape
    labels = np.full((h, w), -1, dtype=np.int32)
    stack_r = np.empty(h * w, dtype=np.int32)
    stack_c = np.empty(h * w, dtype=np.int32)
    top = 0
    for r in range(h):
        for c in range(w):
            if (r == 0 or c == 0 or r == h - 1 or c == w - 1) and g[r, c] == colour:
                labels[r, c] = 0
                stack_r[top] = r
                stack_c[top] = c
                top += 1
    _flood(g, labels, stack_r, stack_c, top, 0, colour, -1, False, conn8)
    return labels == 0


@njit(cache=True)
def fill_enclosed(g: np.ndarray, bg: int, colour: int) -> np.ndarray:
    """Copy of g with `bg` cells not 4-connected to the border (through bg) set to `colour`."""
    reach = border_reachable(g, bg, False)
    out = g.copy()
    h, w = g.shape
    for r in range(h):
        for c in range(w):
            if g[r, c] == bg and not reach[r, c]:
                out[r, c] = colour
    return out


# ---------------------------------------------------------------------------------------------
# Colours and masks


@njit(cache=True)
def colour_histogram(g: np.ndarray) -> np.ndarray:
    """Count of each colour 0..9, int64[10]."""
    out = np.zeros(10, dtype=np.int64)
    h, w = g.shape
    for r in range(h):
        for c in range(w):
            out[g[r, c]] += 1
    return out


@njit(cache=True)
def colour_bits(g: np.ndarray) -> int:
    """The colours present as bits (bit c: colour c occurs): one call where the graph interns
    every new image (a histogram and its nonzero took 18 us of Python per image)."""
    bits = 0
    h, w = g.shape
    for r in range(h):
        for c in range(w):
            bits |= 1 << g[r, c]
    return bits


@njit(cache=True)
def mask_eq(g: np.ndarray, colour: int) -> np.ndarray:
    """Bool mask of cells equal to `colour`."""
    h, w = g.shape
    out = np.zeros((h, w), dtype=np.bool_)
    for r in range(h):
        for c in range(w):
            out[r, c] = g[r, c] == colour
    return out


@njit(cache=True)
def paint_mask(g: np.ndarray, mask: np.ndarray, colour: int) -> np.ndarray:
    """Copy of g with cells where `mask` is True set to `colour`."""
    out = g.copy()
    h, w = g.shape
    for r in range(h):
        for c in range(w):
            if mask[r, c]:
                out[r, c] = colour
    return out


@njit(cache=True)
def grids_equal(a: np.ndarray, b: np.ndarray) -> bool:
    """True when a and b have the same shape and cells."""
    if a.shape[0] != b.shape[0] or a.shape[1] != b.shape[1]:
        return False
    h, w = a.shape
    for r in range(h):
        for c in range(w):
            if a[r, c] != b[r, c]:
                return False
    return True


_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)


@njit(cache=True)
def grid_hash(g: np.ndarray) -> np.uint64:
    """64-bit FNV-1a over (height, width, cells row-major) as a uint64."""
    h, w = g.shape
    x = _FNV_OFFSET
    x = (x ^ np.uint64(h)) * _FNV_PRIME
    x = (x ^ np.uint64(w)) * _FNV_PRIME
    for r in range(h):
        for c in range(w):
            x = (x ^ np.uint64(np.uint8(g[r, c]))) * _FNV_PRIME
    return x


# ---------------------------------------------------------------------------------------------
# Symmetry


@njit(cache=True)
def _sym_src(k: int, h: int, w: int, i: int, j: int) -> tuple[int, int]:
    """Source cell (r, c) in an h x w grid for cell (i, j) of its k-th symmetric image."""
    if k == 0:
        return i, j
    if k == 1:
        return h - 1 - j, i
    if k == 2:
        return h - 1 - i, w - 1 - j
    if k == 3:
        return j, w - 1 - i
    if k == 4:
        return i, w - 1 - j
    if k == 5:
        return h - 1 - i, j
    if k == 6:
        return j, i
    return h - 1 - j, w - 1 - i


@njit(cache=True)
def apply_symmetry(g: np.ndarray, k: int) -> np.ndarray:
    """The k-th symmetric image of g (index order as in geometry.SYMMETRIES)."""
    h, w = g.shape
    if k == 1 or k == 3 or k == 6 or k == 7:
        oh, ow = w, h
    else:
        oh, ow = h, w
    out = np.empty((oh, ow), dtype=g.dtype)
    for i in range(oh):
        for j in range(ow):
            r, c = _sym_src(k, h, w, i, j)
            out[i, j] = g[r, c]
    return out


@njit(cache=True)
def symmetry_flags(g: np.ndarray, wildcard: int) -> np.ndarray:
    """bool[8]: flags[k] when g equals its k-th symmetric image, ignoring `wildcard` cells.

    Shape-changing symmetries (rot90, rot270, transpose, antitranspose) need a square grid.
    """
    h, w = g.shape
    flags = np.zeros(8, dtype=np.bool_)
    for k in range(8):
        if (k == 1 or k == 3 or k == 6 or k == 7) and h != w:
            continue
        ok = True
        for i in range(h):
            for j in range(w):
                a = g[i, j]
                if a == wildcard:
                    continue
                r, c = _sym_src(k, h, w, i, j)
                b = g[r, c]
                if b != wildcard and a != b:
                    ok = False
                    break
            if not ok:
                break
        flags[k] = ok
    return flags


@njit(cache=True)
def complete_symmetry(g: np.ndarray, wildcard: int, flags: np.ndarray) -> np.ndarray:
    """Fill `wildcard` cells from their images under the symmetries in `flags` (to a fixpoint)."""
    h, w = g.shape
    out = g.copy()
    changed = True
    while changed:
        changed = False
        for i in range(h):
            for j in range(w):
                if out[i, j] != wildcard:
                    continue
                for k in range(1, 8):
                    if not flags[k]:
                        continue
                    if (k == 1 or k == 3 or k == 6 or k == 7) and h != w:
                        continue
                    r, c = _sym_src(k, h, w, i, j)
                    if out[r, c] != wildcard:
                        out[i, j] = out[r, c]
                        changed = True
                        break
    return out


@njit(cache=True)
def mirror_offset_fill(g: np.ndarray, wildcard: int, axis: int) -> tuple[np.ndarray, bool]:
    """Fill `wildcard` cells from their mirror images about the best mirror line across `axis`
    (0: rows mirror rows, 1: columns mirror columns), placed anywhere: lines i and s - i pair
    up, for the s (1 to 2n - 3) that pairs at least n // 2 lines, has no known pair that
    differs, and has the most known pairs that agree (the first such s). Returns (the filled
    grid, whether such a line was found)."""
    h, w = g.shape
    n, m = (h, w) if axis == 0 else (w, h)
    best, best_score = -1, 0
    for s in range(1, 2 * n - 2):
        lo, hi = max(0, s - (n - 1)), min(n - 1, s)
        if hi - lo + 1 < n // 2:
            continue
        ok, score = True, 0
        for i in range(lo, hi + 1):
            for k in range(m):
                a = g[i, k] if axis == 0 else g[k, i]
                b = g[s - i, k] if axis == 0 else g[k, s - i]
                if a != wildcard and b != wildcard:
                    if a != b:
                        ok = False
                        break
                    score += 1
            if not ok:
                break
        if ok and score > best_score:
            best, best_score = s, score
    out = g.copy()
    if best < 0:
        return out, False
    for i in range(max(0, best - (n - 1)), min(n - 1, best) + 1):
        for k in range(m):
            if axis == 0:
                if out[i, k] == wildcard and g[best - i, k] != wildcard:
                    out[i, k] = g[best - i, k]
            elif out[k, i] == wildcard and g[k, best - i] != wildcard:
                out[k, i] = g[k, best - i]
    return out, True


@njit(cache=True)
def separator_colour(g: np.ndarray, bg: int) -> int:
    """The colour of full-length separator lines: a colour other than `bg` whose every cell
    lies on a row or column entirely of that colour, with at least one such line but neither
    every row nor every column one; the most lines wins (ties: the lowest colour); -1: none."""
    h, w = g.shape
    row_c = np.full(h, -1, dtype=np.int32)  # a uniform row's colour, else -1
    col_c = np.full(w, -1, dtype=np.int32)
    for r in range(h):
        row_c[r] = g[r, 0]
        for c in range(1, w):
            if g[r, c] != g[r, 0]:
                row_c[r] = -1
                break
    for c in range(w):
        col_c[c] = g[0, c]
        for r in range(1, h):
            if g[r, c] != g[0, c]:
                col_c[c] = -1
                break
    best, best_n = -1, 0
    for colour in range(10):
        if colour == bg:
            continue
        n_rows = 0
        for r in range(h):
            n_rows += row_c[r] == colour
        n_cols = 0
        for c in range(w):
            n_cols += col_c[c] == colour
        if n_rows + n_cols == 0 or n_rows == h or n_cols == w:
            continue
        off_lines = False
        for r in range(h):
            for c in range(w):
                if g[r, c] == colour and row_c[r] != colour and col_c[c] != colour:
                    off_lines = True
        if not off_lines and n_rows + n_cols > best_n:
            best, best_n = colour, n_rows + n_cols
    return best


# ---------------------------------------------------------------------------------------------
# Crop, paste, scale, tile


@njit(cache=True)
def crop(g: np.ndarray, r0: int, c0: int, h: int, w: int) -> np.ndarray:
    """Copy of the h x w window with top-left (r0, c0); must lie inside g."""
    out = np.empty((h, w), dtype=g.dtype)
    for r in range(h):
        for c in range(w):
            out[r, c] = g[r0 + r, c0 + c]
    return out


@njit(cache=True)
def paste(dst: np.ndarray, src: np.ndarray, r0: int, c0: int, transparent: int) -> np.ndarray:
    """Copy of dst with src drawn at (r0, c0), clipped; src cells equal to `transparent` skipped."""
    out = dst.copy()
    h, w = dst.shape
    sh, sw = src.shape
    for r in range(sh):
        rr = r0 + r
        if rr < 0 or rr >= h:
            continue
        for c in range(sw):
            cc = c0 + c
            if cc < 0 or cc >= w:
                continue
            v = src[r, c]
            if v != transparent:
                out[rr, cc] = v
    return out


@njit(cache=True)
def upscale(g: np.ndarray, kr: int, kc: int) -> np.ndarray:
    """Each cell becomes a kr x kc block."""
    h, w = g.shape
    out = np.empty((h * kr, w * kc), dtype=g.dtype)
    for r in range(h * kr):
        for c in range(w * kc):
            out[r, c] = g[r // kr, c // kc]
    return out


@njit(cache=True)
def downscale(g: np.ndarray, kr: int, kc: int) -> np.ndarray:
    """Each kr x kc block becomes its top-left cell (h, w must be multiples of kr, kc)."""
    h, w = g.shape
    out = np.empty((h // kr, w // kc), dtype=g.dtype)
    for r in range(h // kr):
        for c in range(w // kc):
            out[r, c] = g[r * kr, c * kc]
    return out


@njit(cache=True)
def blocks_uniform(g: np.ndarray, kr: int, kc: int) -> bool:
    """True when h, w are multiples of kr, kc and every kr x kc block is one colour."""
    h, w = g.shape
    if h % kr != 0 or w % kc != 0:
        return False
    for r in range(h):
        for c in range(w):
            if g[r, c] != g[r - r % kr, c - c % kc]:
                return False
    return True


@njit(cache=True)
def tile(g: np.ndarray, nr: int, nc: int) -> np.ndarray:
    """g repeated nr times down and nc times across."""
    h, w = g.shape
    out = np.empty((h * nr, w * nc), dtype=g.dtype)
    for r in range(h * nr):
        for c in range(w * nc):
            out[r, c] = g[r % h, c % w]
    return out


# ---------------------------------------------------------------------------------------------
# Movement


@njit(cache=True)
def _pack_line(src: np.ndarray, dst: np.ndarray, bg: int, to_end: bool) -> None:
    """Write the non-`bg` cells of line `src` into `dst` in order, packed at its start (or end)."""
    n = src.shape[0]
    step = -1 if to_end else 1
    i = n - 1 if to_end else 0
    k = i
    for _ in range(n):
        if src[i] != bg:
            dst[k] = src[i]
            k += step
        i += step


@njit(cache=True)
def gravity(g: np.ndarray, direction: int, bg: int) -> np.ndarray:
    """Non-`bg` cells slide as far as they go: direction 0 up, 1 down, 2 left, 3 right."""
    h, w = g.shape
    out = np.full((h, w), bg, dtype=g.dtype)
    if direction == 0 or direction == 1:
        for c in range(w):
            _pack_line(g[:, c], out[:, c], bg, direction == 1)
    else:
        for r in range(h):
            _pack_line(g[r, :], out[r, :], bg, direction == 3)
    return out


@njit(cache=True)
def shift(g: np.ndarray, dr: int, dc: int, fill: int) -> np.ndarray:
    """g moved by (dr, dc) on a same-size canvas; uncovered cells get `fill`."""
    h, w = g.shape
    out = np.full((h, w), fill, dtype=g.dtype)
    for r in range(h):
        rr = r + dr
        if rr < 0 or rr >= h:
            continue
        for c in range(w):
            cc = c + dc
            if 0 <= cc < w:
                out[rr, cc] = g[r, c]
    return out


# ---------------------------------------------------------------------------------------------
# Drawing


@njit(cache=True)
def draw_line(g: np.ndarray, r0: int, c0: int, r1: int, c1: int, colour: int) -> np.ndarray:
    """Copy of g with a straight line (Bresenham, endpoints included) in `colour`, clipped."""
    out = g.copy()
    h, w = g.shape
    dr = abs(r1 - r0)
    dc = abs(c1 - c0)
    sr = 1 if r1 >= r0 else -1
    sc = 1 if c1 >= c0 else -1
    err = dc - dr
    r = r0
    c = c0
    while True:
        if 0 <= r < h and 0 <= c < w:
            out[r, c] = colour
        if r == r1 and c == c1:
            break
        e2 = 2 * err
        if e2 > -dr:
            err -= dr
            c += sc
        if e2 < dc:
            err += dc
            r += sr
    return out


@njit(cache=True)
def draw_ray(
    g: np.ndarray, r0: int, c0: int, dr: int, dc: int, colour: int, stop: int
) -> np.ndarray:
    """Copy of g with a ray from (r0, c0) (exclusive) in direction (dr, dc) to the border.

    stop >= 0: the ray ends before the first cell whose colour is not `stop` (its background).
    """
    out = g.copy()
    h, w = g.shape
    r = r0 + dr
    c = c0 + dc
    while 0 <= r < h and 0 <= c < w:
        if stop >= 0 and g[r, c] != stop:
            break
        out[r, c] = colour
        r += dr
        c += dc
    return out


@njit(cache=True)
def connect_pairs(g: np.ndarray, bg: int, directions: int, colour: int) -> np.ndarray:
    """Copy of g where every two equal non-`bg` cells with only `bg` between them are joined by
    a line of their colour (colour=-1) or of `colour`. `directions` is a bit set: 1 rows,
    2 columns, 4 diagonals. Passes run rows, diagonals, columns, so columns win at crossings."""
    h, w = g.shape
    out = g.copy()
    for d in range(4):
        if d == 0:
            if not directions & 1:
                continue
            dr, dc = 0, 1
        elif d == 1:
            if not directions & 4:
                continue
            dr, dc = 1, 1
        elif d == 2:
            if not directions & 4:
                continue
            dr, dc = 1, -1
        else:
            if not directions & 2:
                continue
            dr, dc = 1, 0
        for r in range(h):
            for c in range(w):
                v = g[r, c]
                if v == bg:
                    continue
                rr = r + dr
                cc = c + dc
                while 0 <= rr < h and 0 <= cc < w and g[rr, cc] == bg:
                    rr += dr
                    cc += dc
                if 0 <= rr < h and 0 <= cc < w and g[rr, cc] == v:
                    rr = r + dr
                    cc = c + dc
                    while g[rr, cc] == bg:
                        out[rr, cc] = v if colour < 0 else colour
                        rr += dr
                        cc += dc
    return out


@njit(cache=True)
def neighbour_mask(g: np.ndarray, bg: int, conn8: bool) -> np.ndarray:
    """Bool mask of `bg` cells with at least one non-`bg` neighbour (4- or 8-connected)."""
    h, w = g.shape
    out = np.zeros((h, w), dtype=np.bool_)
    for r in range(h):
        for c in range(w):
            if g[r, c] != bg:
                continue
            found = False
            for dr in range(-1, 2):
                for dc in range(-1, 2):
                    if (dr == 0 and dc == 0) or (not conn8 and dr != 0 and dc != 0):
                        continue
                    rr = r + dr
                    cc = c + dc
                    if 0 <= rr < h and 0 <= cc < w and g[rr, cc] != bg:
                        found = True
            out[r, c] = found
    return out


@njit(cache=True)
def interior_mask(g: np.ndarray, bg: int) -> np.ndarray:
    """Bool mask of non-`bg` cells whose 4 neighbours all exist and share their colour."""
    h, w = g.shape
    out = np.zeros((h, w), dtype=np.bool_)
    for r in range(1, h - 1):
        for c in range(1, w - 1):
            v = g[r, c]
            if v == bg:
                continue
            out[r, c] = (
                g[r - 1, c] == v and g[r + 1, c] == v and g[r, c - 1] == v and (g[r, c + 1] == v)
            )
    return out


# ---------------------------------------------------------------------------------------------
# Fills and whole-grid rewrites: primitives the graph search applies to every image it reaches,
# whose numpy versions took 20-200 us a call


@njit(cache=True)
def isolated_mask(g: np.ndarray, bg: int) -> np.ndarray:
    """Bool mask of non-`bg` cells with no 4-neighbour of their own colour."""
    h, w = g.shape
    out = np.zeros((h, w), dtype=np.bool_)
    for r in range(h):
        for c in range(w):
            v = g[r, c]
            if v == bg:
                continue
            if (r > 0 and g[r - 1, c] == v) or (r < h - 1 and g[r + 1, c] == v):
                continue
            if (c > 0 and g[r, c - 1] == v) or (c < w - 1 and g[r, c + 1] == v):
                continue
            out[r, c] = True
    return out


@njit(cache=True)
def line_majority(g: np.ndarray, axis: int) -> np.ndarray:
    """Each row (axis 1) or column (axis 0) filled with its most frequent colour; a tie goes to
    the lowest colour."""
    h, w = g.shape
    out = np.empty((h, w), dtype=np.int8)
    lines, length = (h, w) if axis == 1 else (w, h)
    counts = np.zeros(10, dtype=np.int32)
    for i in range(lines):
        counts[:] = 0
        for j in range(length):
            counts[g[i, j] if axis == 1 else g[j, i]] += 1
        best = 0
        for c in range(1, 10):
            if counts[c] > counts[best]:
                best = c
        for j in range(length):
            if axis == 1:
                out[i, j] = best
            else:
                out[j, i] = best
    return out


@njit(cache=True)
def dilate4(g: np.ndarray, bg: int) -> np.ndarray:
    """`bg` cells next to a non-`bg` cell take its colour: the first of up, down, left, right."""
    h, w = g.shape
    out = g.copy()
    for r in range(h):
        for c in range(w):
            if g[r, c] != bg:
                continue
            if r > 0 and g[r - 1, c] != bg:
                out[r, c] = g[r - 1, c]
            elif r < h - 1 and g[r + 1, c] != bg:
                out[r, c] = g[r + 1, c]
            elif c > 0 and g[r, c - 1] != bg:
                out[r, c] = g[r, c - 1]
            elif c < w - 1 and g[r, c + 1] != bg:
                out[r, c] = g[r, c + 1]
    return out


@njit(cache=True)
def fill_colour_boxes(g: np.ndarray, bg: int) -> np.ndarray:
    """Each colour but `bg`, lowest first, fills the `bg` cells left inside its bounding box."""
    h, w = g.shape
    box = np.empty((10, 4), dtype=np.int32)  # top, left, bottom, right
    box[:, 0] = h
    box[:, 1] = w
    box[:, 2] = -1
    box[:, 3] = -1
    for r in range(h):
        for c in range(w):
            v = g[r, c]
            box[v, 0] = min(box[v, 0], r)
            box[v, 1] = min(box[v, 1], c)
            box[v, 2] = max(box[v, 2], r)
            box[v, 3] = max(box[v, 3], c)
    out = g.copy()
    for v in range(10):
        if v == bg or box[v, 2] < 0:
            continue
        for r in range(box[v, 0], box[v, 2] + 1):
            for c in range(box[v, 1], box[v, 3] + 1):
                if out[r, c] == bg:
                    out[r, c] = v
    return out


@njit(cache=True)
def fill_regions_touching(g: np.ndarray, bg: int, colour: int) -> np.ndarray:
    """`bg` regions (4-connected) with a cell 4-adjacent to a `colour` cell become `colour`."""
    out = g.copy()
    if colour == bg:
        return out
    labels, n = label_components(g, False, False, -1)  # single-colour: bg regions among them
    hit = np.zeros(n, dtype=np.bool_)
    h, w = g.shape
    for r in range(h):
        for c in range(w):
            if g[r, c] != bg:
                continue
            if (r > 0 and g[r - 1, c] == colour) or (r < h - 1 and g[r + 1, c] == colour):
                hit[labels[r, c]] = True
            elif (c > 0 and g[r, c - 1] == colour) or (c < w - 1 and g[r, c + 1] == colour):
                hit[labels[r, c]] = True
    for r in range(h):
        for c in range(w):
            if g[r, c] == bg and hit[labels[r, c]]:
                out[r, c] = colour
    return out


@njit(cache=True)
def fill_boxes(g: np.ndarray, boxes: np.ndarray, colour: int, bg: int) -> np.ndarray:
    """`bg` cells inside any box ([top, left, bottom, right, ...] rows, inclusive) become
    `colour`."""
    out = g.copy()
    for k in range(boxes.shape[0]):
        for r in range(boxes[k, 0], boxes[k, 2] + 1):
            for c in range(boxes[k, 1], boxes[k, 3] + 1):
                if out[r, c] == bg:
                    out[r, c] = colour
    return out


@njit(cache=True)
def outline_boxes(g: np.ndarray, boxes: np.ndarray, colour: int, bg: int) -> np.ndarray:
    """`bg` cells on the ring one cell outside each box ([top, left, bottom, right, ...] rows,
    inclusive) become `colour` (the part inside the grid)."""
    h, w = g.shape
    out = g.copy()
    for k in range(boxes.shape[0]):
        top, left = boxes[k, 0] - 1, boxes[k, 1] - 1
        bottom, right = boxes[k, 2] + 1, boxes[k, 3] + 1
        for r in range(max(top, 0), min(bottom, h - 1) + 1):
            for c in range(max(left, 0), min(right, w - 1) + 1):
                ring = r == top or r == bottom or c == left or c == right
                if ring and out[r, c] == bg:
                    out[r, c] = colour
    return out


@njit(cache=True)
def mark_uniform_rows(g: np.ndarray, colour: int, bg: int) -> np.ndarray:
    """Rows of one colour become `colour`, all other rows `bg`."""
    h, w = g.shape
    out = np.empty((h, w), dtype=np.int8)
    for r in range(h):
        same = True
        for c in range(1, w):
            if g[r, c] != g[r, 0]:
                same = False
                break
        out[r, :] = colour if same else bg
    return out


@njit(cache=True)
def fill_blank_lines(g: np.ndarray, colour: int, bg: int) -> np.ndarray:
    """Rows and columns that are all `bg` become `colour`."""
    h, w = g.shape
    out = g.copy()
    for r in range(h):
        if (g[r, :] == bg).all():
            out[r, :] = colour
    for c in range(w):
        if (g[:, c] == bg).all():
            out[:, c] = colour
    return out


# ---------------------------------------------------------------------------------------------
# Periodicity


@njit(cache=True)
def lattice_class(r: int, c: int, pr: int, pc: int, shear: int) -> tuple[int, int]:
    """Cell (r, c)'s class under the lattice of translations (0, pc) and (pr, shear): row r % pr,
    and the column shifted back by `shear` for every pr rows above. shear 0: a rectangular
    period; pr 1, shear 1: colour constant along down-right diagonals, with period pc."""
    return r % pr, (c - shear * (r // pr)) % pc


@njit(cache=True)
def lattice_consistent(g: np.ndarray, pr: int, pc: int, shear: int, wildcard: int) -> bool:
    """True when g repeats under the lattice (see lattice_class): cells of one class that are not
    `wildcard` agree, and every class has a known cell."""
    h, w = g.shape
    table = np.full((pr, pc), -1, dtype=np.int16)
    for r in range(h):
        for c in range(w):
            v = g[r, c]
            if v == wildcard:
                continue
            i, j = lattice_class(r, c, pr, pc, shear)
            t = table[i, j]
            if t == -1:
                table[i, j] = v
            elif t != v:
                return False
    for i in range(pr):
        for j in range(pc):
            if table[i, j] == -1:
                return False
    return True


@njit(cache=True)
def period_consistent(g: np.ndarray, pr: int, pc: int, wildcard: int, exact: bool) -> bool:
    """True when g repeats with period (pr, pc): cells congruent mod (pr, pc) that are not
    `wildcard` agree, and every residue class has a known cell. exact: pr, pc must divide h, w."""
    h, w = g.shape
    if exact and (h % pr != 0 or w % pc != 0):
        return False
    return lattice_consistent(g, pr, pc, 0, wildcard)


@njit(cache=True)
def min_period(g: np.ndarray, wildcard: int, exact: bool) -> tuple[int, int]:
    """(pr, pc) of smallest area (then smallest pr) for which g is periodic (see
    period_consistent); (h, w) when nothing smaller fits."""
    h, w = g.shape
    for area in range(1, h * w + 1):
        for pr in range(1, h + 1):
            if area % pr != 0:
                continue
            pc = area // pr
            if pc > w:
                continue
            if period_consistent(g, pr, pc, wildcard, exact):
                return pr, pc
    return h, w


MAX_SHEARED_ROWS = 1  # sheared lattices tried: rows that repeat shifted (diagonal patterns)


@njit(cache=True)
def min_lattice(g: np.ndarray, wildcard: int) -> tuple[int, int, int]:
    """(pr, pc, shear) of smallest area pr * pc (then smallest pr, then shear) for which g
    repeats under the lattice (lattice_consistent); shear > 0 only for pr <= MAX_SHEARED_ROWS < h,
    where the column period may exceed the width (diagonal stripes). (h, w, 0) when nothing
    smaller fits."""
    h, w = g.shape
    known = np.count_nonzero(g != wildcard)
    for area in range(1, min(h * w, known) + 1):  # every class needs a known cell
        for pr in range(1, h + 1):
            if area % pr != 0:
                continue
            pc = area // pr
            sheared = pr <= MAX_SHEARED_ROWS and pr < h
            if pc > (w + h - 2 if sheared else w):
                continue
            for shear in range(pc if sheared else 1):
                if lattice_consistent(g, pr, pc, shear, wildcard):
                    return pr, pc, shear
    return h, w, 0


@njit(cache=True)
def lattice_fill(g: np.ndarray, pr: int, pc: int, shear: int, wildcard: int) -> np.ndarray:
    """Copy of g with `wildcard` cells set from their lattice class (lattice_class)."""
    h, w = g.shape
    table = np.full((pr, pc), -1, dtype=np.int16)
    for r in range(h):
        for c in range(w):
            if g[r, c] != wildcard:
                i, j = lattice_class(r, c, pr, pc, shear)
                table[i, j] = g[r, c]
    out = g.copy()
    for r in range(h):
        for c in range(w):
            i, j = lattice_class(r, c, pr, pc, shear)
            if out[r, c] == wildcard and table[i, j] >= 0:
                out[r, c] = table[i, j]
    return out


@njit(cache=True)
def periodic_fill(g: np.ndarray, pr: int, pc: int, wildcard: int) -> np.ndarray:
    """Copy of g with `wildcard` cells set from their residue class mod (pr, pc)."""
    return lattice_fill(g, pr, pc, 0, wildcard)


@njit(cache=True)
def component_colour_counts(labels: np.ndarray, g: np.ndarray, n: int) -> np.ndarray:
    """Per label, the count of each colour among its cells, int32 (n, 10)."""
    out = np.zeros((n, 10), dtype=np.int32)
    h, w = labels.shape
    for r in range(h):
        for c in range(w):
            k = labels[r, c]
            if k >= 0:
                out[k, g[r, c]] += 1
    return out


@njit(cache=True)
def shoot_rays(
    g: np.ndarray, bg: int, dirs: np.ndarray, stop: bool, corners: bool = False
) -> np.ndarray:
    """From every non-`bg` cell (row-major order), rays of its colour in each direction of
    `dirs` (k x 2: dr, dc) up to the border; with `stop`, a ray ends before the first non-`bg`
    cell of g. Rays are traced on g, so they do not block each other; later ones overwrite.
    With `corners`, a diagonal ray leaves only cells whose two neighbours toward it, (r + dr, c)
    and (r, c + dc), are `bg` or outside: a shape's corner, not each of its cells."""
    h, w = g.shape
    out = g.copy()
    for r in range(h):
        for c in range(w):
            v = g[r, c]
            if v == bg:
                continue
            for k in range(dirs.shape[0]):
                dr = dirs[k, 0]
                dc = dirs[k, 1]
                if corners and dr != 0 and dc != 0:
                    if 0 <= r + dr < h and g[r + dr, c] != bg:
                        continue
                    if 0 <= c + dc < w and g[r, c + dc] != bg:
                        continue
                rr = r + dr
                cc = c + dc
                while 0 <= rr < h and 0 <= cc < w:
                    if stop and g[rr, cc] != bg:
                        break
                    out[rr, cc] = v
                    rr += dr
                    cc += dc
    return out


@njit(cache=True)
def mode_filter(g: np.ndarray) -> np.ndarray:
    """Each cell takes the most frequent colour of its 3x3 neighbourhood (clipped at the edges);
    on a tie the cell keeps its colour if it is among the most frequent, else the lowest wins."""
    h, w = g.shape
    out = g.copy()
    counts = np.zeros(10, dtype=np.int64)
    for r in range(h):
        for c in range(w):
            counts[:] = 0
            for rr in range(max(r - 1, 0), min(r + 2, h)):
                for cc in range(max(c - 1, 0), min(c + 2, w)):
                    counts[g[rr, cc]] += 1
            best = 0
            for k in range(10):
                if counts[k] > counts[best]:
                    best = k
            if counts[g[r, c]] == counts[best]:
                best = g[r, c]
            out[r, c] = best
    return out


# ---------------------------------------------------------------------------------------------
# Pieces: a greedy cover of the demo outputs on per-pixel bitsets (dsl.search.pieces)

PIECE_PAINT, PIECE_BLANK, PIECE_ALL = 0, 1, 2  # which of a piece's cells it lays down


@njit(cache=True)
def _popcount64(x: np.uint64) -> int:
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return int((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


@njit(cache=True)
def _active(blank: np.ndarray, valid: np.ndarray, j: int, mode: int) -> np.uint64:
    if mode == PIECE_PAINT:
        return ~blank[j] & valid[j]
    if mode == PIECE_BLANK:
        return blank[j]
    return valid[j]


@njit(cache=True)
def greedy_cover(
    bad: np.ndarray,
    blank: np.ndarray,
    valid: np.ndarray,
    need: np.ndarray,
    care: np.ndarray,
    max_pieces: int,
    out_piece: np.ndarray,
    out_mode: np.ndarray,
) -> int:
    """Cover the demo outputs top down by pieces (rows of `bad`: cells a piece gets wrong;
    `blank`: its background cells; one bit per demo output cell). Each step takes the piece and
    mode (paint: its non-blank cells, blank: its blank cells, all) that is right on every active
    cell not yet covered and covers the most uncovered cells of `care` (of any cell when none
    does); earlier picks lie on top, so a piece may be wrong where one above it is right. Stops
    once every cell of `need` (where the outputs paint) is covered: the rest is background.
    Writes the picks to out_piece/out_mode; their number, or -1 when the cover failed. Ties go
    to the lower row (callers sort rows cheapest first)."""
    n, w = bad.shape
    cur = np.zeros(w, dtype=np.uint64)
    for k in range(max_pieces):
        best, best_mode, best_cnt = -1, 0, 0
        for use_care in (True, False):
            for i in range(n):
                for mode in (PIECE_PAINT, PIECE_BLANK, PIECE_ALL):
                    ok = True
                    for j in range(w):
                        if ~cur[j] & bad[i, j] & _active(blank[i], valid, j, mode):
                            ok = False
                            break
                    if not ok:
                        continue
                    cnt = 0
                    for j in range(w):
                        free = _active(blank[i], valid, j, mode) & ~cur[j]
                        cnt += _popcount64(free & care[j] if use_care else free)
                    if cnt > best_cnt:
                        best, best_mode, best_cnt = i, mode, cnt
            if best >= 0:
                break
        if best < 0:
            return -1
        out_piece[k] = best
        out_mode[k] = best_mode
        done = True
        for j in range(w):
            cur[j] |= _active(blank[best], valid, j, best_mode)
            if need[j] & ~cur[j]:
                done = False
        if done:
            return k + 1
    return -1
