#!/usr/bin/env bash
# Issue 15, session 13 (pinned in PIN: the object rule's checks made cheap, count chains,
# symmetrise_*_about, complete_templates(_turned), zigzag, bounce_diagonals, cells_broadcast,
# recolour_by_property with a default colour):
#   1. the DSL alone at 30 s on all 400 ARC-AGI-1 evaluation tasks, on an idle machine;
#   2. (`arc2`) ARC-AGI-2 evaluation at 30 s;
#   3. (`fast`) ARC-AGI-1 evaluation and the tuning set arc2_train_unseen at 5 s.
# Full run dirs go to runs/dslv11/ (git-ignored); what is committed here per run is its summary
# and one compact line per task (`arc-report --compact`). Resumable: re-run to finish a step.
exec "$(dirname "$0")/../dsl_steps.sh" runs/bench/dsl_v11 runs/dslv11 "${1:-idle}"
