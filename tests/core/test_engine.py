import gc

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import (BackendError, DisposedError, KernelNotFoundError, LeakError,
                              NumericalError)


def test_memory_counts_tensors_buffers_and_bytes():
    gc.collect()
    before = tw.memory()
    a = tw.tensor(np.zeros((4, 5), np.float32))
    m = tw.memory()
    assert m.num_tensors == before.num_tensors + 1
    assert m.num_data_buffers == before.num_data_buffers + 1
    assert m.num_bytes == before.num_bytes + 80
    b = a.reshape([20])  # a reshape aliases the same data: one more tensor, no new buffer
    m2 = tw.memory()
    assert m2.num_tensors == m.num_tensors + 1 and m2.num_data_buffers == m.num_data_buffers
    assert m2.num_bytes == m.num_bytes
    del a, b
    gc.collect()
    assert tw.memory().num_bytes == before.num_bytes


def test_tidy_disposes_intermediates_and_keeps_result():
    x = tw.tensor([1.0, 2.0])
    before = tw.memory().num_tensors
    inner = []

    def f():
        y = x * 2
        inner.append(y)
        return y + 1, {"z": y * 3}
    out, d = tw.tidy(f)
    assert inner[0].is_disposed
    assert out.tolist() == [3.0, 5.0] and d["z"].tolist() == [6.0, 12.0]
    assert tw.memory().num_tensors == before + 2
    with pytest.raises(DisposedError, match="disposed"):
        inner[0] + 1


def test_nested_tidy_moves_returned_tensors_to_parent_scope():
    outer_seen = []

    def outer():
        inner_result = tw.tidy(lambda: tw.tensor([1.0]) * 2)
        outer_seen.append(inner_result)
        return tw.tensor([5.0])
    res = tw.tidy(outer)
    assert outer_seen[0].is_disposed  # returned from the inner scope, but not from the outer one
    assert res.tolist() == [5.0]


def test_tidy_as_context_manager_and_decorator():
    with tw.tidy() as scope:
        a = tw.tensor([1.0]) + 1
        b = scope.keep(a * 2)
    assert a.is_disposed and b.tolist() == [4.0]

    created = []

    @tw.tidy()
    def step(v):
        t = v + 1
        created.append(t)
        return t * 10
    assert step(tw.tensor([1.0])).tolist() == [20.0]
    assert created[0].is_disposed


def test_keep_survives_tidy_and_dispose_releases():
    kept = []
    tw.tidy(lambda: kept.append(tw.keep(tw.tensor([1.0, 2.0]) * 1)))
    assert kept[0].tolist() == [1.0, 2.0]
    a, b = tw.tensor([1.0]), tw.tensor([2.0])
    n = tw.memory().num_tensors
    tw.dispose([a, {"b": b}])
    assert a.is_disposed and b.is_disposed and tw.memory().num_tensors == n - 2
    tw.dispose(kept)


def test_variables_are_not_disposed_by_tidy():
    holder = []
    tw.tidy(lambda: holder.append(tw.variable(tw.tensor([1.0]) * 2)))
    assert holder[0].tolist() == [2.0]


def test_profile_reports_kernels_bytes_and_peak():
    x = tw.tensor(np.ones((10, 10), np.float32))

    def f():
        y = x * 2
        z = y + 1
        return z.sum()
    info = tw.profile(f)
    assert [k.name for k in info.kernels] == ["Multiply", "Add", "Sum"]
    assert info.kernels[0].input_shapes == [[10, 10], [10, 10]] or info.kernels[0].input_shapes[0] == [10, 10]
    assert info.kernels[0].output_shapes == [[10, 10]]
    assert info.new_tensors >= 1 and info.new_bytes >= 4
    assert info.peak_bytes >= tw.memory().num_bytes + 2 * 400 - 400
    assert info.result.item() == 300.0
    assert all(k.time_ms >= 0 for k in info.kernels)


def test_time_returns_wall_and_kernel_ms():
    x = tw.tensor(np.ones((50, 50), np.float32))
    t = tw.time(lambda: x * x + x)
    assert t.wall_ms >= t.kernel_ms >= 0


