"""Convolution layers: Keras fixtures, independent NumPy convolutions, shapes, configs, gradients, errors."""
import json

import numpy as np
import pytest

from tensorweb.errors import InvalidArgumentError, ShapeError
from tensorweb.layers import convolutional as C
from tensorweb.layers.functional import Input, Model
from tensorweb.layers.serialization import deserialize
from tensorweb.testing import check_gradients, high_precision

from .keras_fixtures import keras_arrays, keras_cases

CONV_CLASSES = {"Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
                "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D"}


_CASES = keras_cases(CONV_CLASSES)


def _nested(value):
    return isinstance(value, dict)


@pytest.mark.parametrize("case", _CASES, ids=[c["name"] for c in _CASES])
def test_matches_keras_fixture(case):
    arrays = keras_arrays()
    layer = deserialize({"class_name": case["class_name"], "config": case["config"]}, "layer")
    x = arrays[case["inputs"][0]["key"]]
    layer(x)  # build
    assert [p.split("/")[-1] for p in layer.weight_paths()] == [p.split("/")[-1] for p in case["weight_names"]]
    layer.set_weights([arrays[k] for k in case["weights"]])
    y = layer(x)
    expected = arrays[case["outputs"][0]]
    assert list(y.shape) == case["output_shapes"][0]
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-5, atol=2e-5)
    assert tuple(layer.compute_output_shape(x.shape)) == tuple(expected.shape)
    # config: the same keys as Keras, the same plain values (nested objects: the same classes)
    config = json.loads(json.dumps(layer.get_config()))
    keras_config = case["config"]
    assert set(config) == set(keras_config)
    for key, value in keras_config.items():
        if _nested(value):
            assert config[key]["class_name"] == value["class_name"], key
        else:
            assert config[key] == value, key


# ---- independent NumPy references ----------------------------------------------------------------------

