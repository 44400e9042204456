#!/usr/bin/env bash
# Issue 15, stage 4 (work budgets that follow the wall clock: applications weighed by image size,
# enumeration scaled by grid size, slack for a busy machine): the same four figures as
# runs/bench/dsl_graph, with the code pinned in PIN.
HERE=runs/bench/dsl_work RUNS=runs/dslv5 exec "$(dirname "$0")/../dsl_graph/run.sh"
