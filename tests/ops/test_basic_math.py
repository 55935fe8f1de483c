import math

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.core import registry
from tensorweb.testing import check_gradients

NAN, INF = float("nan"), float("inf")
SELU_SCALE = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softplus(x):
    return np.logaddexp(0.0, x)


# op -> (independent float64 reference, sample domain)
FLOAT_REFS = {
    "acos": (np.arccos, (-0.95, 0.95)), "acosh": (np.arccosh, (1.1, 4.0)), "asin": (np.arcsin, (-0.95, 0.95)),
    "asinh": (np.arcsinh, (-3, 3)), "atan": (np.arctan, (-3, 3)), "atanh": (np.arctanh, (-0.95, 0.95)),
    "ceil": (np.ceil, (-3, 3)), "cos": (np.cos, (-3, 3)), "cosh": (np.cosh, (-3, 3)),
    "elu": (lambda x: np.where(x > 0, x, np.exp(x) - 1), (-3, 3)),
    "erf": (np.vectorize(math.erf), (-3, 3)), "exp": (np.exp, (-3, 3)), "expm1": (np.expm1, (-3, 3)),
    "floor": (np.floor, (-3, 3)), "log": (np.log, (0.1, 5)), "log1p": (np.log1p, (-0.9, 5)),
    "log_sigmoid": (lambda x: np.log(_sigmoid(x)), (-5, 5)), "neg": (np.negative, (-3, 3)),
    "reciprocal": (lambda x: 1 / x, (0.2, 3)), "relu": (lambda x: np.maximum(x, 0), (-3, 3)),
    "relu6": (lambda x: np.clip(x, 0, 6), (-3, 9)), "rsqrt": (lambda x: 1 / np.sqrt(x), (0.1, 5)),
    "selu": (lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1)), (-3, 3)),
    "sigmoid": (_sigmoid, (-6, 6)), "sin": (np.sin, (-3, 3)), "sinh": (np.sinh, (-3, 3)),
    "softplus": (_softplus, (-20, 20)), "sqrt": (np.sqrt, (0, 5)), "square": (np.square, (-3, 3)),
    "tan": (np.tan, (-1.4, 1.4)), "tanh": (np.tanh, (-3, 3)), "abs": (np.abs, (-3, 3)),
    "sign": (np.sign, (-3, 3)), "leaky_relu": (lambda x: np.where(x < 0, 0.2 * x, x), (-3, 3)),
    "step": (lambda x: np.where(x > 0, 1.0, 0.0), (-3, 3)),
}


@pytest.mark.parametrize("name", sorted(FLOAT_REFS))
def test_float32_values_match_numpy(name):
    ref, (lo, hi) = FLOAT_REFS[name]
    x = np.random.default_rng(0).uniform(lo, hi, (3, 7)).astype(np.float32)
    out = getattr(tw, name)(tw.tensor(x))
    assert out.dtype == "float32" and out.shape == (3, 7)
    np.testing.assert_allclose(out.numpy(), ref(x.astype(np.float64)), rtol=2e-6, atol=2e-7)


def test_every_op_is_exported_and_chained():
    names = ["abs", "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "clip_by_value", "cos",
             "cosh", "elu", "erf", "exp", "expm1", "floor", "is_finite", "is_inf", "is_nan", "leaky_relu",
             "log", "log1p", "log_sigmoid", "neg", "prelu", "reciprocal", "relu", "relu6", "round", "rsqrt",
             "selu", "sigmoid", "sign", "sin", "sinh", "softplus", "sqrt", "square", "step", "tan", "tanh"]
    assert len(names) == 42
    for n in names:
        assert callable(getattr(tw, n)), n
        assert getattr(tw.Tensor, n) is getattr(tw, n), n
    x = tw.tensor([-1.0, 4.0])
    assert x.abs().sqrt().tolist() == [1.0, 2.0]
    assert abs(tw.tensor([-3])).tolist() == [3]
    assert (-tw.tensor([2.0])).tolist() == [-2.0]


# ---- TF.js's dtype rules ------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["ceil", "cos", "cosh", "elu", "floor", "log", "rsqrt", "sigmoid", "sin",
                                  "sqrt", "tan", "tanh"])
