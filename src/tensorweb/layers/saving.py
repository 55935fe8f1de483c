"""Layers models in TF.js's layers-model format: `save_model` (what Model.save does) and `load_layers_model`.

model.json holds format "layers-model", generatedBy, convertedBy (null) and
- modelTopology as TF.js's `model.toJSON()` writes it: {class_name, config, keras_version, backend}, with
  TF.js's class names, config keys, activation names and [[layer, node, tensor, kwargs]] inbound nodes (a call
  TF.js cannot express, such as several positional tensors, keeps Keras 3's {"args", "kwargs"} form);
- the weights manifest: TF.js's weight names ('lstm/kernel', 'bidirectional/forward_lstm/kernel',
  'rnn/RNNCell_0/kernel', 'depthwise_conv2d/depthwise_kernel') in TF.js's order (every trainable weight, then
  every non-trainable one), optionally quantized (float16, uint8, uint16);
- with include_optimizer, the trainingConfig ({loss, metrics, optimizer_config}) and the optimizer's weights
  (TF.js's names: 'iter', '<weight>/<slot>'; group "optimizer");
- userDefinedMetadata (Model.set_user_defined_metadata).

Names in TF.js files mean TF.js's functions: 'hard_sigmoid' is clip(0.2 x + 0.5, 0, 1) (tf.keras 2's too;
read as `legacy_hard_sigmoid`), while Keras 3's relu6(x + 3) / 6 is written 'keras_hard_sigmoid'. Layers
and options TF.js 4.22 lacks are still written (tensorweb reads them back) and named in one warning.
Loading reads this form, the Python converter's {keras_version, backend, model_config, training_config}
wrapper and Keras 3 configs, and matches weights by name (strict: every weight on both sides; lenient: warn
and skip).
"""
from __future__ import annotations

import dataclasses

import json
import os
import re
import warnings
from collections import Counter
from typing import Any, Callable, Sequence

import numpy as np

from .. import io as _io
from ..core.engine import ENGINE
from ..errors import InvalidArgumentError, ModelFormatError
from .base import Layer
from .serialization import deserialize, lookup, serialize

__all__ = ["save_model", "load_layers_model", "model_artifacts", "tfjs_topology", "tfjs_weights",
           "training_config", "check_user_defined_metadata", "LAYERS_MODEL_FORMAT", "DEFAULT_SHARD_SIZE"]

LAYERS_MODEL_FORMAT = "layers-model"
DEFAULT_SHARD_SIZE = 4 * 1024 * 1024
OPTIMIZER_GROUP = "optimizer"
TFJS_BACKEND = "tensor_flow.js"          # TF.js writes convertTsToPythonic('TensorFlow.js')
METADATA_WARN_BYTES = 1024 * 1024       # TF.js warns about userDefinedMetadata above 1 MB
KERAS_FILE_SUFFIXES = (".keras", ".h5", ".hdf5")

# Layer classes TF.js 4.22 registers (tf.serialization's class map)
TFJS_LAYERS = frozenset("""Activation Add AlphaDropout Average AveragePooling1D AveragePooling2D AveragePooling3D
    BatchNormalization Bidirectional CategoryEncoding CenterCrop Concatenate Conv1D Conv2D Conv2DTranspose Conv3D
    Conv3DTranspose ConvLSTM2D Cropping2D Dense DepthwiseConv2D Dot Dropout ELU Embedding Flatten GRU GRUCell
    GaussianDropout GaussianNoise GlobalAveragePooling1D GlobalAveragePooling2D GlobalMaxPooling1D
    GlobalMaxPooling2D InputLayer LSTM LSTMCell LayerNormalization LeakyReLU Masking MaxPooling1D MaxPooling2D
    MaxPooling3D Maximum Minimum Model Multiply PReLU Permute RNN ReLU RepeatVector Rescaling Reshape Resizing
    SeparableConv2D Sequential SimpleRNN SimpleRNNCell Softmax SpatialDropout1D StackedRNNCells ThresholdedReLU
    TimeDistributed UpSampling2D ZeroPadding2D""".split())
# Activation names TF.js 4.22 resolves from a model file ('gelu_new' is registered but its file name, camel-cased
# on load, is not found)
TFJS_ACTIVATIONS = frozenset("elu selu relu relu6 linear sigmoid hard_sigmoid softplus softsign tanh softmax "
                             "log_softmax gelu mish swish".split())


def _one_of(*allowed: Any) -> Callable[[Any, int | None], bool]:
    return lambda value, rank: value in allowed


def _all_ones(value: Any, rank: int | None) -> bool:
    return all(d == 1 for d in (value if isinstance(value, list) else [value]))


def _last_axis(value: Any, rank: int | None) -> bool:
    return value == -1 or (rank is not None and value == rank - 1)


