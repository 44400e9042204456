#!/usr/bin/env bash
# The dihedral-position pre-training run (issue 16), started 2026-12-07 from the grid run's
# step-1418 weights (runs/bench/pretrain/model: 12.43M tokens; the same tensor shapes, its 8 heads
# of 32 read as 4 of 64). conf/pretrain.yaml's defaults are this run's: 4 heads of 64, dihedral
# positions, a 64M-token cosine horizon, out.run_dir=runs/pretrain_dihedral (git-ignored exact
# checkpoint) and out.weights_dir=runs/bench/pretrain_dihedral/model (committed bf16 weights).
# Every later sitting resumes with the same command (the resume ignores init_from); pass
# train.threads=2 when nothing else runs. SIGTERM writes a checkpoint and exits.
set -euo pipefail
cd "$(dirname "$0")/../../.."
exec .venv/bin/arc-pretrain out.init_from=runs/bench/pretrain/model "$@"
