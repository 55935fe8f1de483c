"""TensorArray*V3 and TensorList* op mappers (src/tensorweb/graph/ops/tensor_lists.py).

Each check is a small multi-node graph (Placeholders feed every input, nodes listed in topological order).
TF.js runs all of them in one Node call (tf.loadGraphModel + executeAsync); our side runs the same nodes
through the mappers in order. Where TF.js refuses a graph, our mappers must raise a TensorwebError too.
Where TF.js fails on a graph TF accepts (or its outputs differ from TF's by design, see the module docstring
of tensor_lists.py), the truth is computed by hand in the test (`hand`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import tensorweb as tw
from tensorweb.errors import (DtypeError, InvalidArgumentError, ModelFormatError, ShapeError,
                              TensorwebError)
from tensorweb.graph import attrs as graph_attrs
from tensorweb.graph.ops import MAPPERS
from tensorweb.graph.ops.tensor_lists import TensorArray, TensorList
from tests.interop.tfjs import T, decode, harness_ready, run_tfjs

from .graph_builder import GraphBuilder, GraphCase, assert_same, run_graph_cases
from .single_op import FakeContext, OpCase, assert_matches

rng = np.random.default_rng(20240611)
OP_LIST = json.loads((Path(__file__).parent / "tfjs_op_list.json").read_text())


def f32(*shape: int) -> T:
    return T(rng.uniform(-2, 2, shape).astype(np.float32))


def i32(values: Any) -> T:
    return T(np.array(values, np.int32))


def node(name: str, op: str, *inputs: str, **attrs: tuple) -> tuple:
    return name, op, list(inputs), attrs


FLOAT, INT, BOOL, STRING = ("type", "float32"), ("type", "int32"), ("type", "bool"), ("type", "string")


def shape_attr(dims: list | None) -> tuple:
    return "shape", dims


def tensor_array(name: str, size: str, dtype: tuple = FLOAT, element_shape: list | None = None,
                 dynamic: bool = False, clear: bool = False, identical: bool = False) -> tuple:
    return node(name, "TensorArrayV3", size, dtype=dtype, element_shape=shape_attr(element_shape),
                dynamic_size=("b", dynamic), clear_after_read=("b", clear),
                identical_element_shapes=("b", identical), tensor_array_name=("s", name))


@dataclass
class Graph:
    feeds: dict[str, T]
    nodes: list[tuple]
    outputs: list[str]
    tfjs_outputs: list[str] | None = None   # TF.js's names for the same values, where they differ
    hand: list | None = None                # expected [(array, dtype)] or an error type; TF.js not run
    raises: type | None = None              # the TensorwebError subclass we raise where TF.js raises

    def model(self) -> dict:
        enc = graph_attrs.encode_attr
        nodes = [{"name": k, "op": "Placeholder",
                  "attr": {"dtype": enc("type", t.dtype), "shape": enc("shape", list(t.array.shape))}}
                 for k, t in self.feeds.items()]
        for name, op, inputs, attrs in self.nodes:
            nodes.append({"name": name, "op": op, "input": inputs,
                          "attr": {k: graph_attrs.encode_attr(kind, v) for k, (kind, v) in attrs.items()}})
        return {"format": "graph-model", "modelTopology": {"node": nodes, "versions": {"producer": 1395}},
                "weightSpecs": []}


def _lookup(values: dict, ref: str) -> Any:
    name, _, index = ref.partition(":")
    return values[name][int(index or 0)]


def run_ours(g: Graph) -> list:
    """The graph's outputs from our mappers, run node by node in the listed order."""
    values = {k: [t.to_tw()] for k, t in g.feeds.items()}
    for name, op, inputs, attrs in g.nodes:
        ctx = FakeContext(OpCase(op, [], attrs))
        ctx.name = name
        out = MAPPERS[op](ctx, [_lookup(values, ref) for ref in inputs])
        values[name] = list(out) if isinstance(out, tuple) else [out]
    return [_lookup(values, ref) for ref in g.outputs]


# ---- the graphs ----------------------------------------------------------------------------------------

A, B = f32(2, 3), f32(2, 3)
X3 = f32(3, 2)
X5 = f32(5, 2)
X322 = f32(3, 2, 2)
Y2 = f32(2)


def _write_read(**ta: Any) -> Graph:
    return Graph({"n": i32(3), "i0": i32(0), "i1": i32(1), "a": A, "b": B},
                 [tensor_array("ta", "n", element_shape=[2, 3], **ta),
                  node("w0", "TensorArrayWriteV3", "ta", "i0", "a", "ta:1", T=FLOAT),
                  node("w1", "TensorArrayWriteV3", "ta", "i1", "b", "w0", T=FLOAT),
                  node("r1", "TensorArrayReadV3", "ta", "i1", "w1", dtype=FLOAT),
                  node("r0", "TensorArrayReadV3", "ta", "i0", "w1", dtype=FLOAT),
                  node("sz", "TensorArraySizeV3", "ta", "w1")],
                 ["r1", "r0", "sz"])


def _scatter_gather(x: T, idx: list, gather: list, dtype: tuple = FLOAT, size: int = 4,
                    element_shape: list | None = None, dynamic: bool = False, clear: bool = False,
                    twice: bool = False, **kw: Any) -> Graph:
    nodes = [tensor_array("ta", "n", dtype, element_shape, dynamic, clear),
             node("sc", "TensorArrayScatterV3", "ta", "idx", "x", "ta:1", T=dtype),
             node("ga", "TensorArrayGatherV3", "ta", "g", "sc", dtype=dtype, element_shape=shape_attr(None)),
             node("sz", "TensorArraySizeV3", "ta", "sc")]
    outputs = ["ga", "sz"]
    if twice:
        nodes.append(node("ga2", "TensorArrayGatherV3", "ta", "g", "ga", dtype=dtype))
        outputs.append("ga2")
    return Graph({"n": i32(size), "idx": i32(idx), "x": x, "g": i32(gather)}, nodes, outputs, **kw)


