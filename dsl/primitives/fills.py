"""Border and fill primitives: frames, enclosed holes, outlines, halos, rays and lines."""

from __future__ import annotations

import numpy as np

from dsl import kernels
from dsl.primitives.common import BG, out
from dsl.registry import primitive
from dsl.types import Grid


@primitive(("Grid", "Colour"), "Grid")
def draw_border(g: Grid, c: int) -> Grid:
    """Set the outermost ring of cells to colour `c`."""
    res = g.copy()
    res[0, :] = c
    res[-1, :] = c
    res[:, 0] = c
    res[:, -1] = c
    return out(res)


@primitive(("Grid", "Colour"), "Grid")
def fill_enclosed(g: Grid, c: int) -> Grid:
    """Background cells not connected to the border (holes inside shapes) become colour `c`."""
    return out(kernels.fill_enclosed(g, BG, c))


def _object_boxes(g: Grid) -> np.ndarray:
    """[top, left, bottom, right, size] of each object (8-connected, multicolour)."""
    labels, n = kernels.label_components(g, True, True, BG)
    return kernels.component_boxes(labels, n)


@primitive(("Grid", "Colour"), "Grid")
def fill_bbox_background(g: Grid, c: int) -> Grid:
    """Inside each object's bounding box (8-connected, multicolour) background becomes `c`."""
    return kernels.fill_boxes(g, _object_boxes(g), c, BG)


@primitive(("Grid", "Colour"), "Grid")
def halo(g: Grid, c: int) -> Grid:
    """Background cells touching (8 ways) a non-background cell become colour `c`."""
    m = kernels.neighbour_mask(g, BG, True)
    return out(kernels.paint_mask(g, m, c))


@primitive(("Grid", "Colour"), "Grid", cost=1.5)
def halo_4(g: Grid, c: int) -> Grid:
    """Background cells touching (4 ways) a non-background cell become colour `c`."""
    m = kernels.neighbour_mask(g, BG, False)
    return out(kernels.paint_mask(g, m, c))


@primitive(("Grid",), "Grid")
def hollow(g: Grid) -> Grid:
    """Interior cells of shapes (all 4 neighbours the same colour) become background."""
    return out(kernels.paint_mask(g, kernels.interior_mask(g, BG), BG))


@primitive(("Grid", "Colour"), "Grid", cost=1.0)
def recolour_interior(g: Grid, c: int) -> Grid:
    """Interior cells of shapes (all 4 neighbours the same colour) become colour `c`."""
    return out(kernels.paint_mask(g, kernels.interior_mask(g, BG), c))


@primitive(("Grid",), "Grid")
def connect_lines(g: Grid) -> Grid:
    """Join equal-coloured cells on a row or column by a line of their colour over background."""
    return out(kernels.connect_pairs(g, BG, 3, -1))


@primitive(("Grid",), "Grid", cost=1.5)
def connect_lines_diagonal(g: Grid) -> Grid:
    """Join equal-coloured cells on a row, column or diagonal by a line over background."""
    return out(kernels.connect_pairs(g, BG, 7, -1))


def _rays(g: Grid, dirs: tuple[tuple[int, int], ...], stop: bool, corners: bool = False) -> Grid:
    return out(kernels.shoot_rays(g, BG, np.array(dirs, dtype=np.int64), stop, corners))


_DIRS = {
    "up": ((-1, 0),),
    "down": ((1, 0),),
    "left": ((0, -1),),
    "right": ((0, 1),),
    "h": ((0, -1), (0, 1)),
    "v": ((-1, 0), (1, 0)),
    "cross": ((-1, 0), (1, 0), (0, -1), (0, 1)),
    "diag": ((-1, -1), (-1, 1), (1, -1), (1, 1)),
    "up_left": ((-1, -1),),
    "up_right": ((-1, 1),),
    "down_left": ((1, -1),),
    "down_right": ((1, 1),),
}


@primitive(("Grid",), "Grid", cost=1.5)
def rays_up(g: Grid) -> Grid:
    """Every non-background cell extends a line of its colour upward to the border."""
    return _rays(g, _DIRS["up"], False)