# What TF.js 4.22 computes differently, refuses or fails on: class -> {config key: test of (value, input rank)}
_POOLING_1D_2D = ("GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D")
_TFJS_LIMITS: dict[str, dict[str, Callable[[Any, int | None], bool]]] = {
    "ReLU": {"negative_slope": _one_of(0), "threshold": _one_of(0)},
    "ELU": {"alpha": _one_of(1)},
    "Softmax": {"axis": _last_axis},
    "BatchNormalization": {"axis": _last_axis},               # TF.js's kernel broadcasts along the last axis
    "GRU": {"reset_after": _one_of(False)}, "GRUCell": {"reset_after": _one_of(False)},
    "Conv1D": {"groups": _one_of(1), "padding": _one_of("valid", "same")},
    "Conv2D": {"groups": _one_of(1)}, "Conv3D": {"groups": _one_of(1)},
    "DepthwiseConv2D": {"dilation_rate": _all_ones},           # TF.js ignores it
    "UpSampling2D": {"interpolation": _one_of("nearest")},     # TF.js's bilinear samples otherwise
    "LayerNormalization": {"rms_scaling": _one_of(False)},
    **{c: {"keepdims": _one_of(False)} for c in _POOLING_1D_2D},
}
# Classes TF.js 4.22 registers but fails on inside a model
_TFJS_BROKEN = {"Resizing": "Resizing (TF.js's fails inside models)",
                "CenterCrop": "CenterCrop (TF.js's changes its input's shape in place)",
                "CategoryEncoding": "CategoryEncoding (TF.js's changes its input's shape in place)"}
# tensorweb (Keras 3) activation name -> its name in TF.js files, and back (only names whose meaning differs)
_ACTIVATIONS_TO_TFJS = {"hard_sigmoid": "keras_hard_sigmoid", "legacy_hard_sigmoid": "hard_sigmoid",
                        "silu": "swish"}
_ACTIVATIONS_FROM_TFJS = {"hard_sigmoid": "legacy_hard_sigmoid", "hardSigmoid": "legacy_hard_sigmoid",
                          "keras_hard_sigmoid": "hard_sigmoid"}
_ACTIVATION_KEYS = ("activation", "recurrent_activation")
# Keras 3 weight name -> TF.js's, per layer class
_TFJS_WEIGHT_NAMES = {"DepthwiseConv2D": {"kernel": "depthwise_kernel"}}
# Keras 3 loss names -> the names TF.js's losses map knows (snake_case, as TF.js writes them)
_TFJS_LOSS_NAMES = {"log_cosh": "logcosh", "kl_divergence": "kullback_leibler_divergence",
                    "cosine_similarity": "cosine_proximity"}
# metric names -> the names TF.js's metrics map knows
_TFJS_METRIC_NAMES = {"mean_squared_error": "mse", "mean_absolute_error": "mae",
                      "mean_absolute_percentage_error": "mape"}
_MODEL_CLASSES = ("Sequential", "Model", "Functional")
_KERAS3_ONLY_KEYS = ("module", "registered_name", "build_config", "shared_object_id")
_MODULE_KINDS = {"keras.layers": "layer", "keras": "layer", "keras.initializers": "initializer",
                 "keras.regularizers": "regularizer", "keras.constraints": "constraint"}


# ---- topology: Keras 3 JSON -> TF.js's form ----------------------------------------------------------

def tfjs_topology(model: Layer, gaps: set[str] | None = None) -> dict:
    """The modelTopology TF.js's model.toJSON() would write for `model`; what TF.js 4.22 cannot load is
    added to `gaps`."""
    from .. import __version__
    gaps = set() if gaps is None else gaps
    entry = _to_tfjs(json.loads(json.dumps(serialize(model))), gaps)  # tuples as lists, as JSON holds them
    return {"class_name": entry["class_name"], "config": entry["config"],
            "keras_version": f"tensorweb {__version__}", "backend": TFJS_BACKEND}


def _kind(obj: dict) -> str | None:
    """'layer', 'initializer', 'regularizer', 'constraint' for a Keras 3 serialized object, else None."""
    kind = _MODULE_KINDS.get(obj.get("module"))
    if kind is not None:
        return kind
    try:
        cls = lookup(obj["class_name"], "layer", registered_name=obj.get("registered_name"))
    except InvalidArgumentError:
        return None
    return "layer" if isinstance(cls, type) and issubclass(cls, Layer) else None