def test_float32_only_ops_refuse_int32_tensors_but_convert_python_ints(name):
    with pytest.raises(TypeError, match=rf"^{name}: argument 'x' must be a float32 tensor, got a int32"):
        getattr(tw, name)(tw.tensor([1, 2]))
    assert getattr(tw, name)([1, 2]).dtype == "float32"


@pytest.mark.parametrize("name, expected", [
    ("abs", [2, 0, 1, 3]), ("neg", [2, 0, -1, -3]), ("relu", [0, 0, 1, 3]), ("relu6", [0, 0, 1, 3]),
    ("round", [-2, 0, 1, 3]), ("sign", [-1, 0, 1, 1]), ("square", [4, 0, 1, 9]), ("step", [0, 0, 1, 1]),
    # fractional results stored as TF.js's Int32Array stores them: truncated, NaN/Infinity as 0
    ("acos", [0, 1, 0, 0]), ("asinh", [-1, 0, 0, 1]), ("atan", [-1, 0, 0, 1]), ("expm1", [0, 0, 1, 19]),
    ("log1p", [0, 0, 0, 1]), ("reciprocal", [0, 0, 1, 0]), ("sinh", [-3, 0, 1, 10]),
    ("softplus", [0, 0, 1, 3]), ("selu", [-1, 0, 1, 3]),
])
def test_int32_tensors_keep_int32_like_tfjs_cpu(name, expected):
    out = getattr(tw, name)(tw.tensor([-2, 0, 1, 3], dtype="int32"))
    assert out.dtype == "int32"
    assert out.tolist() == expected


def test_int32_exact_ops_do_not_go_through_float32():
    big = tw.tensor([16777217, -16777219], dtype="int32")  # not representable in float32
    assert tw.abs(big).tolist() == [16777217, 16777219]
    assert tw.neg(big).tolist() == [-16777217, 16777219]
    assert tw.relu(big).tolist() == [16777217, 0]
    assert tw.round(big).tolist() == [16777217, -16777219]
    assert tw.square(tw.tensor([40000], dtype="int32")).tolist() == [1600000000]


@pytest.mark.parametrize("name, expected", [
    ("neg", [True, False]), ("abs", [True, False]), ("acos", [False, True]), ("reciprocal", [True, False]),
    ("log1p", [False, False]), ("expm1", [True, False]), ("square", [True, False]),
])
def test_bool_tensors_stay_bool_like_tfjs_cpu(name, expected):
    out = getattr(tw, name)(tw.tensor([True, False]))
    assert out.dtype == "bool" and out.tolist() == expected


def test_float_results_for_exp_leaky_relu_prelu_erf_and_python_values():
    i = tw.tensor([-2, 0, 1, 3], dtype="int32")
    e = tw.exp(i)
    assert e.dtype == "float32"
    np.testing.assert_allclose(e.numpy(), np.exp([-2.0, 0, 1, 3]), rtol=1e-6)
    assert tw.exp(tw.tensor([True, False])).dtype == "float32"
    assert tw.leaky_relu(i, 0.5).dtype == "float32" and tw.leaky_relu(i, 0.5).tolist() == [-1, 0, 1, 3]
    p = tw.prelu(i, tw.tensor([2], dtype="int32"))
    assert p.dtype == "float32" and p.tolist() == [-4, 0, 1, 3]
    assert tw.erf(i).dtype == "float32"
    # a Python number becomes float32 for ops with fractional results, as a JS number does in TF.js
    assert tw.sinh([1, 2]).dtype == "float32" and tw.reciprocal(2).tolist() == 0.5
    assert tw.atan2(1, 2).dtype == "float32"
    # ...but int-preserving ops keep Python ints as int32
    assert tw.abs([-1, 2]).dtype == "int32" and tw.relu([-1, 2]).dtype == "int32"


