"""Sequential: a plain stack of layers, each with one input and one output."""
from __future__ import annotations

from typing import Any, Sequence

from ..errors import InvalidArgumentError
from .base import Layer, unique_name
from .functional import Input, InputLayer, Model, SymbolicTensor
from .serialization import builtin, deserialize, serialize


@builtin("keras", "Sequential")
class Sequential(Model):
    """`Sequential([layers...])`. Knows its graph once the input shape is known (an `Input` first, a first
    layer with `input_shape`, `build(shape)`, or the first call)."""

    def __init__(self, layers: Sequence[Any] | None = None, name: str | None = None, trainable: bool = True,
                 **kwargs: Any) -> None:
        Model.__init__(self, name=name or unique_name("sequential"), trainable=trainable, **kwargs)
        self._stack: list[Layer] = []
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._rebuild()

    def add(self, layer: Any, rebuild: bool = True) -> None:
        if isinstance(layer, SymbolicTensor):
            layer = layer.history[0]
        if not isinstance(layer, Layer):
            raise InvalidArgumentError(f"Sequential.add: expects a layer, got {type(layer).__name__}")
        if isinstance(layer, InputLayer) and self._stack:
            raise InvalidArgumentError("Sequential.add: an Input can only be the first layer")
        if any(layer.name == l.name for l in self._stack):
            raise InvalidArgumentError(f"Sequential.add: a layer named {layer.name!r} is already in the model")
        self._stack.append(layer)
        if not isinstance(layer, InputLayer):
            self._layers.append(layer)
        if rebuild:
            self._rebuild()

    def pop(self) -> Layer:
        real = [l for l in self._stack if not isinstance(l, InputLayer)]
        if not real:
            raise InvalidArgumentError("Sequential.pop: there are no layers to remove")
        layer = real[-1]
        self._stack.remove(layer)
        self._layers.remove(layer)
        self._functional = False
        self._rebuild()
        return layer

    def _input_batch_shape(self) -> tuple | None:
        if not self._stack:
            return None
        first = self._stack[0]
        if isinstance(first, InputLayer):
            return first.batch_shape
        if isinstance(first, Model) and first._functional and len(first.inputs) == 1:  # TF.js: a model first
            return first.inputs[0].shape
        return first._batch_input_shape

    def _rebuild(self) -> None:
        shape = self._input_batch_shape()
        if shape is not None and any(not isinstance(l, InputLayer) for l in self._stack):
            self._make_graph(shape)

    def _make_graph(self, batch_shape: Sequence) -> None:
        first = self._stack[0]
        x = first.output if isinstance(first, InputLayer) else Input(batch_shape=tuple(batch_shape))
        inp = x
        for layer in self._stack:
            if isinstance(layer, InputLayer):
                continue
            x = layer(x)
            if isinstance(x, list):
                raise InvalidArgumentError(f"Sequential: layer {layer.name!r} has several outputs; use the "
                                           f"functional API")
        self._set_graph(inp, x)
        if not isinstance(first, InputLayer):
            self._stack.insert(0, inp.history[0])

    def build(self, input_shape: Any = None) -> None:
        if input_shape is None:
            input_shape = self._input_batch_shape()
        if input_shape is None:
            raise InvalidArgumentError("Sequential.build: the input shape is unknown; pass it")
        if not self._functional:
            self._make_graph((None, *tuple(input_shape)[1:]))
        self.built = True

    def _maybe_build(self, input_shape: Any) -> None:
        if not self._functional:
            self.build(input_shape)
        self.built = True

    @property
    def layers(self) -> list[Layer]:
        return [l for l in self._stack if not isinstance(l, InputLayer)]

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        return self._run_graph(inputs, training, mask)

    def get_config(self) -> dict:
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
                            "registered_name": None},
                  "layers": [serialize(l) for l in self._stack]}
        if self._functional:
            config["build_input_shape"] = list(self._stack[0].batch_shape)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Sequential":
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config["layers"]:
            model.add(deserialize(layer_config, "layer", custom_objects), rebuild=False)
        shape = config.get("build_input_shape")
        if model._input_batch_shape() is None and shape:
            model.build(shape)
        else:
            model._rebuild()
        return model
