"""Spectral op mappers against the real TF.js graph executor (see math_cases.py)."""
from __future__ import annotations

import numpy as np

import tensorweb.graph.ops.spectral  # noqa: F401  (registers the mappers)
from tensorweb.errors import UnsupportedOpError

from .math_cases import Check, Inputs, i32, tfjs_tests
from .single_op import OpCase

g = Inputs(205)
Z = (g.f32(2, 8) + 1j * g.f32(2, 8)).astype(np.complex64)
Z_ODD = (g.f32(3, 5) + 1j * g.f32(3, 5)).astype(np.complex64)
SIGNAL = g.f32(2, 3, 8)
HALF = (g.f32(2, 5) + 1j * g.f32(2, 5)).astype(np.complex64)


CHECKS = {
    "fft": Check(OpCase("FFT", [Z], {"Tcomplex": ("type", "complex64")}), rtol=1e-4, atol=1e-5),
    "fft_odd": Check(OpCase("FFT", [Z_ODD]), rtol=1e-4, atol=1e-5),
    "fft_real_input": Check(OpCase("FFT", [g.f32(4)])),
    "ifft": Check(OpCase("IFFT", [Z]), rtol=1e-4, atol=1e-5),
    "ifft_odd": Check(OpCase("IFFT", [Z_ODD]), rtol=1e-4, atol=1e-5),
    "rfft": Check(OpCase("RFFT", [SIGNAL, i32([8])], {"Treal": ("type", "float32")}), rtol=1e-4, atol=1e-5),
    "rfft_odd": Check(OpCase("RFFT", [g.f32(4, 7), i32([7])]), rtol=1e-4, atol=1e-5),
    # TF.js ignores fft_length; TF crops (or zero-pads) the signal to it
    "rfft_cropped": Check(OpCase("RFFT", [SIGNAL, i32([6])]),
                          hand=[(np.fft.rfft(SIGNAL[..., :6]), "complex64")], rtol=1e-4, atol=1e-5),
    "rfft_padded": Check(OpCase("RFFT", [SIGNAL, i32([10])]), hand=[(np.fft.rfft(SIGNAL, 10), "complex64")],
                         rtol=1e-4, atol=1e-5),
    "irfft": Check(OpCase("IRFFT", [HALF, i32([8])]), rtol=1e-4, atol=1e-5),
    "irfft_one_term": Check(OpCase("IRFFT", [HALF[:, :1], i32([1])]), rtol=1e-4, atol=1e-5),
    # an odd fft_length (2 * 5 - 1 samples) is not supported by tensorweb's irfft; TF.js returns 8 samples
    "irfft_odd_length": Check(OpCase("IRFFT", [HALF, i32([9])]), hand=UnsupportedOpError("fft_length 9")),
}


want, test_matches_tfjs, test_every_op_is_mapped_and_checked = tfjs_tests("spectral", CHECKS)
