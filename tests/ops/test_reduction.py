import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import DtypeError, InvalidArgumentError, ShapeError
from tensorweb.testing import check_gradients

X = [[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]]


# ---- sum / mean / prod ----------------------------------------------------------------------------

def test_sum_axes_keep_dims_and_bool():
    x = tw.tensor(X)
    assert tw.sum(x).tolist() == 21.0
    assert tw.sum(x, 0).tolist() == [5.0, 7.0, 9.0]
    assert tw.sum(x, -1, keep_dims=True).tolist() == [[9.0], [12.0]]
    assert tw.sum(x, [0, 1]).shape == ()
    s = tw.sum(tw.tensor([True, True, False]))
    assert s.dtype == "int32" and s.tolist() == 2


def test_mean_dtype_rules():
    m = tw.mean(tw.tensor([1, 2]))
    assert m.dtype == "float32" and m.tolist() == 1.5
    assert tw.mean(tw.tensor([True, False, False, False])).tolist() == 0.25
    np.testing.assert_allclose(tw.mean(tw.tensor(X), 1).numpy(), [3.0, 4.0])
    assert tw.mean(tw.tensor(X), [0, 1], keep_dims=True).shape == (1, 1)


def test_prod_values_and_dtypes():
    x = np.arange(1.0, 13.0).reshape(2, 3, 2)
    np.testing.assert_allclose(tw.prod(x, [0, 2]).numpy(), np.prod(x, axis=(0, 2)), rtol=1e-6)
    assert tw.prod(tw.tensor([2, 3, 4])).tolist() == 24
    p = tw.prod(tw.tensor([True, True]))
    assert p.dtype == "int32" and p.tolist() == 1
    assert tw.prod(tw.tensor(X), 1, keep_dims=True).tolist() == [[15.0], [48.0]]


# ---- max / min / all / any ------------------------------------------------------------------------

def test_max_min_values_dtypes_and_nan():
    x = tw.tensor(X)
    assert tw.max(x).tolist() == 6.0 and tw.min(x).tolist() == 1.0
    assert tw.max(x, 0).tolist() == [4.0, 5.0, 6.0]
    assert tw.min(x, 1, keep_dims=True).tolist() == [[1.0], [2.0]]
    m = tw.max(tw.tensor([3, -7, 2]))
    assert m.dtype == "int32" and m.tolist() == 3
    # TF.js's cpu kernels: a NaN anywhere in the slice makes the result NaN
    n = tw.tensor([[1.0, np.nan, 3.0], [np.nan, 0.0, 1.0], [1.0, 2.0, 0.5]])
    out = tw.max(n, 1).numpy()
    assert np.isnan(out[0]) and np.isnan(out[1]) and out[2] == 2.0
    out = tw.min(n, 1).numpy()
    assert np.isnan(out[0]) and np.isnan(out[1]) and out[2] == 0.5


def test_all_any_require_bool():
    b = tw.tensor([[True, False], [True, True]])
    assert tw.all(b, 1).tolist() == [False, True]
    assert tw.any(b, 0).tolist() == [True, True]
    assert tw.all(b).tolist() is False and tw.any(b).tolist() is True
    assert tw.all(b, 1, keep_dims=True).shape == (2, 1)
    assert tw.any([[0, 0], [0, 1]], 1).tolist() == [False, True]  # plain values convert to bool
    with pytest.raises(DtypeError, match="all: argument 'x' must be a bool tensor, got a float32"):
        tw.all(tw.tensor([1.0, 0.0]))
    with pytest.raises(DtypeError, match="any: argument 'x' must be a bool tensor, got a int32"):
        tw.any(tw.tensor([1, 0]))


# ---- arg_max / arg_min ----------------------------------------------------------------------------

