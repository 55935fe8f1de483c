"""Regularization layers: Dropout, SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout, AlphaDropout,
ActivityRegularization. Training-mode randomness is checked through statistics and structure."""

import numpy as np
import pytest

import tensorweb as tw
import tensorweb.layers as L
from tensorweb.errors import InvalidArgumentError, ShapeError
from tensorweb.layers import regularization as G
from tensorweb.testing import check_gradients

from .keras_fixtures import round_trip, run_keras_case, symbolic_matches


@pytest.mark.parametrize("name", ["dropout_inference", "dropout_noise_shape_inference",
                                  "spatial_dropout1d_inference", "gaussian_noise_inference",
                                  "gaussian_dropout_inference", "alpha_dropout_inference"])
def test_matches_keras(name):
    run_keras_case(name)


X = np.random.default_rng(0).normal(size=(4, 5, 6)).astype(np.float32)
ONES = np.ones((400, 250), np.float32)


@pytest.mark.parametrize("make", [lambda: G.Dropout(0.5), lambda: G.Dropout(0.3, noise_shape=(None, 1, 6)),
                                  lambda: G.SpatialDropout1D(0.4), lambda: G.GaussianNoise(0.5),
                                  lambda: G.GaussianDropout(0.3), lambda: G.AlphaDropout(0.2),
                                  lambda: G.ActivityRegularization(0.1, 0.2)])
def test_inference_is_identity(make):
    layer = make()
    np.testing.assert_array_equal(layer(X).numpy(), X)
    np.testing.assert_array_equal(layer(X, training=False).numpy(), X)


def test_dropout_training_scales_and_drops():
    y = G.Dropout(0.3, seed=1)(ONES, training=True).numpy()
    kept = y != 0
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    assert abs(kept.mean() - 0.7) < 0.01
    assert abs(y.mean() - 1.0) < 0.02  # the scale preserves the mean
    np.testing.assert_array_equal(G.Dropout(1.0)(ONES[:3], training=True).numpy(), 0)
    np.testing.assert_array_equal(G.Dropout(0.0)(ONES[:3], training=True).numpy(), 1)


def test_dropout_seed_and_noise_shape():
    a, b = G.Dropout(0.5, seed=7), G.Dropout(0.5, seed=7)
    y1, y2 = a(ONES[:20], training=True).numpy(), b(ONES[:20], training=True).numpy()
    np.testing.assert_array_equal(y1, y2)  # same seed, same sequence
    assert not np.array_equal(y1, a(ONES[:20], training=True).numpy())  # a new mask each call
    x = np.ones((50, 4, 30), np.float32)
    y = G.Dropout(0.5, noise_shape=(None, 1, 30))(x, training=True).numpy()
    assert np.all(y == y[:, :1, :])  # the mask is shared along the size-1 axis
    assert 0.4 < (y != 0).mean() < 0.6


@pytest.mark.parametrize("layer,shape,channel_axis", [
    (lambda: G.SpatialDropout1D(0.5), (60, 7, 20), 2), (lambda: G.SpatialDropout2D(0.5), (30, 3, 4, 20), 3),
    (lambda: G.SpatialDropout2D(0.5, data_format="channels_first"), (30, 20, 3, 4), 1),
    (lambda: G.SpatialDropout3D(0.5), (20, 2, 3, 2, 20), 4)])
def test_spatial_dropout_drops_whole_channels(layer, shape, channel_axis):
    x = np.ones(shape, np.float32)
    y = layer()(x, training=True).numpy()
    spatial = tuple(a for a in range(1, len(shape)) if a != channel_axis)
    per_channel = y.max(axis=spatial)
    np.testing.assert_array_equal(y.min(axis=spatial), per_channel)  # each (sample, channel) all kept or dropped
    assert set(np.unique(per_channel)) <= {0.0, 2.0}
    assert 0.35 < (per_channel != 0).mean() < 0.65


def test_gaussian_layers_statistics():
    rng_x = np.full((400, 250), 2.0, np.float32)
    y = G.GaussianNoise(0.5, seed=3)(rng_x, training=True).numpy()
    assert abs(y.mean() - 2.0) < 0.01 and abs(y.std() - 0.5) < 0.01
    y = G.GaussianDropout(0.2, seed=3)(rng_x, training=True).numpy()
    assert abs(y.mean() - 2.0) < 0.02 and abs(y.std() - 2.0 * np.sqrt(0.2 / 0.8)) < 0.02


