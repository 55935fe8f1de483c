"""Arena execution: planned runs equal unplanned ones exactly, write every intermediate into the arena, and
allocate no intermediate buffers after the first call."""
import tracemalloc

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.core.tensor import MEMORY
from tensorweb.layers.applications import mobilenet_v2


@pytest.fixture(scope="module")
def small_mobilenet():
    return mobilenet_v2(input_shape=(64, 64, 3), alpha=0.35, classes=10)


def test_planned_equals_unplanned_exactly(small_mobilenet):
    x = tw.tensor(np.random.default_rng(1).random((1, 64, 64, 3), dtype=np.float32))
    want = small_mobilenet(x).numpy()
    fast = tw.runtime.compile(small_mobilenet)
    first = fast(x).numpy()           # traced and planned
    second = fast(x).numpy()          # replayed in the arena
    np.testing.assert_array_equal(first, want)
    np.testing.assert_array_equal(second, want)
    x2 = tw.tensor(np.random.default_rng(2).random((1, 64, 64, 3), dtype=np.float32))
    np.testing.assert_array_equal(fast(x2).numpy(), small_mobilenet(x2).numpy())
    plan = next(iter(fast.plans.values()))
    assert plan.assignment.total_bytes == tw.runtime.lower_bounds(plan.records).offsets


def test_no_intermediate_buffers_after_the_first_call(small_mobilenet):
    fast = tw.runtime.compile(small_mobilenet)
    x = tw.tensor(np.random.default_rng(3).random((1, 64, 64, 3), dtype=np.float32))
    fast(x)
    plan = next(iter(fast.plans.values()))
    # every kernel output of the replay is a view of the arena
    for op in plan.program:
        for n in op.outputs:
            assert np.shares_memory(plan.slots[n], plan.arena), f"{op.kernel} output is outside the arena"
    buffers_before = MEMORY.num_buffers
    tracemalloc.start()
    y = fast(x)
    _, planned_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # the engine made one buffer: the result
    assert MEMORY.num_buffers == buffers_before + 1
    del y
    tracemalloc.start()
    y = small_mobilenet(x)
    _, eager_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del y
    # what NumPy still allocates is kernel scratch (the largest: a depthwise convolution's padded input,
    # about one intermediate's size): well under the intermediates' naive sum and the eager run's peak
    naive = tw.runtime.lower_bounds(plan.records).naive
    assert planned_peak < naive / 2 and planned_peak < eager_peak / 4, (planned_peak, eager_peak, naive)


def test_signatures_get_their_own_plans_and_data_dependent_runs_fall_back():
    def f(x):
        return tw.relu(x) * 2.0 + 1.0

    fast = tw.runtime.compile(f)
    for shape in ((2, 3), (4, 5), (2, 3)):
        x = tw.tensor(np.linspace(-1, 1, int(np.prod(shape)), dtype=np.float32).reshape(shape))
        np.testing.assert_array_equal(fast(x).numpy(), f(x).numpy())
        np.testing.assert_array_equal(fast(x).numpy(), f(x).numpy())
    assert len(fast.plans) == 2 and not fast.fallbacks

    def g(x):
        return tw.gather(x, tw.where_indices(x > 0).reshape(-1))

    slow = tw.runtime.compile(g)
    x = tw.tensor(np.array([-1.0, 2.0, 0.5, -3.0], np.float32))
    np.testing.assert_array_equal(slow(x).numpy(), [2.0, 0.5])
    np.testing.assert_array_equal(slow(x).numpy(), [2.0, 0.5])
    assert not slow.plans and "Where" in next(iter(slow.fallbacks.values()))


def test_float16_weights_at_rest_give_the_same_results(small_mobilenet):
    # weights that float16 holds exactly, as after loading a float16-quantized model file
    original = small_mobilenet.get_weights()
    try:
        small_mobilenet.set_weights([w.astype(np.float16).astype(np.float32) for w in original])
        x = tw.tensor(np.random.default_rng(4).random((1, 64, 64, 3), dtype=np.float32))
        want = small_mobilenet(x).numpy()
        full = tw.runtime.compile(small_mobilenet)
        half = tw.runtime.compile(small_mobilenet, weights="float16")
        full(x)
        np.testing.assert_array_equal(half(x).numpy(), want)
        np.testing.assert_array_equal(half(x).numpy(), want)
        full_plan, half_plan = next(iter(full.plans.values())), next(iter(half.plans.values()))
        # the convolution kernels and the classifier (all but tiny vectors) are kept in half the bytes
        assert half_plan.weight_bytes < 0.6 * full_plan.weight_bytes
        # widening happens in arena scratch, planned beside the intermediates
        assert any(op.widen for op in half_plan.program)
        assert half_plan.assignment.total_bytes >= full_plan.assignment.total_bytes
    finally:
        small_mobilenet.set_weights(original)
