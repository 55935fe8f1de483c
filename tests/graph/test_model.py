"""GraphModel and load_graph_model: sources (path, folder, handler, artifacts), inputs/outputs as TF.js
determines them (signature, else Placeholders and the nodes nothing reads), predict/execute naming rules,
input validation, the load-time unsupported-op listing, layers-model refusal, the model initializer's
captured inputs, weights, dispose and repr. Signature handling is checked against the real TF.js."""
from __future__ import annotations

import json

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import DtypeError, InvalidArgumentError, ModelFormatError, ShapeError, UnsupportedOpError
from tensorweb.graph import TensorInfo
from tensorweb.io.artifacts import ModelArtifacts
from tests.interop.tfjs import T

from .graph_builder import GraphBuilder, GraphCase, graph_case_tests

X = np.array([[1.0, 2.0, 3.0]], np.float32)
B = np.array([0.5, -1.0, 2.0], np.float32)


def two_outputs() -> GraphBuilder:
    """sum = x + b and prod = x * b; nothing reads them, so without a signature both are outputs."""
    g = GraphBuilder()
    g.placeholder("x", "float32", [-1, 3])
    g.const("b", B)
    g.node("sum", "AddV2", ["x", "b"])
    g.node("prod", "Mul", ["x", "b"])
    return g


SIGNATURE = {"inputs": {"image": {"name": "x:0", "dtype": "DT_FLOAT",
                                  "tensorShape": {"dim": [{"size": "-1"}, {"size": "3"}]}}},
             "outputs": {"scores": {"name": "prod:0", "dtype": "DT_FLOAT"},
                         "total": {"name": "sum:0", "dtype": "DT_FLOAT",
                                   "tensorShape": {"dim": [{"size": "-1"}, {"size": "3"}]}}}}


def with_initializer() -> tuple[GraphBuilder, dict]:
    """y = x + t, where t is a signature input with a resourceId that the model initializer provides."""
    g = GraphBuilder()
    g.placeholder("x", "float32", [3])
    g.placeholder("t", "float32", [3])
    g.node("y", "AddV2", ["x", "t"])
    g.const("init_c", B)
    init = {"node": [g.nodes.pop(), {"name": "init_out", "op": "Identity", "input": ["init_c"], "attr": {}}],
            "versions": {}}
    fields = {"signature": {"inputs": {"x": {"name": "x:0", "dtype": "DT_FLOAT"},
                                       "t": {"name": "t:0", "dtype": "DT_FLOAT", "resourceId": 7}},
                            "outputs": {"y": {"name": "y:0", "dtype": "DT_FLOAT"}}},
              "model_initializer": init,
              "initializer_signature": {"outputs": {"init_out:0": {"name": "init_out:0", "resourceId": 7}}}}
    return g, fields


CASES: dict[str, tuple[GraphCase, list]] = {
    "signature_keys": (two_outputs().case({"image": T(X)}, ["total", "scores"], signature=SIGNATURE),
                       [(X + B, "float32"), (X * B, "float32")]),
    "node_names_beside_signature": (two_outputs().case({"x:0": T(X)}, ["prod:0", "sum"], signature=SIGNATURE),
                                    [(X * B, "float32"), (X + B, "float32")]),
    "initializer": (with_initializer()[0].case({"x": T(X[0])}, ["y"], **with_initializer()[1]),
                    [(X[0] + B, "float32")]),
}


tfjs, test_matches_hand_values_and_tfjs = graph_case_tests(CASES)


def test_inputs_outputs_and_predict_without_signature() -> None:
    model = two_outputs().load()
    assert model.inputs == [TensorInfo("x", [-1, 3], "float32")]
    assert [t.name for t in model.outputs] == ["sum", "prod"]
    s, p = model.predict(X)
    np.testing.assert_array_equal(s.numpy(), X + B)
    np.testing.assert_array_equal(p.numpy(), X * B)
    single = model.execute([X], "prod")
    assert isinstance(single, tw.Tensor)
    assert isinstance(model.execute({"x": X}, ["sum"]), tw.Tensor)     # one output → a Tensor, as TF.js


def test_inputs_outputs_and_predict_with_signature() -> None:
    model = two_outputs().load(signature=SIGNATURE)
    assert model.inputs == [TensorInfo("image", [-1, 3], "float32")]
    assert model.outputs == [TensorInfo("scores", None, "float32"), TensorInfo("total", [-1, 3], "float32")]
    scores, total = model.predict({"image": X})
    np.testing.assert_array_equal(scores.numpy(), X * B)
    np.testing.assert_array_equal(total.numpy(), X + B)
    structured = two_outputs().load(signature=SIGNATURE,
                                    user_defined_metadata={"structuredOutputKeys": ["s", "t"]}).predict(X)
    assert list(structured) == ["s", "t"]
    np.testing.assert_array_equal(structured["t"].numpy(), X + B)


