"""Activation layers: ReLU, LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax."""

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import InvalidArgumentError, ShapeError
from tensorweb.layers import activation as A
from tensorweb.layers.serialization import deserialize
from tensorweb.testing import check_gradients

from .keras_fixtures import round_trip, run_keras_case, symbolic_matches, with_weight


@pytest.mark.parametrize("name", ["relu_default", "relu_max_slope_threshold", "leaky_relu_default",
                                  "leaky_relu_0.2", "prelu", "prelu_shared_axes", "elu_default", "elu_alpha_0.5",
                                  "softmax_default", "softmax_axis1", "softmax_with_mask"])
def test_matches_keras(name):
    run_keras_case(name)


X = np.array([[-3.0, -1.0, -0.2, 0.0, 0.25, 0.5, 1.0, 2.5, 7.0]], dtype=np.float32)


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def test_relu_variants_numpy():
    np.testing.assert_allclose(A.ReLU()(X).numpy(), np.maximum(X, 0))
    y = np.where(X > 0.3, X, 0.1 * (X - 0.3))
    np.testing.assert_allclose(A.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.3)(X).numpy(),
                               np.minimum(y, 1.5), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(A.ReLU(max_value=6.0)(X).numpy(), np.clip(X, 0, 6))
    np.testing.assert_allclose(A.LeakyReLU()(X).numpy(), np.where(X >= 0, X, 0.3 * X), rtol=1e-6)
    np.testing.assert_allclose(A.LeakyReLU(alpha=0.1)(X).numpy(), np.where(X >= 0, X, 0.1 * X), rtol=1e-6)
    np.testing.assert_allclose(A.ELU(alpha=0.5)(X).numpy(), np.where(X > 0, X, 0.5 * np.expm1(X)), rtol=1e-6)
    np.testing.assert_allclose(A.ThresholdedReLU()(X).numpy(), np.where(X > 1.0, X, 0))
    np.testing.assert_allclose(A.ThresholdedReLU(theta=0.25)(X).numpy(), np.where(X > 0.25, X, 0))


def test_prelu_weights_and_shared_axes():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    layer = A.PReLU(alpha_initializer="ones")
    np.testing.assert_allclose(layer(x).numpy(), x)  # alpha = 1: identity
    assert layer.weight_paths() == [f"{layer.name}/alpha"] and layer.get_weights()[0].shape == (3, 4)
    shared = A.PReLU(shared_axes=[1])
    shared(x)
    alpha = rng.normal(size=(1, 4)).astype(np.float32)
    shared.set_weights([alpha])
    np.testing.assert_allclose(shared(x).numpy(), np.where(x > 0, x, alpha * x), rtol=1e-6)
    assert A.PReLU(shared_axes=2).shared_axes == [2]


def test_softmax_axes_and_mask():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    np.testing.assert_allclose(A.Softmax()(x).numpy(), _softmax(x, -1), rtol=1e-5)
    np.testing.assert_allclose(A.Softmax(axis=1)(x).numpy(), _softmax(x, 1), rtol=1e-5)
    np.testing.assert_allclose(A.Softmax(axis=[1, 2])(x).numpy(), _softmax(x.reshape(2, 12), -1).reshape(2, 3, 4),
                               rtol=1e-5)
    mask = np.array([[True, False, True, True]])  # broadcast over the batch and rows
    y = A.Softmax()(x, mask=tw.tensor(mask)).numpy()
    ref = _softmax(np.where(mask, x, -1e9), -1) * mask
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-7)
    assert np.all(y[..., 1] == 0)
    fmask = tw.tensor(mask.astype(np.float32))  # non-bool masks: > 0.5 keeps
    np.testing.assert_allclose(A.Softmax()(x, mask=fmask).numpy(), ref, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("make", [
    lambda: A.ReLU(max_value=2.0, negative_slope=0.1, threshold=0.5), lambda: A.LeakyReLU(0.2),
    lambda: A.PReLU(alpha_initializer="ones", shared_axes=[1, 2], alpha_regularizer="l2",
                    alpha_constraint="non_neg"),
    lambda: A.ELU(0.7), lambda: A.ThresholdedReLU(0.4), lambda: A.Softmax(axis=[1, 2])])
def test_config_round_trip(make):
    round_trip(make())


def test_tfjs_configs():
    leaky = deserialize({"class_name": "LeakyReLU", "config": {"alpha": 0.1, "name": "lr", "trainable": True,
                                                              "batch_input_shape": [None, 9]}}, "layer")
    assert leaky.negative_slope == 0.1 and leaky.get_config()["negative_slope"] == 0.1
    assert leaky.get_config()["batch_input_shape"] == [None, 9]
    th = deserialize({"class_name": "ThresholdedReLU", "config": {"theta": 0.5, "name": "t"}}, "layer")
    np.testing.assert_allclose(th(X).numpy(), np.where(X > 0.5, X, 0))
    relu = deserialize({"class_name": "ReLU", "config": {"max_value": 1.0, "name": "r"}}, "layer")
    np.testing.assert_allclose(relu(X).numpy(), np.clip(X, 0, 1))


def test_symbolic_shapes():
    x = np.random.default_rng(2).normal(size=(2, 3, 4)).astype(np.float32)
    for layer in [A.ReLU(), A.LeakyReLU(), A.PReLU(shared_axes=[1]), A.ELU(), A.ThresholdedReLU(),
                  A.Softmax(axis=1)]:
        symbolic_matches(layer, (3, 4), x)


def test_gradients():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 3)).astype(np.float32)
    x[np.abs(x) < 0.1] = 0.5  # stay away from kinks
    x[np.abs(x - 1.0) < 0.1] = 0.5
    for layer in [A.ReLU(max_value=5.0, negative_slope=0.2), A.LeakyReLU(), A.ELU(0.5), A.ThresholdedReLU(),
                  A.Softmax(), A.Softmax(axis=0)]:
        check_gradients(lambda t, l=layer: l(t), [x])
    prelu = A.PReLU(alpha_initializer="ones")
    prelu(x)
    prelu.set_weights([np.full((3,), 0.3, np.float32)])
    check_gradients(lambda t: prelu(t), [x])
    check_gradients(with_weight(prelu, "alpha", x), [np.array([0.1, 0.5, -0.2], np.float32)])
    sm = A.Softmax()
    mask = tw.tensor(np.array([[True, False, True]]))
    check_gradients(lambda t: sm(t, mask=mask), [x])


def test_errors():
    with pytest.raises(InvalidArgumentError, match="ReLU: max_value cannot be negative"):
        A.ReLU(max_value=-1.0)
    with pytest.raises(InvalidArgumentError, match="LeakyReLU: negative_slope"):
        A.LeakyReLU(negative_slope=-0.1)
    with pytest.raises(InvalidArgumentError, match="ThresholdedReLU: theta"):
        A.ThresholdedReLU(theta="big")
    prelu = A.PReLU()
    prelu(np.zeros((2, 3, 4), np.float32))
    with pytest.raises(ShapeError, match=r"PReLU .*\[None, 3, 4\].*\[2, 3, 5\]|PReLU .*\[2, 3, 4\].*\[2, 3, 5\]"):
        prelu(np.zeros((2, 3, 5), np.float32))
    with pytest.raises(InvalidArgumentError, match="PReLU .*shared_axes"):
        A.PReLU(shared_axes=[3])(np.zeros((2, 3, 4), np.float32))
    with pytest.raises(ShapeError, match=r"Softmax .*broadcastable.*\[2, 3\].*\[2, 4\]"):
        A.Softmax()(np.zeros((2, 3), np.float32), mask=tw.tensor(np.ones((2, 4), bool)))
