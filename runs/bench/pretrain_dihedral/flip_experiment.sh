#!/usr/bin/env bash
# Can a small model learn to flip a grid? Grid positions against dihedral positions (ttt.positions),
# the same 0.92M-parameter Llama (hidden 128, 4 layers, 4 heads of 64), the same data: the flip_lr
# concept family only. Phase 1: a 1.3M-token cosine (159 steps); phase 2: a new 3M-token cosine from
# phase 1's weights (seed 1), stopped at step 188 (2026-12-07 run: SIGTERM at steps 189 / 187).
# Each run takes one thread; both run side by side (about 20 minutes on the 2-core machine).
# Then: python -m ttt.bench --probe --model runs/exp/g_SCHEME/model --threads 1
set -euo pipefail
cd "$(dirname "$0")/../../.."
common=('data.mix.families=[flip_lr]' data.mix.generators=1 data.mix.real=0 data.mix.synth=0
  arch.hidden_size=128 arch.num_hidden_layers=4 arch.num_attention_heads=4
  arch.num_key_value_heads=4 arch.intermediate_size=256 arch.head_dim=64 out.resume=false
  train.threads=1)
for s in grid dihedral; do
  (
    .venv/bin/arc-pretrain "${common[@]}" arch.positions=$s schedule.total_tokens=1300000 \
      schedule.warmup_steps=20 out.run_dir=runs/exp/f_$s out.weights_dir=runs/exp/f_$s/model
    .venv/bin/arc-pretrain "${common[@]}" arch.positions=$s schedule.total_tokens=3000000 \
      schedule.warmup_steps=10 stop.steps=188 train.seed=1 out.init_from=runs/exp/f_$s/model \
      out.run_dir=runs/exp/g_$s out.weights_dir=runs/exp/g_$s/model
  ) > runs/exp/flip_$s.log 2>&1 &
done
wait
