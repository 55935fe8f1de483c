"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector, Cropping*, UpSampling*, ZeroPadding*."""

import numpy as np
import pytest

from tensorweb.errors import InvalidArgumentError, ShapeError
from tensorweb.layers import reshaping as R
from tensorweb.testing import check_gradients

from .keras_fixtures import round_trip, run_keras_case, symbolic_matches


@pytest.mark.parametrize("name", ["flatten", "flatten_2d", "reshape", "reshape_3d", "permute_2_1", "permute_3_1_2",
                                  "repeat_vector", "cropping2d", "cropping2d_int", "upsampling2d_nearest",
                                  "upsampling2d_bilinear", "zeropadding2d", "zeropadding2d_int"])
def test_matches_keras(name):
    run_keras_case(name)


RNG = np.random.default_rng(0)
IMG = RNG.normal(size=(2, 4, 5, 3)).astype(np.float32)
SEQ = RNG.normal(size=(2, 6, 3)).astype(np.float32)
VOL = RNG.normal(size=(1, 3, 4, 5, 2)).astype(np.float32)


def test_flatten_reshape_permute_repeat_numpy():
    np.testing.assert_array_equal(R.Flatten()(IMG).numpy(), IMG.reshape(2, -1))
    np.testing.assert_array_equal(R.Flatten(data_format="channels_first")(IMG).numpy(),
                                  np.transpose(IMG, (0, 2, 3, 1)).reshape(2, -1))
    np.testing.assert_array_equal(R.Flatten()(np.arange(3, dtype=np.float32)).numpy(), np.arange(3).reshape(3, 1))
    np.testing.assert_array_equal(R.Reshape((-1, 6))(IMG).numpy(), IMG.reshape(2, 10, 6))
    assert R.Reshape((-1, 6)).compute_output_shape((None, 4, 5, 3)) == (None, 10, 6)
    assert R.Reshape((-1, 6)).compute_output_shape((None, None, 5, 3)) == (None, None, 6)
    np.testing.assert_array_equal(R.Permute((3, 1, 2))(IMG).numpy(), np.transpose(IMG, (0, 3, 1, 2)))
    y = R.RepeatVector(3)(IMG[:, 0, 0]).numpy()
    np.testing.assert_array_equal(y, np.repeat(IMG[:, 0, 0][:, None], 3, axis=1))


def test_cropping_padding_numpy():
    np.testing.assert_array_equal(R.Cropping1D((1, 2))(SEQ).numpy(), SEQ[:, 1:-2])
    np.testing.assert_array_equal(R.Cropping1D(2)(SEQ).numpy(), SEQ[:, 2:-2])
    np.testing.assert_array_equal(R.Cropping2D(((1, 0), (2, 1)))(IMG).numpy(), IMG[:, 1:, 2:-1])
    np.testing.assert_array_equal(R.Cropping2D((1, 2))(IMG).numpy(), IMG[:, 1:-1, 2:-2])
    chw = np.transpose(IMG, (0, 3, 1, 2))
    np.testing.assert_array_equal(R.Cropping2D(((1, 0), (2, 1)), data_format="channels_first")(chw).numpy(),
                                  chw[:, :, 1:, 2:-1])
    np.testing.assert_array_equal(R.Cropping3D(((1, 1), (0, 1), (2, 0)))(VOL).numpy(), VOL[:, 1:-1, :-1, 2:])
    np.testing.assert_array_equal(R.ZeroPadding1D((1, 2))(SEQ).numpy(), np.pad(SEQ, ((0, 0), (1, 2), (0, 0))))
    np.testing.assert_array_equal(R.ZeroPadding2D(((1, 0), (2, 1)))(IMG).numpy(),
                                  np.pad(IMG, ((0, 0), (1, 0), (2, 1), (0, 0))))
    np.testing.assert_array_equal(R.ZeroPadding2D(1, data_format="channels_first")(chw).numpy(),
                                  np.pad(chw, ((0, 0), (0, 0), (1, 1), (1, 1))))
    np.testing.assert_array_equal(R.ZeroPadding3D((1, 0, 2))(VOL).numpy(),
                                  np.pad(VOL, ((0, 0), (1, 1), (0, 0), (2, 2), (0, 0))))


def _bilinear_half_pixel(x, oh, ow):
    """Independent bilinear resize with half-pixel centers (TF's / Keras 3's), per axis."""
    def axis_weights(n_in, n_out):
        src = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
        src = np.clip(src, 0, None)
        lo = np.floor(src).astype(int)
        hi = np.minimum(lo + 1, n_in - 1)
        lo = np.minimum(lo, n_in - 1)
        frac = src - np.floor(src)
        m = np.zeros((n_out, n_in))
        m[np.arange(n_out), lo] += 1 - frac
        m[np.arange(n_out), hi] += frac
        return m
    my, mx = axis_weights(x.shape[1], oh), axis_weights(x.shape[2], ow)
    return np.einsum("yh,bhwc,xw->byxc", my, x, mx)


