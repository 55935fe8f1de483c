import math

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import InvalidArgumentError
from tensorweb.layers import activations as A
from tensorweb.testing import check_gradients

X = np.array([[-4.0, -2.5, -1.0, -0.3, 0.2], [0.7, 1.5, 2.6, 4.0, 7.5]])
SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805


def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_softplus(x):
    return np.log1p(np.exp(x))


def np_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def np_gelu_exact(x):
    return np.vectorize(lambda v: 0.5 * v * (1 + math.erf(v / math.sqrt(2))))(x)


def np_gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


REFERENCES = {
    "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "selu": lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x)),
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6),
    "leaky_relu": lambda x: np.where(x >= 0, x, 0.2 * x),
    "linear": lambda x: x,
    "sigmoid": np_sigmoid,
    "hard_sigmoid": lambda x: np.clip(x / 6 + 0.5, 0, 1),
    "softplus": np_softplus,
    "softsign": lambda x: x / (np.abs(x) + 1),
    "tanh": np.tanh,
    "softmax": lambda x: np_softmax(x, -1),
    "log_softmax": lambda x: np.log(np_softmax(x, -1)),
    "gelu": np_gelu_exact,
    "gelu_new": np_gelu_tanh,
    "mish": lambda x: x * np.tanh(np_softplus(x)),
    "swish": lambda x: x * np_sigmoid(x),
    "silu": lambda x: x * np_sigmoid(x),
    "hard_silu": lambda x: x * np.clip(x / 6 + 0.5, 0, 1),
    "hard_swish": lambda x: x * np.clip(x / 6 + 0.5, 0, 1),
    "exponential": np.exp,
    "crelu": lambda x: np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], -1),
}


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_values_against_numpy(name):
    fn = A.get(name)
    out = fn(tw.tensor(X))
    np.testing.assert_allclose(out.numpy(), REFERENCES[name](X), rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("name", sorted(set(REFERENCES) - {"linear"}))
def test_gradients(name):
    check_gradients(A.get(name), [X], rtol=1e-4, atol=1e-6)


def test_gelu_exact_default_and_approximate_flag():
    x = np.array([-3.0, -1.0, -0.1, 0.0, 0.5, 2.0])
    np.testing.assert_allclose(A.gelu(tw.tensor(x)).numpy(), np_gelu_exact(x), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(A.gelu(tw.tensor(x), approximate=True).numpy(), np_gelu_tanh(x),
                               rtol=1e-5, atol=1e-7)
    # the two forms really differ
    assert abs(A.gelu(tw.tensor([-1.0])).tolist()[0] - np_gelu_tanh(np.array([-1.0]))[0]) > 1e-4
    check_gradients(lambda t: A.gelu(t, approximate=True), [x])


def test_relu_keras3_arguments():
    x = tw.tensor([-10.0, -5.0, 0.0, 5.0, 10.0])
    assert A.relu(x).tolist() == [0, 0, 0, 5, 10]
    assert A.relu(x, negative_slope=0.5).tolist() == [-5, -2.5, 0, 5, 10]
    assert A.relu(x, max_value=5.0).tolist() == [0, 0, 0, 5, 5]
    assert A.relu(x, threshold=5.0).tolist() == [0, 0, 0, 0, 10]

    def ref(v, ns, mv, th):
        y = np.where(v > th, v, 0.0)
        if mv is not None:
            y = np.minimum(y, mv)
        return y - ns * np.maximum(th - v, 0)
    xs = np.array([[-3.1, -0.7, 0.6, 1.4, 2.9, 6.8]])
    for ns, mv, th in [(0.3, 6.0, 1.0), (0.0, 2.5, 0.5), (0.1, None, -1.0), (0.2, 4.0, 0.0), (0.0, 6, 0.0)]:
        out = A.relu(tw.tensor(xs), negative_slope=ns, max_value=mv, threshold=th).numpy()
        np.testing.assert_allclose(out, ref(xs, ns, mv, th), rtol=1e-6, err_msg=str((ns, mv, th)))
        check_gradients(lambda t: A.relu(t, negative_slope=ns, max_value=mv, threshold=th), [xs])


def test_elu_alpha_and_leaky_relu_slope():
    out = A.elu(tw.tensor(X), alpha=0.5).numpy()
    np.testing.assert_allclose(out, np.where(X > 0, X, 0.5 * np.expm1(X)), rtol=1e-5, atol=1e-7)
    check_gradients(lambda t: A.elu(t, alpha=2.0), [X])
    big = A.elu(tw.tensor([100.0, -100.0]), alpha=0.5).tolist()
    assert big == [100.0, -0.5]
    np.testing.assert_allclose(A.leaky_relu(tw.tensor(X), 0.1).numpy(), np.where(X >= 0, X, 0.1 * X), rtol=1e-6)


def test_hard_sigmoid_is_keras3_relu6_form():
    x = tw.tensor([-4.0, -3.0, -1.5, 0.0, 1.5, 3.0, 4.0])
    np.testing.assert_allclose(A.hard_sigmoid(x).numpy(), [0, 0, 0.25, 0.5, 0.75, 1, 1], atol=1e-7)


@pytest.mark.parametrize("axis", [0, 1, -2, 2, [0, 2], (1, 2)])
def test_softmax_and_log_softmax_any_axis(axis):
    x = np.random.default_rng(1).normal(size=(2, 3, 4))
    ax = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    np.testing.assert_allclose(A.softmax(tw.tensor(x), axis).numpy(), np_softmax(x, ax), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(A.log_softmax(tw.tensor(x), axis).numpy(), np.log(np_softmax(x, ax)),
                               rtol=1e-5, atol=1e-6)
    check_gradients(lambda t: A.softmax(t, axis), [x[:, :2, :3]])
    check_gradients(lambda t: A.log_softmax(t, axis), [x[:, :2, :3]])


def test_softmax_1d_and_errors():
    np.testing.assert_allclose(A.softmax(tw.tensor([1.0, 2.0, 3.0])).numpy(), np_softmax(np.array([1., 2, 3]), -1),
                               rtol=1e-6)
    with pytest.raises(InvalidArgumentError, match="softmax: axis"):
        A.softmax(tw.ones([2, 3]), 2)
    with pytest.raises(InvalidArgumentError, match="softmax: axis"):
        A.softmax(tw.ones([2, 3]), [0, 0])
    with pytest.raises(InvalidArgumentError, match="log_softmax.*scalar"):
        A.log_softmax(tw.scalar(1.0))


def test_crelu_axis():
    x = np.array([[1.0, -2.0], [-3.0, 4.0]])
    out = A.crelu(tw.tensor(x), axis=0).numpy()
    np.testing.assert_array_equal(out, np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], 0))


def test_int_inputs_are_computed_in_float():
    out = A.sigmoid(tw.tensor([0, 1]))
    assert out.dtype == "float32"
    np.testing.assert_allclose(out.numpy(), np_sigmoid(np.array([0.0, 1.0])), rtol=1e-6)


def test_get_and_aliases():
    assert A.get(None) is A.linear
    assert A.get("relu") is A.relu
    assert A.get("hardSigmoid") is A.hard_sigmoid
    assert A.get("logSoftmax") is A.log_softmax
    assert A.get("gelu_new") is A.gelu_new
    assert A.get("swish") is A.swish and A.get("silu") is A.silu

    def custom(x):
        return x * 2
    assert A.get(custom) is custom
    # Keras 3's dict form for functions, and TF.js-style {"class_name": name}
    assert A.get({"module": "keras.activations", "class_name": "function", "config": "tanh",
                  "registered_name": None}) is A.tanh
    assert A.get({"class_name": "elu", "config": {}}) is A.elu
    assert A.deserialize("softmax") is A.softmax


def test_serialize_builtins_as_names():
    for name in REFERENCES:
        assert A.serialize(A.get(name)) == name
        assert A.get(A.serialize(A.get(name))) is A.get(name)
    assert A.serialize(None) == "linear"
    assert A.serialize("relu") == "relu"


def test_custom_functions_serialize_only_when_registered():
    def scaled(x):
        return x * 3
    with pytest.raises(InvalidArgumentError, match="not a built-in activation.*register_class"):
        A.serialize(scaled)
    tw.layers.serialization.register_class(scaled, package="test_act")
    s = A.serialize(scaled)
    assert s["class_name"] == "function" and s["config"] == "test_act>scaled"
    assert A.deserialize(s) is scaled
    assert A.deserialize({"class_name": "function", "config": "mine"}, custom_objects={"mine": scaled}) is scaled


def test_unknown_names_list_valid_ones():
    with pytest.raises(InvalidArgumentError, match=r"unknown activation 'relu7'; valid names: .*relu6.*tanh"):
        A.get("relu7")
    with pytest.raises(InvalidArgumentError, match="unknown activation 'nope'"):
        A.deserialize({"class_name": "function", "config": "nope"})
    with pytest.raises(InvalidArgumentError, match="could not interpret"):
        A.get(5)
    with pytest.raises(InvalidArgumentError, match="relu: negative_slope"):
        A.relu(tw.ones([2]), negative_slope="x")
