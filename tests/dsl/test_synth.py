import numpy as np

from dsl.program import parse
from dsl.synth import generate_task, iter_tasks, random_grid
from dsl.types import is_grid


def test_generated_tasks_are_verified():
    rng = np.random.default_rng(0)
    for _ in range(8):
        task = generate_task(rng, n_train=3, n_test=1)
        prog = parse(task.program)
        pairs = [*task.train, *zip(task.test_inputs, task.test_outputs)]
        changed = 0
        for p in pairs:
            i, o = (p.input, p.output) if hasattr(p, "input") else p
            assert is_grid(i) and is_grid(o)
            assert np.array_equal(prog.run(i), o)
            changed += not (i.shape == o.shape and np.array_equal(i, o))
        assert changed * 2 >= len(pairs)
        keys = {(p.input.shape, p.input.tobytes()) for p in task.train}
        assert len(keys) == len(task.train)


def test_deterministic_and_distinct():
    a = [t.id for _, t in zip(range(5), iter_tasks(np.random.default_rng(7)))]
    b = [t.id for _, t in zip(range(5), iter_tasks(np.random.default_rng(7)))]
    assert a == b and len(set(a)) == 5


def test_random_grid_valid():
    rng = np.random.default_rng(1)
    assert all(is_grid(random_grid(rng)) for _ in range(20))
