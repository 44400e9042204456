#!/usr/bin/env bash
# Issue 15, stage 4c (stage 4b plus: periodic completion over sheared lattices, local rule kinds
# n4s / n8s / n4z / n8z, region recolouring with ties): the same four figures as
# runs/bench/dsl_graph, with the code pinned in PIN.
HERE=runs/bench/dsl_kinds RUNS=runs/dslv7 exec "$(dirname "$0")/../dsl_graph/run.sh"
