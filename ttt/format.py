"""Grid <-> text codec for the language model, with loss spans recorded as character offsets.

A task is written one character per cell and one newline per row:

    I\\n<input rows>O\\n<output rows>E\\n      (one block per demonstration)
    I\\n<query rows>O\\n                     (the prompt ends here; the model writes the rest)

Every row ends with a newline, so a grid of height h and width w costs h * (w + 1) characters.
The loss covers the output rows plus the end marker, so the model learns where a grid stops.
Which tokens carry loss is decided from the tokenizer's offset mapping against these character
spans, never from token ids, so any tokenizer that keeps one token per cell works.

A tokenizer whose pre-tokenizer groups digits (Llama-3 splits runs of up to 3) would merge cells;
for it the cells of a row are written with a separator (`0 1 2`), which `fit_format` picks: each
cell stays one token, at the price of about twice the length.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dsl.types import MAX_SIDE, Grid, Pair, Task

IGNORE_INDEX = -100  # label value that torch's cross-entropy skips


class FormatError(ValueError):
    """Text that does not decode to a valid grid, or a tokenizer that breaks the format."""


@dataclass(frozen=True)
class TextFormat:
    """The marker characters. Defaults match the default model's tokenizer."""

    input_marker: str = "I"
    output_marker: str = "O"
    end_marker: str = "E"
    cell_separator: str = ""  # between the cells of a row ("" for one-digit tokenizers)

    def grid_text(self, g: Grid) -> str:
        """Rows of digits (separated by cell_separator), each followed by a newline."""
        sep = self.cell_separator
        return "".join(sep.join(map(str, row)) + "\n" for row in np.asarray(g).tolist())

    def grid_length(self, h: int, w: int) -> int:
        """Characters taken by an h x w grid (cells, separators, one newline per row)."""
        return h * (w + (w - 1) * len(self.cell_separator) + 1)


DEFAULT_FORMAT = TextFormat()


@dataclass
class Encoded:
    """Serialized example: text, the [start, end) character spans that carry loss, and the spans
    of the input grids' rows (pre-training may put a lighter loss on those)."""

    text: str
    loss_spans: list[tuple[int, int]] = field(default_factory=list)
    input_spans: list[tuple[int, int]] = field(default_factory=list)