def _to_tfjs(obj: Any, gaps: set[str]) -> Any:
    """Keras 3 serialized JSON in TF.js's form, converted bottom-up."""
    if isinstance(obj, list):
        return [_to_tfjs(v, gaps) for v in obj]
    if not isinstance(obj, dict):
        return obj
    out = {k: _to_tfjs(v, gaps) for k, v in obj.items() if k not in _KERAS3_ONLY_KEYS}
    name = obj.get("class_name")
    if not isinstance(name, str) or "config" not in obj:
        return out
    if name == "DTypePolicy":
        return (obj.get("config") or {}).get("name", "float32")
    kind = _kind(obj)
    rule = _SAVE_RULES.get((kind, name))
    if rule is not None:
        out = rule(out)
    if kind == "layer":
        _check_tfjs_support(out, _input_rank(obj), gaps)
    return out


def _input_rank(obj: dict) -> int | None:
    """The rank of a layer's input from its Keras 3 build_config (None when unknown or several inputs)."""
    shape = (obj.get("build_config") or {}).get("input_shape")
    if isinstance(shape, list) and all(d is None or isinstance(d, int) for d in shape):
        return len(shape)
    return None


def _check_tfjs_support(entry: dict, rank: int | None, gaps: set[str]) -> None:
    """Renames activations to TF.js's names and notes in `gaps` what TF.js cannot load or computes otherwise."""
    name, config = entry["class_name"], entry["config"]
    if name not in TFJS_LAYERS or name in _TFJS_BROKEN:
        gaps.add(_TFJS_BROKEN.get(name, f"layer class {name}"))
    if not isinstance(config, dict):
        return
    for key in _ACTIVATION_KEYS:
        value = config.get(key)
        if isinstance(value, str):
            config[key] = value = _ACTIVATIONS_TO_TFJS.get(value, value)
            if value not in TFJS_ACTIVATIONS:
                gaps.add(f"activation {value!r}")
    for key, supported in _TFJS_LIMITS.get(name, {}).items():
        if key in config and not supported(config[key], rank):
            gaps.add(f"{name} {key}={config[key]!r}")
    if name == "Flatten" and rank == 2:
        gaps.add("Flatten of a rank-2 input")
    if name == "RNN" and config.get("return_state") and (config.get("cell") or {}).get("class_name") == \
            "StackedRNNCells":
        gaps.add("RNN of stacked cells with return_state (TF.js orders the states otherwise)")
    for layer in config.get("layers", []) if name in ("Model", "Functional") else []:
        if any(isinstance(node, dict) for node in layer.get("inbound_nodes", [])):
            gaps.add(f"the call of layer {layer.get('name')!r} (tensors as several arguments or keyword "
                     f"arguments)")


def _input_layer_to_tfjs(entry: dict) -> dict:
    c = entry["config"]
    entry["config"] = {"batch_input_shape": c.get("batch_shape", c.get("batch_input_shape")),
                       "dtype": c.get("dtype", "float32"), "sparse": c.get("sparse", False), "name": c["name"]}
    return entry


def _sequential_to_tfjs(entry: dict) -> dict:
    """TF.js's Sequential config: {name, layers}, a float32 input's batch shape on the first layer (a nested
    model first has its own; another input dtype keeps its InputLayer entry, which TF.js reads as tf.keras 2
    writes it)."""
    c = entry["config"]
    layers = list(c.get("layers", []))
    if len(layers) > 1 and layers[0]["class_name"] == "InputLayer" and layers[0]["config"]["dtype"] == "float32":
        shape = layers.pop(0)["config"]["batch_input_shape"]
        if layers[0]["class_name"] not in _MODEL_CLASSES:
            layers[0] = dict(layers[0], config={**layers[0]["config"], "batch_input_shape": shape})
    entry["config"] = {"name": c.get("name"), "trainable": c.get("trainable", True), "layers": layers}
    return entry


def _history(t: Any) -> list | None:
    """[layer, node, tensor] of a Keras 3 tensor reference, else None."""
    if isinstance(t, dict) and t.get("class_name") == "__keras_tensor__":
        return list(t["config"]["keras_history"])
    return None


def _has_tensor(x: Any) -> bool:
    if isinstance(x, dict):
        return _history(x) is not None or any(_has_tensor(v) for v in x.values())
    return isinstance(x, list) and any(_has_tensor(v) for v in x)


def _node_to_tfjs(node: Any) -> Any:
    """A Keras 3 node {"args": [x], "kwargs"} as TF.js's [[layer, node, tensor, kwargs], ...] when the call is
    one tensor (or a list of them) plus plain keyword arguments; other calls keep Keras 3's form."""
    if not isinstance(node, dict):
        return node
    args, kwargs = node.get("args", []), node.get("kwargs", {})
    if len(args) != 1 or _has_tensor(kwargs):
        return node
    tensors = args[0] if isinstance(args[0], list) else [args[0]]
    refs = [_history(t) for t in tensors]
    if not refs or any(r is None for r in refs):
        return node
    return [[*r, dict(kwargs)] for r in refs]