def test_upsampling_numpy():
    np.testing.assert_array_equal(R.UpSampling1D(3)(SEQ).numpy(), np.repeat(SEQ, 3, axis=1))
    np.testing.assert_array_equal(R.UpSampling2D((2, 3))(IMG).numpy(), np.repeat(np.repeat(IMG, 2, 1), 3, 2))
    chw = np.transpose(IMG, (0, 3, 1, 2))
    np.testing.assert_array_equal(R.UpSampling2D(2, data_format="channels_first")(chw).numpy(),
                                  np.repeat(np.repeat(chw, 2, 2), 2, 3))
    np.testing.assert_array_equal(R.UpSampling3D((1, 2, 3))(VOL).numpy(),
                                  np.repeat(np.repeat(VOL, 2, 2), 3, 3))
    y = R.UpSampling2D((2, 3), interpolation="bilinear")(IMG).numpy()
    np.testing.assert_allclose(y, _bilinear_half_pixel(IMG, 8, 15), rtol=1e-5, atol=1e-5)
    y = R.UpSampling2D(2, data_format="channels_first", interpolation="bilinear")(chw).numpy()
    np.testing.assert_allclose(y, np.transpose(_bilinear_half_pixel(IMG, 8, 10), (0, 3, 1, 2)), rtol=1e-5,
                               atol=1e-5)


@pytest.mark.parametrize("make", [
    lambda: R.Flatten(data_format="channels_first"), lambda: R.Reshape((2, -1)), lambda: R.Permute((2, 1)),
    lambda: R.RepeatVector(4), lambda: R.Cropping1D((1, 2)), lambda: R.Cropping2D(((1, 2), (3, 4))),
    lambda: R.Cropping3D(1), lambda: R.UpSampling1D(3), lambda: R.UpSampling2D((2, 3), interpolation="bilinear"),
    lambda: R.UpSampling3D(2, data_format="channels_first"), lambda: R.ZeroPadding1D(2),
    lambda: R.ZeroPadding2D(((1, 0), (2, 1))), lambda: R.ZeroPadding3D((1, 2, 3))])
def test_config_round_trip(make):
    round_trip(make())


def test_keras_config_forms():
    assert R.Cropping2D(1).get_config()["cropping"] == [[1, 1], [1, 1]]
    assert R.Cropping1D().get_config()["cropping"] == [1, 1] and "data_format" not in R.Cropping1D().get_config()
    assert R.ZeroPadding1D().get_config()["padding"] == [1, 1]
    assert R.ZeroPadding2D((1, 2)).get_config()["padding"] == [[1, 1], [2, 2]]
    assert R.UpSampling2D().get_config()["size"] == [2, 2] and R.UpSampling1D().get_config()["size"] == 2
    assert R.Reshape((2, -1)).get_config()["target_shape"] == [2, -1]


def test_symbolic_shapes():
    for layer in [R.Flatten(), R.Reshape((-1, 3)), R.Permute((3, 2, 1)), R.Cropping2D(((1, 0), (2, 1))),
                  R.ZeroPadding2D(2), R.UpSampling2D((2, 1)), R.UpSampling2D(2, interpolation="bilinear")]:
        symbolic_matches(layer, (4, 5, 3), IMG)
    for layer in [R.Cropping1D(1), R.ZeroPadding1D((0, 2)), R.UpSampling1D(2), R.Flatten()]:
        symbolic_matches(layer, (6, 3), SEQ)
    symbolic_matches(R.RepeatVector(2), (3,), SEQ[:, 0])
    for layer in [R.Cropping3D(((1, 1), (1, 1), (1, 1))), R.ZeroPadding3D(1), R.UpSampling3D(2)]:
        symbolic_matches(layer, (3, 4, 5, 2), VOL)


def test_gradients():
    x = RNG.normal(size=(1, 3, 4, 2)).astype(np.float32)
    for layer in [R.Flatten(), R.Reshape((4, -1)), R.Permute((2, 3, 1)), R.Cropping2D(((1, 0), (1, 2))),
                  R.ZeroPadding2D(1), R.UpSampling2D((2, 1)), R.UpSampling2D(2, interpolation="bilinear")]:
        check_gradients(lambda t, l=layer: l(t), [x])
    check_gradients(lambda t: R.RepeatVector(2)(t), [x[:, 0, 0]])


def test_errors():
    with pytest.raises(ShapeError, match=r"Reshape .*\(batch, 4, 5, 3\).*\[7, -1\]"):
        R.Reshape((7, -1))(IMG)
    with pytest.raises(ShapeError, match=r"Reshape .*60 elements.*\[7, 3\]"):
        R.Reshape((7, 3))(IMG)
    with pytest.raises(InvalidArgumentError, match="Reshape: target_shape"):
        R.Reshape((-1, -1))
    with pytest.raises(InvalidArgumentError, match="Permute: dims"):
        R.Permute((0, 1))
    with pytest.raises(ShapeError, match=r"Permute .*rank 3.*\[2, 4, 5, 3\]"):
        R.Permute((2, 1))(IMG)
    with pytest.raises(ShapeError, match=r"RepeatVector .*rank 2.*\[2, 4, 5, 3\]"):
        R.RepeatVector(2)(IMG)
    with pytest.raises(InvalidArgumentError, match="RepeatVector: n"):
        R.RepeatVector(0)
    with pytest.raises(ShapeError, match=r"Cropping2D .*\[2, 4, 5, 3\]"):
        R.Cropping2D(((2, 2), (0, 0)))(IMG)
    with pytest.raises(ShapeError, match=r"ZeroPadding2D .*rank 4.*\[2, 6, 3\]"):
        R.ZeroPadding2D()(SEQ)
    with pytest.raises(InvalidArgumentError, match="UpSampling2D: interpolation"):
        R.UpSampling2D(interpolation="bicubic")
    with pytest.raises(InvalidArgumentError, match="Flatten: data_format"):
        R.Flatten(data_format="nhwc")
    with pytest.raises(InvalidArgumentError, match="Cropping2D: cropping"):
        R.Cropping2D(((1, 2, 3), (1, 1)))
