#!/usr/bin/env bash
# Issue 15, session 11 (session 10's DSL plus the ranked-colour pass, search.rank_share 0.3): the
# same four figures as runs/bench/dsl_graph, with the code pinned in PIN.
HERE=runs/bench/dsl_rank RUNS=runs/dslv9 exec "$(dirname "$0")/../dsl_graph/run.sh"
