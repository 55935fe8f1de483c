"""Keras model files: the Keras 3 `.keras` zip and the legacy HDF5 `.h5` (as Keras 3 and tf.keras 2 write it).

    model = load_keras("model.keras")          # or "model.h5"
    save_keras(model, "copy.keras")            # or "copy.h5"

`.keras` is a zip of config.json (the model serialized as Keras 3 does: module, class_name, config,
registered_name, build_config, compile_config), metadata.json (keras_version, date_saved) and
model.weights.h5, laid out as Keras' saving_lib writes it: one group per layer, named by the path of attribute
names that reaches it ("layers/<class>" in a model, "layers/<class>_1" for the second of a class, then
"cell", "forward_layer", "layers/..." of a nested model ...), each with its own weights as datasets
vars/0, vars/1, ... (trainable ones first). Legacy `.h5` keeps the model config and training config as JSON
attributes and the weights in model_weights/<layer name>/ with a `weight_names` attribute listing them in
Keras' legacy order (trainable then non-trainable); they are matched to the model's layers by position, so
tf.keras 2 names ("dense/kernel:0", "depthwise_kernel") map onto Keras 3's weights.

Optimizer state is neither read nor written: a loaded model is compiled (unless compile=False) from the
compile_config / training_config with a fresh tw.train optimizer, and Keras loads a file written here with
a fresh optimizer too (it warns that it skips the optimizer variables). tw.train optimizers follow TF.js's
update rules, which differ from Keras' in details. Needs h5py: `pip install 'tensorweb[keras]'`.
"""
from __future__ import annotations

import datetime
import io
import json
import os
import warnings
import zipfile
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from ..errors import InvalidArgumentError, ModelFormatError
from .base import Layer, Weight, to_snake_case
from .functional import Model
from .ops_layers import _OpLayer
from .sequential import Sequential
from .serialization import serialize

__all__ = ["load_keras", "save_keras", "weight_layout", "KERAS_VERSION"]

