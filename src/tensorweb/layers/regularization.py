"""Regularization layers: Dropout, SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout, AlphaDropout,
ActivityRegularization. The random layers act only in training (training=True, or inside fit); at inference
they return their input unchanged. A `seed` makes the sequence of masks reproducible (each call draws a new
mask, like Keras' SeedGenerator)."""
from __future__ import annotations

import math
import numbers
from typing import Any

from .. import ops
from ..errors import InvalidArgumentError, ShapeError
from . import regularizers
from .base import Layer
from .serialization import builtin

__all__ = ["Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
           "GaussianDropout", "AlphaDropout", "ActivityRegularization"]


def _rate(v: Any, arg: str, who: str) -> float:
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not 0 <= v <= 1:
        raise InvalidArgumentError(f"{who}: {arg} must be a number between 0 and 1, got {arg}={v!r}")
    return v


def _seed(v: Any, who: str) -> Any:
    if v is None or (isinstance(v, numbers.Integral) and not isinstance(v, bool)):
        return v
    raise InvalidArgumentError(f"{who}: seed must be an integer or None, got {v!r}")


class _Random(Layer):
    """A layer that draws random numbers: a per-layer seed sequence."""

    supports_masking = True

    def _init_seed(self, seed: Any) -> None:
        self.seed = _seed(seed, type(self).__name__)
        self._draws = 0

    def _next_seed(self) -> Any:
        if self.seed is None:
            return None
        self._draws += 1
        return (int(self.seed) * 1000003 + self._draws * 7919) % (2 ** 31 - 1)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape


def _dropout(layer: _Random, inputs: Any, rate: float, noise_shape: list[int]) -> Any:
    """inputs * keep / (1 - rate), keep ~ Bernoulli(1 - rate) of shape noise_shape (broadcast)."""
    if rate >= 1:
        return ops.zeros_like(inputs)
    keep = ops.cast(ops.greater_equal(ops.random_uniform(noise_shape, 0, 1, "float32", layer._next_seed()), rate),
                    inputs.dtype)
    return ops.mul(inputs, ops.mul(keep, 1.0 / (1.0 - rate)))


@builtin("keras.layers")
class Dropout(_Random):
    """Training: zeroes each element with probability `rate` and scales the rest by 1 / (1 - rate), so the
    expected value is unchanged; `noise_shape` (None entries = the input's size) shares the mask along axes of
    size 1. Inference: identity."""

    def __init__(self, rate: float, noise_shape: Any = None, seed: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rate = _rate(rate, "rate", "Dropout")
        self._init_seed(seed)
        if noise_shape is not None:
            if isinstance(noise_shape, str) or not isinstance(noise_shape, (list, tuple)):
                raise InvalidArgumentError(f"Dropout: noise_shape must be a sequence of positive integers or None, "
                                           f"got {noise_shape!r}")
            for d in noise_shape:
                if d is not None and (isinstance(d, bool) or not isinstance(d, numbers.Integral) or d <= 0):
                    raise InvalidArgumentError(f"Dropout: noise_shape must be a sequence of positive integers or "
                                               f"None, got {list(noise_shape)}")
            noise_shape = tuple(noise_shape)
        self.noise_shape = noise_shape

    def _noise_shape(self, inputs: Any) -> list[int]:
        if self.noise_shape is None:
            return list(inputs.shape)
        if len(self.noise_shape) != inputs.rank or any(
                d is not None and d != 1 and d != s for d, s in zip(self.noise_shape, inputs.shape)):
            raise ShapeError(f"{type(self).__name__} {self.name!r}: noise_shape {list(self.noise_shape)} does not fit "
                             f"inputs of shape {list(inputs.shape)} (each entry must be None, 1 or the input's size)")
        return [s if d is None else d for d, s in zip(self.noise_shape, inputs.shape)]

    def call(self, inputs: Any, training: bool = False) -> Any:
        if training and self.rate > 0:
            return _dropout(self, inputs, self.rate, self._noise_shape(inputs))
        return inputs

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed,
                       "noise_shape": list(self.noise_shape) if self.noise_shape is not None else None})
        return config


class _SpatialDropout(_Random):
    _rank = 3

    def __init__(self, rate: float, data_format: Any = None, seed: Any = None, name: str | None = None,
                 dtype: Any = None, **kwargs: Any) -> None:
        kwargs.pop("noise_shape", None)
        super().__init__(name=name, dtype=dtype, **kwargs)
        who = type(self).__name__
        self.rate = _rate(rate, "rate", who)
        self._init_seed(seed)
        fmt = "channels_last" if data_format is None else str(data_format).lower()
        if fmt not in ("channels_last", "channels_first"):
            raise InvalidArgumentError(f"{who}: data_format must be 'channels_last' or 'channels_first', got "
                                       f"{data_format!r}")
        self.data_format = fmt

    def call(self, inputs: Any, training: bool = False) -> Any:
        if inputs.rank != self._rank:
            raise ShapeError(f"{type(self).__name__} {self.name!r}: expected inputs of rank {self._rank}, got shape "
                             f"{list(inputs.shape)}")
        if training and self.rate > 0:
            s = list(inputs.shape)
            if self.data_format == "channels_first":
                noise = [s[0], s[1]] + [1] * (self._rank - 2)
            else:
                noise = [s[0]] + [1] * (self._rank - 2) + [s[-1]]
            return _dropout(self, inputs, self.rate, noise)
        return inputs

    def get_config(self) -> dict:
        config = {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype}
        if not self.trainable:
            config["trainable"] = False
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = list(self._batch_input_shape)
        if self._rank > 3:
            config["data_format"] = self.data_format
        return config


