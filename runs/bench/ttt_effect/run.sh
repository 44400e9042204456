#!/usr/bin/env bash
# Issue 4's figure: TTT versus no TTT (ttt.steps=0) on the 269 ARC-AGI-1 evaluation tasks whose
# whole serialization fits 2,048 tokens, 120 s a task, 2 workers. Resumable: re-run this script
# (in a later session too: the run dirs are committed) and each run skips its finished tasks.
# The runs use the code of one pinned commit, checked out beside the repo (runs/frozen/), so work
# on main does not leak into a run that spans sessions; every record's "code" digest confirms it.
set -euo pipefail
cd "$(dirname "$0")/../../.."
pin=644fbd8df61e
code=runs/frozen/$pin
[ -d "$code" ] || git worktree add --detach "$code" "$pin"
here=runs/bench/ttt_effect
solve() { PYTHONPATH="$code" .venv/bin/arc-solve experiment=ttt_effect progress=false "$@"; }
solve ttt.steps=0 hydra.run.dir=$here/steps0
solve hydra.run.dir=$here/ttt
.venv/bin/arc-report --compare $here/steps0 $here/ttt -o $here/compare.html
