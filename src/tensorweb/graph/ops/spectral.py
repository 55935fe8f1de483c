"""Spectral TF ops: FFT, IFFT (complex, innermost dimension), RFFT and IRFFT (with their fft_length input,
which TF.js ignores)."""
from __future__ import annotations

from typing import Any

import tensorweb as tw

from ...errors import UnsupportedOpError
from . import graph_op
from ._node_args import expect_inputs, host_ints, node_error

COMPLEX = {"FFT": tw.spectral.fft, "IFFT": tw.spectral.ifft}


@graph_op(*COMPLEX)
def _complex_fft(ctx: Any, inputs: list) -> tw.Tensor:
    return COMPLEX[ctx.op](*expect_inputs(ctx, inputs, 1))


@graph_op("RFFT")
def _rfft(ctx: Any, inputs: list) -> tw.Tensor:
    """The signal is cropped or zero-padded to fft_length, as in TF."""
    x, length = expect_inputs(ctx, inputs, 2)
    (n,) = host_ints(ctx, length, "fft_length")
    return tw.spectral.rfft(x, n)


@graph_op("IRFFT")
def _irfft(ctx: Any, inputs: list) -> tw.Tensor:
    """tensorweb's irfft gives 2 * (m - 1) samples for m terms; another fft_length is refused (TF.js would
    silently give that length instead)."""
    x, length = expect_inputs(ctx, inputs, 2)
    (n,) = host_ints(ctx, length, "fft_length")
    m = x.shape[-1] if x.rank else 0
    if n != (1 if m == 1 else 2 * (m - 1)):
        raise node_error(ctx, UnsupportedOpError, f"fft_length {n} is not supported for {m} frequency terms; "
                                                   f"only 2 * ({m} - 1) = {2 * (m - 1)} is")
    return tw.spectral.irfft(x)
