"""dtypes and TF.js's promotion rules.

Compute dtypes: float32 (default for Python floats), int32 (default for Python ints), bool, string,
complex64. Storage dtypes (weights, quantization): float16, uint8, uint16. There is no float64: NumPy
float64 input becomes float32. The PRECISION flag (32 or 64) makes the NumPy backend hold float32 and
complex64 tensors in double precision; numerical gradient checks use it, nothing else should.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ..errors import DtypeError, InvalidArgumentError
from .flags import env

COMPUTE_DTYPES = ("float32", "int32", "bool", "string", "complex64")
STORAGE_DTYPES = ("float16", "uint8", "uint16")
ALL_DTYPES = COMPUTE_DTYPES + STORAGE_DTYPES

# Promotion order for upcasting (TF.js upcastType): bool < int32 < float32 < complex64.
_RANK = {"bool": 0, "uint8": 1, "uint16": 1, "int32": 1, "float16": 2, "float32": 2, "complex64": 3}
_BY_RANK = {0: "bool", 1: "int32", 2: "float32", 3: "complex64"}

_state = {"float": np.float32, "complex": np.complex64}

_NP_OF = {
    "int32": np.dtype(np.int32), "bool": np.dtype(np.bool_), "string": np.dtype(object),
    "float16": np.dtype(np.float16), "uint8": np.dtype(np.uint8), "uint16": np.dtype(np.uint16),
}
# Kernel output numpy dtype -> tensorweb dtype; float64/complex128 are added in PRECISION=64.
_TW_OF: dict[np.dtype, str] = {}


def _set_precision(bits: int) -> None:
    high = bits == 64
    _state["float"] = np.float64 if high else np.float32
    _state["complex"] = np.complex128 if high else np.complex64
    _NP_OF["float32"] = np.dtype(_state["float"])
    _NP_OF["complex64"] = np.dtype(_state["complex"])
    _TW_OF.clear()
    if high:  # tensors made before the switch stay valid float32/complex64 tensors
        _TW_OF.update({np.dtype(np.float32): "float32", np.dtype(np.complex64): "complex64"})
    _TW_OF.update({v: k for k, v in _NP_OF.items()})


def _parse_precision(v: Any) -> int:
    bits = int(v)
    if bits not in (32, 64):
        raise InvalidArgumentError(f"PRECISION must be 32 or 64, got {v!r}")
    return bits


env().register("PRECISION", 32, _parse_precision,
               "32, or 64 to compute float32/complex64 tensors in double precision (gradient checks)",
               _set_precision)


def float_np() -> type:
    """The NumPy type that holds float32 tensors now (np.float32, or np.float64 in PRECISION=64)."""
    return _state["float"]


def complex_np() -> type:
    return _state["complex"]


def to_numpy(dtype: str) -> np.dtype:
    """The NumPy dtype that stores a tensorweb dtype."""
    try:
        return _NP_OF[dtype]
    except KeyError:
        raise DtypeError(f"unknown dtype {dtype!r}; expected one of {', '.join(ALL_DTYPES)}") from None


def from_numpy(np_dtype: np.dtype) -> str | None:
    """The tensorweb dtype of a kernel's NumPy output, or None when it has no exact counterpart."""
    return _TW_OF.get(np_dtype)


def check_dtype(dtype: Any, where: str = "dtype") -> str:
    if dtype not in _NP_OF:
        raise DtypeError(f"{where}: unknown dtype {dtype!r}; expected one of {', '.join(ALL_DTYPES)}")
    return dtype


def is_float(dtype: str) -> bool:
    return dtype in ("float32", "float16")


def is_int(dtype: str) -> bool:
    return dtype in ("int32", "uint8", "uint16")


def is_numeric(dtype: str) -> bool:
    return dtype != "string"


def upcast(a: str, b: str) -> str:
    """TF.js's upcastType: the smallest compute dtype that holds both; strings mix only with strings."""
    if a == b:
        return a
    if a == "string" or b == "string":
        raise DtypeError(f"cannot mix dtypes {a!r} and {b!r}: strings only combine with strings")
    return _BY_RANK[max(_RANK[a], _RANK[b])]


def infer_dtype(value: Any) -> str:
    """The dtype `tw.tensor(value)` gives a Python or NumPy value (TF.js's inferDtype, with int32 ints)."""
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        kind = value.dtype.kind
        if kind == "b":
            return "bool"
        if kind in "iu":
            return "int32"
        if kind == "f":
            return "float32"
        if kind == "c":
            return "complex64"
        if kind in "USO":
            return "string"
        raise DtypeError(f"tensor: NumPy dtype {value.dtype} has no tensorweb counterpart")
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, numbers.Integral):
        return "int32"
    if isinstance(value, numbers.Real):
        return "float32"
    if isinstance(value, numbers.Complex):
        return "complex64"
    if isinstance(value, (str, bytes)):
        return "string"
    raise DtypeError(f"tensor: cannot infer a dtype for a value of type {type(value).__name__}")
