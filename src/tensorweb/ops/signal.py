"""Signal ops (tw.signal): frame, hann_window, hamming_window, stft."""
from __future__ import annotations

import math
import numbers
from typing import Any, Callable

import numpy as np

from ..core.registry import gradient
from ..core.tensor import Tensor
from ..errors import InvalidArgumentError, ShapeError
from ._base import convert, run

__all__ = ["frame", "hann_window", "hamming_window", "stft"]


def _positive_int(v: Any, name: str, op: str) -> int:
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or v != int(v) or v < 1:
        raise InvalidArgumentError(f"{op}: {name} must be a positive integer, got {v!r}")
    return int(v)


def frame(signal: Any, frame_length: int, frame_step: int, pad_end: bool = False,
          pad_value: float = 0) -> Tensor:
    """Slices the innermost dimension into frames of frame_length samples, one every frame_step samples:
    [..., N] -> [..., num_frames, frame_length]. Without pad_end only whole frames are kept; with pad_end
    every start before N gives a frame, filled with pad_value past the end."""
    t = convert(signal, "signal", "frame")
    if t.rank < 1:
        raise ShapeError("frame: signal must be of rank >= 1, got a scalar")
    fl = _positive_int(frame_length, "frame_length", "frame")
    fs = _positive_int(frame_step, "frame_step", "frame")
    n = t.shape[-1]
    if pad_end:
        num = -(-n // fs)
    else:
        num = (n - fl) // fs + 1 if n >= fl else 0
    return run("Frame", (t,), {"frame_length": fl, "frame_step": fs, "num_frames": num,
                               "pad_value": pad_value})


@gradient("Frame")
def _frame_grad(dy, inputs, outputs, attrs):
    return (run("FrameGrad", (dy,), {"frame_step": attrs["frame_step"], "length": inputs[0].shape[-1]}),)


@gradient("FrameGrad")
def _frame_grad_grad(dy, inputs, outputs, attrs):
    f, fl = inputs[0].shape[-2:]
    return (run("Frame", (dy,), {"frame_length": fl, "frame_step": attrs["frame_step"], "num_frames": f,
                                 "pad_value": 0}),)


def _cosine_window(window_length: Any, a: float, b: float, op: str) -> Tensor:
    from .creation import tensor
    n = _positive_int(window_length, "window_length", op)
    if n == 1:  # TF.js divides 0 by 0 here; TensorFlow (and this) return [1]
        return tensor(np.ones(1, dtype=np.float32))
    even = 1 - n % 2
    i = np.arange(n, dtype=np.float64)
    return tensor((a - b * np.cos(2.0 * math.pi * i / (n + even - 1))).astype(np.float32))


def hann_window(window_length: int) -> Tensor:
    """A Hann window: 0.5 - 0.5 cos(2 pi i / d), d = window_length for even lengths (periodic) and
    window_length - 1 for odd ones (symmetric), as TF.js."""
    return _cosine_window(window_length, 0.5, 0.5, "hann_window")


def hamming_window(window_length: int) -> Tensor:
    """A Hamming window: 0.54 - 0.46 cos(2 pi i / d), d as in hann_window."""
    return _cosine_window(window_length, 0.54, 0.46, "hamming_window")


def stft(signal: Any, frame_length: int, frame_step: int, fft_length: int | None = None,
         window_fn: Callable[[int], Tensor] = hann_window) -> Tensor:
    """Short-time Fourier transform of a float32 signal [..., N]: frames (no end padding) times
    window_fn(frame_length), then rfft of fft_length (default: the smallest power of two >= frame_length).
    Returns complex64 [..., num_frames, fft_length // 2 + 1]."""
    from .arithmetic import mul
    from .spectral import rfft
    t = convert(signal, "signal", "stft", "float32")
    fl = _positive_int(frame_length, "frame_length", "stft")
    if fft_length is None:
        fft_length = 1 << max(0, math.ceil(math.log2(fl)))
    framed = frame(t, fl, frame_step)
    window = window_fn(fl) if window_fn is not None else None
    windowed = mul(framed, window) if window is not None else framed
    return rfft(windowed, fft_length)
