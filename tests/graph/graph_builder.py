"""Hand-built graph models (GraphDef JSON + weights) for the graph runtime tests, run by tensorweb and by the
real TF.js graph executor (tests/interop/harness.js "harness.graphModel": tf.loadGraphModel + executeAsync).

    g = GraphBuilder()
    x = g.placeholder("x", "float32", [2])
    two = g.const("two", np.float32(2))
    g.node("y", "Mul", [x, two], T=("type", "float32"))
    model = g.load()                                   # a tw GraphModel
    want = run_graph_cases({"k": g.case({"x": T(...)}, ["y"])})["k"]    # TF.js's outputs

Const nodes are weight-backed (the manifest holds their values, as TF.js's converter writes them) unless
made with inline=True; consts of function bodies are weights too, as TF.js looks them up by node name.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.graph.attrs import encode_attr
from tensorweb.io.artifacts import ModelArtifacts
from tests.interop.tfjs import T, decode, harness_ready, run_tfjs

from .single_op import _weight_bytes


def _attrs(attrs: dict) -> dict:
    return {k: encode_attr(kind, v) for k, (kind, v) in attrs.items()}


class _Nodes:
    """Node-adding methods shared by a graph and a function body."""

    def __init__(self, weights: list) -> None:
        self.nodes: list[dict] = []
        self._weights = weights

    def node(self, name: str, op: str, inputs: list[str] = (), **attrs: tuple[str, Any]) -> str:
        """Adds a node; attrs are name=(kind, value) as graph.attrs.encode_attr takes them."""
        self.nodes.append({"name": name, "op": op, "input": list(inputs), "attr": _attrs(attrs)})
        return name

    def const(self, name: str, value: Any, dtype: str | None = None, inline: bool = False,
              control: list[str] = ()) -> str:
        t = value if isinstance(value, T) else T(value, dtype)
        tf_dtype = encode_attr("type", t.dtype)["type"]
        if inline:
            tensor = encode_attr("tensor", t.array)["tensor"]
        else:
            tensor = {"dtype": tf_dtype, "tensorShape": encode_attr("shape", list(t.array.shape))["shape"]}
            self._weights.append((name, t))
        self.nodes.append({"name": name, "op": "Const", "input": [f"^{c}" for c in control],
                           "attr": {"dtype": {"type": tf_dtype}, "value": {"tensor": tensor}}})
        return name


class GraphBuilder(_Nodes):
    def __init__(self) -> None:
        super().__init__([])
        self.functions: list[dict] = []

    def placeholder(self, name: str, dtype: str = "float32", shape: list[int] | None = None) -> str:
        attrs = {"dtype": ("type", dtype)}
        if shape is not None:
            attrs["shape"] = ("shape", shape)
        return self.node(name, "Placeholder", [], **attrs)

    def function(self, name: str, inputs: list[tuple[str, str]], outputs: list[tuple[str, str]]) -> "_Function":
        """A library function: add its body's nodes to the returned object, then set its `ret`."""
        fn = _Function(name, inputs, outputs, self._weights)
        self.functions.append(fn)
        return fn

    def topology(self) -> dict:
        topo: dict[str, Any] = {"node": self.nodes, "versions": {"producer": 1395}}
        if self.functions:
            topo["library"] = {"function": [f.to_json() for f in self.functions]}
        return topo

    def weight_specs(self) -> list[dict]:
        return [{"name": n, "shape": list(t.array.shape), "dtype": t.dtype} for n, t in self._weights]

    def weight_data(self) -> bytes:
        return b"".join(_weight_bytes(t) for _, t in self._weights)

    def model_json(self, **extra: Any) -> dict:
        """The model.json object, weights manifest flattened into weightSpecs (tf.io.fromMemory's form)."""
        return {"format": "graph-model", "modelTopology": self.topology(), "weightSpecs": self.weight_specs(),
                **extra}

    def artifacts(self, signature: dict | None = None, **fields: Any) -> ModelArtifacts:
        return ModelArtifacts(model_topology=self.topology(), format="graph-model", weight_specs=self.weight_specs(),
                              weight_data=self.weight_data(), signature=signature, source="test-graph", **fields)

    def load(self, signature: dict | None = None, **fields: Any) -> tw.GraphModel:
        return tw.load_graph_model(self.artifacts(signature, **fields))

    def case(self, feeds: dict[str, Any], outputs: list[str], **extra: Any) -> "GraphCase":
        return GraphCase(self, {k: v if isinstance(v, T) else T(v) for k, v in feeds.items()}, outputs, extra)