def _split(x: T, lengths: list, size: int = 0, dynamic: bool = True, element_shape: list | None = None,
           outputs: tuple = ("cat:0", "r1"), **kw: Any) -> Graph:
    return Graph({"n": i32(size), "x": x, "len": i32(lengths), "i1": i32(1)},
                 [tensor_array("ta", "n", element_shape=element_shape, dynamic=dynamic),
                  node("sp", "TensorArraySplitV3", "ta", "x", "len", "ta:1", T=FLOAT),
                  node("r1", "TensorArrayReadV3", "ta", "i1", "sp", dtype=FLOAT),
                  node("cat", "TensorArrayConcatV3", "ta", "r1", dtype=FLOAT)],
                 list(outputs), **kw)


def _writes(values: list[T], indices: list[int], size: int = 2, dynamic: bool = False,
            element_shape: list | None = None, dtype: tuple = FLOAT, then: list | None = None,
            outputs: tuple = ("sz",), identical: bool = False, extra: dict | None = None, **kw: Any) -> Graph:
    """A TensorArray written values[k] at indices[k] in turn, then the `then` nodes."""
    feeds = {"n": i32(size), **{f"v{k}": v for k, v in enumerate(values)},
             **{f"i{k}": i32(i) for k, i in enumerate(indices)}, **(extra or {})}
    nodes = [tensor_array("ta", "n", dtype, element_shape, dynamic, identical=identical)]
    flow = "ta:1"
    for k in range(len(values)):
        nodes.append(node(f"w{k}", "TensorArrayWriteV3", "ta", f"i{k}", f"v{k}", flow, T=dtype))
        flow = f"w{k}"
    nodes += [node("sz", "TensorArraySizeV3", "ta", flow), *(then or [])]
    return Graph(feeds, nodes, list(outputs), **kw)


def _list(make: list, then: list, outputs: list, feeds: dict, **kw: Any) -> Graph:
    return Graph(feeds, make + then, outputs, **kw)


def from_tensor(x: str = "x", shape: str = "es", dtype: tuple = FLOAT) -> tuple:
    return node("l", "TensorListFromTensor", x, shape, element_dtype=dtype, shape_type=INT)


def get_item(name: str, lst: str, index: str, shape: str = "es", dtype: tuple = FLOAT) -> tuple:
    return node(name, "TensorListGetItem", lst, index, shape, element_dtype=dtype)


def stack(name: str, lst: str, shape: str = "es", dtype: tuple = FLOAT, num: int = -1) -> tuple:
    return node(name, "TensorListStack", lst, shape, element_dtype=dtype, num_elements=("i", num))


def reserve(shape: str = "es", n: str = "n", dtype: tuple = FLOAT, op: str = "TensorListReserve") -> tuple:
    return node("l", op, shape, n, element_dtype=dtype, shape_type=INT)


def set_items(lst: str, values: list[str], indices: list[str], dtype: tuple = FLOAT) -> list[tuple]:
    out = []
    for k, (v, i) in enumerate(zip(values, indices)):
        out.append(node(f"s{k}", "TensorListSetItem", lst, i, v, element_dtype=dtype))
        lst = f"s{k}"
    return out


def concat(name: str, lst: str, shape: list | None, op: str = "TensorListConcat", *extra: str) -> tuple:
    return node(name, op, lst, *extra, element_shape=shape_attr(shape), element_dtype=FLOAT)


XI = T(np.array([[1, 2], [3, 4], [5, 6]], np.int32))
XB = T(np.array([[True, False], [False, False], [True, True]]))
ES2 = {"es": i32([2])}

