"""Rescaling, Resizing, CenterCrop, CategoryEncoding: Keras fixtures, independent NumPy, configs, functional
shapes, gradients and errors."""
import json

import numpy as np
import pytest

from tensorweb.errors import InvalidArgumentError, ShapeError
from tensorweb.layers import preprocessing as P
from tensorweb.layers.functional import Input, Model
from tensorweb.layers.serialization import deserialize, serialize
from tensorweb.testing import check_gradients

from .keras_fixtures import keras_arrays, keras_cases

CLASSES = {"Rescaling", "Resizing", "CenterCrop", "CategoryEncoding"}


_CASES = keras_cases(CLASSES)


@pytest.mark.parametrize("case", _CASES, ids=[c["name"] for c in _CASES])
def test_matches_keras_fixture(case):
    arrays = keras_arrays()
    layer = deserialize({"class_name": case["class_name"], "config": case["config"]}, "layer")
    x = arrays[case["inputs"][0]["key"]]
    y = layer(x)
    expected = arrays[case["outputs"][0]]
    assert list(y.shape) == case["output_shapes"][0]
    # (bilinear resizing of values up to 255: float32 rounding differs slightly from torch's)
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-5, atol=1e-4)
    assert layer.weights == []
    assert tuple(layer.compute_output_shape(x.shape)) == tuple(expected.shape)
    assert json.loads(json.dumps(layer.get_config())) == case["config"]


# ---- independent NumPy ---------------------------------------------------------------------------------

def np_resize_bilinear(img, h, w):
    """Half-pixel-centers bilinear resize of (b, H, W, c), source coordinates clamped at the edges."""
    H, W = img.shape[1:3]

    def coords(n_out, n_in):
        src = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
        lo = np.floor(src).astype(int)
        hi = np.minimum(lo + 1, n_in - 1)
        return lo, hi, src - lo

    y0, y1, fy = coords(h, H)
    x0, x1, fx = coords(w, W)
    img = img.astype(np.float64)
    top = img[:, y0][:, :, x0] * (1 - fx)[None, None, :, None] + img[:, y0][:, :, x1] * fx[None, None, :, None]
    bot = img[:, y1][:, :, x0] * (1 - fx)[None, None, :, None] + img[:, y1][:, :, x1] * fx[None, None, :, None]
    return top * (1 - fy)[None, :, None, None] + bot * fy[None, :, None, None]


def np_resize_nearest(img, h, w):
    H, W = img.shape[1:3]
    ys = np.minimum(np.floor((np.arange(h) + 0.5) * H / h).astype(int), H - 1)
    xs = np.minimum(np.floor((np.arange(w) + 0.5) * W / w).astype(int), W - 1)
    return img[:, ys][:, :, xs]


def _img(seed=0, shape=(2, 6, 8, 3)):
    return np.random.default_rng(seed).uniform(0, 10, size=shape).astype(np.float32)


def test_rescaling_scalar_and_per_channel():
    x = _img()
    np.testing.assert_allclose(P.Rescaling(0.5, offset=-1)(x).numpy(), x * 0.5 - 1, rtol=1e-6)
    y = P.Rescaling([1.0, 2.0, 3.0], offset=[0.0, 1.0, -1.0])(x).numpy()
    np.testing.assert_allclose(y, x * np.array([1, 2, 3]) + np.array([0, 1, -1]), rtol=1e-6)
    ints = np.arange(6, dtype=np.int32).reshape(2, 3)
    out = P.Rescaling(0.1)(ints)
    assert out.dtype == "float32"
    np.testing.assert_allclose(out.numpy(), ints * 0.1, rtol=1e-6)


