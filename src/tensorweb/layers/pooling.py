"""Pooling layers, Keras 3-compatible: MaxPooling1D/2D/3D, AveragePooling1D/2D/3D (padding positions are left
out of averages, as Keras), GlobalAveragePooling1D/2D/3D (1-D with mask support) and GlobalMaxPooling1D/2D/3D.

Computation is channels-last; channels_first inputs are transposed in and out. 1-D pooling runs as 2-D
pooling of height 1.
"""
from __future__ import annotations

from typing import Any, Sequence

from .. import ops
from ..errors import InvalidArgumentError, ShapeError
from .base import Layer
from .convolutional import (_SPATIAL_NAMES, _to_channels_first, _to_channels_last, as_float,
                            conv_output_length, standardize_data_format, standardize_tuple)
from .serialization import builtin

__all__ = ["MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
           "AveragePooling3D", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
           "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
           "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D", "AvgPool2D", "AvgPool3D",
           "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D", "GlobalMaxPool1D", "GlobalMaxPool2D",
           "GlobalMaxPool3D"]


class _RankChecked(Layer):
    rank = 2
    data_format = "channels_last"

    def _check_rank(self, shape: Sequence) -> None:
        if len(shape) != self.rank + 2:
            spatial = _SPATIAL_NAMES[self.rank]
            layout = f"(batch, {spatial}, channels)" if self.data_format == "channels_last" else \
                f"(batch, channels, {spatial})"
            raise ShapeError(f"{type(self).__name__} {self.name!r}: expected inputs of rank {self.rank + 2} "
                             f"{layout}, got shape {list(shape)}")

    def build(self, input_shape: Any) -> None:
        self._check_rank(tuple(input_shape))
        self.built = True


class _BasePooling(_RankChecked):

    def __init__(self, pool_size: Any, strides: Any, rank: int, mode: str, padding: str = "valid",
                 data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        who = type(self).__name__
        self.rank = rank
        self.pool_mode = mode
        self.pool_size = standardize_tuple(pool_size, rank, "pool_size", who)
        self.strides = standardize_tuple(pool_size if strides is None else strides, rank, "strides", who)
        if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
            raise InvalidArgumentError(f"{who}: the `padding` argument must be 'valid' or 'same', got "
                                       f"padding={padding!r}")
        self.padding = padding.lower()
        self.data_format = standardize_data_format(data_format, who)

    def call(self, inputs: Any) -> Any:
        self._check_rank(inputs.shape)
        x = as_float(inputs)
        x = _to_channels_last(x) if self.data_format == "channels_first" else x
        if self.rank == 1:
            b, w, c = x.shape
            x4 = ops.reshape(x, [b, 1, w, c])
            fn = ops.max_pool if self.pool_mode == "max" else ops.avg_pool
            y = fn(x4, (1, self.pool_size[0]), (1, self.strides[0]), self.padding)
            y = ops.reshape(y, [b, y.shape[2], c])
        elif self.rank == 2:
            fn = ops.max_pool if self.pool_mode == "max" else ops.avg_pool
            y = fn(x, self.pool_size, self.strides, self.padding)
        else:
            fn = ops.max_pool3d if self.pool_mode == "max" else ops.avg_pool3d
            y = fn(x, self.pool_size, self.strides, self.padding)
        return _to_channels_first(y) if self.data_format == "channels_first" else y

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = tuple(input_shape)
        self._check_rank(shape)
        first = self.data_format == "channels_first"
        spatial_in = shape[2:] if first else shape[1:-1]
        spatial = [conv_output_length(d, p, s, self.padding) for d, p, s in
                   zip(spatial_in, self.pool_size, self.strides)]
        if any(d is not None and d <= 0 for d in spatial):
            raise ShapeError(f"{type(self).__name__} {self.name!r}: the output size would be zero or negative: "
                             f"inputs of shape {list(shape)} with pool_size={self.pool_size}, "
                             f"strides={self.strides}, padding={self.padding!r}")
        return (shape[0], shape[1], *spatial) if first else (shape[0], *spatial, shape[-1])

    def build(self, input_shape: Any) -> None:
        self.compute_output_shape(input_shape)
        self.built = True

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "padding": self.padding, "strides": self.strides,
                       "data_format": self.data_format})
        return config


