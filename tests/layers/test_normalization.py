"""BatchNormalization and LayerNormalization: Keras fixtures, independent NumPy, moving statistics, masks,
configs, functional shapes, gradients and errors."""
import json

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import InvalidArgumentError, ShapeError
from tensorweb.layers import normalization as N
from tensorweb.layers.functional import Input, Model
from tensorweb.layers.serialization import deserialize, serialize
from tensorweb.testing import check_gradients, high_precision

from .keras_fixtures import keras_arrays, keras_cases

CLASSES = {"BatchNormalization", "LayerNormalization"}


_CASES = keras_cases(CLASSES)


@pytest.mark.parametrize("case", _CASES, ids=[c["name"] for c in _CASES])
def test_matches_keras_fixture(case):
    arrays = keras_arrays()
    layer = deserialize({"class_name": case["class_name"], "config": case["config"]}, "layer")
    x = arrays[case["inputs"][0]["key"]]
    layer(x)  # build (inference: no state change)
    assert layer.weight_paths() == case["weight_names"]
    assert [v.trainable for v in layer.weights] == case["weight_trainable"]
    layer.set_weights([arrays[k] for k in case["weights"]])
    y = layer(x, training=case["training"])
    np.testing.assert_allclose(y.numpy(), arrays[case["outputs"][0]], rtol=1e-5, atol=1e-5)
    after = case.get("weights_after", case["weights"])
    for w, k in zip(layer.get_weights(), after):
        np.testing.assert_allclose(w, arrays[k], rtol=1e-6, atol=1e-6)
    assert tuple(layer.compute_output_shape(x.shape)) == tuple(case["output_shapes"][0])
    assert json.loads(json.dumps(layer.get_config())) == case["config"]
    assert layer.get_build_config() == case["build_config"]


# ---- independent NumPy ---------------------------------------------------------------------------------

def np_bn(x, mean, var, gamma, beta, axis, eps):
    shape = [1] * x.ndim
    shape[axis] = -1
    y = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    if gamma is not None:
        y = y * gamma.reshape(shape)
    return y + beta.reshape(shape) if beta is not None else y


def _rand(rng, *shape, low=None, high=None):
    if low is not None:
        return rng.uniform(low, high, size=shape).astype(np.float32)
    return rng.normal(size=shape).astype(np.float32)


