#!/usr/bin/env bash
# Issue 15, session 12 (pinned in PIN: diagonal rays per direction, the deep level's prior, the
# ranked pass where palettes differ, recolour_by_property, lookup_constant):
#   1. the DSL alone at 30 s on all 400 ARC-AGI-1 evaluation tasks, on an idle machine;
#   2. the same command on the first 100 tasks beside a 1-thread pre-training (busy): its
#      submission against step 1's on those tasks (the work budget's reproducibility);
#   3. (`fast`) ARC-AGI-1 evaluation and the tuning set arc2_train_unseen at 5 s.
# Full run dirs go to runs/dslv10/ (git-ignored); what is committed here per run is its summary
# and one compact line per task (`arc-report --compact`). Resumable: re-run to finish a step.
exec "$(dirname "$0")/../dsl_steps.sh" runs/bench/dsl_objects runs/dslv10 "${1:-idle}"
