#!/usr/bin/env bash
# Issue 15, session 10 (stage 4c plus: Numba kernels for hot graph functions, absent-colour
# skips, a learned stamp, op_us recalibrated idle with graph_work_per_s 0.40): the same four
# figures as runs/bench/dsl_graph, with the code pinned in PIN. Step 1 ran on 2026-12-07.
HERE=runs/bench/dsl_speed RUNS=runs/dslv8 exec "$(dirname "$0")/../dsl_graph/run.sh"