def test_arg_max_arg_min_ties_default_axis_and_dtype():
    x = tw.tensor([[1.0, 7.0, 7.0], [9.0, 2.0, 9.0]])
    out = tw.arg_max(x, 1)
    assert out.dtype == "int32" and out.tolist() == [1, 0]  # ties: first index
    assert tw.arg_max(x).tolist() == [1, 0, 1]  # default axis 0
    assert tw.arg_min(tw.tensor([[3, 1, 1], [0, 0, 5]]), -1).tolist() == [1, 0]
    assert tw.arg_max(tw.tensor([True, False, True])).tolist() == 0


def test_arg_max_nan_like_tfjs():
    x = tw.tensor([[np.nan, 5.0, 6.0], [1.0, np.nan, 3.0], [2.0, 9.0, np.nan]])
    # NaN is never "greater": it wins only when it comes first
    assert tw.arg_max(x, 1).tolist() == [0, 2, 1]
    assert tw.arg_min(x, 1).tolist() == [0, 0, 0]


def test_arg_max_matches_numpy_without_ties():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 4, 5)).astype(np.float32)
    for axis in range(3):
        np.testing.assert_array_equal(tw.arg_max(x, axis).numpy(), np.argmax(x, axis))
        np.testing.assert_array_equal(tw.arg_min(x, axis).numpy(), np.argmin(x, axis))


# ---- log_sum_exp ----------------------------------------------------------------------------------

def test_log_sum_exp_stable_and_keep_dims():
    x = np.array([[1000.0, 1000.0], [0.0, np.log(3.0)]])
    out = tw.log_sum_exp(x, 1).numpy()
    np.testing.assert_allclose(out, [1000.0 + np.log(2.0), np.log(4.0)], rtol=1e-6)
    assert tw.log_sum_exp(x, 1, keep_dims=True).shape == (2, 1)
    y = np.array([[0.5, -1.0, 2.0], [0.1, 0.2, 0.3]])
    np.testing.assert_allclose(tw.log_sum_exp(y).numpy(), np.log(np.exp(y).sum()), rtol=1e-6)
    np.testing.assert_allclose(tw.log_sum_exp(y, 0).numpy(), np.log(np.exp(y).sum(0)), rtol=1e-6)


# ---- cumsum / cumprod -----------------------------------------------------------------------------

def test_cumsum_modes():
    x = tw.tensor([1, 2, 3, 4])
    assert tw.cumsum(x).tolist() == [1, 3, 6, 10]
    assert tw.cumsum(x, exclusive=True).tolist() == [0, 1, 3, 6]
    assert tw.cumsum(x, reverse=True).tolist() == [10, 9, 7, 4]
    assert tw.cumsum(x, 0, True, True).tolist() == [9, 7, 4, 0]
    assert tw.cumsum(x).dtype == "int32"
    b = tw.cumsum(tw.tensor([True, False, True]))
    assert b.dtype == "int32" and b.tolist() == [1, 1, 2]


def test_cumsum_cumprod_axis_matches_numpy():
    x = np.arange(1.0, 13.0).reshape(3, 4) / 4
    np.testing.assert_allclose(tw.cumsum(x, 1).numpy(), np.cumsum(x, 1), rtol=1e-6)
    np.testing.assert_allclose(tw.cumsum(x, -2).numpy(), np.cumsum(x, 0), rtol=1e-6)
    np.testing.assert_allclose(tw.cumprod(x, 1).numpy(), np.cumprod(x, 1), rtol=1e-6)
    rev = np.flip(np.cumprod(np.flip(x, 0), 0), 0)
    np.testing.assert_allclose(tw.cumprod(x, 0, reverse=True).numpy(), rev, rtol=1e-6)


def test_cumprod_exclusive_reverse():
    x = tw.tensor([2.0, 3.0, 4.0])
    assert tw.cumprod(x, exclusive=True).tolist() == [1.0, 2.0, 6.0]
    assert tw.cumprod(x, exclusive=True, reverse=True).tolist() == [12.0, 4.0, 1.0]
    assert tw.cumprod(tw.tensor([[1, 2], [3, 4]]), 1).tolist() == [[1, 2], [3, 12]]


