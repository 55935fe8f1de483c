"""The binary weight format of TF.js models: a weights manifest (groups of shard paths + weight entries
{name, shape, dtype, quantization?}) over the concatenation of all shards, in manifest order.

Layout per dtype: float32/int32 little-endian 4 bytes, bool 1 byte, complex64 interleaved (re, im) float32
pairs, string: per element a uint32 little-endian byte length then the bytes. Quantized weights store
uint8/uint16 codes (value = code * scale + min; int32 weights are rounded) or float16 halves.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np

from ..errors import ModelFormatError

DTYPE_BYTES = {"float32": 4, "int32": 4, "bool": 1, "complex64": 8, "uint8": 1, "uint16": 2, "float16": 2}
_NP = {"float32": "<f4", "int32": "<i4", "bool": "u1", "complex64": "<f4", "uint8": "u1", "uint16": "<u2",
       "float16": "<f2"}
QUANTIZATION_DTYPES = ("uint8", "uint16", "float16")


def _size(shape) -> int:
    return int(np.prod(shape, dtype=np.int64)) if len(shape) else 1


def check_spec(spec: dict, where: str = "weights manifest") -> None:
    """Raises ModelFormatError unless `spec` is a well-formed weight entry."""
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
        raise ModelFormatError(f"{where}: a weight entry needs a string 'name', got {spec!r:.200}")
    name = spec["name"]
    shape = spec.get("shape")
    if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0
                                              for d in shape):
        raise ModelFormatError(f"{where}: weight {name!r} has shape {shape!r}; expected a list of "
                               "non-negative integers")
    dtype = spec.get("dtype")
    if dtype not in DTYPE_BYTES or dtype in QUANTIZATION_DTYPES and "quantization" not in spec:
        if dtype != "string":
            raise ModelFormatError(f"{where}: weight {name!r} has unsupported dtype {dtype!r}; expected one of "
                                   "float32, int32, bool, complex64, string")
    q = spec.get("quantization")
    if q is not None:
        qd = q.get("dtype") if isinstance(q, dict) else None
        if qd not in QUANTIZATION_DTYPES:
            raise ModelFormatError(f"{where}: weight {name!r} has unknown quantization dtype {qd!r}; expected "
                                   "uint8, uint16 or float16")
        if qd == "float16" and dtype != "float32":
            raise ModelFormatError(f"{where}: weight {name!r} is float16-quantized but has dtype {dtype!r}; "
                                   "float16 quantization holds float32 weights only")
        if qd != "float16":
            if dtype not in ("float32", "int32"):
                raise ModelFormatError(f"{where}: weight {name!r} is {qd}-quantized but has dtype {dtype!r}")
            for key in ("scale", "min"):
                if not isinstance(q.get(key), (int, float)) or isinstance(q.get(key), bool):
                    raise ModelFormatError(f"{where}: weight {name!r} is {qd}-quantized without a numeric "
                                           f"'{key}'")


def byte_length(spec: dict, data: bytes | memoryview | None = None, offset: int = 0) -> int:
    """Bytes the weight takes in the shards. Strings need the data (their lengths are stored inline)."""
    q = spec.get("quantization")
    n = _size(spec["shape"])
    if q is not None:
        return n * DTYPE_BYTES[q["dtype"]]
    if spec["dtype"] != "string":
        return n * DTYPE_BYTES[spec["dtype"]]
    if data is None:
        raise ValueError("the byte length of a string weight depends on its data")
    pos = offset
    for _ in range(n):
        if pos + 4 > len(data):
            raise ModelFormatError(f"weight {spec['name']!r}: string data ends early (at byte {pos} of "
                                   f"{len(data)})")
        pos += 4 + int(np.frombuffer(data, "<u4", 1, pos)[0])
    if pos > len(data):
        raise ModelFormatError(f"weight {spec['name']!r}: string data ends early (needs {pos} bytes, "
                               f"has {len(data)})")
    return pos - offset


def decode_weight(spec: dict, buf: bytes | memoryview) -> np.ndarray:
    """One weight's array from its bytes (dequantized: float32, int32, bool, complex64 or object strings)."""
    shape = tuple(spec["shape"])
    q = spec.get("quantization")
    dtype = spec["dtype"]
    if q is not None:
        codes = np.frombuffer(buf, _NP[q["dtype"]])
        if q["dtype"] == "float16":
            return codes.astype(np.float32).reshape(shape)
        values = codes.astype(np.float64) * q["scale"] + q["min"]   # JS computes in doubles
        if dtype == "int32":
            return np.floor(values + 0.5).astype(np.int32).reshape(shape)  # Math.round
        return values.astype(np.float32).reshape(shape)
    if dtype == "string":
        out, pos = [], 0
        for _ in range(_size(shape)):
            n = int(np.frombuffer(buf, "<u4", 1, pos)[0])
            out.append(bytes(buf[pos + 4:pos + 4 + n]))
            pos += 4 + n
        return np.array(out + [None], dtype=object)[:-1].reshape(shape)
    arr = np.frombuffer(buf, _NP[dtype])
    if dtype == "complex64":
        return (arr[0::2] + 1j * arr[1::2]).astype(np.complex64).reshape(shape)
    if dtype == "bool":
        return (arr != 0).reshape(shape)
    return arr.astype(arr.dtype.newbyteorder("="), copy=True).reshape(shape)


def decode_weights(data: bytes | memoryview, specs: Iterable[dict], where: str = "weights") -> dict[str, np.ndarray]:
    """All weights of `specs` from `data` (the shards concatenated in manifest order), as name → array.

    Raises ModelFormatError when the data is shorter or longer than the manifest says."""
    view = memoryview(data).cast("B")
    out: dict[str, np.ndarray] = {}
    offset = 0
    for spec in specs:
        check_spec(spec, where)
        n = byte_length(spec, view, offset)
        if offset + n > len(view):
            raise ModelFormatError(f"{where}: weight {spec['name']!r} needs bytes {offset}..{offset + n} but the "
                                   f"weight data has only {len(view)} bytes (truncated or missing shard?)")
        out[spec["name"]] = decode_weight(spec, view[offset:offset + n])
        offset += n
    if offset != len(view):
        raise ModelFormatError(f"{where}: the manifest describes {offset} bytes of weights but the shards hold "
                               f"{len(view)}")
    return out