class _Function(_Nodes):
    def __init__(self, name: str, inputs: list[tuple[str, str]], outputs: list[tuple[str, str]],
                 weights: list) -> None:
        super().__init__(weights)
        self.name, self.inputs, self.outputs = name, inputs, outputs
        self.ret: dict[str, str] = {}

    def to_json(self) -> dict:
        def args(pairs: list[tuple[str, str]]) -> list[dict]:
            return [{"name": n, "type": encode_attr("type", d)["type"]} for n, d in pairs]
        return {"signature": {"name": self.name, "inputArg": args(self.inputs), "outputArg": args(self.outputs)},
                "nodeDef": self.nodes, "ret": self.ret}


@dataclass
class GraphCase:
    graph: GraphBuilder
    feeds: dict[str, T]
    outputs: list[str]
    extra: dict

    def run_tw(self, model: tw.GraphModel | None = None) -> list[np.ndarray]:
        """tensorweb's outputs as arrays (the model is loaded from the builder unless given)."""
        model = model or self.graph.load(**self.extra)
        out = model.execute({k: v.to_tw() for k, v in self.feeds.items()}, self.outputs)
        return [t.numpy() for t in (out if isinstance(out, list) else [out])]


def run_graph_cases(cases: dict[str, GraphCase]) -> dict[str, Any]:
    """Each case's outputs from TF.js (one Node process for all): a list of (array, dtype), or a RuntimeError
    carrying TF.js's message."""
    payload = []
    for key, c in cases.items():
        model = c.graph.model_json(**{key: c.extra[attr] for attr, key in ModelArtifacts._JSON_KEYS
                                      if c.extra.get(attr) is not None})
        payload.append({"id": key, "op": "harness.graphModel",
                        "args": [model, base64.b64encode(c.graph.weight_data()).decode("ascii"), c.feeds,
                                 c.outputs]})
    results = run_tfjs(payload)
    out: dict[str, Any] = {}
    for key in cases:
        r = results[key]
        if not r["ok"]:
            out[key] = RuntimeError(r["error"])
            continue
        value = decode(r["result"])
        out[key] = value if isinstance(value, list) else [value]
    return out


def assert_same(got: list[np.ndarray], want: list, rtol: float = 1e-6) -> None:
    """tensorweb's outputs equal TF.js's (or hand-written (array, dtype) pairs): dtypes, shapes and values."""
    if isinstance(want, Exception):
        raise AssertionError(f"TF.js failed on the case: {want}")
    assert len(got) == len(want), f"{len(got)} outputs, expected {len(want)}"
    names = {"float32": "float32", "int32": "int32", "bool": "bool"}
    for k, (g, (w, dtype)) in enumerate(zip(got, want)):
        assert str(g.dtype) == names.get(dtype, str(g.dtype)), f"output {k}: dtype {g.dtype}, expected {dtype}"
        assert g.shape == np.asarray(w).shape, f"output {k}: shape {g.shape}, expected {np.asarray(w).shape}"
        np.testing.assert_allclose(g, np.asarray(w, dtype=g.dtype), rtol=rtol, err_msg=f"output {k}")


def graph_case_tests(cases: dict[str, tuple[GraphCase, list]], tfjs_fails: dict[str, str] | None = None,
                     rtol: float = 1e-6) -> tuple[Any, Any]:
    """A module's TF.js fixture and parametrized test over cases {key: (GraphCase, hand-computed outputs)},
    to bind at top level:

        tfjs, test_matches_hand_values_and_tfjs = graph_case_tests(CASES)

    Each case must equal its hand-computed outputs and TF.js's, except the keys of tfjs_fails, where TF.js
    must fail with the given words in its message (TF.js cannot run them; the hand values are the truth)."""
    fails = tfjs_fails or {}

    @pytest.fixture(scope="module")
    def tfjs() -> dict:
        missing = harness_ready()
        if missing:
            pytest.fail(f"the TF.js interop harness is not installed: {missing}")
        return run_graph_cases({k: c for k, (c, _) in cases.items()})

    @pytest.mark.parametrize("key", sorted(cases))
    def test_matches_hand_values_and_tfjs(key: str, tfjs: dict) -> None:
        case, hand = cases[key]
        got = case.run_tw()
        assert_same(got, hand)
        if key in fails:
            assert isinstance(tfjs[key], Exception) and fails[key] in str(tfjs[key]), tfjs[key]
        else:
            assert_same(got, tfjs[key], rtol=rtol)
    return tfjs, test_matches_hand_values_and_tfjs