def test_predicates_give_bool():
    x = tw.tensor([1.0, NAN, INF, -INF, 0.0])
    assert tw.is_nan(x).tolist() == [False, True, False, False, False]
    assert tw.is_inf(x).tolist() == [False, False, True, True, False]
    assert tw.is_finite(x).tolist() == [True, False, False, False, True]
    i = tw.tensor([1, -2])
    assert tw.is_finite(i).dtype == "bool" and tw.is_finite(i).tolist() == [True, True]
    assert tw.is_nan(i).tolist() == [False, False]


def test_complex_abs_and_complex_refused_elsewhere():
    z = tw.complex([3.0, 0.0, -1.0], [4.0, -2.0, 0.0])
    out = tw.abs(z)
    assert out.dtype == "float32" and out.tolist() == [5.0, 2.0, 1.0]
    for name in ("neg", "acos", "exp", "relu", "is_nan"):
        with pytest.raises(TypeError, match=rf"^{name}: argument 'x' must be a float32, int32 or bool tensor, "
                                            r"got a complex64"):
            getattr(tw, name)(z)
    with pytest.raises(TypeError, match="atan2: argument 'a'.*complex64"):
        tw.atan2(z, z)


# ---- TF.js's corner cases -----------------------------------------------------------------------

def test_round_is_bankers_rounding():
    x = tw.tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, -4.5, 2.4999, 2.5001, NAN])
    out = tw.round(x).numpy()
    np.testing.assert_array_equal(out[:-1], [0, 2, 2, 0, -2, -2, -4, 2, 3])
    assert np.isnan(out[-1])


def test_sign_of_nan_and_zero_is_zero():
    out = tw.sign(tw.tensor([NAN, -0.0, 0.0, -3.5, 2.0])).numpy()
    np.testing.assert_array_equal(out, [0, 0, 0, -1, 1])
    assert not np.signbit(out[1])


def test_nan_propagation():
    x = tw.tensor([NAN, -1.0, 7.0])
    r = tw.relu(x).numpy()
    assert np.isnan(r[0]) and r[1:].tolist() == [0, 7]
    r6 = tw.relu6(x).numpy()
    assert np.isnan(r6[0]) and r6[1:].tolist() == [0, 6]
    s = tw.step(x, 0.25).numpy()
    assert np.isnan(s[0]) and s[1:].tolist() == [0.25, 1.0]
    c = tw.clip_by_value(x, 0.0, 3.0).numpy()
    assert np.isnan(c[0]) and c[1:].tolist() == [0, 3]
    for name in ("elu", "selu", "leaky_relu", "softplus", "sigmoid", "erf", "exp", "log_sigmoid"):
        assert np.isnan(getattr(tw, name)(tw.tensor([NAN])).numpy()[0]), name


def test_domain_edges_give_nan_and_inf_silently():
    with np.errstate(all="raise"):  # the kernels must not warn or raise
        assert np.isnan(tw.acos(tw.tensor([2.0])).numpy()[0])
        assert tw.atanh(tw.tensor([1.0, -1.0])).tolist() == [INF, -INF]
        assert tw.log(tw.tensor([0.0])).tolist() == [-INF]
        assert tw.reciprocal(tw.tensor([0.0])).tolist() == [INF]
        assert tw.rsqrt(tw.tensor([0.0])).tolist() == [INF]
        assert np.isnan(tw.sqrt(tw.tensor([-1.0])).numpy()[0])
        assert tw.sigmoid(tw.tensor([-1000.0, 1000.0])).tolist() == [0.0, 1.0]
        assert tw.exp(tw.tensor([1000.0])).tolist() == [INF]


def test_softplus_thresholds_follow_tfjs():
    threshold = math.log(1.1920928955078125e-7) + 2.0  # about -13.94
    x = np.array([-20.0, -13.0, 0.0, 13.0, 14.0, 20.0, 100.0], np.float32)
    out = tw.softplus(tw.tensor(x)).numpy()
    expected = np.where(x < threshold, np.exp(x.astype(np.float64)),
                        np.where(x > -threshold, x, np.log1p(np.exp(x.astype(np.float64)))))
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    assert out[4] == 14.0 and out[6] == 100.0  # x itself above -threshold
    ls = tw.log_sigmoid(tw.tensor([-20.0, 0.0, 20.0])).numpy()
    np.testing.assert_allclose(ls, [-20.0, -math.log(2), -math.exp(-20)], rtol=1e-6)


