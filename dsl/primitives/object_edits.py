"""Object edits: whole-grid transforms that act object by object (multicolour 8-connected
objects on background 0 unless a docstring says otherwise): keep, remove, crop, recolour, move,
mirror, stamp, extend.

In-place edits of a grid with nothing to edit are no-ops (they return the grid unchanged), so a
program stays valid on a demonstration where the rule has nothing to do.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dsl import kernels
from dsl.primitives.common import BG, out
from dsl.primitives.objects import (
    Object,
    default_objects,
    encloses_hole,
    erase_object,
    largest,
    objects,
    objects_diagonal,
    objects_multicolour,
    or_none,
    paint_object,
    recolour_objects,
    smallest,
    unique_pattern,
)
from dsl.registry import primitive
from dsl.types import Grid


def _keep(g: Grid, keep: list[Object]) -> Grid:
    res = np.full_like(g, BG)
    for o in keep:
        res = paint_object(res, o)
    return out(res)


@primitive(("Grid",), "Grid")
def crop_largest_object(g: Grid) -> Grid:
    """Crop to the largest object (multicolour, 8-connected)."""
    return out(largest(default_objects(g)).patch)


@primitive(("Grid",), "Grid")
def crop_smallest_object(g: Grid) -> Grid:
    """Crop to the smallest object (multicolour, 8-connected)."""
    return out(smallest(default_objects(g)).patch)


@primitive(("Grid",), "Grid")
def crop_odd_object(g: Grid) -> Grid:
    """Crop to the one object whose pattern differs from all others (multicolour, 8-connected)."""
    return out(unique_pattern(default_objects(g)).patch)


@primitive(("Grid",), "Grid")
def keep_largest_object(g: Grid) -> Grid:
    """Erase every object but the largest (multicolour, 8-connected)."""
    return _keep(g, [largest(default_objects(g))])


@primitive(("Grid",), "Grid")
def keep_smallest_object(g: Grid) -> Grid:
    """Erase every object but the smallest (multicolour, 8-connected)."""
    return _keep(g, [smallest(default_objects(g))])


@primitive(("Grid",), "Grid")
def remove_largest_object(g: Grid) -> Grid:
    """Erase the largest object (multicolour, 8-connected)."""
    return erase_object(g, largest(default_objects(g)))


@primitive(("Grid",), "Grid")
def remove_smallest_object(g: Grid) -> Grid:
    """Erase the smallest object (multicolour, 8-connected)."""
    return erase_object(g, smallest(default_objects(g)))


@primitive(("Grid",), "Grid")
def remove_singletons(g: Grid) -> Grid:
    """Erase isolated single cells (noise): objects of one cell (multicolour, 8-connected)."""
    objs = default_objects(g)
    if objs and all(o.size == 1 for o in objs):
        raise ValueError("everything is noise")
    return _keep(g, [o for o in objs if o.size > 1])


@primitive(("Grid", "Colour"), "Grid")
def recolour_largest_object(g: Grid, c: int) -> Grid:
    """Recolour the largest object (single-colour, 4-connected) to colour `c`."""
    return recolour_objects(g, (largest(objects(g)),), c)


@primitive(("Grid", "Colour"), "Grid")
def recolour_smallest_object(g: Grid, c: int) -> Grid:
    """Recolour the smallest object (single-colour, 4-connected) to colour `c`."""
    return recolour_objects(g, (smallest(objects(g)),), c)


@primitive(("Grid", "Int", "Colour"), "Grid", cost=2.0)
def recolour_size(g: Grid, k: int, c: int) -> Grid:
    """Recolour the single-colour 4-connected objects of exactly `k` cells to colour `c`."""
    return recolour_objects(g, tuple(o for o in or_none(objects, g) if o.size == k), c)


def _slide(res: Grid, o: Object, dr: int, dc: int) -> bool:
    """Draw o into res after moving it by (dr, dc) steps while the next place is inside res and
    free (background there under o's cells); True when it was stopped by the edge of res."""
    h, w = res.shape
    t, lf = o.top, o.left
    edge = False
    while True:
        nt, nl = t + dr, lf + dc
        if nt < 0 or nl < 0 or nt + o.height > h or nl + o.width > w:
            edge = True
            break
        if (res[nt : nt + o.height, nl : nl + o.width][o.mask] != BG).any():
            break
        t, lf = nt, nl
    res[t : t + o.height, lf : lf + o.width][o.mask] = o.grid[o.mask]
    return edge


def _fall(g: Grid, dr: int, dc: int) -> Grid:
    """Move each object as a rigid block in direction (dr, dc) until it hits something."""
    objs = default_objects(g)
    # Objects nearest the destination edge settle first so the others land on them.
    order = sorted(objs, key=lambda o: -(o.top * dr + o.left * dc + o.bottom * dr + o.right * dc))
    res = np.full_like(g, BG)
    for o in order:
        _slide(res, o, dr, dc)
    return out(res)


@primitive(("Grid",), "Grid")
def objects_fall_down(g: Grid) -> Grid:
    """Each object (multicolour, 8-connected) drops down as a rigid block until it lands."""
    return _fall(g, 1, 0)


@primitive(("Grid",), "Grid")
def objects_fall_up(g: Grid) -> Grid:
    """Each object (multicolour, 8-connected) rises as a rigid block until it lands."""
    return _fall(g, -1, 0)


@primitive(("Grid",), "Grid")
def objects_fall_left(g: Grid) -> Grid:
    """Each object (multicolour, 8-connected) slides left as a rigid block until it lands."""
    return _fall(g, 0, -1)


@primitive(("Grid",), "Grid")
def objects_fall_right(g: Grid) -> Grid:
    """Each object (multicolour, 8-connected) slides right as a rigid block until it lands."""
    return _fall(g, 0, 1)


def _touches_border(o: Object, h: int, w: int) -> bool:
    return o.top == 0 or o.left == 0 or o.bottom == h - 1 or o.right == w - 1


@primitive(("Grid",), "Grid")
def remove_border_objects(g: Grid) -> Grid:
    """Erase the objects (multicolour, 8-connected) that touch the grid's edge."""
    objs = default_objects(g)
    return _keep(g, [o for o in objs if not _touches_border(o, *g.shape)])


@primitive(("Grid",), "Grid", cost=1.5)
def keep_border_objects(g: Grid) -> Grid:
    """Keep only the objects (multicolour, 8-connected) that touch the grid's edge."""
    objs = default_objects(g)
    return _keep(g, [o for o in objs if _touches_border(o, *g.shape)])


@primitive(("Grid", "Colour"), "Grid")
def recolour_closed_shapes(g: Grid, c: int) -> Grid:
    """Recolour the single-colour 8-connected shapes that enclose a hole to colour `c`."""
    return recolour_objects(
        g, tuple(o for o in or_none(objects_diagonal, g) if encloses_hole(o)), c
    )


@primitive(("Grid", "Colour"), "Grid", cost=1.5)
def recolour_open_shapes(g: Grid, c: int) -> Grid:
    """Recolour the single-colour 8-connected shapes that enclose no hole to colour `c`."""
    opened = tuple(o for o in or_none(objects_diagonal, g) if not encloses_hole(o))
    return recolour_objects(g, opened, c)


@primitive(("Grid",), "Grid", cost=1.5)
def recolour_by_size(g: Grid) -> Grid:
    """Each single-colour 4-connected object takes the colour equal to its size (sizes 1..9)."""
    objs = or_none(objects, g)
    if any(o.size > 9 for o in objs):
        raise ValueError("object too big to name by a colour")
    res = g.copy()
    for o in objs:
        res[o.top : o.top + o.height, o.left : o.left + o.width][o.mask] = o.size
    return out(res)


@primitive(("Grid",), "Grid", cost=1.5)
def recolour_by_size_rank(g: Grid) -> Grid:
    """Single-colour 8-connected objects recoloured 1, 2, 3... from largest to smallest."""
    objs = or_none(objects_diagonal, g)
    sizes = sorted({o.size for o in objs}, reverse=True)
    if len(sizes) != len(objs) or len(objs) > 9:
        raise ValueError("sizes tie or too many objects")
    res = g.copy()
    for o in objs:
        res[o.top : o.top + o.height, o.left : o.left + o.width][o.mask] = sizes.index(o.size) + 1
    return out(res)


@primitive(("Grid",), "Grid", cost=1.5)
def stamp_at_markers(g: Grid) -> Grid:
    """Copy the one multi-cell object (the template), centred, onto every single-cell marker."""
    objs = default_objects(g)
    templates = [o for o in objs if o.size > 1]
    markers = [o for o in objs if o.size == 1]
    if len(templates) != 1 or not markers:
        raise ValueError("needs one template and some markers")
    t = templates[0]
    if t.height % 2 == 0 or t.width % 2 == 0:
        raise ValueError("template has no centre cell")
    res = g.copy()
    for m in markers:
        res = kernels.paste(
            res,
            np.where(t.mask, t.grid, -1).astype(np.int8),
            m.top - t.height // 2,
            m.left - t.width // 2,
            -1,
        )
    return out(res)


MAX_TEMPLATE_CELLS = 200  # loose cells a template completion matches (its time grows with them)
MAX_PLACEMENTS = 400  # plausible template placements a completion tries, all templates together


def _plausible(
    g: Grid,
    size: np.ndarray,
    pos: list,
    tr: np.ndarray,
    tc: np.ndarray,
    tv: np.ndarray,
    limit: int,
    recolour: bool,
    sc: int,
) -> list[tuple[int, int]]:
    """The placements (r, c) of template cells (tr, tc) of colours tv, blown up sc times, that
    lay no cell on an object of `limit` cells or more, nor on a cell of another colour (with
    `recolour`: each template colour on one colour), and take in each template cell's block
    whole or not at all: the cheap tests of _complete_templates, on many placements at once."""
    h, w = g.shape
    keep: list[tuple[int, int]] = []
    step = max(1, 100_000 // max(1, len(tr)))  # placements per batch: bounded memory
    for i in range(0, len(pos), step):
        p = np.array(pos[i : i + step], dtype=np.int64)
        rr, cc = p[:, :1] + tr[None, :], p[:, 1:] + tc[None, :]
        ok = (rr >= 0) & (rr < h) & (cc >= 0) & (cc < w)
        rr, cc = np.clip(rr, 0, h - 1), np.clip(cc, 0, w - 1)
        gv = g[rr, cc]
        hit = ok & (gv != BG)
        bad = (hit & (size[rr, cc] >= limit)).any(axis=1)
        if not recolour:
            bad |= (hit & (gv != tv[None, :])).any(axis=1)
        else:
            for a in np.unique(tv).tolist():
                on = hit & (tv == a)[None, :]
                bad |= np.where(on, gv, 99).min(axis=1) < np.where(on, gv, -1).max(axis=1)
        if sc > 1:  # the cells grouped by the template cell whose block they are
            blocks = np.lexsort((tc % sc, tr % sc, tc // sc, tr // sc))
            hb = hit[:, blocks].reshape(len(p), -1, sc * sc)
            bad |= (hb.any(axis=2) != hb.all(axis=2)).any(axis=1)
        keep.extend(map(tuple, p[~bad].tolist()))
    return keep


def _complete_templates(g: Grid, turns: bool, scales: int = 1, recolour: bool = False) -> Grid:
    """Each multicolour object is a template; a placement of one (turned and mirrored too, with
    `turns`) whose cells agree with g wherever g is not background, and that matches cells of
    smaller objects only (loose cells, or a partial copy), is a candidate. Largest matches first,
    each painted over background where its cells are not already explained, by the largest
    template that explains them; a match two placements explain differently is left alone.

    With `recolour` (the scaled form), a placement may also be blown up 2x.. `scales`x (each
    template cell's block matched whole or not at all) and change colours one-to-one (one colour
    at least kept); it must take in whole single-colour pieces only; a template whose pieces of
    2+ cells another's placement takes in takes no part; an unturned placement is preferred."""
    objs = default_objects(g)
    temps = [i for i, o in enumerate(objs) if len(o.colours) >= 2]
    if not temps:
        raise ValueError("no multicolour template")
    size = np.zeros(g.shape, dtype=np.int64)  # each cell's object's size (0: background)
    ids = np.full(g.shape, -1, dtype=np.int64)  # each cell's object
    for i, o in enumerate(objs):
        size[o.top : o.top + o.height, o.left : o.left + o.width][o.mask] = o.size
        ids[o.top : o.top + o.height, o.left : o.left + o.width][o.mask] = i
    piece = np.full(g.shape, -1, dtype=np.int64)  # each cell's single-colour 4-connected piece
    pieces = objects(g) if recolour else ()
    for i, o in enumerate(pieces):
        piece[o.top : o.top + o.height, o.left : o.left + o.width][o.mask] = i
    piece_size = np.array([o.size for o in pieces] or [0])
    bulk = (piece >= 0) & (piece_size[piece] >= 2)  # cells of pieces of 2+ cells
    obj_bulk = np.bincount(ids[bulk], minlength=len(objs))
    h, w = g.shape
    whole = {}  # scale -> cells at the top left of a one-colour block of that side
    for sc in range(2, min(scales, h, w) + 1):
        m = np.zeros(g.shape, dtype=bool)
        m[: h - sc + 1, : w - sc + 1] = g[: h - sc + 1, : w - sc + 1] != BG
        for i in range(sc):
            for j in range(sc):
                m[: h - sc + 1, : w - sc + 1] &= (
                    g[i : h - sc + 1 + i, j : w - sc + 1 + j] == g[: h - sc + 1, : w - sc + 1]
                )
        whole[sc] = m
    variants: dict[tuple, tuple[int, int, int, int, np.ndarray]] = {}
    for i in sorted(temps, key=lambda i: -objs[i].size):
        o = objs[i]
        v = np.where(o.mask, o.grid, -1).astype(np.int8)
        for k in range(8 if turns else 1):
            t = np.ascontiguousarray(kernels.apply_symmetry(v, k))
            for sc in range(1, scales + 1):
                if sc > 1 and not (sc in whole and whole[sc].any()):
                    continue  # no one-colour block that large
                ts = np.kron(t, np.ones((sc, sc), dtype=np.int8)) if sc > 1 else t
                if sc == 1 or (ts.shape[0] <= h and ts.shape[1] <= w):  # blown up: on the grid
                    variants.setdefault((ts.shape, ts.tobytes()), (o.size, i, k, sc, ts))
    tried = 0
    found: dict[frozenset, list] = {}  # matched cells -> [(template size, id, turn, painting)]
    copies: set[int] = set()  # objects some other template's placement takes in whole
    for n, tid, k, sc, t in variants.values():
        # cells a template of n cells may match
        fr, fc = np.nonzero((size > 0) & (size < n * sc * sc))
        if len(fr) > MAX_TEMPLATE_CELLS:
            raise ValueError("too many cells to match against templates")
        tr, tc = np.nonzero(t >= 0)
        tv = t[tr, tc]
        corner = (tr % sc == 0) & (tc % sc == 0)  # a blown-up cell's block, by its corner
        if sc > 1:  # ... lies on the corner of a one-colour block as large
            keep = whole[sc][fr, fc]
            fr, fc = fr[keep], fc[keep]
        # placements that lay some template cell on a cell of its colour
        ta, tb = np.nonzero(tv[corner][:, None] == g[fr, fc][None, :])
        pos = set(zip((fr[tb] - tr[corner][ta]).tolist(), (fc[tb] - tc[corner][ta]).tolist()))
        plausible = _plausible(g, size, sorted(pos), tr, tc, tv, n * sc * sc, recolour, sc)
        tried += len(plausible)
        if recolour and tried > MAX_PLACEMENTS:
            raise ValueError("too many template placements")
        for r, c in plausible:
            rr, cc = tr + r, tc + c
            ok = (rr >= 0) & (rr < h) & (cc >= 0) & (cc < w)
            rr, cc, vv = rr[ok], cc[ok], tv[ok]
            gv = g[rr, cc]
            hit = gv != BG
            if recolour:
                pairs = set(zip(vv[hit].tolist(), gv[hit].tolist()))
                colour = dict(pairs)
                if len(colour) < len(pairs) or len(set(colour.values())) < len(colour):
                    continue  # not one-to-one
                cnt = np.bincount(piece[rr[hit], cc[hit]], minlength=len(piece_size))
                if ((cnt > 0) & (cnt != piece_size)).any():
                    continue  # takes in part of a single-colour piece
                vv = np.array([colour.get(x, x) for x in vv.tolist()], dtype=np.int8)
            cells = frozenset(zip(rr[hit].tolist(), cc[hit].tolist()))
            # the cells it paints (in reading order whatever the variant, so equal paints compare
            # equal), as bytes: cheap to build and compare
            empty = hit.all()
            paint = b"".join(x[~hit].astype(np.int16).tobytes() for x in (rr, cc, vv))
            found.setdefault(cells, []).append((n, tid, k, paint))
            if recolour and not empty:  # objects whose pieces of 2+ cells it takes in, all
                hb = np.bincount(ids[rr[hit], cc[hit]][bulk[rr[hit], cc[hit]]], minlength=len(objs))
                copies.update(np.flatnonzero((hb == obj_bulk) & (obj_bulk > 0)).tolist())
    res = g.copy()
    covered: set = set()
    for cells in sorted(found, key=lambda k: (-len(k), sorted(k))):
        found_here = found[cells]
        if recolour:
            found_here = [e for e in found_here if e[1] not in copies]
            if any(e[2] == 0 for e in found_here):
                found_here = [e for e in found_here if e[2] == 0]
        if cells & covered or not found_here:
            continue
        covered |= cells
        top = max(e[0] for e in found_here)
        paints = {e[3] for e in found_here if e[0] == top}
        if len(paints) == 1:
            r, c, v = np.frombuffer(next(iter(paints)), dtype=np.int16).reshape(3, -1)
            res[r, c] = v
    return out(res)


@primitive(("Grid",), "Grid", cost=1.5)
def complete_templates(g: Grid) -> Grid:
    """Complete partial copies of the multicolour objects (templates): loose cells that agree
    with part of a template, at one placement only, get the rest of it painted over
    background."""
    return _complete_templates(g, False)


@primitive(("Grid",), "Grid", cost=2.0)
def complete_templates_turned(g: Grid) -> Grid:
    """complete_templates with the templates also turned and mirrored (the 8 square
    symmetries)."""
    return _complete_templates(g, True)


@primitive(("Grid",), "Grid", cost=2.0)
def complete_templates_scaled(g: Grid) -> Grid:
    """complete_templates with the templates turned, mirrored and blown up 2x to 5x, and their
    copies free to change colours one-to-one where one colour at least is kept."""
    return _complete_templates(g, True, scales=5, recolour=True)


@primitive(("Grid",), "Grid", cost=1.5)
def swap_colours_in_objects(g: Grid) -> Grid:
    """In every two-colour object (multicolour, 8-connected), exchange its two colours."""
    res = g.copy()
    for o in default_objects(g):
        if len(o.colours) == 2:
            a, b = o.colours
            win = res[o.top : o.top + o.height, o.left : o.left + o.width]
            win[o.mask] = np.where(o.grid[o.mask] == a, b, a)
    return out(res)


def _per_object(g: Grid, f: Callable[[Grid], Grid]) -> Grid:
    res = g.copy()
    for o in default_objects(g):
        win = res[o.top : o.top + o.height, o.left : o.left + o.width]
        flipped, m = f(o.grid), f(o.mask)
        if flipped.shape != win.shape:
            raise ValueError("object is not square")
        win[o.mask] = BG
        win[m] = flipped[m]
    return out(res)


@primitive(("Grid",), "Grid", cost=1.5)
def flip_objects_lr(g: Grid) -> Grid:
    """Mirror every object (multicolour, 8-connected) left-right within its bounding box."""
    return _per_object(g, lambda a: a[:, ::-1])


@primitive(("Grid",), "Grid", cost=1.5)
def flip_objects_ud(g: Grid) -> Grid:
    """Mirror every object (multicolour, 8-connected) top-bottom within its bounding box."""
    return _per_object(g, lambda a: a[::-1])


@primitive(("Grid",), "Grid", cost=1.5)
def rotate_objects(g: Grid) -> Grid:
    """Rotate every square object (multicolour, 8-connected) 90 degrees clockwise in place."""
    return _per_object(g, lambda a: np.rot90(a, -1))


@primitive(("Grid",), "Grid", cost=1.5)
def extend_segments(g: Grid) -> Grid:
    """Straight single-colour segments (2+ cells) grow at both ends over background to the edge."""
    res = g.copy()
    for o in or_none(objects, g):
        if o.size < 2 or not (o.height == 1 or o.width == 1):
            continue
        dr, dc = (0, 1) if o.height == 1 else (1, 0)
        res = kernels.draw_ray(res, o.top, o.left, -dr, -dc, o.colour, BG)
        res = kernels.draw_ray(res, o.bottom, o.right, dr, dc, o.colour, BG)
    return out(res)


@primitive(("Grid",), "Grid")
def remove_isolated_cells(g: Grid) -> Grid:
    """Cells with no same-coloured 4-neighbour become background (pixel noise)."""
    return np.where(kernels.isolated_mask(g, BG), np.int8(BG), g)


@primitive(("Grid", "Colour"), "Grid", cost=1.5, absent="same")
def move_to_touch(g: Grid, c: int) -> Grid:
    """Every object not of colour `c` slides straight toward the colour-`c` cells until it
    touches them (objects beside the anchor's rows or columns only)."""
    anchor = g == c
    if not anchor.any():
        return out(g)
    res = np.where(anchor, g, BG).astype(np.int8)
    rows = np.nonzero(anchor.any(axis=1))[0]
    cols = np.nonzero(anchor.any(axis=0))[0]
    for o in or_none(objects_multicolour, np.where(anchor, BG, g).astype(np.int8)):
        if o.bottom < rows[0] and o.left <= cols[-1] and o.right >= cols[0]:
            step = (1, 0)
        elif o.top > rows[-1] and o.left <= cols[-1] and o.right >= cols[0]:
            step = (-1, 0)
        elif o.right < cols[0] and o.top <= rows[-1] and o.bottom >= rows[0]:
            step = (0, 1)
        elif o.left > cols[-1] and o.top <= rows[-1] and o.bottom >= rows[0]:
            step = (0, -1)
        else:
            raise ValueError("object not in line with the anchor")
        if _slide(res, o, *step):
            raise ValueError("object never touches the anchor")
    return out(res)


def _in_line(anchor: np.ndarray, r: int, c: int) -> tuple[int, int, int, int] | None:
    """The nearest anchor cell straight up, down, left or right of (r, c), as (its row, its
    column, the step from (r, c) toward it); None when there is none or two tie."""
    best: list[tuple[int, int, int, int, int]] = []
    lines = {
        (-1, 0): anchor[:r, c][::-1],
        (1, 0): anchor[r + 1 :, c],
        (0, -1): anchor[r, :c][::-1],
        (0, 1): anchor[r, c + 1 :],
    }
    for (dr, dc), line in lines.items():
        hits = np.flatnonzero(line)
        if len(hits):
            k = int(hits[0]) + 1
            best.append((k, r + dr * k, c + dc * k, dr, dc))
    if not best:
        return None
    best.sort()
    if len(best) > 1 and best[0][0] == best[1][0]:
        return None
    return best[0][1:]


MAX_LOOSE = 30  # loose pixels the anchor functions move or recolour (their time grows with them)


def _loose(g: Grid) -> np.ndarray:
    """Loose pixels: cells with no same-coloured 4-neighbour (ValueError past MAX_LOOSE: noise,
    not markers)."""
    loose = kernels.isolated_mask(g, BG)
    if loose.sum() > MAX_LOOSE:
        raise ValueError("too many loose pixels")
    return loose


def _loose_and_anchor(g: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Loose pixels (no same-coloured 4-neighbour) and the largest object's cells."""
    loose = _loose(g)
    anchor = np.zeros(g.shape, dtype=bool)
    o = largest(objects(g))
    if o.size < 2:
        raise ValueError("no anchor object")
    anchor[o.top : o.bottom + 1, o.left : o.right + 1] = o.mask
    return loose & ~anchor, anchor


@primitive(("Grid",), "Grid", cost=1.5)
def pull_to_own_colour(g: Grid) -> Grid:
    """Each loose pixel moves straight to touch the nearest larger object of its own colour in its
    row or column; loose pixels with none in line are erased."""
    loose = _loose(g)
    if not loose.any():
        return out(g)
    res = np.where(loose, np.int8(BG), g).astype(np.int8)
    for r, c in zip(*np.nonzero(loose), strict=True):
        hit = _in_line((g == g[r, c]) & ~loose, int(r), int(c))
        if hit is not None:
            ar, ac, dr, dc = hit
            res[ar - dr, ac - dc] = g[r, c]
    return out(res)


@primitive(("Grid",), "Grid", cost=1.5)
def connect_to_largest(g: Grid) -> Grid:
    """Each loose pixel in line with the largest object draws its colour up to it."""
    loose, anchor = _loose_and_anchor(g)
    res = g.copy()
    for r, c in zip(*np.nonzero(loose), strict=True):
        hit = _in_line(anchor, int(r), int(c))
        if hit is not None:
            ar, ac, dr, dc = hit
            rr, cc = int(r), int(c)
            while (rr, cc) != (ar, ac):
                res[rr, cc] = g[r, c]
                rr, cc = rr + dr, cc + dc
    return out(res)


@primitive(("Grid",), "Grid", cost=1.5)
def project_onto_largest(g: Grid) -> Grid:
    """Each loose pixel in line with the largest object paints the object's nearest cell in that
    line with its colour."""
    loose, anchor = _loose_and_anchor(g)
    res = g.copy()
    for r, c in zip(*np.nonzero(loose), strict=True):
        hit = _in_line(anchor, int(r), int(c))
        if hit is not None:
            res[hit[0], hit[1]] = g[r, c]
    return out(res)


@primitive(("Grid",), "Grid", cost=1.5)
def recolour_by_aligned_pixel(g: Grid) -> Grid:
    """Each object of 2+ cells (single-colour, 4-connected) takes the colour of the loose pixels
    in its rows or columns, where they all have one colour."""
    loose = _loose(g)
    rows, cols = np.nonzero(loose)
    res = g.copy()
    for o in or_none(objects, g):
        if o.size < 2:
            continue
        near = ((rows >= o.top) & (rows <= o.bottom)) | ((cols >= o.left) & (cols <= o.right))
        found = set(g[rows[near], cols[near]].tolist())
        if len(found) == 1:
            res[o.top : o.bottom + 1, o.left : o.right + 1][o.mask] = found.pop()
    return out(res)


@primitive(("Grid",), "Grid", cost=1.5)
def recolour_by_nearest(g: Grid) -> Grid:
    """Each loose pixel takes the colour of the nearest cell of a larger object (Euclidean),
    where the nearest cells have one colour."""
    loose = _loose(g)
    big = (g != BG) & ~loose
    if not loose.any() or not big.any():
        return out(g)
    br, bc = np.nonzero(big)
    bcol = g[br, bc]
    res = g.copy()
    for r, c in zip(*np.nonzero(loose), strict=True):
        d = (br - r) ** 2 + (bc - c) ** 2
        found = np.unique(bcol[d == d.min()])
        if len(found) == 1:
            res[r, c] = found[0]
    return out(res)


@primitive(("Grid",), "Grid")
def keep_solid_blocks(g: Grid) -> Grid:
    """Only cells inside some one-colour 2x2 block survive; thin lines and pixels are erased."""
    if min(g.shape) < 2:
        raise ValueError("too small for 2x2 blocks")
    a = g[:-1, :-1]
    m = (a != BG) & (a == g[1:, :-1]) & (a == g[:-1, 1:]) & (a == g[1:, 1:])
    keep = np.zeros(g.shape, dtype=bool)
    keep[:-1, :-1] |= m
    keep[1:, :-1] |= m
    keep[:-1, 1:] |= m
    keep[1:, 1:] |= m
    return out(np.where(keep, g, BG))


@primitive(("Grid",), "Colour", cost=1.0)
def largest_object_colour(g: Grid) -> int:
    """Main colour of the largest object (single-colour, 4-connected)."""
    return largest(objects(g)).colour


@primitive(("Grid",), "Colour", cost=1.0)
def smallest_object_colour(g: Grid) -> int:
    """Main colour of the smallest object (single-colour, 4-connected)."""
    return smallest(objects(g)).colour
