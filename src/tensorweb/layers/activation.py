"""Activation layers (Keras 3's "advanced activations"): ReLU, LeakyReLU, PReLU, ELU, ThresholdedReLU,
Softmax. All keep the input shape and pass masks through."""
from __future__ import annotations

import numbers
from typing import Any

from .. import ops
from ..errors import InvalidArgumentError, ShapeError
from . import activations, constraints, initializers, regularizers
from .base import Layer
from .serialization import builtin, serialize

__all__ = ["ReLU", "LeakyReLU", "PReLU", "ELU", "ThresholdedReLU", "Softmax"]


def _number(v: Any, arg: str, who: str, allow_none: bool = False, min_value: float | None = 0.0) -> Any:
    if v is None and allow_none:
        return None
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise InvalidArgumentError(f"{who}: {arg} must be a number, got {v!r}")
    if min_value is not None and v < min_value:
        raise InvalidArgumentError(f"{who}: {arg} cannot be negative, got {arg}={v!r}")
    return v


class _Elementwise(Layer):
    supports_masking = True

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape


@builtin("keras.layers")
class ReLU(_Elementwise):
    """x for x > threshold, negative_slope * (x - threshold) below it, clipped at max_value when given."""

    def __init__(self, max_value: float | None = None, negative_slope: float = 0.0, threshold: float = 0.0,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_value = _number(max_value, "max_value", "ReLU", allow_none=True)
        self.negative_slope = _number(negative_slope, "negative_slope", "ReLU")
        self.threshold = _number(threshold, "threshold", "ReLU")

    def call(self, inputs: Any) -> Any:
        return activations.relu(inputs, negative_slope=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"max_value": self.max_value, "negative_slope": self.negative_slope,
                       "threshold": self.threshold})
        return config


@builtin("keras.layers")
class LeakyReLU(_Elementwise):
    """x for x >= 0, negative_slope * x below (Keras 3's default slope 0.3; TF.js/tf.keras 2 name the
    argument `alpha`, which is accepted too)."""

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any) -> None:
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        self.negative_slope = _number(negative_slope, "negative_slope", "LeakyReLU")

    def call(self, inputs: Any) -> Any:
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self) -> dict:
        config = super().get_config()
        config["negative_slope"] = self.negative_slope
        return config


@builtin("keras.layers")
class PReLU(_Elementwise):
    """Leaky ReLU with a learned slope per input element (weight 'alpha' of shape input_shape[1:], with
    size 1 along `shared_axes`): relu(x) - alpha * relu(-x)."""

    def __init__(self, alpha_initializer: Any = "Zeros", alpha_regularizer: Any = None, alpha_constraint: Any = None,
                 shared_axes: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [int(a) for a in shared_axes]
        else:
            self.shared_axes = [int(shared_axes)]

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        param_shape = list(input_shape[1:])
        for a in self.shared_axes or []:
            if not 1 <= a < len(input_shape):
                raise InvalidArgumentError(f"PReLU {self.name!r}: shared_axes must be axes 1..{len(input_shape) - 1} "
                                           f"of the input (shape {list(input_shape)}), got {self.shared_axes}")
            param_shape[a - 1] = 1
        if any(d is None for d in param_shape):
            raise ShapeError(f"PReLU {self.name!r}: the non-shared input dimensions must be known, got input shape "
                             f"{list(input_shape)}")
        self._input_shape = input_shape
        self.alpha = self.add_weight(param_shape, self.alpha_initializer, regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint, name="alpha")

    def call(self, inputs: Any) -> Any:
        expected, alpha_shape = self._input_shape, self.alpha.shape
        if inputs.rank != len(expected) or any(alpha_shape[i - 1] != 1 and inputs.shape[i] != alpha_shape[i - 1]
                                               for i in range(1, inputs.rank)):
            raise ShapeError(f"PReLU {self.name!r}: expected inputs of shape {list(expected)}, got "
                             f"{list(inputs.shape)}")
        pos = ops.relu(inputs)
        neg = ops.mul(self.alpha, ops.relu(ops.neg(inputs)))
        return ops.sub(pos, neg)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"alpha_initializer": serialize(self.alpha_initializer),
                       "alpha_regularizer": serialize(self.alpha_regularizer),
                       "alpha_constraint": serialize(self.alpha_constraint),
                       "shared_axes": self.shared_axes})
        return config


@builtin("keras.layers")
class ELU(_Elementwise):
    """x for x > 0, alpha * (exp(x) - 1) below."""

    def __init__(self, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.alpha = _number(alpha, "alpha", "ELU", min_value=None)

    def call(self, inputs: Any) -> Any:
        return activations.elu(inputs, alpha=self.alpha)

    def get_config(self) -> dict:
        config = super().get_config()
        config["alpha"] = self.alpha
        return config


@builtin("keras.layers")
class ThresholdedReLU(_Elementwise):
    """x where x > theta, else 0 (tf.keras 2 / TF.js layer; Keras 3 dropped it)."""

    def __init__(self, theta: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.theta = _number(theta, "theta", "ThresholdedReLU")

    def call(self, inputs: Any) -> Any:
        return ops.mul(inputs, ops.cast(ops.greater(inputs, self.theta), inputs.dtype))

    def get_config(self) -> dict:
        config = super().get_config()
        config["theta"] = self.theta
        return config


_LARGE_NEGATIVE = -1e9


@builtin("keras.layers")
class Softmax(_Elementwise):
    """Softmax along `axis` (an int or a list of axes). With a mask (True = keep, broadcastable to the
    input), masked positions take -1e9 before the softmax and are exactly 0 in the output."""

    def __init__(self, axis: Any = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            axis = [int(a) for a in axis]
        self.axis = axis

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if mask is not None:
            mask = mask if hasattr(mask, "rank") else ops.tensor(mask)
            if mask.rank > inputs.rank or any(m != 1 and m != i for m, i in
                                              zip(reversed(mask.shape), reversed(inputs.shape))):
                raise ShapeError(f"Softmax {self.name!r}: the mask must be broadcastable to the inputs, got inputs "
                                 f"shape {list(inputs.shape)} and mask shape {list(mask.shape)}")
            if mask.dtype != "bool":
                mask = ops.greater(mask, 0.5)
            mask = ops.broadcast_to(mask, list(inputs.shape))
            inputs = ops.where(mask, inputs, ops.fill(list(inputs.shape), _LARGE_NEGATIVE))
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        if len(axes) == 1:
            out = activations.softmax(inputs, axis=axes[0])
        else:
            out = ops.exp(ops.sub(inputs, ops.log_sum_exp(inputs, axes, True)))
        if mask is not None:
            out = ops.where(mask, out, ops.zeros_like(out))
        return out

    def get_config(self) -> dict:
        config = super().get_config()
        config["axis"] = self.axis
        return config