def test_debug_mode_names_the_kernel_on_nan():
    tw.env().set("DEBUG", True)
    try:
        with pytest.raises(NumericalError, match="'Log'"):
            tw.log(tw.tensor([-1.0]))
    finally:
        tw.env().set("DEBUG", False)
    assert np.isnan(tw.log(tw.tensor([-1.0])).numpy()[0])


def test_flags_from_environment_and_unknown_flag():
    env = tw.env()
    with pytest.raises(ValueError, match="unknown flag 'NOPE'"):
        env.get("NOPE")
    with pytest.raises(ValueError, match="boolean"):
        env.set("DEBUG", "maybe")
    assert "DEBUG" in env.flags and "PRECISION" in env.describe()


def test_leak_check_names_the_leak():
    keep = []
    with pytest.raises(LeakError, match=r"1 tensor\(s\) leaked.*shape \[3\]"):
        with tw.check_leaks():
            keep.append(tw.tensor([1.0, 2.0, 3.0]))
    keep.clear()


def test_missing_kernel_names_kernel_and_backend():
    def dummy(x):
        return x
    tw.register_kernel("MyKernelX", "numpy", dummy)
    from tensorweb.ops._base import run
    assert run("MyKernelX", (tw.tensor([1.0]),)).tolist() == [1.0]
    tw.unregister_kernel("MyKernelX", "numpy")
    with pytest.raises(KernelNotFoundError, match="'MyKernelX'.*'numpy'"):
        run("MyKernelX", (tw.tensor([1.0]),))


def test_backend_registry_priority_set_and_remove():
    class Fake:
        def __init__(self):
            from tensorweb.backends.numpy import NumpyBackend
            self._np = NumpyBackend()

        def __getattr__(self, k):
            return getattr(self._np, k)
    assert tw.get_backend() == "numpy"
    tw.register_backend("fake", Fake, priority=0)
    try:
        assert tw.get_backend() == "numpy"
        x = tw.tensor([1.0, 2.0])
        tw.set_backend("fake")
        assert tw.get_backend() == "fake"
        with pytest.raises(KernelNotFoundError, match="'Add'.*'fake'"):
            x + 1
        tw.register_kernel("Add", "fake", lambda a, b: np.add(a, b) * 10)
        assert (x + 1).tolist() == [20.0, 30.0]  # the tensor's data moved to the active backend
        tw.unregister_kernel("Add", "fake")
    finally:
        tw.set_backend("numpy")
        tw.remove_backend("fake")
    with pytest.raises(BackendError, match="'fake' is not registered"):
        tw.set_backend("fake")


def test_failing_backend_is_reported():
    def broken():
        raise RuntimeError("no device")
    tw.register_backend("broken", broken, priority=0)
    try:
        with pytest.raises(BackendError, match="'broken' failed to initialize: no device"):
            tw.set_backend("broken")
        assert tw.get_backend() == "numpy"
    finally:
        tw.remove_backend("broken")


def test_kernels_never_see_writeable_inputs():
    x = tw.tensor([1.0, 2.0])
    with pytest.raises(ValueError):
        x._value[0] = 5.0
    arr = x.numpy()
    arr[0] = 9.0  # numpy() is a copy: the tensor is unchanged
    assert x.tolist() == [1.0, 2.0]


def test_set_random_seed_repeats_unseeded_random_ops():
    tw.set_random_seed(7)
    a = tw.random_normal([5]).numpy()
    tw.set_random_seed(7)
    b = tw.random_normal([5]).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, tw.random_normal([5]).numpy())


def test_variables_hold_row_major_values():
    v = tw.variable(tw.transpose(tw.tensor(np.arange(6, dtype=np.float32).reshape(2, 3))))
    assert v._value.flags.c_contiguous and v.tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]
    v.assign(tw.transpose(tw.tensor(np.ones((2, 3), np.float32))))
    assert v._value.flags.c_contiguous


def test_precision_64_accepts_tensors_made_before_the_switch():
    x = tw.tensor([1.0, 2.0])
    with tw.testing.high_precision():
        y = tw.reshape(x, [2, 1]) * tw.tensor([[3.0]])
        assert y.dtype == "float32" and y.tolist() == [[3.0], [6.0]]
