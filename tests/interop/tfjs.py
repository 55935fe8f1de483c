"""Runs cases in the real TensorFlow.js (Node, cpu backend) through harness.js and decodes the results."""
from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np

import tensorweb as tw

HERE = Path(__file__).parent


class T:
    """A tensor argument: sent to TF.js as a tensor, given to tensorweb as tw.tensor."""

    def __init__(self, values: Any, dtype: str | None = None) -> None:
        arr = np.asarray(values)
        if dtype is None:
            dtype = {"f": "float32", "i": "int32", "u": "int32", "b": "bool", "U": "string",
                     "O": "string", "c": "complex64"}[arr.dtype.kind]
        self.array = arr if dtype == "string" else arr.astype({"float32": np.float32, "int32": np.int32,
                                                                "bool": np.bool_,
                                                                "complex64": np.complex64}[dtype])
        self.dtype = dtype

    def to_tw(self) -> tw.Tensor:
        return tw.tensor(self.array, dtype=self.dtype)

    def to_json(self) -> dict:
        flat = self.array.reshape(-1).tolist()
        if self.dtype == "complex64":
            flat = [_enc(p) for v in flat for p in (v.real, v.imag)]
        elif self.dtype == "float32":
            flat = [_enc(v) for v in flat]
        return {"__tensor__": {"values": flat, "shape": list(self.array.shape), "dtype": self.dtype}}


def _enc(v: float) -> Any:
    if math.isfinite(v):
        return v
    return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")


def _dec(v: Any) -> Any:
    return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}.get(v, v) if isinstance(v, str) else v


def encode(arg: Any) -> Any:
    if isinstance(arg, T):
        return arg.to_json()
    if isinstance(arg, (list, tuple)):
        return [encode(a) for a in arg]
    if isinstance(arg, dict):
        return {k: encode(v) for k, v in arg.items()}
    if isinstance(arg, float):
        return _enc(arg)
    return arg


def decode(res: Any) -> Any:
    if isinstance(res, dict) and "__tensor__" in res:
        t = res["__tensor__"]
        if t["dtype"] == "string":
            return np.array(t["values"], dtype=object).reshape(t["shape"]), "string"
        vals = np.array([_dec(v) for v in t["values"]], dtype=np.float64)
        if t["dtype"] == "complex64":
            vals = vals[0::2] + 1j * vals[1::2]
        return vals.reshape(t["shape"]), t["dtype"]
    if isinstance(res, list):
        return [decode(r) for r in res]
    if isinstance(res, dict):
        return {k: decode(v) for k, v in res.items()}
    return _dec(res)


def harness_ready() -> str | None:
    """None when Node and the pinned @tensorflow/tfjs are installed, else what is missing."""
    if shutil.which("node") is None:
        return "node is not on PATH"
    if not (HERE / "node_modules" / "@tensorflow" / "tfjs").is_dir():
        return "tests/interop/node_modules is missing: run scripts/test (or npm ci in tests/interop)"
    return None


def run_tfjs(cases: list[dict]) -> dict[str, dict]:
    """cases: [{"id", "op", "args"}] -> {id: {"ok", "result" | "error"}}, run in one Node process."""
    payload = json.dumps([{"id": c["id"], "op": c["op"], "args": encode(c["args"])} for c in cases])
    proc = subprocess.run(["node", str(HERE / "harness.js")], input=payload, capture_output=True, text=True,
                          cwd=HERE, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"TF.js harness failed: {proc.stderr[-2000:]}")
    out = json.loads(proc.stdout)
    return {r["id"]: r for r in out["results"]}
