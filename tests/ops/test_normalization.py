import numpy as np
import pytest

import tensorweb as tw
from tensorweb.testing import check_gradients


# ---- independent references ---------------------------------------------------------------------------

def ref_lrn(x, r, bias, alpha, beta):
    """Loop over channels: x[..., c] / (bias + alpha * sum_{|k-c|<=r} x[..., k]^2) ** beta."""
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    c = x.shape[-1]
    for ch in range(c):
        lo, hi = max(0, ch - r), min(c - 1, ch + r)
        s = (x[..., lo:hi + 1] ** 2).sum(-1)
        out[..., ch] = x[..., ch] / (bias + alpha * s) ** beta
    return out


def ref_softmax(x):
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


# ---- batch_norm -----------------------------------------------------------------------------------------

def test_batch_norm_rank1_params_broadcast_over_last_axis():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    mean, var = rng.normal(size=4), rng.uniform(0.5, 2, size=4)
    off, scale = rng.normal(size=4), rng.normal(size=4)
    out = tw.batch_norm(x, mean, var, off, scale, 0.01)
    assert out.shape == (2, 3, 4) and out.dtype == "float32"
    want = (x - mean) * scale / np.sqrt(var + 0.01) + off
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-5, atol=1e-5)


def test_batch_norm_defaults_no_offset_no_scale_and_epsilon():
    x = np.array([[1.0, 4.0], [10.0, 20.0]], dtype=np.float32)
    out = tw.batch_norm(x, [1.0, 2.0], [4.0, 9.0])
    want = (x - [1.0, 2.0]) / np.sqrt(np.array([4.0, 9.0]) + 0.001)
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-6)


def test_batch_norm_same_rank_params_and_rank4_and_scalar_x():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 2, 3, 2))
    mean, var = rng.normal(size=(1, 2, 3, 2)), rng.uniform(0.5, 2, size=(1, 2, 3, 2))
    out = tw.batch_norm4d(x, mean, var, variance_epsilon=0.0)
    np.testing.assert_allclose(out.numpy(), (x - mean) / np.sqrt(var), rtol=1e-5, atol=1e-6)
    x2 = rng.normal(size=(3, 2))
    np.testing.assert_allclose(tw.batch_norm2d(x2, x2, np.ones((3, 2))).numpy(), np.zeros((3, 2)), atol=1e-6)
    assert tw.batch_norm(5.0, 1.0, 3.999, 1.0, 2.0).numpy() == pytest.approx(1 + 4 * 2 / 2.0, rel=1e-5)


def test_batch_norm_errors():
    x = np.ones((2, 3), dtype=np.float32)
    with pytest.raises(ValueError, match="batch_norm: mean and variance must have equal ranks"):
        tw.batch_norm(x, np.ones(3), np.ones((2, 3)))
    with pytest.raises(ValueError, match="batch_norm: mean and scale must have equal ranks"):
        tw.batch_norm(x, np.ones(3), np.ones(3), scale=np.ones((2, 3)))
    with pytest.raises(ValueError, match="batch_norm: mean of shape \\[4\\] does not broadcast"):
        tw.batch_norm(x, np.ones(4), np.ones(4))
    with pytest.raises(ValueError, match="batch_norm4d: x must be of rank 4"):
        tw.batch_norm4d(x, np.ones(3), np.ones(3))
    with pytest.raises(TypeError, match="batch_norm.*string"):
        tw.batch_norm(tw.tensor(["a"]), [1.0], [1.0])


def test_batch_norm_gradients_rank1_params():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 2, 3))
    mean, var = rng.normal(size=3), rng.uniform(0.5, 2.0, size=3)
    off, scale = rng.normal(size=3), rng.normal(size=3)
    check_gradients(lambda a, m, v, o, s: tw.batch_norm(a, m, v, o, s, 0.01), [x, mean, var, off, scale])
    check_gradients(lambda a, m, v: tw.batch_norm(a, m, v), [x, mean, var])


def test_batch_norm_gradients_same_rank_params():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 3))
    mean, var = rng.normal(size=(1, 3)), rng.uniform(0.5, 2.0, size=(2, 3))
    scale = rng.normal(size=(2, 3))
    check_gradients(lambda a, m, v, s: tw.batch_norm(a, m, v, scale=s), [x, mean, var, scale])


# ---- local_response_normalization ----------------------------------------------------------------------

@pytest.mark.parametrize("radius,bias,alpha,beta", [(5, 1.0, 1.0, 0.5), (1, 2.0, 0.5, 0.75), (0, 1.0, 1.0, 1.0),
                                                      (2, 0.5, 0.1, 0.3)])
def test_lrn_matches_loop_reference(radius, bias, alpha, beta):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 2, 3, 6)).astype(np.float32)
    out = tw.local_response_normalization(x, radius, bias, alpha, beta)
    np.testing.assert_allclose(out.numpy(), ref_lrn(x, radius, bias, alpha, beta), rtol=1e-5, atol=1e-6)


def test_lrn_rank3_and_hand_value():
    x = np.array([[[1.0, 2.0, 3.0]]])
    out = tw.local_response_normalization(x, 1, 1.0, 1.0, 0.5)
    assert out.shape == (1, 1, 3)
    np.testing.assert_allclose(out.numpy()[0, 0], [1 / np.sqrt(6), 2 / np.sqrt(15), 3 / np.sqrt(14)], rtol=1e-6)