def _shift_model_nodes(config: dict, delta: int) -> dict:
    """TF.js and tf.keras 2 count a nested model's own first node, so their references to a nested model's
    calls (inbound nodes, input_layers, output_layers) are one higher than Keras 3's: shift them by delta."""
    models = {l.get("name", l["config"].get("name")) for l in config.get("layers", [])
              if l.get("class_name") in _MODEL_CLASSES}

    def ref(r: list) -> list:
        if len(r) >= 3 and r[0] in models and isinstance(r[1], int):
            return [r[0], max(0, r[1] + delta), *r[2:]]
        return r

    def walk(x: Any) -> Any:
        if isinstance(x, dict):
            h = _history(x)
            if h is not None:
                return dict(x, config={**x["config"], "keras_history": ref(h)})
            return {k: walk(v) for k, v in x.items()}
        if isinstance(x, list):
            return ref(x) if x and isinstance(x[0], str) else [walk(v) for v in x]
        return x

    if not models:
        return config
    layers = [dict(l, inbound_nodes=walk(l.get("inbound_nodes", []))) for l in config["layers"]]
    return {**config, "layers": layers, "input_layers": walk(config["input_layers"]),
            "output_layers": walk(config["output_layers"])}


def _refs_to_tfjs(refs: Any) -> list:
    """input_layers / output_layers as TF.js's list of [layer, node, tensor]."""
    return [refs] if refs and isinstance(refs[0], str) else list(refs)


def _functional_to_tfjs(entry: dict) -> dict:
    c = entry["config"]
    layers = [dict(l, inbound_nodes=[_node_to_tfjs(n) for n in l.get("inbound_nodes", [])])
              for l in c.get("layers", [])]
    entry["class_name"] = "Model"
    entry["config"] = _shift_model_nodes({"name": c.get("name"), "trainable": c.get("trainable", True),
                                          "layers": layers, "input_layers": _refs_to_tfjs(c["input_layers"]),
                                          "output_layers": _refs_to_tfjs(c["output_layers"])}, +1)
    return entry


def _bidirectional_to_tfjs(entry: dict) -> dict:
    """TF.js names the wrapped copies 'forward_<name>' itself: the wrapped layer goes in under its own name."""
    inner = entry["config"]["layer"]
    name = inner["config"].get("name", "")
    if name.startswith("forward_"):
        entry["config"]["layer"] = dict(inner, config={**inner["config"], "name": name[len("forward_"):]})
    return entry


def _rename_key(old: str, new: str) -> Callable[[dict], dict]:
    def rule(entry: dict) -> dict:
        c = entry["config"]
        if old in c:
            entry["config"] = {(new if k == old else k): v for k, v in c.items()}
        return entry
    return rule


def _rename_class(new: str) -> Callable[[dict], dict]:
    def rule(entry: dict) -> dict:
        return dict(entry, class_name=new)
    return rule


def _regularizer_to_l1l2(entry: dict) -> dict:
    c = entry["config"] or {}
    return {"class_name": "L1L2", "config": {"l1": float(c.get("l1", 0.0)), "l2": float(c.get("l2", 0.0))}}


_SAVE_RULES: dict[tuple[str | None, str], Callable[[dict], dict]] = {
    ("layer", "InputLayer"): _input_layer_to_tfjs,
    ("layer", "Sequential"): _sequential_to_tfjs,
    ("layer", "Model"): _functional_to_tfjs,
    ("layer", "Functional"): _functional_to_tfjs,
    ("layer", "Bidirectional"): _bidirectional_to_tfjs,
    ("layer", "LeakyReLU"): _rename_key("negative_slope", "alpha"),
    ("initializer", "LecunNormal"): _rename_class("LeCunNormal"),
    ("initializer", "LecunUniform"): _rename_class("LeCunUniform"),
    ("regularizer", "L1"): _regularizer_to_l1l2,
    ("regularizer", "L2"): _regularizer_to_l1l2,
}


# ---- topology: TF.js / tf.keras 2 / Keras 3 JSON -> a model ------------------------------------------

def _uses_keras3_names(topology: dict) -> bool:
    """Keras 3 configs (keras_version 3.x, or 'module' entries) mean Keras 3's activations; TF.js, tensorweb's
    TF.js files and tf.keras 2 mean TF.js's."""
    version = str(topology.get("keras_version") or "")
    if version:
        return version.startswith("3.")
    return '"module"' in json.dumps(topology.get("config"))


