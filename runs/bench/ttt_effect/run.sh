#!/usr/bin/env bash
# Issue 4's figure: TTT versus no TTT (ttt.steps=0) on the 269 ARC-AGI-1 evaluation tasks whose
# whole serialization fits 2,048 tokens, 120 s a task, 2 workers, with the code of one pinned
# commit. Resumable: re-run it (in a later session too: the run dirs are committed) and each run
# skips its finished tasks.
set -euo pipefail
cd "$(dirname "$0")/../../.."
pin=644fbd8df61e
here=runs/bench/ttt_effect
runs/bench/pinned.sh $pin experiment=ttt_effect progress=false ttt.steps=0 hydra.run.dir=$here/steps0
runs/bench/pinned.sh $pin experiment=ttt_effect progress=false hydra.run.dir=$here/ttt
.venv/bin/arc-report --compare $here/steps0 $here/ttt -o $here/compare.html
