"""The binary weight format of TF.js models: a weights manifest (groups of shard paths + weight entries
{name, shape, dtype, quantization?}) over the concatenation of all shards, in manifest order.

Layout per dtype: float32/int32 little-endian 4 bytes, bool 1 byte, complex64 interleaved (re, im) float32
pairs, string: per element a uint32 little-endian byte length then the bytes. Quantized weights store
uint8/uint16 codes (value = code * scale + min; int32 weights are rounded) or float16 halves.
"""
from __future__ import annotations

import fnmatch
import math
import struct
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from ..errors import DtypeError, InvalidArgumentError, ModelFormatError
from .quantization import QUANTIZATION_DTYPES, QuantizationReport, dequantize, quantization_error
from .quantization import quantize as quantize_array

DTYPE_BYTES = {"float32": 4, "int32": 4, "bool": 1, "complex64": 8, "uint8": 1, "uint16": 2, "float16": 2}
_NP = {"float32": "<f4", "int32": "<i4", "bool": "u1", "complex64": "<c8"}
DEFAULT_SHARD_SIZE = 4 * 1024 * 1024        # TF.js's converter default: the largest file browsers cache
_STRING_LENGTH_BYTES = 4


def _size(shape: Sequence[int]) -> int:
    return math.prod(shape)                 # exact Python ints: a huge manifest shape cannot wrap around


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
    if dtype not in _NP and dtype != "string":
        raise ModelFormatError(f"{where}: weight {name!r} has unsupported dtype {dtype!r}; expected one of "
                               "float32, int32, bool, complex64, string")
    q = spec.get("quantization")
    if q is None:
        return
    qd = q.get("dtype") if isinstance(q, dict) else None
    if qd not in QUANTIZATION_DTYPES:
        raise ModelFormatError(f"{where}: weight {name!r} has unknown quantization dtype {qd!r}; expected "
                               "uint8, uint16 or float16")
    if qd == "float16" and dtype != "float32":
        raise ModelFormatError(f"{where}: weight {name!r} is float16-quantized but has dtype {dtype!r}; "
                               "float16 quantization holds float32 weights only")
    if qd != "float16":
        if dtype not in ("float32", "int32"):
            raise ModelFormatError(f"{where}: weight {name!r} is {qd}-quantized but has dtype {dtype!r}; "
                                   "affine quantization holds float32 or int32 weights")
        for key in ("scale", "min"):
            if not isinstance(q.get(key), (int, float)) or isinstance(q.get(key), bool):
                raise ModelFormatError(f"{where}: weight {name!r} is {qd}-quantized without a numeric "
                                       f"'{key}'")


