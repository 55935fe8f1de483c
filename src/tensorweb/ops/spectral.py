"""Spectral ops (tw.spectral; TF.js also exports them flat as tf.fft etc.): fft, ifft, rfft, irfft over the
innermost dimension."""
from __future__ import annotations

from typing import Any

from ..core.registry import gradient
from ..core.tensor import Tensor
from ..errors import DtypeError, InvalidArgumentError, ShapeError
from ._base import convert, run

__all__ = ["fft", "ifft", "rfft", "irfft"]


def _check(x: Any, op: str, dtype: str) -> Tensor:
    t = convert(x, "input", op, "any")
    if t.dtype != dtype:
        raise DtypeError(f"{op}: input must be a {dtype} tensor, got a {t.dtype} tensor")
    if t.rank < 1:
        raise ShapeError(f"{op}: input must be of rank >= 1, got a scalar")
    return t


def fft(input: Any) -> Tensor:  # noqa: A002 (TF.js's name)
    """The discrete Fourier transform of the innermost dimension of a complex64 tensor."""
    return run("FFT", (_check(input, "fft", "complex64"),))


def ifft(input: Any) -> Tensor:  # noqa: A002
    """The inverse discrete Fourier transform of the innermost dimension of a complex64 tensor."""
    return run("IFFT", (_check(input, "ifft", "complex64"),))


def rfft(input: Any, fft_length: int | None = None) -> Tensor:  # noqa: A002
    """The DFT of a real float32 signal (innermost dimension, cropped or zero-padded to fft_length):
    the fft_length // 2 + 1 non-negative frequency terms, complex64."""
    t = _check(input, "rfft", "float32")
    n = t.shape[-1] if fft_length is None else fft_length
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise InvalidArgumentError(f"rfft: fft_length must be a positive integer, got {fft_length!r}")
    return run("RFFT", (t,), {"fft_length": int(n)})


def irfft(input: Any) -> Tensor:  # noqa: A002
    """The inverse of rfft: a complex64 half spectrum of n terms gives a float32 signal of 2 * (n - 1)
    samples (1 sample when n is 1, as TF.js)."""
    t = _check(input, "irfft", "complex64")
    n = t.shape[-1]
    if n == 0:
        raise ShapeError("irfft: the innermost dimension must not be empty")
    return run("IRFFT", (t,), {"length": 1 if n == 1 else 2 * (n - 1)})


# ---- gradients: the adjoint transforms (dy holds dL/dre + i dL/dim, as the Complex gradient) -----------

@gradient("FFT")
def _fft_grad(dy, inputs, outputs, attrs):
    from .arithmetic import mul
    n = inputs[0].shape[-1]
    return (mul(run("IFFT", (dy,)), _complex_scalar(float(n))),)


@gradient("IFFT")
def _ifft_grad(dy, inputs, outputs, attrs):
    from .arithmetic import mul
    n = inputs[0].shape[-1]
    return (mul(run("FFT", (dy,)), _complex_scalar(1.0 / n if n else 0.0)),)


@gradient("RFFT")
def _rfft_grad(dy, inputs, outputs, attrs):
    return (run("RFFTGrad", (dy,), {"fft_length": attrs["fft_length"], "length": inputs[0].shape[-1]}),)


def _complex_scalar(v: float) -> Tensor:
    from .creation import complex as _complex, scalar
    return _complex(scalar(v), scalar(0.0))


@gradient("IRFFT")
def _irfft_grad(dy, inputs, outputs, attrs):
    import numpy as np
    from .arithmetic import mul
    from .creation import complex as _complex, tensor, zeros
    m, length = inputs[0].shape[-1], attrs["length"]
    c = np.full(m, 2.0 / length)
    c[0] = c[-1] = 1.0 / length  # the DC and Nyquist terms appear once in the signal, the others twice
    spectrum = run("RFFT", (dy,), {"fft_length": length}) if m > 1 else _complex(dy, zeros(dy.shape))
    return (mul(spectrum, _complex(tensor(c, dtype="float32"), zeros((m,)))),)
