#!/usr/bin/env bash
# Issue 5's figures on all 400 ARC-AGI-1 evaluation tasks at the default budget (30 s a task,
# 2 workers), in order of what they settle:
#   1. the default ensemble (dsl_first then) with TTT never skipped: the ablation replays priority,
#      dsl_first and split on its candidates, each solver alone, the oracle, and the routing
#      counterfactual (what adaptive routing would save and lose);
#   2. the DSL alone with the whole budget (the single solver to beat);
#   3. TTT alone with the whole budget;
#   4. the poe ensemble (PoE can only be replayed from a run that computed PoE scores).
# About 90 min each on the 2-core CPU (the DSL alone: 33 min). Resumable across sessions; the code is the commit in PIN
# (written on the first run: the HEAD then), checked out by runs/bench/pinned.sh.
set -euo pipefail
cd "$(dirname "$0")/../../.."
here=runs/bench/arc1_eval
[ -f $here/PIN ] || git rev-parse --short=12 HEAD > $here/PIN
pin=$(cat $here/PIN)
run() { runs/bench/pinned.sh "$pin" experiment=arc1_eval progress=false "$@"; }
run ensemble.route=always hydra.run.dir=$here/ensemble_always
run solver=dsl hydra.run.dir=$here/dsl
run solver=ttt hydra.run.dir=$here/ttt
# poe with the code in PIN_POE: its PoE scores are per-token means. At PIN they were sums over
# views and cells that swamped the program bonus (ensemble_poe_summed: stopped at 118 tasks,
# 0.092 against the same candidates' DSL alone 0.180). PIN_POE also has the other changes listed
# in runs/bench/arc1_eval_120/run.sh (the DSL takes the whole budget where TTT declines a task;
# TTT's time plan).
pin=$(cat $here/PIN_POE)
run ensemble=poe ensemble.route=always hydra.run.dir=$here/ensemble_poe_always
