#!/usr/bin/env bash
# Issue 4's figure: TTT versus no TTT (ttt.steps=0) on the 269 ARC-AGI-1 evaluation tasks whose
# whole serialization fits 2,048 tokens, 120 s a task, 2 workers. Resumable: re-run this script
# (in a later session too: the run dirs are committed) and each run skips its finished tasks;
# summary.json's "code" counts the tasks each code version ran.
set -euo pipefail
cd "$(dirname "$0")/../../.."
here=runs/bench/ttt_effect
.venv/bin/arc-solve experiment=ttt_effect ttt.steps=0 hydra.run.dir=$here/steps0 progress=false
.venv/bin/arc-solve experiment=ttt_effect hydra.run.dir=$here/ttt progress=false
.venv/bin/arc-report --compare $here/steps0 $here/ttt -o $here/compare.html