CHECKS: dict[str, Graph] = {
    # ---- TensorArray -----------------------------------------------------------------------------------
    "ta_write_read_size": _write_read(),
    "ta_write_read_clear_after_read": _write_read(clear=True),
    "ta_scatter_gather": _scatter_gather(X3, [2, 0, 1], [0, 1, 2], element_shape=[2]),
    "ta_scatter_gather_int32_dynamic": _scatter_gather(XI, [1, 0, 3], [3, 0], INT, size=0, dynamic=True),
    "ta_scatter_gather_bool": _scatter_gather(XB, [0, 1, 2], [1, 2], BOOL, size=3),
    "ta_gather_indices_past_size_dropped": _scatter_gather(X3, [0, 1, 2], [2, 0, 1, 1], size=3),
    "ta_gather_no_indices": _scatter_gather(X3, [0, 1, 2], [], element_shape=[2], size=3),
    "ta_gather_twice": _scatter_gather(X3, [0, 1, 2], [1, 2], size=3, twice=True),
    "ta_gather_twice_clear_after_read": _scatter_gather(X3, [0, 1, 2], [1, 2], size=3, clear=True, twice=True,
                                                        raises=InvalidArgumentError),
    "ta_gather_unwritten": _scatter_gather(X3, [0, 2, 3], [0, 1], size=4, raises=InvalidArgumentError),
    "ta_scatter_len_mismatch": _scatter_gather(X3, [0, 1], [0], raises=InvalidArgumentError),
    "ta_scatter_index_too_large": _scatter_gather(X3, [0, 5, 1], [0], raises=InvalidArgumentError),
    "ta_scatter_dtype": _scatter_gather(XI, [0, 1, 2], [0], raises=DtypeError),
    "ta_scatter_shape": _scatter_gather(f32(3, 3), [0, 1, 2], [0], element_shape=[2], raises=ShapeError),
    "ta_split_concat": _split(X5, [2, 3], element_shape=[-1, 2]),
    "ta_split_fixed_size": _split(X5, [2, 3], size=2, dynamic=False, element_shape=[-1, 2]),
    "ta_split_size_mismatch": _split(X5, [2, 3], size=3, dynamic=False, raises=InvalidArgumentError),
    "ta_split_bad_sum": _split(X5, [2, 2], raises=InvalidArgumentError),
    "ta_concat_varying_first_dim": _writes([f32(2, 2), f32(1, 2)], [0, 1], dynamic=True, element_shape=[-1, 2],
                                           then=[node("cat", "TensorArrayConcatV3", "ta", "w1", dtype=FLOAT)],
                                           outputs=("cat:0",)),
    "ta_size_counts_written": _writes([], [], size=5),
    "ta_write_dynamic_grows": _writes([A], [3], size=1, dynamic=True, extra={"r": i32(3)},
                                      then=[node("rd", "TensorArrayReadV3", "ta", "r", "w0", dtype=FLOAT)],
                                      outputs=("sz", "rd")),
    "ta_read_unwritten_slot": _writes([A], [3], size=1, dynamic=True, extra={"r": i32(1)},
                                      then=[node("rd", "TensorArrayReadV3", "ta", "r", "w0", dtype=FLOAT)],
                                      outputs=("rd",), raises=InvalidArgumentError),
    "ta_read_out_of_range": _writes([A], [0], extra={"r": i32(2)},
                                    then=[node("rd", "TensorArrayReadV3", "ta", "r", "w0", dtype=FLOAT)],
                                    outputs=("rd",), raises=InvalidArgumentError),
    "ta_write_twice": _writes([A, B], [1, 1], raises=InvalidArgumentError),
    "ta_write_out_of_range": _writes([A], [2], raises=InvalidArgumentError),
    "ta_write_negative_index": _writes([A], [-1], dynamic=True, raises=InvalidArgumentError),
    "ta_write_dtype": _writes([XI], [0], raises=DtypeError),
    "ta_write_shape": _writes([f32(3)], [0], element_shape=[2], raises=ShapeError),
    "ta_write_shape_set_by_first_write": _writes([f32(2), f32(3)], [0, 1], raises=ShapeError),
    "ta_write_after_read": _writes([A], [0], extra={"r": i32(0), "b": B}, then=[
        node("rd", "TensorArrayReadV3", "ta", "r", "w0", dtype=FLOAT),
        node("w9", "TensorArrayWriteV3", "ta", "r", "b", "rd", T=FLOAT)], outputs=("w9",),
        raises=InvalidArgumentError),
    "ta_gather_dtype": _writes([A], [0], extra={"g": i32([0])}, then=[
        node("ga", "TensorArrayGatherV3", "ta", "g", "w0", dtype=INT)], outputs=("ga",), raises=DtypeError),
    "ta_read_after_close": _writes([A], [0], extra={"r": i32(0)}, then=[
        node("cl", "TensorArrayCloseV3", "ta"),
        node("rd", "TensorArrayReadV3", "ta", "r", "cl", dtype=FLOAT)], outputs=("rd",),
        raises=InvalidArgumentError),
    # ---- TensorList ------------------------------------------------------------------------------------
    "tl_from_tensor_get_item": _list([from_tensor()], [get_item("g", "l", "i"), node("len", "TensorListLength", "l")],
                                     ["g", "len"], {"x": X322, "es": i32([2, 2]), "i": i32(1)}),
    "tl_get_item_partial_shape": _list([from_tensor()], [get_item("g", "l", "i", "gs")], ["g"],
                                       {"x": X322, "es": i32([2, 2]), "i": i32(2), "gs": i32([-1, 2])}),
    "tl_unknown_rank_shapes": _list([from_tensor()], [stack("st", "l"), get_item("g", "l", "i")], ["st", "g"],
                                    {"x": X3, "es": i32(-1), "i": i32(0)}),
    "tl_set_item_stack": _list([from_tensor()], [*set_items("l", ["y"], ["i"]), stack("st", "s0")], ["st"],
                               {"x": X3, "es": i32([2]), "i": i32(1), "y": Y2}),
    "tl_reserve_set_stack": _list([reserve()], [*set_items("l", ["a", "b", "c"], ["i2", "i0", "i1"]),
                                                stack("st", "s2", num=3), node("len", "TensorListLength", "s2")],
                                  ["st", "len"], {**ES2, "n": i32(3), "a": f32(2), "b": f32(2), "c": f32(2),
                                                  "i0": i32(0), "i1": i32(1), "i2": i32(2)}),
    "tl_reserve_is_empty": _list([reserve()], [node("len", "TensorListLength", "l")], ["len"],
                                 {**ES2, "n": i32(3)}),
    "tl_empty_push_back_int32": _list([reserve(dtype=INT, op="EmptyTensorList")], [
        node("p0", "TensorListPushBack", "l", "a", element_dtype=INT),
        node("p1", "TensorListPushBack", "p0", "b", element_dtype=INT),
        stack("st", "p1", dtype=INT), node("len", "TensorListLength", "p1")], ["st", "len"],
        {**ES2, "n": i32(3), "a": i32([1, 2]), "b": i32([3, 4])}),
    "tl_push_back_full": _list([reserve(op="EmptyTensorList")], [
        node("p0", "TensorListPushBack", "l", "a", element_dtype=FLOAT),
        node("p1", "TensorListPushBack", "p0", "a", element_dtype=FLOAT)], ["p1"],
        {**ES2, "n": i32(1), "a": Y2}, raises=InvalidArgumentError),
    "tl_push_back_shape": _list([reserve(op="EmptyTensorList")], [
        node("p0", "TensorListPushBack", "l", "a", element_dtype=FLOAT)], ["p0"],
        {**ES2, "n": i32(3), "a": f32(3)}, raises=ShapeError),
    "tl_push_back_dtype": _list([reserve(op="EmptyTensorList")], [
        node("p0", "TensorListPushBack", "l", "a", element_dtype=FLOAT)], ["p0"],
        {**ES2, "n": i32(3), "a": i32([1, 2])}, raises=DtypeError),
    # TF.js returns the popped tensor as output 0; TF (and we) as output 1 (output 0 is the list)
    "tl_pop_back": _list([from_tensor()], [node("pop", "TensorListPopBack", "l", "es", element_dtype=FLOAT)],
                         ["pop:1"], {"x": X3, "es": i32([2])}, tfjs_outputs=["pop:0"]),
    "tl_pop_back_empty": _list([reserve()], [node("pop", "TensorListPopBack", "l", "es", element_dtype=FLOAT)],
                               ["pop:1"], {**ES2, "n": i32(2)}, tfjs_outputs=["pop:0"], raises=InvalidArgumentError),
    "tl_scatter_gather": _list([node("l", "TensorListScatter", "x", "idx", "es", element_dtype=FLOAT)],
                               [node("ga", "TensorListGather", "l", "g", "es", element_dtype=FLOAT),
                                node("len", "TensorListLength", "l")], ["ga", "len"],
                               {"x": X3, "idx": i32([2, 0, 1]), "es": i32([2]), "g": i32([0, 1, 2])}),
    "tl_scatter_v2_num_elements": _list([node("l", "TensorListScatterV2", "x", "idx", "es", "n",
                                              element_dtype=FLOAT)],
                                        [stack("st", "l"), node("len", "TensorListLength", "l")], ["st", "len"],
                                        {"x": X3, "idx": i32([2, 0, 1]), "es": i32([2]), "n": i32(4)}),
    "tl_scatter_v2_index_too_large": _list([node("l", "TensorListScatterV2", "x", "idx", "es", "n",
                                                 element_dtype=FLOAT)], [stack("st", "l")], ["st"],
                                           {"x": X3, "idx": i32([2, 0, 1]), "es": i32([2]), "n": i32(2)},
                                           raises=InvalidArgumentError),
    "tl_scatter_len_mismatch": _list([node("l", "TensorListScatter", "x", "idx", "es", element_dtype=FLOAT)],
                                     [stack("st", "l")], ["st"], {"x": X3, "idx": i32([0, 1]), "es": i32([2])},
                                     raises=InvalidArgumentError),
    "tl_gather_indices_past_size_dropped": _list([from_tensor()], [
        node("ga", "TensorListGather", "l", "g", "es", element_dtype=FLOAT)], ["ga"],
        {"x": X3, "es": i32([2]), "g": i32([2, 0, 1, 1])}),
    "tl_gather_index_out_of_range": _list([from_tensor()], [
        node("ga", "TensorListGather", "l", "g", "es", element_dtype=FLOAT)], ["ga"],
        {"x": X3, "es": i32([2]), "g": i32([0, 5])}, raises=InvalidArgumentError),
    "tl_gather_no_indices": _list([from_tensor()], [
        node("ga", "TensorListGather", "l", "g", "es", element_dtype=FLOAT)], ["ga"],
        {"x": X3, "es": i32([2]), "g": i32([])}),
    "tl_gather_bool": _list([from_tensor(dtype=BOOL)], [
        node("ga", "TensorListGather", "l", "g", "es", element_dtype=BOOL)], ["ga"],
        {"x": XB, "es": i32([2]), "g": i32([2, 0])}),
    "tl_string": _list([from_tensor(dtype=STRING)], [get_item("g", "l", "i", dtype=STRING),
                                                    stack("st", "l", dtype=STRING)], ["g", "st"],
                       {"x": T(np.array([["a", "bc"], ["d", "e"]], dtype=object), "string"), "es": i32([2]),
                        "i": i32(1)}),
    "tl_concat": _list([from_tensor()], [concat("cat", "l", [2, 2])], ["cat:0"], {"x": X322, "es": i32([2, 2])}),
    "tl_resize_shrink": _list([from_tensor()], [node("rs", "TensorListResize", "l", "n"), stack("st", "rs"),
                                                node("len", "TensorListLength", "rs")], ["st", "len"],
                              {"x": X3, "es": i32([2]), "n": i32(2)}),
    "tl_resize_grow": _list([from_tensor()], [node("rs", "TensorListResize", "l", "n"),
                                              node("len", "TensorListLength", "rs"), get_item("g", "rs", "i")],
                            ["len", "g"], {"x": X3, "es": i32([2]), "n": i32(5), "i": i32(2)}),
    "tl_resize_negative": _list([from_tensor()], [node("rs", "TensorListResize", "l", "n"),
                                                  node("len", "TensorListLength", "rs")], ["len"],
                                {"x": X3, "es": i32([2]), "n": i32(-1)}, raises=InvalidArgumentError),
    "tl_resize_past_max": _list([reserve(op="EmptyTensorList")], [node("rs", "TensorListResize", "l", "m"),
                                                                  node("len", "TensorListLength", "rs")], ["len"],
                                {**ES2, "n": i32(2), "m": i32(3)}, raises=InvalidArgumentError),
    "tl_get_item_dtype": _list([from_tensor()], [get_item("g", "l", "i", dtype=INT)], ["g"],
                               {"x": X3, "es": i32([2]), "i": i32(0)}, raises=DtypeError),
    "tl_get_item_out_of_range": _list([from_tensor()], [get_item("g", "l", "i")], ["g"],
                                      {"x": X3, "es": i32([2]), "i": i32(4)}, raises=InvalidArgumentError),
    "tl_get_item_shape": _list([from_tensor()], [get_item("g", "l", "i", "gs")], ["g"],
                               {"x": X3, "es": i32([2]), "i": i32(0), "gs": i32([3])}, raises=ShapeError),
    "tl_get_item_unset": _list([reserve()], [*set_items("l", ["y"], ["i"]), get_item("g", "s0", "j")], ["g"],
                               {**ES2, "n": i32(3), "y": Y2, "i": i32(2), "j": i32(0)},
                               raises=InvalidArgumentError),
    "tl_set_item_shape": _list([reserve()], set_items("l", ["y"], ["i"]), ["s0"],
                               {**ES2, "n": i32(3), "y": f32(3), "i": i32(0)}, raises=ShapeError),
    "tl_set_item_dtype": _list([reserve()], set_items("l", ["y"], ["i"]), ["s0"],
                               {**ES2, "n": i32(3), "y": i32([1, 2]), "i": i32(0)}, raises=DtypeError),
    "tl_set_item_past_max": _list([reserve(op="EmptyTensorList")], set_items("l", ["y"], ["i"]), ["s0"],
                                  {**ES2, "n": i32(2), "y": Y2, "i": i32(2)}, raises=InvalidArgumentError),
    "tl_from_tensor_scalar": _list([from_tensor()], [stack("st", "l")], ["st"], {"x": T(np.float32(1)), "es": i32(-1)},
                                   raises=ShapeError),
    "tl_from_tensor_dtype": _list([from_tensor(dtype=INT)], [stack("st", "l", dtype=INT)], ["st"],
                                  {"x": X3, "es": i32([2])}, raises=DtypeError),
    "tl_from_tensor_shape": _list([from_tensor()], [stack("st", "l")], ["st"], {"x": X3, "es": i32([3])},
                                  raises=ShapeError),
    "tl_stack_dtype": _list([from_tensor()], [stack("st", "l", dtype=INT)], ["st"], {"x": X3, "es": i32([2])},
                            raises=DtypeError),
    "tl_stack_empty_partial_shape": _list([reserve()], [stack("st", "l")], ["st"],
                                          {"es": i32([-1]), "n": i32(2)}, raises=ShapeError),
}


