#!/usr/bin/env bash
# Issue 15, stage 4b (stage 4 plus the graph's local-rule repair, local rule kind mod3, selector
# most_marked): the same four figures as runs/bench/dsl_graph, with the code pinned in PIN.
HERE=runs/bench/dsl_rules RUNS=runs/dslv6 exec "$(dirname "$0")/../dsl_graph/run.sh"
