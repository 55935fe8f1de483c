import numpy as np
import pytest

import tensorweb as tw
from tensorweb.core import registry


def _c(z):
    z = np.asarray(z, np.complex64)
    return tw.complex(z.real.astype(np.float32), z.imag.astype(np.float32))


def test_spectral_is_a_namespace():
    assert set(tw.spectral.__all__) == {"fft", "ifft", "rfft", "irfft"}


def test_fft_hand_values_and_numpy():
    out = tw.spectral.fft(_c([1, 2, 3, 4]))
    assert out.dtype == "complex64" and out.shape == (4,)
    np.testing.assert_allclose(out.numpy(), [10, -2 + 2j, -2, -2 - 2j], atol=1e-6)
    rng = np.random.default_rng(0)
    z = (rng.normal(size=(2, 3, 8)) + 1j * rng.normal(size=(2, 3, 8))).astype(np.complex64)
    np.testing.assert_allclose(tw.spectral.fft(_c(z)).numpy(), np.fft.fft(z), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(tw.spectral.ifft(_c(z)).numpy(), np.fft.ifft(z), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(tw.spectral.ifft(tw.spectral.fft(_c(z))).numpy(), z, atol=1e-5)


def test_rfft_crops_and_pads():
    x = np.array([[1, 2, 3, 4, 5], [0, 1, 0, -1, 2]], np.float32)
    out = tw.spectral.rfft(x)
    assert out.dtype == "complex64" and out.shape == (2, 3)
    np.testing.assert_allclose(out.numpy(), np.fft.rfft(x), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(tw.spectral.rfft(x, 3).numpy(), np.fft.rfft(x[:, :3]), atol=1e-5)
    np.testing.assert_allclose(tw.spectral.rfft(x, 8).numpy(), np.fft.rfft(x, 8), atol=1e-5)
    np.testing.assert_allclose(tw.spectral.rfft(tw.tensor([1.0, 2.0, 3.0, 4.0])).numpy(), [10, -2 + 2j, -2],
                               atol=1e-6)


def test_irfft_inverts_rfft_and_tfjs_length_rules():
    x = np.random.default_rng(1).normal(size=(2, 3, 8)).astype(np.float32)
    y = tw.spectral.irfft(tw.spectral.rfft(x))
    assert y.dtype == "float32" and y.shape == (2, 3, 8)
    np.testing.assert_allclose(y.numpy(), x, atol=1e-5)
    assert tw.spectral.irfft(_c([1 + 1j, 2, 3])).shape == (4,)
    np.testing.assert_allclose(tw.spectral.irfft(_c([1 + 1j, 2, 3])).numpy(), np.fft.irfft([1, 2, 3]), atol=1e-6)
    np.testing.assert_allclose(tw.spectral.irfft(_c([2 + 5j])).numpy(), [2.0])  # one term: real(ifft(x))


def test_spectral_errors():
    with pytest.raises(TypeError, match="fft: input must be a complex64 tensor, got a float32"):
        tw.spectral.fft(tw.ones((4,)))
    with pytest.raises(TypeError, match="ifft: input must be a complex64"):
        tw.spectral.ifft(tw.ones((4,)))
    with pytest.raises(TypeError, match="rfft: input must be a float32 tensor, got a complex64"):
        tw.spectral.rfft(_c([1, 2]))
    with pytest.raises(TypeError, match="irfft: input must be a complex64"):
        tw.spectral.irfft(tw.ones((4,)))
    with pytest.raises(ValueError, match="rfft: fft_length must be a positive integer"):
        tw.spectral.rfft(tw.ones((4,)), 0)
    with pytest.raises(ValueError, match="fft: input must be of rank >= 1"):
        tw.spectral.fft(_c(1.0))


# The engine does not carry gradients through complex64 tensors yet, so the registered gradients are checked
# as adjoints: <op(x), dy> == <x, grad(dy)> with the real inner product Re(sum(a * conj(b))).

def _grad(kernel, dy, x, out, attrs):
    g = registry.get_gradient(kernel)(dy, (x,), (out,), attrs)
    return g[0].numpy()


def _inner(a, b):
    return float(np.real(np.sum(np.asarray(a, np.complex128) * np.conj(np.asarray(b, np.complex128)))))


@pytest.mark.parametrize("kernel,n", [("FFT", 6), ("IFFT", 5)])
def test_fft_ifft_gradients_are_adjoints(kernel, n):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, n)) + 1j * rng.normal(size=(2, n))
    dy = rng.normal(size=(2, n)) + 1j * rng.normal(size=(2, n))
    op = tw.spectral.fft if kernel == "FFT" else tw.spectral.ifft
    tx, tdy = _c(x), _c(dy)
    out = op(tx)
    g = _grad(kernel, tdy, tx, out, {})
    assert _inner(out.numpy(), dy) == pytest.approx(_inner(x, g), rel=1e-4)


@pytest.mark.parametrize("n,fft_length", [(6, 6), (7, 7), (6, 4), (5, 8)])
def test_rfft_gradient_is_adjoint(n, fft_length):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, n)).astype(np.float32)
    m = fft_length // 2 + 1
    dy = rng.normal(size=(2, m)) + 1j * rng.normal(size=(2, m))
    tx = tw.tensor(x)
    out = tw.spectral.rfft(tx, fft_length)
    g = _grad("RFFT", _c(dy), tx, out, {"fft_length": fft_length})
    assert g.shape == x.shape
    assert _inner(out.numpy(), dy) == pytest.approx(_inner(x, g), rel=1e-4)


@pytest.mark.parametrize("m", [1, 2, 5])
def test_irfft_gradient_is_adjoint(m):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, m)) + 1j * rng.normal(size=(2, m))
    tx = tw.spectral.rfft(tw.spectral.irfft(_c(x))) if m > 1 else _c(x)  # a consistent half spectrum
    out = tw.spectral.irfft(tx)
    dy = rng.normal(size=out.shape).astype(np.float32)
    length = 1 if m == 1 else 2 * (m - 1)
    g = _grad("IRFFT", tw.tensor(dy), tx, out, {"length": length})
    assert _inner(out.numpy(), dy) == pytest.approx(_inner(tx.numpy(), g), rel=1e-4)