def np_conv(x, k, strides, padding, dilation):
    """Channels-last N-D cross-correlation of x (b, *spatial, cin) with k (*ks, cin, cout)."""
    nd = x.ndim - 2
    ks = k.shape[:nd]
    eff = [(kk - 1) * d + 1 for kk, d in zip(ks, dilation)]
    if padding == "same":
        pads = []
        for size, e, s in zip(x.shape[1:-1], eff, strides):
            out = -(-size // s)
            total = max((out - 1) * s + e - size, 0)
            pads.append((total // 2, total - total // 2))
        x = np.pad(x, [(0, 0), *pads, (0, 0)])
    outs = [(size - e) // s + 1 for size, e, s in zip(x.shape[1:-1], eff, strides)]
    y = np.zeros((x.shape[0], *outs, k.shape[-1]), np.float64)
    for tap in np.ndindex(*ks):
        sl = tuple(slice(t * d, t * d + (o - 1) * s + 1, s) for t, d, o, s in zip(tap, dilation, outs, strides))
        y += np.einsum("...c,cf->...f", x[(slice(None), *sl)], k[tap])
    return y


def np_depthwise(x, k, strides, padding, dilation):
    cin, mult = k.shape[-2:]
    outs = [np_conv(x[..., c:c + 1], k[..., c:c + 1, :], strides, padding, dilation) for c in range(cin)]
    return np.concatenate(outs, axis=-1)  # channel c * mult + m


def np_conv_transpose(x, k, strides, padding, output_padding, dilation):
    """Keras 3's transposed conv: scatter each input into the full output, then crop per Keras' rule
    (output length (i-1)*s + k (valid), i*s (same), or with output_padding (i-1)*s + k%2 + op (same) /
    (i-1)*s + k + op (valid)); the crop on the left is (k_eff - 1) - left_pad of Keras' JAX padding."""
    nd = x.ndim - 2
    ks = k.shape[:nd]
    eff = [(kk - 1) * d + 1 for kk, d in zip(ks, dilation)]
    full = [(i - 1) * s + e for i, s, e in zip(x.shape[1:-1], strides, eff)]
    z = np.zeros((x.shape[0], *[f + 2 * s for f, s in zip(full, strides)], k.shape[-2]), np.float64)
    for tap in np.ndindex(*ks):
        for pos in np.ndindex(*x.shape[1:-1]):
            at = tuple(p * s + t * d for p, s, t, d in zip(pos, strides, tap, dilation))
            z[(slice(None), *at)] += x[(slice(None), *pos)] @ k[tap].T
    sl = []
    for axis in range(nd):
        e, s, i = eff[axis], strides[axis], x.shape[1 + axis]
        op = None if output_padding is None else output_padding[axis]
        if padding == "valid":
            length = (i - 1) * s + e + (max(e, s) - e if op is None else op)
            left = e - 1
        else:
            total = s + e - 2 if op is None else e + e % 2 - 2 + op
            left = min((total + 1) // 2, e - 1)
            length = i * s if op is None else (i - 1) * s + e % 2 + op
        start = e - 1 - left
        sl.append(slice(start, start + length))
    return z[(slice(None), *sl)]


def _rand(rng, *shape):
    return rng.normal(size=shape).astype(np.float32)


ACT = {"linear": lambda v: v, "relu": lambda v: np.maximum(v, 0), "tanh": np.tanh,
       "sigmoid": lambda v: 1 / (1 + np.exp(-v)), "relu6": lambda v: np.clip(v, 0, 6),
       "softplus": lambda v: np.log1p(np.exp(v))}


@pytest.mark.parametrize("cls,kwargs,shape", [
    (C.Conv1D, dict(filters=4, kernel_size=3), (2, 9, 3)),
    (C.Conv1D, dict(filters=4, kernel_size=3, strides=2, padding="same", activation="relu"), (2, 9, 3)),
    (C.Conv1D, dict(filters=2, kernel_size=2, dilation_rate=3, activation="softplus"), (2, 9, 3)),
    (C.Conv2D, dict(filters=4, kernel_size=(3, 2)), (2, 7, 6, 3)),
    (C.Conv2D, dict(filters=3, kernel_size=3, strides=(2, 1), padding="same", activation="sigmoid"), (2, 7, 6, 3)),
    (C.Conv2D, dict(filters=2, kernel_size=2, dilation_rate=(2, 1), padding="same"), (2, 7, 6, 3)),
    (C.Conv2D, dict(filters=2, kernel_size=3, padding="same", activation="relu6", use_bias=False), (2, 5, 4, 3)),
    (C.Conv3D, dict(filters=3, kernel_size=(2, 2, 3)), (2, 5, 4, 6, 2)),
    (C.Conv3D, dict(filters=2, kernel_size=3, strides=2, padding="same", activation="tanh"), (2, 5, 4, 6, 2)),
])
def test_conv_matches_numpy(cls, kwargs, shape):
    rng = np.random.default_rng(1)
    layer = cls(**kwargs)
    x = _rand(rng, *shape)
    layer(x)
    weights = [_rand(rng, *w.shape) for w in layer.weights]
    layer.set_weights(weights)
    nd = len(shape) - 2
    ref = np_conv(x.astype(np.float64), weights[0], layer.strides, layer.padding, layer.dilation_rate)
    if layer.use_bias:
        ref = ref + weights[1]
    ref = ACT[kwargs.get("activation", "linear")](ref)
    y = layer(x)
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-4, atol=1e-4)
    assert tuple(y.shape) == layer.compute_output_shape(shape)
    assert layer.kernel.shape == (*layer.kernel_size, shape[-1], kwargs["filters"]) and nd == layer.rank


def test_conv1d_causal_and_groups():
    rng = np.random.default_rng(2)
    x = _rand(rng, 2, 8, 4)
    layer = C.Conv1D(2, 3, padding="causal", dilation_rate=2)
    y = layer(x)
    k, b = layer.get_weights()
    ref = np_conv(np.pad(x, [(0, 0), (4, 0), (0, 0)]).astype(np.float64), k, (1,), "valid", (2,)) + b
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-5, atol=1e-5)
    assert y.shape == (2, 8, 2)
    # causal: output t depends on inputs <= t only
    x2 = x.copy()
    x2[:, 5:] += 1.0
    np.testing.assert_allclose(layer(x2).numpy()[:, :5], y.numpy()[:, :5], rtol=1e-6)

    g = C.Conv2D(6, 3, groups=2, padding="same", activation="relu")
    xi = _rand(rng, 2, 5, 4, 4)
    yi = g(xi)
    k, b = g.get_weights()
    assert k.shape == (3, 3, 2, 6)
    ref = np.concatenate([np_conv(xi[..., :2], k[..., :3], (1, 1), "same", (1, 1)),
                          np_conv(xi[..., 2:], k[..., 3:], (1, 1), "same", (1, 1))], axis=-1) + b
    np.testing.assert_allclose(yi.numpy(), np.maximum(ref, 0), rtol=1e-4, atol=1e-5)


def test_channels_first_equals_transposed_channels_last():
    rng = np.random.default_rng(3)
    x = _rand(rng, 2, 6, 5, 3)
    for make in (lambda fmt: C.Conv2D(4, 3, strides=2, padding="same", data_format=fmt, activation="relu"),
                 lambda fmt: C.DepthwiseConv2D(2, depth_multiplier=2, data_format=fmt),
                 lambda fmt: C.SeparableConv2D(3, 2, data_format=fmt),
                 lambda fmt: C.Conv2DTranspose(2, 3, strides=2, padding="same", data_format=fmt)):
        last, first = make("channels_last"), make("channels_first")
        y_last = last(x)
        xf = np.transpose(x, (0, 3, 1, 2))
        first(xf)
        first.set_weights(last.get_weights())
        y_first = first(xf)
        np.testing.assert_allclose(np.transpose(y_first.numpy(), (0, 2, 3, 1)), y_last.numpy(), rtol=1e-5,
                                   atol=1e-6)
        assert first.compute_output_shape(xf.shape) == tuple(y_first.shape)


@pytest.mark.parametrize("cls,kwargs,shape", [
    (C.Conv2DTranspose, dict(filters=3, kernel_size=3), (2, 4, 5, 2)),
    (C.Conv2DTranspose, dict(filters=2, kernel_size=(3, 2), strides=2, padding="same", activation="relu"),
     (2, 4, 5, 2)),
    (C.Conv2DTranspose, dict(filters=2, kernel_size=2, strides=3), (2, 4, 5, 2)),  # stride > kernel
    (C.Conv2DTranspose, dict(filters=2, kernel_size=3, strides=3, padding="same", output_padding=2), (2, 3, 4, 2)),
    (C.Conv2DTranspose, dict(filters=2, kernel_size=(4, 3), strides=2, padding="same", output_padding=(1, 0)),
     (2, 4, 5, 2)),
    (C.Conv2DTranspose, dict(filters=2, kernel_size=3, strides=2, output_padding=1), (2, 4, 5, 2)),
    (C.Conv2DTranspose, dict(filters=2, kernel_size=3, dilation_rate=2, padding="same"), (2, 4, 5, 2)),
    (C.Conv2DTranspose, dict(filters=2, kernel_size=3, dilation_rate=(2, 1)), (2, 4, 5, 2)),
    (C.Conv2DTranspose, dict(filters=2, kernel_size=4, strides=2, padding="same"), (2, 4, 5, 2)),
    (C.Conv2DTranspose, dict(filters=2, kernel_size=1, strides=3, padding="same"), (2, 4, 5, 2)),
    (C.Conv1DTranspose, dict(filters=3, kernel_size=3, strides=2, padding="same"), (2, 6, 2)),
    (C.Conv1DTranspose, dict(filters=3, kernel_size=4, strides=3, output_padding=2, activation="tanh"), (2, 6, 2)),
    (C.Conv3DTranspose, dict(filters=2, kernel_size=2), (2, 3, 4, 3, 2)),
    (C.Conv3DTranspose, dict(filters=2, kernel_size=3, strides=2, padding="same"), (2, 3, 4, 3, 2)),
])
def test_conv_transpose_matches_numpy(cls, kwargs, shape):
    rng = np.random.default_rng(4)
    layer = cls(**kwargs)
    x = _rand(rng, *shape)
    layer(x)
    weights = [_rand(rng, *w.shape) for w in layer.weights]
    layer.set_weights(weights)
    assert weights[0].shape == (*layer.kernel_size, kwargs["filters"], shape[-1])
    ref = np_conv_transpose(x.astype(np.float64), weights[0], layer.strides, layer.padding, layer.output_padding,
                            layer.dilation_rate) + weights[1]
    ref = ACT[kwargs.get("activation", "linear")](ref)
    y = layer(x)
    assert tuple(y.shape) == ref.shape == layer.compute_output_shape(shape)
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-4, atol=1e-4)


def test_conv_transpose_output_shapes_keras_formula():
    # values from Keras 3.15.1 (compute_output_shape): (size, kernel, stride, padding, output_padding) -> length
    for (size, k, s, pad, op), want in {(4, 3, 2, "same", None): 8, (4, 3, 2, "valid", None): 9,
                                        (4, 2, 3, "valid", None): 12, (4, 3, 3, "same", 2): 12,
                                        (5, 4, 2, "same", 1): 9, (5, 3, 1, "same", 0): 5,
                                        (4, 1, 3, "same", None): 12, (5, 3, 2, "valid", 1): 12,
                                        (5, 4, 3, "same", None): 15, (3, 5, 2, "same", 1): 6}.items():
        layer = C.Conv1DTranspose(1, k, strides=s, padding=pad, output_padding=op)
        assert layer.compute_output_shape((None, size, 2)) == (None, want, 1)
        assert layer(np.zeros((1, size, 2), np.float32)).shape == (1, want, 1)


@pytest.mark.parametrize("cls,kwargs,shape", [
    (C.DepthwiseConv2D, dict(kernel_size=3), (2, 7, 6, 3)),
    (C.DepthwiseConv2D, dict(kernel_size=(2, 3), strides=2, padding="same", depth_multiplier=2,
                             activation="relu6"), (2, 7, 6, 3)),
    (C.DepthwiseConv2D, dict(kernel_size=2, dilation_rate=2, activation="softplus"), (2, 7, 6, 3)),
    (C.DepthwiseConv1D, dict(kernel_size=3, depth_multiplier=2, padding="same"), (2, 9, 3)),
])
def test_depthwise_matches_numpy(cls, kwargs, shape):
    rng = np.random.default_rng(5)
    layer = cls(**kwargs)
    x = _rand(rng, *shape)
    layer(x)
    weights = [_rand(rng, *w.shape) for w in layer.weights]
    layer.set_weights(weights)
    assert [p.split("/")[-1] for p in layer.weight_paths()] == ["kernel", "bias"]
    assert weights[0].shape == (*layer.kernel_size, shape[-1], layer.depth_multiplier)
    ref = np_depthwise(x.astype(np.float64), weights[0], layer.strides, layer.padding, layer.dilation_rate)
    ref = ACT[kwargs.get("activation", "linear")](ref + weights[1])
    y = layer(x)
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-4, atol=1e-4)
    assert tuple(y.shape) == layer.compute_output_shape(shape)


@pytest.mark.parametrize("cls,kwargs,shape", [
    (C.SeparableConv2D, dict(filters=4, kernel_size=3), (2, 7, 6, 3)),
    (C.SeparableConv2D, dict(filters=3, kernel_size=3, strides=2, padding="same", depth_multiplier=2,
                             activation="relu"), (2, 7, 6, 3)),
    (C.SeparableConv2D, dict(filters=3, kernel_size=2, dilation_rate=2, activation="softplus"), (2, 7, 6, 3)),
    (C.SeparableConv1D, dict(filters=3, kernel_size=3, padding="same", depth_multiplier=2), (2, 9, 3)),
])
def test_separable_matches_numpy(cls, kwargs, shape):
    rng = np.random.default_rng(6)
    layer = cls(**kwargs)
    x = _rand(rng, *shape)
    layer(x)
    weights = [_rand(rng, *w.shape) for w in layer.weights]
    layer.set_weights(weights)
    assert [p.split("/")[-1] for p in layer.weight_paths()] == ["depthwise_kernel", "pointwise_kernel", "bias"]
    nd = len(shape) - 2
    assert weights[1].shape == (*(1,) * nd, shape[-1] * layer.depth_multiplier, kwargs["filters"])
    d = np_depthwise(x.astype(np.float64), weights[0], layer.strides, layer.padding, layer.dilation_rate)
    ref = np.einsum("...c,cf->...f", d, weights[1].reshape(weights[1].shape[-2:])) + weights[2]
    ref = ACT[kwargs.get("activation", "linear")](ref)
    np.testing.assert_allclose(layer(x).numpy(), ref, rtol=1e-4, atol=1e-4)


# ---- shapes, configs, functional use -------------------------------------------------------------------

ALL_LAYERS = [
    (lambda: C.Conv1D(4, 3, strides=2, padding="same", groups=2, activation="relu",
                      kernel_regularizer="l2", bias_constraint="non_neg"), (None, 9, 4)),
    (lambda: C.Conv2D(3, (3, 2), dilation_rate=2, data_format="channels_first", use_bias=False,
                      kernel_initializer="he_normal"), (None, 2, 9, 8)),
    (lambda: C.Conv3D(2, 2, strides=(1, 2, 1), padding="same", name="c3"), (None, 4, 5, 3, 2)),
    (lambda: C.Conv1DTranspose(3, 3, strides=2, output_padding=1), (None, 5, 2)),
    (lambda: C.Conv2DTranspose(3, 3, strides=2, padding="same", activation="sigmoid"), (None, 4, 5, 2)),
    (lambda: C.Conv3DTranspose(2, 2, strides=2, data_format="channels_first"), (None, 2, 3, 3, 2)),
    (lambda: C.DepthwiseConv2D(3, depth_multiplier=3, padding="same", depthwise_regularizer="l1"),
     (None, 6, 5, 2)),
    (lambda: C.DepthwiseConv1D(2, strides=2), (None, 7, 3)),
    (lambda: C.SeparableConv2D(4, 3, depth_multiplier=2, pointwise_initializer="ones"), (None, 6, 5, 2)),
    (lambda: C.SeparableConv1D(2, 3, padding="same"), (None, 7, 3)),
]


@pytest.mark.parametrize("make,shape", ALL_LAYERS)
def test_config_round_trip_and_functional_shapes(make, shape):
    layer = make()
    config = json.loads(json.dumps(layer.get_config()))
    clone = type(layer).from_config(config)
    assert json.loads(json.dumps(clone.get_config())) == config
    again = deserialize({"class_name": type(layer).__name__, "config": config}, "layer")
    assert type(again) is type(layer)
    inp = Input(shape[1:])
    out = layer(inp)
    assert out.shape == layer.compute_output_shape(shape)
    model = Model(inp, out)
    x = np.random.default_rng(7).normal(size=(2, *shape[1:])).astype(np.float32)
    y = model(x)
    assert tuple(y.shape) == (2, *out.shape[1:])
    # unknown spatial sizes stay unknown
    unknown = (None, *[None] * (len(shape) - 2), None)
    ch_axis = 1 if layer.data_format == "channels_first" else -1
    unknown = list(unknown)
    unknown[ch_axis] = shape[ch_axis]
    got = layer.compute_output_shape(tuple(unknown))
    assert got[0] is None and sum(d is None for d in got) == len(shape) - 1


def test_keras_defaults_and_aliases():
    c = C.Conv2D(8, 3)
    assert (c.strides, c.padding, c.dilation_rate, c.groups, c.data_format, c.use_bias) == \
        ((1, 1), "valid", (1, 1), 1, "channels_last", True)
    assert c.get_config()["activation"] == "linear"
    t = C.Conv2DTranspose(4, 3)
    assert t.output_padding is None and t.get_config()["output_padding"] is None
    d = C.DepthwiseConv2D(3)
    assert d.depth_multiplier == 1 and "filters" not in d.get_config()
    s = C.SeparableConv2D(4, (3, 1), padding="SAME")
    assert s.padding == "same" and s.kernel_size == (3, 1)
    assert C.Convolution2D is C.Conv2D and C.SeparableConvolution2D is C.SeparableConv2D
    assert type(deserialize({"class_name": "Convolution2DTranspose", "config": {"filters": 2, "kernel_size": 3}},
                            "layer")) is C.Conv2DTranspose


def test_tfjs_and_tf_keras2_configs():
    conv = C.Conv2D.from_config({"name": "c", "trainable": True, "batch_input_shape": [None, 5, 5, 1],
                                 "dtype": "float32", "filters": 2, "kernel_size": [3, 3], "strides": [1, 1],
                                 "padding": "same", "data_format": "channels_last", "dilation_rate": [1, 1],
                                 "activation": "relu", "use_bias": True, "rank": 2,
                                 "kernel_initializer": {"class_name": "VarianceScaling",
                                                        "config": {"scale": 1, "mode": "fan_avg",
                                                                   "distribution": "uniform", "seed": None}},
                                 "bias_initializer": {"class_name": "Zeros", "config": {}},
                                 "kernel_regularizer": None, "bias_regularizer": None,
                                 "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None})
    assert conv.filters == 2 and conv.get_config()["batch_input_shape"] == [None, 5, 5, 1]
    dw = C.DepthwiseConv2D.from_config({"kernel_size": [3, 3], "depth_multiplier": 2, "filters": None,
                                        "groups": 1, "kernel_initializer": None,
                                        "depthwise_initializer": {"class_name": "GlorotUniform", "config": {}}})
    assert dw.depth_multiplier == 2
    tr = C.Conv2DTranspose.from_config({"filters": 3, "kernel_size": [2, 2], "groups": 1,
                                        "output_padding": None})
    assert tr.filters == 3


def test_weights_regularizers_and_counts():
    layer = C.SeparableConv2D(4, 3, depth_multiplier=2, depthwise_regularizer="l2", pointwise_regularizer="l1",
                              activity_regularizer="l2")
    layer(np.ones((1, 5, 5, 3), np.float32))
    assert layer.count_params() == 3 * 3 * 3 * 2 + 6 * 4 + 4
    assert len(layer.losses) == 3
    conv = C.Conv2D(4, 3, groups=2, use_bias=False)
    conv(np.ones((1, 5, 5, 6), np.float32))
    assert [w.shape for w in conv.weights] == [(3, 3, 3, 4)]
    assert conv.weight_paths() == [f"{conv.name}/kernel"]


# ---- gradients -----------------------------------------------------------------------------------------

def _swap_grad_fn(layer, attr):
    """f(x, w): the layer's output with its `attr` weight replaced by the tensor w (differentiable in w)."""
    def f(x, w):
        old = getattr(layer, attr)
        object.__setattr__(layer, attr, w)
        try:
            return layer(x)
        finally:
            object.__setattr__(layer, attr, old)
    return f


@pytest.mark.parametrize("make,shape,attr", [
    (lambda: C.Conv2D(2, 3, strides=2, padding="same", activation="tanh"), (1, 5, 4, 2), "kernel"),
    (lambda: C.Conv2D(4, 2, groups=2, dilation_rate=2), (1, 5, 4, 2), "kernel"),
    (lambda: C.Conv1D(2, 3, padding="causal", activation="sigmoid"), (2, 5, 2), "kernel"),
    (lambda: C.DepthwiseConv2D(2, depth_multiplier=2, padding="same", activation="elu"), (1, 4, 3, 2), "kernel"),
    (lambda: C.SeparableConv2D(2, 2, strides=2, padding="same", activation="tanh"), (1, 4, 5, 2),
     "depthwise_kernel"),
    (lambda: C.SeparableConv2D(3, 2, depth_multiplier=2), (1, 3, 4, 2), "pointwise_kernel"),
    (lambda: C.Conv2DTranspose(2, 3, strides=2, padding="same", activation="tanh"), (1, 3, 2, 2), "kernel"),
    (lambda: C.Conv2DTranspose(2, 2, strides=3, output_padding=1), (1, 2, 2, 2), "kernel"),
    (lambda: C.Conv2DTranspose(2, 2, dilation_rate=2, padding="same", data_format="channels_first"),
     (1, 2, 3, 3), "kernel"),
    (lambda: C.Conv3DTranspose(1, 2, strides=2, padding="same"), (1, 2, 2, 2, 2), "kernel"),
])
def test_gradients(make, shape, attr):
    rng = np.random.default_rng(8)
    x = _rand(rng, *shape)
    with high_precision():  # weights made in float64 mode, so that reshapes of them stay float64
        layer = make()
        layer(x)
        layer.set_weights([_rand(rng, *w.shape) * 0.5 for w in layer.weights])
    check_gradients(lambda t: layer(t), [x], rtol=1e-4, atol=1e-5)
    check_gradients(_swap_grad_fn(layer, attr), [x, getattr(layer, attr).numpy()], rtol=1e-4, atol=1e-5)


def test_gradient_through_bias():
    rng = np.random.default_rng(9)
    layer = C.Conv2D(2, 2, activation="relu")
    x = _rand(rng, 1, 3, 3, 2)
    layer(x)
    layer.set_weights([_rand(rng, 2, 2, 2, 2), np.array([5.0, 5.0], np.float32)])  # away from relu's kink
    check_gradients(_swap_grad_fn(layer, "bias"), [x, layer.bias.numpy()], rtol=1e-4, atol=1e-5)


# ---- errors --------------------------------------------------------------------------------------------

def test_input_errors():
    conv = C.Conv2D(2, 3, name="myconv")
    with pytest.raises(ShapeError, match=r"Conv2D 'myconv'.*rank 4.*\[5, 5, 3\]"):
        conv(np.zeros((5, 5, 3), np.float32))
    conv(np.zeros((1, 5, 5, 3), np.float32))
    with pytest.raises(ShapeError, match=r"Conv2D 'myconv'.*3 channels.*\[1, 5, 5, 4\]"):
        conv(np.zeros((1, 5, 5, 4), np.float32))
    with pytest.raises(ShapeError, match="zero or negative"):
        C.Conv2D(2, 4)(np.zeros((1, 3, 5, 1), np.float32))
    with pytest.raises(ShapeError, match="divisible by groups"):
        C.Conv2D(4, 3, groups=2)(np.zeros((1, 5, 5, 3), np.float32))
    with pytest.raises(ShapeError, match="DepthwiseConv2D.*rank 4"):
        C.DepthwiseConv2D(3)(np.zeros((1, 5, 3), np.float32))
    tr = C.Conv2DTranspose(2, 3, name="tr")
    tr(np.zeros((1, 4, 4, 2), np.float32))
    with pytest.raises(ShapeError, match=r"Conv2DTranspose 'tr'.*2 channels"):
        tr(np.zeros((1, 4, 4, 3), np.float32))
    with pytest.raises(ShapeError, match="channel dimension"):
        C.Conv1D(2, 3)(Input((None, None)))


def test_argument_errors():
    with pytest.raises(InvalidArgumentError, match="filters"):
        C.Conv2D(0, 3)
    with pytest.raises(InvalidArgumentError, match="padding"):
        C.Conv2D(2, 3, padding="causal")
    with pytest.raises(InvalidArgumentError, match="kernel_size"):
        C.Conv2D(2, (3, 3, 3))
    with pytest.raises(InvalidArgumentError, match="strides > 1"):
        C.Conv2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(InvalidArgumentError, match="divisible by groups"):
        C.Conv2D(3, 3, groups=2)
    with pytest.raises(InvalidArgumentError, match="output_padding"):
        C.Conv2DTranspose(2, 3, strides=2, output_padding=2)
    with pytest.raises(InvalidArgumentError, match="data_format"):
        C.Conv2D(2, 3, data_format="NHWC")
    with pytest.raises(InvalidArgumentError, match="depth_multiplier"):
        C.DepthwiseConv2D(3, depth_multiplier=0)
    with pytest.raises(InvalidArgumentError, match="unexpected keyword"):
        C.Conv2D(2, 3, bogus=1)
