#!/usr/bin/env bash
# Issue 16's figure: the dihedral pre-training run's step-4133 weights under today's TTT default
# (ttt=cpu: the task as given, 31 colour copies, 8 colour views), with and without TTT
# (ttt.steps=0), on the 269 ARC-AGI-1 evaluation tasks whose serialization fits 2,048 tokens,
# 120 s a task, 2 workers. Code and weights are those of one pinned commit (the frozen worktree's
# copy of runs/bench/pretrain_dihedral/model), so pre-training may go on committing new weights.
# Resumable: re-run it (in a later session too: unfinished results are committed gzipped) and
# each run skips its finished tasks.
set -euo pipefail
cd "$(dirname "$0")/../../.."
pin=1292bfa09330
here=runs/bench/ttt_effect_dihedral
model=$PWD/runs/frozen/$pin/runs/bench/pretrain_dihedral/model
runs/bench/pinned.sh $pin experiment=ttt_effect progress=false model.path=$model ttt.steps=0 hydra.run.dir=$here/steps0
runs/bench/pinned.sh $pin experiment=ttt_effect progress=false model.path=$model hydra.run.dir=$here/ttt
.venv/bin/arc-report --compare $here/steps0 $here/ttt -o $here/compare.html
