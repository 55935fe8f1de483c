"""Weight quantization as TF.js's Python converter writes it and TF.js reads it.

Affine (uint8/uint16): value ≈ code * scale + min, over the data's [min, max] range; when the range covers
0 it is shifted ("nudged", as TF-Lite does) so that 0 falls exactly on a code. float16: IEEE half floats.
Only float32 weights are quantized when saving; int32 weights may arrive affine-quantized and are rounded.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import InvalidArgumentError

QUANTIZATION_DTYPES = ("uint8", "uint16", "float16")
_CODE_NP = {"uint8": np.dtype("u1"), "uint16": np.dtype("<u2"), "float16": np.dtype("<f2")}


def affine_range(lo: float, hi: float, dtype: str) -> tuple[float, float, float]:
    """(scale, nudged_min, nudged_max) for codes of `dtype` covering [lo, hi] (lo < hi); when lo <= 0 <= hi
    the range is shifted by less than scale/2 so that 0 is the exact value of a code."""
    qmax = float(np.iinfo(_CODE_NP[dtype]).max)
    scale = (hi - lo) / qmax
    if lo <= 0.0 <= hi:
        zero_code = float(np.round(-lo / scale))         # round half to even, as the converter does
        lo = -zero_code * scale
        hi = qmax * scale + lo
    return scale, lo, hi


def quantize(values: np.ndarray, dtype: str, name: str = "weight") -> tuple[np.ndarray, dict]:
    """Codes of a float32 array and the manifest's 'quantization' entry (dtype, and min/scale if affine)."""
    if dtype not in QUANTIZATION_DTYPES:
        raise InvalidArgumentError(f"quantize: {name!r}: expected quantization dtype uint8, uint16 or float16, "
                                   f"got {dtype!r}")
    if dtype == "float16":
        with np.errstate(over="ignore"):
            return values.astype(_CODE_NP[dtype]), {"dtype": dtype}
    if values.size and not np.isfinite(values).all():
        raise InvalidArgumentError(f"quantize: weight {name!r} holds NaN or Inf; {dtype} quantization needs "
                                   "finite values")
    lo = float(values.min()) if values.size else 0.0
    hi = float(values.max()) if values.size else 0.0
    if lo == hi:                                            # one value: every code is 0, min holds it
        return np.zeros(values.shape, _CODE_NP[dtype]), {"dtype": dtype, "min": lo, "scale": 1.0}
    scale, lo, hi = affine_range(lo, hi, dtype)
    codes = np.round((np.clip(values.astype(np.float64), lo, hi) - lo) / scale)
    return codes.astype(_CODE_NP[dtype]), {"dtype": dtype, "min": lo, "scale": scale}


def dequantize(codes: np.ndarray | bytes | memoryview, quantization: dict, dtype: str) -> np.ndarray:
    """Values from codes (an array, or their little-endian bytes) as TF.js decodes them: float16 halves
    widened; affine codes * scale + min computed in doubles, stored as float32, or rounded half up for int32
    weights (Math.round)."""
    qd = quantization["dtype"]
    if not isinstance(codes, np.ndarray):
        codes = np.frombuffer(codes, _CODE_NP[qd])
    if qd == "float16":
        return codes.astype(np.float32)
    values = codes.astype(np.float64) * quantization["scale"] + quantization["min"]
    if dtype == "int32":
        return np.floor(values + 0.5).astype(np.int32)
    return values.astype(np.float32)


@dataclass
class QuantizationReport:
    """What saving with quantization did: weight bytes before and after, and for each quantized weight the
    largest absolute difference between its saved value and the value a loader decodes."""

    dtype: str | None = None
    bytes_before: int = 0
    bytes_after: int = 0
    max_abs_error: dict[str, float] = field(default_factory=dict)

    @property
    def overall_max_abs_error(self) -> float:
        """The largest error over all quantized weights (0.0 when none was quantized)."""
        return max(self.max_abs_error.values(), default=0.0)

    def __str__(self) -> str:
        ratio = self.bytes_after / self.bytes_before if self.bytes_before else 1.0
        return (f"quantization {self.dtype or 'none'}: {len(self.max_abs_error)} weights, {self.bytes_before} -> "
                f"{self.bytes_after} bytes ({ratio:.1%}), largest absolute error {self.overall_max_abs_error:.3g}")


def quantization_error(values: np.ndarray, codes: np.ndarray, quantization: dict) -> float:
    """The largest |decoded - original| of one weight (inf where float16 overflowed)."""
    if values.size == 0:
        return 0.0
    decoded = dequantize(codes, quantization, "float32").astype(np.float64)
    original = values.astype(np.float64)
    same = (decoded == original) | (np.isnan(decoded) & np.isnan(original))
    with np.errstate(invalid="ignore"):
        return float(np.max(np.where(same, 0.0, np.abs(decoded - original))))
