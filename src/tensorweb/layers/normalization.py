"""Normalization layers: BatchNormalization and LayerNormalization (Keras 3's semantics)."""
from __future__ import annotations

from typing import Any

from .. import ops
from ..core.engine import ENGINE
from ..errors import InvalidArgumentError, ShapeError
from . import constraints, initializers, regularizers
from .base import Layer
from .serialization import builtin, serialize

__all__ = ["BatchNormalization", "LayerNormalization"]

# the small constant Keras' backend adds to masked counts (keras.config.epsilon())
_KERAS_EPSILON = 1e-7


def _shape_str(shape: Any) -> str:
    return str(list(shape)) if shape is not None else "None"


def _single_axis(axis: Any, who: str) -> int:
    """Keras 3 keeps an int; tf.keras 2 / TF.js configs may write it as a one-element list."""
    if isinstance(axis, (list, tuple)):
        if len(axis) != 1:
            raise InvalidArgumentError(f"{who}: axis must be a single integer, got {axis!r}")
        axis = axis[0]
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise InvalidArgumentError(f"{who}: axis must be an integer, got {axis!r}")
    return int(axis)


@builtin("keras.layers")
class BatchNormalization(Layer):
    """Normalizes each feature (along `axis`) with the batch statistics in training (updating the moving
    mean and variance: `moving = moving * momentum + batch * (1 - momentum)`, biased batch variance) and
    with the moving statistics in inference; then scales by `gamma` and shifts by `beta`."""

    supports_masking = True

    def __init__(self, axis: Any = -1, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 moving_mean_initializer: Any = "zeros", moving_variance_initializer: Any = "ones",
                 beta_regularizer: Any = None, gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, renorm: bool = False, renorm_clipping: Any = None,
                 renorm_momentum: float = 0.99, synchronized: bool = False, **kwargs: Any) -> None:
        for old in ("fused", "virtual_batch_size", "adjustment"):  # tf.keras 2 arguments without effect here
            value = kwargs.pop(old, None)
            if old != "fused" and value is not None:
                raise InvalidArgumentError(f"BatchNormalization: {old} is not supported, got {value!r}")
        super().__init__(**kwargs)
        self.axis = _single_axis(axis, "BatchNormalization")
        if renorm:
            raise InvalidArgumentError("BatchNormalization: renorm=True (batch renormalization) is not supported")
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.renorm = False
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = float(renorm_momentum)
        self.synchronized = bool(synchronized)
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None

    def _positive_axis(self, rank: int) -> int:
        if not -rank <= self.axis < rank:
            raise ShapeError(f"BatchNormalization {self.name!r}: axis {self.axis} is out of bounds for inputs of "
                             f"rank {rank}")
        return self.axis % rank

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        axis = self._positive_axis(len(input_shape))
        dim = input_shape[axis]
        if dim is None:
            raise ShapeError(f"BatchNormalization {self.name!r}: the normalized axis {self.axis} of the input "
                             f"must be known, got input shape {_shape_str(input_shape)}")
        shape = (int(dim),)
        self._input_rank = len(input_shape)
        self._dim = int(dim)
        self._reduction_axes = [i for i in range(len(input_shape)) if i != axis]
        if self.scale:
            self.gamma = self.add_weight(shape, self.gamma_initializer, regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint, name="gamma")
        if self.center:
            self.beta = self.add_weight(shape, self.beta_initializer, regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint, name="beta")
        self.moving_mean = self.add_weight(shape, self.moving_mean_initializer, trainable=False,
                                           name="moving_mean")
        self.moving_variance = self.add_weight(shape, self.moving_variance_initializer, trainable=False,
                                               name="moving_variance")

    def _check_input(self, inputs: Any) -> int:
        shape = tuple(inputs.shape)
        if len(shape) != self._input_rank or shape[self._positive_axis(len(shape))] != self._dim:
            expected = ["?"] * self._input_rank
            expected[self.axis % self._input_rank] = self._dim
            raise ShapeError(f"BatchNormalization {self.name!r}: expected inputs of rank {self._input_rank} with "
                             f"dimension {self._dim} on axis {self.axis} (shape [{', '.join(map(str, expected))}]), "
                             f"got shape {_shape_str(shape)}")
        return self.axis % self._input_rank

    def _moments(self, inputs: Any, mask: Any) -> tuple[Any, Any]:
        if mask is None:
            return ops.moments(inputs, self._reduction_axes)
        m = ops.broadcast_to(ops.expand_dims(ops.cast(mask, "bool"), -1), list(inputs.shape))
        weights = ops.cast(m, "float32")
        count = ops.add(ops.sum(weights, self._reduction_axes, True), _KERAS_EPSILON)
        mean = ops.div(ops.sum(ops.where(m, inputs, ops.zeros_like(inputs)), self._reduction_axes, True), count)
        diff = ops.where(m, ops.sub(inputs, mean), ops.zeros_like(inputs))
        variance = ops.div(ops.sum(ops.square(diff), self._reduction_axes, True), count)
        return ops.reshape(mean, [self._dim]), ops.reshape(variance, [self._dim])

    def _update_moving(self, mean: Any, variance: Any) -> None:
        # The update reads the batch statistics' values only: it is no part of any gradient, and its
        # intermediates are released at once.
        def detached(t: Any) -> Any:
            return ENGINE.to_tensor(t.numpy(), dtype="float32")
        with ENGINE.tidy():
            for var, batch in ((self.moving_mean, mean), (self.moving_variance, variance)):
                var.assign(ops.add(ops.mul(detached(var), self.momentum), ops.mul(detached(batch),
                                                                                  1.0 - self.momentum)))

    def call(self, inputs: Any, training: bool = False, mask: Any = None) -> Any:
        axis = self._check_input(inputs)
        if mask is not None and len(mask.shape) != inputs.rank - 1:
            raise ShapeError(f"BatchNormalization {self.name!r}: the mask must have one dimension less than the "
                             f"inputs, got mask shape {_shape_str(mask.shape)} and input shape "
                             f"{_shape_str(inputs.shape)}")
        if mask is not None and not hasattr(mask, "rank"):
            mask = ENGINE.to_tensor(mask)
        if inputs.dtype != "float32":
            inputs = ops.cast(inputs, "float32")
        if training and self.trainable:
            mean, variance = self._moments(inputs, mask)
            self._update_moving(mean, variance)
        else:
            mean, variance = self.moving_mean, self.moving_variance
        bshape = [1] * inputs.rank
        bshape[axis] = self._dim
        inv = ops.rsqrt(ops.add(variance, self.epsilon))
        if self.gamma is not None:
            inv = ops.mul(inv, self.gamma)
        out = ops.mul(ops.sub(inputs, ops.reshape(mean, bshape)), ops.reshape(inv, bshape))
        if self.beta is not None:
            out = ops.add(out, ops.reshape(self.beta, bshape))
        return out

    def compute_output_shape(self, input_shape: Any) -> Any:
        input_shape = tuple(input_shape)
        self._positive_axis(len(input_shape))
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon, "center": self.center,
            "scale": self.scale,
            "beta_initializer": serialize(self.beta_initializer),
            "gamma_initializer": serialize(self.gamma_initializer),
            "moving_mean_initializer": serialize(self.moving_mean_initializer),
            "moving_variance_initializer": serialize(self.moving_variance_initializer),
            "beta_regularizer": serialize(self.beta_regularizer),
            "gamma_regularizer": serialize(self.gamma_regularizer),
            "beta_constraint": serialize(self.beta_constraint),
            "gamma_constraint": serialize(self.gamma_constraint),
            "synchronized": self.synchronized, "renorm": self.renorm, "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        })
        return config