B12 = f32(1, 2)
_F = "float32"

HAND: dict[str, Graph] = {
    # TF's second output of the concat ops, which TF.js drops
    "ta_concat_lengths": _split(X5, [2, 3], element_shape=[-1, 2], outputs=("cat:0", "cat:1"),
                                hand=[(X5.array, _F), (np.array([2, 3]), "int32")]),
    "tl_concat_lengths": _list([from_tensor()], [concat("cat", "l", [2, 2])], ["cat:0", "cat:1"],
                               {"x": X322, "es": i32([2, 2])},
                               hand=[(X322.array.reshape(6, 2), _F), (np.array([2, 2, 2]), "int32")]),
    # graphs TF accepts and TF.js fails on
    "ta_concat_no_elements": _writes([], [], size=3, element_shape=[3, 2], outputs=("cat:0", "cat:1"),
                                     then=[node("cat", "TensorArrayConcatV3", "ta", "sz", dtype=FLOAT)],
                                     hand=[(np.zeros((0, 2)), _F), (np.zeros(0), "int32")]),
    "ta_split_unknown_element_shape": _split(X5, [2, 3], hand=[(X5.array, _F), (X5.array[2:], _F)]),
    "ta_split_zero_length_piece": _split(X5, [2, 0, 3], element_shape=[-1, 2],
                                         hand=[(X5.array, _F), (np.zeros((0, 2)), _F)]),
    "tl_stack_no_elements": _list([reserve()], [stack("st", "l")], ["st"], {**ES2, "n": i32(2)},
                                  hand=[(np.zeros((0, 2)), _F)]),
    "tl_concat_varying_first_dim": _list([reserve()], [*set_items("l", ["a", "b"], ["i0", "i1"]),
                                                      concat("cat", "s1", [-1, 2])], ["cat:0", "cat:1"],
                                         {"es": i32([-1, 2]), "n": i32(2), "a": X3, "b": B12,
                                          "i0": i32(0), "i1": i32(1)},
                                         hand=[(np.concatenate([X3.array, B12.array]), _F),
                                               (np.array([3, 1]), "int32")]),
    "tl_concat_v2": _list([from_tensor()], [concat("cat", "l", None, "TensorListConcatV2", "cs", "ld")], ["cat:0"],
                          {"x": X322, "es": i32([2, 2]), "cs": i32([-1, 2]), "ld": i32([])},
                          hand=[(X322.array.reshape(6, 2), _F)]),
    "tl_concat_scalars": _list([from_tensor()], [concat("cat", "l", [])], ["cat:0"], {"x": Y2, "es": i32([])},
                               hand=ShapeError),
    "tl_split": _list([node("l", "TensorListSplit", "x", "es", "len", element_dtype=FLOAT)],
                      [get_item("g0", "l", "i0"), get_item("g1", "l", "i1"), node("len", "TensorListLength", "l")],
                      ["g0", "g1", "len"], {"x": X5, "es": i32([-1, 2]), "len": i32([2, 3]),
                                            "i0": i32(0), "i1": i32(1)},
                      hand=[(X5.array[:2], _F), (X5.array[2:], _F), (np.array(2), "int32")]),
    "tl_split_bad_sum": _list([node("l", "TensorListSplit", "x", "es", "len", element_dtype=FLOAT)],
                              [node("len", "TensorListLength", "l")], ["len"],
                              {"x": X5, "es": i32([-1, 2]), "len": i32([2, 2])}, hand=InvalidArgumentError),
    "tl_split_shape": _list([node("l", "TensorListSplit", "x", "es", "len", element_dtype=FLOAT)],
                            [node("len", "TensorListLength", "l")], ["len"],
                            {"x": X5, "es": i32([-1, 3]), "len": i32([2, 3])}, hand=ShapeError),
    "tl_pop_back_then_length": _list([from_tensor()], [node("pop", "TensorListPopBack", "l", "es", element_dtype=FLOAT),
                                                       node("len", "TensorListLength", "pop:0")],
                                     ["pop:1", "len"], {"x": X3, "es": i32([2])},
                                     hand=[(X3.array[2], _F), (np.array(2), "int32")]),
    # TF's checks that TF.js leaves out (num_elements: TF.js reads the int attr as a dtype and drops it)
    "tl_stack_num_elements": _list([from_tensor()], [stack("st", "l", num=3)], ["st"], {"x": X3, "es": i32([2])},
                                   hand=[(X3.array, _F)]),
    "tl_stack_num_elements_mismatch": _list([from_tensor()], [stack("st", "l", num=4)], ["st"],
                                            {"x": X3, "es": i32([2])}, hand=InvalidArgumentError),
    "ta_identical_element_shapes": _writes([f32(2), f32(3)], [0, 1], element_shape=[-1], identical=True,
                                           hand=ShapeError),
    "ta_negative_size": _writes([], [], size=-1, hand=InvalidArgumentError),
    "ta_partial_element_shape": _writes([f32(2), f32(3)], [0, 1], element_shape=[-1], hand=[(np.array(2), "int32")]),
}