@builtin("keras.layers")
class SpatialDropout1D(_SpatialDropout):
    """Dropout of whole feature channels of (batch, steps, channels) inputs: one mask value per (sample,
    channel), shared by all steps."""

    def __init__(self, rate: float, seed: Any = None, name: str | None = None, dtype: Any = None,
                 **kwargs: Any) -> None:
        kwargs.pop("data_format", None)
        super().__init__(rate, None, seed, name, dtype, **kwargs)


@builtin("keras.layers")
class SpatialDropout2D(_SpatialDropout):
    """Dropout of whole feature maps of images."""
    _rank = 4


@builtin("keras.layers")
class SpatialDropout3D(_SpatialDropout):
    """Dropout of whole feature maps of volumes."""
    _rank = 5


@builtin("keras.layers")
class GaussianNoise(_Random):
    """Training: adds N(0, stddev^2) noise. Inference: identity."""

    def __init__(self, stddev: float, seed: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(stddev, bool) or not isinstance(stddev, numbers.Real) or stddev < 0:
            raise InvalidArgumentError(f"GaussianNoise: stddev must be a non-negative number, got stddev={stddev!r}")
        self.stddev = stddev
        self._init_seed(seed)

    def call(self, inputs: Any, training: bool = False) -> Any:
        if training and self.stddev > 0:
            return ops.add(inputs, ops.random_normal(list(inputs.shape), 0.0, self.stddev, "float32",
                                                     self._next_seed()))
        return inputs

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config


@builtin("keras.layers")
class GaussianDropout(_Random):
    """Training: multiplies by N(1, rate / (1 - rate)) noise. Inference: identity."""

    def __init__(self, rate: float, seed: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rate = _rate(rate, "rate", "GaussianDropout")
        self._init_seed(seed)

    def call(self, inputs: Any, training: bool = False) -> Any:
        if training and self.rate > 0:
            if self.rate >= 1:
                raise InvalidArgumentError(f"GaussianDropout {self.name!r}: rate 1 gives infinite noise; use a rate "
                                           f"below 1")
            stddev = math.sqrt(self.rate / (1.0 - self.rate))
            return ops.mul(inputs, ops.random_normal(list(inputs.shape), 1.0, stddev, "float32", self._next_seed()))
        return inputs

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config


_SELU_ALPHA = 1.6732632423543772
_SELU_SCALE = 1.0507009873554805


@builtin("keras.layers")
class AlphaDropout(_Random):
    """Dropout for SELU networks: dropped units take SELU's negative saturation value, then an affine
    correction a * x + b keeps the mean and variance (Keras' formula). Inference: identity."""

    def __init__(self, rate: float, noise_shape: Any = None, seed: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rate = _rate(rate, "rate", "AlphaDropout")
        self.noise_shape = tuple(noise_shape) if noise_shape is not None else None
        self._init_seed(seed)

    def call(self, inputs: Any, training: bool = False) -> Any:
        if training and self.rate > 0:
            if self.rate >= 1:
                raise InvalidArgumentError(f"AlphaDropout {self.name!r}: rate must be below 1 in training, got 1")
            shape = list(inputs.shape) if self.noise_shape is None else \
                [s if d is None else d for d, s in zip(self.noise_shape, inputs.shape)]
            alpha_p = -_SELU_ALPHA * _SELU_SCALE
            kept = ops.cast(ops.greater_equal(ops.random_uniform(shape, 0, 1, "float32", self._next_seed()),
                                              self.rate), inputs.dtype)
            a = ((1 - self.rate) * (1 + self.rate * alpha_p ** 2)) ** -0.5
            b = -a * alpha_p * self.rate
            x = ops.add(ops.mul(inputs, kept), ops.mul(ops.sub(1.0, kept), alpha_p))
            return ops.add(ops.mul(x, a), b)
        return inputs

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed,
                       "noise_shape": list(self.noise_shape) if self.noise_shape is not None else None})
        return config


@builtin("keras.layers")
class ActivityRegularization(Layer):
    """Identity that adds l1 * sum(|x|) + l2 * sum(x^2) of its output to the layer's losses."""

    supports_masking = True

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs: Any) -> None:
        kwargs.pop("activity_regularizer", None)
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = l1, l2

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("activity_regularizer", None)
        config.update({"l1": self.l1, "l2": self.l2})
        return config
