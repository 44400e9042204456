"""Throughput of the TTT model: LoRA training tokens/s and greedy generation tokens/s.

    python -m ttt.bench                       # shipped default model, 1 thread, float32
    python -m ttt.bench --dtype bfloat16 --threads 2 --seq-len 1536 --model /local/hf/model
    python -m ttt.bench --probe               # can the model copy cells? (accuracy, not speed)

Falls back to a randomly initialised default-architecture model when no checkpoint exists.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from ttt.decode import greedy_batch
from ttt.model import (
    ModelConfig,
    build_default_tokenizer,
    load_model,
    new_model,
    pick_device,
    resolve_path,
)
from ttt.train import TrainConfig, attach_adapter, detach_adapter


def _model(path: str, device: str, dtype: str):
    if (resolve_path(path) / "config.json").exists():
        model, tok, _ = load_model(ModelConfig(path=path, device=device, dtype=dtype))
        return model, tok, str(resolve_path(path))
    tok = build_default_tokenizer()
    model = new_model(len(tok), tok).to(pick_device(device))
    if dtype == "bfloat16":
        model = model.to(torch.bfloat16)
    for p in model.parameters():
        p.requires_grad_(False)
    return model.eval(), tok, "random default architecture"


def bench_train(model, seq_len: int, steps: int, vocab: int) -> float:
    """LoRA (default TTT settings) tokens/s on one sequence of seq_len, batch 1."""
    cfg = TrainConfig()
    peft_model = attach_adapter(model, cfg.lora)
    device = next(model.parameters()).device
    try:
        params = [p for p in peft_model.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(params, lr=1e-4)
        ids = torch.randint(4, vocab, (1, seq_len), device=device)
        peft_model.train()
        times = []
        for _ in range(steps + 1):
            t = time.perf_counter()
            loss = peft_model(input_ids=ids, labels=ids).loss
            loss.backward()
            opt.step()
            opt.zero_grad(set_to_none=True)
            times.append(time.perf_counter() - t)
    finally:
        detach_adapter(peft_model)
    return seq_len / float(np.median(times[1:]))  # first step warms up


def bench_generate(model, prompt_len: int, new_tokens: int, vocab: int, batch: int) -> float:
    """Greedy decoding (the solver's code path, KV cache) of `batch` prompts at once: generated
    tokens per second summed over the batch, prefill included."""
    gen = torch.Generator().manual_seed(0)
    prompts = [torch.randint(4, vocab, (prompt_len,), generator=gen).tolist() for _ in range(batch)]
    t = time.perf_counter()
    outs = greedy_batch(model, prompts, new_tokens, stop=[], pad_id=0)
    return sum(len(toks) for toks, _ in outs) / (time.perf_counter() - t)


def copy_probe(model, tok, n_tasks: int = 10, seed: int = 0) -> dict:
    """Whether the model can carry cells over from the input: teacher-forced next-token accuracy
    on the non-zero output cells of random tasks (3 demos, grids 3-8 a side, 35% of cells a random
    colour) whose rule is identity, a left-right flip, a clockwise turn or a colour map (the turn
    changes the grid's shape: an output row reads an input column). Chance is about 0.11; a
    model that only learned grid texture predicts background and scores near 0."""
    from dsl.types import Pair
    from ttt.format import encode_example, tokenize
    from ttt.positions import positions_for

    gp = positions_for(model, tok)
    cells = set(tok("123456789", add_special_tokens=False)["input_ids"])
    rules = {
        "identity": lambda g: g.copy(),
        "flip": lambda g: np.ascontiguousarray(g[:, ::-1]),
        "turn": lambda g: np.ascontiguousarray(np.rot90(g, -1)),
        "colour_map": lambda g: np.where(g == 0, 0, g % 9 + 1).astype(np.int8),
    }
    device = next(model.parameters()).device
    out = {}
    for name, rule in rules.items():
        rng = np.random.default_rng(seed)
        hits = total = 0
        for _ in range(n_tasks):
            pairs = []
            for _ in range(4):
                h, w = rng.integers(3, 9, 2)
                g = ((rng.random((h, w)) < 0.35) * rng.integers(1, 10, (h, w))).astype(np.int8)
                pairs.append(Pair(g, rule(g)))
            ids, _ = tokenize(tok, encode_example(pairs[:3], pairs[3].input, pairs[3].output))
            pos = None if gp is None else torch.tensor([gp.of(ids)], device=device)
            with torch.inference_mode():
                pred = model(torch.tensor([ids], device=device), position_ids=pos).logits[0]
            pred = pred.argmax(-1).tolist()
            h, w = pairs[3].output.shape
            for i in range(len(ids) - h * (w + 1) - 1, len(ids)):  # the answer's tokens
                if ids[i] in cells:
                    total += 1
                    hits += pred[i - 1] == ids[i]
        out[name] = round(hits / max(1, total), 3)
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="assets/default_model")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--dtype", default="auto", choices=["auto", "float32", "bfloat16"])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seq-len", type=int, default=1536)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--prompt-len", type=int, default=1000)
    ap.add_argument("--new-tokens", type=int, default=200)
    ap.add_argument(
        "--probe", action="store_true", help="only the copy probe (accuracy, not speed)"
    )
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model, tok, what = _model(a.model, a.device, a.dtype)
    if a.probe:
        res = {"model": what, "copy_probe": copy_probe(model, tok)}
        print(json.dumps(res))
        return res
    vocab = min(len(tok), 14)  # digits and specials: realistic ids for the default tokenizer
    res = {
        "model": what,
        "params_M": round(sum(p.numel() for p in model.parameters()) / 1e6, 2),
        "device": str(next(model.parameters()).device),
        "dtype": str(next(model.parameters()).dtype),
        "threads": a.threads,
        "seq_len": a.seq_len,
        "lora_train_tok_s": round(bench_train(model, a.seq_len, a.steps, vocab)),
        "prompt_len": a.prompt_len,
        "new_tokens": a.new_tokens,
        "generate_tok_s": round(bench_generate(model, a.prompt_len, a.new_tokens, vocab, 1)),
        "generate_tok_s_batch8": round(bench_generate(model, a.prompt_len, a.new_tokens, vocab, 8)),
    }
    print(json.dumps(res))
    return res


if __name__ == "__main__":
    main()