@pytest.mark.parametrize("axis", [-1, 1])
def test_batchnorm_training_updates_moving_statistics(axis):
    rng = np.random.default_rng(0)
    x = _rand(rng, 4, 3, 5) * 2 + 1
    bn = N.BatchNormalization(axis=axis, momentum=0.8, epsilon=0.01)
    bn(x)
    d = x.shape[axis]
    gamma, beta = _rand(rng, d, low=0.5, high=1.5), _rand(rng, d)
    mm, mv = _rand(rng, d), _rand(rng, d, low=0.5, high=1.5)
    bn.set_weights([gamma, beta, mm, mv])
    red = tuple(i for i in range(3) if i != axis % 3)
    bm, bv = x.mean(axis=red), x.var(axis=red)  # biased variance
    y = bn(x, training=True)
    np.testing.assert_allclose(y.numpy(), np_bn(x, bm, bv, gamma, beta, axis, 0.01), rtol=1e-5, atol=1e-5)
    new_mm, new_mv = mm * 0.8 + bm * 0.2, mv * 0.8 + bv * 0.2
    np.testing.assert_allclose(bn.moving_mean.numpy(), new_mm, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bn.moving_variance.numpy(), new_mv, rtol=1e-5, atol=1e-6)
    # inference uses the (updated) moving statistics and changes nothing
    y = bn(x)
    np.testing.assert_allclose(y.numpy(), np_bn(x, new_mm, new_mv, gamma, beta, axis, 0.01), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(bn.moving_mean.numpy(), new_mm, rtol=1e-5, atol=1e-6)


def test_batchnorm_frozen_layer_runs_in_inference_mode():
    rng = np.random.default_rng(1)
    x = _rand(rng, 6, 4)
    bn = N.BatchNormalization()
    bn(x)
    bn.trainable = False
    before = bn.get_weights()
    y = bn(x, training=True)
    np.testing.assert_allclose(y.numpy(), x / np.sqrt(1 + 1e-3), rtol=1e-6)
    for a, b in zip(before, bn.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert bn.trainable_weights == [] and len(bn.non_trainable_weights) == 4


def test_batchnorm_masked_training_statistics():
    rng = np.random.default_rng(2)
    x = _rand(rng, 3, 4, 2)
    mask = rng.uniform(size=(3, 4)) > 0.4
    mask[0, 0] = True
    bn = N.BatchNormalization(momentum=0.5, center=False, scale=False)
    y = bn(x, training=True, mask=mask)
    sel = x[mask]  # (n, 2)
    n = mask.sum() + 1e-7
    mean = sel.sum(0) / n
    var = ((sel - mean) ** 2).sum(0) / n
    np.testing.assert_allclose(y.numpy(), (x - mean) / np.sqrt(var + 1e-3), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.5 * mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bn.moving_variance.numpy(), 0.5 + 0.5 * var, rtol=1e-5, atol=1e-6)
    assert bn.compute_mask(x, mask) is mask


def test_batchnorm_training_leaks_nothing_and_stays_out_of_gradients():
    rng = np.random.default_rng(3)
    x = tw.tensor(_rand(rng, 5, 3))
    bn = N.BatchNormalization()
    bn(x)
    before = tw.memory().num_tensors
    for _ in range(3):
        with tw.tidy():
            bn(x, training=True)
    assert tw.memory().num_tensors == before
    # the update reads values only: gradients w.r.t. the input are those of the normalization alone
    g = tw.grad(lambda t: tw.sum(tw.mul(bn(t, training=True), tw.tensor(np.arange(15, dtype=np.float32)
                                                                         .reshape(5, 3)))))(x)
    assert g.shape == (5, 3) and np.all(np.isfinite(g.numpy()))
    g.dispose()
    x.dispose()
    bn.dispose()


def test_layernorm_single_and_multiple_axes():
    rng = np.random.default_rng(4)
    x = _rand(rng, 2, 3, 4) * 3
    ln = N.LayerNormalization(axis=[2, 1], epsilon=0.01)
    ln(x)
    gamma, beta = _rand(rng, 3, 4), _rand(rng, 3, 4)
    ln.set_weights([gamma, beta])
    assert ln.axis == [1, 2] and ln.weight_paths()[0].endswith("/gamma")
    m = x.mean(axis=(1, 2), keepdims=True)
    v = x.var(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(ln(x).numpy(), (x - m) / np.sqrt(v + 0.01) * gamma + beta, rtol=1e-5, atol=1e-5)
    ln1 = N.LayerNormalization(center=False)
    assert ln1.get_config()["axis"] == -1
    ln1(x)
    assert ln1.get_config()["axis"] == [-1]  # as Keras: a list once built
    m = x.mean(-1, keepdims=True)
    v = x.var(-1, keepdims=True)
    np.testing.assert_allclose(ln1(x).numpy(), (x - m) / np.sqrt(v + 1e-3), rtol=1e-5, atol=1e-5)
    assert [p.split("/")[-1] for p in ln1.weight_paths()] == ["gamma"]
    ln2 = N.LayerNormalization(axis=1, rms_scaling=True)
    ln2(x)
    g = _rand(rng, 3)
    ln2.set_weights([g])
    v = x.var(1, keepdims=True)
    np.testing.assert_allclose(ln2(x).numpy(), x / np.sqrt(v + 1e-3) * g[None, :, None], rtol=1e-5, atol=1e-5)


# ---- configs, functional shapes ------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: N.BatchNormalization(axis=1, momentum=0.9, epsilon=0.01, center=False, gamma_regularizer="l2",
                                 beta_constraint="non_neg", moving_variance_initializer="zeros"),
    lambda: N.LayerNormalization(axis=[1, 2], epsilon=0.1, scale=False, beta_initializer="ones"),
    lambda: N.LayerNormalization(rms_scaling=True),
])
def test_config_round_trip(make):
    layer = make()
    config = json.loads(json.dumps(layer.get_config()))
    clone = type(layer).from_config(config)
    assert json.loads(json.dumps(clone.get_config())) == config
    again = deserialize(json.loads(json.dumps(serialize(layer))), "layer")
    assert type(again) is type(layer) and again.get_config() == clone.get_config()


def test_tf_keras_style_configs():
    bn = N.BatchNormalization.from_config({"name": "bn", "axis": [3], "momentum": 0.9, "epsilon": 1e-5,
                                           "center": True, "scale": True, "fused": None, "trainable": True,
                                           "batch_input_shape": [None, 4, 4, 2]})
    assert bn.axis == 3
    x = np.ones((1, 4, 4, 2), np.float32)
    assert bn(x).shape == (1, 4, 4, 2) and bn.gamma.shape == (2,)