def test_alpha_dropout_keeps_mean_and_variance():
    x = np.random.default_rng(1).normal(size=(400, 250)).astype(np.float32)
    rate = 0.2
    y = G.AlphaDropout(rate, seed=2)(x, training=True).numpy()
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1.0) < 0.02
    alpha_p = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
    b = -a * alpha_p * rate
    dropped = np.isclose(y, a * alpha_p + b, atol=1e-6)
    np.testing.assert_allclose(y[~dropped], a * x[~dropped] + b, rtol=1e-5, atol=1e-6)
    assert abs(dropped.mean() - rate) < 0.01


def test_activity_regularization_loss():
    layer = G.ActivityRegularization(l1=0.1, l2=0.5)
    x = np.array([[1.0, -2.0], [0.5, 0.0]], np.float32)
    np.testing.assert_array_equal(layer(x).numpy(), x)
    losses = layer.losses
    assert len(losses) == 1
    np.testing.assert_allclose(losses[0].numpy(), 0.1 * np.abs(x).sum() + 0.5 * (x ** 2).sum(), rtol=1e-6)
    assert "activity_regularizer" not in layer.get_config()


def test_training_flag_inside_a_model():
    x = L.Input((250,))
    model = L.Model(x, G.Dropout(0.5)(x))
    np.testing.assert_array_equal(model(ONES).numpy(), ONES)
    y = model(ONES, training=True).numpy()
    assert 0.45 < (y == 0).mean() < 0.55


@pytest.mark.parametrize("make", [lambda: G.Dropout(0.3, noise_shape=(None, 1, 6), seed=3),
                                  lambda: G.SpatialDropout1D(0.2, seed=1),
                                  lambda: G.SpatialDropout2D(0.2, data_format="channels_first"),
                                  lambda: G.SpatialDropout3D(0.1), lambda: G.GaussianNoise(0.3, seed=2),
                                  lambda: G.GaussianDropout(0.4), lambda: G.AlphaDropout(0.1, seed=5),
                                  lambda: G.ActivityRegularization(l1=0.01, l2=0.02)])
def test_config_round_trip(make):
    round_trip(make())


def test_keras_config_keys():
    assert G.Dropout(0.3, noise_shape=(None, 1, 5)).get_config()["noise_shape"] == [None, 1, 5]
    assert set(G.SpatialDropout1D(0.3).get_config()) == {"rate", "seed", "name", "dtype"}
    assert G.SpatialDropout2D(0.3).get_config()["data_format"] == "channels_last"
    config = G.ActivityRegularization(0.1).get_config()
    assert config["l1"] == 0.1 and config["l2"] == 0.0


def test_symbolic_shapes():
    for layer in [G.Dropout(0.5), G.SpatialDropout1D(0.5), G.GaussianNoise(0.1), G.GaussianDropout(0.1),
                  G.AlphaDropout(0.1), G.ActivityRegularization(0.1)]:
        symbolic_matches(layer, (5, 6), X)


def test_gradients():
    x = X[:1, :2, :3]
    for layer in [G.Dropout(0.5, seed=1), G.GaussianDropout(0.3, seed=1), G.AlphaDropout(0.3, seed=1),
                  G.GaussianNoise(0.2, seed=1)]:
        # a fixed seed per evaluation: reset the draw counter so every call uses the same mask
        def f(t, l=layer):
            l._draws = 0
            return l(t, training=True)
        check_gradients(f, [x])
    grads = tw.grads(lambda t: tw.sum(G.Dropout(0.5, seed=4)(t, training=True)))([tw.tensor(ONES[:10])])
    g = grads[0].numpy()
    assert set(np.unique(g)) <= {0.0, 2.0}


def test_errors():
    with pytest.raises(InvalidArgumentError, match="Dropout: rate must be a number between 0 and 1"):
        G.Dropout(1.5)
    with pytest.raises(InvalidArgumentError, match="Dropout: noise_shape"):
        G.Dropout(0.5, noise_shape=(None, 0))
    with pytest.raises(ShapeError, match=r"Dropout .*noise_shape \[None, 2, 6\].*\[4, 5, 6\]"):
        G.Dropout(0.5, noise_shape=(None, 2, 6))(X, training=True)
    with pytest.raises(ShapeError, match=r"SpatialDropout1D .*rank 3.*\[4, 6\]"):
        G.SpatialDropout1D(0.5)(X[:, 0])
    with pytest.raises(InvalidArgumentError, match="GaussianNoise: stddev"):
        G.GaussianNoise(-1.0)
    with pytest.raises(InvalidArgumentError, match="AlphaDropout: rate"):
        G.AlphaDropout(2)
    with pytest.raises(InvalidArgumentError, match="Dropout: seed"):
        G.Dropout(0.5, seed="x")