def check_unique_names(names: Iterable[str], where: str, error: type[Exception] = ModelFormatError) -> None:
    """Raises `error` when two weights share a name (one would silently replace the other)."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise error(f"{where}: weight name {name!r} appears more than once; weight names must be unique")
        seen.add(name)


def fixed_byte_length(spec: dict) -> int | None:
    """Bytes the weight takes in the shards, or None for a string weight (its lengths are stored inline)."""
    q = spec.get("quantization")
    if q is not None:
        return _size(spec["shape"]) * DTYPE_BYTES[q["dtype"]]
    if spec["dtype"] == "string":
        return None
    return _size(spec["shape"]) * DTYPE_BYTES[spec["dtype"]]


def byte_bounds(specs: Iterable[dict]) -> tuple[int, int | None]:
    """(fewest, most) bytes the weights can take: equal unless string weights make the size data-dependent
    (then most is None and fewest counts 4 length bytes per string)."""
    fixed, strings, has_strings = 0, 0, False
    for spec in specs:
        n = fixed_byte_length(spec)
        if n is None:
            has_strings = True
            strings += _STRING_LENGTH_BYTES * _size(spec["shape"])
        else:
            fixed += n
    return fixed + strings, None if has_strings else fixed


def byte_length(spec: dict, data: bytes | memoryview | None = None, offset: int = 0, where: str = "weights") -> int:
    """Bytes the weight takes in the shards. Strings need the data (their lengths are stored inline)."""
    n = fixed_byte_length(spec)
    if n is not None:
        return n
    if data is None:
        raise ValueError("the byte length of a string weight depends on its data")
    count = _size(spec["shape"])
    if offset + _STRING_LENGTH_BYTES * count > len(data):
        raise ModelFormatError(f"{where}: weight {spec['name']!r}: {count} strings need at least "
                               f"{_STRING_LENGTH_BYTES * count} bytes from byte {offset}, the data has {len(data)}")
    pos = offset
    for _ in range(count):
        if pos + _STRING_LENGTH_BYTES > len(data):
            raise ModelFormatError(f"{where}: weight {spec['name']!r}: string data ends early (at byte {pos} of "
                                   f"{len(data)})")
        pos += _STRING_LENGTH_BYTES + int(np.frombuffer(data, "<u4", 1, pos)[0])
    if pos > len(data):
        raise ModelFormatError(f"{where}: weight {spec['name']!r}: string data ends early (needs {pos} bytes, "
                               f"has {len(data)})")
    return pos - offset


def weight_extents(specs: Iterable[dict], data: bytes | memoryview, where: str = "weights"
                   ) -> list[tuple[dict, int, int]]:
    """(spec, start, end) of every weight in `data`, after checking each entry, that names are unique and
    that the data holds exactly the bytes the entries describe."""
    view = memoryview(data).cast("B")
    specs = list(specs)
    for spec in specs:
        check_spec(spec, where)
    check_unique_names((s["name"] for s in specs), where)
    extents, offset = [], 0
    for spec in specs:
        n = byte_length(spec, view, offset, where)
        if offset + n > len(view):
            raise ModelFormatError(f"{where}: weight {spec['name']!r} needs bytes {offset}..{offset + n} but the "
                                   f"weight data has only {len(view)} bytes (truncated or missing shard?)")
        extents.append((spec, offset, offset + n))
        offset += n
    if offset != len(view):
        raise ModelFormatError(f"{where}: the manifest describes {offset} bytes of weights but the shards hold "
                               f"{len(view)}")
    return extents


def decode_weight(spec: dict, buf: bytes | memoryview) -> np.ndarray:
    """One weight's array from its bytes (dequantized: float32, int32, bool, complex64 or object strings)."""
    shape = tuple(spec["shape"])
    dtype = spec["dtype"]
    if spec.get("quantization") is not None:
        return dequantize(buf, spec["quantization"], dtype).reshape(shape)
    if dtype == "string":
        out, pos = [], 0
        for _ in range(_size(shape)):
            n = int(np.frombuffer(buf, "<u4", 1, pos)[0])
            out.append(bytes(buf[pos + 4:pos + 4 + n]))
            pos += 4 + n
        return np.array(out + [None], dtype=object)[:-1].reshape(shape)
    arr = np.frombuffer(buf, _NP[dtype])
    if dtype == "bool":
        return (arr != 0).reshape(shape)
    return arr.astype(arr.dtype.newbyteorder("="), copy=True).reshape(shape)


def decode_weights(data: bytes | memoryview, specs: Iterable[dict], where: str = "weights") -> dict[str, np.ndarray]:
    """All weights of `specs` from `data` (the shards concatenated in manifest order), as name → array.

    Raises ModelFormatError when an entry is malformed, names repeat, or the data is shorter or longer than
    the manifest says (checked for every weight before any is decoded)."""
    view = memoryview(data).cast("B")
    return {spec["name"]: decode_weight(spec, view[start:end])
            for spec, start, end in weight_extents(specs, view, where)}


def _weight_array(value: Any, name: str) -> tuple[np.ndarray, str]:
    """The array to store for a weight value (ndarray, Tensor, nested lists) and its TF.js dtype, with the
    converter's widening rules: floats → float32, integers → int32 (range-checked), complex → complex64."""
    if not isinstance(value, np.ndarray) and hasattr(value, "numpy"):
        value = value.numpy()
    arr = np.asarray(value)
    kind = arr.dtype.kind
    if kind in "USO":
        return arr, "string"
    if kind == "b":
        return arr.astype("u1"), "bool"
    if kind == "f":
        with np.errstate(over="ignore"):
            return arr.astype("<f4"), "float32"
    if kind == "c":
        return arr.astype("<c8"), "complex64"
    if kind in "iu":
        info = np.iinfo(np.int32)
        if arr.size and (arr.min() < info.min or arr.max() > info.max):
            raise DtypeError(f"encode_weights: weight {name!r} has integers outside int32's range "
                             f"[{arr.min()}, {arr.max()}]; TF.js weights hold int32")
        return arr.astype("<i4"), "int32"
    raise DtypeError(f"encode_weights: weight {name!r} has dtype {arr.dtype}; expected a float, integer, bool, "
                     "complex or string array")