@pytest.mark.parametrize("size", [(4, 5), (9, 11), (6, 3), (1, 1)])
def test_resizing_bilinear_and_nearest(size):
    x = _img(1)
    np.testing.assert_allclose(P.Resizing(*size)(x).numpy(), np_resize_bilinear(x, *size), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(P.Resizing(*size, interpolation="nearest")(x).numpy(),
                                  np_resize_nearest(x, *size))


def test_resizing_crop_and_pad_to_aspect_ratio():
    x = _img(2)  # 6 x 8
    # crop: the centered 6x6 window, then resize to 3x3
    np.testing.assert_allclose(P.Resizing(3, 3, crop_to_aspect_ratio=True)(x).numpy(),
                               np_resize_bilinear(x[:, :, 1:7], 3, 3), rtol=1e-5, atol=1e-5)
    # pad: to 8x8 (one row of fill_value on each side), then resize to 4x4
    padded = np.pad(x, [(0, 0), (1, 1), (0, 0), (0, 0)], constant_values=7.0)
    np.testing.assert_allclose(P.Resizing(4, 4, pad_to_aspect_ratio=True, fill_value=7.0)(x).numpy(),
                               np_resize_bilinear(padded, 4, 4), rtol=1e-5, atol=1e-5)


def test_resizing_single_image_channels_first_and_ints():
    x = _img(3)
    np.testing.assert_allclose(P.Resizing(3, 4)(x[0]).numpy(), np_resize_bilinear(x[:1], 3, 4)[0], rtol=1e-5,
                               atol=1e-5)
    cf = np.transpose(x, (0, 3, 1, 2))
    y = P.Resizing(3, 4, data_format="channels_first")(cf).numpy()
    np.testing.assert_allclose(y, np.transpose(np_resize_bilinear(x, 3, 4), (0, 3, 1, 2)), rtol=1e-5, atol=1e-5)
    ints = (x * 10).astype(np.int32)
    out = P.Resizing(3, 4)(ints)
    assert out.dtype == "int32"
    np.testing.assert_array_equal(out.numpy(), np.round(np_resize_bilinear(ints, 3, 4)).astype(np.int32))


def test_center_crop_crops_or_resizes():
    x = _img(4)  # 6 x 8
    np.testing.assert_array_equal(P.CenterCrop(4, 5)(x).numpy(), x[:, 1:5, 1:6])
    np.testing.assert_array_equal(P.CenterCrop(3, 3)(x).numpy(), x[:, 1:4, 2:5])
    np.testing.assert_array_equal(P.CenterCrop(3, 3)(x[0]).numpy(), x[0, 1:4, 2:5])
    # taller than the image: crop the centered 6x3 window (aspect 2:1 -> 6 x 3), then resize to 8 x 4
    np.testing.assert_allclose(P.CenterCrop(8, 4)(x).numpy(), np_resize_bilinear(x[:, :, 2:5], 8, 4), rtol=1e-5,
                               atol=1e-5)
    cf = np.transpose(x, (0, 3, 1, 2))
    np.testing.assert_array_equal(P.CenterCrop(4, 5, data_format="channels_first")(cf).numpy(),
                                  np.transpose(x[:, 1:5, 1:6], (0, 3, 1, 2)))


def test_category_encoding_modes():
    ids = np.array([[0, 1, 3], [2, 2, 4]], np.int32)
    multi = np.zeros((2, 5), np.float32)
    count = np.zeros((2, 5), np.float32)
    for b in range(2):
        for i in ids[b]:
            multi[b, i] = 1
            count[b, i] += 1
    np.testing.assert_array_equal(P.CategoryEncoding(5)(ids).numpy(), multi)
    np.testing.assert_array_equal(P.CategoryEncoding(5, output_mode="count")(ids).numpy(), count)
    np.testing.assert_array_equal(P.CategoryEncoding(5, output_mode="one_hot")(ids).numpy(), np.eye(5)[ids])
    np.testing.assert_array_equal(P.CategoryEncoding(5, output_mode="one_hot")(ids[:, :1]).numpy(),
                                  np.eye(5)[ids[:, 0]])
    np.testing.assert_array_equal(P.CategoryEncoding(5)(np.array([1, 4, 4], np.int32)).numpy(), [0, 1, 0, 0, 1])
    np.testing.assert_array_equal(P.CategoryEncoding(4)(np.array(2, np.int32)).numpy(), [0, 0, 1, 0])
    weights = np.array([[1, 2, 3], [4, 5, 6]], np.float32)
    weighted = P.CategoryEncoding(5, output_mode="count")(ids, count_weights=weights).numpy()
    np.testing.assert_array_equal(weighted, [[1, 2, 0, 3, 0], [0, 0, 9, 0, 6]])
    out = P.CategoryEncoding(5)(ids.astype(np.float32))
    assert out.dtype == "float32"
    np.testing.assert_array_equal(out.numpy(), multi)
    assert P.CategoryEncoding(5, output_mode="binary").output_mode == "multi_hot"


# ---- configs, functional shapes ------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: P.Rescaling([0.5, 1.0], offset=-1.0),
    lambda: P.Resizing(3, 4, interpolation="nearest", pad_to_aspect_ratio=True, fill_value=2.0),
    lambda: P.Resizing(3, 4, crop_to_aspect_ratio=True, data_format="channels_first"),
    lambda: P.CenterCrop(2, 3),
    lambda: P.CategoryEncoding(7, output_mode="count"),
])
def test_config_round_trip(make):
    layer = make()
    config = json.loads(json.dumps(layer.get_config()))
    clone = type(layer).from_config(config)
    assert json.loads(json.dumps(clone.get_config())) == config
    again = deserialize(json.loads(json.dumps(serialize(layer))), "layer")
    assert type(again) is type(layer) and again.get_config() == clone.get_config()


