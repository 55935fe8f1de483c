import math

import numpy as np
import pytest

import tensorweb as tw

N = 100_000


def test_random_uniform_statistics_shape_dtype():
    t = tw.random_uniform([200, 500], 2.0, 5.0, seed=1)
    assert t.shape == (200, 500) and t.dtype == "float32"
    v = t.numpy()
    assert v.min() >= 2.0 and v.max() < 5.0
    assert abs(v.mean() - 3.5) < 0.02
    assert abs(v.std() - 3.0 / math.sqrt(12)) < 0.01
    hist, _ = np.histogram(v, bins=10, range=(2, 5))
    assert np.all(np.abs(hist / v.size - 0.1) < 0.005)


def test_seed_determinism_and_independence():
    a = tw.random_uniform([50], seed=7).numpy()
    b = tw.random_uniform([50], seed=7).numpy()
    c = tw.random_uniform([50], seed=8).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    n1, n2 = tw.random_normal([20], seed=3).numpy(), tw.random_normal([20], seed=3).numpy()
    np.testing.assert_array_equal(n1, n2)
    # string and float seeds are accepted and deterministic too
    np.testing.assert_array_equal(tw.random_uniform([5], seed="abc").numpy(), tw.random_uniform([5], seed="abc").numpy())
    np.testing.assert_array_equal(tw.random_uniform([5], seed=0.5).numpy(), tw.random_uniform([5], seed=0.5).numpy())
    # no seed: two draws differ
    assert not np.array_equal(tw.random_uniform([50]).numpy(), tw.random_uniform([50]).numpy())


def test_random_uniform_int32_rounds_like_tfjs():
    t = tw.random_uniform([N], 0, 4, "int32", seed=2)
    assert t.dtype == "int32"
    counts = np.bincount(t.numpy(), minlength=5) / N
    # rounding of U[0, 4): 0 and 4 each have probability 1/8, 1..3 each 1/4
    np.testing.assert_allclose(counts, [0.125, 0.25, 0.25, 0.25, 0.125], atol=0.01)
    u = tw.random_uniform_int([1000], -3, 3, seed=4)
    assert u.dtype == "int32" and u.numpy().min() >= -3 and u.numpy().max() <= 3
    np.testing.assert_array_equal(u.numpy(), tw.random_uniform([1000], -3, 3, "int32", seed=4).numpy())


def test_random_normal_statistics():
    v = tw.random_normal([N], 3.0, 2.0, seed=5).numpy()
    assert v.dtype == np.float32
    assert abs(v.mean() - 3.0) < 0.03 and abs(v.std() - 2.0) < 0.03
    s = tw.random_standard_normal([N], seed=6).numpy()
    assert abs(s.mean()) < 0.02 and abs(s.std() - 1.0) < 0.02
    # about 95.45% within 2 standard deviations
    assert abs(np.mean(np.abs(s) <= 2) - 0.9545) < 0.005
    i = tw.random_normal([1000], 0, 10, "int32", seed=1)
    assert i.dtype == "int32"


def test_truncated_normal_bounds_and_statistics():
    v = tw.truncated_normal([N], 1.0, 2.0, seed=9).numpy()
    assert v.min() >= -3.0 and v.max() <= 5.0
    assert abs(v.mean() - 1.0) < 0.03
    # std of a normal truncated at +-2 sigma: sigma * sqrt(1 - 4 phi(2) / (2 Phi(2) - 1))
    phi2 = math.exp(-2.0) / math.sqrt(2 * math.pi)
    big_phi = 0.5 * (1 + math.erf(2 / math.sqrt(2)))
    expected_std = 2.0 * math.sqrt(1 - 4 * phi2 / (2 * big_phi - 1))
    assert abs(v.std() - expected_std) < 0.02
    # values near the bounds do occur (not clipped to a narrower range)
    assert v.max() > 4.9 and v.min() < -2.9
    np.testing.assert_array_equal(v[:10], tw.truncated_normal([N], 1.0, 2.0, seed=9).numpy()[:10])


def test_random_gamma_statistics():
    v = tw.random_gamma([N], 2.0, 4.0, seed=11).numpy()
    assert v.dtype == np.float32 and v.min() > 0
    assert abs(v.mean() - 0.5) < 0.01          # alpha / beta
    assert abs(v.var() - 0.125) < 0.005        # alpha / beta^2
    small = tw.random_gamma([N], 0.5, seed=12).numpy()
    assert abs(small.mean() - 0.5) < 0.01
    assert tw.random_gamma([3, 2], 3, dtype="int32", seed=1).dtype == "int32"


def test_multinomial():
    m = tw.multinomial([[0.0, 0.0, 100.0], [100.0, 0.0, 0.0]], 6, seed=1)
    assert m.shape == (2, 6) and m.dtype == "int32"
    assert m.tolist() == [[2] * 6, [0] * 6]
    s = tw.multinomial([0.2, 0.3, 0.5], N, seed=2, normalized=True)
    assert s.shape == (N,)
    np.testing.assert_allclose(np.bincount(s.numpy(), minlength=3) / N, [0.2, 0.3, 0.5], atol=0.01)
    logits = np.log(np.array([0.1, 0.6, 0.3]))
    s2 = tw.multinomial(logits, N, seed=3).numpy()
    np.testing.assert_allclose(np.bincount(s2, minlength=3) / N, [0.1, 0.6, 0.3], atol=0.01)
    np.testing.assert_array_equal(s2[:20], tw.multinomial(logits, N, seed=3).numpy()[:20])


def test_empty_and_scalar_shapes():
    assert tw.random_uniform([0, 3], seed=1).shape == (0, 3)
    assert tw.random_normal([], seed=1).shape == ()
    assert tw.truncated_normal(4, seed=1).shape == (4,)


def test_random_errors():
    with pytest.raises(ValueError, match="random_uniform: shape must be a list of non-negative integers"):
        tw.random_uniform([2, -1])
    with pytest.raises(ValueError, match="random_normal: shape"):
        tw.random_normal([1.5])
    with pytest.raises(ValueError, match="random_uniform: for dtype int32"):
        tw.random_uniform([3], 0, 1, "int32")
    with pytest.raises(TypeError, match="random_uniform: dtype must be 'float32' or 'int32'"):
        tw.random_uniform([3], dtype="bool")
    with pytest.raises(ValueError, match="random_gamma: alpha must be positive"):
        tw.random_gamma([3], 0)
    with pytest.raises(ValueError, match="random_gamma: beta must be positive"):
        tw.random_gamma([3], 1, -2)
    with pytest.raises(ValueError, match="multinomial: needs at least 2 outcomes"):
        tw.multinomial([1.0], 3)
    with pytest.raises(ValueError, match="multinomial: logits must be of rank 1 or 2"):
        tw.multinomial(np.zeros((2, 2, 2)), 3)
    with pytest.raises(ValueError, match="multinomial: num_samples"):
        tw.multinomial([0.0, 1.0], -1)
    with pytest.raises(ValueError, match="random_uniform: seed"):
        tw.random_uniform([2], seed=[1])
