#!/usr/bin/env bash
# Issues 15 and 16: the ensemble with search v2 (stage 4c) on all 400 ARC-AGI-1 evaluation tasks at
# the default budget (30 s a task, 2 workers). One run with `ensemble=poe ensemble.route=always`
# gives every figure the issues ask for from the same candidates: PoE itself, and replayed on its
# candidates the default `split` order, `dsl_first`, `priority`, the DSL alone and TTT alone, plus
# the routing table (the score adaptive routing, the default, would lose by skipping TTT).
# dsl/ at PIN behaves as at 8c85449 (the stage 4c DSL-alone run of runs/bench/dsl_kinds).
# Resumable across sessions; the code is the commit in PIN (runs/bench/pinned.sh).
set -euo pipefail
cd "$(dirname "$0")/../../.."
here=runs/bench/ensemble_v2
pin=$(cat $here/PIN)
runs/bench/pinned.sh "$pin" experiment=arc1_eval progress=false ensemble=poe ensemble.route=always \
  hydra.run.dir=$here/ensemble_poe_always
