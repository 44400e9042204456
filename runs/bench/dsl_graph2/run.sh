#!/usr/bin/env bash
# Issue 15, stage 2 (object selection chains, work weighed by calibrated function time, graph
# share 0.8): the same four figures as runs/bench/dsl_graph, with the code pinned in PIN.
HERE=runs/bench/dsl_graph2 RUNS=runs/dslv3 exec "$(dirname "$0")/../dsl_graph/run.sh"
