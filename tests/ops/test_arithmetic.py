import numpy as np
import pytest

import tensorweb as tw
from tensorweb.testing import check_gradients


def test_add_broadcasts_and_upcasts():
    a = tw.tensor([[1, 2, 3]])
    b = tw.tensor([[0.5], [1.5]])
    out = tw.add(a, b)
    assert out.dtype == "float32" and out.shape == (2, 3)
    np.testing.assert_array_equal(out.numpy(), [[1.5, 2.5, 3.5], [2.5, 3.5, 4.5]])


def test_python_int_keeps_int32_and_float_upcasts():
    a = tw.tensor([1, 2])
    assert (a + 2).dtype == "int32"
    assert (a * 0.5).dtype == "float32"
    assert (a * 0.5).tolist() == [0.5, 1.0]


def test_int_div_floors_like_tfjs_but_operator_is_true_division():
    a, b = tw.tensor([7, -7]), tw.tensor([2, 2])
    assert tw.div(a, b).tolist() == [3, -4]
    assert (a / b).tolist() == [3.5, -3.5]
    assert tw.floor_div(tw.tensor([5]), tw.tensor([0])).tolist() == [0]


def test_mod_takes_sign_of_divisor():
    assert tw.mod(tw.tensor([-7.0, 7.0]), tw.tensor([3.0, -3.0])).tolist() == [2.0, -2.0]
    assert tw.mod(tw.tensor([-7, 7]), tw.tensor([3, -3])).tolist() == [2, -2]


def test_mod_with_infinite_divisor_follows_tfjs():
    # same signs keep the dividend; different signs give NaN (TF.js adds b to the remainder: inf % inf)
    out = tw.mod(tw.tensor([5.0, -5.0, -5.0, 1.0, 0.0, 7.5]), tw.tensor([np.inf, np.inf, -np.inf, -np.inf, 3.0, -2.0]))
    np.testing.assert_array_equal(out.numpy(), [5.0, np.nan, -5.0, np.nan, 0.0, -0.5])


def test_pow_int_negative_exponent_truncates():
    assert tw.pow(tw.tensor([2, 1, 4]), tw.tensor([-1, -2, 2])).tolist() == [0, 1, 16]


def test_pow_follows_js_math_pow_for_one_and_infinite_exponents():
    # JS's Math.pow (TF.js's cpu kernel) differs from IEEE pow: 1 ** NaN and (+-1) ** (+-Infinity) are NaN
    base = tw.tensor([1.0, 1.0, -1.0, -1.0, 2.0, np.nan, 1.0])
    exp = tw.tensor([np.nan, np.inf, -np.inf, np.inf, np.nan, 0.0, 3.0])
    np.testing.assert_array_equal(tw.pow(base, exp).numpy(), [np.nan, np.nan, np.nan, np.nan, np.nan, 1.0, 1.0])
    assert tw.pow(tw.tensor([-2.0]), tw.tensor([3.0])).tolist() == [-8.0]


def test_infinite_operands_give_nan_without_numpy_warnings():
    import warnings
    inf = tw.tensor([np.inf, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(tw.sub(inf, tw.tensor([np.inf, 0.0])).numpy()[0])
        assert np.isnan(tw.add(inf, tw.tensor([-np.inf, 0.0])).numpy()[0])
        assert np.isnan(tw.mul(inf, tw.tensor([0.0, 1.0])).numpy()[0])
        assert np.isnan(tw.squared_difference(inf, inf).numpy()[0])


def test_div_no_nan_and_squared_difference_and_add_n():
    assert tw.div_no_nan(tw.tensor([1.0, 2.0]), tw.tensor([0.0, 4.0])).tolist() == [0.0, 0.5]
    assert tw.squared_difference(tw.tensor([1.0, 5.0]), 3.0).tolist() == [4.0, 4.0]
    assert tw.add_n([tw.tensor([1, 2]), tw.tensor([3, 4]), tw.tensor([5, 6])]).tolist() == [9, 12]


def test_maximum_minimum_propagate_nan():
    out = tw.maximum(tw.tensor([np.nan, 1.0]), tw.tensor([0.0, 2.0])).numpy()
    assert np.isnan(out[0]) and out[1] == 2.0
    assert tw.minimum(tw.tensor([3, 1]), 2).tolist() == [2, 1]


def test_bad_inputs_name_the_op():
    with pytest.raises(ValueError, match=r"add: operands could not be broadcast.*\[2\].*\[3\]"):
        tw.add(tw.tensor([1.0, 2.0]), tw.tensor([1.0, 2.0, 3.0]))
    with pytest.raises(TypeError, match="sub.*string"):
        tw.sub(tw.tensor(["a"]), tw.tensor([1.0]))
    with pytest.raises(ValueError, match="add_n: all tensors must have the same shape"):
        tw.add_n([tw.tensor([1.0]), tw.tensor([1.0, 2.0])])


@pytest.mark.parametrize("op", [tw.add, tw.sub, tw.mul, tw.div, tw.squared_difference, tw.maximum,
                                tw.minimum, tw.mod])
def test_binary_gradients_with_broadcasting(op):
    rng = np.random.default_rng(1)
    a = rng.uniform(0.5, 2.0, (2, 3))
    b = rng.uniform(0.5, 2.0, (3,)) + np.array([0.0, 3.0, -0.2])
    check_gradients(op, [a, b])


def test_pow_gradient():
    rng = np.random.default_rng(2)
    check_gradients(tw.pow, [rng.uniform(0.5, 2.0, (3, 2)), rng.uniform(-1.0, 2.0, (2,))])


def test_add_n_gradient():
    check_gradients(lambda a, b, c: tw.add_n([a, b, c]) * a, [np.ones(3) * 2.0, np.arange(3.0), np.ones(3)])