@pytest.fixture(scope="module")
def tfjs() -> dict:
    missing = harness_ready()
    if missing:
        pytest.fail(f"the TF.js interop harness is not installed: {missing}")
    return run_tfjs([{"id": k, "op": "harness.graphModel",
                      "args": [g.model(), "", g.feeds, g.tfjs_outputs or g.outputs]} for k, g in CHECKS.items()])


@pytest.mark.interop
@pytest.mark.parametrize("name", list(CHECKS))
def test_matches_tfjs(name: str, tfjs: dict) -> None:
    g, r = CHECKS[name], tfjs[name]
    if not r["ok"]:
        with pytest.raises(g.raises or TensorwebError):
            run_ours(g)
        return
    assert g.raises is None, f"TF.js ran the graph the check expects to fail: {r['result']}"
    want = decode(r["result"])
    assert_matches(run_ours(g), want if isinstance(want, list) else [want])


@pytest.mark.parametrize("name", list(HAND))
def test_hand_computed(name: str) -> None:
    g = HAND[name]
    if isinstance(g.hand, type):
        with pytest.raises(g.hand):
            run_ours(g)
    else:
        assert_matches(run_ours(g), g.hand)


# ---- beyond single graphs -------------------------------------------------------------------------------

def _ctx(op: str, name: str = "n", **attrs: tuple) -> FakeContext:
    ctx = FakeContext(OpCase(op, [], attrs))
    ctx.name = name
    return ctx