def test_erf_is_accurate_and_matches_tfjs_abramowitz_stegun_within_1e6():
    x = np.concatenate([np.linspace(-6, 6, 601), [1e-8, -1e-8, 2.5, 2.4999999, INF, -INF]]).astype(np.float32)
    out = tw.erf(tw.tensor(x)).numpy().astype(np.float64)
    exact = np.array([math.erf(v) for v in x.astype(np.float64)])
    np.testing.assert_allclose(out, exact, rtol=1e-7, atol=1e-7)
    # TF.js's cpu kernel (A&S 7.1.26, max error 1.5e-7), written independently here
    p, a1, a2, a3, a4, a5 = 0.3275911, 0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429
    v = np.abs(x.astype(np.float64))
    t = 1 / (1 + p * v)
    with np.errstate(invalid="ignore"):
        tfjs = np.sign(x) * (1 - ((((a5 * t + a4) * t + a3) * t + a2) * t + a1) * t * np.exp(-v * v))
    np.testing.assert_allclose(out, tfjs, atol=1e-6)
    assert np.isnan(tw.erf(tw.tensor([NAN])).numpy()[0])


def test_erf_in_float64_precision():
    from tensorweb.testing import high_precision
    with high_precision():
        x = np.array([-3.7, -1.0, -0.3, 1e-12, 0.7, 2.0, 2.6, 5.5])
        out = tw.erf(tw.tensor(x)).numpy()
        assert out.dtype == np.float64
    np.testing.assert_allclose(out, [math.erf(v) for v in x], rtol=1e-14, atol=1e-16)


def test_clip_by_value():
    x = tw.tensor([-3.0, -0.5, 0.2, 4.0])
    assert tw.clip_by_value(x, -1, 1).tolist() == [-1.0, -0.5, pytest.approx(0.2), 1.0]
    i = tw.tensor([-2, 0, 1, 3])
    out = tw.clip_by_value(i, 0.5, 2.5)
    assert out.dtype == "int32" and out.tolist() == [0, 0, 1, 2]  # TF.js stores 0.5 and 2.5 truncated
    same = tw.clip_by_value(i, 2, 2)
    assert same.dtype == "int32" and same.tolist() == [2, 2, 2, 2]
    assert tw.clip_by_value(x, tw.scalar(0.0), 1.0).tolist()[0] == 0.0


def test_leaky_relu_prelu_step_elu_selu_values():
    x = tw.tensor([[-2.0, 0.0, 3.0], [-1.0, 1.0, -4.0]])
    close = np.testing.assert_allclose
    close(tw.leaky_relu(x).numpy(), [[-0.4, 0, 3], [-0.2, 1, -0.8]], rtol=1e-6)
    close(tw.leaky_relu(x, 1.5).numpy(), [[-3, 0, 3], [-1.5, 1, -6]], rtol=1e-6)
    close(tw.prelu(x, tw.tensor([0.1, 0.2, 0.3])).numpy(), [[-0.2, 0, 3], [-0.1, 1, -1.2]], rtol=1e-6)
    col = tw.prelu(tw.tensor([-1.0, 2.0]), tw.tensor([[0.5], [2.0]]))  # alpha broadcasts x up
    assert col.shape == (2, 2) and col.numpy().tolist() == [[-0.5, 2.0], [-2.0, 2.0]]
    assert tw.step(x).numpy().tolist() == [[0, 0, 1], [0, 1, 0]]
    assert tw.step(tw.tensor([-1, 2]), -2.7).tolist() == [-2, 1]
    close(tw.elu(tw.tensor([0.0, -1.0])).numpy(), [0.0, math.exp(-1) - 1], rtol=1e-6)
    assert tw.selu(tw.tensor([1.0])).numpy()[0] == pytest.approx(SELU_SCALE)


