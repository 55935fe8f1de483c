"""Layer: the unit of the Layers API (Keras 3's semantics).

A layer creates its weights lazily in `build(input_shape)` on its first call, computes in
`call(inputs, training=..., mask=...)`, and describes itself with `get_config()`. Calling a layer on
symbolic tensors (from `Input`) records a node of a functional graph instead of computing.
"""
from __future__ import annotations

import inspect
import re
import weakref
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

from ..core.engine import ENGINE
from ..core.tensor import Tensor, Variable
from ..errors import InvalidArgumentError, ShapeError
from .serialization import builtin

Shape = tuple

_name_counts: dict[str, int] = {}
_training_stack: list[bool | None] = []


def to_snake_case(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


def unique_name(base: str) -> str:
    """Keras' auto names: dense, dense_1, dense_2, ..."""
    n = _name_counts.get(base, 0)
    _name_counts[base] = n + 1
    return base if n == 0 else f"{base}_{n}"


@contextmanager
def training_scope(training: bool | None) -> Iterator[None]:
    _training_stack.append(training)
    try:
        yield
    finally:
        _training_stack.pop()


def current_training() -> bool | None:
    return _training_stack[-1] if _training_stack else None


DTYPE_POLICY = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
                "registered_name": None}


def _dtype_name(dtype: Any) -> str:
    if dtype is None:
        return "float32"
    if isinstance(dtype, dict):
        return dtype.get("config", {}).get("name", "float32")
    return str(dtype)


class Weight:
    """A layer's record of one variable: its Keras name, owner, regularizer and constraint."""
    __slots__ = ("variable", "name", "_owner", "regularizer", "constraint", "declared_trainable")

    def __init__(self, variable: Variable, name: str, owner: "Layer", regularizer: Any, constraint: Any,
                 trainable: bool) -> None:
        self.variable, self.name, self._owner = variable, name, weakref.ref(owner)
        self.regularizer, self.constraint, self.declared_trainable = regularizer, constraint, trainable

    @property
    def path(self) -> str:
        """Keras 3's path: the owner's path and the weight's name ('lstm/lstm_cell/kernel')."""
        owner = self._owner()
        return f"{owner.path}/{self.name}" if owner is not None else self.name


def _engine_name(path: str) -> str:
    taken = ENGINE.registered_variables()
    if path not in taken:
        return path
    i = 1
    while f"{path}_{i}" in taken:
        i += 1
    return f"{path}_{i}"