@primitive(("Grid",), "Grid", cost=1.5)
def rays_down(g: Grid) -> Grid:
    """Every non-background cell extends a line of its colour downward to the border."""
    return _rays(g, _DIRS["down"], False)


@primitive(("Grid",), "Grid", cost=1.5)
def rays_left(g: Grid) -> Grid:
    """Every non-background cell extends a line of its colour leftward to the border."""
    return _rays(g, _DIRS["left"], False)


@primitive(("Grid",), "Grid", cost=1.5)
def rays_right(g: Grid) -> Grid:
    """Every non-background cell extends a line of its colour rightward to the border."""
    return _rays(g, _DIRS["right"], False)


@primitive(("Grid",), "Grid")
def rays_horizontal(g: Grid) -> Grid:
    """Every non-background cell extends its colour along its whole row (over background)."""
    return _rays(g, _DIRS["h"], True)


@primitive(("Grid",), "Grid")
def rays_vertical(g: Grid) -> Grid:
    """Every non-background cell extends its colour along its whole column (over background)."""
    return _rays(g, _DIRS["v"], True)


@primitive(("Grid",), "Grid")
def rays_cross(g: Grid) -> Grid:
    """Every non-background cell extends its colour along its row and column (over background)."""
    return _rays(g, _DIRS["cross"], True)


@primitive(("Grid",), "Grid")
def rays_diagonal(g: Grid) -> Grid:
    """Every non-background cell extends its colour along both diagonals (over background)."""
    return _rays(g, _DIRS["diag"], True)


# One diagonal direction each, from the shapes' corners that face it: with a colour filter and
# an overlay (the graph's pieces), rays whose direction depends on the colour (ARC-AGI-1
# training: 5c0a986e, d13f3404).
@primitive(("Grid",), "Grid", cost=1.5)
def rays_up_left(g: Grid) -> Grid:
    """A ray up and left of its colour over background, until blocked, from each cell
    that is its shape's corner that way (both its neighbours that way are background)."""
    return _rays(g, _DIRS["up_left"], True, corners=True)


@primitive(("Grid",), "Grid", cost=1.5)
def rays_up_right(g: Grid) -> Grid:
    """A ray up and right of its colour over background, until blocked, from each cell
    that is its shape's corner that way (both its neighbours that way are background)."""
    return _rays(g, _DIRS["up_right"], True, corners=True)


@primitive(("Grid",), "Grid", cost=1.5)
def rays_down_left(g: Grid) -> Grid:
    """A ray down and left of its colour over background, until blocked, from each cell
    that is its shape's corner that way (both its neighbours that way are background)."""
    return _rays(g, _DIRS["down_left"], True, corners=True)


@primitive(("Grid",), "Grid", cost=1.5)
def rays_down_right(g: Grid) -> Grid:
    """A ray down and right of its colour over background, until blocked, from each cell
    that is its shape's corner that way (both its neighbours that way are background)."""
    return _rays(g, _DIRS["down_right"], True, corners=True)


def _bounce(res: Grid, g: Grid, r: int, c: int, dr: int, dc: int, colour: int) -> None:
    """Walk diagonally from (r, c) painting background cells of res; a non-background cell of
    g ahead reflects the walk (off the side that blocks it, both sides at a corner); it stops
    at the grid's edge, or where a reflection is blocked too."""
    h, w = g.shape
    for _ in range(4 * (h + w)):  # a bound: a walk trapped between walls stops
        nr, nc = r + dr, c + dc
        if not (0 <= nr < h and 0 <= nc < w):
            return
        if g[nr, nc] != BG:
            side = 0 <= c + dc < w and g[r, c + dc] != BG
            ahead = 0 <= r + dr < h and g[r + dr, c] != BG
            dr, dc = (
                (dr, -dc) if side and not ahead else (-dr, dc) if ahead and not side else (-dr, -dc)
            )
            nr, nc = r + dr, c + dc
            if not (0 <= nr < h and 0 <= nc < w) or g[nr, nc] != BG:
                return
        res[nr, nc] = colour
        r, c = nr, nc


