"""Every augmentation has an exact inverse."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dsl.types import Pair
from ttt.augment import Augmentation, inference_views, random_augmentation, random_colours

grids = st.tuples(st.integers(1, 8), st.integers(1, 8)).flatmap(
    lambda hw: arrays(np.int8, hw, elements=st.integers(0, 9))
)
perms = st.permutations(list(range(10))).map(tuple)


@settings(max_examples=80, deadline=None)
@given(grids, st.integers(0, 7), st.one_of(st.none(), perms))
def test_grid_inverse(g, sym, colours):
    aug = Augmentation(sym, colours)
    assert np.array_equal(aug.invert_grid(aug.apply_grid(g)), g)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(grids, grids), min_size=1, max_size=5), st.integers(0, 2**31))
def test_pairs_inverse(raw, seed):
    pairs = [Pair(a, b) for a, b in raw]
    aug = random_augmentation(np.random.default_rng(seed), len(pairs))
    back = aug.invert_pairs(aug.apply_pairs(pairs))
    assert all(
        np.array_equal(p.input, q.input) and np.array_equal(p.output, q.output)
        for p, q in zip(pairs, back)
    )


def test_keep_zero():
    rng = np.random.default_rng(0)
    for _ in range(20):
        c = random_colours(rng, keep_zero=True)
        assert c[0] == 0 and sorted(c) == list(range(10))


def test_inference_views_distinct_identity_first():
    views = inference_views(12, 3, np.random.default_rng(0))
    assert views[0] == Augmentation()
    assert len({v.key for v in views}) == 12
    assert {v.symmetry for v in views[:8]} == set(range(8))
    assert len(inference_views(20, 1, np.random.default_rng(0), colours=False)) == 8


def test_inference_views_keep_to_the_given_symmetries():
    views = inference_views(6, 3, np.random.default_rng(0), symmetries=[0])
    assert views[0] == Augmentation() and len({v.key for v in views}) == 6
    assert {v.symmetry for v in views} == {0}  # colour and order views only
    assert {
        v.symmetry for v in inference_views(4, 2, np.random.default_rng(0), symmetries=[2, 5])
    } == {2, 5}
    # the default stream is the one every earlier run used
    assert inference_views(9, 3, np.random.default_rng(1)) == inference_views(
        9, 3, np.random.default_rng(1), symmetries=range(8)
    )
    with pytest.raises(ValueError, match="non-empty"):
        inference_views(2, 2, np.random.default_rng(0), symmetries=[8])


def test_random_augmentation_keeps_to_the_given_symmetries():
    rng = np.random.default_rng(0)
    assert {random_augmentation(rng, 3, symmetries=[0]).symmetry for _ in range(20)} == {0}
    assert {random_augmentation(rng, 3, symmetries=[2, 5]).symmetry for _ in range(40)} == {2, 5}