def _from_tfjs(obj: Any) -> Any:
    """TF.js's / tf.keras 2's JSON with TF.js's activation names as tensorweb's names, bottom-up."""
    if isinstance(obj, list):
        return [_from_tfjs(v) for v in obj]
    if not isinstance(obj, dict):
        return obj
    out = {k: _from_tfjs(v) for k, v in obj.items()}
    config = out.get("config")
    if isinstance(out.get("class_name"), str) and isinstance(config, dict):
        for key in _ACTIVATION_KEYS:
            value = config.get(key)
            if isinstance(value, str) and value in _ACTIVATIONS_FROM_TFJS:
                config[key] = _ACTIVATIONS_FROM_TFJS[value]
    if out.get("class_name") == "Sequential" and isinstance(config, list):  # Keras <= 2.1: a bare layer list
        out["config"] = {"layers": config}
    elif out.get("class_name") in ("Model", "Functional") and isinstance(config, dict) and "layers" in config:
        out["config"] = _shift_model_nodes(config, -1)
    return out


def model_from_topology(topology: dict, custom_objects: dict | None = None, where: str = "modelTopology") -> Any:
    """Builds the model a layers-model topology describes (TF.js's form, the Python converter's
    {model_config, ...} wrapper, or Keras 3's)."""
    from .functional import Model
    if not isinstance(topology, dict):
        raise ModelFormatError(f"{where}: modelTopology must be an object, got {type(topology).__name__}")
    outer = topology
    if isinstance(topology.get("model_config"), dict):
        topology = {"keras_version": outer.get("keras_version"), **topology["model_config"]}
    if not isinstance(topology.get("class_name"), str) or not isinstance(topology.get("config"), (dict, list)):
        raise ModelFormatError(f"{where}: modelTopology needs 'class_name' and 'config' (a Keras model config), "
                               f"got keys {sorted(topology)}")
    entry = {"class_name": topology["class_name"], "config": topology["config"]}
    if not _uses_keras3_names(topology):
        entry = _from_tfjs(entry)
    try:
        model = deserialize(entry, "layer", custom_objects)
    except (InvalidArgumentError, TypeError, KeyError, ValueError) as e:
        raise ModelFormatError(f"{where}: cannot build the model from modelTopology "
                               f"({topology['class_name']}): {e}") from e
    if not isinstance(model, Model):
        raise ModelFormatError(f"{where}: modelTopology describes a {type(model).__name__} layer, not a model "
                               f"(Sequential or Model)")
    return model


# ---- weight names --------------------------------------------------------------------------------------

def _child_scopes(layer: Layer, scope: str) -> list[tuple[Layer, str]]:
    """The name scopes TF.js builds a layer's sublayers in: an RNN's cell and a TimeDistributed's layer in
    the parent's scope, stacked cells in 'RNNCell_<i>', others (Bidirectional's copies) in their own name."""
    from .rnn import RNN, StackedRNNCells
    from .wrappers import TimeDistributed
    if isinstance(layer, StackedRNNCells):
        return [(cell, f"{scope}RNNCell_{i}/") for i, cell in enumerate(layer.cells)]
    if isinstance(layer, (RNN, TimeDistributed)):
        return [(sub, scope) for sub in layer._layers]
    return [(sub, f"{scope}{sub.name}/") for sub in layer._layers]


def _scoped_names(layer: Layer, scope: str, out: dict[int, str]) -> None:
    """TF.js's names (the scopes open when the weight was made, then its name) of `layer`'s weights."""
    if getattr(layer, "_is_model", False):  # a model's layers name their weights by their own names
        for sub in layer.layers:
            _scoped_names(sub, f"{sub.name}/", out)
        return
    renames = _TFJS_WEIGHT_NAMES.get(type(layer).__name__, {})
    for w in layer._weights:
        out.setdefault(id(w.variable), scope + renames.get(w.name, w.name))
    for sub, sub_scope in _child_scopes(layer, scope):
        _scoped_names(sub, sub_scope, out)


def tfjs_weights(model: Layer) -> list[tuple[str, Any]]:
    """(TF.js's name, variable) of each weight of the model, in TF.js's order: trainable ones first."""
    names: dict[int, str] = {}
    _scoped_names(model, "", names)
    variables = model.weights
    ordered = [v for v in variables if v.trainable] + [v for v in variables if not v.trainable]
    return [(names[id(v)], v) for v in ordered]


def _drop_cell_scope(name: str) -> str:
    """TF.js's reading of TF >= 2.2 names: 'layer/cell/weight' -> 'layer/weight'."""
    parts = name.split("/")
    return "/".join(parts[:-2] + parts[-1:]) if len(parts) >= 3 else name


