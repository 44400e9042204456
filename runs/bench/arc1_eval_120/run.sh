#!/usr/bin/env bash
# Issue 5 at a budget where test-time training has time to work: 120 s a task (2 workers). The
# code is the commit in PIN; after the 30 s runs of runs/bench/arc1_eval (5d87ff2) it adds: the
# DSL takes the whole budget where TTT declines a task, TTT's inference estimate for hinted
# shapes and for PoE reranks, ttt=cpu's train_fraction 0.95, `split` as the default strategy, PoE
# scores per token. Both rows run it:
#   1. the DSL alone with the whole 120 s (about 45 min: the search exhausts its space early,
#      within 15.7 s on 90% of evaluation tasks at 30 s);
#   2. the ensemble, dsl_share 0.25 (30 s, so the DSL loses almost nothing to the share), TTT
#      never skipped, so the ablation replays every strategy, each solver alone and the routing
#      counterfactual. About 351 x 120 s / 2 = 5.9 h (the 49 tasks TTT declines, too long for
#      the model's context, take only the DSL's time).
# Resumable across sessions: rerun this script.
set -euo pipefail
cd "$(dirname "$0")/../../.."
here=runs/bench/arc1_eval_120
pin=$(cat $here/PIN)
run() { runs/bench/pinned.sh "$pin" experiment=arc1_eval progress=false budget.task_s=120 "$@"; }
run solver=dsl hydra.run.dir=$here/dsl
run ensemble.route=always ensemble.dsl_share=0.25 hydra.run.dir=$here/ensemble_always
