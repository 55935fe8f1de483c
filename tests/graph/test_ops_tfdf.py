"""TF Decision Forests ops (SimpleMLCreateModelResource, SimpleMLLoadModelFromPathWithHandle,
SimpleMLInferenceOpWithHandle) have no mapper, on purpose.

TF.js itself has no executor for them: the @tensorflow/tfjs-tfdf package registers them as custom ops
(tf.registerOp) that load the model's Yggdrasil Decision Forests assets (a zip of protobuf files next to
model.json) into a WebAssembly build of the YDF inference engine. Without that engine and its model format
there is nothing to map them to, so a graph model using them is refused at load time, naming the ops."""
from __future__ import annotations

import pytest

import tensorweb as tw
from tensorweb.graph.executor import import_mappers
from tensorweb.graph.ops import MAPPERS

from .math_cases import OP_LIST


def test_tfdf_ops_have_no_mapper():
    import_mappers()
    assert not set(OP_LIST["tfdf"]) & set(MAPPERS)


def test_a_tfdf_model_is_refused_naming_its_ops():
    def node(name: str, op: str, inputs: list, dtype: str | None = None) -> dict:
        attr = {"dtype": {"type": dtype}} if dtype else {}
        return {"name": name, "op": op, "input": inputs, "attr": attr}

    topology = {"node": [node("features", "Placeholder", [], "DT_FLOAT"), node("path", "Placeholder", [], "DT_STRING"),
                         node("model", "SimpleMLCreateModelResource", []),
                         node("load", "SimpleMLLoadModelFromPathWithHandle", ["model", "path"]),
                         node("predict", "SimpleMLInferenceOpWithHandle", ["features", "model", "^load"])]}
    handler = tw.io.from_memory({"format": "graph-model", "modelTopology": topology, "weightSpecs": []}, b"")
    with pytest.raises(tw.errors.UnsupportedOpError) as err:
        tw.load_graph_model(handler)
    for op in OP_LIST["tfdf"]:
        assert op in str(err.value)
