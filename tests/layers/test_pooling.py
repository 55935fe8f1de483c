"""Pooling layers: Keras fixtures, independent NumPy pooling, shapes, configs, masks, gradients, errors."""
import json

import numpy as np
import pytest

from tensorweb.errors import InvalidArgumentError, ShapeError
from tensorweb.layers import pooling as P
from tensorweb.layers.functional import Input, Model
from tensorweb.layers.serialization import deserialize
from tensorweb.testing import check_gradients

from .keras_fixtures import keras_arrays, keras_cases

POOL_CLASSES = {"MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
                "AveragePooling3D", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
                "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D"}


_CASES = keras_cases(POOL_CLASSES)


def np_pool(x, pool, strides, padding, mode):
    """Channels-last N-D pooling; 'same' pads TF's way (more at the end) and leaves the padding out of both
    the max and the mean."""
    nd = x.ndim - 2
    pads, outs = [], []
    for size, p, s in zip(x.shape[1:-1], pool, strides):
        if padding == "same":
            out = -(-size // s)
            total = max((out - 1) * s + p - size, 0)
            pads.append((total // 2, total - total // 2))
        else:
            out = (size - p) // s + 1
            pads.append((0, 0))
        outs.append(out)
    fill = -np.inf if mode == "max" else 0.0
    xp = np.pad(x.astype(np.float64), [(0, 0), *pads, (0, 0)], constant_values=fill)
    ones = np.pad(np.ones(x.shape[1:-1]), pads)
    y = np.zeros((x.shape[0], *outs, x.shape[-1]))
    for pos in np.ndindex(*outs):
        sl = tuple(slice(o * s, o * s + p) for o, s, p in zip(pos, strides, pool))
        win = xp[(slice(None), *sl)]
        axes = tuple(range(1, nd + 1))
        if mode == "max":
            y[(slice(None), *pos)] = win.max(axis=axes)
        else:
            y[(slice(None), *pos)] = win.sum(axis=axes) / ones[sl].sum()
    return y


# Keras' torch backend pads asymmetric 'same' average pools with replicated edge values that count in the
# mean; Keras' TF and JAX backends (and TF.js) leave padding out of the mean, which is what tensorweb does.
TORCH_REPLICATE_CASES = {"avgpool2d_3_stride2_same", "avgpool3d_same"}


@pytest.mark.parametrize("case", _CASES, ids=[c["name"] for c in _CASES])
def test_matches_keras_fixture(case):
    arrays = keras_arrays()
    layer = deserialize({"class_name": case["class_name"], "config": case["config"]}, "layer")
    x = arrays[case["inputs"][0]["key"]]
    y = layer(x)
    expected = arrays[case["outputs"][0]]
    assert list(y.shape) == case["output_shapes"][0]
    assert tuple(layer.compute_output_shape(x.shape)) == expected.shape
    if case["name"] in TORCH_REPLICATE_CASES:
        cfg = case["config"]
        np.testing.assert_allclose(y.numpy(), np_pool(x, cfg["pool_size"], cfg["strides"], "same", "average"),
                                   rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_allclose(y.numpy(), expected, rtol=1e-5, atol=1e-6)
    assert json.loads(json.dumps(layer.get_config())) == case["config"]
    assert layer.weights == []


@pytest.mark.parametrize("cls,kwargs,shape", [
    (P.MaxPooling1D, {}, (2, 9, 3)),
    (P.MaxPooling1D, dict(pool_size=3, strides=2, padding="same"), (2, 8, 3)),
    (P.AveragePooling1D, dict(pool_size=3, strides=2, padding="same"), (2, 8, 3)),
    (P.AveragePooling1D, dict(pool_size=2, strides=1), (2, 5, 2)),
    (P.MaxPooling2D, {}, (2, 7, 6, 3)),
    (P.MaxPooling2D, dict(pool_size=(3, 2), strides=(2, 1), padding="same"), (2, 7, 6, 3)),
    (P.AveragePooling2D, dict(pool_size=(3, 3), strides=2, padding="same"), (2, 6, 7, 3)),
    (P.AveragePooling2D, dict(pool_size=(2, 3), strides=1), (2, 6, 7, 3)),
    (P.MaxPooling3D, dict(pool_size=3, strides=2, padding="same"), (2, 5, 4, 6, 2)),
    (P.AveragePooling3D, dict(pool_size=3, strides=2, padding="same"), (2, 5, 4, 6, 2)),
    (P.AveragePooling3D, dict(pool_size=(2, 1, 3)), (2, 5, 4, 6, 2)),
])
def test_pooling_matches_numpy(cls, kwargs, shape):
    x = np.random.default_rng(0).normal(size=shape).astype(np.float32)
    layer = cls(**kwargs)
    y = layer(x)
    mode = "max" if "Max" in cls.__name__ else "average"
    ref = np_pool(x, layer.pool_size, layer.strides, layer.padding, mode)
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-5, atol=1e-6)
    assert tuple(y.shape) == layer.compute_output_shape(shape)
    # channels_first gives the transposed result
    first = cls(**kwargs, data_format="channels_first")
    perm = (0, len(shape) - 1, *range(1, len(shape) - 1))
    yf = first(np.transpose(x, perm))
    np.testing.assert_allclose(yf.numpy(), np.transpose(ref, perm), rtol=1e-5, atol=1e-6)
    assert tuple(yf.shape) == first.compute_output_shape(np.transpose(x, perm).shape)


@pytest.mark.parametrize("cls,shape,op", [
    (P.GlobalAveragePooling1D, (2, 5, 3), np.mean), (P.GlobalAveragePooling2D, (2, 4, 5, 3), np.mean),
    (P.GlobalAveragePooling3D, (2, 3, 4, 2, 3), np.mean), (P.GlobalMaxPooling1D, (2, 5, 3), np.max),
    (P.GlobalMaxPooling2D, (2, 4, 5, 3), np.max), (P.GlobalMaxPooling3D, (2, 3, 4, 2, 3), np.max),
])
def test_global_pooling(cls, shape, op):
    x = np.random.default_rng(1).normal(size=shape).astype(np.float32)
    nd = len(shape) - 2
    for fmt, axes in (("channels_last", tuple(range(1, nd + 1))), ("channels_first", tuple(range(2, nd + 2)))):
        for keepdims in (False, True):
            layer = cls(data_format=fmt, keepdims=keepdims)
            y = layer(x)
            np.testing.assert_allclose(y.numpy(), op(x, axis=axes, keepdims=keepdims), rtol=1e-5, atol=1e-6)
            assert tuple(y.shape) == layer.compute_output_shape(shape)


def test_global_average_pooling_1d_mask():
    x = np.random.default_rng(2).normal(size=(3, 5, 2)).astype(np.float32)
    mask = np.array([[1, 1, 0, 1, 0], [1, 1, 1, 1, 1], [0, 0, 0, 0, 0]], bool)
    layer = P.GlobalAveragePooling1D()
    y = layer(x, mask=mask).numpy()
    np.testing.assert_allclose(y[0], x[0, [0, 1, 3]].mean(0), rtol=1e-5)
    np.testing.assert_allclose(y[1], x[1].mean(0), rtol=1e-5)
    assert np.isnan(y[2]).all()  # Keras: 0 / 0 for a fully masked sample
    assert layer.compute_mask(x, mask) is None
    first = P.GlobalAveragePooling1D(data_format="channels_first", keepdims=True)
    yf = first(np.transpose(x, (0, 2, 1)), mask=mask).numpy()
    np.testing.assert_allclose(yf[:2, :, 0], y[:2], rtol=1e-5)
    with pytest.raises(ShapeError, match="mask"):
        layer(x, mask=mask[:, :4])


def test_global_average_pooling_1d_mask_in_model():
    from tensorweb.layers.core import Embedding as embed_cls
    inp = Input((4,), dtype="int32")
    emb = embed_cls(5, 2, mask_zero=True)
    out = P.GlobalAveragePooling1D()(emb(inp))
    model = Model(inp, out)
    ids = np.array([[1, 2, 0, 0], [3, 0, 4, 0]], np.int32)
    table = emb.get_weights()[0]
    y = model(ids).numpy()
    np.testing.assert_allclose(y[0], table[[1, 2]].mean(0), rtol=1e-5)
    np.testing.assert_allclose(y[1], table[[3, 4]].mean(0), rtol=1e-5)


ALL = [
    (lambda: P.MaxPooling1D(3, strides=1, padding="same"), (None, 7, 2)),
    (lambda: P.MaxPooling2D(data_format="channels_first", name="mp"), (None, 2, 6, 5)),
    (lambda: P.MaxPooling3D((1, 2, 2)), (None, 3, 4, 4, 2)),
    (lambda: P.AveragePooling1D(2, padding="same"), (None, 7, 2)),
    (lambda: P.AveragePooling2D((2, 3), strides=(1, 2)), (None, 6, 5, 2)),
    (lambda: P.AveragePooling3D(2, data_format="channels_first"), (None, 2, 4, 4, 4)),
    (lambda: P.GlobalAveragePooling1D(keepdims=True), (None, 7, 2)),
    (lambda: P.GlobalAveragePooling2D(data_format="channels_first"), (None, 2, 6, 5)),
    (lambda: P.GlobalAveragePooling3D(), (None, 3, 4, 4, 2)),
    (lambda: P.GlobalMaxPooling1D(), (None, 7, 2)),
    (lambda: P.GlobalMaxPooling2D(keepdims=True), (None, 6, 5, 2)),
    (lambda: P.GlobalMaxPooling3D(data_format="channels_first", keepdims=True), (None, 2, 4, 4, 4)),
]


@pytest.mark.parametrize("make,shape", ALL)
def test_config_round_trip_and_functional_shapes(make, shape):
    layer = make()
    config = json.loads(json.dumps(layer.get_config()))
    assert json.loads(json.dumps(type(layer).from_config(config).get_config())) == config
    assert type(deserialize({"class_name": type(layer).__name__, "config": config}, "layer")) is type(layer)
    inp = Input(shape[1:])
    out = layer(inp)
    assert out.shape == layer.compute_output_shape(shape)
    y = Model(inp, out)(np.random.default_rng(3).normal(size=(2, *shape[1:])).astype(np.float32))
    assert tuple(y.shape) == (2, *out.shape[1:])


def test_defaults_and_aliases():
    m = P.MaxPooling2D()
    assert (m.pool_size, m.strides, m.padding, m.data_format) == ((2, 2), (2, 2), "valid", "channels_last")
    assert P.MaxPooling1D().pool_size == (2,) and P.MaxPooling3D().pool_size == (2, 2, 2)
    a = P.AveragePooling2D(3, strides=1)
    assert a.get_config()["strides"] == (1, 1) and a.get_config()["pool_size"] == (3, 3)
    assert P.GlobalAveragePooling2D().get_config()["keepdims"] is False
    assert P.MaxPool2D is P.MaxPooling2D and P.GlobalAvgPool1D is P.GlobalAveragePooling1D
    assert type(deserialize({"class_name": "AvgPool2D", "config": {"pool_size": [2, 2]}}, "layer")) \
        is P.AveragePooling2D
    # tf.keras 2 / TF.js style configs
    layer = P.MaxPooling2D.from_config({"name": "pool", "trainable": True, "dtype": "float32",
                                        "batch_input_shape": [None, 4, 4, 1], "pool_size": [2, 2],
                                        "padding": "valid", "strides": [2, 2], "data_format": "channels_last"})
    assert layer.get_config()["batch_input_shape"] == [None, 4, 4, 1]


@pytest.mark.parametrize("make,shape", [
    (lambda: P.MaxPooling2D((2, 2), strides=1, padding="same"), (1, 3, 4, 2)),
    (lambda: P.AveragePooling2D((3, 3), strides=2, padding="same"), (1, 4, 5, 2)),
    (lambda: P.AveragePooling1D(3, strides=2, padding="same"), (2, 5, 2)),
    (lambda: P.MaxPooling1D(2), (2, 6, 2)),
    (lambda: P.AveragePooling3D(2, padding="same"), (1, 3, 2, 3, 1)),
    (lambda: P.MaxPooling3D(2, data_format="channels_first"), (1, 2, 2, 2, 4)),
    (lambda: P.GlobalAveragePooling2D(), (2, 3, 2, 2)),
    (lambda: P.GlobalMaxPooling1D(keepdims=True), (2, 4, 3)),
])
def test_gradients(make, shape):
    # distinct values (no ties for the max)
    x = (np.random.default_rng(4).permutation(int(np.prod(shape))).reshape(shape) * 0.37).astype(np.float32)
    layer = make()
    check_gradients(lambda t: layer(t), [x], rtol=1e-4, atol=1e-5)


def test_masked_global_average_gradient():
    x = np.random.default_rng(5).normal(size=(2, 4, 2)).astype(np.float32)
    mask = np.array([[1, 0, 1, 1], [1, 1, 0, 0]], bool)
    layer = P.GlobalAveragePooling1D()
    g = check_gradients(lambda t: layer(t, mask=mask), [x], rtol=1e-4, atol=1e-6)[0]
    assert np.all(g[~mask] == 0)


def test_errors():
    layer = P.MaxPooling2D(name="pool")
    with pytest.raises(ShapeError, match=r"MaxPooling2D 'pool'.*rank 4.*\[4, 4, 1\]"):
        layer(np.zeros((4, 4, 1), np.float32))
    with pytest.raises(ShapeError, match="GlobalAveragePooling3D.*rank 5"):
        P.GlobalAveragePooling3D()(np.zeros((1, 4, 4, 1), np.float32))
    with pytest.raises(ShapeError, match="zero or negative"):
        P.AveragePooling2D(3)(np.zeros((1, 2, 4, 1), np.float32))
    with pytest.raises(InvalidArgumentError, match="padding"):
        P.MaxPooling1D(padding="causal")
    with pytest.raises(InvalidArgumentError, match="pool_size"):
        P.MaxPooling2D((2, 2, 2))
    with pytest.raises(InvalidArgumentError, match="data_format"):
        P.GlobalMaxPooling2D(data_format="NHWC")
    with pytest.raises(TypeError):
        P.AveragePooling2D()  # pool_size is required, as in Keras