@pytest.mark.parametrize("make,shape,dtype", [
    (lambda: P.Rescaling(2.0), (None, 4, 3), "float32"),
    (lambda: P.Resizing(5, 2), (None, 6, 8, 3), "float32"),
    (lambda: P.Resizing(5, 2, data_format="channels_first"), (None, 3, 6, 8), "float32"),
    (lambda: P.CenterCrop(3, 4), (None, 6, 8, 3), "float32"),
    (lambda: P.CenterCrop(9, 4), (None, 6, 8, 3), "float32"),
    (lambda: P.CategoryEncoding(6), (None, 3), "int32"),
    (lambda: P.CategoryEncoding(6, output_mode="one_hot"), (None, 3), "int32"),
    (lambda: P.CategoryEncoding(6, output_mode="one_hot"), (None, 1), "int32"),
])
def test_functional_model_shapes(make, shape, dtype):
    layer = make()
    inp = Input(shape[1:], dtype=dtype)
    out = layer(inp)
    assert out.shape == tuple(layer.compute_output_shape(shape))
    model = Model(inp, out)
    rng = np.random.default_rng(5)
    x = rng.integers(0, 6, size=(2, *shape[1:])).astype(dtype)
    y = model(x)
    assert y.shape == (2, *out.shape[1:]) and y.dtype == "float32"


# ---- gradients -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: P.Rescaling([0.5, 2.0], offset=1.0),
    lambda: P.Resizing(3, 5),
    lambda: P.Resizing(2, 2, crop_to_aspect_ratio=True),
    lambda: P.CenterCrop(2, 3),
    lambda: P.CenterCrop(5, 3),
])
def test_gradients(make):
    x = np.random.default_rng(6).normal(size=(1, 4, 4, 2)).astype(np.float32)
    layer = make()
    check_gradients(lambda t: layer(t), [x], rtol=1e-4, atol=1e-5)


# ---- errors --------------------------------------------------------------------------------------------

def test_errors():
    with pytest.raises(ShapeError, match=r"Resizing 'rs'.*rank 3.*rank 4.*got shape \[2, 3\]"):
        P.Resizing(2, 2, name="rs")(np.zeros((2, 3), np.float32))
    with pytest.raises(ShapeError, match=r"CenterCrop 'cc'.*got shape \[5\]"):
        P.CenterCrop(2, 2, name="cc")(np.zeros((5,), np.float32))
    with pytest.raises(InvalidArgumentError, match="Resizing: interpolation"):
        P.Resizing(2, 2, interpolation="lanczos5")
    with pytest.raises(InvalidArgumentError, match="Resizing: only one of"):
        P.Resizing(2, 2, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(InvalidArgumentError, match="Resizing: height"):
        P.Resizing(0, 2)
    with pytest.raises(InvalidArgumentError, match="CenterCrop: data_format"):
        P.CenterCrop(2, 2, data_format="nhwc")
    with pytest.raises(InvalidArgumentError, match=r"CategoryEncoding 'ce'.*\[0, 3\).*\[0, 3\]"):
        P.CategoryEncoding(3, name="ce")(np.array([[0, 3]], np.int32))
    with pytest.raises(InvalidArgumentError, match="CategoryEncoding 'ce2'.*count_weights"):
        P.CategoryEncoding(3, name="ce2")(np.array([[0, 1]], np.int32), count_weights=np.ones((1, 2), np.float32))
    with pytest.raises(ShapeError, match=r"CategoryEncoding 'ce3'.*count_weights.*\[1, 2\].*\[1, 3\]"):
        P.CategoryEncoding(3, output_mode="count", name="ce3")(np.array([[0, 1]], np.int32),
                                                               count_weights=np.ones((1, 3), np.float32))
    with pytest.raises(InvalidArgumentError, match="CategoryEncoding: output_mode"):
        P.CategoryEncoding(3, output_mode="tf_idf")
    with pytest.raises(InvalidArgumentError, match="CategoryEncoding: num_tokens"):
        P.CategoryEncoding()
    with pytest.raises(InvalidArgumentError, match="Rescaling: scale"):
        P.Rescaling("big")
