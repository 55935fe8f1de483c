"""Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot — called on a list of
tensors. Elementwise merges broadcast like Keras 3 (inputs of lower rank get size-1 axes after the batch)."""
from __future__ import annotations

from typing import Any

from .. import ops
from ..errors import InvalidArgumentError, ShapeError
from .base import Layer
from .serialization import builtin

__all__ = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"]


def _who(layer: Layer) -> str:
    return f"{type(layer).__name__} {layer.name!r}"


def _shapes_list(layer: Layer, input_shape: Any, what: str = "inputs") -> list:
    if not isinstance(input_shape, (list, tuple)) or not input_shape or \
            not all(isinstance(s, (list, tuple)) for s in input_shape):
        raise InvalidArgumentError(f"{_who(layer)}: a merge layer must be called on a list of tensors, got "
                                   f"{what} of shape {input_shape!r}")
    return [tuple(s) for s in input_shape]


def _fmt(shapes: list) -> str:
    return ", ".join(str(list(s)) for s in shapes)


class _Merge(Layer):
    """Base of the elementwise merges."""

    supports_masking = True
    _min_inputs = 1

    def _elementwise_shape(self, shape1: tuple, shape2: tuple, all_shapes: list) -> tuple:
        if len(shape1) < len(shape2):
            shape1, shape2 = shape2, shape1
        if not shape2:
            return shape1
        out = list(shape1[:len(shape1) - len(shape2)])
        for i, j in zip(shape1[len(shape1) - len(shape2):], shape2):
            if i is None or j is None:
                out.append(None)
            elif i == 1:
                out.append(j)
            elif j == 1 or i == j:
                out.append(i)
            else:
                raise ShapeError(f"{_who(self)}: inputs have incompatible shapes {_fmt(all_shapes)} (they must be "
                                 f"equal or broadcastable)")
        return tuple(out)

    def _check_shapes(self, input_shape: Any) -> list:
        shapes = _shapes_list(self, input_shape)
        if len(shapes) < self._min_inputs:
            raise InvalidArgumentError(f"{_who(self)}: expects at least {self._min_inputs} inputs, got "
                                       f"{len(shapes)}")
        batches = {s[0] for s in shapes if s} - {None}
        if len(batches) > 1:
            raise ShapeError(f"{_who(self)}: cannot merge tensors with different batch sizes, got shapes "
                             f"{_fmt(shapes)}")
        return shapes

    def build(self, input_shape: Any) -> None:
        self.compute_output_shape(input_shape)

    def compute_output_shape(self, input_shape: Any) -> Any:
        shapes = self._check_shapes(input_shape)
        out = shapes[0][1:]
        for s in shapes[1:]:
            out = self._elementwise_shape(out, s[1:], shapes)
        batches = {s[0] for s in shapes if s} - {None}
        return (batches.pop() if len(batches) == 1 else None, *out)

    def _merge(self, inputs: list, masks: list | None) -> Any:
        raise NotImplementedError

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if not isinstance(inputs, (list, tuple)):
            raise InvalidArgumentError(f"{_who(self)}: a merge layer must be called on a list of tensors, got a "
                                       f"single tensor of shape {list(inputs.shape)}")
        self.compute_output_shape([tuple(t.shape) for t in inputs])
        inputs = list(inputs)
        max_rank = max(t.rank for t in inputs)
        expanded = []
        for t in inputs:
            for _ in range(max_rank - t.rank):
                t = ops.expand_dims(t, 1)
            expanded.append(t)
        masks = list(mask) if isinstance(mask, (list, tuple)) else None
        return self._merge(expanded, masks)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)) or not isinstance(inputs, (list, tuple)) or len(mask) != len(inputs):
            raise InvalidArgumentError(f"{_who(self)}: mask must be a list with one entry per input, got {mask!r}")
        if any(m is None for m in mask):
            return None
        out = mask[0]
        for m in mask[1:]:
            out = ops.logical_or(out, m)
        return out


def _fold(fn: Any, inputs: list) -> Any:
    out = inputs[0]
    for t in inputs[1:]:
        out = fn(out, t)
    return out


@builtin("keras.layers")
class Add(_Merge):
    """Elementwise sum of the inputs."""

    def _merge(self, inputs: list, masks: list | None) -> Any:
        return _fold(ops.add, inputs)


@builtin("keras.layers")
class Subtract(_Merge):
    """inputs[0] - inputs[1] (exactly two inputs)."""

    def _check_shapes(self, input_shape: Any) -> list:
        shapes = super()._check_shapes(input_shape)
        if len(shapes) != 2:
            raise InvalidArgumentError(f"{_who(self)}: expects exactly 2 inputs, got {len(shapes)} (shapes "
                                       f"{_fmt(shapes)})")
        return shapes

    def _merge(self, inputs: list, masks: list | None) -> Any:
        return ops.sub(inputs[0], inputs[1])


