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

        self.input_marker = one(fmt.input_marker)
        self.markers = {self.input_marker, one(fmt.output_marker)} - {-1}
        self.end = one(fmt.end_marker)
        self.newline = one("\n")
        self.cells = set(tok("0123456789", add_special_tokens=False)["input_ids"])

    @staticmethod
    def start() -> list[int]:
        return [0, 0, 0, -1, -1]

    def next(self, state: list[int], token: int) -> int:
        """The position of `token` after the tokens that `state` has seen; updates `state`."""
        k, r, c, prev, last = state[:5]
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
        state[:5] = [k, r, c, token, pos]
        return pos

    def of(self, ids: list[int], state: list[int] | None = None) -> list[int]:
        """Positions of a whole sequence (continuing from `state` when given)."""
        st = state if state is not None else self.start()
        return [self.next(st, t) for t in ids]


# Dihedral positions. Grid positions make a copy one fixed offset, but not a flip: the cell that
# output (r, c) reads under a left-right flip is (r, W-1-c), an offset that changes with c, so no
# single RoPE rotation selects it (the grid pre-training run flipped 0 of its probe grids). Here
# part of each head's rotary pairs read the grid position above, and the rest eight small
# coordinates, one per pairing of an output axis with an input axis:
#   output cells: (r, c, r, c, r, c, r, c)
#   input cells:  (r, c, H-1-r, W-1-c, c, r, W-1-c, H-1-r)
# so each of the 8 symmetries of the square (identity, flips, turns, transposes) is a zero offset
# in two of the coordinates: flip left-right reads coordinates 1 and 4, a clockwise turn 5 and 8.
# The linear pairs still say which grid is which. All nine numbers travel packed in one position
# id, so every code path that carries position ids (teacher forcing, decoding, TTT, poe) is
# unchanged; `install_positions` gives the model the rotary module that unpacks them.
LIN_BITS = 22  # the grid position (2,048 tokens make at most ~500 grids of BLOCK positions)
COORD_BITS = 5  # each coordinate -1..29 (stored plus one), or NONE
NONE = 31  # markers, input newlines, padding: no cell
SECTION_FREQS = (0.37, 0.55, 2.34)  # rotary frequencies per coordinate: a zero offset scores 3,
# any offset 1..31 at most 1.31 (chosen by random search over frequency triples)
N_COORDS = 8


def pack(lin: int, coords: tuple[int, ...]) -> int:
    """One position id: the grid position in the low bits, then each coordinate (NONE when off
    the grid)."""
    if not 0 <= lin < 1 << LIN_BITS:
        raise ValueError(f"grid position {lin} out of range for dihedral positions")
    out = lin
    for i, v in enumerate(coords):
        out |= (v + 1 if -1 <= v < 30 else NONE) << (LIN_BITS + COORD_BITS * i)
    return out


class DihedralPositions(GridPositions):
    """Grid positions plus the 8 symmetry coordinates, packed (see above). State for incremental
    use: the grid state, then [role (1 input, 2 output), height, width] of the current grid. An
    input grid's coordinates need its size, so input grids must come through `of` (a whole
    prompt); `next` serves the output being decoded."""

    @staticmethod
    def start() -> list[int]:
        return [0, 0, 0, -1, -1, 0, -1, -1]

    def next(self, state: list[int], token: int, dims: tuple[int, int] | None = None) -> int:
        r, c, prev = state[1], state[2], state[3]
        role, h, w = state[5:8]
        lin = super().next(state, token)
        if token in self.markers:
            role = 1 if token == self.input_marker else 2
            h, w = dims or (-1, -1)
        coords = (NONE,) * N_COORDS
        if token in self.cells and role == 1:
            if h < 0:
                raise ValueError(
                    "an input grid's dihedral positions need its size: pass it to of()"
                )
            coords = (r, c, h - 1 - r, w - 1 - c, c, r, w - 1 - c, h - 1 - r)
        elif token in self.cells:
            coords = (r, c) * 4
        elif token == self.newline and role == 2 and (prev in self.cells or prev in self.markers):
            # a token predicts the next one: an output newline stands just left of the row it
            # opens, so every cell of an output, the first of a row too, is predicted from the
            # same offsets (0 on the row axis, 1 on the column axis)
            coords = (r + 1 if prev in self.cells else 0, -1) * 4
        state[5:8] = [role, h, w]
        return pack(lin, coords)

    def dims(self, ids: list[int]) -> dict[int, tuple[int, int]]:
        """{index of a grid's marker: (rows, width of its first row)} for the grids in ids."""
        out: dict[int, tuple[int, int]] = {}
        at, h, w, run = None, 0, -1, 0
        for i, t in enumerate([*ids, self.end]):
            if t in self.cells:
                run += 1
                continue
            if run:  # a row ends at its newline (or where the grid ends)
                h, w, run = h + 1, (run if w < 0 else w), 0
            if t in self.markers or t == self.end:
                if at is not None:
                    out[at] = (h, w)
                at, h, w = (i, 0, -1) if t in self.markers else (None, 0, -1)
        return out

    def of(self, ids: list[int], state: list[int] | None = None) -> list[int]:
        st = state if state is not None else self.start()
        dims = self.dims(ids)
        return [self.next(st, t, dims.get(i)) for i, t in enumerate(ids)]


