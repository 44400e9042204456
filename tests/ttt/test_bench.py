"""The throughput CLI runs end to end on a tiny model."""

from __future__ import annotations

from ttt.bench import main


def test_bench_cli(tiny_model_dir, capsys):
    res = main(
        [
            "--model", str(tiny_model_dir),
            "--device", "cpu",
            "--seq-len", "64",
            "--steps", "1",
            "--prompt-len", "32",
            "--new-tokens", "4",
        ]
    )  # fmt: skip
    assert res["lora_train_tok_s"] > 0 and res["generate_tok_s"] > 0
    assert '"lora_train_tok_s"' in capsys.readouterr().out
