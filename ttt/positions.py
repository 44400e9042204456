"""Grid positions: RoPE position ids that spell out the 2-D layout of the serialized grids.

With plain positions (0, 1, 2, ...) the cell "below" is a row's length away and the same cell of
the previous grid a whole grid away, so a small model must count to copy anything; on this CPU a
4M-parameter model trained that way never learned to copy a grid. Here every grid gets its own
block of positions and every cell a fixed place in it:

    cell (r, c) of the k-th grid  ->  k * BLOCK + r * ROW + c

so a cell and the same cell of the previous grid are always exactly BLOCK apart, and neighbours
are 1 and ROW apart: copying, shifting and flipping become fixed relative offsets that RoPE
attention learns in a few hundred steps. The ids come from the tokens themselves (markers open a
block, newlines end a row), token by token, so training, scoring and step-by-step decoding agree.

A model trained this way says so in its config (`arc_positions: grid`); any other model gets the
plain positions and the code paths that it always had.
"""

from __future__ import annotations

from ttt.format import DEFAULT_FORMAT, TextFormat

BLOCK = 1024  # positions per grid: 30 rows of ROW, plus room for the markers before the next
ROW = 32  # positions per row: up to 30 cells, the newline, one spare


class GridPositions:
    """Position ids for one tokenizer and format. State for incremental use:
    [block, row, col, previous token, last position]."""

    def __init__(self, tok, fmt: TextFormat = DEFAULT_FORMAT):
        def one(text: str) -> int:
            ids = tok(text, add_special_tokens=False)["input_ids"]
            return ids[0] if len(ids) == 1 else -1

        self.markers = {one(fmt.input_marker), one(fmt.output_marker)} - {-1}
        self.end = one(fmt.end_marker)
        self.newline = one("\n")
        self.cells = set(tok("0123456789", add_special_tokens=False)["input_ids"])

    @staticmethod
    def start() -> list[int]:
        return [0, 0, 0, -1, -1]

    def next(self, state: list[int], token: int) -> int:
        """The position of `token` after the tokens that `state` has seen; updates `state`."""
        k, r, c, prev, last = state
        if token in self.markers:  # a new grid: its marker and newline sit just before it
            k, r, c = k + 1, 0, 0
            pos = k * BLOCK - 2
        elif token == self.end:
            pos = k * BLOCK + r * ROW  # where the next row would start
        elif token == self.newline and prev in self.markers:
            pos = k * BLOCK - 1
        elif token == self.newline and prev in self.cells:
            pos = k * BLOCK + r * ROW + c  # the row's end
            r, c = r + 1, 0
        elif token in self.cells:
            pos = k * BLOCK + r * ROW + c
            c += 1
        else:  # BOS, padding, a newline after the end marker, anything else: next in line
            pos = last + 1
        state[:] = [k, r, c, token, pos]
        return pos

    def of(self, ids: list[int], state: list[int] | None = None) -> list[int]:
        """Positions of a whole sequence (continuing from `state` when given)."""
        st = state if state is not None else self.start()
        return [self.next(st, t) for t in ids]


def positions_for(model, tok, fmt: TextFormat = DEFAULT_FORMAT) -> GridPositions | None:
    """The model's position scheme: GridPositions when its config says `arc_positions: grid`,
    None for plain positions. Works through a peft wrapper (its config is the base model's)."""
    scheme = getattr(getattr(model, "config", None), "arc_positions", None) or "linear"
    if scheme == "linear":
        return None
    if scheme != "grid":
        raise ValueError(f"unknown arc_positions {scheme!r} in the model config: grid or linear")
    return GridPositions(tok, fmt)
