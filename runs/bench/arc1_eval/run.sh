#!/usr/bin/env bash
# Issue 5's figures on all 400 ARC-AGI-1 evaluation tasks at the default budget (30 s a task,
# 2 workers): one ensemble run that records everything the ablation needs (poe strategy, TTT
# never skipped: DSL alone, TTT alone, priority and poe replayed on the same candidates, oracle,
# the routing counterfactual), then the DSL alone with the whole budget. About 100 min each on
# the 2-core CPU. Resumable across sessions; the code is the commit in PIN (written on the
# first run: the HEAD then), checked out by runs/bench/pinned.sh.
set -euo pipefail
cd "$(dirname "$0")/../../.."
here=runs/bench/arc1_eval
[ -f $here/PIN ] || git rev-parse --short=12 HEAD > $here/PIN
pin=$(cat $here/PIN)
runs/bench/pinned.sh $pin experiment=arc1_eval ensemble=poe ensemble.route=always progress=false \
  hydra.run.dir=$here/ensemble_poe_always
runs/bench/pinned.sh $pin experiment=arc1_eval solver=dsl progress=false hydra.run.dir=$here/dsl