def _string_bytes(arr: np.ndarray, name: str) -> bytes:
    parts = []
    for item in arr.reshape(-1).tolist():
        if isinstance(item, str):
            item = item.encode("utf-8")
        elif not isinstance(item, (bytes, bytearray)):
            raise DtypeError(f"encode_weights: string weight {name!r} holds {type(item).__name__} "
                             f"{item!r:.50}; expected str or bytes")
        parts.append(struct.pack("<I", len(item)) + bytes(item))
    return b"".join(parts)


def encode_weights(named: Mapping[str, Any] | Sequence[tuple[str, Any]], quantize: str | None = None,
                   quantize_only: Sequence[str] | None = None) -> tuple[list[dict], bytes, QuantizationReport]:
    """Weight entries and their concatenated bytes (TF.js's encodeWeights), optionally quantizing float32
    weights to float16/uint8/uint16 as TF.js's converter does.

    named: name → array (a dict, or a list of (name, array) pairs, kept in order). quantize_only: wildcard
    patterns (fnmatch) choosing which weights to quantize; None quantizes every float32 weight. Returns
    (specs, data, report)."""
    if quantize is not None and quantize not in QUANTIZATION_DTYPES:
        raise InvalidArgumentError(f"encode_weights: quantize must be None, 'float16', 'uint8' or 'uint16', "
                                   f"got {quantize!r}")
    if quantize_only is not None:
        if quantize is None:
            raise InvalidArgumentError("encode_weights: quantize_only was given without a quantize dtype")
        if isinstance(quantize_only, str) or not all(isinstance(p, str) for p in quantize_only):
            raise InvalidArgumentError(f"encode_weights: quantize_only must be a list of wildcard patterns, "
                                       f"got {quantize_only!r}")
    items = list(named.items()) if isinstance(named, Mapping) else list(named)
    for item in items:
        if not (isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[0], str)):
            raise InvalidArgumentError(f"encode_weights: expected (name, array) pairs, got {item!r:.80}")
    check_unique_names((n for n, _ in items), "encode_weights", InvalidArgumentError)
    report = QuantizationReport(dtype=quantize)
    specs, chunks = [], []
    for name, value in items:
        arr, dtype = _weight_array(value, name)
        spec: dict[str, Any] = {"name": name, "shape": list(arr.shape), "dtype": dtype}
        raw = _string_bytes(arr, name) if dtype == "string" else arr.tobytes()
        report.bytes_before += len(raw)
        if dtype == "float32" and quantize is not None and (
                quantize_only is None or any(fnmatch.fnmatchcase(name, p) for p in quantize_only)):
            codes, q = quantize_array(arr, quantize, name)
            spec["quantization"] = {**q, "original_dtype": "float32"}
            report.max_abs_error[name] = quantization_error(arr, codes, q)
            raw = codes.tobytes()
        report.bytes_after += len(raw)
        specs.append(spec)
        chunks.append(raw)
    return specs, b"".join(chunks), report


def write_shards(specs: Sequence[dict], data: bytes | memoryview, shard_size: int = DEFAULT_SHARD_SIZE,
                 group: int = 1) -> tuple[dict, dict[str, memoryview]]:
    """Cuts weight data into shards as TF.js does (at byte boundaries, regardless of where weights end).

    Returns the weights-manifest group {"paths": ["group1-shard1ofN.bin", ...], "weights": specs} and the
    shards as {path: bytes view}, in order."""
    if not isinstance(shard_size, int) or isinstance(shard_size, bool) or shard_size <= 0:
        raise InvalidArgumentError(f"write_shards: shard_size must be a positive number of bytes, got "
                                   f"{shard_size!r}")
    view = memoryview(data).cast("B")
    weight_extents(specs, view, "write_shards")
    count = -(-len(view) // shard_size)
    paths = [f"group{group}-shard{i + 1}of{count}.bin" for i in range(count)]
    shards = {p: view[i * shard_size:(i + 1) * shard_size] for i, p in enumerate(paths)}
    return {"paths": paths, "weights": [dict(s) for s in specs]}, shards
