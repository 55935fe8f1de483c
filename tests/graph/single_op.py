"""Single-op graph models, run through the real TF.js graph executor (tf.loadGraphModel + executeAsync in
Node) and through tensorweb's mapper for the same op, so each op mapping is checked against TF.js.

    case = OpCase("Conv2D", [x, w], {"strides": ("list_i", [1, 1, 1, 1]), "padding": ("s", "SAME"),
                                      "T": ("type", "float32")})
    want = run_tfjs_cases([case])[0]      # list of (array, dtype) per output, or an Exception
    got = run_mapper(case)                # list of Tensors (or the mapper's raw values)

Inputs are np arrays or interop.tfjs.T; `consts` names input positions given as Const nodes (weights)
instead of fed Placeholders (ops whose TF.js mapping reads an input synchronously work either way).
"""
from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import tensorweb as tw
from tensorweb.graph import attrs as graph_attrs
from tensorweb.graph.ops import MAPPERS
from tensorweb.io.weights import DTYPE_BYTES
from tests.interop.tfjs import T, decode, run_tfjs


@dataclass
class OpCase:
    op: str
    inputs: list
    attrs: dict = field(default_factory=dict)     # name -> (kind, value), see graph.attrs.encode_attr
    n_outputs: int = 1
    consts: tuple = ()

    def tensors(self) -> list[T]:
        return [x if isinstance(x, T) else T(x) for x in self.inputs]

    def model(self) -> tuple[dict, bytes, dict, list[str]]:
        """(model.json object, weight bytes, feed dict of T by node name, output names)."""
        nodes, specs, data, feeds = [], [], [], {}
        for i, t in enumerate(self.tensors()):
            name = f"in{i}"
            if i in self.consts:
                nodes.append({"name": name, "op": "Const", "attr": {"dtype": graph_attrs.encode_attr("type", t.dtype),
                              "value": {"tensor": {"dtype": graph_attrs.encode_attr("type", t.dtype)["type"],
                                                   "tensorShape": {}}}}})
                specs.append({"name": name, "shape": list(t.array.shape), "dtype": t.dtype})
                data.append(_weight_bytes(t))
            else:
                nodes.append({"name": name, "op": "Placeholder",
                              "attr": {"dtype": graph_attrs.encode_attr("type", t.dtype),
                                       "shape": graph_attrs.encode_attr("shape", list(t.array.shape))}})
                feeds[name] = t
        attr = {k: graph_attrs.encode_attr(kind, v) for k, (kind, v) in self.attrs.items()}
        nodes.append({"name": "op", "op": self.op, "input": [f"in{i}" for i in range(len(self.inputs))],
                      "attr": attr})
        outputs = ["op" if self.n_outputs == 1 else f"op:{k}" for k in range(self.n_outputs)]
        model = {"format": "graph-model", "modelTopology": {"node": nodes, "versions": {"producer": 1395}},
                 "weightSpecs": specs}
        return model, b"".join(data), feeds, outputs


def _weight_bytes(t: T) -> bytes:
    if t.dtype == "string":
        return b"".join(len(s.encode()).to_bytes(4, "little") + s.encode() for s in t.array.reshape(-1).tolist())
    kind = {"float32": "<f4", "int32": "<i4", "bool": "u1", "complex64": "<c8"}[t.dtype]
    out = t.array.astype(kind).tobytes()
    assert len(out) == t.array.size * DTYPE_BYTES[t.dtype]
    return out


def run_tfjs_cases(cases: list[OpCase]) -> list[Any]:
    """Each case's outputs from TF.js as a list of (array, dtype), or a RuntimeError with TF.js's message."""
    payload = []
    for i, c in enumerate(cases):
        model, data, feeds, outputs = c.model()
        payload.append({"id": str(i), "op": "harness.graphModel",
                        "args": [model, base64.b64encode(data).decode("ascii"), feeds, outputs]})
    results = run_tfjs(payload)
    out = []
    for i in range(len(cases)):
        r = results[str(i)]
        if not r["ok"]:
            out.append(RuntimeError(r["error"]))
            continue
        value = decode(r["result"])
        out.append(value if isinstance(value, list) else [value])
    return out


class FakeContext:
    """The OpContext of one node, without an executor (no library functions)."""

    def __init__(self, case: OpCase) -> None:
        self.name, self.op = "op", case.op
        self.attrs = {k: graph_attrs.parse_attr(graph_attrs.encode_attr(kind, v)) for k, (kind, v) in case.attrs.items()}
        self.resources: dict = {}

    def attr(self, key: str, default: Any = graph_attrs.__name__) -> Any:
        if key in self.attrs:
            return self.attrs[key]
        if default is graph_attrs.__name__:
            raise KeyError(key)
        return default

    def call_function(self, name: str, inputs: list) -> list:
        raise NotImplementedError("single-op cases have no function library")


def run_mapper(case: OpCase) -> list:
    """The tensorweb mapper's outputs for the case, as a list."""
    out = MAPPERS[case.op](FakeContext(case), [t.to_tw() for t in case.tensors()])
    return list(out) if isinstance(out, (list, tuple)) else [out]


def assert_matches(got: list, want: list, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """tensorweb outputs equal TF.js's: same dtypes and shapes, floats within tolerance, others exactly."""
    assert len(got) == len(want), f"{len(got)} outputs, TF.js gave {len(want)}"
    for k, (g, (w, wdtype)) in enumerate(zip(got, want)):
        assert isinstance(g, tw.Tensor), f"output {k} is {type(g).__name__}, not a Tensor"
        assert g.dtype == wdtype, f"output {k}: dtype {g.dtype}, TF.js {wdtype}"
        arr = g.numpy()
        assert arr.shape == w.shape, f"output {k}: shape {arr.shape}, TF.js {w.shape}"
        if wdtype in ("float32", "complex64"):
            np.testing.assert_allclose(arr, w, rtol=rtol, atol=atol, err_msg=f"output {k}")
        elif wdtype == "string":
            assert [v.decode() if isinstance(v, bytes) else v for v in arr.reshape(-1)] == list(w.reshape(-1))
        else:
            np.testing.assert_array_equal(arr, w.astype(arr.dtype), err_msg=f"output {k}")