@builtin("keras.layers")
class Multiply(_Merge):
    """Elementwise product of the inputs."""

    def _merge(self, inputs: list, masks: list | None) -> Any:
        return _fold(ops.mul, inputs)


@builtin("keras.layers")
class Average(_Merge):
    """Elementwise mean of the inputs."""

    def _merge(self, inputs: list, masks: list | None) -> Any:
        return ops.div(_fold(ops.add, inputs), float(len(inputs)))


class _MaskedExtremum(_Merge):
    """Maximum/Minimum: with masks (one per input, shape = input shape without the last axis), a masked
    position of one input takes the other input's value, as Keras 3 does."""

    _fn: Any = None

    def _merge(self, inputs: list, masks: list | None) -> Any:
        fn = type(self)._fn
        if masks is None or all(m is None for m in masks):
            return _fold(fn, inputs)
        output, output_mask = None, None
        for x, m in zip(inputs, masks):
            if m is not None:
                m = ops.broadcast_to(ops.expand_dims(m, -1), list(x.shape))
            if output is None:
                output, output_mask = x, m
                continue
            if m is not None:
                x = ops.where(m, x, output)
            if output_mask is not None:
                output = ops.where(output_mask, output, x)
            output_mask = ops.logical_or(output_mask, m) if m is not None and output_mask is not None else None
            output = fn(output, x)
        return output


@builtin("keras.layers")
class Maximum(_MaskedExtremum):
    """Elementwise maximum of the inputs."""
    _fn = staticmethod(ops.maximum)


@builtin("keras.layers")
class Minimum(_MaskedExtremum):
    """Elementwise minimum of the inputs."""
    _fn = staticmethod(ops.minimum)


@builtin("keras.layers")
class Concatenate(_Merge):
    """Concatenates the inputs along `axis`; all other dimensions must match."""

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise InvalidArgumentError(f"Concatenate: axis must be an integer, got {axis!r}")
        self.axis = axis

    def compute_output_shape(self, input_shape: Any) -> Any:
        shapes = _shapes_list(self, input_shape)
        rank = len(shapes[0])
        if any(len(s) != rank for s in shapes):
            raise ShapeError(f"{_who(self)}: inputs must have the same rank, got shapes {_fmt(shapes)}")
        if not -rank <= self.axis < rank:
            raise InvalidArgumentError(f"{_who(self)}: axis {self.axis} is out of range for inputs of rank {rank}")
        axis = self.axis % rank
        out = list(shapes[0])
        for i in range(rank):
            dims = [s[i] for s in shapes]
            if i == axis:
                out[i] = None if any(d is None for d in dims) else sum(dims)
            else:
                known = {d for d in dims if d is not None}
                if len(known) > 1:
                    raise ShapeError(f"{_who(self)}: inputs must have matching shapes except along the "
                                     f"concatenation axis {self.axis}, got shapes {_fmt(shapes)}")
                out[i] = known.pop() if known else None
        return tuple(out)

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if not isinstance(inputs, (list, tuple)):
            raise InvalidArgumentError(f"{_who(self)}: must be called on a list of tensors, got a single tensor of "
                                       f"shape {list(inputs.shape)}")
        self.compute_output_shape([tuple(t.shape) for t in inputs])
        return ops.concat(list(inputs), self.axis)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)) or not isinstance(inputs, (list, tuple)) or len(mask) != len(inputs):
            raise InvalidArgumentError(f"{_who(self)}: mask must be a list with one entry per input, got {mask!r}")
        if all(m is None for m in mask):
            return None
        masks = []
        for x, m in zip(inputs, mask):
            if m is None:
                masks.append(ops.cast(ops.ones(list(x.shape)), "bool"))
            elif m.rank < x.rank:
                masks.append(ops.broadcast_to(ops.expand_dims(m, -1), list(x.shape)))
            else:
                masks.append(m)
        return ops.any(ops.concat(masks, self.axis), -1)

    def get_config(self) -> dict:
        config = super().get_config()
        config["axis"] = self.axis
        return config


_EPSILON = 1e-7


def _l2_normalize(x: Any, axis: int) -> Any:
    inv = ops.rsqrt(ops.sum(ops.square(x), axis, True))
    return ops.mul(x, ops.minimum(inv, 1.0 / _EPSILON))