# ---- bincount / dense_bincount --------------------------------------------------------------------

def test_bincount_counts_weights_and_out_of_range():
    x = tw.tensor([1, 1, 1, 2])
    assert tw.bincount(x, tw.tensor([]), 3).tolist() == [0.0, 3.0, 1.0]
    out = tw.bincount(x, tw.tensor([0.5, 0.3, 0.3, 0.1]), 2)
    assert out.dtype == "float32" and out.shape == (2,)
    np.testing.assert_allclose(out.numpy(), [0.0, 1.1], rtol=1e-6)
    ints = tw.bincount(tw.tensor([0, 4, 4]), tw.tensor([2, 3, 5]), 5)
    assert ints.dtype == "int32" and ints.tolist() == [2, 0, 0, 0, 8]


def test_dense_bincount_1d_2d_and_binary():
    x = tw.tensor([[1, 1], [1, 2]])
    assert tw.dense_bincount(x, tw.tensor([]), 3).tolist() == [[0, 2, 0], [0, 1, 1]]
    w = tw.tensor([[0.5, 0.3], [0.3, 0.1]])
    np.testing.assert_allclose(tw.dense_bincount(x, w, 3).numpy(), [[0, 0.8, 0], [0, 0.3, 0.1]], rtol=1e-6)
    assert tw.dense_bincount(x, tw.tensor([]), 2).tolist() == [[0, 2], [0, 1]]
    assert tw.dense_bincount(x, w, 3, binary_output=True).tolist() == [[0, 1, 0], [0, 1, 1]]
    assert tw.dense_bincount(tw.tensor([1, 1, 1, 2]), tw.tensor([]), 4).tolist() == [0, 3, 1, 0]


def test_bincount_errors():
    with pytest.raises(DtypeError, match="bincount: x must be an int32 tensor, got a float32"):
        tw.bincount(tw.tensor([1.0, 2.0]), tw.tensor([]), 3)
    with pytest.raises(InvalidArgumentError, match="bincount: size must be non-negative, got -1"):
        tw.bincount(tw.tensor([1, 2]), tw.tensor([]), -1)
    with pytest.raises(ShapeError, match="dense_bincount: weights must have the same size as x"):
        tw.dense_bincount(tw.tensor([1, 1, 1, 2]), tw.tensor([0.5, 0.3]), 2)
    with pytest.raises(ShapeError, match="dense_bincount: x must be of rank 1 or 2, got rank 3"):
        tw.dense_bincount(tw.zeros((1, 1, 1), "int32"), tw.tensor([]), 2)
    with pytest.raises(InvalidArgumentError, match="bincount: x must be non-negative"):
        tw.bincount(tw.tensor([1, -1]), tw.tensor([]), 3)


# ---- errors ---------------------------------------------------------------------------------------

def test_reduction_errors_name_the_op():
    x = tw.tensor(X)
    with pytest.raises(InvalidArgumentError, match="sum: axis 2 is out of range"):
        tw.sum(x, 2)
    with pytest.raises(InvalidArgumentError, match=r"mean: axis \[0, -2\] has duplicates"):
        tw.mean(x, [0, -2])
    with pytest.raises(InvalidArgumentError, match="arg_max: axis -3 is out of range"):
        tw.arg_max(x, -3)
    with pytest.raises(DtypeError, match="max: argument 'x' must be a numeric tensor"):
        tw.max(tw.tensor(["a", "b"]))
    with pytest.raises(ShapeError, match="cumsum: x must be of rank 1 or higher"):
        tw.cumsum(tw.scalar(1.0))
    with pytest.raises(ShapeError, match="arg_min: x must be of rank 1 or higher"):
        tw.arg_min(tw.scalar(1.0))