def test_lrn_errors():
    with pytest.raises(ValueError, match="local_response_normalization: x must be of rank 3 or 4"):
        tw.local_response_normalization(np.ones((2, 3)))
    with pytest.raises(ValueError, match="local_response_normalization: depth_radius must be an integer"):
        tw.local_response_normalization(np.ones((1, 2, 3)), 1.5)


@pytest.mark.parametrize("radius,beta", [(1, 0.75), (5, 0.5), (2, 1.0)])
def test_lrn_gradient(radius, beta):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(1, 2, 2, 5))
    check_gradients(lambda a: tw.local_response_normalization(a, radius, 1.5, 0.3, beta), [x])


# ---- softmax / log_softmax ------------------------------------------------------------------------------

def test_softmax_values_and_stability():
    x = np.array([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0]], dtype=np.float32)
    out = tw.softmax(x).numpy()
    np.testing.assert_allclose(out, ref_softmax(x), rtol=1e-6)
    np.testing.assert_allclose(out.sum(-1), [1.0, 1.0], rtol=1e-6)
    np.testing.assert_allclose(tw.softmax([0.0, 0.0]).numpy(), [0.5, 0.5])
    lg = tw.log_softmax(x).numpy()
    np.testing.assert_allclose(lg, np.log(ref_softmax(x)), rtol=1e-5, atol=1e-5)
    assert np.isfinite(tw.log_softmax(np.array([-1000.0, 0.0])).numpy()).all()


def test_softmax_dtype_rules_and_errors():
    with pytest.raises(TypeError, match="softmax: argument 'logits' must be a float32 tensor"):
        tw.softmax(tw.tensor([1, 2]))
    out = tw.log_softmax(tw.tensor([1, 2]))  # log_softmax takes any numeric tensor
    assert out.dtype == "float32"
    np.testing.assert_allclose(out.numpy(), np.log(ref_softmax([1.0, 2.0])), rtol=1e-6)
    with pytest.raises(ValueError, match="softmax: only the last dimension"):
        tw.softmax(np.ones((2, 3)), 0)
    with pytest.raises(ValueError, match="log_softmax: only the last dimension"):
        tw.log_softmax(np.ones((2, 3)), 0)
    with pytest.raises(ValueError, match="softmax"):
        tw.softmax(np.ones((2, 3)), 2)
    np.testing.assert_allclose(tw.softmax(np.zeros((2, 4)), 1).numpy(), np.full((2, 4), 0.25))


def test_softmax_and_log_softmax_gradients():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(2, 4))
    check_gradients(tw.softmax, [x])
    check_gradients(tw.log_softmax, [x])
    check_gradients(lambda a: tw.softmax(a) * a, [rng.normal(size=(5,))])


def test_softmax_second_derivative():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(3,))
    w = rng.normal(size=(3,))
    check_gradients(lambda a: tw.grad(lambda b: tw.softmax(b) * w)(a), [x])
    check_gradients(lambda a: tw.grad(lambda b: tw.log_softmax(b) * w)(a), [x])


# ---- moments --------------------------------------------------------------------------------------------

def test_moments_values_axes_and_keep_dims():
    rng = np.random.default_rng(8)
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    m, v = tw.moments(x)
    assert m.shape == () and v.shape == ()
    np.testing.assert_allclose([m.numpy(), v.numpy()], [x.mean(), x.var()], rtol=1e-5)
    m, v = tw.moments(x, [0, 2], keep_dims=True)
    assert m.shape == (1, 3, 1) and v.shape == (1, 3, 1)
    np.testing.assert_allclose(m.numpy(), x.mean((0, 2), keepdims=True), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(v.numpy(), x.var((0, 2), keepdims=True), rtol=1e-5)
    mean, variance = tw.moments(x, -1)
    assert mean.shape == (2, 3)
    np.testing.assert_allclose(variance.numpy(), x.var(-1), rtol=1e-5)


def test_moments_int_input_is_float_and_errors():
    m, v = tw.moments(tw.tensor([1, 2, 3, 4]))
    assert m.dtype == "float32" and v.dtype == "float32"
    assert (m.numpy(), v.numpy()) == (2.5, 1.25)
    with pytest.raises(ValueError, match="moments"):
        tw.moments(np.ones((2, 3)), 2)


def test_moments_gradients():
    rng = np.random.default_rng(9)
    x = rng.normal(size=(3, 4))
    check_gradients(lambda a: tw.moments(a, 1)[0], [x])
    check_gradients(lambda a: tw.moments(a, 1)[1], [x])
    check_gradients(lambda a: tw.moments(a, [0, 1], True)[1], [x])


def test_int32_inputs_keep_their_dtype_truncated_like_tfjs():
    x = tw.tensor(np.array([[1, 4], [7, -3]], dtype=np.int32))
    out = tw.batch_norm(x, [1.5, 2.0], [2.0, 0.5])
    assert out.dtype == "int32" and out.numpy().tolist() == [[0, 2], [3, -7]]
    lrn = tw.local_response_normalization(tw.tensor(np.arange(12, dtype=np.int32).reshape(1, 2, 6)), 1)
    assert lrn.dtype == "int32" and not lrn.numpy().any()