def dihedral_rotary(config):
    """The rotary module of a dihedral-position model: the same (cos, sin) interface as
    transformers' Llama rotary embedding, fed packed position ids."""
    import torch

    class DihedralRotary(torch.nn.Module):
        def __init__(self):
            super().__init__()
            dim = (
                getattr(config, "head_dim", None)
                or config.hidden_size // config.num_attention_heads
            )
            pairs = dim // 2
            n_lin = pairs - N_COORDS * len(SECTION_FREQS)
            if n_lin < 4:
                raise ValueError(
                    f"dihedral positions need head_dim >= "
                    f"{2 * (4 + N_COORDS * len(SECTION_FREQS))} (this model has {dim})"
                )
            theta = float(config.rope_parameters["rope_theta"])
            lin = 1.0 / theta ** (torch.arange(n_lin, dtype=torch.float) / n_lin)
            sec = torch.tensor(SECTION_FREQS * N_COORDS, dtype=torch.float)
            self.inv_freq = torch.nn.Buffer(torch.cat([lin, sec]), persistent=False)
            src = [0] * n_lin + [1 + i for i in range(N_COORDS) for _ in SECTION_FREQS]
            self.source = torch.nn.Buffer(torch.tensor(src), persistent=False)
            shifts = [0] + [LIN_BITS + COORD_BITS * i for i in range(N_COORDS)]
            masks = [(1 << LIN_BITS) - 1] + [(1 << COORD_BITS) - 1] * N_COORDS
            self.shifts = torch.nn.Buffer(torch.tensor(shifts), persistent=False)
            self.masks = torch.nn.Buffer(torch.tensor(masks), persistent=False)
            self.attention_scaling = 1.0
            self.rope_type = "default"
            self.dihedral = True

        @torch.no_grad()
        def forward(self, x, position_ids):
            p = position_ids.long()[..., None]
            fields = ((p >> self.shifts) & self.masks).float()  # (B, T, 9)
            freqs = fields[..., self.source] * self.inv_freq  # (B, T, pairs)
            emb = torch.cat((freqs, freqs), dim=-1)
            return emb.cos().to(x.dtype), emb.sin().to(x.dtype)

    return DihedralRotary()


def _base(model):
    """The transformers model under a peft wrapper (the model itself when there is none)."""
    return model.get_base_model() if hasattr(model, "get_base_model") else model


def install_positions(model):
    """Give a dihedral-position model its rotary module (after building or loading it; other
    models are returned unchanged)."""
    if getattr(model.config, "arc_positions", None) == "dihedral":
        inner = _base(model)
        dev = next(inner.parameters()).device
        inner.model.rotary_emb = dihedral_rotary(inner.config).to(dev)
    return model


def positions_for(model, tok, fmt: TextFormat = DEFAULT_FORMAT) -> GridPositions | None:
    """The model's position scheme: GridPositions when its config says `arc_positions: grid`,
    DihedralPositions for `dihedral`, None for plain positions. Works through a peft wrapper (its
    config is the base model's)."""
    scheme = getattr(getattr(model, "config", None), "arc_positions", None) or "linear"
    if scheme == "linear":
        return None
    if scheme == "dihedral":
        rotary = getattr(getattr(_base(model), "model", None), "rotary_emb", None)
        if not getattr(rotary, "dihedral", False):  # it would read packed ids as plain ones
            raise ValueError(
                "a dihedral-position model without its rotary module: build it with "
                "ttt.model.new_model or load it with ttt.model.load_model (install_positions)"
            )
        return DihedralPositions(tok, fmt)
    if scheme != "grid":
        raise ValueError(
            f"unknown arc_positions {scheme!r} in the model config: grid, dihedral or linear"
        )
    return GridPositions(tok, fmt)
