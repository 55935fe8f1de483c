"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector, Cropping1D/2D/3D, UpSampling1D/2D/3D,
ZeroPadding1D/2D/3D (Keras 3's semantics; 'channels_first' data is handled by moving the spatial axes)."""
from __future__ import annotations

import math
import numbers
from typing import Any

from .. import ops
from ..errors import InvalidArgumentError, ShapeError
from .base import Layer
from .serialization import builtin

__all__ = ["Flatten", "Reshape", "Permute", "RepeatVector", "Cropping1D", "Cropping2D", "Cropping3D",
           "UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D"]


def _data_format(value: Any, who: str) -> str:
    if value is None:
        return "channels_last"
    v = str(value).lower()
    if v not in ("channels_last", "channels_first"):
        raise InvalidArgumentError(f"{who}: data_format must be 'channels_last' or 'channels_first', got {value!r}")
    return v


def _int(v: Any, arg: str, who: str, minimum: int = 0) -> int:
    if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < minimum:
        kind = "a positive" if minimum > 0 else "a non-negative"
        raise InvalidArgumentError(f"{who}: {arg} must be {kind} integer, got {v!r}")
    return int(v)


def _tuple(v: Any, n: int, arg: str, who: str, minimum: int = 0) -> tuple[int, ...]:
    """An int (repeated n times) or a sequence of n ints."""
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
        return (_int(v, arg, who, minimum),) * n
    if not isinstance(v, (list, tuple)) or len(v) != n:
        raise InvalidArgumentError(f"{who}: {arg} must be an integer or a sequence of {n} integers, got {v!r}")
    return tuple(_int(x, arg, who, minimum) for x in v)


def _pairs(v: Any, n: int, arg: str, who: str) -> tuple[tuple[int, int], ...]:
    """Keras' padding/cropping argument for n spatial dims: an int, n ints (symmetric), or n pairs."""
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
        p = _int(v, arg, who)
        return ((p, p),) * n
    if not isinstance(v, (list, tuple)) or len(v) != n:
        raise InvalidArgumentError(f"{who}: {arg} must be an integer, {n} integers or {n} pairs of integers, "
                                   f"got {v!r}")
    return tuple(_tuple(x, 2, arg, who) for x in v)


def _check_rank(layer: Layer, shape: Any, rank: int) -> None:
    if len(shape) != rank:
        raise ShapeError(f"{type(layer).__name__} {layer.name!r}: expected inputs of rank {rank}, got shape "
                         f"{list(shape)}")


def _spatial_axes(n: int, data_format: str) -> list[int]:
    return list(range(2, 2 + n)) if data_format == "channels_first" else list(range(1, 1 + n))


def _pairs_config(pairs: tuple) -> list:
    return [list(p) for p in pairs]


# ---- Flatten, Reshape, Permute, RepeatVector ----------------------------------------------------------------
@builtin("keras.layers")
class Flatten(Layer):
    """(batch, ...) -> (batch, prod(...)); with data_format='channels_first' the channels axis is moved last
    first, so that the order matches channels_last data."""

    def __init__(self, data_format: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = _data_format(data_format, "Flatten")

    def call(self, inputs: Any) -> Any:
        if inputs.rank < 1:
            raise ShapeError(f"Flatten {self.name!r}: expected inputs of rank >= 1, got a scalar")
        if self.data_format == "channels_first" and inputs.rank > 2:
            inputs = ops.transpose(inputs, [0, *range(2, inputs.rank), 1])
        return ops.reshape(inputs, [inputs.shape[0], math.prod(inputs.shape[1:])])

    def compute_output_shape(self, input_shape: Any) -> Any:
        rest = tuple(input_shape)[1:]
        return (input_shape[0], None if any(d is None for d in rest) else math.prod(rest))

    def get_config(self) -> dict:
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


def _reshape_target(in_dims: tuple, target: tuple, who: str) -> tuple:
    """target with its -1 resolved (None when the input has unknown sizes); checks the sizes agree."""
    known = math.prod(d for d in target if d != -1)
    if any(d is None for d in in_dims):
        return tuple(None if d == -1 else d for d in target)
    total = math.prod(in_dims)
    if -1 in target:
        if known == 0 or total % known != 0:
            raise ShapeError(f"{who}: cannot reshape inputs of shape (batch, {', '.join(map(str, in_dims))}) to "
                             f"target_shape {list(target)}: {total} elements per sample are not divisible by "
                             f"{known}")
        return tuple(total // known if d == -1 else d for d in target)
    if known != total:
        raise ShapeError(f"{who}: cannot reshape inputs of shape (batch, {', '.join(map(str, in_dims))}) ({total} "
                         f"elements per sample) to target_shape {list(target)} ({known} elements)")
    return tuple(target)


@builtin("keras.layers")
class Reshape(Layer):
    """(batch, ...) -> (batch, *target_shape); one entry of target_shape may be -1 (inferred)."""

    def __init__(self, target_shape: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(target_shape, (list, tuple)):
            raise InvalidArgumentError(f"Reshape: target_shape must be a sequence of integers, got {target_shape!r}")
        target = tuple(-1 if d is None else d for d in target_shape)
        if any(isinstance(d, bool) or not isinstance(d, numbers.Integral) or (d <= 0 and d != -1) for d in target) \
                or sum(d == -1 for d in target) > 1:
            raise InvalidArgumentError(f"Reshape: target_shape must be positive integers with at most one -1, got "
                                       f"{list(target_shape)}")
        self.target_shape = tuple(int(d) for d in target)

    def call(self, inputs: Any) -> Any:
        target = _reshape_target(tuple(inputs.shape[1:]), self.target_shape, f"Reshape {self.name!r}")
        return ops.reshape(inputs, [inputs.shape[0], *target])

    def compute_output_shape(self, input_shape: Any) -> Any:
        return (input_shape[0], *_reshape_target(tuple(input_shape)[1:], self.target_shape,
                                                 f"Reshape {self.name!r}"))

    def get_config(self) -> dict:
        config = super().get_config()
        config["target_shape"] = list(self.target_shape)
        return config


@builtin("keras.layers")
class Permute(Layer):
    """Permutes the non-batch axes; dims are 1-based ((2, 1) swaps the two axes after the batch)."""

    def __init__(self, dims: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(dims, (list, tuple)) or sorted(dims) != list(range(1, len(dims) + 1)):
            raise InvalidArgumentError(f"Permute: dims must be a permutation of 1..n (consecutive, starting at 1), "
                                       f"got {dims!r}")
        self.dims = tuple(int(d) for d in dims)

    def call(self, inputs: Any) -> Any:
        _check_rank(self, inputs.shape, len(self.dims) + 1)
        return ops.transpose(inputs, [0, *self.dims])

    def compute_output_shape(self, input_shape: Any) -> Any:
        _check_rank(self, input_shape, len(self.dims) + 1)
        return (input_shape[0], *[input_shape[d] for d in self.dims])

    def get_config(self) -> dict:
        config = super().get_config()
        config["dims"] = list(self.dims)
        return config


@builtin("keras.layers")
class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features)."""

    def __init__(self, n: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.n = _int(n, "n", "RepeatVector", 1)

    def call(self, inputs: Any) -> Any:
        _check_rank(self, inputs.shape, 2)
        return ops.tile(ops.expand_dims(inputs, 1), [1, self.n, 1])

    def compute_output_shape(self, input_shape: Any) -> Any:
        _check_rank(self, input_shape, 2)
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self) -> dict:
        config = super().get_config()
        config["n"] = self.n
        return config


# ---- Cropping ---------------------------------------------------------------------------------------------
class _Cropping(Layer):
    _n = 1
    _has_format = True

    def __init__(self, cropping: Any, data_format: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        who = type(self).__name__
        self.data_format = _data_format(data_format, who)
        self.cropping = _pairs(cropping, self._n, "cropping", who)

    def _check(self, shape: Any) -> None:
        _check_rank(self, shape, self._n + 2)
        for ax, (a, b) in zip(_spatial_axes(self._n, self.data_format), self.cropping):
            if shape[ax] is not None and a + b >= shape[ax]:
                raise ShapeError(f"{type(self).__name__} {self.name!r}: cropping {_pairs_config(self.cropping)} must "
                                 f"leave at least one element along each spatial axis, got input shape "
                                 f"{list(shape)}")

    def call(self, inputs: Any) -> Any:
        self._check(inputs.shape)
        begin = [0] * inputs.rank
        size = list(inputs.shape)
        for ax, (a, b) in zip(_spatial_axes(self._n, self.data_format), self.cropping):
            begin[ax] = a
            size[ax] = inputs.shape[ax] - a - b
        return ops.slice(inputs, begin, size)

    def compute_output_shape(self, input_shape: Any) -> Any:
        self._check(input_shape)
        out = list(input_shape)
        for ax, (a, b) in zip(_spatial_axes(self._n, self.data_format), self.cropping):
            if out[ax] is not None:
                out[ax] -= a + b
        return tuple(out)

    def get_config(self) -> dict:
        config = super().get_config()
        if self._n == 1:
            config["cropping"] = list(self.cropping[0])
        else:
            config["cropping"] = _pairs_config(self.cropping)
            config["data_format"] = self.data_format
        return config


@builtin("keras.layers")
class Cropping1D(_Cropping):
    """Crops (start, end) steps of axis 1 of (batch, steps, features)."""

    def __init__(self, cropping: Any = (1, 1), **kwargs: Any) -> None:
        kwargs.pop("data_format", None)
        if isinstance(cropping, (list, tuple)):
            cropping = [tuple(cropping)]
        super().__init__(cropping, None, **kwargs)


@builtin("keras.layers")
class Cropping2D(_Cropping):
    """Crops ((top, bottom), (left, right)) of images."""
    _n = 2

    def __init__(self, cropping: Any = ((0, 0), (0, 0)), data_format: Any = None, **kwargs: Any) -> None:
        super().__init__(cropping, data_format, **kwargs)


@builtin("keras.layers")
class Cropping3D(_Cropping):
    """Crops ((d1_start, d1_end), (d2_start, d2_end), (d3_start, d3_end)) of volumes."""
    _n = 3

    def __init__(self, cropping: Any = ((1, 1), (1, 1), (1, 1)), data_format: Any = None, **kwargs: Any) -> None:
        super().__init__(cropping, data_format, **kwargs)


# ---- ZeroPadding ------------------------------------------------------------------------------------------
class _ZeroPadding(Layer):
    _n = 1

    def __init__(self, padding: Any, data_format: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        who = type(self).__name__
        self.data_format = _data_format(data_format, who)
        self.padding = _pairs(padding, self._n, "padding", who)

    def call(self, inputs: Any) -> Any:
        _check_rank(self, inputs.shape, self._n + 2)
        pads = [[0, 0] for _ in range(inputs.rank)]
        for ax, p in zip(_spatial_axes(self._n, self.data_format), self.padding):
            pads[ax] = list(p)
        return ops.pad(inputs, pads)

    def compute_output_shape(self, input_shape: Any) -> Any:
        _check_rank(self, input_shape, self._n + 2)
        out = list(input_shape)
        for ax, (a, b) in zip(_spatial_axes(self._n, self.data_format), self.padding):
            if out[ax] is not None:
                out[ax] += a + b
        return tuple(out)

    def get_config(self) -> dict:
        config = super().get_config()
        config["padding"] = list(self.padding[0]) if self._n == 1 else _pairs_config(self.padding)
        config["data_format"] = self.data_format
        return config


@builtin("keras.layers")
class ZeroPadding1D(_ZeroPadding):
    """Pads (start, end) zeros along the steps axis of (batch, steps, features)."""

    def __init__(self, padding: Any = 1, data_format: Any = None, **kwargs: Any) -> None:
        if isinstance(padding, (list, tuple)):
            padding = [tuple(padding)]
        super().__init__(padding, data_format, **kwargs)


@builtin("keras.layers")
class ZeroPadding2D(_ZeroPadding):
    """Pads ((top, bottom), (left, right)) zeros around images."""
    _n = 2

    def __init__(self, padding: Any = (1, 1), data_format: Any = None, **kwargs: Any) -> None:
        super().__init__(padding, data_format, **kwargs)


@builtin("keras.layers")
class ZeroPadding3D(_ZeroPadding):
    """Pads zeros around the three spatial axes of volumes."""
    _n = 3

    def __init__(self, padding: Any = ((1, 1), (1, 1), (1, 1)), data_format: Any = None, **kwargs: Any) -> None:
        super().__init__(padding, data_format, **kwargs)


# ---- UpSampling -------------------------------------------------------------------------------------------
def _repeat(x: Any, reps: int, axis: int) -> Any:
    """Each element repeated `reps` times along `axis` (numpy.repeat), via expand + tile + reshape."""
    if reps == 1:
        return x
    shape = list(x.shape)
    tiled = ops.tile(ops.expand_dims(x, axis + 1), [1] * (axis + 1) + [reps] + [1] * (len(shape) - axis - 1))
    return ops.reshape(tiled, shape[:axis] + [shape[axis] * reps] + shape[axis + 1:])


class _UpSampling(Layer):
    _n = 1

    def _setup(self, size: Any, data_format: Any) -> None:
        who = type(self).__name__
        self.data_format = _data_format(data_format, who)
        self.size = _tuple(size, self._n, "size", who, 1)

    def compute_output_shape(self, input_shape: Any) -> Any:
        _check_rank(self, input_shape, self._n + 2)
        out = list(input_shape)
        for ax, s in zip(_spatial_axes(self._n, self.data_format), self.size):
            if out[ax] is not None:
                out[ax] *= s
        return tuple(out)

    def call(self, inputs: Any) -> Any:
        _check_rank(self, inputs.shape, self._n + 2)
        x = inputs
        for ax, s in zip(_spatial_axes(self._n, self.data_format), self.size):
            x = _repeat(x, s, ax)
        return x


@builtin("keras.layers")
class UpSampling1D(_UpSampling):
    """Repeats each step `size` times along axis 1 of (batch, steps, features)."""

    def __init__(self, size: int = 2, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._setup(size, None)

    def get_config(self) -> dict:
        config = super().get_config()
        config["size"] = self.size[0]
        return config


_INTERPOLATIONS = ("nearest", "bilinear")


@builtin("keras.layers")
class UpSampling2D(_UpSampling):
    """Scales images up by `size` (rows, cols): 'nearest' repeats pixels, 'bilinear' interpolates with
    half-pixel centers (Keras 3's image resize)."""
    _n = 2

    def __init__(self, size: Any = (2, 2), data_format: Any = None, interpolation: str = "nearest",
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._setup(size, data_format)
        interp = str(interpolation).lower()
        if interp not in _INTERPOLATIONS:
            raise InvalidArgumentError(f"UpSampling2D: interpolation must be one of {', '.join(_INTERPOLATIONS)} "
                                       f"(others are not supported), got {interpolation!r}")
        self.interpolation = interp

    def call(self, inputs: Any) -> Any:
        if self.interpolation == "nearest":
            return super().call(inputs)
        _check_rank(self, inputs.shape, 4)
        x = ops.transpose(inputs, [0, 2, 3, 1]) if self.data_format == "channels_first" else inputs
        x = ops.image.resize_bilinear(x, [x.shape[1] * self.size[0], x.shape[2] * self.size[1]],
                                      half_pixel_centers=True)
        return ops.transpose(x, [0, 3, 1, 2]) if self.data_format == "channels_first" else x

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"size": list(self.size), "data_format": self.data_format,
                       "interpolation": self.interpolation})
        return config


@builtin("keras.layers")
class UpSampling3D(_UpSampling):
    """Repeats voxels `size` times along each of the three spatial axes."""
    _n = 3

    def __init__(self, size: Any = (2, 2, 2), data_format: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._setup(size, data_format)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"size": list(self.size), "data_format": self.data_format})
        return config