def _call(op: str, *inputs: Any, name: str = "n", **attrs: tuple) -> Any:
    return MAPPERS[op](_ctx(op, name, **attrs), list(inputs))


def test_every_tfjs_tensor_array_and_list_op_is_mapped_and_checked() -> None:
    ops = {op for op in OP_LIST["control"] if "TensorArray" in op or "TensorList" in op}
    assert len(ops) == 25
    mine = {op for op, fn in MAPPERS.items() if fn.__module__ == "tensorweb.graph.ops.tensor_lists"}
    assert mine == ops
    used = {op for g in [*CHECKS.values(), *HAND.values()] for _, op, _, _ in g.nodes}
    assert ops <= used, f"ops without a check: {sorted(ops - used)}"


def test_list_across_loop_iterations_inside_tidy() -> None:
    """A While body run as tw.tidy per iteration: the list is shared state; elements it holds survive."""
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    lst = _call("TensorListReserve", tw.tensor([3], dtype="int32"), tw.scalar(4, "int32"), element_dtype=FLOAT)
    for i in range(4):
        with tw.tidy():
            out = _call("TensorListSetItem", lst, tw.scalar(i, "int32"), tw.tensor(x[i]) * 2.0,
                        element_dtype=FLOAT)
            assert out is lst
            length = _call("TensorListLength", lst)
            assert int(length.numpy()) == i + 1
    got = _call("TensorListStack", lst, tw.tensor([3], dtype="int32"), element_dtype=FLOAT,
                num_elements=("i", 4))
    np.testing.assert_array_equal(got.numpy(), x * 2)


def test_tensor_array_across_loop_iterations() -> None:
    """TF1 loop: write step i from step i-1's read; the array is shared state across iterations."""
    ta, flow = _call("TensorArrayV3", tw.scalar(0, "int32"), dtype=FLOAT, dynamic_size=("b", True),
                     clear_after_read=("b", True), element_shape=("shape", None))
    assert flow.dtype == "float32" and flow.shape == ()
    _call("TensorArrayWriteV3", ta, tw.scalar(0, "int32"), tw.ones([2]), flow)
    for i in range(1, 5):
        with tw.tidy():
            prev = _call("TensorArrayReadV3", ta, tw.scalar(i - 1, "int32"), flow)
            flow = _call("TensorArrayWriteV3", ta, tw.scalar(i, "int32"), prev * 3.0, flow)
    assert int(_call("TensorArraySizeV3", ta, flow).numpy()) == 5
    last = _call("TensorArrayReadV3", ta, tw.scalar(4, "int32"), flow)
    np.testing.assert_array_equal(last.numpy(), np.full(2, 81, np.float32))
    with pytest.raises(InvalidArgumentError, match="cleared"):   # clear_after_read: each slot read once
        _call("TensorArrayReadV3", ta, tw.scalar(4, "int32"), flow)