@builtin("keras.layers")
class Layer:
    """Base class of every layer. Subclasses implement `build(input_shape)` (optional), `call(inputs, ...)`,
    `compute_output_shape(input_shape)` and `get_config()`."""

    supports_masking = False

    def __init__(self, trainable: bool = True, name: str | None = None, dtype: Any = None,
                 input_shape: Sequence | None = None, batch_input_shape: Sequence | None = None,
                 batch_size: int | None = None, input_dim: int | None = None, **kwargs: Any) -> None:
        unknown = set(kwargs) - {"autocast", "activity_regularizer", "input_dtype", "weights"}
        if unknown:
            raise InvalidArgumentError(f"{type(self).__name__}: unexpected keyword argument(s) "
                                       f"{', '.join(sorted(unknown))}")
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self._trainable = bool(trainable)
        self.dtype = _dtype_name(dtype)
        if self.dtype != "float32":
            raise InvalidArgumentError(f"{type(self).__name__}: only float32 layers are supported, got "
                                       f"dtype {self.dtype!r}")
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if batch_input_shape is not None:
            self._batch_input_shape = tuple(batch_input_shape)
        elif input_shape is not None:
            self._batch_input_shape = (batch_size, *tuple(input_shape))
        else:
            self._batch_input_shape = None
        from . import regularizers
        self.activity_regularizer = regularizers.get(kwargs.get("activity_regularizer"))
        self._initial_weights = kwargs.get("weights")
        self._weights: list[Weight] = []
        self._layers: list[Layer] = []  # sublayers tracked for weights (wrappers, cells, nested models)
        self.built = False
        self._inbound_nodes: list = []
        self._activity_losses: list[Tensor] = []
        self._call_params = _call_params(type(self))

    # ---- attributes -------------------------------------------------------------------------------
    def __setattr__(self, key: str, value: Any) -> None:
        if isinstance(value, Layer) and key != "_outer" and "_layers" in self.__dict__:
            self._track(value)
        object.__setattr__(self, key, value)

    def _track(self, layer: "Layer") -> None:
        """Makes `layer` a sublayer: its weights count as this layer's, and (unless this is a model) its
        path is nested under this layer's."""
        if all(layer is not l for l in self._layers):
            self._layers.append(layer)
        if layer.__dict__.get("_parent") is None and not getattr(self, "_is_model", False):
            object.__setattr__(layer, "_parent", weakref.ref(self))

    @property
    def path(self) -> str:
        """Keras' name scope: a sublayer of a layer (an RNN's cell, a wrapper's layer) is prefixed by its
        parent's path; layers of a model are not."""
        parent = self.__dict__.get("_parent")
        parent = parent() if parent is not None else None
        return f"{parent.path}/{self.name}" if parent is not None else self.name

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        for l in self._layers:
            l.trainable = value
        self._sync_trainable()

    def _sync_trainable(self) -> None:
        for w in self._weights:
            w.variable.trainable = self._trainable and w.declared_trainable

    # ---- weights ----------------------------------------------------------------------------------
    def add_weight(self, shape: Sequence[int] = (), initializer: Any = "glorot_uniform", dtype: str | None = None,
                   trainable: bool = True, regularizer: Any = None, constraint: Any = None,
                   name: str | None = None) -> Variable:
        from . import constraints, initializers, regularizers
        name = name or f"variable_{len(self._weights)}"
        shape = tuple(int(d) for d in shape)
        init = initializers.get(initializer)
        value = init(shape, dtype or "float32")
        var = ENGINE.make_variable(value, trainable=self._trainable and trainable,
                                   name=_engine_name(f"{self.path}/{name}"), dtype=dtype or "float32")
        self._weights.append(Weight(var, name, self, regularizers.get(regularizer), constraints.get(constraint),
                                    trainable))
        return var

    def _all_weight_records(self) -> list[Weight]:
        """Keras 3's order: own declared-trainable weights, own non-trainable ones, then each sublayer's."""
        own = [w for w in self._weights if w.declared_trainable] + \
              [w for w in self._weights if not w.declared_trainable]
        seen = {id(w) for w in own}
        for l in self._layers:
            for w in l._all_weight_records():
                if id(w) not in seen:
                    own.append(w)
                    seen.add(id(w))
        return own

    @property
    def weights(self) -> list[Variable]:
        return [w.variable for w in self._all_weight_records()]

    @property
    def trainable_weights(self) -> list[Variable]:
        return [v for v in self.weights if v.trainable] if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[Variable]:
        return [v for v in self.weights if not v.trainable]

    @property
    def variables(self) -> list[Variable]:
        return self.weights

    def weight_paths(self) -> list[str]:
        """Keras paths ("dense/kernel") of `weights`, in the same order."""
        by_id = {id(w.variable): w.path for w in self._all_weight_records()}
        return [by_id[id(v)] for v in self.weights]

    def get_weights(self) -> list:
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights: Sequence[Any]) -> None:
        mine = self.weights
        if len(weights) != len(mine):
            raise InvalidArgumentError(f"layer {self.name!r}: set_weights got {len(weights)} arrays but the layer "
                                       f"has {len(mine)} weights ({', '.join(self.weight_paths())})")
        for v, path, w in zip(mine, self.weight_paths(), weights):
            shape = tuple(getattr(w, "shape", ()))
            if shape != tuple(v.shape):
                raise ShapeError(f"layer {self.name!r}: weight {path} has shape {list(v.shape)} but set_weights "
                                 f"got shape {list(shape)}")
            v.assign(ENGINE.to_tensor(w, dtype=v.dtype) if not isinstance(w, Tensor) else w)

    def count_params(self) -> int:
        if not self.built:
            raise InvalidArgumentError(f"layer {self.name!r} is not built yet: call it on data or build it "
                                       f"before counting its parameters")
        return sum(v.size for v in self.weights)

    def apply_constraints(self) -> None:
        """Applies each weight's constraint (the training loop calls this after each update)."""
        for w in self._all_weight_records():
            if w.constraint is not None:
                w.variable.assign(w.constraint(w.variable))

    @property
    def losses(self) -> list[Tensor]:
        """Regularization losses of the weights (computed now, so they are differentiable) plus the
        activity regularization losses of the last call."""
        out = [w.regularizer(w.variable) for w in self._all_weight_records() if w.regularizer is not None]
        out.extend(self._activity_losses)
        for l in self._layers:
            out.extend(l._activity_losses)
        return out

    # ---- building and calling ---------------------------------------------------------------------
    def build(self, input_shape: Any) -> None:
        self.built = True

    def _maybe_build(self, input_shape: Any) -> None:
        if not self.built:
            self._build_input_shape = input_shape
            self.build(input_shape)
            self.built = True
            if self._initial_weights is not None:
                self.set_weights(self._initial_weights)
                self._initial_weights = None

    def call(self, inputs: Any, **kwargs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return mask if self.supports_masking else None

    def __call__(self, inputs: Any, *args: Any, training: bool | None = None, mask: Any = None,
                 **kwargs: Any) -> Any:
        from .functional import SymbolicTensor, call_symbolic
        flat = _flatten(inputs) + _flatten(args) + _flatten(list(kwargs.values()))
        if any(isinstance(t, SymbolicTensor) for t in flat):
            return call_symbolic(self, inputs, args, kwargs, training, mask)
        inputs = _to_tensors(inputs)
        self._maybe_build(_shapes(inputs))
        return self._call_eager(inputs, args, kwargs, training, mask)

    def _call_eager(self, inputs: Any, args: tuple, kwargs: dict, training: bool | None, mask: Any) -> Any:
        if training is None:
            training = current_training()
        call_kwargs = dict(kwargs)
        if "training" in self._call_params:
            call_kwargs["training"] = bool(training)
        if "mask" in self._call_params and mask is not None:
            call_kwargs["mask"] = mask
        with training_scope(training):
            outputs = self.call(inputs, *args, **call_kwargs)
        if self.activity_regularizer is not None:
            self._activity_losses = [self.activity_regularizer(o) for o in _flatten(outputs)]
        return outputs

    # ---- config -----------------------------------------------------------------------------------
    def get_config(self) -> dict:
        config = {"name": self.name, "trainable": self.trainable, "dtype": dict(DTYPE_POLICY)}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = list(self._batch_input_shape)
        if self.activity_regularizer is not None:
            from .serialization import serialize
            config["activity_regularizer"] = serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Layer":
        return cls(**config)

    def get_build_config(self) -> dict | None:
        """Keras' build_config: the input shape the layer was built with (None when not built)."""
        if not self.built:
            return None
        shape = getattr(self, "_build_input_shape", None)
        return {"input_shape": _jsonable_shape(shape)} if shape is not None else None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} built={self.built}>"

    def dispose(self) -> None:
        """Releases this layer's weights now."""
        for w in self._all_weight_records():
            w.variable.dispose()


