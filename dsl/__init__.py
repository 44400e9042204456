"""ARC grid DSL: shared types, Numba kernels, primitives, programs, program search."""