@pytest.mark.parametrize("make,shape", [
    (lambda: N.BatchNormalization(axis=1), (None, 3, 5)),
    (lambda: N.LayerNormalization(axis=[1, 2]), (None, 3, 5)),
])
def test_functional_model_shapes(make, shape):
    layer = make()
    inp = Input(shape[1:])
    out = layer(inp)
    assert out.shape == tuple(layer.compute_output_shape(shape)) == shape
    model = Model(inp, out)
    x = np.random.default_rng(5).normal(size=(2, *shape[1:])).astype(np.float32)
    assert model(x).shape == (2, *shape[1:])
    model.dispose()


def test_batchnorm_in_model_training_flag():
    inp = Input((3,))
    bn = N.BatchNormalization(momentum=0.0)
    model = Model(inp, bn(inp))
    x = np.array([[1, 2, 3], [3, 4, 9]], np.float32)
    model(x, training=True)
    np.testing.assert_allclose(bn.moving_mean.numpy(), [2, 3, 6], rtol=1e-6)
    np.testing.assert_allclose(bn.moving_variance.numpy(), [1, 1, 9], rtol=1e-6)


# ---- gradients -----------------------------------------------------------------------------------------

def _swap_grad_fn(layer, attr, **call_kwargs):
    def f(x, w):
        old = getattr(layer, attr)
        object.__setattr__(layer, attr, w)
        try:
            return layer(x, **call_kwargs)
        finally:
            object.__setattr__(layer, attr, old)
    return f


@pytest.mark.parametrize("training", [False, True])
def test_batchnorm_gradients(training):
    rng = np.random.default_rng(6)
    x = _rand(rng, 4, 3)
    with high_precision():
        bn = N.BatchNormalization()
        bn(x)
        bn.set_weights([_rand(rng, 3, low=0.5, high=1.5), _rand(rng, 3), _rand(rng, 3),
                        _rand(rng, 3, low=0.5, high=1.5)])
    check_gradients(lambda t: bn(t, training=training), [x], rtol=1e-4, atol=1e-5)
    for attr in ("gamma", "beta"):
        check_gradients(_swap_grad_fn(bn, attr, training=training), [x, getattr(bn, attr).numpy()],
                        rtol=1e-4, atol=1e-5)


def test_layernorm_gradients():
    rng = np.random.default_rng(7)
    x = _rand(rng, 2, 3, 4)
    with high_precision():
        ln = N.LayerNormalization(axis=[1, 2])
        ln(x)
        ln.set_weights([_rand(rng, 3, 4), _rand(rng, 3, 4)])
    check_gradients(lambda t: ln(t), [x], rtol=1e-4, atol=1e-5)
    check_gradients(_swap_grad_fn(ln, "gamma"), [x, ln.gamma.numpy()], rtol=1e-4, atol=1e-5)
    check_gradients(_swap_grad_fn(ln, "beta"), [x, ln.beta.numpy()], rtol=1e-4, atol=1e-5)


# ---- errors --------------------------------------------------------------------------------------------

def test_errors():
    bn = N.BatchNormalization(name="my_bn")
    bn(np.zeros((2, 3), np.float32))
    with pytest.raises(ShapeError, match=r"BatchNormalization 'my_bn'.*dimension 3.*got shape \[2, 4\]"):
        bn(np.zeros((2, 4), np.float32))
    with pytest.raises(ShapeError, match=r"BatchNormalization 'my_bn'.*rank 2.*got shape \[2, 2, 3\]"):
        bn(np.zeros((2, 2, 3), np.float32))
    with pytest.raises(ShapeError, match="BatchNormalization 'bn2'.*axis 3 is out of bounds"):
        N.BatchNormalization(axis=3, name="bn2")(np.zeros((2, 3), np.float32))
    with pytest.raises(ShapeError, match="BatchNormalization 'bn3'.*mask.*one dimension less"):
        N.BatchNormalization(name="bn3")(np.zeros((2, 3, 4), np.float32), training=True,
                                         mask=np.ones((2, 3, 4), bool))
    with pytest.raises(InvalidArgumentError, match="renorm"):
        N.BatchNormalization(renorm=True)
    with pytest.raises(InvalidArgumentError, match="axis"):
        N.BatchNormalization(axis=[1, 2])
    ln = N.LayerNormalization(name="my_ln")
    ln(np.zeros((2, 3), np.float32))
    with pytest.raises(ShapeError, match=r"LayerNormalization 'my_ln'.*dimensions \[3\].*got shape \[2, 5\]"):
        ln(np.zeros((2, 5), np.float32))
    with pytest.raises(InvalidArgumentError, match="LayerNormalization: axis"):
        N.LayerNormalization(axis="x")
    with pytest.raises(ShapeError, match="LayerNormalization 'ln2'.*axis 2 is out of bounds"):
        N.LayerNormalization(axis=2, name="ln2")(np.zeros((2, 3), np.float32))