def _assign_weights(model: Layer, values: dict[str, np.ndarray], strict: bool, where: str) -> dict[str, Any]:
    """Sets the model's weights from name -> array (TF.js's names, TF >= 2.2's cell-scoped names or Keras 3's
    paths); returns TF.js name -> variable. strict: every weight on both sides must match."""
    pairs = tfjs_weights(model)
    by_name = dict(pairs)
    for path, v in zip(model.weight_paths(), model.weights):
        by_name.setdefault(path, v)
    chosen: dict[int, tuple[Any, np.ndarray]] = {}
    unused = []
    for name, value in values.items():
        var = by_name.get(name, by_name.get(_drop_cell_scope(name)))
        if var is None or id(var) in chosen:
            unused.append(name)
            continue
        if tuple(value.shape) != tuple(var.shape):
            raise ModelFormatError(f"{where}: weight {name!r} has shape {list(value.shape)} in the file but the "
                                   f"model's weight has shape {list(var.shape)}")
        chosen[id(var)] = (var, value)
    missing = [n for n, v in pairs if id(v) not in chosen]
    if unused or missing:
        what = "; ".join(part for part in (
            f"{len(unused)} weight(s) in the file match no weight of the model: {', '.join(unused[:10])}"
            if unused else "",
            f"{len(missing)} of the model's {len(pairs)} weights are not in the file: {', '.join(missing[:10])}"
            if missing else "") if part)
        if strict:
            raise ModelFormatError(f"{where}: {what} (load with strict=False to skip them)")
        warnings.warn(f"{where}: {what}; skipped", stacklevel=3)
    for var, value in chosen.values():
        var.assign(ENGINE.to_tensor(np.asarray(value).astype(var.dtype, copy=False), dtype=var.dtype))
    return by_name


# ---- training config -----------------------------------------------------------------------------------

def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _loss_name(loss: Any) -> str | None:
    """The name TF.js's trainingConfig stores for a loss (its losses map's name, in snake_case)."""
    from . import losses as L
    if loss is None:
        return None
    fn = L.get(loss)
    if isinstance(fn, L.Loss):
        try:
            plain = type(fn)().get_config()
        except TypeError:  # a LossFunctionWrapper around a function
            plain = {"reduction": "sum_over_batch_size"}
        if not hasattr(fn, "fn") or {**fn.get_config(), "name": None} != {**plain, "name": None}:
            raise InvalidArgumentError(f"save: the loss {fn!r} has a configuration; TF.js's trainingConfig stores "
                                       f"loss names only. Compile with its name, or save with "
                                       f"include_optimizer=False")
        fn = fn.fn
    name = getattr(fn, "__name__", "")
    try:
        builtin = L.get(name) is fn
    except InvalidArgumentError:
        builtin = False
    if not builtin:
        raise InvalidArgumentError(f"save: the loss {loss!r} is not a built-in loss; TF.js's trainingConfig stores "
                                   f"loss names only. Save with include_optimizer=False")
    return _TFJS_LOSS_NAMES.get(name, name)


def _metric_name(metric: Any) -> str:
    """The name TF.js's trainingConfig stores for a metric (snake_case, its metrics map's name)."""
    if isinstance(metric, str):
        name = metric
    elif isinstance(metric, type):
        name = metric.__name__
    else:
        name = getattr(metric, "__name__", type(metric).__name__)
    name = _snake(name) if name not in ("MSE", "MAE", "MAPE") else name.lower()
    return _TFJS_METRIC_NAMES.get(name, name)


def training_config(model: Any) -> dict:
    """TF.js's trainingConfig of a compiled model: {loss, metrics, optimizer_config}."""
    loss = model.loss
    if isinstance(loss, dict):
        losses: Any = {k: _loss_name(v) for k, v in loss.items()}
    elif isinstance(loss, (list, tuple)):
        losses = [_loss_name(v) for v in loss]
    else:
        losses = _loss_name(loss)
    per_output = [[_metric_name(m) for m in group] for group in model._metric_specs]
    names = model._output_names_for_training()
    if all(group == per_output[0] for group in per_output):
        metrics: Any = per_output[0] if per_output else []
    else:
        metrics = dict(zip(names, per_output))
    optimizer = model.optimizer
    return {"loss": losses, "metrics": metrics,
            "optimizer_config": {"class_name": optimizer.class_name, "config": optimizer.get_config()}}


def _camel(key: str) -> str:
    return re.sub(r"_+(.)", lambda m: m.group(1).upper(), key)


def _compile_from_training_config(model: Any, config: dict, where: str) -> None:
    """Compiles the model as TF.js's loadTrainingConfig does (optimizer config keys read in camelCase)."""
    from ..train import OPTIMIZER_CLASSES
    opt = config.get("optimizer_config")
    if not isinstance(opt, dict) or not isinstance(opt.get("class_name"), str):
        raise ModelFormatError(f"{where}: trainingConfig needs optimizer_config {{class_name, config}}, got {opt!r}")
    classes = {name.lower(): cls for name, cls in OPTIMIZER_CLASSES.items()}
    cls = classes.get(opt["class_name"].lower())
    if cls is None:
        raise ModelFormatError(f"{where}: trainingConfig names optimizer {opt['class_name']!r}; known: "
                               f"{', '.join(sorted(OPTIMIZER_CLASSES))}")
    try:
        optimizer = cls.from_config({_camel(k): v for k, v in (opt.get("config") or {}).items()})
        model.compile(optimizer=optimizer, loss=config.get("loss"), metrics=config.get("metrics") or None,
                      loss_weights=config.get("loss_weights"), weighted_metrics=config.get("weighted_metrics"))
    except (InvalidArgumentError, KeyError, TypeError) as e:
        raise ModelFormatError(f"{where}: cannot compile the model from trainingConfig: {e}") from e


