"""GraphDef JSON parsing: node inputs ("node", "node:1", "^ctrl", and "node:out_arg:k" in function bodies),
lazily parsed attrs, Const values, library functions, and the errors malformed topologies raise."""
from __future__ import annotations

import numpy as np
import pytest

from tensorweb.errors import ModelFormatError
from tensorweb.graph.attrs import encode_attr
from tensorweb.graph.graphdef import inline_value, parse_graph_def


def node(name: str, op: str, inputs=(), **attrs) -> dict:
    return {"name": name, "op": op, "input": list(inputs),
            "attr": {k: encode_attr(kind, v) for k, (kind, v) in attrs.items()}}


def function(name: str, inputs: list[str], outputs: list[str], nodes: list[dict], ret: dict) -> dict:
    return {"signature": {"name": name, "inputArg": [{"name": a, "type": "DT_FLOAT"} for a in inputs],
                          "outputArg": [{"name": a, "type": "DT_INT32"} for a in outputs]},
            "nodeDef": nodes, "ret": ret}


def test_inputs_outputs_indices_and_control_edges() -> None:
    g = parse_graph_def({"node": [node("x", "Placeholder"), node("s", "Split", ["x"]),
                                  node("y", "AddV2", ["s:1", "x", "^s"])], "versions": {"producer": 7}})
    y = g.nodes[2]
    assert (y.name, y.op, y.inputs, y.control_inputs) == ("y", "AddV2", [("s", 1), ("x", 0)], ["s"])
    assert g.versions == {"producer": 7} and g.functions == {}


def test_attrs_parse_on_first_use_and_missing_attrs_name_the_node() -> None:
    g = parse_graph_def({"node": [node("c", "Cast", [], DstT=("type", "int32"), Truncate=("b", False))]})
    c = g.nodes[0]
    assert c.attr("DstT") == "int32" and c.attrs == {"DstT": "int32", "Truncate": False}
    assert c.attr("missing", 5) == 5
    with pytest.raises(ModelFormatError, match=r"node 'c' \(op Cast\) has no attr 'SrcT'"):
        c.attr("SrcT")
    bad = parse_graph_def({"node": [{"name": "b", "op": "Cast", "attr": {"DstT": "oops"}}]}).nodes[0]
    with pytest.raises(ModelFormatError, match=r"node 'b' \(op Cast\): attr 'DstT' is malformed"):
        bad.attr("DstT")


def test_function_bodies_resolve_output_arg_names() -> None:
    body = [node("u", "Unique", ["a"]), node("t", "TopKV2", ["a", "k"]), node("sp", "Split", ["k", "a"]),
            node("k", "Const"), node("use", "AddN", ["u:idx:0", "t:indices:0", "t:values:0", "sp:output:2", "a"])]
    g = parse_graph_def({"node": [], "library": {"function": [
        function("f", ["a"], ["out", "idx"], body, {"out": "use:sum:0", "idx": "u:idx:0"})]}})
    f = g.functions["f"]
    assert [a.name for a in f.input_args] == ["a"] and [a.dtype for a in f.output_args] == ["int32", "int32"]
    # Unique's output args are (y, idx); TopKV2's (values, indices); Split has one list arg (output)
    assert f.nodes[-1].inputs == [("u", 1), ("t", 1), ("t", 0), ("sp", 2), ("a", 0)]
    assert f.ret == {"out": ("use", 0), "idx": ("u", 1)}


@pytest.mark.parametrize("topology, message", [
    ({"node": "x"}, "'node' must be a list"),
    ({"node": [{"name": "x"}]}, "node #0 needs a non-empty 'name' and 'op'"),
    ({"node": [node("x", "Neg"), node("x", "Neg")]}, "two nodes are named 'x'"),
    ({"node": [node("y", "Neg", ["nowhere"])]}, r"node 'y' \(op Neg\): input 'nowhere' is not a node"),
    ({"node": [node("y", "Neg", ["x:one"]), node("x", "Neg")]}, "is not of the form"),
    ({"node": [node("y", "Neg", [3])]}, "is not a node reference"),
    ({"node": [], "library": {"function": [function("f", ["a"], ["o"], [node("u", "Unique", ["a"])],
                                                    {"o": "u:count:0"})]}},
     r"op Unique has output args \['y', 'idx'\]"),
    ({"node": [], "library": {"function": [function("f", ["a"], ["o"], [], {})]}}, "output arg 'o' has no 'ret'"),
    ({"node": [], "library": {"function": [function("f", ["a"], ["o"], [], {"o": "ghost:0"})]}},
     "ret 'o' names 'ghost'"),
    ({"node": [], "library": {"function": [{"nodeDef": []}]}}, "has no signature name"),
    ({"node": [], "library": {"function": [function("f", [], [], [], {}), function("f", [], [], [], {})]}},
     "two library functions are named 'f'"),
])
def test_malformed_topologies_raise_model_format_error(topology: dict, message: str) -> None:
    with pytest.raises(ModelFormatError, match=message):
        parse_graph_def(topology, "m.json")


def test_const_inline_values_and_missing_weights() -> None:
    inline = node("c", "Const", [], value=("tensor", np.array([1.5, 2.5], np.float32)), dtype=("type", "float32"))
    stripped = {"name": "w", "op": "Const", "attr": {"value": {"tensor": {"dtype": "DT_FLOAT", "tensorShape": {}}}}}
    c, w = parse_graph_def({"node": [inline, stripped]}).nodes
    assert c.has_inline_value() and not w.has_inline_value()
    np.testing.assert_array_equal(inline_value(c, "m.json"), [1.5, 2.5])
    with pytest.raises(ModelFormatError, match="Const node 'w' has no weight of that name"):
        inline_value(w, "m.json")
