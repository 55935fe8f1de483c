"""Symbolic tensors, graph nodes, Input, and the Model class (functional graphs and subclassing).

`Input(shape)` gives a SymbolicTensor; calling layers on symbolic tensors records Nodes; `Model(inputs,
outputs)` orders the graph (Keras' depth ordering) and runs it on real tensors, propagating masks.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..core.engine import ENGINE
from ..core.tensor import Tensor
from ..errors import InvalidArgumentError, ShapeError
from .base import Layer, _dtype_name, _flatten, unique_name
from .serialization import builtin, deserialize, serialize
from .training import Trainer


class SymbolicTensor:
    """A placeholder in a functional graph: a shape (None for unknown sizes), a dtype, and where it
    came from (layer, node index, tensor index)."""

    def __init__(self, shape: Sequence[int | None], dtype: str = "float32", name: str | None = None,
                 history: tuple | None = None) -> None:
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = dtype
        self.name = name
        self.history = history  # (layer, node_index, tensor_index)

    @property
    def rank(self) -> int:
        return len(self.shape)

    ndim = rank

    def __repr__(self) -> str:
        return f"<SymbolicTensor shape={self.shape} dtype={self.dtype} name={self.name!r}>"


class Node:
    """One call of a layer on symbolic inputs."""

    def __init__(self, layer: Layer, inputs: Any, args: tuple, kwargs: dict, outputs: list[SymbolicTensor],
                 training: bool | None = None) -> None:
        self.layer, self.inputs, self.args, self.kwargs = layer, inputs, args, kwargs
        self.outputs = outputs
        self.training = training
        self.input_tensors = [t for t in _flatten([inputs, list(args), list(kwargs.values())])
                              if isinstance(t, SymbolicTensor)]

    @property
    def parent_nodes(self) -> list["Node"]:
        out = []
        for t in self.input_tensors:
            layer, node_index, _ = t.history
            out.append(layer._inbound_nodes[node_index])
        return out


@builtin("keras.layers")
class InputLayer(Layer):
    """The layer behind `Input`: it has no weights and produces the graph's entry tensor."""

    def __init__(self, shape: Sequence[int | None] | None = None, batch_size: int | None = None,
                 dtype: Any = None, name: str | None = None, batch_shape: Sequence | None = None,
                 sparse: bool = False, input_shape: Sequence | None = None,
                 batch_input_shape: Sequence | None = None, ragged: bool = False, **kwargs: Any) -> None:
        kwargs.pop("trainable", None)
        super().__init__(name=name or unique_name("input_layer"))
        batch_shape = batch_shape or batch_input_shape
        if batch_shape is None:
            shape = shape if shape is not None else input_shape
            if shape is None:
                raise InvalidArgumentError("Input: give shape (without the batch dimension) or batch_shape")
            batch_shape = (batch_size, *tuple(shape))
        self.batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        self.input_dtype = _dtype_name(dtype) if not isinstance(dtype, str) else dtype
        self.sparse = sparse
        self.built = True
        out = SymbolicTensor(self.batch_shape, self.input_dtype, name=self.name, history=(self, 0, 0))
        self._inbound_nodes.append(Node(self, [], (), {}, [out]))
        self.output = out

    def get_config(self) -> dict:
        return {"batch_shape": list(self.batch_shape), "dtype": self.input_dtype, "sparse": self.sparse,
                "ragged": False, "optional": False, "name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> "InputLayer":
        config = dict(config)
        config.pop("ragged", None)
        config.pop("optional", None)
        return cls(**config)


def Input(shape: Sequence[int | None] | None = None, batch_size: int | None = None, dtype: str = "float32",
          name: str | None = None, batch_shape: Sequence | None = None, sparse: bool = False) -> SymbolicTensor:
    """The entry point of a functional model: a symbolic tensor of `shape` (batch dimension excluded)."""
    return InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, name=name, batch_shape=batch_shape,
                      sparse=sparse).output


def _overrides(layer: Layer, method: str) -> bool:
    return getattr(type(layer), method) is not getattr(Layer, method)


