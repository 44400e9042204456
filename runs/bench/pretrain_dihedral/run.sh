#!/usr/bin/env bash
# The dihedral-position pre-training run (issue 16), started 2026-12-07 from the grid run's
# step-1418 weights (runs/bench/pretrain/model: 12.43M tokens; the same tensor shapes, its 8 heads
# of 32 read as 4 of 64). conf/pretrain.yaml's defaults are this run's: 4 heads of 64, dihedral
# positions, a 64M-token cosine horizon, out.run_dir=runs/pretrain_dihedral (git-ignored exact
# checkpoint) and out.weights_dir=runs/bench/pretrain_dihedral/model (committed bf16 weights).
# Every later sitting resumes with the same command (the resume ignores init_from); pass
# train.threads=2 when nothing else runs. SIGTERM writes a checkpoint and exits.
#
# Phases (each recorded in pretrain_info.json's "mixes" from its first step):
#   steps 0-1420: conf/pretrain.yaml's mix (generators 0.5, real 0.33, synth 0.17, uniform families);
#   from step 1420 (2026-12-07): basic transforms, geometry and colour families drawn 4x as often
#   and generators 0.6 / real 0.3 / synth 0.1 (the 7 flips and rotations: 3.0% -> 8.7% of the sequences).
#   from step 2127 (2026-12-07): colour maps had come (teacher-forced 0.083 -> 0.375) but flips had
#   not (0.02), so the 7 flips and rotations weigh 16 (24% of the sequences), the rest as before.
#   steps 3060-3310 (2026-12-07, session 17; resumed from the committed step-3060 weights, the
#   exact checkpoint was gone): the 7 flips and rotations alone (data.mix.generators=1 real=0
#   synth=0 families=[the 7]): teacher-forced flip 0.01 -> 0.125, but identity 0.97 -> 0.06.
#   from step 3310: back to the mix with the 7 at weight 48 (about 40% of the sequences); at 4133
#   (committed): identity 0.93, flip 0.07, colour map 0.49 teacher-forced; held-out flips 0 without
#   TTT, 7 of 14 with the identity-only TTT (conf/ttt/cpu.yaml since 2026-12-07).
# Later overrides win, so a new phase is a new PHASE line (or overrides after it on the command line).
set -euo pipefail
cd "$(dirname "$0")/../../.."
FLIPS="flip_lr:48,flip_ud:48,rot90:48,rot180:48,rot270:48,transpose:48,antitranspose:48"
PHASE=(data.mix.generators=0.6 data.mix.real=0.3 data.mix.synth=0.1 "data.mix.weights={geometry:4,colour:4,$FLIPS}")
exec .venv/bin/arc-pretrain out.init_from=runs/bench/pretrain/model "${PHASE[@]}" "$@"