def _optimizer_weights(model: Any, names: dict[int, str]) -> list[tuple[str, np.ndarray]]:
    """The optimizer's weights as TF.js names them ('iter', '<weight>/<slot>'), each slot kind in the order
    of the model's trainable weights in the manifest."""
    optimizer = model.optimizer
    entries = [(w.name, w.tensor) for w in optimizer.get_weights()]
    trainable = [v for _, v in tfjs_weights(model) if v.trainable]
    out = [(entries[0][0], entries[0][1].numpy())]
    slots = {name: tensor for name, tensor in entries[1:]}
    for suffix in optimizer.slot_names:
        for v in trainable:
            tensor = slots.pop(f"{v.name}/{suffix}", None)
            if tensor is not None:
                out.append((f"{names[id(v)]}/{suffix}", tensor.numpy()))
    out.extend((name, tensor.numpy()) for name, tensor in slots.items())
    return out


def _restore_optimizer(model: Any, entries: list[tuple[str, np.ndarray]], by_name: dict[str, Any],
                       where: str) -> None:
    """Gives the optimizer its saved weights, slot names translated to this session's variable names."""
    renamed = []
    for name, value in entries:
        base, _, suffix = name.rpartition("/")
        var = by_name.get(base)
        renamed.append((f"{var.name}/{suffix}" if var is not None else name, value))
    try:
        model.optimizer.set_weights(renamed)
    except InvalidArgumentError as e:
        raise ModelFormatError(f"{where}: the optimizer weights do not fit the trainingConfig's "
                               f"{model.optimizer.class_name}: {e}") from e


# ---- user-defined metadata -----------------------------------------------------------------------------

def check_user_defined_metadata(metadata: Any, model_name: str) -> None:
    """TF.js's rule: a JSON-serializable plain object; above 1 MB it still saves but warns."""
    if not isinstance(metadata, dict):
        raise InvalidArgumentError(f"model {model_name!r}: user-defined metadata must be a dict (a JSON object), "
                                   f"got {type(metadata).__name__}")
    try:
        size = len(json.dumps(metadata))
    except (TypeError, ValueError) as e:
        raise InvalidArgumentError(f"model {model_name!r}: user-defined metadata is not JSON-serializable: "
                                   f"{e}") from None
    if size > METADATA_WARN_BYTES:
        warnings.warn(f"model {model_name!r}: user-defined metadata is {size} bytes of JSON, above the "
                      f"{METADATA_WARN_BYTES}-byte limit TF.js warns about", stacklevel=3)


# ---- save / load ---------------------------------------------------------------------------------------

def _check_savable(model: Any) -> None:
    if getattr(model, "_functional", False):
        return
    if hasattr(model, "_stack"):
        raise InvalidArgumentError(f"Sequential model {model.name!r} has no input shape yet: start it with an Input "
                                   f"(or build it) before saving")
    raise InvalidArgumentError(f"model {model.name!r}: only Sequential and functional models can be saved as a "
                               f"layers model; a subclassed model has no topology to write")


def _encode(named: Sequence[tuple[str, np.ndarray]], **quantization: Any) -> tuple[list[dict], bytes, Any]:
    specs, data, report = _io.encode_weights(list(named), **quantization)
    return list(specs), bytes(data), report


def model_artifacts(model: Any, include_optimizer: bool = False, quantize: str | None = None,
                    quantize_only: Any = None) -> Any:
    """The ModelArtifacts of `model` in TF.js's layers-model format."""
    return _model_artifacts(model, include_optimizer, quantize, quantize_only)[0]


