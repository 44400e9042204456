#!/usr/bin/env bash
# Issue 15, session 12 (pinned in PIN: diagonal rays per direction, the deep level's prior, the
# ranked pass where palettes differ, recolour_by_property, lookup_constant):
#   1. the DSL alone at 30 s on all 400 ARC-AGI-1 evaluation tasks, on an idle machine;
#   2. the same command on the first 100 tasks beside a 1-thread pre-training (busy): its
#      submission against step 1's on those tasks (the work budget's reproducibility);
#   3. (`fast`) ARC-AGI-1 evaluation and the tuning set arc2_train_unseen at 5 s.
# Full run dirs go to runs/dslv10/ (git-ignored); what is committed here per run is its summary
# and one compact line per task (`arc-report --compact`). Resumable: re-run to finish a step.
set -euo pipefail
cd "$(dirname "$0")/../../.."
here=runs/bench/dsl_objects
runs=runs/dslv10
step() { runs/bench/step.sh "$here" "$runs" "$@"; }
case "${1:-idle}" in
  idle) step arc1_eval_dsl30 data=arc1_eval budget.task_s=30 ;;
  busy) step arc1_eval_dsl30_busy100 data=arc1_eval data.limit=100 budget.task_s=30 ;;
  fast)
    step arc1_eval_dsl5 data=arc1_eval budget.task_s=5
    step arc2_train_unseen_dsl5 data=arc2_train_unseen budget.task_s=5
    ;;
esac
