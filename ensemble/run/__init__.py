"""The run loop, split by job: `loop` (run, resume, finalize), `worker` (one task under its
limits), `isolation` (a killable child process), `engines` (local, Dask, Ray), `records`
(results.jsonl), `summary` (summary.json), `provenance` (code digest, fingerprint), `status`.

Solvers are reached only through the `dsl.types.Solver` protocol, built from their config by
Hydra's `instantiate`; nothing here imports a solver module.
"""
