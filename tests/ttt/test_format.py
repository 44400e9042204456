"""Codec round trips, loss spans, malformed-output rejection, tokenizer checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dsl.types import Pair
from ttt.format import (
    IGNORE_INDEX,
    FormatError,
    TextFormat,
    answer_text,
    check_tokenizer,
    decode_grid,
    encode_example,
    parse_output,
    serialized_length,
    tokenize,
)

FMT = TextFormat()
grids = st.tuples(st.integers(1, 30), st.integers(1, 30)).flatmap(
    lambda hw: arrays(np.int8, hw, elements=st.integers(0, 9))
)


@settings(max_examples=60, deadline=None)
@given(grids)
def test_grid_round_trip(g):
    assert np.array_equal(decode_grid(answer_text(g)), g)


@settings(max_examples=30, deadline=None)
@given(grids, grids, grids)
def test_example_round_trip_through_spans(a, b, q):
    enc = encode_example([Pair(a, b), Pair(b, a)], q, q)
    # spans: demo 2's output and the query output; each decodes back to its grid
    assert len(enc.loss_spans) == 2
    got = [decode_grid(enc.text[s:e]) for s, e in enc.loss_spans]
    assert np.array_equal(got[0], a) and np.array_equal(got[1], q)


def test_text_layout_one_char_per_cell():
    g = np.array([[1, 2], [3, 4]], dtype=np.int8)
    enc = encode_example([Pair(g, g)], g)
    assert enc.text == "I\n12\n34\nO\n12\n34\nE\nI\n12\n34\nO\n"
    assert enc.loss_spans == []  # first demo's output carries no loss; no query output
    assert encode_example([Pair(g, g)], g, loss_on_first_demo=True).loss_spans == [(10, 17)]


@pytest.mark.parametrize(
    "text",
    ["12\n34\n", "12\n3\nE", "12\n34E", "1a\nE", "E", "\nE", "12\n\n34\nE", ("1" * 31) + "\nE"],
)
def test_malformed_rejected(text):
    with pytest.raises(FormatError):
        decode_grid(text)
    assert parse_output(text) is None


def test_trailing_text_after_end_marker_ignored():
    assert decode_grid("12\nE\nI\n99").tolist() == [[1, 2]]


def test_tokenize_labels_follow_spans(tok):
    g = np.array([[1, 2], [3, 4]], dtype=np.int8)
    h = np.array([[5]], dtype=np.int8)
    enc = encode_example([Pair(g, g), Pair(g, h)], g, h)
    ids, labels = tokenize(tok, enc)
    assert ids[0] == tok.bos_token_id and len(ids) == len(enc.text) + 1
    marked = "".join(enc.text[i - 1] for i, lab in enumerate(labels) if lab != IGNORE_INDEX)
    assert marked == "5\nE5\nE"  # demo 2 output and query output, each with its end marker
    assert all(lab in (IGNORE_INDEX, i) for lab, i in zip(labels, ids))


def test_check_tokenizer_accepts_default(tok):
    check_tokenizer(tok)


def test_check_tokenizer_rejects_digit_merges(tok):
    from tokenizers import Tokenizer, decoders, models
    from transformers import PreTrainedTokenizerFast

    vocab = dict(tok.get_vocab())
    vocab["12"] = len(vocab)
    core = Tokenizer(models.BPE(vocab=vocab, merges=[("1", "2")], unk_token="<unk>"))
    core.decoder = decoders.Fuse()
    merging = PreTrainedTokenizerFast(tokenizer_object=core, unk_token="<unk>")
    with pytest.raises(FormatError, match="one token per cell"):
        check_tokenizer(merging)


def test_serialized_length_counts_every_character_plus_bos_of_the_longest_test():
    from dsl.types import Task

    # demo: "I\n" + "12\n" + "O\n" + "3\n" + "E" + "\n" = 11; query "I\n" "5\n" "O\n" = 6
    # with answer "45\n"+"E" (4) or "6\n"+"E" (3); plus BOS
    task = Task.from_json(
        "t",
        {
            "train": [{"input": [[1, 2]], "output": [[3]]}],
            "test": [{"input": [[5]], "output": [[4, 5]]}, {"input": [[5]], "output": [[6]]}],
        },
    )
    assert serialized_length(task) == 1 + 11 + 6 + 4
    task.test_outputs = None  # unknown answers: the prompt alone
    assert serialized_length(task) == 1 + 11 + 6


def _digit_grouping_tokenizer():
    """A local Llama-3-style tokenizer: runs of up to 3 digits are pre-tokenized together and BPE
    merges digit pairs, so `012` is not three tokens."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    digits = "0123456789"
    chars = ["<pad>", "<s>", "</s>", "<unk>", *digits, "\n", " ", ",", "I", "O", "E"]
    pairs = [a + b for a in digits for b in digits]
    vocab = {t: i for i, t in enumerate(chars + pairs)}
    merges = [(a, b) for a in digits for b in digits]
    core = Tokenizer(models.BPE(vocab=vocab, merges=merges, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Split(Regex(r"\p{N}{1,3}"), behavior="isolated")
    core.decoder = decoders.Fuse()
    return PreTrainedTokenizerFast(
        tokenizer_object=core,
        pad_token="<pad>",
        bos_token="<s>",
        eos_token="</s>",
        unk_token="<unk>",
    )


def test_a_digit_grouping_tokenizer_gets_a_separated_format(tmp_path):
    from transformers import LlamaForCausalLM

    from ttt.format import FormatError, answer_text, check_tokenizer, decode_grid, fit_format
    from ttt.model import ModelConfig, default_llama_config, load_model

    tok = _digit_grouping_tokenizer()
    with pytest.raises(FormatError, match="one token per cell"):
        check_tokenizer(tok)
    fmt = fit_format(tok)
    assert fmt.cell_separator == " "
    g = np.array([[0, 1, 2, 3], [9, 8, 7, 6]], dtype=np.int8)
    text = answer_text(g, fmt)
    assert text == "0 1 2 3\n9 8 7 6\nE" and len(text) == fmt.grid_length(2, 4) + 1
    assert np.array_equal(decode_grid(text, fmt), g)
    ids = tok(fmt.grid_text(g), add_special_tokens=False)["input_ids"]
    assert [tok.convert_ids_to_tokens(i) for i in ids][:2] == ["0", " "]  # one token per cell
    # a model directory with that tokenizer loads (no refusal) and its config says how to write
    cfg = default_llama_config(
        len(tok), tok, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        num_key_value_heads=2, intermediate_size=32, max_position_embeddings=256,
    )  # fmt: skip
    LlamaForCausalLM(cfg).save_pretrained(str(tmp_path))
    tok.save_pretrained(str(tmp_path))
    mc = ModelConfig(path=str(tmp_path), device="cpu", dtype="float32")
    assert mc.fmt.cell_separator == " "
    model, loaded, ctx = load_model(mc)
    assert ctx == 256
    assert ModelConfig(path=str(tmp_path), cell_separator="").fmt.cell_separator == ""


def test_grid_guard_holds_a_separated_format_to_cells_and_separators():
    from ttt.decode import GridGuard
    from ttt.format import fit_format
    from ttt.infer import max_answer_tokens

    tok = _digit_grouping_tokenizer()
    fmt = fit_format(tok)
    stop = [tok.convert_tokens_to_ids("E")]
    guard = GridGuard.for_tokenizer(tok, stop, fmt)
    assert guard is not None and guard.sep_ids == {tok.convert_tokens_to_ids(" ")}

    def ok(text, shape=None):
        state = GridGuard.start(shape)
        ids = tok(text, add_special_tokens=False)["input_ids"]
        return all(guard.step(state, t) for t in ids)

    assert ok("1 2\n3 4\nE") and ok("1 2\n3 4\nE", (2, 2))
    assert not ok("1 \n")  # a row ending in a separator
    assert not ok("1 2\n3\n")  # rows of different widths
    assert not ok("1 2 3\n", (1, 2))
    st = GridGuard.start((1, 2))
    cell, sep = (tok.convert_tokens_to_ids(t) for t in ("5", " "))
    assert guard.step(st, cell) and GridGuard.next_kind(st) == GridGuard.SEP
    assert not guard.step(list(st), cell)  # two cells with no separator
    assert guard.step(st, sep) and GridGuard.next_kind(st) == GridGuard.CELL
    assert guard.step(st, cell) and GridGuard.next_kind(st) == GridGuard.NEWLINE
    # the generation cap fits a 30x30 answer with its separators
    assert max_answer_tokens(None, fmt) == fmt.grid_length(30, 30) + 2 == 1802
    assert max_answer_tokens(None) == 932 and max_answer_tokens(40, fmt) == 40