def test_atan2_quadrants_and_broadcasting():
    a = tw.tensor([[1.0], [-1.0]])
    b = tw.tensor([1.0, -1.0, 0.0])
    out = tw.atan2(a, b)
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out.numpy(), np.arctan2([[1.0], [-1.0]], [1.0, -1.0, 0.0]), rtol=1e-6)
    i = tw.atan2(tw.tensor([-2, 0, 1, 3]), tw.tensor([1, 1, 1, 1]))
    assert i.dtype == "int32" and i.tolist() == [-1, 0, 0, 1]
    assert tw.atan2(tw.tensor([1, 1]), 1).dtype == "float32"  # a Python number is float32, as in TF.js


# ---- errors -------------------------------------------------------------------------------------

def test_bad_inputs_name_the_op():
    with pytest.raises(ValueError, match=r"^clip_by_value: clip_value_min \(3\) must be less than or equal "
                                         r"to clip_value_max \(2\)"):
        tw.clip_by_value(tw.tensor([1.0]), 3, 2)
    with pytest.raises(ValueError, match="clip_by_value: clip_value_min must be a number, got 'a'"):
        tw.clip_by_value(tw.tensor([1.0]), "a", 2)
    with pytest.raises(ValueError, match="leaky_relu: alpha must be a number, got None"):
        tw.leaky_relu(tw.tensor([1.0]), None)
    with pytest.raises(ValueError, match="step: alpha must be a number"):
        tw.step(tw.tensor([1.0]), [1, 2])
    with pytest.raises(ValueError, match=r"prelu: operands could not be broadcast.*\[2, 3\].*\[2\]"):
        tw.prelu(tw.ones((2, 3)), tw.tensor([0.1, 0.2]))
    with pytest.raises(ValueError, match=r"atan2: operands could not be broadcast"):
        tw.atan2(tw.ones((2,)), tw.ones((3,)))
    with pytest.raises(TypeError, match="^erf: argument 'x' must be a float32 or int32 tensor, got a bool"):
        tw.erf(tw.tensor([True]))
    with pytest.raises(TypeError, match="^sqrt: argument 'x' must be a float32 tensor, got a string"):
        tw.sqrt(tw.tensor(["a"]))
    with pytest.raises(TypeError, match="^relu: argument 'x' must be a numeric tensor, got a string"):
        tw.relu(tw.tensor(["a"]))
    with pytest.raises(TypeError, match="atan2.*string"):
        tw.atan2(tw.tensor(["a"]), tw.tensor(["b"]))


# ---- kernels ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["Sigmoid", "Tanh", "Relu", "Relu6", "Exp", "Sqrt", "Abs", "Neg", "Erf",
                                  "Softplus", "Selu", "Elu", "Rsqrt", "Round", "IsNan"])
def test_kernels_write_into_out_and_leave_inputs_alone(name):
    fn = registry.get_kernel(name, "numpy")
    x = np.array([-1.5, 0.25, 2.0, 7.0], np.float32)
    x.setflags(write=False)
    expected = fn(x)
    out = np.empty_like(expected)
    r = fn(x, out=out)
    assert r is out
    np.testing.assert_array_equal(out, expected)
    assert x.tolist() == [-1.5, 0.25, 2.0, 7.0]


def test_kernels_never_return_float64():
    x = np.array([1, 2], np.int32)
    for name in ("Exp", "LeakyRelu", "Acos", "Round", "Erf"):
        fn = registry.get_kernel(name, "numpy")
        r = fn(x.astype(np.float32)) if name == "Erf" else fn(x)
        assert r.dtype != np.float64, name
    assert registry.get_kernel("Prelu", "numpy")(x, x).dtype == np.float32


# ---- gradients ----------------------------------------------------------------------------------