def test_clear_after_read_and_close_release_elements() -> None:
    arr = TensorArray("a", "float32", 2, [2], clear_after_read=True)
    arr.write(0, tw.ones([2]))
    arr.write(1, tw.zeros([2]))
    arr.read(0)
    assert arr._slots[0].tensor is None and arr._slots[1].tensor is not None
    arr.close()
    assert arr.size() == 0 and arr.closed
    with pytest.raises(InvalidArgumentError, match="closed"):
        arr.write(0, tw.ones([2]))


def test_errors_name_node_and_op() -> None:
    g = CHECKS["ta_write_twice"]
    with pytest.raises(InvalidArgumentError, match=r"TensorArrayWriteV3 node 'w1'.*index 1.*already been written"):
        run_ours(g)
    with pytest.raises(DtypeError, match=r"TensorListGetItem node 'g'.*int32.*float32"):
        run_ours(CHECKS["tl_get_item_dtype"])


def test_bad_inputs() -> None:
    with pytest.raises(ModelFormatError, match=r"TensorArrayWriteV3 node 'n': expected at least 3 inputs, got 2"):
        _call("TensorArrayWriteV3", TensorArray("a", "float32", 1), tw.scalar(0, "int32"))
    lst = TensorList([], [2], "float32")
    with pytest.raises(InvalidArgumentError, match=r"TensorArrayReadV3 node 'n'.*TensorArray handle, got TensorList"):
        _call("TensorArrayReadV3", lst, tw.scalar(0, "int32"))
    with pytest.raises(InvalidArgumentError, match=r"TensorListPushBack node 'n'.*value must be a tensor"):
        _call("TensorListPushBack", lst, TensorList([], [2], "float32"))
    with pytest.raises(InvalidArgumentError, match="TensorListGetItem node 'n': index must hold one value"):
        _call("TensorListGetItem", lst, tw.tensor(np.zeros(0, np.int32)), tw.tensor([2], dtype="int32"),
              element_dtype=FLOAT)


def test_write_keeps_tensor_alive_past_tidy() -> None:
    lst = TensorList([], None, "float32")
    with tw.tidy():
        lst.push_back(tw.ones([2]) + 1.0)
    np.testing.assert_array_equal(lst.get_item(0, None, "float32").numpy(), [2.0, 2.0])


# ---- through the graph executor: containers carried across loop iterations --------------------------------

def _frame(name: str, constant: bool = False) -> dict:
    return {"frame_name": ("s", name), "is_constant": ("b", constant)}


def v1_tensor_array_loop() -> GraphBuilder:
    """TF1's while_loop writing x * i at index i of a TensorArray (the flow is the loop variable, the handle
    enters the frame as an invariant), then Size and Gather after the loop."""
    g = GraphBuilder()
    g.placeholder("n", "int32", [])
    g.placeholder("x", "float32", [2])
    g.placeholder("idx", "int32", [-1])
    g.const("zero", np.int32(0))
    g.const("one", np.int32(1))
    g.node("ta", "TensorArrayV3", ["n"], dtype=FLOAT, element_shape=("shape", [2]), dynamic_size=("b", False),
           clear_after_read=("b", True), identical_element_shapes=("b", True), tensor_array_name=("s", "acc"))
    g.node("ta_enter", "Enter", ["ta"], **_frame("loop", True))
    g.node("x_enter", "Enter", ["x"], **_frame("loop", True))
    g.node("n_enter", "Enter", ["n"], **_frame("loop", True))
    g.node("i_enter", "Enter", ["zero"], **_frame("loop"))
    g.node("flow_enter", "Enter", ["ta:1"], **_frame("loop"))
    g.node("i_merge", "Merge", ["i_enter", "i_next"])
    g.node("flow_merge", "Merge", ["flow_enter", "flow_next"])
    g.node("less", "Less", ["i_merge", "n_enter"])
    g.node("cond", "LoopCond", ["less"])
    g.node("i_switch", "Switch", ["i_merge", "cond"])
    g.node("flow_switch", "Switch", ["flow_merge", "cond"])
    g.node("i_body", "Identity", ["i_switch:1"])
    g.node("flow_body", "Identity", ["flow_switch:1"])
    g.node("fi", "Cast", ["i_body"], SrcT=INT, DstT=FLOAT)
    g.node("v", "Mul", ["x_enter", "fi"], T=FLOAT)
    g.node("write", "TensorArrayWriteV3", ["ta_enter", "i_body", "v", "flow_body"], T=FLOAT)
    g.node("i_new", "AddV2", ["i_body", "one"], T=INT)
    g.node("i_next", "NextIteration", ["i_new"])
    g.node("flow_next", "NextIteration", ["write"])
    g.node("flow_exit", "Exit", ["flow_switch"])
    g.node("size", "TensorArraySizeV3", ["ta", "flow_exit"])
    g.node("gather", "TensorArrayGatherV3", ["ta", "idx", "flow_exit"], dtype=FLOAT, element_shape=("shape", [2]))
    return g


