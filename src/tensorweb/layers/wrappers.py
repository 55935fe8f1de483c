"""Wrapper layers (Keras 3's semantics): TimeDistributed and Bidirectional.

TimeDistributed applies its layer to every timestep at once by folding time into the batch
((batch, time, ...) -> (batch * time, ...) -> layer -> (batch, time, ...)); Keras 3 calls the layer once per
timestep, which gives the same result for every layer whose output for a sample does not depend on the
other samples of the batch (all layers except BatchNormalization in training mode).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..core.engine import ENGINE
from ..core.tensor import Tensor
from ..errors import InvalidArgumentError, ShapeError
from .base import Layer, _flatten, _shapes
from .rnn import _build_child, _is_nested, _shape_str
from .serialization import builtin, deserialize, serialize

__all__ = ["TimeDistributed", "Bidirectional"]


def _overrides(layer: Layer, method: str) -> bool:
    return getattr(type(layer), method) is not getattr(Layer, method)


def _removeprefix(s: str, prefix: str) -> str:
    return s[len(prefix):] if s.startswith(prefix) else s


@builtin("keras.layers")
class TimeDistributed(Layer):
    """Applies `layer` to every temporal slice of (batch, time, ...) inputs."""

    supports_masking = True

    def __init__(self, layer: Layer, **kwargs: Any) -> None:
        if not isinstance(layer, Layer):
            raise InvalidArgumentError(f"TimeDistributed: layer must be a tensorweb Layer instance, got {layer!r}")
        super().__init__(**kwargs)
        self.layer = layer

    def _child_shape(self, input_shape: Any) -> tuple:
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3 or \
                not all(d is None or isinstance(d, int) for d in input_shape):
            raise ShapeError(f"TimeDistributed {self.name!r}: expected inputs of rank >= 3 (batch, time, ...), "
                             f"got shape {_shape_str(input_shape)}")
        return (input_shape[0], *input_shape[2:])

    def build(self, input_shape: Any) -> None:
        _build_child(self, self.layer, self._child_shape(input_shape))

    def compute_output_shape(self, input_shape: Any) -> Any:
        child = self._child_shape(input_shape)
        if _overrides(self.layer, "compute_output_shape"):
            out = self.layer.compute_output_shape(child)
        else:  # run the layer on zeros (unknown sizes -> 1) and read the shape
            with ENGINE.tidy():
                y = self.layer(ENGINE.to_tensor(np.zeros([1 if d is None else d for d in child], np.float32)))
                out = _shapes(y)
            if child[0] is None:
                out = (None, *tuple(out)[1:])
        return (out[0], input_shape[1], *tuple(out)[1:])

    def call(self, inputs: Tensor, training: bool | None = None, mask: Any = None) -> Any:
        self._child_shape(tuple(inputs.shape))
        batch, steps = inputs.shape[0], inputs.shape[1]
        x = ops.reshape(inputs, [batch * steps, *inputs.shape[2:]])
        if _is_nested(mask):
            mask = mask[0] if mask else None
        child_mask = None
        if mask is not None and "mask" in self.layer._call_params:
            if mask.rank < 2 or tuple(mask.shape[:2]) != (batch, steps):
                raise ShapeError(f"TimeDistributed {self.name!r}: the mask should start with the (batch, time) "
                                 f"dimensions {_shape_str((batch, steps))} of the inputs, got mask shape "
                                 f"{_shape_str(mask.shape)}")
            child_mask = ops.reshape(mask, [batch * steps, *mask.shape[2:]])
        y = self.layer(x, training=training, mask=child_mask)

        def unfold(t: Tensor) -> Tensor:
            return ops.reshape(t, [batch, steps, *t.shape[1:]])
        if _is_nested(y):
            return [unfold(t) for t in _flatten(y)]
        return unfold(y)

    def get_config(self) -> dict:
        config = super().get_config()
        config["layer"] = serialize(self.layer)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "TimeDistributed":
        config = dict(config)
        layer = deserialize(config.pop("layer"), "layer", custom_objects)
        return cls(layer, **config)


_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


@builtin("keras.layers")
class Bidirectional(Layer):
    """Runs a recurrent layer forwards and a copy of it backwards over the sequence and merges the two
    outputs (merge_mode 'concat', 'sum', 'mul', 'ave', or None for the list [forward, backward]).

    As Keras 3, the given layer is copied from its config into `forward_layer` (named 'forward_<name>') and,
    unless `backward_layer` is given, into `backward_layer` ('backward_<name>', go_backwards flipped to
    True). With return_state the outputs are [merged output(s), *forward_states, *backward_states]."""

    supports_masking = True

    def __init__(self, layer: Layer, merge_mode: str | None = "concat", weights: Any = None,
                 backward_layer: Layer | None = None, **kwargs: Any) -> None:
        if not isinstance(layer, Layer):
            raise InvalidArgumentError(f"Bidirectional: layer must be a tensorweb Layer instance, got {layer!r}")
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise InvalidArgumentError(f"Bidirectional: backward_layer must be a tensorweb Layer instance, got "
                                       f"{backward_layer!r}")
        if merge_mode not in _MERGE_MODES:
            raise InvalidArgumentError(f"Bidirectional: invalid merge_mode {merge_mode!r}; expected one of "
                                       f"'concat', 'sum', 'mul', 'ave' or None")
        for attr in ("go_backwards", "return_sequences", "return_state"):
            if not hasattr(layer, attr):
                raise InvalidArgumentError(f"Bidirectional: the wrapped layer must be a recurrent layer (with "
                                           f"`{attr}`), got {type(layer).__name__}")
        super().__init__(weights=weights, **kwargs)
        config = serialize(layer)
        config["config"] = dict(config["config"], name=f"forward_{_removeprefix(layer.name, 'forward_')}")
        self.forward_layer = deserialize(config, "layer")
        if backward_layer is None:
            config = serialize(layer)
            config["config"] = dict(config["config"], go_backwards=True,
                                    name=f"backward_{_removeprefix(layer.name, 'backward_')}")
            self.backward_layer = deserialize(config, "layer")
        else:
            self.backward_layer = backward_layer
        fw, bw = self.forward_layer, self.backward_layer
        if fw.go_backwards == bw.go_backwards:
            raise InvalidArgumentError(f"Bidirectional: the forward and backward layers must have different "
                                       f"go_backwards values, got forward_layer.go_backwards={fw.go_backwards} "
                                       f"and backward_layer.go_backwards={bw.go_backwards}")
        for attr in ("stateful", "return_sequences", "return_state"):
            a, b = getattr(fw, attr, None), getattr(bw, attr, None)
            if a != b:
                raise InvalidArgumentError(f"Bidirectional: the forward and backward layers must have the same "
                                           f"{attr}, got {a!r} for the forward layer and {b!r} for the backward "
                                           f"layer")
        for l in (fw, bw):  # as Keras: masked timesteps give zeros in returned sequences
            if getattr(l, "zero_output_for_mask", None) is not None:
                l.zero_output_for_mask = l.return_sequences
        self.merge_mode = merge_mode
        self.stateful = getattr(layer, "stateful", False)
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state

    @staticmethod
    def _sequence_shape(shape: Any) -> tuple:
        if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
            return tuple(shape[0])
        return tuple(shape)

    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        shape = self._sequence_shape(sequences_shape)
        _build_child(self, self.forward_layer, shape)
        _build_child(self, self.backward_layer, shape)

    def _n_states(self) -> int:
        fn = getattr(self.forward_layer, "_n_states", None)
        return fn() if fn is not None else 0

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        shape = self._sequence_shape(sequences_shape)
        out = self.forward_layer.compute_output_shape(shape)
        states: list = []
        if self.return_state:
            out, states = tuple(out[0]), [tuple(s) for s in out[1:]]
        out = tuple(out)
        if self.merge_mode == "concat":
            out = (*out[:-1], None if out[-1] is None else 2 * out[-1])
        outs = [out, out] if self.merge_mode is None else [out]
        if self.return_state:
            return [*outs, *states, *states]
        return outs if self.merge_mode is None else out

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if _is_nested(mask):
            mask = mask[0] if mask else None
        m = mask if self.return_sequences else None
        outs = [m, m] if self.merge_mode is None else [m]
        if self.return_state:
            return [*outs, *[None] * (2 * self._n_states())]
        return outs if self.merge_mode is None else m

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None, training: bool | None = None) -> Any:
        if _is_nested(sequences):  # Keras 2 / TF.js form: [sequences, *initial_states]
            if initial_state is None and len(sequences) > 1:
                initial_state = list(sequences[1:])
            sequences = sequences[0]
        fw_kwargs: dict = {}
        bw_kwargs: dict = {}
        if initial_state is not None:
            states = list(_flatten(initial_state))
            if len(states) % 2:
                raise InvalidArgumentError(f"Bidirectional {self.name!r}: initial_state must hold the forward "
                                           f"states then the backward states (an even number), got "
                                           f"{len(states)} tensor(s)")
            half = len(states) // 2
            fw_kwargs["initial_state"], bw_kwargs["initial_state"] = states[:half], states[half:]
        y = self.forward_layer(sequences, training=training, mask=mask, **fw_kwargs)
        y_rev = self.backward_layer(sequences, training=training, mask=mask, **bw_kwargs)
        states_out: list = []
        if self.return_state:
            states_out = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = ops.reverse(y_rev, 1)
        if self.merge_mode == "concat":
            outs = [ops.concat([y, y_rev], -1)]
        elif self.merge_mode == "sum":
            outs = [ops.add(y, y_rev)]
        elif self.merge_mode == "ave":
            outs = [ops.div(ops.add(y, y_rev), 2.0)]
        elif self.merge_mode == "mul":
            outs = [ops.mul(y, y_rev)]
        else:
            outs = [y, y_rev]
        if self.return_state:
            return [*outs, *states_out]
        return outs if self.merge_mode is None else outs[0]

    def get_config(self) -> dict:
        config = super().get_config()
        config["merge_mode"] = self.merge_mode
        config["layer"] = serialize(self.forward_layer)
        config["backward_layer"] = serialize(self.backward_layer)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Bidirectional":
        config = dict(config)
        layer = deserialize(config.pop("layer"), "layer", custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            backward = deserialize(backward, "layer", custom_objects)
        return cls(layer, backward_layer=backward, **config)