def _symbolic_shapes(x: Any) -> Any:
    if isinstance(x, SymbolicTensor):
        return x.shape
    if isinstance(x, (list, tuple)):
        return [_symbolic_shapes(v) for v in x]
    if isinstance(x, dict):
        return {k: _symbolic_shapes(v) for k, v in x.items()}
    return x


def _placeholder(x: Any, unknown: int) -> Any:
    """Zeros standing for a symbolic tensor, unknown sizes set to `unknown`, to infer shapes by running."""
    if isinstance(x, SymbolicTensor):
        return ENGINE.to_tensor(np.zeros([unknown if d is None else d for d in x.shape],
                                         dtype=np.float32 if x.dtype == "float32" else np.int32), dtype=x.dtype)
    if isinstance(x, (list, tuple)):
        return type(x)(_placeholder(v, unknown) for v in x)
    if isinstance(x, dict):
        return {k: _placeholder(v, unknown) for k, v in x.items()}
    return x


def _run_for_shapes(layer: Layer, inputs: Any, args: tuple, kwargs: dict, training: bool | None
                    ) -> tuple[list, list[str]]:
    """Output shapes and dtypes found by running the layer on zeros twice, unknown sizes set to 1 and
    then to 2: an output size that changes between the runs depends on an unknown size, so it is None."""
    runs = []
    for unknown in (1, 2):
        with ENGINE.tidy():
            result = layer._call_eager(_placeholder(inputs, unknown), _placeholder(args, unknown),
                                       _placeholder(kwargs, unknown), training, None)
            runs.append(([tuple(t.shape) for t in _flatten(result)], [t.dtype for t in _flatten(result)],
                         isinstance(result, Tensor)))
    (first, dtypes, single), (second, _, _) = runs
    shapes = [tuple(a if a == b else None for a, b in zip(s1, s2)) for s1, s2 in zip(first, second)]
    return (shapes[0] if single else shapes), dtypes


def _is_shape(s: Any) -> bool:
    return isinstance(s, (tuple, list)) and all(isinstance(d, (int, type(None))) for d in s)


def call_symbolic(layer: Layer, inputs: Any, args: tuple, kwargs: dict, training: bool | None,
                  mask: Any) -> Any:
    """Records a node: builds the layer from the symbolic shapes and makes its symbolic outputs."""
    shapes = _symbolic_shapes(inputs)
    layer._maybe_build(shapes)
    dtypes_in = [t.dtype for t in _flatten(inputs) if isinstance(t, SymbolicTensor)]
    if _overrides(layer, "compute_output_shape") and not args and not any(
            isinstance(v, SymbolicTensor) for v in _flatten(list(kwargs.values()))):
        out_shapes = layer.compute_output_shape(shapes)
        out_dtypes = None
    else:
        out_shapes, out_dtypes = _run_for_shapes(layer, inputs, args, kwargs, training)
    single = _is_shape(out_shapes)
    shape_list = [out_shapes] if single else list(out_shapes)
    node_index = len(layer._inbound_nodes)
    outputs = []
    for i, s in enumerate(shape_list):
        dtype = out_dtypes[i] if out_dtypes else (dtypes_in[0] if dtypes_in and layer.dtype is None else "float32")
        outputs.append(SymbolicTensor(s, dtype, name=f"{layer.name}/out{i}" if not single else layer.name,
                                      history=(layer, node_index, i)))
    if mask is not None:  # an explicit mask is part of the call, as Keras records it
        kwargs = {**kwargs, "mask": mask}
    layer._inbound_nodes.append(Node(layer, inputs, args, kwargs, outputs, training))
    return outputs[0] if single else outputs


# ---- the graph ------------------------------------------------------------------------------------

