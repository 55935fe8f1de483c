import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import GradientError
from tensorweb.testing import check_gradients


def test_grad_of_cube_and_second_and_third_order():
    x = tw.tensor([1.0, -2.0, 3.0])
    f = lambda x: (x * x * x).sum()  # noqa: E731
    assert tw.grad(f)(x).tolist() == [3.0, 12.0, 27.0]
    g2 = tw.grad(lambda x: tw.grad(f)(x).sum())(x)
    assert g2.tolist() == [6.0, -12.0, 18.0]
    g3 = tw.grad(lambda x: tw.grad(lambda y: tw.grad(f)(y).sum())(x).sum())(x)
    assert g3.tolist() == [6.0, 6.0, 6.0]


def test_grads_and_value_and_grads_with_dy():
    a, b = tw.tensor([2.0, 3.0]), tw.tensor([5.0, 7.0])
    value, (da, db) = tw.value_and_grads(lambda a, b: a * b)([a, b], tw.tensor([1.0, 10.0]))
    assert value.tolist() == [10.0, 21.0]
    assert da.tolist() == [5.0, 70.0] and db.tolist() == [2.0, 30.0]
    assert [g.tolist() for g in tw.grads(lambda a, b: a * b + a)([a, b])] == [[6.0, 8.0], [2.0, 3.0]]
    v, g = tw.value_and_grad(lambda x: (x * x).sum())(a)
    assert v.item() == 13.0 and g.tolist() == [4.0, 6.0]


def test_gradient_accumulates_over_reuse_and_broadcasting():
    x = tw.tensor([[1.0, 2.0]])
    g = tw.grad(lambda x: (x + x * x + tw.tensor([[1.0], [1.0], [1.0]]) * x).sum())(x)
    # three broadcast rows, each x + x^2 + x: d/dx = 3 * (2 + 2x)
    assert g.tolist() == [[12.0, 18.0]]


def test_variable_grads_defaults_to_trainable_and_skips_unused():
    w = tw.variable(tw.tensor([1.0, 2.0]), name="w_vg")
    b = tw.variable(tw.tensor(3.0), name="b_vg")
    frozen = tw.variable(tw.tensor(4.0), trainable=False, name="frozen_vg")
    unused = tw.variable(tw.tensor(5.0), name="unused_vg")
    value, grads = tw.variable_grads(lambda: (w * w).sum() * b + frozen)
    assert value.item() == 19.0
    assert set(grads) == {"w_vg", "b_vg"}
    assert grads["w_vg"].tolist() == [6.0, 12.0] and grads["b_vg"].item() == 5.0
    with pytest.raises(GradientError, match="scalar"):
        tw.variable_grads(lambda: w * 2, [w])
    del unused


def test_custom_grad():
    @tw.custom_grad
    def halved_gradient(x):
        def grad_fn(dy):
            return [dy * 0.5]
        return x * 1.0, grad_fn
    x = tw.tensor([1.0, 2.0])
    # d/dx of 5 * sum(h(3x)) with h' := 0.5 is 5 * 0.5 * 3
    g = tw.grad(lambda x: halved_gradient(x * 3.0).sum() * 5.0)(x)
    assert g.tolist() == [7.5, 7.5]


def test_errors_for_unrelated_input_int_input_and_int_path():
    x, y = tw.tensor([1.0]), tw.tensor([2.0])
    with pytest.raises(GradientError, match=r"input\(s\) \[1\].*does not depend"):
        tw.grads(lambda a, b: a * 2)([x, y])
    with pytest.raises(GradientError, match="float32 tensors, but input 0 is int32"):
        tw.grad(lambda a: a * 2)(tw.tensor([1]))
    with pytest.raises(GradientError, match="does not depend.*integer"):
        tw.grad(lambda a: tw.cast(tw.cast(a, "int32"), "float32"))(x)
    with pytest.raises(GradientError, match="output y of f is int32"):
        tw.grad(lambda a: tw.cast(a, "int32"))(x)


def test_missing_gradient_names_kernel():
    from tensorweb.ops._base import run
    tw.register_kernel("NoGradKernel", "numpy", lambda x: x * 2)
    try:
        with pytest.raises(GradientError, match="no gradient is registered for kernel 'NoGradKernel'"):
            tw.grad(lambda a: run("NoGradKernel", (a,)))(tw.tensor([1.0]))
    finally:
        tw.unregister_kernel("NoGradKernel", "numpy")


def test_gradients_inside_tidy_leave_no_tensors():
    x = tw.tensor([1.0, 2.0])
    before = tw.memory().num_tensors
    g = tw.tidy(lambda: tw.grad(lambda v: (v * v * v).sum())(x))
    assert tw.memory().num_tensors == before + 1
    assert g.tolist() == [3.0, 12.0]


def test_check_gradients_catches_a_wrong_rule():
    from tensorweb.ops._base import run
    tw.register_kernel("Twice", "numpy", lambda x: x * 2)
    tw.register_gradient("Twice", lambda dy, inputs, outputs, attrs: (dy * 3.0,))
    try:
        with pytest.raises(AssertionError, match="central differences"):
            check_gradients(lambda a: run("Twice", (a,)), [np.array([1.0, 2.0])])
    finally:
        tw.unregister_kernel("Twice", "numpy")


def test_lazy_gradients_run_only_for_inputs_on_the_path():
    from tensorweb.ops._base import run
    calls = []
    tw.register_kernel("ScaleBy", "numpy", lambda x, s: x * s)

    def grad(dy, inputs, outputs, attrs):
        x, s = inputs

        def dx():
            calls.append("x")
            return dy * s

        def ds():
            calls.append("s")
            return (dy * x).sum()
        return dx, ds
    tw.register_gradient("ScaleBy", grad)
    try:
        data, scale = tw.tensor([1.0, 2.0]), tw.tensor(3.0)
        g = tw.grad(lambda s: run("ScaleBy", (data, s)).sum())(scale)
        assert g.item() == 3.0 and calls == ["s"]  # d/d data was never computed
    finally:
        tw.unregister_kernel("ScaleBy", "numpy")