def v2_tensor_list_loop(pop: bool = False, scaled: bool = True) -> GraphBuilder:
    """TF2's While over (i, list, n, x) setting list[i] = x * i (x itself unless scaled) on a reserved list,
    then Stack and Length; with pop, a second While pops every element back and sums them."""
    g = GraphBuilder()
    g.placeholder("n", "int32", [])
    g.placeholder("x", "float32", [2])
    g.const("zero", np.int32(0))
    g.const("es", np.array([2], np.int32))
    g.node("reserve", "TensorListReserve", ["es", "n"], element_dtype=FLOAT, shape_type=INT)
    args = [("i", "int32"), ("l", "DT_VARIANT"), ("n", "int32"), ("x", "float32")]
    outs = [("i_out", "int32"), ("l_out", "DT_VARIANT"), ("n_out", "int32"), ("x_out", "float32")]
    cond = g.function("cond", args, [("z", "bool")])
    cond.node("less", "Less", ["i", "n"], T=INT)
    cond.ret = {"z": "less:z:0"}
    body = g.function("body", args, outs)
    body.const("body/one", np.int32(1))
    body.node("fi", "Cast", ["i"], SrcT=INT, DstT=FLOAT)
    body.node("v", "Mul", ["x", "fi"], T=FLOAT)
    body.node("set", "TensorListSetItem", ["l", "i", "v" if scaled else "x"], element_dtype=FLOAT)
    body.node("i1", "AddV2", ["i", "body/one"], T=INT)
    body.ret = {"i_out": "i1:z:0", "l_out": "set:output_handle:0", "n_out": "n", "x_out": "x"}
    types = ("list_type", ["int32", "DT_VARIANT", "int32", "float32"])
    g.node("loop", "While", ["zero", "reserve", "n", "x"], cond=("func", "cond"), body=("func", "body"), T=types)
    g.node("stack", "TensorListStack", ["loop:1", "es"], element_dtype=FLOAT, num_elements=("i", -1))
    g.node("length", "TensorListLength", ["loop:1"])
    if pop:
        g.const("acc0", np.zeros(2, np.float32))
        pargs = [("i", "int32"), ("l", "DT_VARIANT"), ("n", "int32"), ("acc", "float32")]
        pcond = g.function("pop_cond", pargs, [("z", "bool")])
        pcond.node("less", "Less", ["i", "n"], T=INT)
        pcond.ret = {"z": "less:z:0"}
        pbody = g.function("pop_body", pargs, [(f"{a}_out", t) for a, t in pargs])
        pbody.const("pop_body/one", np.int32(1))
        pbody.const("pop_body/es", np.array([2], np.int32))
        pbody.node("pop", "TensorListPopBack", ["l", "pop_body/es"], element_dtype=FLOAT)
        pbody.node("acc1", "AddV2", ["acc", "pop:tensor:0"], T=FLOAT)
        pbody.node("i1", "AddV2", ["i", "pop_body/one"], T=INT)
        pbody.ret = {"i_out": "i1:z:0", "l_out": "pop:output_handle:0", "n_out": "n", "acc_out": "acc1:z:0"}
        g.node("pops", "While", ["zero", "loop:1", "n", "acc0"], cond=("func", "pop_cond"),
               body=("func", "pop_body"), T=("list_type", ["int32", "DT_VARIANT", "int32", "float32"]))
        g.node("left", "TensorListLength", ["pops:1"])
    return g


_XL = np.array([1.5, -2.0], np.float32)
_RAMP = np.arange(4, dtype=np.float32)[:, None] * _XL
# TF.js's executeAsync disposes every tensor a function body made once the body returns, including the
# elements the body stored in a TensorList, so the list holds disposed tensors after the first iteration
_TFJS_DISPOSED = "Cannot read properties of undefined (reading 'backend')"
# name -> (case, hand-computed outputs, None where TF.js runs the case too, else the start of TF.js's error)
LOOP_CASES: dict[str, tuple[GraphCase, list, str | None]] = {
    "v1_tensor_array": (v1_tensor_array_loop().case({"n": i32(4), "x": T(_XL), "idx": i32([3, 0, 1, 2])},
                                                     ["size", "gather"]),
                        [(np.int32(4), "int32"), (_RAMP[[3, 0, 1, 2]], "float32")], None),
    "v2_tensor_list": (v2_tensor_list_loop().case({"n": i32(4), "x": T(_XL)}, ["stack", "length"]),
                       [(_RAMP, "float32"), (np.int32(4), "int32")], _TFJS_DISPOSED),
    "v2_tensor_list_unscaled": (v2_tensor_list_loop(scaled=False).case({"n": i32(3), "x": T(_XL)}, ["stack"]),
                                [(np.stack([_XL] * 3), "float32")], None),
    "v2_tensor_list_no_iterations": (v2_tensor_list_loop().case({"n": i32(0), "x": T(_XL)}, ["length"]),
                                     [(np.int32(0), "int32")], None),
    # (TF.js's PopBack also gives the popped tensor as output 0, TF as output 1, so TF.js's pop_body fails)
    "v2_pop_back_loop": (v2_tensor_list_loop(pop=True).case({"n": i32(4), "x": T(_XL)}, ["pops:3", "left"]),
                         [(_RAMP.sum(0), "float32"), (np.int32(0), "int32")], _TFJS_DISPOSED),
}


@pytest.fixture(scope="module")
def tfjs_loops() -> dict:
    missing = harness_ready()
    if missing:
        pytest.fail(f"the TF.js interop harness is not installed: {missing}")
    return run_graph_cases({k: c for k, (c, _, _) in LOOP_CASES.items()})


@pytest.mark.interop
@pytest.mark.parametrize("key", list(LOOP_CASES))
def test_loops_through_the_executor(key: str, tfjs_loops: dict) -> None:
    case, hand, tfjs_error = LOOP_CASES[key]
    got = case.run_tw()
    assert_same(got, hand)
    if tfjs_error is None:
        assert_same(got, tfjs_loops[key])
    else:
        assert isinstance(tfjs_loops[key], Exception) and str(tfjs_loops[key]).startswith(tfjs_error), tfjs_loops[key]
