#!/usr/bin/env bash
# Issue 15's figures for the DSL with the image graph, pieces and size-first stages (pinned in PIN):
#   1. the DSL alone at 30 s on all 400 ARC-AGI-1 evaluation tasks (about 50 min);
#   2. the same at 5 s (about 10 min);
#   3. the tuning set arc2_train_unseen (233 tasks) at 5 s;
#   4. ARC-AGI-2 evaluation (120 tasks) at 30 s.
# Full run dirs go to runs/dslv2/ (git-ignored); what is committed here per run is its summary and
# one compact line per task (`arc-report --compact`). Resumable: re-run to finish a step.
# A later stage of the same work reuses this script from its own folder (with its own PIN):
#   HERE=runs/bench/dsl_graph2 RUNS=runs/dslv3 runs/bench/dsl_graph/run.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
here=${HERE:-runs/bench/dsl_graph}
runs=${RUNS:-runs/dslv2}
step() { runs/bench/step.sh "$here" "$runs" "$@"; }
step arc1_eval_dsl30 data=arc1_eval budget.task_s=30
step arc1_eval_dsl5 data=arc1_eval budget.task_s=5
step arc2_train_unseen_dsl5 data=arc2_train_unseen budget.task_s=5
step arc2_eval_dsl30 data=arc2_eval budget.task_s=30