def _model_artifacts(model: Any, include_optimizer: bool, quantize: str | None, quantize_only: Any
                     ) -> tuple[Any, Any]:
    """(the ModelArtifacts, the QuantizationReport of its weights)."""
    from .. import __version__
    _check_savable(model)
    gaps: set[str] = set()
    topology = tfjs_topology(model, gaps)
    pairs = tfjs_weights(model)
    duplicates = sorted(n for n, k in Counter(n for n, _ in pairs).items() if k > 1)
    if duplicates:
        raise InvalidArgumentError(f"model {model.name!r}: weight name(s) {duplicates} occur more than once (layers "
                                   f"of nested models share names); rename the layers so each weight has its own "
                                   f"name")
    specs, data, report = _encode([(n, v.numpy()) for n, v in pairs], quantize=quantize,
                                  quantize_only=quantize_only)
    config = None
    if include_optimizer and getattr(model, "compiled", False) and model.optimizer is not None:
        config = training_config(model)
        names = {id(v): n for n, v in pairs}
        ospecs, odata, _ = _encode(_optimizer_weights(model, names))
        specs += [dict(s, group=OPTIMIZER_GROUP) for s in ospecs]
        data += odata
    if gaps:
        warnings.warn(f"model {model.name!r} uses what TF.js 4.22 cannot load or computes otherwise: "
                      f"{'; '.join(sorted(gaps))}. tensorweb loads it as saved", stacklevel=4)
    metadata = getattr(model, "_user_defined_metadata", None)
    if metadata is not None:
        check_user_defined_metadata(metadata, model.name)
    return _io.ModelArtifacts(model_topology=topology, format=LAYERS_MODEL_FORMAT,
                              generated_by=f"tensorweb {__version__}", converted_by=None, weight_specs=specs,
                              weight_data=data, training_config=config, user_defined_metadata=metadata), report


def _keras_file(target: Any) -> bool:
    return isinstance(target, (str, os.PathLike)) and str(target).lower().endswith(KERAS_FILE_SUFFIXES)


def save_model(model: Any, target: Any, include_optimizer: bool = False, quantize: str | None = None,
               quantize_only: Any = None, shard_size: int = DEFAULT_SHARD_SIZE) -> Any:
    """Saves `model` as a TF.js layers model (model.json + weight shards) in a folder, at a file://,
    http(s):// or store:// URL, or through an IO handler; a path ending in .keras or .h5 writes a Keras file
    instead. shard_size applies to folders and the store."""
    if _keras_file(target):
        if quantize is not None or quantize_only is not None:
            raise InvalidArgumentError(f"{target}: Keras files hold float32 weights; quantization is for TF.js "
                                       "layers models (save to a folder)")
        from .keras_files import save_keras
        return save_keras(model, target, include_optimizer=include_optimizer)
    artifacts, report = _model_artifacts(model, include_optimizer, quantize, quantize_only)
    opts = {} if shard_size == DEFAULT_SHARD_SIZE else {"shard_size": shard_size}  # folders and store:// only
    result = _io.save_artifacts(artifacts, target, **opts)
    if quantize is not None and isinstance(result, _io.SaveResult):
        result = dataclasses.replace(result, quantization=report)
    return result


def _layers_topology(artifacts: Any) -> dict:
    where = artifacts.source
    topology = artifacts.model_topology
    if artifacts.format == "graph-model" or (isinstance(topology, dict)
                                               and ({"node", "versions", "library"} & set(topology))):
        raise ModelFormatError(f"{where}: is a graph model (format {artifacts.format!r}, a GraphDef topology), "
                               f"not a layers model; load it with tw.load_graph_model")
    if artifacts.format not in (None, LAYERS_MODEL_FORMAT):
        raise ModelFormatError(f"{where}: has format {artifacts.format!r}; expected {LAYERS_MODEL_FORMAT!r}")
    if topology is None:
        raise ModelFormatError(f"{where}: has no modelTopology (weights only?); a layers model needs its topology")
    return topology


def load_layers_model(source: Any, strict: bool = True, custom_objects: dict | None = None,
                      **options: Any) -> Any:
    """Loads a TF.js layers model (a model.json path or its folder, a file://, http(s):// or store:// URL, an
    IO handler, or ModelArtifacts): builds it from the topology, sets its weights by name (strict: all must
    match; else unmatched ones are skipped with a warning), compiles it from the trainingConfig (restoring
    the optimizer's weights when saved) and sets its user-defined metadata. `options` go to the IO handler
    (http: weight_path_prefix, headers, on_progress, timeout). A .keras or .h5 path is read as a Keras file."""
    if _keras_file(source):
        from .keras_files import load_keras
        return load_keras(source, custom_objects=custom_objects)
    artifacts = source if isinstance(source, _io.ModelArtifacts) else _io.load_artifacts(source, **options)
    where = artifacts.source
    model = model_from_topology(_layers_topology(artifacts), custom_objects, where)
    specs = artifacts.weight_specs
    values = _io.decode_weights(artifacts.weight_data, specs, where)
    model_values = {s["name"]: values[s["name"]] for s in specs if s.get("group") != OPTIMIZER_GROUP}
    by_name = _assign_weights(model, model_values, strict, where)
    if artifacts.training_config is not None:
        _compile_from_training_config(model, artifacts.training_config, where)
        saved = [(s["name"], values[s["name"]]) for s in specs if s.get("group") == OPTIMIZER_GROUP]
        if saved:
            _restore_optimizer(model, saved, by_name, where)
    if artifacts.user_defined_metadata is not None:
        model.set_user_defined_metadata(artifacts.user_defined_metadata)
    return model