# op -> inputs away from kinks, poles and domain edges
GRAD_INPUTS = {
    "abs": [-1.5, -0.3, 0.4, 2.0], "acos": [-0.8, -0.2, 0.3, 0.7], "acosh": [1.2, 1.7, 2.5, 3.0],
    "asin": [-0.8, -0.2, 0.3, 0.7], "asinh": [-2.0, -0.3, 0.4, 1.5], "atan": [-2.0, -0.3, 0.4, 1.5],
    "atanh": [-0.8, -0.2, 0.3, 0.7], "ceil": [-1.3, 0.4, 2.7], "cos": [-2.0, -0.3, 0.4, 1.5],
    "cosh": [-2.0, -0.3, 0.4, 1.5], "elu": [-2.0, -0.3, 0.4, 1.5], "erf": [-2.0, -0.3, 0.4, 1.5, 2.7],
    "exp": [-2.0, -0.3, 0.4, 1.5], "expm1": [-2.0, -0.3, 0.4, 1.5], "floor": [-1.3, 0.4, 2.7],
    "log": [0.3, 1.0, 2.5], "log1p": [-0.5, 0.3, 2.5], "log_sigmoid": [-3.0, -0.3, 0.4, 2.0],
    "neg": [-2.0, 0.4], "reciprocal": [-2.0, -0.3, 0.4, 1.5], "relu": [-2.0, -0.3, 0.4, 1.5],
    "relu6": [-1.0, 0.5, 5.0, 7.0], "round": [-1.3, 0.4, 2.7], "rsqrt": [0.3, 1.0, 2.5],
    "selu": [-2.0, -0.3, 0.4, 1.5], "sigmoid": [-2.0, -0.3, 0.4, 1.5], "sign": [-1.3, 0.4, 2.7],
    "sin": [-2.0, -0.3, 0.4, 1.5], "sinh": [-2.0, -0.3, 0.4, 1.5], "softplus": [-2.0, -0.3, 0.4, 1.5],
    "sqrt": [0.3, 1.0, 2.5], "square": [-2.0, -0.3, 0.4, 1.5], "tan": [-1.0, -0.3, 0.4, 1.2],
    "tanh": [-2.0, -0.3, 0.4, 1.5], "step": [-1.3, 0.4, 2.7], "leaky_relu": [-2.0, -0.3, 0.4, 1.5],
}


@pytest.mark.parametrize("name", sorted(GRAD_INPUTS))
def test_unary_gradients(name):
    check_gradients(getattr(tw, name), [np.array(GRAD_INPUTS[name])])


def test_gradients_with_attributes_and_two_inputs():
    x = np.array([[-1.5, -0.3, 0.4], [1.2, 2.6, -2.2]])
    check_gradients(lambda t: tw.leaky_relu(t, 0.3), [x])
    check_gradients(lambda t: tw.clip_by_value(t, -1.0, 1.0), [x])
    check_gradients(tw.prelu, [x, np.array([0.1, 0.5, 2.0])])
    check_gradients(tw.prelu, [x, np.array([[0.3], [0.7]])])
    check_gradients(tw.atan2, [x, np.array([0.5, -1.2, 2.0])])
    check_gradients(tw.atan2, [np.array([0.7, -0.4]), np.array([[1.5], [-0.5]])])


def test_second_order_gradients():
    # d2/dx2 tanh = -2 tanh (1 - tanh^2); d2/dx2 sigmoid = s (1 - s) (1 - 2 s)
    x = np.array([-1.0, 0.3, 1.2])
    check_gradients(lambda t: tw.grad(tw.tanh)(t), [x])
    check_gradients(lambda t: tw.grad(tw.sigmoid)(t), [x])
    check_gradients(lambda t: tw.grad(tw.erf)(t), [x])
    g2 = tw.grad(lambda t: tw.grad(tw.sin)(t))(tw.tensor(x))
    np.testing.assert_allclose(g2.numpy(), -np.sin(x), rtol=1e-6)


@pytest.mark.parametrize("kernel", ["IsNan", "IsInf", "IsFinite"])
def test_predicate_gradients_are_zero(kernel):
    x = tw.tensor([1.0, NAN])
    dy = tw.ones((2,))
    (dx,) = registry.get_gradient(kernel)(dy, (x,), (tw.is_nan(x),), {})
    assert dx.tolist() == [0.0, 0.0]


def test_complex_abs_gradient_is_z_over_abs_z():
    z = tw.complex([3.0, 0.0], [4.0, 0.0])
    y = tw.abs(z)
    (dz,) = registry.get_gradient("ComplexAbs")(tw.tensor([2.0, 1.0]), (z,), (y,), {})
    assert dz.dtype == "complex64"
    np.testing.assert_allclose(dz.numpy(), [2 * (3 + 4j) / 5, 0])
