#!/usr/bin/env bash
# Issue 15, session 14 (pinned in PIN: loose pixels and anchors, blank_cells_to_pixels,
# complete_templates_scaled, continue_to; template completion tested in batches):
#   1. the DSL alone at 30 s on all 400 ARC-AGI-1 evaluation tasks, on an idle machine;
#   2. (`arc2`) ARC-AGI-2 evaluation at 30 s;
#   3. (`fast`) ARC-AGI-1 evaluation and the tuning set arc2_train_unseen at 5 s.
# Full run dirs go to runs/dslv12/ (git-ignored); what is committed here per run is its summary
# and one compact line per task (`arc-report --compact`). Resumable: re-run to finish a step.
exec "$(dirname "$0")/../dsl_steps.sh" runs/bench/dsl_v12 runs/dslv12 "${1:-idle}"