#: The Keras version whose file format this module writes (and into whose metadata it is recorded).
KERAS_VERSION = "3.15.1"
CONFIG_NAME, METADATA_NAME, WEIGHTS_NAME = "config.json", "metadata.json", "model.weights.h5"
_MAX_JSON_BYTES = 64 << 20           # config.json / metadata.json / JSON attributes
_BOMB_FLOOR_BYTES = 1 << 30          # a zip member larger than this must not expand more than 1000x
_ATTR_LIMIT = 64512                  # HDF5 object header limit: longer name lists are split into chunks
_OP_MODULE = "keras.src.ops.numpy"
_OPTIMIZER_BASE = {"weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
                   "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                   "loss_scale_factor": None, "gradient_accumulation_steps": None}


def _h5py() -> Any:
    try:
        import h5py
    except ImportError:
        raise ImportError("reading and writing Keras files (.keras, .h5) needs h5py: "
                          "pip install 'tensorweb[keras]'") from None
    return h5py


def _kind(path: Any) -> str:
    suffix = Path(os.fspath(path)).suffix.lower()
    if suffix == ".keras":
        return "keras"
    if suffix in (".h5", ".hdf5"):
        return "h5"
    raise InvalidArgumentError(f"Keras files: expected a path ending in .keras, .h5 or .hdf5, got {str(path)!r}")


# ---- the model's structure as Keras walks it ---------------------------------------------------------

def _keras_class_name(layer: Layer) -> str:
    """The class name Keras gives the object: a functional tw Model is Keras' Functional."""
    return "Functional" if type(layer) is Model else type(layer).__name__


def _model_layers(model: Model) -> list[Layer]:
    """Keras' `model.layers`: a functional model lists its InputLayers too; Keras operations (NotEqual,
    ...) are not layers."""
    layers = model._layers_list if model._functional and not isinstance(model, Sequential) else model.layers
    return [l for l in layers if not isinstance(l, _OpLayer)]


def _name_key(name: str) -> str:
    return f"~{name}" if name.startswith("_") else name  # Keras visits private attributes last


_BASE_NAMES = frozenset(dir(Layer)) | frozenset(vars(Layer(name="keras_files_reference")))


def _attribute_names(layer: Layer) -> list[str]:
    """The instance attributes and class properties of a layer that Keras' walk would visit, in its order."""
    names = set(vars(layer))
    for cls in type(layer).__mro__:
        names.update(k for k, v in vars(cls).items() if isinstance(v, property))
    return sorted((n for n in names if not n.startswith("__") and n not in _BASE_NAMES), key=_name_key)


def _children(layer: Layer) -> Iterator[tuple[str, Any]]:
    """(attribute name, sublayer or list of sublayers) as Keras' saving_lib finds them."""
    if isinstance(layer, Model):
        yield "layers", _model_layers(layer)
        return
    for name in _attribute_names(layer):
        try:
            value = getattr(layer, name)
        except AttributeError:  # a property whose layer is not built yet
            continue
        if isinstance(value, Layer) or (isinstance(value, (list, tuple)) and value
                                        and all(isinstance(v, Layer) for v in value)):
            yield name, value


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def _saveables(layer: Layer, path: str = "", visited: set | None = None) -> Iterator[tuple[str, Layer]]:
    """(path, layer) for `layer` and every sublayer, each once, with the paths Keras 3 gives their groups
    in model.weights.h5: attribute names, and for list items their snake_case class name made unique."""
    visited = set() if visited is None else visited
    if id(layer) in visited:
        return
    visited.add(id(layer))
    yield path, layer
    for attr, value in _children(layer):
        if isinstance(value, Layer):
            yield from _saveables(value, _join(path, attr), visited)
            continue
        used: dict[str, int] = {}
        for item in value:
            base = to_snake_case(_keras_class_name(item))
            used[base] = used.get(base, -1) + 1
            name = base if used[base] == 0 else f"{base}_{used[base]}"
            yield from _saveables(item, _join(_join(path, attr), name), visited)


def _own_weights(layer: Layer) -> list[Weight]:
    """A layer's own weights (not its sublayers'), trainable ones first, as Keras stores them."""
    return [w for w in layer._weights if w.declared_trainable] + \
        [w for w in layer._weights if not w.declared_trainable]


def _legacy_weights(layer: Layer) -> list[Any]:
    """The legacy .h5 order of a layer's variables: trainable weights, then non-trainable ones."""
    return layer.trainable_weights + layer.non_trainable_weights


def weight_layout(layer: Layer) -> list[tuple[str, tuple[int, ...]]]:
    """(dataset path, shape) of every weight Keras' model.weights.h5 holds for `layer`, in writing order."""
    return [(f"{_join(path, 'vars')}/{i}", tuple(w.variable.shape))
            for path, l in _saveables(layer) for i, w in enumerate(_own_weights(l))]


# ---- config and compile ------------------------------------------------------------------------------

def _keras_config(model: Model) -> dict:
    """serialize(model) as Keras writes it: functional models (also nested ones) are Keras' Functional, and
    Keras operations (NotEqual, ...) have a registered name and no build_config (they are not layers)."""
    def fix(node: Any) -> Any:
        if isinstance(node, list):
            return [fix(v) for v in node]
        if not isinstance(node, dict):
            return node
        out = {k: fix(v) for k, v in node.items()}
        if out.get("class_name") == "Model" and isinstance(out.get("config"), dict) and "layers" in out["config"]:
            out.update(module="keras.src.models.functional", class_name="Functional", registered_name="Functional")
        elif out.get("module") == _OP_MODULE:
            out.pop("build_config", None)
            out["registered_name"] = out["class_name"]
        return out
    return fix(serialize(model))


def _model_from_config(config: Any, keras_version: str, custom_objects: dict | None, where: str) -> Model:
    """The model a Keras model config describes (tf.keras 2's configs read as layers.saving reads them:
    its activation names and nested-model node numbering), built from its build_config when needed."""
    from .saving import model_from_topology
    if not isinstance(config, dict):
        raise ModelFormatError(f"{where}: the model config must be a JSON object, got {str(config)[:200]}")
    model = model_from_topology({"keras_version": keras_version, "model_config": config}, custom_objects, where)
    shape = (config.get("build_config") or {}).get("input_shape")
    if not model.built and shape is not None:
        model.build(shape)
    return model


def _optimizer_from_keras(spec: Any) -> Any:
    """A tw.train optimizer from Keras' serialized optimizer (Keras 3, or tf.keras 2's "Custom>Adam")."""
    from .. import train
    if spec is None or isinstance(spec, str):
        return spec or "rmsprop"  # Keras' compile() default
    if not isinstance(spec, dict) or "class_name" not in spec:
        raise InvalidArgumentError(f"cannot read the optimizer {spec!r}")
    name = spec["class_name"].split(">")[-1]
    c = spec.get("config") or {}
    lr = c.get("learning_rate", c.get("lr", 0.001))
    unsupported = [k for k in ("weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "use_ema", "amsgrad",
                               "decay") if c.get(k)]
    if not isinstance(lr, (int, float)) or unsupported:
        what = f"options {unsupported}" if unsupported else f"learning_rate {lr!r} (a schedule)"
        raise InvalidArgumentError(f"optimizer {name} with {what} has no tw.train equivalent")
    eps = c.get("epsilon", 1e-7)
    makers = {
        "SGD": lambda: train.momentum(lr, c["momentum"], c.get("nesterov", False)) if c.get("momentum")
        else train.sgd(lr),
        "Adam": lambda: train.adam(lr, c.get("beta_1", 0.9), c.get("beta_2", 0.999), eps),
        "Adamax": lambda: train.adamax(lr, c.get("beta_1", 0.9), c.get("beta_2", 0.999), eps),
        "RMSprop": lambda: train.rmsprop(lr, c.get("rho", 0.9), c.get("momentum", 0.0), eps, c.get("centered", False)),
        "Adagrad": lambda: train.adagrad(lr, c.get("initial_accumulator_value", 0.1)),
        "Adadelta": lambda: train.adadelta(lr, c.get("rho", 0.95), eps),
    }
    if name not in makers:
        raise InvalidArgumentError(f"optimizer {name!r} has no tw.train equivalent; supported: {sorted(makers)}")
    return makers[name]()


def _optimizer_to_keras(optimizer: Any) -> dict:
    """Keras 3's serialized form of a tw.train optimizer."""
    from .. import train
    c = optimizer.get_config()
    kind = type(optimizer)
    if kind is train.AdamaxOptimizer and c.get("decay"):
        raise InvalidArgumentError(f"Adamax with decay={c['decay']} has no Keras equivalent")
    table = {
        train.SGDOptimizer: ("SGD", {"momentum": 0.0, "nesterov": False}),
        train.MomentumOptimizer: ("SGD", {"momentum": c.get("momentum"), "nesterov": c.get("useNesterov")}),
        train.AdamOptimizer: ("Adam", {"beta_1": c.get("beta1"), "beta_2": c.get("beta2"),
                                       "epsilon": c.get("epsilon"), "amsgrad": False}),
        train.AdamaxOptimizer: ("Adamax", {"beta_1": c.get("beta1"), "beta_2": c.get("beta2"),
                                           "epsilon": c.get("epsilon")}),
        train.RMSPropOptimizer: ("RMSprop", {"rho": c.get("decay"), "momentum": c.get("momentum"),
                                             "epsilon": c.get("epsilon"), "centered": c.get("centered")}),
        train.AdagradOptimizer: ("Adagrad", {"initial_accumulator_value": c.get("initialAccumulatorValue"),
                                             "epsilon": 1e-7}),
        train.AdadeltaOptimizer: ("Adadelta", {"rho": c.get("rho"), "epsilon": c.get("epsilon")}),
    }
    if kind not in table:
        raise InvalidArgumentError(f"optimizer {kind.__name__} has no Keras equivalent")
    name, extra = table[kind]
    config = {"name": name.lower(), "learning_rate": c["learningRate"], **_OPTIMIZER_BASE, **extra}
    return {"module": "keras.optimizers", "class_name": name, "config": config, "registered_name": None}


def _map_entries(spec: Any, fn: Any) -> Any:
    """A loss or metrics structure (lists, dicts by output name) with fn applied to each entry; a dict with
    'class_name' is one entry (a serialized object)."""
    if isinstance(spec, (list, tuple)):
        return [_map_entries(v, fn) for v in spec]
    if isinstance(spec, dict) and "class_name" not in spec:
        return {k: _map_entries(v, fn) for k, v in spec.items()}
    return fn(spec)


def _revive(spec: Any, get: Any) -> Any:
    """A saved loss or metrics structure with each serialized object made by `get`; names stay names (Keras
    3 writes functions as {"class_name": "function", "config": name})."""
    def entry(v: Any) -> Any:
        if not isinstance(v, dict):
            return v
        return v.get("config") if v["class_name"] == "function" else get(v)
    return _map_entries(spec, entry)


def _loss_from_keras(spec: dict) -> Any:
    from . import losses
    config = dict(spec.get("config") or {})
    if config.get("reduction") == "auto":  # tf.keras 2's AUTO: the mean over the batch
        config["reduction"] = "sum_over_batch_size"
    return losses.get({**spec, "config": config})


def _metric_from_keras(spec: dict) -> Any:
    from . import metrics
    if spec["class_name"] == "MeanMetricWrapper":  # tf.keras 2 saves compiled metric functions so
        c = spec.get("config") or {}
        return c.get("name") if c.get("name") in ("accuracy", "acc", "crossentropy", "ce") else c.get("fn")
    return metrics.get(spec)


def _compile_from_config(model: Model, config: dict, where: str) -> None:
    """Compiles from a Keras 3 compile_config or a legacy training_config; what tensorweb cannot
    reproduce leaves the model uncompiled with a warning naming it."""
    try:
        model.compile(optimizer=_optimizer_from_keras(config.get("optimizer", config.get("optimizer_config"))),
                      loss=_revive(config.get("loss"), _loss_from_keras), loss_weights=config.get("loss_weights"),
                      metrics=_revive(config.get("metrics"), _metric_from_keras),
                      weighted_metrics=_revive(config.get("weighted_metrics"), _metric_from_keras))
    except (ValueError, TypeError, KeyError) as e:
        warnings.warn(f"{where}: the model was loaded without compiling it: {e}", stacklevel=3)


def _loss_to_keras(loss: Any) -> Any:
    """A loss as Keras saves it; names become full names (Keras 3.15's legacy .h5 loader cannot read the
    'mse' / 'mae' aliases)."""
    from . import losses
    if loss is None or (isinstance(loss, str) and loss.lower() in ("crossentropy", "ce")):
        return loss
    return losses.serialize(losses.get(loss))


def _metric_to_keras(metric: Any) -> Any:
    from . import metrics
    if isinstance(metric, str):
        return metric
    if isinstance(metric, metrics.Metric):
        return metrics.serialize(metric)
    name = getattr(metric, "__name__", None)
    if name is None:
        raise InvalidArgumentError(f"cannot save the metric {metric!r} in a Keras file")
    return name


def _compile_config(model: Model) -> dict:
    """Keras 3's compile_config of a compiled model (metrics per output name when it has several)."""
    names = model._output_names_for_training()

    def metrics(groups: list[list[Any]]) -> Any:
        if not any(groups):
            return None
        return _map_entries(groups[0] if len(names) == 1 else {n: g for n, g in zip(names, groups) if g},
                            _metric_to_keras)
    return {"optimizer": _optimizer_to_keras(model.optimizer), "loss": _map_entries(model.loss, _loss_to_keras),
            "loss_weights": model._loss_weights, "metrics": metrics(model._metric_specs),
            "weighted_metrics": metrics(model._weighted_metric_specs), "run_eagerly": False,
            "steps_per_execution": 1, "jit_compile": False}


# ---- HDF5 reading, safely ----------------------------------------------------------------------------

def _h5_get(parent: Any, path: str, want: str, where: str) -> Any:
    """The group or dataset at `path` below `parent`, or None when absent; refuses links, external and
    virtual datasets (a file must not read outside itself)."""
    h5py = _h5py()
    node = parent
    for part in path.split("/"):
        if not isinstance(node, h5py.Group) or part not in node:
            return None
        link = node.get(part, getlink=True)
        if not isinstance(link, h5py.HardLink):
            raise ModelFormatError(f"{where}: {path!r} is a {type(link).__name__}; links are not allowed")
        node = node[part]
    cls = h5py.Group if want == "group" else h5py.Dataset
    if not isinstance(node, cls):
        raise ModelFormatError(f"{where}: expected {path!r} to be an HDF5 {want}, got {type(node).__name__}")
    if want == "dataset" and (node.external or node.is_virtual):
        raise ModelFormatError(f"{where}: dataset {path!r} keeps its data outside the file; not allowed")
    return node


def _read_dataset(group: Any, name: str, variable: Any, where: str) -> np.ndarray:
    """A dataset's values for `variable`, checked (shape before reading, numeric dtype)."""
    ds = _h5_get(group, name, "dataset", where)
    if ds is None:
        raise ModelFormatError(f"{where}: weight {name!r} for variable {variable.name!r} is missing")
    if tuple(ds.shape) != tuple(variable.shape):
        raise ModelFormatError(f"{where}: weight {name!r} has shape {list(ds.shape)} but the model's variable "
                               f"{variable.name!r} has shape {list(variable.shape)}")
    if ds.dtype.kind not in "fiub":
        raise ModelFormatError(f"{where}: weight {name!r} has dtype {ds.dtype}, expected a number type")
    return np.asarray(ds[()])


def _names_attr(attrs: Any, name: str) -> list[str]:
    """A list-of-names attribute, also when Keras split it into name0, name1, ... chunks."""
    chunks = [attrs[name]] if name in attrs else []
    while f"{name}{len(chunks)}" in attrs:
        chunks.append(attrs[f"{name}{len(chunks)}"])
    return [v.decode("utf8") if isinstance(v, bytes) else str(v) for chunk in chunks for v in np.ravel(chunk)]


def _set_names_attr(attrs: Any, name: str, values: list[str]) -> None:
    data = np.array([v.encode("utf8") for v in values], dtype=bytes if values else np.float64)
    chunks = [data]
    while any(c.nbytes > _ATTR_LIMIT for c in chunks):
        chunks = np.array_split(data, len(chunks) + 1)
    if len(chunks) == 1:
        attrs[name] = data
    else:
        for i, chunk in enumerate(chunks):
            attrs[f"{name}{i}"] = chunk


def _json_attr(attrs: Any, name: str, where: str) -> Any:
    value = attrs.get(name)
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf8")
    return _parse_json(str(value), f"{where}: attribute {name!r}")


def _parse_json(text: str | bytes, what: str) -> Any:
    if len(text) > _MAX_JSON_BYTES:
        raise ModelFormatError(f"{what} is {len(text)} bytes, more than the {_MAX_JSON_BYTES} allowed")
    try:
        return json.loads(text)
    except (ValueError, UnicodeDecodeError) as e:
        raise ModelFormatError(f"{what} is not valid JSON: {e}") from None


# ---- loading ---------------------------------------------------------------------------------------

def _keras_weights(model: Model, f: Any, where: str) -> list[tuple[Any, np.ndarray]]:
    """(variable, value) for every weight of the model, read from a model.weights.h5 (Keras 3 layout)."""
    pairs, groups = [], set()
    for path, layer in _saveables(model):
        own = _own_weights(layer)
        group_path = _join(path, "vars")
        group = _h5_get(f, group_path, "group", where)
        stored = sorted(group.keys()) if group is not None else []
        if stored != sorted(str(i) for i in range(len(own))):
            raise ModelFormatError(
                f"{where}: layer {layer.name!r} ({_keras_class_name(layer)}, group {group_path!r}) has "
                f"{len(own)} weight(s) ({', '.join(w.name for w in own) or 'none'}) but the file stores "
                f"{len(stored)} ({', '.join(stored) or 'none'})")
        groups.add(group_path)
        pairs += [(w.variable, _read_dataset(group, str(i), w.variable, f"{where}: {group_path}"))
                  for i, w in enumerate(own)]
    extra = []
    layers_group = _h5_get(f, "layers", "group", where)
    if layers_group is not None:
        layers_group.visititems(lambda name, node: extra.append(f"layers/{name}")
                                if name.split("/")[-1] == "vars" and isinstance(node, _h5py().Group)
                                and len(node) and f"layers/{name}" not in groups else None)
    if extra:
        raise ModelFormatError(f"{where}: the file has weights for {extra}, which the model built from its "
                               f"config does not have")
    return pairs


def _legacy_h5_weights(model: Model, group: Any, where: str) -> list[tuple[Any, np.ndarray]]:
    """(variable, value) pairs from a legacy model_weights group: layers with weights matched in order."""
    saved = []
    for name in _names_attr(group.attrs, "layer_names"):
        layer_group = _h5_get(group, name, "group", where)
        if layer_group is None:
            raise ModelFormatError(f"{where}: layer_names lists {name!r} but model_weights has no such group")
        names = _names_attr(layer_group.attrs, "weight_names")
        if names:
            saved.append((name, layer_group, names))
    layers = [l for l in _model_layers(model) if _legacy_weights(l)]
    if len(saved) != len(layers):
        raise ModelFormatError(f"{where}: the file has weights for {len(saved)} layer(s) "
                               f"({', '.join(n for n, _, _ in saved)}) but the model has {len(layers)} layer(s) "
                               f"with weights ({', '.join(l.name for l in layers)})")
    pairs = []
    for (name, layer_group, names), layer in zip(saved, layers):
        variables = _legacy_weights(layer)
        if len(names) != len(variables):
            raise ModelFormatError(f"{where}: layer {layer.name!r} has {len(variables)} weight(s) but the file's "
                                   f"group {name!r} has {len(names)}: {names}")
        pairs += [(v, _read_dataset(layer_group, n, v, f"{where}: model_weights/{name}"))
                  for n, v in zip(names, variables)]
    top = _h5_get(group, "top_level_model_weights", "group", where)
    if top is not None and _names_attr(top.attrs, "weight_names"):
        raise ModelFormatError(f"{where}: top_level_model_weights holds weights; tensorweb models have none")
    return pairs


def _finish(model: Model, read: Any, compile_config: Any, compile: bool, where: str) -> Model:
    """Reads the weights with `read()` and assigns them all (or none: a failure disposes the model)."""
    try:
        pairs = read()
    except BaseException:
        model.dispose()
        raise
    for variable, value in pairs:
        variable.assign(value)
    if compile and compile_config:
        _compile_from_config(model, compile_config, where)
    return model


def _load_zip(path: Path, custom_objects: dict | None, compile: bool) -> Model:
    h5py = _h5py()
    where = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise ModelFormatError(f"{where}: not a .keras file (a zip archive with {CONFIG_NAME} and "
                               f"{WEIGHTS_NAME}): {e}") from None
    with archive:
        members = {i.filename: i for i in archive.infolist()}

        def read(name: str, limit: int | None = None) -> bytes:
            info = members[name]
            if limit is not None and info.file_size > limit:
                raise ModelFormatError(f"{where}: {name} is {info.file_size} bytes, more than the {limit} allowed")
            if info.file_size > _BOMB_FLOOR_BYTES and info.file_size > 1000 * max(info.compress_size, 1):
                raise ModelFormatError(f"{where}: {name} claims {info.file_size} bytes from "
                                       f"{info.compress_size} stored; refusing a decompression bomb")
            try:
                return archive.read(name)
            except (zipfile.BadZipFile, OSError, EOFError) as e:  # corrupt member, bad CRC, truncation
                raise ModelFormatError(f"{where}: cannot read {name}: {e}") from None
        if CONFIG_NAME not in members:
            raise ModelFormatError(f"{where}: the archive has no {CONFIG_NAME} (members: {sorted(members)})")
        if WEIGHTS_NAME not in members:
            other = " (Keras' npz weights format is not supported)" if "model.weights.npz" in members else ""
            raise ModelFormatError(f"{where}: the archive has no {WEIGHTS_NAME}{other}")
        config = _parse_json(read(CONFIG_NAME, _MAX_JSON_BYTES), f"{where}: {CONFIG_NAME}")
        weights = read(WEIGHTS_NAME)
    model = _model_from_config(config, KERAS_VERSION, custom_objects, where)

    def read_weights() -> list:
        try:
            with h5py.File(io.BytesIO(weights), "r") as f:
                return _keras_weights(model, f, f"{where}: {WEIGHTS_NAME}")
        except OSError as e:
            raise ModelFormatError(f"{where}: {WEIGHTS_NAME} is not a readable HDF5 file: {e}") from None
    return _finish(model, read_weights, config.get("compile_config"), compile, where)


def _load_h5(path: Path, custom_objects: dict | None, compile: bool) -> Model:
    h5py = _h5py()
    where = str(path)
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise ModelFormatError(f"{where}: not a readable HDF5 file: {e}") from None
    with f:
        config = _json_attr(f.attrs, "model_config", where)
        if config is None:
            raise ModelFormatError(f"{where}: no model_config attribute; is this a weights-only file?")
        training_config = _json_attr(f.attrs, "training_config", where)
        version = f.attrs.get("keras_version", b"")
        version = version.decode("utf8") if isinstance(version, bytes) else str(version)
        model = _model_from_config(config, version, custom_objects, where)

        def read_weights() -> list:
            group = _h5_get(f, "model_weights", "group", where)
            if group is None:
                raise ModelFormatError(f"{where}: no model_weights group")
            return _legacy_h5_weights(model, group, where)
        return _finish(model, read_weights, training_config, compile, where)


def load_keras(path: str | os.PathLike, custom_objects: dict | None = None, compile: bool = True) -> Model:
    """Loads a Keras model file: `.keras` (Keras 3) or legacy `.h5` (Keras 3 or tf.keras 2).

    Builds the model from its config (custom classes: register them with tw.layers.register_class or pass
    `custom_objects`), sets every weight (all or none: any mismatch raises ModelFormatError naming the layer)
    and, when `compile`, compiles it from the saved compile/training config. Optimizer variables are skipped.
    """
    path = Path(os.fspath(path))
    kind = _kind(path)
    if not path.is_file():
        raise FileNotFoundError(f"Keras file {str(path)!r} does not exist")
    return (_load_zip if kind == "keras" else _load_h5)(path, custom_objects, compile)


# ---- saving ----------------------------------------------------------------------------------------

def _write_keras_weights(model: Model, f: Any) -> None:
    for path, layer in _saveables(model):
        group = f.create_group(_join(path, "vars"))
        group.attrs["name"] = layer.name
        for i, w in enumerate(_own_weights(layer)):
            group.create_dataset(str(i), data=w.variable.numpy())


def _write_legacy_weights(model: Model, group: Any) -> None:
    layers = _model_layers(model)
    _set_names_attr(group.attrs, "layer_names", [l.name for l in layers])
    group.attrs["backend"], group.attrs["keras_version"] = b"numpy", KERAS_VERSION.encode()
    paths = {id(w.variable): w.path for w in model._all_weight_records()}
    for layer in sorted(layers, key=lambda l: l.name):
        layer_group = group.create_group(layer.name)
        variables = _legacy_weights(layer)
        names = [paths[id(v)] for v in variables]
        _set_names_attr(layer_group.attrs, "weight_names", names)
        for name, v in zip(names, variables):
            layer_group.create_dataset(name, data=v.numpy())
    _set_names_attr(group.create_group("top_level_model_weights").attrs, "weight_names", [])


def _write_atomically(path: Path, write: Any) -> None:
    """write(temporary path) next to `path`, then renamed onto it: a failed save leaves no partial file."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _write_zip(model: Model, config: dict, target: Path) -> None:
    h5py = _h5py()
    metadata = {"keras_version": KERAS_VERSION, "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        _write_keras_weights(model, f)
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr(METADATA_NAME, json.dumps(metadata))
        archive.writestr(CONFIG_NAME, json.dumps(config))
        archive.writestr(WEIGHTS_NAME, buffer.getvalue())


def _write_h5(model: Model, config: dict, target: Path) -> None:
    """Keras 3's legacy .h5: the model config and the training config (compile settings, with the optimizer
    as optimizer_config) as JSON attributes, then model_weights."""
    with _h5py().File(target, "w") as f:
        f.attrs["keras_version"], f.attrs["backend"] = KERAS_VERSION, "numpy"
        f.attrs["model_config"] = json.dumps({"class_name": config["class_name"], "config": config["config"]})
        compile_config = config.get("compile_config")
        if compile_config:
            training = {k: v for k, v in compile_config.items() if k != "optimizer"}
            optimizer = compile_config["optimizer"]
            training["optimizer_config"] = {"class_name": optimizer["class_name"], "config": optimizer["config"]}
            f.attrs["training_config"] = json.dumps(training)
        _write_legacy_weights(model, f.create_group("model_weights"))


def save_keras(model: Model, path: str | os.PathLike, include_optimizer: bool = True) -> Path:
    """Saves a model as a Keras file: `.keras` (Keras 3's zip) or `.h5` (legacy HDF5), both loadable by
    Keras 3. With `include_optimizer`, a compiled model's compile settings (optimizer config, loss,
    metrics, loss weights) are saved too; optimizer variables never are. Returns the path written."""
    _h5py()
    if not isinstance(model, Model) or not model._functional:
        raise InvalidArgumentError(f"save_keras: expects a built Sequential or functional Model, got {model!r} "
                                   f"(a Sequential needs its input shape: build it or call it first)")
    path = Path(os.fspath(path))
    write = _write_zip if _kind(path) == "keras" else _write_h5
    config = _keras_config(model)
    if include_optimizer and model.compiled:
        config["compile_config"] = _compile_config(model)
    _write_atomically(path, lambda target: write(model, config, target))
    return path
