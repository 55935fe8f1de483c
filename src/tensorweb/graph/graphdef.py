"""GraphDef JSON (a graph model's `modelTopology`) → nodes and library functions.

    graph = parse_graph_def(artifacts.model_topology, source="model.json")
    graph.nodes[0]            # Node(name, op, inputs=[(source node, output index)], control_inputs, ...)
    graph.functions["body"]   # Function(name, input_args, output_args, nodes, ret)

Input strings are "node" / "node:1" / "^ctrl"; inside function bodies also "node:out_arg:0", resolved to a
flat output index by the op's output arg order (TF's OpDef), where TF.js only knows string ops' names.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ModelFormatError
from .attrs import parse_attr, parse_dtype

_MISSING = object()

# TF ops with more than one output arg, by OpDef output arg order (each arg one tensor). "node:arg:k" in a
# function body names output OUTPUT_ARGS[op].index(arg) + k; an op not listed has one (possibly list) arg.
OUTPUT_ARGS: dict[str, tuple[str, ...]] = {
    "Switch": ("output_false", "output_true"),
    "Merge": ("output", "value_index"),
    "TopKV2": ("values", "indices"),
    "TopK": ("values", "indices"),
    "Unique": ("y", "idx"),
    "UniqueV2": ("y", "idx"),
    "UniqueWithCounts": ("y", "idx", "count"),
    "NonMaxSuppressionV4": ("selected_indices", "valid_outputs"),
    "NonMaxSuppressionV5": ("selected_indices", "selected_scores", "valid_outputs"),
    "FusedBatchNorm": ("y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2"),
    "FusedBatchNormV2": ("y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2"),
    "FusedBatchNormV3": ("y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2",
                         "reserve_space_3"),
    "TensorArrayV3": ("handle", "flow"),
    "TensorArrayGradV3": ("grad_handle", "flow_out"),
    "TensorArrayConcatV3": ("value", "lengths"),
    "TensorListPopBack": ("output_handle", "tensor"),
    "TensorListConcat": ("tensor", "lengths"),
    "TensorListConcatV2": ("tensor", "lengths"),
    "StringSplit": ("indices", "values", "shape"),
    "StringSplitV2": ("indices", "values", "shape"),
    "StringNGrams": ("ngrams", "ngrams_splits"),
    "SparseFillEmptyRows": ("output_indices", "output_values", "empty_row_indicator", "reverse_index_map"),
    "SparseReshape": ("output_indices", "output_shape"),
    "MaxPoolWithArgmax": ("output", "argmax"),
    "BroadcastGradientArgs": ("r0", "r1"),
    "Qr": ("q", "r"),
    "RaggedRange": ("rt_nested_splits", "rt_dense_values"),
}

# TensorProto fields that carry values; a Const whose `value` has none of them holds no data of its own
_TENSOR_VALUE_KEYS = ("tensorContent", "floatVal", "doubleVal", "halfVal", "intVal", "int64Val", "boolVal",
                      "stringVal", "scomplexVal", "uint32Val", "uint64Val")


@dataclass(eq=False)
class Node:
    """One NodeDef. `inputs` are the data inputs as (source node name, output index); control inputs
    ("^name") are kept apart. Attrs are parsed on first use (a Const's weight-backed `value` never is)."""

    name: str
    op: str
    inputs: list[tuple[str, int]]
    control_inputs: list[str]
    raw_attrs: dict = field(default_factory=dict, repr=False)
    device: str = ""
    _parsed: dict = field(default_factory=dict, repr=False)

    def attr(self, key: str, default: Any = _MISSING) -> Any:
        """The parsed value of attr `key`; without a default a missing attr raises ModelFormatError."""
        parsed = self._parsed
        if key in parsed:
            return parsed[key]
        raw = self.raw_attrs.get(key)
        if raw is None:
            if default is _MISSING:
                raise ModelFormatError(f"node {self.name!r} (op {self.op}) has no attr {key!r}; it has "
                                       f"{sorted(self.raw_attrs) or 'none'}")
            return default
        try:
            value = parse_attr(raw)
        except (ModelFormatError, ValueError, TypeError, KeyError) as e:
            raise ModelFormatError(f"node {self.name!r} (op {self.op}): attr {key!r} is malformed: {e}") from e
        parsed[key] = value
        return value

    @property
    def attrs(self) -> dict:
        """Every attr, parsed (once)."""
        if len(self._parsed) < len(self.raw_attrs):
            for k in self.raw_attrs:
                self.attr(k)
        return self._parsed

    def has_inline_value(self) -> bool:
        """A Const whose `value` attr carries its own data (not stripped into the weights manifest)."""
        tensor = self.raw_attrs.get("value", {}).get("tensor")
        return isinstance(tensor, dict) and any(k in tensor for k in _TENSOR_VALUE_KEYS)


@dataclass(frozen=True)
class Arg:
    """A function's input or output argument."""

    name: str
    dtype: str | None


@dataclass(eq=False)
class Function:
    """A FunctionDef of the graph's library: `ret` maps each output arg to (node name, output index)."""

    name: str
    input_args: list[Arg]
    output_args: list[Arg]
    nodes: list[Node]
    ret: dict[str, tuple[str, int]]


@dataclass(eq=False)
class GraphDef:
    nodes: list[Node]
    functions: dict[str, Function]
    versions: dict


def _as_list(value: Any, what: str, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ModelFormatError(f"{where}: {what} must be a list, got {type(value).__name__}")
    return value


def _parse_ref(ref: Any, ops: dict[str, str], where: str) -> tuple[str, int]:
    """'node', 'node:1' or 'node:out_arg:0' (function bodies) → (node, flat output index)."""
    if not isinstance(ref, str) or not ref:
        raise ModelFormatError(f"{where}: input {ref!r} is not a node reference")
    parts = ref.split(":")
    if len(parts) == 1:
        return ref, 0
    if len(parts) > 3 or not parts[-1].isdigit():
        raise ModelFormatError(f"{where}: input {ref!r} is not of the form node, node:index or node:arg:index")
    name, k = parts[0], int(parts[-1])
    if len(parts) == 2:
        return name, k
    names = OUTPUT_ARGS.get(ops.get(name, ""))
    if names is None:
        return name, k
    if parts[1] not in names:
        raise ModelFormatError(f"{where}: input {ref!r} names output arg {parts[1]!r}, but op {ops[name]} has "
                               f"output args {list(names)}")
    return name, names.index(parts[1]) + k


def _parse_nodes(raw_nodes: list, known: set[str], where: str) -> list[Node]:
    """NodeDefs → Nodes, with every input resolved and checked against `known` plus the nodes themselves."""
    ops: dict[str, str] = {}
    for i, n in enumerate(raw_nodes):
        if not isinstance(n, dict) or not isinstance(n.get("name"), str) or not n["name"] \
                or not isinstance(n.get("op"), str) or not n["op"]:
            raise ModelFormatError(f"{where}: node #{i} needs a non-empty 'name' and 'op', got {str(n)[:120]}")
        if n["name"] in ops or n["name"] in known:
            raise ModelFormatError(f"{where}: two nodes are named {n['name']!r}")
        ops[n["name"]] = n["op"]
    nodes = []
    for n in raw_nodes:
        node_where = f"{where}: node {n['name']!r} (op {n['op']})"
        data, control = [], []
        for ref in _as_list(n.get("input"), "'input'", node_where):
            if isinstance(ref, str) and ref.startswith("^"):
                control.append(ref[1:])
            else:
                data.append(_parse_ref(ref, ops, node_where))
        for src in [s for s, _ in data] + control:
            if src not in ops and src not in known:
                raise ModelFormatError(f"{node_where}: input {src!r} is not a node of the graph")
        attr = n.get("attr") or {}
        if not isinstance(attr, dict):
            raise ModelFormatError(f"{node_where}: 'attr' must be an object")
        nodes.append(Node(n["name"], n["op"], data, control, attr, n.get("device", "") or ""))
    return nodes


def _parse_args(args: Any, where: str) -> list[Arg]:
    out = []
    for a in _as_list(args, "an arg list", where):
        if not isinstance(a, dict) or not isinstance(a.get("name"), str):
            raise ModelFormatError(f"{where}: argument {str(a)[:80]} has no name")
        out.append(Arg(a["name"], parse_dtype(a["type"]) if "type" in a else None))
    return out


def _parse_function(fn: Any, source: str) -> Function:
    if not isinstance(fn, dict) or not isinstance(fn.get("signature"), dict) \
            or not isinstance(fn["signature"].get("name"), str):
        raise ModelFormatError(f"{source}: library function {str(fn)[:80]} has no signature name")
    sig = fn["signature"]
    where = f"{source}: function {sig['name']!r}"
    inputs = _parse_args(sig.get("inputArg"), where)
    outputs = _parse_args(sig.get("outputArg"), where)
    raw_nodes = _as_list(fn.get("nodeDef"), "'nodeDef'", where)
    nodes = _parse_nodes(raw_nodes, {a.name for a in inputs}, where)
    ops = {n.name: n.op for n in nodes}
    ret_raw = fn.get("ret") or {}
    ret = {}
    for arg in outputs:
        if arg.name not in ret_raw:
            raise ModelFormatError(f"{where}: output arg {arg.name!r} has no 'ret' entry")
        src, k = _parse_ref(ret_raw[arg.name], ops, f"{where}: ret {arg.name!r}")
        if src not in ops and src not in {a.name for a in inputs}:
            raise ModelFormatError(f"{where}: ret {arg.name!r} names {src!r}, which is not a node or input arg")
        ret[arg.name] = (src, k)
    return Function(sig["name"], inputs, outputs, nodes, ret)


def parse_graph_def(topology: dict, source: str = "<memory>") -> GraphDef:
    """A GraphDef JSON object → GraphDef; every malformation raises ModelFormatError naming `source`."""
    if not isinstance(topology, dict):
        raise ModelFormatError(f"{source}: modelTopology must be an object, got {type(topology).__name__}")
    nodes = _parse_nodes(_as_list(topology.get("node"), "'node'", source), set(), source)
    library = topology.get("library") or {}
    functions = {}
    for fn in _as_list(library.get("function") if isinstance(library, dict) else None, "'library.function'",
                       source):
        f = _parse_function(fn, source)
        if f.name in functions:
            raise ModelFormatError(f"{source}: two library functions are named {f.name!r}")
        functions[f.name] = f
    return GraphDef(nodes, functions, topology.get("versions") or {})


def inline_value(node: Node, where: str) -> np.ndarray:
    """The inline `value` of a Const node that has no weight of its name (weights take precedence, as in
    TF.js, whose converter moves every Const's value into the weights manifest)."""
    if node.has_inline_value():
        return node.attr("value")
    raise ModelFormatError(f"{where}: Const node {node.name!r} has no weight of that name in the weights "
                           "manifest and no inline value")