def _map_graph(outputs: list[SymbolicTensor]) -> tuple[list[Node], list[Layer]]:
    """Nodes in execution order and layers in Keras' order (decreasing depth, then discovery order)."""
    finished: set[int] = set()
    in_progress: set[int] = set()
    order: list[Node] = []
    layer_index: dict[int, int] = {}

    def visit(node: Node) -> None:
        if id(node) in finished:
            return
        if id(node) in in_progress:
            raise InvalidArgumentError(f"the graph has a cycle at layer {node.layer.name!r}")
        in_progress.add(id(node))
        layer_index.setdefault(id(node.layer), len(layer_index))
        for parent in node.parent_nodes:
            visit(parent)
        in_progress.discard(id(node))
        finished.add(id(node))
        order.append(node)

    for t in outputs:
        layer, node_index, _ = t.history
        visit(layer._inbound_nodes[node_index])
    node_depth: dict[int, int] = {}
    layer_depth: dict[int, int] = {}
    layers_by_id: dict[int, Layer] = {}
    for node in reversed(order):
        depth = node_depth.setdefault(id(node), 0)
        depth = max(depth, layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = depth
        node_depth[id(node)] = depth
        layers_by_id[id(node.layer)] = node.layer
        for parent in node.parent_nodes:
            node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    nodes = sorted(order, key=lambda n: -node_depth[id(n)])
    layers = sorted(layers_by_id.values(), key=lambda l: (-layer_depth[id(l)], layer_index[id(l)]))
    return nodes, layers


@builtin("keras", "Functional")
class Model(Layer, Trainer):
    """A model: `Model(inputs, outputs)` (functional), or subclassed with layers as attributes and a
    `call` method. Trains with compile/fit/evaluate/predict."""

    _is_model = True  # its layers keep their own paths (Keras: "dense/kernel", not "model/dense/kernel")

    def __init__(self, inputs: Any = None, outputs: Any = None, name: str | None = None,
                 trainable: bool = True, **kwargs: Any) -> None:
        super().__init__(name=name or unique_name("functional" if inputs is not None else "model"),
                         trainable=trainable, **kwargs)
        self._functional = inputs is not None
        self._init_training()
        if inputs is None and outputs is None:
            return
        if inputs is None or outputs is None:
            raise InvalidArgumentError("Model: give both inputs and outputs (or neither, to subclass)")
        self._set_graph(inputs, outputs)

    def _set_graph(self, inputs: Any, outputs: Any) -> None:
        self._inputs_struct, self._outputs_struct = inputs, outputs
        self.inputs = [t for t in _flatten(inputs)]
        self.outputs = [t for t in _flatten(outputs)]
        for t in self.inputs + self.outputs:
            if not isinstance(t, SymbolicTensor):
                raise InvalidArgumentError(f"Model: inputs and outputs must be symbolic tensors from "
                                           f"tw.layers.Input and layer calls, got {type(t).__name__}")
        self._nodes, layers = _map_graph(self.outputs)
        reachable = {id(t.history[0]) for t in self.inputs}
        for t in self.inputs:
            if not isinstance(t.history[0], InputLayer):
                raise InvalidArgumentError(f"Model: input {t.name!r} is not an Input")
        used_inputs = {id(l) for l in layers if isinstance(l, InputLayer)}
        missing = used_inputs - reachable
        if missing:
            names = [l.name for l in layers if id(l) in missing]
            raise InvalidArgumentError(f"Model: the outputs depend on Input(s) {names} that are not among the "
                                       f"model's inputs")
        self._layers_list = layers
        for l in layers:
            if all(l is not o for o in self._layers):
                self._layers.append(l)
        self.built = True
        self._functional = True

    @property
    def layers(self) -> list[Layer]:
        if self._functional:
            return [l for l in self._layers_list if not isinstance(l, InputLayer)]
        return list(self._layers)

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        if index is not None:
            return self.layers[index]
        for l in (self._layers_list if self._functional else self._layers):
            if l.name == name:
                return l
        raise InvalidArgumentError(f"model {self.name!r} has no layer named {name!r}; layers: "
                                   f"{', '.join(l.name for l in self.layers)}")

    @property
    def input_names(self) -> list[str]:
        return [t.history[0].name for t in self.inputs]

    @property
    def output_names(self) -> list[str]:
        return [t.history[0].name for t in self.outputs]

    @property
    def input_shape(self) -> Any:
        shapes = [t.shape for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self) -> Any:
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def build(self, input_shape: Any) -> None:
        self.built = True

    def compute_output_shape(self, input_shape: Any) -> Any:
        if not self._functional:
            raise NotImplementedError
        return self.output_shape

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        if not self._functional:
            raise NotImplementedError(f"{type(self).__name__}: a subclassed Model must define call()")
        return self._run_graph(inputs, training, mask)

    def _feed(self, inputs: Any) -> list[Tensor]:
        if isinstance(inputs, dict):
            missing = [n for n in self.input_names if n not in inputs]
            if missing:
                raise InvalidArgumentError(f"model {self.name!r}: missing input(s) {missing}; the inputs are "
                                           f"{self.input_names}")
            flat = [inputs[n] for n in self.input_names]
        else:
            flat = _flatten(inputs)
        if len(flat) != len(self.inputs):
            raise InvalidArgumentError(f"model {self.name!r} expects {len(self.inputs)} input(s), got {len(flat)}")
        out = []
        for sym, x in zip(self.inputs, flat):
            t = x if isinstance(x, Tensor) else ENGINE.to_tensor(x, dtype=sym.dtype if np.asarray(x).dtype.kind
                                                                 in "fiub" else None)
            if t.rank != len(sym.shape) or any(d is not None and d != g for d, g in zip(sym.shape, t.shape)):
                raise ShapeError(f"model {self.name!r}: input {sym.history[0].name!r} expects shape "
                                 f"{list(sym.shape)}, got {list(t.shape)}")
            if sym.dtype == "float32" and t.dtype != "float32":
                t = ENGINE.run_kernel("Cast", (t,), {"dtype": "float32"})
            out.append(t)
        return out

    def _run_graph(self, inputs: Any, training: bool | None, mask: Any) -> Any:
        values: dict[int, Tensor] = {}
        masks: dict[int, Any] = {}
        given_masks = _flatten(mask) if mask is not None else [None] * len(self.inputs)
        for sym, t, m in zip(self.inputs, self._feed(inputs), given_masks):
            values[id(sym)] = t
            masks[id(sym)] = m

        def resolve(x: Any, table: dict) -> Any:
            if isinstance(x, SymbolicTensor):
                return table[id(x)]
            if isinstance(x, (list, tuple)):
                return type(x)(resolve(v, table) for v in x)
            if isinstance(x, dict):
                return {k: resolve(v, table) for k, v in x.items()}
            return x

        for node in self._nodes:
            layer = node.layer
            if isinstance(layer, InputLayer):
                continue
            args_in = resolve(node.inputs, values)
            kwargs = resolve(node.kwargs, values)
            explicit_mask = kwargs.pop("mask", None)
            node_masks = resolve(node.inputs, masks)
            flat_masks = _flatten(node_masks)
            node_mask = explicit_mask if explicit_mask is not None else \
                None if all(m is None for m in flat_masks) else node_masks
            for name, sym in node.kwargs.items():  # Keras fills `X_mask` from the mask of argument `X`
                if isinstance(sym, SymbolicTensor) and f"{name}_mask" in layer._call_params \
                        and kwargs.get(f"{name}_mask") is None and masks.get(id(sym)) is not None:
                    kwargs[f"{name}_mask"] = masks[id(sym)]
            node_training = training if training is not None else node.training
            out = layer._call_eager(args_in, resolve(node.args, values), kwargs, node_training, node_mask)
            outs = _flatten(out) if not isinstance(out, Tensor) else [out]
            out_mask = layer.compute_mask(args_in, node_mask)
            out_masks = _flatten(out_mask) if isinstance(out_mask, (list, tuple)) else [out_mask] * len(outs)
            for sym, t, m in zip(node.outputs, outs, out_masks):
                values[id(sym)] = t
                masks[id(sym)] = m
        return _restructure(self._outputs_struct, values)

    def summary(self, line_length: int | None = None, positions: Any = None, print_fn: Any = None) -> None:
        """Prints Keras 3's table of layers, output shapes and parameter counts."""
        from .summary import summary
        summary(self, line_length, positions, print_fn)

    # ---- saving -----------------------------------------------------------------------------------
    def save(self, filepath: Any, include_optimizer: bool = False, quantize: str | None = None,
             quantize_only: Any = None, shard_size: int = 4 * 1024 * 1024) -> Any:
        """Saves the model as a TF.js layers model (model.json + weight shards) in a folder, at a URL or through
        an IO handler, or as a Keras file when the path ends in .keras or .h5 (see layers.saving)."""
        from .saving import save_model
        return save_model(self, filepath, include_optimizer, quantize, quantize_only, shard_size)

    def set_user_defined_metadata(self, metadata: dict) -> None:
        """Metadata (a JSON-serializable dict) saved with the model as model.json's userDefinedMetadata."""
        from .saving import check_user_defined_metadata
        check_user_defined_metadata(metadata, self.name)
        self._user_defined_metadata = metadata

    def get_user_defined_metadata(self) -> dict | None:
        """The metadata set or loaded with the model (None when there is none)."""
        return getattr(self, "_user_defined_metadata", None)

    # ---- config -----------------------------------------------------------------------------------
    def get_config(self) -> dict:
        if not self._functional:
            return {"name": self.name, "trainable": self.trainable}
        index = {}
        layer_configs = []
        for layer in self._layers_list:
            nodes = [n for n in layer._inbound_nodes if any(n is m for m in self._nodes)]
            index[id(layer)] = {id(n): i for i, n in enumerate(nodes)}
        for layer in self._layers_list:
            entry = serialize(layer)
            entry["name"] = layer.name
            nodes = [n for n in layer._inbound_nodes if any(n is m for m in self._nodes)]
            entry["inbound_nodes"] = [] if isinstance(layer, InputLayer) else \
                [_node_config(n, index) for n in nodes]
            layer_configs.append(entry)

        def refs(ts: list[SymbolicTensor]) -> list:
            return [[t.history[0].name, index[id(t.history[0])][id(t.history[0]._inbound_nodes[t.history[1]])],
                     t.history[2]] for t in ts]
        ins, outs = refs(self.inputs), refs(self.outputs)
        return {"name": self.name, "trainable": self.trainable, "layers": layer_configs,
                "input_layers": ins[0] if not isinstance(self._inputs_struct, (list, tuple, dict)) else ins,
                "output_layers": outs[0] if not isinstance(self._outputs_struct, (list, tuple, dict)) else outs}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Model":
        if "layers" not in config:
            return cls(**config)
        return functional_from_config(config, custom_objects, cls)


def _restructure(struct: Any, values: dict) -> Any:
    if isinstance(struct, SymbolicTensor):
        return values[id(struct)]
    if isinstance(struct, (list, tuple)):
        return [_restructure(v, values) for v in struct]
    if isinstance(struct, dict):
        return {k: _restructure(v, values) for k, v in struct.items()}
    return struct


def _tensor_ref(t: SymbolicTensor, index: dict) -> dict:
    layer, node_index, tensor_index = t.history
    idx = index[id(layer)].get(id(layer._inbound_nodes[node_index]), node_index)
    return {"class_name": "__keras_tensor__",
            "config": {"shape": list(t.shape), "dtype": t.dtype, "keras_history": [layer.name, idx, tensor_index]}}


def _node_config(node: Node, index: dict) -> dict:
    def enc(x: Any) -> Any:
        if isinstance(x, SymbolicTensor):
            return _tensor_ref(x, index)
        if isinstance(x, (list, tuple)):
            return [enc(v) for v in x]
        if isinstance(x, dict):
            return {k: enc(v) for k, v in x.items()}
        return x
    kwargs = {k: enc(v) for k, v in node.kwargs.items()}
    if node.training is not None:
        kwargs["training"] = node.training
    return {"args": [enc(node.inputs), *[enc(a) for a in node.args]], "kwargs": kwargs}


def functional_from_config(config: dict, custom_objects: dict | None = None, cls: type = Model) -> Model:
    """Rebuilds a functional model from Keras 3's config or from the tf.keras 2 / TF.js form
    (inbound_nodes as [[layer_name, node_index, tensor_index, kwargs], ...])."""
    created: dict[str, Layer] = {}
    outputs_of: dict[str, list] = {}  # layer name -> list (per node) of outputs
    pending = list(config["layers"])
    for entry in pending:
        name = entry.get("name") or entry["config"].get("name")
        if entry["class_name"] == "InputLayer":
            layer = deserialize(entry, "layer", custom_objects)
            created[name] = layer
            outputs_of[name] = [[layer.output]]
        else:
            created[name] = deserialize(entry, "layer", custom_objects)
            outputs_of[name] = []
    # Apply nodes until every layer has all its nodes (inputs may come from layers listed later).
    remaining = [(e.get("name") or e["config"].get("name"), list(e.get("inbound_nodes", [])))
                 for e in pending if e["class_name"] != "InputLayer"]
    progress = True
    while remaining and progress:
        progress = False
        still = []
        for name, nodes in remaining:
            while nodes:
                call = _decode_node(nodes[0], outputs_of)
                if call is None:
                    break
                args, kwargs = call
                out = created[name](*args, **kwargs)
                outputs_of[name].append(out if isinstance(out, list) else [out])
                nodes.pop(0)
                progress = True
            if nodes:
                still.append((name, nodes))
        remaining = still
    if remaining:
        raise InvalidArgumentError(f"model config: cannot connect layer(s) {[n for n, _ in remaining]}: their "
                                   f"inputs are never produced")

    def ref(r: list) -> SymbolicTensor:
        name, node_index, tensor_index = r[0], r[1], r[2]
        if name not in outputs_of or node_index >= len(outputs_of[name]):
            raise InvalidArgumentError(f"model config: no tensor {r!r}")
        return outputs_of[name][node_index][tensor_index]

    def refs(x: Any) -> Any:
        if isinstance(x, list) and x and isinstance(x[0], str):
            return ref(x)
        if isinstance(x, dict):
            return {k: refs(v) for k, v in x.items()}
        return [refs(v) for v in x]
    inputs, outputs = refs(config["input_layers"]), refs(config["output_layers"])
    legacy = any(isinstance(n, list) for e in config["layers"] for n in e.get("inbound_nodes", []))
    if legacy:  # TF.js / tf.keras 2 list every input and output; one of them means a single tensor
        inputs = inputs[0] if isinstance(inputs, list) and len(inputs) == 1 else inputs
        outputs = outputs[0] if isinstance(outputs, list) and len(outputs) == 1 else outputs
    return cls(inputs=inputs, outputs=outputs, name=config.get("name"), trainable=config.get("trainable", True))


def _decode_node(node: Any, outputs_of: dict) -> tuple[list, dict] | None:
    """A node config as (args, kwargs) of symbolic tensors, or None if an input is not made yet."""
    missing = []

    def dec(x: Any) -> Any:
        if isinstance(x, dict) and x.get("class_name") == "__keras_tensor__":
            name, ni, ti = x["config"]["keras_history"]
            if name not in outputs_of or ni >= len(outputs_of[name]):
                missing.append(name)
                return None
            return outputs_of[name][ni][ti]
        if isinstance(x, dict):
            return {k: dec(v) for k, v in x.items()}
        if isinstance(x, list):
            return [dec(v) for v in x]
        return x

    if isinstance(node, dict):  # Keras 3
        args = [dec(a) for a in node.get("args", [])]
        kwargs = {k: dec(v) for k, v in node.get("kwargs", {}).items()}
    else:  # tf.keras 2 / TF.js: [[layer, node_index, tensor_index, kwargs], ...]
        ins = []
        kwargs = {}
        for item in node:
            name, ni, ti = item[0], item[1], item[2]
            if len(item) > 3 and item[3]:
                kwargs.update(item[3])
            if name not in outputs_of or ni >= len(outputs_of[name]):
                missing.append(name)
                ins.append(None)
            else:
                ins.append(outputs_of[name][ni][ti])
        args = [ins[0] if len(ins) == 1 else ins]
    return None if missing else (args, kwargs)


