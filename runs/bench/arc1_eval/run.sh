#!/usr/bin/env bash
# Issue 5's figures on all 400 ARC-AGI-1 evaluation tasks at the default budget (30 s a task,
# 2 workers), in order of what they settle:
#   1. the default ensemble (dsl_first) with TTT never skipped: the ablation replays priority,
#      dsl_first and split on its candidates, each solver alone, the oracle, and the routing
#      counterfactual (what adaptive routing would save and lose);
#   2. the DSL alone with the whole budget (the single solver to beat);
#   3. the poe ensemble (PoE can only be replayed from a run that computed PoE scores);
#   4. TTT alone with the whole budget.
# About 100 min each on the 2-core CPU. Resumable across sessions; the code is the commit in PIN
# (written on the first run: the HEAD then), checked out by runs/bench/pinned.sh.
set -euo pipefail
cd "$(dirname "$0")/../../.."
here=runs/bench/arc1_eval
[ -f $here/PIN ] || git rev-parse --short=12 HEAD > $here/PIN
pin=$(cat $here/PIN)
run() { runs/bench/pinned.sh "$pin" experiment=arc1_eval progress=false "$@"; }
run ensemble.route=always hydra.run.dir=$here/ensemble_always
run solver=dsl hydra.run.dir=$here/dsl
run ensemble=poe ensemble.route=always hydra.run.dir=$here/ensemble_poe_always
run solver=ttt hydra.run.dir=$here/ttt
