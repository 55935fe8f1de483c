"""tw.fused: conv2d / depthwise_conv2d / mat_mul + bias + activation, against the unfused ops and NumPy."""
import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import InvalidArgumentError, ShapeError
from tensorweb.testing import check_gradients

RNG = np.random.default_rng(7)


def rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def np_act(z, act, alpha=0.2, w=None):
    z = z.astype(np.float64)
    if act == "linear":
        return z
    if act == "relu":
        return np.maximum(z, 0)
    if act == "relu6":
        return np.minimum(np.maximum(z, 0), 6)
    if act == "elu":
        return np.where(z > 0, z, np.exp(z) - 1)
    if act == "leakyrelu":
        return np.where(z > 0, z, alpha * z)
    if act == "prelu":
        return np.where(z > 0, z, w * z)
    if act == "sigmoid":
        return 1 / (1 + np.exp(-z))
    if act == "tanh":
        return np.tanh(z)
    raise AssertionError(act)


ACTS = ["linear", "relu", "relu6", "elu", "leakyrelu", "prelu", "sigmoid", "tanh"]


@pytest.mark.parametrize("act", ACTS)
def test_fused_conv2d_values(act):
    x, f, b = rand(2, 5, 6, 3) * 3, rand(3, 3, 3, 4), rand(4)
    pw = rand(4) if act == "prelu" else None
    y = tw.fused.conv2d(x, f, 2, "same", bias=b, activation=act, prelu_activation_weights=pw,
                        leakyrelu_alpha=0.1)
    z = tw.conv2d(x, f, 2, "same").numpy() + b
    np.testing.assert_allclose(y.numpy(), np_act(z, act, 0.1, pw), rtol=1e-4, atol=1e-5)
    assert y.dtype == "float32" and y.shape == (2, 3, 3, 4)


@pytest.mark.parametrize("act", ACTS)
def test_fused_depthwise_values(act):
    x, f, b = rand(1, 5, 5, 2), rand(3, 3, 2, 2), rand(4)
    pw = rand(1, 1, 4) if act == "prelu" else None
    y = tw.fused.depthwise_conv2d(x[0], f, 1, "same", bias=b, activation=act, prelu_activation_weights=pw)
    z = tw.depthwise_conv2d(x, f, 1, "same").numpy()[0] + b
    np.testing.assert_allclose(y.numpy(), np_act(z, act, 0.2, pw), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True), (True, True)])
@pytest.mark.parametrize("act", ["linear", "relu", "elu", "prelu", "sigmoid"])
def test_fused_mat_mul_values(ta, tb, act):
    a = rand(2, 3, 4) if not ta else rand(2, 4, 3)
    b = rand(4, 5) if not tb else rand(5, 4)
    bias = rand(5)
    pw = rand(5) if act == "prelu" else None
    y = tw.fused.mat_mul(a, b, ta, tb, bias=bias, activation=act, prelu_activation_weights=pw)
    an = np.swapaxes(a, -1, -2) if ta else a
    bn = b.T if tb else b
    np.testing.assert_allclose(y.numpy(), np_act(an.astype(np.float64) @ bn + bias, act, 0.2, pw),
                               rtol=1e-4, atol=1e-5)
    assert y.shape == (2, 3, 5)


def test_fused_mat_mul_without_bias_and_int():
    a = np.arange(6, dtype=np.int32).reshape(2, 3) - 2
    b = np.arange(6, dtype=np.int32).reshape(3, 2) - 3
    y = tw.fused.mat_mul(a, b, activation="relu")
    assert y.dtype == "int32"
    np.testing.assert_array_equal(y.numpy(), np.maximum(a @ b, 0))


def test_fused_errors():
    x, f = rand(1, 4, 4, 2), rand(2, 2, 2, 3)
    with pytest.raises(InvalidArgumentError, match="fused.conv2d: unknown activation"):
        tw.fused.conv2d(x, f, 1, "same", activation="swish")
    with pytest.raises(ShapeError, match="fused.conv2d"):
        tw.fused.conv2d(x, f, 1, "same", bias=rand(2))
    with pytest.raises(ShapeError, match=r"fused.conv2d: depth of input \(2\)"):
        tw.fused.conv2d(x, rand(2, 2, 3, 3), 1, "same")
    with pytest.raises(InvalidArgumentError, match="fused.conv2d: activation 'prelu' needs"):
        tw.fused.conv2d(x, f, 1, "same", activation="prelu")
    with pytest.raises(ShapeError, match="fused.mat_mul: inner shapes"):
        tw.fused.mat_mul(rand(2, 3), rand(2, 3))
    with pytest.raises(ShapeError, match="fused.depthwise_conv2d"):
        tw.fused.depthwise_conv2d(x, rand(2, 2, 3, 1), 1, "same")


@pytest.mark.parametrize("act", ACTS)
def test_fused_conv2d_gradients(act):
    x = rand(1, 4, 4, 2)
    f = rand(2, 2, 2, 3)
    b = rand(3) + 0.3
    if act == "prelu":
        check_gradients(lambda x, f, b, w: tw.fused.conv2d(x, f, 1, "same", bias=b, activation=act,
                                                           prelu_activation_weights=w),
                        [x, f, b, rand(3)], rtol=1e-4, atol=1e-5)
    else:
        check_gradients(lambda x, f, b: tw.fused.conv2d(x, f, [2, 1], "same", bias=b, activation=act),
                        [x, f, b], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("act", ["linear", "relu", "leakyrelu", "prelu"])
def test_fused_depthwise_gradients(act):
    x, f, b = rand(1, 4, 4, 2), rand(2, 2, 2, 2), rand(4)
    if act == "prelu":
        check_gradients(lambda x, f, b, w: tw.fused.depthwise_conv2d(x, f, 1, "valid", bias=b, activation=act,
                                                                     prelu_activation_weights=w),
                        [x, f, b, rand(4)], rtol=1e-4, atol=1e-5)
    else:
        check_gradients(lambda x, f, b: tw.fused.depthwise_conv2d(x, f, 1, "valid", bias=b, activation=act),
                        [x, f, b], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("act", ACTS)
@pytest.mark.parametrize("ta,tb", [(False, False), (True, True)])
def test_fused_mat_mul_gradients(act, ta, tb):
    a = rand(2, 3, 4) if not ta else rand(2, 4, 3)
    b = rand(4, 2) if not tb else rand(2, 4)
    bias = rand(2)
    if act == "prelu":
        check_gradients(lambda a, b, c, w: tw.fused.mat_mul(a, b, ta, tb, bias=c, activation=act,
                                                            prelu_activation_weights=w),
                        [a, b, bias, rand(3, 1)], rtol=1e-4, atol=1e-5)
    else:
        check_gradients(lambda a, b, c: tw.fused.mat_mul(a, b, ta, tb, bias=c, activation=act,
                                                         leakyrelu_alpha=0.3),
                        [a, b, bias], rtol=1e-4, atol=1e-5)