def test_empty_axis_like_tfjs():
    # TF.js reads a missing element: NaN for float32, 0 for int32; arg_max gives index 0
    out = tw.max(tw.zeros((2, 0)), 1)
    assert out.shape == (2,) and np.isnan(out.numpy()).all()
    assert tw.min(tw.zeros((0, 3), "int32"), 0, keep_dims=True).tolist() == [[0, 0, 0]]
    assert tw.arg_max(tw.zeros((2, 0)), 1).tolist() == [0, 0]
    assert tw.sum(tw.zeros((2, 0)), 1).tolist() == [0.0, 0.0]


def test_tensor_methods():
    x = tw.tensor(X)
    assert x.max().tolist() == 6.0
    assert x.mean(0).tolist() == [2.5, 3.5, 4.5]
    assert x.arg_max(1).tolist() == [1, 2]


# ---- gradients ------------------------------------------------------------------------------------

A = np.array([[0.5, 1.5, -1.0], [2.0, -0.7, 1.2]])


@pytest.mark.parametrize("axis,keep", [(None, False), (0, False), (1, True), ([0, 1], True)])
def test_sum_mean_gradients(axis, keep):
    check_gradients(lambda x: tw.sum(x, axis, keep), [A])
    check_gradients(lambda x: tw.mean(x, axis, keep), [A])


def test_mean_gradient_value():
    g = tw.grad(lambda x: tw.mean(x))(tw.tensor(A))
    np.testing.assert_allclose(g.numpy(), np.full((2, 3), 1 / 6), rtol=1e-6)


@pytest.mark.parametrize("axis", [None, 0, 1, [1, 0]])
def test_prod_gradient(axis):
    check_gradients(lambda x: tw.prod(x, axis), [A])


def test_prod_gradient_with_zeros_is_exact():
    x = tw.tensor([[2.0, 0.0, 3.0], [0.0, 0.0, 4.0]])
    g = tw.grad(lambda t: tw.sum(tw.prod(t, 1)))(x)
    assert g.tolist() == [[0.0, 6.0, 0.0], [0.0, 0.0, 0.0]]
    g = tw.grad(lambda t: tw.prod(t))(tw.tensor([[2.0, 0.5], [0.0, 3.0]]))
    assert g.tolist() == [[0.0, 0.0], [3.0, 0.0]]


@pytest.mark.parametrize("op", [tw.max, tw.min])
def test_max_min_gradients(op):
    check_gradients(lambda x: op(x, 1), [A])
    check_gradients(lambda x: op(x, [0, 1], True), [A])


def test_max_gradient_flows_to_all_ties():
    g = tw.grad(lambda x: tw.max(x, 1))(tw.tensor([[1.0, 3.0, 3.0], [2.0, 0.0, 1.0]]))
    assert g.tolist() == [[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]]
    g = tw.grad(lambda x: tw.min(x))(tw.tensor([1.0, 1.0, 2.0]))
    assert g.tolist() == [1.0, 1.0, 0.0]


@pytest.mark.parametrize("exclusive,reverse", [(False, False), (True, False), (False, True), (True, True)])
def test_cumsum_cumprod_gradients(exclusive, reverse):
    check_gradients(lambda x: tw.cumsum(x, 1, exclusive, reverse), [A])
    check_gradients(lambda x: tw.cumprod(x, 0, exclusive, reverse), [A])


def test_log_sum_exp_gradient_is_softmax():
    check_gradients(lambda x: tw.log_sum_exp(x, 1), [A])
    check_gradients(lambda x: tw.log_sum_exp(x, None, True), [A])
    g = tw.grad(lambda x: tw.log_sum_exp(x))(tw.tensor([0.0, np.log(3.0)]))
    np.testing.assert_allclose(g.numpy(), [0.25, 0.75], rtol=1e-6)


def test_arg_max_has_zero_gradient():
    g = tw.grad(lambda x: tw.mul(tw.cast(tw.arg_max(x, 0), "float32"), 1.0) + tw.sum(x) * 0.0)(
        tw.tensor([1.0, 2.0]))
    assert g.tolist() == [0.0, 0.0]