def test_user_defined_metadata_signature_wins() -> None:
    model = two_outputs().load(user_defined_metadata={"signature": SIGNATURE})
    assert [t.name for t in model.inputs] == ["image"]


def test_inputs_are_converted_and_validated() -> None:
    model = two_outputs().load()
    out = model.execute(X.astype(np.float64), "sum")               # float64 array → float32
    assert out.dtype == "float32"
    assert model.execute(np.array([[1, 2, 3]]), "sum").dtype == "float32"   # int64 values: float32 input
    with pytest.raises(DtypeError, match="input 'x' must be float32, got int32"):
        model.predict(tw.tensor([[1, 2, 3]], dtype="int32"))
    with pytest.raises(ShapeError, match=r"input 'x' must have shape \[-1, 3\].*got \[1, 4\]"):
        model.predict(np.ones((1, 4), np.float32))
    with pytest.raises(ShapeError, match=r"got \[3\]"):
        model.predict(np.ones(3, np.float32))
    with pytest.raises(InvalidArgumentError, match="'nope' is not a node of the graph"):
        model.predict({"nope": X})
    with pytest.raises(InvalidArgumentError, match=r"the model has 1 input\(s\) \['x'\], got 2"):
        model.predict([X, X])
    with pytest.raises(InvalidArgumentError, match="output 'ghost' is not a node"):
        model.execute(X, "ghost")
    with pytest.raises(InvalidArgumentError, match="missing inputs"):
        model.execute({}, "sum")


def test_unsupported_ops_are_listed_once_with_counts() -> None:
    g = two_outputs()
    g.node("f1", "FancyOp", ["x"])
    g.node("f2", "FancyOp", ["f1"])
    g.node("o1", "OtherOp", ["f2"])
    fn = g.function("f", [("v", "float32")], [("r", "float32")])
    fn.node("r", "BodyOnlyOp", ["v"])
    fn.ret = {"r": "r:y:0"}
    with pytest.raises(UnsupportedOpError, match=r"test-graph: the graph uses 3 op\(s\) tensorweb does not support: "
                                                 r"BodyOnlyOp \(1 node\), FancyOp \(2 nodes\), OtherOp \(1 node\)"):
        g.load()


def test_layers_models_are_refused_with_a_pointer() -> None:
    keras = {"class_name": "Sequential", "config": {"layers": []}}
    for artifacts in (ModelArtifacts(model_topology=keras, format="layers-model", source="m.json"),
                      ModelArtifacts(model_topology={"model_config": keras}, source="m.json")):
        with pytest.raises(ModelFormatError, match="m.json: this is a layers model.*tw.load_layers_model"):
            tw.load_graph_model(artifacts)
    with pytest.raises(ModelFormatError, match="no 'node' list"):
        tw.load_graph_model(ModelArtifacts(model_topology={"versions": {}}, source="m.json"))


def test_loads_from_path_folder_and_handler(tmp_path) -> None:
    g = two_outputs()
    model_json = g.model_json()
    model_json["weightsManifest"] = [{"paths": ["group1-shard1of1.bin"], "weights": model_json.pop("weightSpecs")}]
    (tmp_path / "model.json").write_text(json.dumps(model_json))
    (tmp_path / "group1-shard1of1.bin").write_bytes(g.weight_data())

    class Handler:
        def load(self) -> ModelArtifacts:
            return g.artifacts()

    for source in (str(tmp_path / "model.json"), tmp_path, Handler()):
        model = tw.load_graph_model(source)
        np.testing.assert_array_equal(model.execute(X, "sum").numpy(), X + B)
        np.testing.assert_array_equal(model.weights["b"].numpy(), B)


def test_dispose_and_repr() -> None:
    model = two_outputs().load(signature=SIGNATURE)
    text = repr(model)
    assert text == ("<GraphModel 'test-graph': 4 nodes, 0 functions, 1 weights; inputs [image float32 [-1, 3]]; "
                    "outputs [scores float32 [?], total float32 [-1, 3]]>")
    weight = model.weights["b"]
    model.dispose()
    assert weight.is_disposed and "disposed" in repr(model)
    with pytest.raises(InvalidArgumentError, match="the model was disposed"):
        model.predict(X)


def test_initializer_runs_once_and_feeds_captured_inputs() -> None:
    g, fields = with_initializer()
    model = g.load(**fields)
    assert model.inputs == [TensorInfo("x", [3], "float32")]    # the captured input t is not the user's
    for _ in range(2):
        np.testing.assert_array_equal(model.predict(X[0]).numpy(), X[0] + B)
    assert set(model._captured) == {"t:0"}