@builtin("keras.layers")
class Dot(_Merge):
    """Batched dot product of two tensors along `axes` (an int for both, or one per input; the batch axis 0
    cannot be contracted). normalize=True L2-normalizes both along those axes first (cosine proximity)."""

    def __init__(self, axes: Any, normalize: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(axes, bool) or not isinstance(axes, (int, list, tuple)):
            raise InvalidArgumentError(f"Dot: axes must be an integer or a list of 2 integers, got {axes!r}")
        if isinstance(axes, (list, tuple)):
            if len(axes) != 2 or not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
                raise InvalidArgumentError(f"Dot: axes must be an integer or a list of 2 integers, got {axes!r}")
            axes = list(axes)
        self.axes = axes
        self.normalize = bool(normalize)

    def _axes(self, shapes: list) -> list[int]:
        if isinstance(self.axes, int):
            raw = [self.axes, self.axes]
        else:
            raw = list(self.axes)
        out = []
        for a, s in zip(raw, shapes):
            if not -len(s) <= a < len(s):
                raise InvalidArgumentError(f"{_who(self)}: axis {a} is out of range for an input of shape "
                                           f"{list(s)}")
            out.append(a % len(s))
        return out

    def _check(self, input_shape: Any) -> tuple[list, list[int]]:
        shapes = _shapes_list(self, input_shape)
        if len(shapes) != 2:
            raise InvalidArgumentError(f"{_who(self)}: must be called on a list of 2 inputs, got {len(shapes)} "
                                       f"(shapes {_fmt(shapes)})")
        s1, s2 = shapes
        if len(s1) < 2 or len(s2) < 2:
            raise ShapeError(f"{_who(self)}: inputs must have rank >= 2 (a batch axis and a feature axis), got "
                             f"shapes {_fmt(shapes)}")
        if s1[0] is not None and s2[0] is not None and s1[0] != s2[0]:
            raise ShapeError(f"{_who(self)}: inputs have different batch sizes, got shapes {_fmt(shapes)}")
        axes = self._axes(shapes)
        if 0 in axes:
            raise InvalidArgumentError(f"{_who(self)}: cannot contract the batch axis 0 (axes {self.axes}), got "
                                       f"shapes {_fmt(shapes)}")
        d1, d2 = s1[axes[0]], s2[axes[1]]
        if d1 is not None and d2 is not None and d1 != d2:
            raise ShapeError(f"{_who(self)}: incompatible input shapes: size {d1} at axis {axes[0]} of the first "
                             f"input != size {d2} at axis {axes[1]} of the second; shapes {_fmt(shapes)}")
        return shapes, axes

    def build(self, input_shape: Any) -> None:
        self._check(input_shape)

    def compute_output_shape(self, input_shape: Any) -> Any:
        shapes, axes = self._check(input_shape)
        s1, s2 = list(shapes[0]), list(shapes[1])
        s1.pop(axes[0])
        s2.pop(axes[1])
        s2.pop(0)
        out = s1 + s2
        if len(out) == 1:
            out.append(1)
        return tuple(out)

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if not isinstance(inputs, (list, tuple)):
            raise InvalidArgumentError(f"{_who(self)}: must be called on a list of 2 tensors, got a single tensor "
                                       f"of shape {list(inputs.shape)}")
        _, axes = self._check([tuple(t.shape) for t in inputs])
        x, y = inputs
        if self.normalize:
            x, y = _l2_normalize(x, axes[0]), _l2_normalize(y, axes[1])
        return _batch_dot(x, y, axes)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return None

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config


def _batch_dot(x: Any, y: Any, axes: list[int]) -> Any:
    """Keras' batch_dot: contracts x's axis a0 with y's axis a1 for each batch element; the result holds x's
    remaining axes then y's (a rank-1 result gets a trailing axis of size 1)."""
    a0, a1 = axes
    xr, yr = x.rank, y.rank
    # x: (B, rest_x..., K); y: (B, K, rest_y...)
    x = ops.transpose(x, [i for i in range(xr) if i != a0] + [a0]) if a0 != xr - 1 else x
    y = ops.transpose(y, [0, a1] + [i for i in range(1, yr) if i != a1]) if a1 != 1 else y
    rest_x, rest_y = list(x.shape[1:-1]), list(y.shape[2:])
    b, k = x.shape[0], x.shape[-1]
    x3 = ops.reshape(x, [b, -1 if rest_x else 1, k])
    y3 = ops.reshape(y, [b, k, -1 if rest_y else 1])
    out = ops.mat_mul(x3, y3)
    shape = [b, *rest_x, *rest_y]
    if len(shape) == 1:
        shape.append(1)
    return ops.reshape(out, shape)
