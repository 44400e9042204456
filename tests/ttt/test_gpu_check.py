"""The prepared GPU check's parts run (tiny, on the CPU) and it reports a missing GPU."""

from __future__ import annotations

import json

import torch

from ttt.gpu_check import main, pretrain_throughput


def test_pretrain_throughput_smoke_on_cpu():
    torch.set_num_threads(1)
    tiny = (
        "seq_len=256",
        "arch.hidden_size=32",
        "arch.num_hidden_layers=1",
        "arch.intermediate_size=64",
        "arch.num_attention_heads=2",
        "arch.num_key_value_heads=2",
        "train.tokens_per_step=512",
        "train.rows_per_forward=2",
        "data.mix.families=[flip_lr,rot90]",
        "data.mix.synth=0",
    )
    got = pretrain_throughput(steps=1, warmup=0, overrides=tiny, device="cpu")
    assert got["tokens_per_s"] > 0 and got["rows_per_step"] >= 1


def test_without_cuda_every_part_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    report = main(["--out", str(tmp_path), "--minutes", "0.1"])
    saved = json.loads((tmp_path / "gpu_check.json").read_text())
    assert saved["cuda"] is False and saved["pretrain"] == {"error": "no CUDA device"}
    assert report == saved
