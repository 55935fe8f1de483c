"""Memory planning strategies on hand-made usage records with known optimal answers, and validity (no two
tensors alive together share bytes or an object) on random records."""
from dataclasses import dataclass

import numpy as np
import pytest

from tensorweb.errors import InvalidArgumentError
from tensorweb.runtime.planning import (OFFSET_STRATEGIES, SHARED_OBJECT_STRATEGIES, lower_bounds, plan_offsets,
                                        plan_shared_objects)


@dataclass(frozen=True)
class R:
    size: int
    first_op: int
    last_op: int


def overlap(a: R, b: R) -> bool:
    return a.first_op <= b.last_op and b.first_op <= a.last_op


def assert_valid_offsets(records, plan, alignment):
    for i, a in enumerate(records):
        assert plan.offsets[i] % alignment == 0
        assert plan.offsets[i] + a.size <= plan.total_bytes
        for j in range(i):
            b = records[j]
            if overlap(a, b):
                lo_a, lo_b = plan.offsets[i], plan.offsets[j]
                assert lo_a + a.size <= lo_b or lo_b + b.size <= lo_a, f"tensors {i} and {j} share bytes"


def assert_valid_objects(records, plan):
    assert len(plan.object_ids) == len(records)
    for i, a in enumerate(records):
        obj = plan.object_ids[i]
        assert plan.object_sizes[obj] >= a.size
        for j in range(i):
            if plan.object_ids[j] == obj:
                assert not overlap(a, records[j]), f"tensors {i} and {j} share object {obj} while both alive"
    assert plan.total_bytes == sum(plan.object_sizes)


# A chain: tensor k is produced at step k and consumed at step k+1 (each overlaps only its neighbours).
CHAIN = [R(s, k, k + 1) for k, s in enumerate([32, 28, 36, 16, 8, 64, 10, 40])]


def test_lower_bounds_by_hand():
    lb = lower_bounds(CHAIN)
    assert lb.naive == 234
    # step k holds tensors k-1 and k: the largest pair is 8 + 64 (step 5) and 64 + 10 (step 6) = 74
    assert lb.offsets == 74
    # positional maximums: the largest per step peaks at 64; the second largest (the smaller of each step's
    # pair: 28, 28, 16, 8, 8, 10, 10) peaks at 28
    assert lb.shared_objects == 64 + 28


def test_lower_bounds_empty_and_single():
    assert lower_bounds([]) == lower_bounds([]).__class__(0, 0, 0)
    lb = lower_bounds([R(100, 0, 0)])
    assert (lb.offsets, lb.shared_objects, lb.naive) == (100, 100, 100)


@pytest.mark.parametrize("strategy", list(OFFSET_STRATEGIES))
def test_offsets_reach_the_bound_on_a_chain(strategy):
    plan = plan_offsets(CHAIN, strategy, alignment=1)
    assert_valid_offsets(CHAIN, plan, 1)
    assert plan.total_bytes == 74


# Shared objects on the chain: neighbours overlap, so two objects must alternate (even tensors 32, 36, 8, 10
# → 36; odd ones 28, 16, 64, 40 → 64): 100. A third object cannot help (64's neighbours 8 and 10 each end
# up beside a larger tensor), so 100 is the optimum, above the positional bound of 92.
@pytest.mark.parametrize("strategy,expected", [("greedy_in_order", 100), ("greedy_by_size", 100),
                                               ("min_cost_flow", 100), ("greedy_by_breadth", 108),
                                               ("equality", 234), ("naive", 234)])
def test_objects_on_a_chain(strategy, expected):
    plan = plan_shared_objects(CHAIN, strategy)
    assert_valid_objects(CHAIN, plan)
    assert plan.total_bytes == expected
    assert plan_shared_objects(CHAIN, "best").total_bytes == 100


