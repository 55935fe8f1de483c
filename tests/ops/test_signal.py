import numpy as np
import pytest

import tensorweb as tw
from tensorweb.testing import check_gradients


def test_signal_is_a_namespace():
    assert set(tw.signal.__all__) == {"frame", "hann_window", "hamming_window", "stft"}


def test_frame_hand_values():
    x = tw.tensor([1, 2, 3, 4, 5, 6, 7])
    out = tw.signal.frame(x, 3, 2)
    assert out.dtype == "int32" and out.tolist() == [[1, 2, 3], [3, 4, 5], [5, 6, 7]]
    assert tw.signal.frame(x, 3, 3).tolist() == [[1, 2, 3], [4, 5, 6]]
    assert tw.signal.frame(x, 3, 3, True, -1).tolist() == [[1, 2, 3], [4, 5, 6], [7, -1, -1]]
    assert tw.signal.frame(x, 5, 4, pad_end=True).tolist() == [[1, 2, 3, 4, 5], [5, 6, 7, 0, 0]]
    assert tw.signal.frame(x, 8, 1).shape == (0, 8)
    assert tw.signal.frame(x, 8, 4, True).tolist() == [[1, 2, 3, 4, 5, 6, 7, 0], [5, 6, 7, 0, 0, 0, 0, 0]]


def test_frame_batched_on_last_axis():
    x = np.arange(20, dtype=np.float32).reshape(2, 10)
    out = tw.signal.frame(x, 4, 3).numpy()
    expected = np.stack([x[:, s:s + 4] for s in (0, 3, 6)], axis=1)
    np.testing.assert_array_equal(out, expected)


def test_frame_errors():
    with pytest.raises(ValueError, match="frame: frame_length must be a positive integer"):
        tw.signal.frame(tw.ones((5,)), 0, 1)
    with pytest.raises(ValueError, match="frame: frame_step must be a positive integer"):
        tw.signal.frame(tw.ones((5,)), 2, 1.5)
    with pytest.raises(ValueError, match="frame: signal must be of rank >= 1"):
        tw.signal.frame(tw.scalar(1.0), 2, 1)


def test_frame_gradients():
    rng = np.random.default_rng(0)
    check_gradients(lambda s: tw.signal.frame(s, 4, 3, True), [rng.normal(size=(2, 10))])
    check_gradients(lambda s: tw.signal.frame(s, 3, 2), [rng.normal(size=(8,))])
    check_gradients(lambda s: tw.signal.frame(s, 2, 3), [rng.normal(size=(8,))])  # gaps between frames


def test_frame_second_order_gradient():
    x = tw.tensor(np.linspace(-1.0, 1.0, 7).astype(np.float32))
    g = tw.grad(lambda s: tw.sum(tw.signal.frame(s, 3, 2, True) ** 2))(x)
    counts = np.array([1, 1, 2, 1, 2, 1, 2], np.float32)  # how many frames hold each sample
    np.testing.assert_allclose(g.numpy(), 2 * counts * x.numpy(), rtol=1e-6)


def test_windows_tfjs_definition():
    # TF.js: even lengths are periodic (denominator L), odd lengths symmetric (denominator L - 1).
    np.testing.assert_allclose(tw.signal.hann_window(4).numpy(), [0.0, 0.5, 1.0, 0.5], atol=1e-7)
    np.testing.assert_allclose(tw.signal.hann_window(5).numpy(), [0.0, 0.5, 1.0, 0.5, 0.0], atol=1e-7)
    np.testing.assert_allclose(tw.signal.hamming_window(4).numpy(), [0.08, 0.54, 1.0, 0.54], atol=1e-6)
    np.testing.assert_allclose(tw.signal.hamming_window(7).numpy(), np.hamming(7), atol=1e-6)
    np.testing.assert_allclose(tw.signal.hann_window(10).numpy(), np.hanning(11)[:10], atol=1e-6)
    assert tw.signal.hann_window(6).dtype == "float32"
    assert tw.signal.hann_window(1).tolist() == [1.0]
    with pytest.raises(ValueError, match="hann_window: window_length must be a positive integer"):
        tw.signal.hann_window(0)


def test_stft_matches_reference():
    x = np.random.default_rng(1).normal(size=(20,)).astype(np.float32)
    out = tw.signal.stft(x, 5, 3)
    n_frames = (20 - 5) // 3 + 1
    w = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(5) / 4)
    frames = np.stack([x[s:s + 5] for s in range(0, 3 * n_frames, 3)]) * w
    assert out.dtype == "complex64" and out.shape == (n_frames, 5)  # fft_length 8 -> 5 bins
    np.testing.assert_allclose(out.numpy(), np.fft.rfft(frames, 8), rtol=1e-4, atol=1e-5)
    out = tw.signal.stft(x, 4, 4, fft_length=4, window_fn=tw.signal.hamming_window)
    frames = x[:20].reshape(5, 4) * np.array([0.08, 0.54, 1.0, 0.54])
    np.testing.assert_allclose(out.numpy(), np.fft.rfft(frames, 4), rtol=1e-4, atol=1e-5)


def test_stft_rejects_int_signal():
    with pytest.raises(TypeError, match="stft: argument 'signal' must be a float32"):
        tw.signal.stft(tw.tensor([1, 2, 3, 4]), 2, 1)
