"""GraphDef JSON attr values (protobuf's JSON form of AttrValue) ⇄ plain Python values.

Parsed forms: i → int, f → float, b → bool, s → str (base64-decoded; utf-8, else latin-1), type → tensorweb
dtype name, shape → list[int] (-1 for an unknown dim) or None for unknown rank, tensor → np.ndarray,
func → the function's name, list → a list of the parsed items ([] when empty). TF dtypes that TF.js folds
into its five dtypes are folded the same way (int64/int8/uint8/int16/uint16 → int32, half/double/bfloat16 →
float32, complex128 → complex64); other TF dtypes become their TF name (e.g. "DT_RESOURCE") so a node that
is never run does not fail the load.
"""
from __future__ import annotations

import base64
from typing import Any

import numpy as np

from ..errors import ModelFormatError

TF_DTYPES = {
    "DT_FLOAT": "float32", "DT_HALF": "float32", "DT_DOUBLE": "float32", "DT_BFLOAT16": "float32",
    "DT_INT32": "int32", "DT_INT64": "int32", "DT_INT8": "int32", "DT_UINT8": "int32", "DT_INT16": "int32",
    "DT_UINT16": "int32", "DT_UINT32": "int32", "DT_UINT64": "int32",
    "DT_BOOL": "bool", "DT_STRING": "string", "DT_COMPLEX64": "complex64", "DT_COMPLEX128": "complex64",
}
# protobuf enum numbers, for JSON written with numeric enums
_TF_DTYPE_NUMBERS = {1: "DT_FLOAT", 2: "DT_DOUBLE", 3: "DT_INT32", 4: "DT_UINT8", 5: "DT_INT16", 6: "DT_INT8",
                     7: "DT_STRING", 8: "DT_COMPLEX64", 9: "DT_INT64", 10: "DT_BOOL", 14: "DT_BFLOAT16",
                     17: "DT_UINT16", 18: "DT_COMPLEX128", 19: "DT_HALF", 22: "DT_UINT32", 23: "DT_UINT64"}
_TW_TO_TF = {"float32": "DT_FLOAT", "int32": "DT_INT32", "bool": "DT_BOOL", "string": "DT_STRING",
             "complex64": "DT_COMPLEX64"}
_NP = {"float32": np.float32, "int32": np.int32, "bool": np.bool_, "complex64": np.complex64}
_TENSOR_CONTENT = {"DT_FLOAT": "<f4", "DT_HALF": "<f2", "DT_DOUBLE": "<f8", "DT_INT32": "<i4", "DT_INT64": "<i8",
                   "DT_INT8": "i1", "DT_UINT8": "u1", "DT_INT16": "<i2", "DT_UINT16": "<u2", "DT_BOOL": "u1",
                   "DT_COMPLEX64": "<c8"}


def parse_dtype(value: Any) -> str:
    name = _TF_DTYPE_NUMBERS.get(value, value) if isinstance(value, int) else value
    return TF_DTYPES.get(name, str(name))


def parse_shape(shape: dict) -> list[int] | None:
    if shape.get("unknownRank"):
        return None
    return [int(d.get("size", -1)) for d in shape.get("dim", [])]