def test_naive_and_equality():
    recs = [R(10, 0, 1), R(10, 2, 3), R(20, 4, 5), R(10, 4, 5)]
    naive = plan_shared_objects(recs, "naive")
    assert naive.objects == 4 and naive.total_bytes == 50
    eq = plan_shared_objects(recs, "equality")
    assert_valid_objects(recs, eq)
    # the two 10s in sequence share; at step 4 the third 10 reuses that object too, the 20 gets its own
    assert eq.objects == 2 and eq.total_bytes == 30


def test_reuse_only_after_release():
    # b starts at the step a ends: both alive at step 2, so they can't share (inclusive intervals)
    recs = [R(8, 0, 2), R(8, 2, 3)]
    for strategy in SHARED_OBJECT_STRATEGIES:
        assert plan_shared_objects(recs, strategy).objects == 2
    for strategy in OFFSET_STRATEGIES:
        assert plan_offsets(recs, strategy, alignment=1).total_bytes == 16


def test_best_fit_gap_is_used():
    # a (0..4) and c (0..4) bracket a hole left by b (0..1) ... d (2..3) fits b's bytes
    recs = [R(100, 0, 4), R(50, 0, 1), R(100, 0, 4), R(50, 2, 3)]
    plan = plan_offsets(recs, "greedy_by_size", alignment=1)
    assert plan.total_bytes == 250
    assert_valid_offsets(recs, plan, 1)


def test_alignment_rounds_offsets():
    recs = [R(10, 0, 1), R(10, 0, 1), R(10, 1, 2)]
    plan = plan_offsets(recs, "best", alignment=64)
    assert_valid_offsets(recs, plan, 64)
    # all three are alive at step 1; each takes its size rounded up to the alignment
    assert plan.total_bytes == 3 * 64


@pytest.mark.parametrize("seed", range(6))
def test_every_strategy_is_valid_and_above_its_bound(seed):
    rng = np.random.default_rng(seed)
    n = 80
    recs = []
    for _ in range(n):
        first = int(rng.integers(0, 60))
        recs.append(R(int(rng.integers(1, 50)) * 16, first, first + int(rng.integers(0, 6))))
    lb = lower_bounds(recs)
    for strategy in OFFSET_STRATEGIES:
        plan = plan_offsets(recs, strategy, alignment=16)
        assert_valid_offsets(recs, plan, 16)
        assert lb.offsets <= plan.total_bytes <= lb.naive
    for strategy in SHARED_OBJECT_STRATEGIES:
        plan = plan_shared_objects(recs, strategy)
        assert_valid_objects(recs, plan)
        assert lb.shared_objects <= plan.total_bytes <= lb.naive
    best = plan_offsets(recs, "best", alignment=16)
    assert best.total_bytes == min(plan_offsets(recs, s, alignment=16).total_bytes for s in OFFSET_STRATEGIES)
    best_obj = plan_shared_objects(recs, "best")
    assert best_obj.total_bytes == min(plan_shared_objects(recs, s).total_bytes for s in SHARED_OBJECT_STRATEGIES)


def test_sizes_are_kept_apart():
    # two big tensors in sequence share one object, the two small ones another (not big with small)
    recs = [R(100, 0, 0), R(1, 0, 0), R(1, 1, 1), R(100, 1, 1)]
    for strategy in SHARED_OBJECT_STRATEGIES:
        plan = plan_shared_objects(recs, strategy)
        assert_valid_objects(recs, plan)
        assert plan.total_bytes == (202 if strategy == "naive" else 101)


def test_bad_records_and_strategies():
    with pytest.raises(InvalidArgumentError, match="first_op <= last_op"):
        plan_offsets([R(1, 3, 2)])
    with pytest.raises(InvalidArgumentError, match="unknown strategy"):
        plan_offsets(CHAIN, "magic")
    with pytest.raises(InvalidArgumentError, match="unknown strategy"):
        plan_shared_objects(CHAIN, "magic")
    with pytest.raises(InvalidArgumentError, match="power of two"):
        plan_offsets(CHAIN, alignment=3)