@primitive(("Grid", "Colour"), "Grid", cost=1.5)
def bounce_diagonals(g: Grid, c: int) -> Grid:
    """Each diagonal segment (2+ cells of one colour in a diagonal line, none with a
    same-coloured 4-neighbour) goes on from both ends over background in colour `c`,
    reflecting off non-background cells, to the grid's edge."""
    h, w = g.shape
    p = np.pad(g, 1, constant_values=-1)

    def near(dr: int, dq: int) -> np.ndarray:  # each cell's neighbour (dr, dq) away
        return p[1 + dr : 1 + dr + h, 1 + dq : 1 + dq + w]

    same4 = (near(-1, 0) == g) | (near(1, 0) == g) | (near(0, -1) == g) | (near(0, 1) == g)
    thin = np.pad((g != BG) & ~same4, 1)  # lines, not blocks
    res = g.copy()
    for dr, dq in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
        back = (near(-dr, -dq) == g) & thin[1 - dr : 1 - dr + h, 1 - dq : 1 - dq + w]
        ends = thin[1:-1, 1:-1] & back & (near(dr, dq) != g)  # the segment goes on (dr, dq)
        for r, q in zip(*np.nonzero(ends)):
            _bounce(res, g, int(r), int(q), dr, dq, c)
    return out(res)


@primitive(("Grid",), "Grid", cost=1.5)
def zigzag(g: Grid) -> Grid:
    """Each non-background cell on an end of the grid's longer axis (rows when h >= w) starts a
    diagonal line of its colour across to the other end, bouncing between the two sides (its
    first step away from the nearer side)."""
    t = g.shape[0] < g.shape[1]
    a = g.T if t else g  # rows are the long axis
    h, w = a.shape
    if w < 2:
        raise ValueError("no room to zigzag")
    res = a.copy()
    for r, dr in ((h - 1, -1), (0, 1)):
        for q in np.flatnonzero(a[r] != BG).tolist():
            dq = 1 if q < w - 1 - q or q == 0 else -1
            rr, qq = r, q
            for _ in range(h - 1):
                if not 0 <= qq + dq < w:
                    dq = -dq
                rr, qq = rr + dr, qq + dq
                if res[rr, qq] == BG:
                    res[rr, qq] = a[r, q]
    return out(res.T if t else res)


@primitive(("Grid", "Colour"), "Grid")
def recolour_boundary(g: Grid, c: int) -> Grid:
    """Non-background cells on the edge of their shape (not interior) become colour `c`."""
    m = (g != BG) & ~kernels.interior_mask(g, BG)
    return out(kernels.paint_mask(g, m, c))


@primitive(("Grid", "Colour"), "Grid")
def invert_foreground(g: Grid, c: int) -> Grid:
    """Background cells become colour `c`; every other cell becomes background."""
    return out(np.where(g == BG, c, BG))


@primitive(("Grid", "Colour"), "Grid", cost=1.5)
def box_objects(g: Grid, c: int) -> Grid:
    """Draw a rectangle of colour `c` one cell outside each object's (8-connected) bounding box."""
    return kernels.outline_boxes(g, _object_boxes(g), c, BG)


@primitive(("Grid", "Colour"), "Grid", cost=1.5)
def connect_lines_with(g: Grid, c: int) -> Grid:
    """Join equal-coloured cells on a row or column by a line of colour `c` over background."""
    return out(kernels.connect_pairs(g, BG, 3, c))


@primitive(("Grid", "Colour"), "Grid", cost=1.5)
def fill_empty_lines(g: Grid, c: int) -> Grid:
    """Rows and columns that are entirely background become colour `c`."""
    return kernels.fill_blank_lines(g, c, BG)


@primitive(("Grid", "Colour"), "Grid", cost=1.5)
def mark_uniform_rows(g: Grid, c: int) -> Grid:
    """Rows of a single colour become colour `c`; all other rows become background."""
    return kernels.mark_uniform_rows(g, c, BG)


@primitive(("Grid",), "Grid")
def fill_colour_boxes(g: Grid) -> Grid:
    """Each non-background colour fills the background inside its cells' bounding box."""
    return kernels.fill_colour_boxes(g, BG)


