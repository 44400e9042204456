#!/usr/bin/env bash
# Issue 15, stage 3 (pieces laid top down: paint, blank or all cells of each piece, a greedy Numba
# kernel on bitsets): the same four figures as runs/bench/dsl_graph, with the code pinned in PIN.
HERE=runs/bench/dsl_pieces RUNS=runs/dslv4 exec "$(dirname "$0")/../dsl_graph/run.sh"
