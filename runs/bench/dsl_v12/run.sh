#!/usr/bin/env bash
# Issue 15, session 14 (pinned in PIN: loose pixels and anchors, blank_cells_to_pixels,
# complete_templates_scaled, continue_to; template completion tested in batches):
#   1. the DSL alone at 30 s on all 400 ARC-AGI-1 evaluation tasks, on an idle machine;
#   2. (`arc2`) ARC-AGI-2 evaluation at 30 s;
#   3. (`fast`) ARC-AGI-1 evaluation and the tuning set arc2_train_unseen at 5 s.
# Full run dirs go to runs/dslv12/ (git-ignored); what is committed here per run is its summary
# and one compact line per task (`arc-report --compact`). Resumable: re-run to finish a step.
set -euo pipefail
cd "$(dirname "$0")/../../.."
here=runs/bench/dsl_v12
runs=runs/dslv12
step() { runs/bench/step.sh "$here" "$runs" "$@"; }
case "${1:-idle}" in
  idle) step arc1_eval_dsl30 data=arc1_eval budget.task_s=30 ;;
  arc2) step arc2_eval_dsl30 data=arc2_eval budget.task_s=30 ;;
  fast)
    step arc1_eval_dsl5 data=arc1_eval budget.task_s=5
    step arc2_train_unseen_dsl5 data=arc2_train_unseen budget.task_s=5
    ;;
esac