def _regions(g: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Labels of the 4-connected background regions and their [top, left, bottom, right, size]."""
    labels, n = kernels.label_components(np.where(g == BG, 0, 1).astype(np.int8), False, False, 1)
    if n == 0:
        raise ValueError("no background")
    return labels, kernels.component_boxes(labels, n)


@primitive(("Grid", "Colour"), "Grid", cost=1.5, absent="same")
def fill_regions_touching(g: Grid, c: int) -> Grid:
    """Background regions (4-connected) that touch a cell of colour `c` are filled with `c`."""
    return kernels.fill_regions_touching(g, BG, c)


def _recolour_region(g: Grid, c: int, pick: int) -> Grid:
    labels, boxes = _regions(g)
    sizes = boxes[:, 4]
    if len(sizes) < 2 or sizes.min() == sizes.max():
        raise ValueError("no region stands out by size")
    target = sizes.max() if pick > 0 else sizes.min()
    return out(np.where(np.isin(labels, np.flatnonzero(sizes == target)), c, g))


@primitive(("Grid", "Colour"), "Grid", cost=1.5)
def recolour_largest_region(g: Grid, c: int) -> Grid:
    """The largest 4-connected background regions (all of the largest size) become colour `c`."""
    return _recolour_region(g, c, 1)


@primitive(("Grid", "Colour"), "Grid", cost=1.5)
def recolour_smallest_region(g: Grid, c: int) -> Grid:
    """The smallest 4-connected background regions (all of the smallest size) become colour
    `c`."""
    return _recolour_region(g, c, -1)


@primitive(("Grid",), "Grid", cost=1.5)
def drip_up(g: Grid) -> Grid:
    """Every non-background cell extends its colour upward over background until blocked."""
    return _rays(g, _DIRS["up"], True)


@primitive(("Grid",), "Grid", cost=1.5)
def drip_down(g: Grid) -> Grid:
    """Every non-background cell extends its colour downward over background until blocked."""
    return _rays(g, _DIRS["down"], True)


@primitive(("Grid",), "Grid", cost=1.5)
def drip_left(g: Grid) -> Grid:
    """Every non-background cell extends its colour leftward over background until blocked."""
    return _rays(g, _DIRS["left"], True)


@primitive(("Grid",), "Grid", cost=1.5)
def drip_right(g: Grid) -> Grid:
    """Every non-background cell extends its colour rightward over background until blocked."""
    return _rays(g, _DIRS["right"], True)


@primitive(("Grid", "Colour"), "Grid", cost=1.5)
def connect_rows_with(g: Grid, c: int) -> Grid:
    """Join equal-coloured cells on a row by a line of colour `c` over background."""
    return out(kernels.connect_pairs(g, BG, 1, c))


@primitive(("Grid", "Colour"), "Grid", cost=1.5)
def connect_columns_with(g: Grid, c: int) -> Grid:
    """Join equal-coloured cells on a column by a line of colour `c` over background."""
    return out(kernels.connect_pairs(g, BG, 2, c))


@primitive(("Grid",), "Grid", cost=1.5)
def fill_enclosed_by_size(g: Grid) -> Grid:
    """Each enclosed background region (a hole) is filled with the colour equal to its size."""
    holes = (g == BG) & ~kernels.border_reachable(g, BG, False)
    labels, n = kernels.label_components(np.where(holes, 1, 0).astype(np.int8), False, False, 0)
    sizes = kernels.component_boxes(labels, n)[:, 4]
    if n and sizes.max() > 9:
        raise ValueError("hole too big to name by a colour")
    return out(np.where(labels >= 0, sizes[np.maximum(labels, 0)] if n else 0, g))


@primitive(("Grid",), "Grid", cost=1.5)
def mode_filter(g: Grid) -> Grid:
    """Each cell takes the most frequent colour around it (3x3), removing speckle noise."""
    return out(kernels.mode_filter(g))


@primitive(("Grid",), "Grid", cost=1.5)
def dilate(g: Grid) -> Grid:
    """Background cells next to (4 ways) a non-background cell take its colour (first of up,
    down, left, right)."""
    return kernels.dilate4(g, BG)


@primitive(("Grid",), "Grid", cost=1.5)
def erode(g: Grid) -> Grid:
    """Only interior cells of shapes survive (all 4 neighbours the same colour)."""
    return out(np.where(kernels.interior_mask(g, BG), g, BG))