def _call_params(cls: type) -> set[str]:
    try:
        return set(inspect.signature(cls.call).parameters)
    except (TypeError, ValueError):
        return set()


def _flatten(x: Any) -> list:
    if isinstance(x, (list, tuple)):
        return [t for v in x for t in _flatten(v)]
    if isinstance(x, dict):
        return [t for v in x.values() for t in _flatten(v)]
    return [x]


def _to_tensors(x: Any) -> Any:
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (list, tuple)):
        return type(x)(_to_tensors(v) for v in x) if not hasattr(x, "_fields") else x
    if isinstance(x, dict):
        return {k: _to_tensors(v) for k, v in x.items()}
    return ENGINE.to_tensor(x, dtype="float32" if not isinstance(x, Tensor) and _is_floaty(x) else None)


def _is_floaty(x: Any) -> bool:
    import numpy as np
    a = np.asarray(x)
    return a.dtype.kind in "f"


def _shapes(x: Any) -> Any:
    if isinstance(x, (list, tuple)):
        return [_shapes(v) for v in x]
    if isinstance(x, dict):
        return {k: _shapes(v) for k, v in x.items()}
    return tuple(x.shape)


def _jsonable_shape(shape: Any) -> Any:
    if isinstance(shape, dict):
        return {k: _jsonable_shape(v) for k, v in shape.items()}
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple, type(None))) \
            and not all(isinstance(d, (int, type(None))) for d in shape):
        return [_jsonable_shape(s) for s in shape]
    return list(shape) if shape is not None else None
