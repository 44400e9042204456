#!/usr/bin/env bash
# The standard benchmark steps of one pinned DSL version (each bench dir's run.sh names its dirs):
#   idle: the DSL alone at 30 s on all 400 ARC-AGI-1 evaluation tasks, on an idle machine;
#   busy: the same command on the first 100 tasks beside a 1-thread pre-training: its submission
#         against idle's on those tasks (the work budget's reproducibility);
#   arc2: ARC-AGI-2 evaluation at 30 s;
#   fast: ARC-AGI-1 evaluation and the tuning set arc2_train_unseen at 5 s.
# Full run dirs go to RUNS (git-ignored); what is committed in HERE per run is its summary and one
# compact line per task (`arc-report --compact`). Resumable: re-run to finish a step.
#   usage: runs/bench/dsl_steps.sh HERE RUNS [idle|busy|arc2|fast]
set -euo pipefail
cd "$(dirname "$0")/../.."
here=$1 runs=$2
step() { runs/bench/step.sh "$here" "$runs" "$@"; }
case "${3:-idle}" in
  idle) step arc1_eval_dsl30 data=arc1_eval budget.task_s=30 ;;
  busy) step arc1_eval_dsl30_busy100 data=arc1_eval data.limit=100 budget.task_s=30 ;;
  arc2) step arc2_eval_dsl30 data=arc2_eval budget.task_s=30 ;;
  fast)
    step arc1_eval_dsl5 data=arc1_eval budget.task_s=5
    step arc2_train_unseen_dsl5 data=arc2_train_unseen budget.task_s=5
    ;;
  *) echo "unknown step: $3" >&2; exit 2 ;;
esac