@builtin("keras.layers")
class LayerNormalization(Layer):
    """Normalizes each example over `axis` (one axis or several): `(x - mean) / sqrt(var + epsilon)`,
    then scales by `gamma` and shifts by `beta` (weights shaped like the normalized axes).
    `rms_scaling=True` (deprecated in Keras 3) divides by sqrt(var + epsilon) without centering and
    uses `gamma` only."""

    supports_masking = True

    def __init__(self, axis: Any = -1, epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                 beta_initializer: Any = "zeros", gamma_initializer: Any = "ones", beta_regularizer: Any = None,
                 gamma_regularizer: Any = None, beta_constraint: Any = None, gamma_constraint: Any = None,
                 **kwargs: Any) -> None:
        rms_scaling = bool(kwargs.pop("rms_scaling", False))
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            if not axis or not all(isinstance(a, int) and not isinstance(a, bool) for a in axis):
                raise InvalidArgumentError(f"LayerNormalization: axis must be an int or a non-empty list of ints, "
                                           f"got {axis!r}")
            self.axis: Any = [int(a) for a in axis]
        elif isinstance(axis, int) and not isinstance(axis, bool):
            self.axis = int(axis)
        else:
            raise InvalidArgumentError(f"LayerNormalization: axis must be an int or a list of ints, got {axis!r}")
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.gamma = self.beta = None

    def _axes(self, rank: int) -> list[int]:
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        for a in axes:
            if not -rank <= a < rank:
                raise ShapeError(f"LayerNormalization {self.name!r}: axis {a} is out of bounds for inputs of "
                                 f"rank {rank}")
        return sorted(a % rank for a in axes)

    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        rank = len(input_shape)
        axes = self._axes(rank)
        # Keras keeps the axes as a sorted list once built (an int axis becomes [axis])
        self.axis = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        shape = tuple(input_shape[a] for a in axes)
        if any(d is None for d in shape):
            raise ShapeError(f"LayerNormalization {self.name!r}: the normalized axes {axes} of the input must be "
                             f"known, got input shape {_shape_str(input_shape)}")
        self._input_rank = rank
        self._norm_shape = tuple(int(d) for d in shape)
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(self._norm_shape, self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         name="gamma")
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(self._norm_shape, self.beta_initializer, regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint, name="beta")

    def call(self, inputs: Any) -> Any:
        rank = inputs.rank
        axes = self._axes(rank)
        got = tuple(inputs.shape[a] for a in axes)
        if rank != self._input_rank or got != self._norm_shape:
            raise ShapeError(f"LayerNormalization {self.name!r}: expected inputs of rank {self._input_rank} with "
                             f"dimensions {list(self._norm_shape)} on axes {axes}, got shape "
                             f"{_shape_str(inputs.shape)}")
        if inputs.dtype != "float32":
            inputs = ops.cast(inputs, "float32")
        bshape = [1] * rank
        for a in axes:
            bshape[a] = inputs.shape[a]
        mean, variance = ops.moments(inputs, axes, True)
        inv = ops.rsqrt(ops.add(variance, self.epsilon))
        if self.rms_scaling:
            out = ops.mul(inputs, inv)
            return ops.mul(out, ops.reshape(self.gamma, bshape)) if self.gamma is not None else out
        if self.gamma is not None:
            inv = ops.mul(inv, ops.reshape(self.gamma, bshape))
        out = ops.mul(ops.sub(inputs, mean), inv)
        if self.beta is not None:
            out = ops.add(out, ops.reshape(self.beta, bshape))
        return out

    def compute_output_shape(self, input_shape: Any) -> Any:
        input_shape = tuple(input_shape)
        self._axes(len(input_shape))
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "axis": self.axis, "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": serialize(self.beta_initializer),
            "gamma_initializer": serialize(self.gamma_initializer),
            "beta_regularizer": serialize(self.beta_regularizer),
            "gamma_regularizer": serialize(self.gamma_regularizer),
            "beta_constraint": serialize(self.beta_constraint),
            "gamma_constraint": serialize(self.gamma_constraint),
        })
        return config