@builtin("keras.layers", "MaxPool1D")
class MaxPooling1D(_BasePooling):
    """The max of each window of pool_size steps (strides defaults to pool_size)."""

    def __init__(self, pool_size: Any = 2, strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(pool_size, strides, 1, "max", padding, data_format, name=name, **kwargs)


@builtin("keras.layers", "MaxPool2D")
class MaxPooling2D(_BasePooling):
    """The max of each pool_size window of (batch, height, width, channels) inputs."""

    def __init__(self, pool_size: Any = (2, 2), strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(pool_size, strides, 2, "max", padding, data_format, name=name, **kwargs)


@builtin("keras.layers", "MaxPool3D")
class MaxPooling3D(_BasePooling):
    """The max of each pool_size window of (batch, depth, height, width, channels) inputs."""

    def __init__(self, pool_size: Any = (2, 2, 2), strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(pool_size, strides, 3, "max", padding, data_format, name=name, **kwargs)


@builtin("keras.layers", "AvgPool1D")
class AveragePooling1D(_BasePooling):
    """The mean of each window of pool_size steps ('same' padding is left out of the mean)."""

    def __init__(self, pool_size: Any, strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(pool_size, strides, 1, "average", padding, data_format, name=name, **kwargs)


@builtin("keras.layers", "AvgPool2D")
class AveragePooling2D(_BasePooling):
    """The mean of each pool_size window of (batch, height, width, channels) inputs."""

    def __init__(self, pool_size: Any, strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(pool_size, strides, 2, "average", padding, data_format, name=name, **kwargs)


@builtin("keras.layers", "AvgPool3D")
class AveragePooling3D(_BasePooling):
    """The mean of each pool_size window of (batch, depth, height, width, channels) inputs."""

    def __init__(self, pool_size: Any, strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(pool_size, strides, 3, "average", padding, data_format, name=name, **kwargs)


# ---- global pooling ----------------------------------------------------------------------------------

class _BaseGlobalPooling(_RankChecked):

    def __init__(self, rank: int, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rank = rank
        self.data_format = standardize_data_format(data_format, type(self).__name__)
        self.keepdims = bool(keepdims)

    def _axes(self) -> list[int]:
        return list(range(1, self.rank + 1)) if self.data_format == "channels_last" else \
            list(range(2, self.rank + 2))

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = tuple(input_shape)
        self._check_rank(shape)
        if self.data_format == "channels_last":
            return (shape[0], *(1,) * self.rank, shape[-1]) if self.keepdims else (shape[0], shape[-1])
        return (shape[0], shape[1], *(1,) * self.rank) if self.keepdims else (shape[0], shape[1])

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config


class _GlobalAverage(_BaseGlobalPooling):
    def call(self, inputs: Any) -> Any:
        self._check_rank(inputs.shape)
        return ops.mean(as_float(inputs), self._axes(), self.keepdims)


class _GlobalMax(_BaseGlobalPooling):
    def call(self, inputs: Any) -> Any:
        self._check_rank(inputs.shape)
        return ops.max(as_float(inputs), self._axes(), self.keepdims)


@builtin("keras.layers", "GlobalAvgPool1D")
class GlobalAveragePooling1D(_BaseGlobalPooling):
    """The mean over the steps axis; with a mask (batch, steps), the mean of the unmasked steps only
    (NaN for a sample whose steps are all masked, as Keras). The output carries no mask."""

    supports_masking = True

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(1, data_format, keepdims, **kwargs)

    def call(self, inputs: Any, mask: Any = None) -> Any:
        self._check_rank(inputs.shape)
        axis = self._axes()[0]
        inputs = as_float(inputs)
        if mask is None:
            return ops.mean(inputs, axis, self.keepdims)
        mask = mask if hasattr(mask, "shape") and hasattr(mask, "dtype") else ops.tensor(mask)
        if tuple(mask.shape) != (inputs.shape[0], inputs.shape[axis]):
            raise ShapeError(f"GlobalAveragePooling1D {self.name!r}: expected a mask of shape "
                             f"{[inputs.shape[0], inputs.shape[axis]]} (batch, steps), got {list(mask.shape)}")
        m = ops.expand_dims(ops.cast(mask, "bool"), 2 if self.data_format == "channels_last" else 1)
        x = ops.where(m, inputs, ops.zeros_like(inputs))
        count = ops.sum(ops.cast(m, inputs.dtype), axis, self.keepdims)
        return ops.div(ops.sum(x, axis, self.keepdims), count)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return None


@builtin("keras.layers", "GlobalAvgPool2D")
class GlobalAveragePooling2D(_GlobalAverage):
    """The mean over height and width."""

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(2, data_format, keepdims, **kwargs)


@builtin("keras.layers", "GlobalAvgPool3D")
class GlobalAveragePooling3D(_GlobalAverage):
    """The mean over depth, height and width."""

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(3, data_format, keepdims, **kwargs)


@builtin("keras.layers", "GlobalMaxPool1D")
class GlobalMaxPooling1D(_GlobalMax):
    """The max over the steps axis."""

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(1, data_format, keepdims, **kwargs)


@builtin("keras.layers", "GlobalMaxPool2D")
class GlobalMaxPooling2D(_GlobalMax):
    """The max over height and width."""

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(2, data_format, keepdims, **kwargs)


@builtin("keras.layers", "GlobalMaxPool3D")
class GlobalMaxPooling3D(_GlobalMax):
    """The max over depth, height and width."""

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(3, data_format, keepdims, **kwargs)


# Keras' alternative names
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = GlobalAveragePooling1D, GlobalAveragePooling2D, \
    GlobalAveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D
