"""GraphModel: a TF.js graph model (model.json with a GraphDef topology + weight shards), ready to run.

    model = tw.load_graph_model("model/model.json")
    model.inputs                      # [TensorInfo(name='input', shape=[1, -1, -1, 3], dtype='int32')]
    y = model.predict(x)              # one output → a Tensor; several → a list
    model.execute({"input": x}, ["Identity:0", "conv1/Relu"])   # any node, intermediates included
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .. import io as tw_io
from ..core.engine import ENGINE
from ..core.tensor import Tensor
from ..errors import DtypeError, InvalidArgumentError, ModelFormatError, ShapeError, UnsupportedOpError
from ..io.artifacts import ModelArtifacts
from ..ops.creation import tensor
from ..runtime.records import TensorUsageRecord
from .attrs import parse_dtype, parse_shape
from .executor import GraphExecutor, Runtime, Tracer, import_mappers, is_supported
from .graphdef import GraphDef, Node, parse_graph_def


@dataclass(frozen=True)
class TensorInfo:
    """A model input or output: the name execute/predict accept, its shape (-1 for an unknown dim, None for
    an unknown rank) and dtype (None when the model does not say)."""

    name: str
    shape: list[int] | None
    dtype: str | None


# numpy kinds a declared input dtype accepts from arrays and Python values
_ACCEPTS = {"float32": "fiu", "int32": "iu", "bool": "b", "complex64": "cfiu", "string": "USO"}


def _split_name(name: str) -> tuple[str, int]:
    """'node' or 'node:k' → (node, k)."""
    node, _, k = name.partition(":")
    if not k:
        return node, 0
    if not k.isdigit():
        raise InvalidArgumentError(f"{name!r} is not a tensor name of the form node or node:index")
    return node, int(k)


def _signature_entries(entries: Any) -> dict[str, dict]:
    return {k: v for k, v in (entries or {}).items() if isinstance(v, dict) and isinstance(v.get("name"), str)}


def _unsupported_ops(graph: GraphDef) -> Counter:
    nodes = list(graph.nodes) + [n for f in graph.functions.values() for n in f.nodes]
    return Counter(n.op for n in nodes if not is_supported(n.op))


class GraphModel:
    """A loaded graph model (see the module docstring). Load with `load_graph_model`."""

    def __init__(self, artifacts: ModelArtifacts) -> None:
        source = artifacts.source
        self.source = source
        topology = artifacts.model_topology
        if artifacts.format == "layers-model" or (isinstance(topology, dict) and
                                                  ("model_config" in topology or "class_name" in topology)):
            raise ModelFormatError(f"{source}: this is a layers model (Keras topology), not a graph model; load "
                                   "it with tw.load_layers_model")
        if not isinstance(topology, dict) or "node" not in topology:
            raise ModelFormatError(f"{source}: modelTopology has no 'node' list; not a TF.js graph model")
        self.graph = parse_graph_def(topology, source)
        import_mappers()
        unsupported = _unsupported_ops(self.graph)
        if unsupported:
            listing = ", ".join(f"{op} ({n} node{'s' * (n > 1)})" for op, n in sorted(unsupported.items()))
            raise UnsupportedOpError(f"{source}: the graph uses {len(unsupported)} op(s) tensorweb does not "
                                     f"support: {listing}")
        arrays = tw_io.decode_weights(artifacts.weight_data, artifacts.weight_specs, source)
        self._weights = {name: ENGINE.keep(tensor(a)) for name, a in arrays.items()}
        metadata = artifacts.user_defined_metadata or {}
        self.metadata = metadata
        self.signature = metadata.get("signature") or artifacts.signature or {}
        self.structured_output_keys: list[str] | None = metadata.get("structuredOutputKeys")
        self._runtime = Runtime(self._weights, self.graph.functions, source)
        self._executor = GraphExecutor(self.graph.nodes, self._runtime, source)
        self._nodes = {n.name: n for n in self.graph.nodes}
        self._sig_inputs = _signature_entries(self.signature.get("inputs"))
        self._sig_outputs = _signature_entries(self.signature.get("outputs"))
        self._initializer = self._load_initializer(artifacts)
        self._captured: dict[str, Any] | None = None
        self.inputs = self._input_infos()
        self.outputs = self._output_infos()
        self._disposed = False

    # ---- description -----------------------------------------------------------------------------
    def _info(self, key: str, entry: dict | None, node: Node | None) -> TensorInfo:
        shape = dtype = None
        if entry is not None and isinstance(entry.get("tensorShape"), dict):
            shape = parse_shape(entry["tensorShape"])
        elif node is not None:
            shape = node.attr("shape", None)
        if entry is not None and "dtype" in entry:
            dtype = parse_dtype(entry["dtype"])
        elif node is not None:
            dtype = node.attr("dtype", None)
        return TensorInfo(key, shape, dtype)

    def _input_infos(self) -> list[TensorInfo]:
        if self._sig_inputs:
            return [self._info(key, e, self._nodes[_split_name(e["name"])[0]])
                    for key, e in self._sig_inputs.items()
                    if _split_name(e["name"])[0] in self._nodes and e.get("resourceId") is None]
        return [self._info(n.name, None, n) for n in self.graph.nodes if n.op.startswith("Placeholder")]

    def _output_infos(self) -> list[TensorInfo]:
        if self._sig_outputs:
            return [self._info(key, e, None) for key, e in self._sig_outputs.items()
                    if _split_name(e["name"])[0] in self._nodes]
        read = {s for n in self.graph.nodes for s in [src for src, _ in n.inputs] + n.control_inputs}
        return [TensorInfo(n.name, None, None) for n in self.graph.nodes if n.name not in read]

    @property
    def weights(self) -> dict[str, Tensor]:
        """Every weight of the manifest, by name."""
        return dict(self._weights)

    def __repr__(self) -> str:
        def fmt(infos: list[TensorInfo]) -> str:
            return ", ".join(f"{t.name} {t.dtype or '?'} {t.shape if t.shape is not None else '[?]'}"
                             for t in infos)
        state = " disposed" if self._disposed else ""
        return (f"<GraphModel {self.source!r}{state}: {len(self.graph.nodes)} nodes, {len(self.graph.functions)} "
                f"functions, {len(self._weights)} weights; inputs [{fmt(self.inputs)}]; "
                f"outputs [{fmt(self.outputs)}]>")

    # ---- running ---------------------------------------------------------------------------------
    def predict(self, inputs: Any) -> Tensor | list[Tensor] | dict[str, Tensor]:
        """Runs the model's outputs: one → a Tensor, several → a list (a dict when the model declares
        structuredOutputKeys). inputs: a Tensor/array, a list in `inputs` order, or a dict by name."""
        result = self.execute(inputs, [t.name for t in self.outputs])
        if self.structured_output_keys:
            values = result if isinstance(result, list) else [result]
            return dict(zip(self.structured_output_keys, values))
        return result

    def execute(self, inputs: Any, outputs: str | Sequence[str] | None = None) -> Tensor | list[Tensor]:
        """Computes `outputs` (node names such as "Identity:0" or "conv/Relu", or signature keys; default:
        the model's outputs) from `inputs`. One output → a Tensor, several → a list."""
        feeds, fetches = self._prepare(inputs, outputs)
        plan = self._executor.plan(frozenset(feeds), fetches)
        result = self._runtime.run(plan, [feeds[i] for i in plan.feed_order])
        return result[0] if len(result) == 1 else result

    def usage_records(self, inputs: Any, outputs: str | Sequence[str] | None = None) -> list[TensorUsageRecord]:
        """The tensor usage records of the plan for `outputs`, from one run on `inputs`: one per buffer a
        step produced (aliases such as Identity share their producer's record) plus one per model input;
        weights and folded constants are left out. first_op/last_op are step indices."""
        feeds, fetches = self._prepare(inputs, outputs)
        plan = self._executor.plan(frozenset(feeds), fetches)
        tracer = Tracer()
        result = self._runtime.run(plan, [feeds[i] for i in plan.feed_order], tracer)
        constant = {id(t._buf) for v in self._executor.constants.values() for t in v if isinstance(t, Tensor)}
        constant |= {id(t._buf) for t in self._weights.values()}
        records: dict[int, list[int]] = {}
        for v in feeds.values():
            for t in v:
                if isinstance(t, Tensor) and id(t._buf) not in constant:
                    records.setdefault(id(t._buf), [t.nbytes, 0, 0])
        for step, (args, outs) in enumerate(tracer.events):
            for t in args:
                if isinstance(t, Tensor) and id(t._buf) in records:
                    records[id(t._buf)][2] = step
            for t in outs:
                if isinstance(t, Tensor) and id(t._buf) not in constant:
                    records.setdefault(id(t._buf), [t.nbytes, step, step])
        last = max(len(tracer.events) - 1, 0)
        for t in result:
            if isinstance(t, Tensor) and id(t._buf) in records:
                records[id(t._buf)][2] = last
        return [TensorUsageRecord(size, first, max(first, lst)) for size, first, lst in records.values()]

    def _prepare(self, inputs: Any, outputs: str | Sequence[str] | None) -> tuple[dict[int, tuple], tuple]:
        """(fed node index → its outputs tuple, fetched (node index, output) pairs), validated."""
        if self._disposed:
            raise InvalidArgumentError(f"{self.source}: the model was disposed")
        named = {name: self._check_input(self._nodes[_split_name(name)[0]], v)
                 for name, v in self._name_inputs(inputs).items()}
        named.update({k: v for k, v in self._captured_inputs().items() if k not in named})
        index = self._executor.index
        feeds: dict[int, tuple] = {}
        for name, value in named.items():
            node_name, k = _split_name(name)
            out = list(feeds.get(index[node_name], ()))
            out.extend([None] * (k + 1 - len(out)))
            out[k] = value
            feeds[index[node_name]] = tuple(out)
        if outputs is None:
            outputs = [t.name for t in self.outputs]
        elif isinstance(outputs, str):
            outputs = [outputs]
        fetches = []
        for name in outputs:
            entry = self._sig_outputs.get(name)
            node_name, k = _split_name(entry["name"] if entry else name)
            if node_name not in index:
                raise InvalidArgumentError(f"{self.source}: output {name!r} is not a node of the graph (outputs: "
                                           f"{[t.name for t in self.outputs]})")
            fetches.append((index[node_name], k))
        if not fetches:
            raise InvalidArgumentError(f"{self.source}: no outputs requested and the model declares none")
        return feeds, tuple(fetches)

    def _name_inputs(self, inputs: Any) -> dict[str, Any]:
        """inputs as {tensor name: value} (TF.js's rules: a dict by signature key or node name; a value or
        list matched in order to the model's inputs)."""
        if isinstance(inputs, dict):
            out = {}
            for key, value in inputs.items():
                entry = self._sig_inputs.get(key)
                name = entry["name"] if entry else key
                if not isinstance(name, str) or _split_name(name)[0] not in self._nodes:
                    raise InvalidArgumentError(f"{self.source}: input {key!r} is not a node of the graph (the "
                                               f"model's inputs: {[t.name for t in self.inputs]})")
                out[name] = value
            return out
        values = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(values) != len(self.inputs):
            raise InvalidArgumentError(f"{self.source}: the model has {len(self.inputs)} input(s) "
                                       f"{[t.name for t in self.inputs]}, got {len(values)} value(s)")
        return {(self._sig_inputs[t.name]["name"] if t.name in self._sig_inputs else t.name): v
                for t, v in zip(self.inputs, values)}

    def _check_input(self, node: Node, value: Any) -> Any:
        """The value as a Tensor, checked against the node's declared dtype and shape (-1 matches any)."""
        dtype = node.attr("dtype", None) if node.op.startswith("Placeholder") else None
        shape = node.attr("shape", None) if node.op.startswith("Placeholder") else None
        if not isinstance(value, Tensor):
            arr = np.asarray(value)
            kind_ok = dtype in _ACCEPTS and arr.dtype.kind in _ACCEPTS[dtype]
            value = tensor(value, dtype=dtype if kind_ok else None)
        if dtype in _ACCEPTS and value.dtype != dtype:
            raise DtypeError(f"{self.source}: input {node.name!r} must be {dtype}, got {value.dtype}")
        if shape is not None and (len(shape) != len(value.shape) or
                                  any(d != -1 and d != s for d, s in zip(shape, value.shape))):
            raise ShapeError(f"{self.source}: input {node.name!r} must have shape {shape} (-1: any size), got "
                             f"{list(value.shape)}")
        return value

    # ---- initializer (hash tables of TF2 saved models) --------------------------------------------
    def _load_initializer(self, artifacts: ModelArtifacts) -> tuple[GraphExecutor, dict] | None:
        init = artifacts.model_initializer
        if not isinstance(init, dict) or not init.get("node"):
            return None
        graph = parse_graph_def(init, f"{self.source} (modelInitializer)")
        unsupported = _unsupported_ops(graph)
        if unsupported:
            raise UnsupportedOpError(f"{self.source}: the model initializer uses unsupported ops "
                                     f"{sorted(unsupported)}")
        executor = GraphExecutor(graph.nodes, self._runtime, f"{self.source} (modelInitializer)")
        return executor, _signature_entries((artifacts.initializer_signature or {}).get("outputs"))

    def _captured_inputs(self) -> dict[str, Any]:
        """Signature inputs with a resourceId, fed from the initializer's outputs (run once, as TF.js does)."""
        if self._captured is None:
            self._captured = {}
            if self._initializer is not None and self._initializer[1]:
                executor, outs = self._initializer
                fetches = tuple((executor.index[_split_name(key)[0]], _split_name(key)[1]) for key in outs)
                values = self._runtime.run(executor.plan(frozenset(), fetches), [])
                by_resource = {e.get("resourceId"): v for e, v in zip(outs.values(), values)}
                for entry in self._sig_inputs.values():
                    if entry.get("resourceId") in by_resource:
                        self._captured[entry["name"]] = by_resource[entry["resourceId"]]
        return self._captured

    def dispose(self) -> None:
        """Releases the weights and folded constants; the model cannot run afterwards."""
        self._executor.dispose()
        if self._initializer:
            self._initializer[0].dispose()
        for t in self._weights.values():
            t.dispose()
        self._runtime.dispose()
        self._captured = None
        self._disposed = True


def load_graph_model(source: Any) -> GraphModel:
    """Loads a TF.js graph model: source is a model.json path, its folder, a URL, an IO handler (an object
    with load()) or ModelArtifacts. A layers model is refused (use tw.load_layers_model)."""
    artifacts = source if isinstance(source, ModelArtifacts) else tw_io.load_artifacts(source)
    return GraphModel(artifacts)
