"""NumPy kernels: spectral (FFT, IFFT, RFFT, IRFFT on the innermost dimension) and signal (Frame)."""
from __future__ import annotations

import numpy as np

from ...core.dtypes import complex_np, float_np
from ._base import kernel


@kernel("FFT")
def fft(x):
    if x.shape[-1] == 0:
        return x.astype(complex_np())
    return np.fft.fft(x, axis=-1).astype(complex_np(), copy=False)


@kernel("IFFT")
def ifft(x):
    if x.shape[-1] == 0:
        return x.astype(complex_np())
    return np.fft.ifft(x, axis=-1).astype(complex_np(), copy=False)


@kernel("RFFT")
def rfft(x, *, fft_length):
    """The fft_length // 2 + 1 non-negative frequency terms of a real signal cropped or zero-padded to
    fft_length."""
    return np.fft.rfft(x, n=fft_length, axis=-1).astype(complex_np(), copy=False)


@kernel("IRFFT")
def irfft(x, *, length):
    """The real signal of `length` samples whose half spectrum is x (imaginary parts of the DC and Nyquist
    terms do not contribute, as in TF.js's construction)."""
    if x.shape[-1] == 1:  # TF.js: real(ifft(x)) for one term
        return np.fft.ifft(x, axis=-1).real.astype(float_np(), copy=False)
    return np.fft.irfft(x, n=length, axis=-1).astype(float_np(), copy=False)


@kernel("RFFTGrad")
def rfft_grad(dy, *, fft_length, length):
    """Adjoint of RFFT for a real input of `length` samples: Re(F^H pad(dy)), cropped or zero-padded."""
    n = fft_length
    full = np.zeros(dy.shape[:-1] + (n,), dtype=dy.dtype)
    full[..., :dy.shape[-1]] = dy
    g = (np.fft.ifft(full, axis=-1).real * n).astype(float_np(), copy=False)
    if length <= n:
        return np.ascontiguousarray(g[..., :length])
    out = np.zeros(dy.shape[:-1] + (length,), dtype=g.dtype)
    out[..., :n] = g
    return out


@kernel("Frame")
def frame(x, *, frame_length, frame_step, num_frames, pad_value=0):
    """[..., N] -> [..., num_frames, frame_length]: windows starting every frame_step samples; the signal
    is padded with pad_value where the last frames run past its end. A strided view when no padding."""
    need = (num_frames - 1) * frame_step + frame_length if num_frames else 0
    n = x.shape[-1]
    if need > n:
        x = np.concatenate([x, np.full(x.shape[:-1] + (need - n,), pad_value, dtype=x.dtype)], axis=-1)
    if num_frames == 0:
        return np.zeros(x.shape[:-1] + (0, frame_length), dtype=x.dtype)
    windows = np.lib.stride_tricks.sliding_window_view(x, frame_length, axis=-1)
    return windows[..., 0:need - frame_length + 1:frame_step, :]


@kernel("FrameGrad")
def frame_grad(dy, *, frame_step, length):
    """Overlap-add of [..., F, L] frames back onto a [..., length] signal (the adjoint of Frame)."""
    *batch, f, fl = dy.shape
    total = max(length, (f - 1) * frame_step + fl if f else 0)
    out = np.zeros((int(np.prod(batch, dtype=np.int64)), total), dtype=dy.dtype)
    idx = (np.arange(f)[:, None] * frame_step + np.arange(fl)[None, :]).ravel()
    np.add.at(out, (slice(None), idx), dy.reshape(out.shape[0], -1))
    return out[:, :length].reshape(*batch, length)
