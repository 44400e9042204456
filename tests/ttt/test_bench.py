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


def test_copy_probe_runs_on_every_position_scheme(
    tiny_model_dir, tiny_grid_model_dir, tiny_dihedral_model_dir
):
    for d in (tiny_model_dir, tiny_grid_model_dir, tiny_dihedral_model_dir):
        res = main(["--model", str(d), "--device", "cpu", "--probe"])
        assert set(res["copy_probe"]) == {"identity", "flip", "turn", "colour_map"}
        assert all(0.0 <= v <= 1.0 for v in res["copy_probe"].values())
