"""The prepared GPU check (run by ttt/gpu_check.sh on a lent GPU machine; no network needed).

    python -m ttt.gpu_check --out DIR [--minutes 3]

1. Pre-training throughput on CUDA: the conf/pretrain_gpu.yaml model and packed rows, timed
   over a few optimizer steps after a warm-up (torch.cuda.synchronize() before every clock read).
2. TTT throughput: LoRA steps on the shipped model with one ARC-AGI-1 training task's
   leave-one-out examples, and one full TTTSolver.solve of that task.
3. Pre-training for `--minutes` with conf/pretrain_gpu.yaml (its horizon), weights (bf16, the
   committable weights dir) and loss.jsonl under DIR/pretrain/.

Everything measured goes to DIR/gpu_check.json; each part that fails is recorded there and the
rest still runs.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
import traceback
from pathlib import Path

import numpy as np
import torch

log = logging.getLogger(__name__)


def _sync() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def _pretrain_cfg(overrides: list[str]) -> dict:
    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf

    import conf

    with initialize_config_dir(str(Path(conf.__file__).resolve().parent), version_base="1.3"):
        return OmegaConf.to_container(compose("pretrain_gpu", overrides=overrides), resolve=True)


def pretrain_throughput(
    steps: int = 5, warmup: int = 2, overrides: tuple[str, ...] = (), device: str = "cuda"
) -> dict:
    """Tokens per second of packed pre-training steps (forward, backward, AdamW) on CUDA
    (`overrides`, `device`: for a smoke test of this function on a CPU)."""
    from ttt.format import DEFAULT_FORMAT
    from ttt.model import build_default_tokenizer, new_model
    from ttt.pack import Stream, row_batch
    from ttt.positions import positions_for
    from ttt.pretrain_data import build_mix

    c = _pretrain_cfg(list(overrides))
    tc, dc = c["train"], c["data"]
    dev = torch.device(device)
    tok = build_default_tokenizer()
    model = new_model(len(tok), tok, **c["arch"]).to(dev).train()
    gp = positions_for(model, tok)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    stream = Stream(
        build_mix(list(dc["sets"]), dc["mix"]),
        tok,
        DEFAULT_FORMAT,
        int(c["seq_len"]),
        float(dc["keep_zero_prob"]),
        int(dc["max_demos"]),
    )
    rng = np.random.default_rng(0)
    steps_rows = [stream.rows(rng, int(tc["tokens_per_step"]), True) for _ in range(warmup + steps)]
    per = int(tc["rows_per_forward"])
    attn = model.config._attn_implementation
    tokens, seconds = 0, 0.0
    for k, rows in enumerate(steps_rows):
        _sync()
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        for i in range(0, len(rows), per):
            b = row_batch(rows[i : i + per], tok.pad_token_id, 64, gp, dev, attn)
            with torch.autocast(dev.type, dtype=torch.bfloat16):
                logits = model(
                    input_ids=b["input_ids"],
                    position_ids=b["position_ids"],
                    attention_mask=b["attention_mask"],
                    use_cache=False,
                ).logits[:, :-1]
            ce = torch.nn.functional.cross_entropy(
                logits.float().transpose(1, 2), b["input_ids"][:, 1:], reduction="none"
            )
            ((ce * b["is_out"]).sum() / b["is_out"].sum().clamp(min=1)).backward()
        opt.step()
        _sync()
        if k >= warmup:
            seconds += time.perf_counter() - t0
            tokens += sum(len(s) for row in rows for s in row)
    return {
        "tokens_per_s": round(tokens / seconds),
        "steps": steps,
        "tokens_per_step": tokens // steps,
        "rows_per_step": len(steps_rows[-1]),
        "peak_memory_gb": round(torch.cuda.max_memory_allocated() / 2**30, 2)
        if dev.type == "cuda"
        else None,
    }


def ttt_throughput(steps: int = 20, budget_s: float = 60.0) -> dict:
    """LoRA steps per second and tokens per second on the shipped model, one ARC-AGI-1 training
    task; then one full solve of it within `budget_s`."""
    from dsl.types import Budget
    from ttt.data import DataConfig, build_examples
    from ttt.model import load_model
    from ttt.pretrain_data import load_real_tasks
    from ttt.solver import TTTSolver
    from ttt.train import TrainConfig, attach_adapter, detach_adapter, train_adapter

    task = sorted(load_real_tasks(["arc1_train"])[0], key=lambda t: t.id)[0]
    model, tok, ctx = load_model({"device": "cuda"})
    examples, _ = build_examples(task, tok, DataConfig(max_examples=64), np.random.default_rng(0))
    peft = attach_adapter(model, TrainConfig().lora)
    try:
        _sync()
        t0 = time.perf_counter()
        stats = train_adapter(
            peft,
            examples,
            TrainConfig(steps=steps),
            600.0,
            np.random.default_rng(0),
            tok.pad_token_id,
        )
        _sync()
        seconds = time.perf_counter() - t0
    finally:
        detach_adapter(peft)
    solver = TTTSolver(model={"device": "cuda"}, ttt=_ttt_cfg(), name="ttt")
    solver.warmup()
    _sync()
    t1 = time.perf_counter()
    result = solver.solve(task, Budget(budget_s))
    _sync()
    hit = any(np.array_equal(c.grid, task.test_outputs[0]) for c in result.candidates[0][:2])
    return {
        "task": task.id,
        "lora_steps_per_s": round(stats["steps"] / seconds, 2),
        "lora_tokens_per_s": round(stats["tokens"] / seconds),
        "solve_seconds": round(time.perf_counter() - t1, 2),
        "solve_train": result.detail.get("train"),
        "solved": bool(hit),
    }


def _ttt_cfg() -> dict:
    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf

    import conf

    with initialize_config_dir(str(Path(conf.__file__).resolve().parent), version_base="1.3"):
        return OmegaConf.to_container(compose("config").ttt, resolve=True)


def pretrain_minutes(out: Path, minutes: float) -> dict:
    """Pre-train with conf/pretrain_gpu.yaml for `minutes`; weights and log under out/."""
    from ttt.pretrain import main

    c = _pretrain_cfg(
        [
            f"stop.minutes={minutes}",
            f"out.run_dir={out / 'run'}",
            f"out.weights_dir={out / 'weights'}",
            "out.checkpoint_minutes=2",
        ]
    )
    state = main(c)
    (out / "loss.jsonl").write_text((out / "run" / "loss.jsonl").read_text())
    return {k: state.get(k) for k in ("step", "tokens", "train_seconds", "total_steps", "finished")}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="runs/gpu_check")
    ap.add_argument("--minutes", type=float, default=3.0, help="pre-training minutes")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    report: dict = {
        "torch": torch.__version__,
        "cuda": torch.cuda.is_available(),
        "device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }
    parts = [
        ("pretrain_throughput", pretrain_throughput),
        ("ttt_throughput", ttt_throughput),
        ("pretrain", lambda: pretrain_minutes(out / "pretrain", args.minutes)),
    ]
    for name, fn in parts:
        if not report["cuda"]:
            report[name] = {"error": "no CUDA device"}
            continue
        t0 = time.monotonic()
        try:
            report[name] = fn()
        except Exception as e:  # one failing part must not lose the others' figures
            report[name] = {"error": repr(e), "trace": traceback.format_exc()[-2000:]}
        report[name]["wall_s"] = round(time.monotonic() - t0, 1)
        (out / "gpu_check.json").write_text(json.dumps(report, indent=1))
        log.info("%s: %s", name, json.dumps(report[name])[:400])
    (out / "gpu_check.json").write_text(json.dumps(report, indent=1))
    return report


if __name__ == "__main__":
    main()