def encode_example(
    demos: list[Pair],
    query_input: Grid,
    query_output: Grid | None = None,
    fmt: TextFormat = DEFAULT_FORMAT,
    loss_on_first_demo: bool = False,
) -> Encoded:
    """Serialize demos plus a query. With `query_output` None the text is a prompt ending after the
    output marker. Loss spans: outputs of demos 2..K (and demo 1 if `loss_on_first_demo`) and the
    query output, each including its end marker."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    inputs: list[tuple[int, int]] = []
    pos = 0

    def add(s: str, into: list | None = None) -> None:
        nonlocal pos
        if into is not None:
            into.append((pos, pos + len(s)))
        parts.append(s)
        pos += len(s)

    def add_input(g: Grid) -> None:
        add(fmt.input_marker + "\n")
        add(fmt.grid_text(g), inputs)
        add(fmt.output_marker + "\n")

    for i, p in enumerate(demos):
        add_input(p.input)
        with_loss = i > 0 or loss_on_first_demo
        add(fmt.grid_text(p.output) + fmt.end_marker, spans if with_loss else None)
        add("\n")
    add_input(query_input)
    if query_output is not None:
        add(fmt.grid_text(query_output) + fmt.end_marker, spans)
    return Encoded("".join(parts), spans, inputs)


def serialized_length(task: Task, fmt: TextFormat = DEFAULT_FORMAT) -> int:
    """Tokens of the task's full serialization under a one-token-per-character tokenizer (the
    default model's): all demos, a test input and its output when known, plus BOS; the longest
    over the test inputs. What `ttt.max_task_tokens` bounds (TTTSolver.declines)."""
    outs = task.test_outputs or [None] * len(task.test_inputs)
    return 1 + max(
        len(encode_example(task.train, q, a, fmt).text) for q, a in zip(task.test_inputs, outs)
    )


def answer_text(grid: Grid, fmt: TextFormat = DEFAULT_FORMAT) -> str:
    """What the model should write after a prompt: the grid rows and the end marker."""
    return fmt.grid_text(grid) + fmt.end_marker


def decode_grid(text: str, fmt: TextFormat = DEFAULT_FORMAT) -> Grid:
    """Parse generated text (rows, then the end marker; anything after the marker is ignored) into a
    grid. Raises FormatError on anything malformed: no end marker, ragged rows, non-digits, size
    outside 1..30."""
    end = text.find(fmt.end_marker)
    if end < 0:
        raise FormatError("no end marker (output truncated?)")
    body = text[:end]
    if not body.endswith("\n"):
        raise FormatError("last row not terminated by a newline")
    rows = body[:-1].split("\n")
    if not rows or any(not r for r in rows):
        raise FormatError("empty row")
    if fmt.cell_separator:
        cells = [r.split(fmt.cell_separator) for r in rows]
        if any(len(c) != 1 for r in cells for c in r):
            raise FormatError("cells not separated by the format's separator")
        rows = ["".join(r) for r in cells]
    width = len(rows[0])
    if any(len(r) != width for r in rows):
        raise FormatError("ragged rows")
    if not (1 <= len(rows) <= MAX_SIDE and 1 <= width <= MAX_SIDE):
        raise FormatError(f"size {len(rows)}x{width} outside 1x1..{MAX_SIDE}x{MAX_SIDE}")
    if not all(r.isascii() and r.isdigit() for r in rows):
        raise FormatError("non-digit cell")
    return np.ascontiguousarray(np.array([[int(c) for c in r] for r in rows], dtype=np.int8))


def parse_output(text: str, fmt: TextFormat = DEFAULT_FORMAT) -> Grid | None:
    """decode_grid, returning None instead of raising for malformed text."""
    try:
        return decode_grid(text, fmt)
    except FormatError:
        return None


def tokenize(tok, enc: Encoded, add_bos: bool = True) -> tuple[list[int], list[int]]:
    """Token ids and labels (IGNORE_INDEX outside the loss spans). A token carries loss when its
    character range overlaps a loss span. A BOS token is prepended when the tokenizer has one."""
    out = tok(enc.text, add_special_tokens=False, return_offsets_mapping=True)
    ids = list(out["input_ids"])
    labels = [IGNORE_INDEX] * len(ids)
    spans = enc.loss_spans
    j = 0
    for k, (s, e) in enumerate(out["offset_mapping"]):
        # spans and offsets are both sorted: walk them together
        while j < len(spans) and spans[j][1] <= s:
            j += 1
        if j < len(spans) and s < spans[j][1] and e > spans[j][0]:
            labels[k] = ids[k]
    if add_bos and tok.bos_token_id is not None:
        ids = [tok.bos_token_id] + ids
        labels = [IGNORE_INDEX] + labels
    return ids, labels


SEPARATORS = ("", " ", ",")  # cell separators fit_format tries, in order


def fit_format(tok, fmt: TextFormat = DEFAULT_FORMAT) -> TextFormat:
    """`fmt` with the first cell separator (none, space, comma) under which `tok` keeps one token
    per cell; raises check_tokenizer's FormatError for the unseparated format when none does."""
    from dataclasses import replace

    first: FormatError | None = None
    for sep in (fmt.cell_separator, *[s for s in SEPARATORS if s != fmt.cell_separator]):
        candidate = replace(fmt, cell_separator=sep)
        try:
            check_tokenizer(tok, candidate)
            return candidate
        except FormatError as e:
            first = first or e
    raise first  # type: ignore[misc]


def check_tokenizer(tok, fmt: TextFormat = DEFAULT_FORMAT) -> None:
    """Fail with a clear message unless every cell becomes exactly one token in this format (and
    each marker is not merged with a cell), on a sample covering all digit pairs and positions."""
    rows = [
        [d for d in range(10)],
        [9 - d for d in range(10)],
        [d % 10 for d in range(0, 20, 2)],
        [(3 * d) % 10 for d in range(10)],
        [0] * 10,
    ]
    g = np.array(rows, dtype=np.int8)
    small = np.array([[7]], dtype=np.int8)
    enc = encode_example([Pair(g, g.T.copy()), Pair(small, small)], g, g, fmt)
    out = tok(enc.text, add_special_tokens=False, return_offsets_mapping=True)
    offsets = [tuple(o) for o in out["offset_mapping"]]
    cell_positions = [i for i, c in enumerate(enc.text) if c.isdigit()]
    singles = set(offsets)
    bad = [p for p in cell_positions if (p, p + 1) not in singles]
    if bad:
        p = bad[0]
        context = enc.text[max(0, p - 5) : p + 5]
        raise FormatError(
            f"tokenizer {type(tok).__name__} ({getattr(tok, 'name_or_path', '?')}) does not give "
            f"one token per cell in this format: {len(bad)} of {len(cell_positions)} cells are "
            f"merged with neighbours (first near {context!r}). Use a tokenizer that splits digits "
            f"individually (e.g. Llama-2/Qwen style), another model.cell_separator, or the "
            f"default model."
        )
    ids = out["input_ids"]
    unk = tok.unk_token_id
    if unk is not None and unk in ids:
        raise FormatError(f"tokenizer maps part of the format to the unknown token: {enc.text!r}")