def _string(b64: str) -> str:
    raw = base64.b64decode(b64)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def parse_tensor(t: dict) -> np.ndarray:
    """A TensorProto's JSON form as an array (TF's rule: fewer values than elements repeat the last one)."""
    tf_dtype = t.get("dtype", "DT_FLOAT")
    tf_dtype = _TF_DTYPE_NUMBERS.get(tf_dtype, tf_dtype) if isinstance(tf_dtype, int) else tf_dtype
    dtype = parse_dtype(tf_dtype)
    shape = parse_shape(t.get("tensorShape", {})) or []
    size = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if "tensorContent" in t:
        if tf_dtype not in _TENSOR_CONTENT:
            raise ModelFormatError(f"tensor attr of dtype {tf_dtype} has tensorContent this reader cannot decode")
        values = np.frombuffer(base64.b64decode(t["tensorContent"]), _TENSOR_CONTENT[tf_dtype])
    elif dtype == "string":
        values = np.array([base64.b64decode(s) for s in t.get("stringVal", [])] + [None], dtype=object)[:-1]
    else:
        for key in ("floatVal", "doubleVal", "halfVal", "intVal", "int64Val", "boolVal", "scomplexVal",
                    "uint32Val", "uint64Val"):
            if key in t:
                raw = t[key]
                values = np.array([float(v) if key in ("floatVal", "doubleVal") else
                                   (v if key == "boolVal" else int(v)) for v in raw])
                if key == "halfVal":  # stored as the float16 bit patterns
                    values = values.astype(np.uint16).view(np.float16)
                if key == "scomplexVal":
                    values = values[0::2] + 1j * values[1::2]
                break
        else:
            values = np.zeros(0)
    if dtype not in _NP and dtype != "string":
        raise ModelFormatError(f"tensor attr has dtype {tf_dtype}, which tensorweb cannot hold")
    if values.size != size:
        if values.size == 0:
            values = np.zeros(1, dtype=object if dtype == "string" else None)
            if dtype == "string":
                values[0] = b""
        if values.size > size:
            raise ModelFormatError(f"tensor attr holds {values.size} values for shape {shape}")
        values = np.concatenate([values, np.repeat(values[-1:], size - values.size)])
    return values.reshape(shape) if dtype == "string" else values.astype(_NP[dtype]).reshape(shape)


_LIST_KINDS = ("s", "i", "f", "b", "type", "shape", "tensor", "func")


def parse_attr(value: dict) -> Any:
    """One AttrValue JSON object as a Python value (see the module docstring)."""
    if not isinstance(value, dict):
        raise ModelFormatError(f"attr value must be an object, got {value!r:.80}")
    if "list" in value:
        lst = value["list"] or {}
        for kind in _LIST_KINDS:
            if lst.get(kind):
                return [parse_attr({kind: item}) for item in lst[kind]]
        return []
    for kind, parse in (("i", int), ("f", float), ("b", bool), ("s", _string), ("type", parse_dtype),
                        ("shape", parse_shape), ("tensor", parse_tensor), ("func", lambda f: f.get("name"))):
        if kind in value:
            return parse(value[kind])
    if "placeholder" in value:
        return value["placeholder"]
    return None


def encode_attr(kind: str, value: Any) -> dict:
    """The AttrValue JSON object for a Python value. kind: i, f, b, s, type, shape, tensor, func, or
    'list_<kind>' for a list of them."""
    if kind.startswith("list_"):
        item = kind[5:]
        return {"list": {item: [encode_attr(item, v)[item] for v in value]} if len(value) else {}}
    if kind == "i":
        return {"i": str(int(value))}
    if kind == "f":
        return {"f": float(value)}
    if kind == "b":
        return {"b": bool(value)}
    if kind == "s":
        raw = value if isinstance(value, bytes) else str(value).encode("utf-8")
        return {"s": base64.b64encode(raw).decode("ascii")}
    if kind == "type":
        return {"type": _TW_TO_TF.get(value, value)}
    if kind == "shape":
        if value is None:
            return {"shape": {"unknownRank": True}}
        return {"shape": {"dim": [{"size": str(int(d))} for d in value]}}
    if kind == "func":
        return {"func": {"name": value}}
    if kind == "tensor":
        arr = np.asarray(value)
        dtype = {"f": "float32", "i": "int32", "u": "int32", "b": "bool", "c": "complex64"}.get(arr.dtype.kind,
                                                                                                  "string")
        proto: dict[str, Any] = {"dtype": _TW_TO_TF[dtype],
                                 "tensorShape": {"dim": [{"size": str(d)} for d in arr.shape]}}
        if dtype == "string":
            proto["stringVal"] = [base64.b64encode(v if isinstance(v, bytes) else str(v).encode()).decode()
                                  for v in arr.reshape(-1)]
        else:
            proto["tensorContent"] = base64.b64encode(
                arr.astype({"float32": "<f4", "int32": "<i4", "bool": "u1", "complex64": "<c8"}[dtype]).tobytes()
            ).decode()
        return {"tensor": proto}
    raise ValueError(f"unknown attr kind {kind!r}")
