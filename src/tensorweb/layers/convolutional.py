"""Convolution layers, Keras 3-compatible: Conv1D/2D/3D, Conv1D/2D/3DTranspose, SeparableConv1D/2D and
DepthwiseConv1D/2D.

Weights are Keras 3's: conv kernels `(*kernel_size, in_channels // groups, filters)`, transposed-conv
kernels `(*kernel_size, filters, in_channels)`, depthwise kernels `(*kernel_size, in_channels,
depth_multiplier)` (named "kernel"), separable layers "depthwise_kernel" then "pointwise_kernel"
`(1, ..., in_channels * depth_multiplier, filters)`, then "bias". Computation is channels-last
(channels_first inputs are transposed in and out); 1-D layers run as 2-D convolutions of height 1, and
activations that the fused conv kernels know (relu, relu6, elu, sigmoid, tanh, linear) are applied in them.
Transposed convolutions follow Keras 3's output shape and "same"/output_padding placement (as its JAX
backend computes them; its TF and torch backends agree).
"""
from __future__ import annotations

import numbers
from typing import Any, Sequence

from .. import ops
from ..errors import InvalidArgumentError, ShapeError
from . import activations, constraints, initializers, regularizers
from .base import Layer
from .serialization import builtin, serialize

__all__ = ["Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
           "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D",
           "Convolution1D", "Convolution2D", "Convolution3D", "Convolution1DTranspose",
           "Convolution2DTranspose", "Convolution3DTranspose", "SeparableConvolution1D",
           "SeparableConvolution2D"]

_SPATIAL_NAMES = {1: "steps", 2: "height, width", 3: "depth, height, width"}


# ---- argument helpers --------------------------------------------------------------------------------

def standardize_tuple(value: Any, n: int, name: str, who: str, allow_zero: bool = False) -> tuple:
    """An int or n ints -> a tuple of n ints (Keras' standardize_tuple), with errors naming `who`."""
    msg = f"{who}: the `{name}` argument must be an integer or a tuple of {n} integers, got {name}={value!r}"
    if isinstance(value, bool):
        raise InvalidArgumentError(msg)
    if isinstance(value, numbers.Integral):
        values: tuple = (int(value),) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            raise InvalidArgumentError(msg) from None
        if len(values) != n or any(isinstance(v, bool) or not isinstance(v, numbers.Integral) for v in values):
            raise InvalidArgumentError(msg)
        values = tuple(int(v) for v in values)
    low = 0 if allow_zero else 1
    if any(v < low for v in values):
        kind = "non-negative" if allow_zero else "positive"
        raise InvalidArgumentError(f"{who}: the `{name}` argument must be {kind} integers, got {name}={value!r}")
    return values


def _positive_int(value: Any, name: str, who: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise InvalidArgumentError(f"{who}: {name} must be a positive integer, got {name}={value!r}")
    return int(value)


def standardize_padding(value: Any, who: str, allow_causal: bool = False) -> str:
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    if not isinstance(value, str) or value.lower() not in allowed:
        raise InvalidArgumentError(f"{who}: the `padding` argument must be one of {list(allowed)}, got "
                                   f"padding={value!r}")
    return value.lower()


def standardize_data_format(value: Any, who: str) -> str:
    if value is None:
        return "channels_last"
    fmt = str(value).lower()
    if fmt not in ("channels_last", "channels_first"):
        raise InvalidArgumentError(f"{who}: data_format must be 'channels_last' or 'channels_first', got "
                                   f"{value!r}")
    return fmt


def conv_output_length(size: int | None, kernel: int, stride: int, padding: str, dilation: int = 1) -> int | None:
    """Keras' output length of a convolution / pooling window along one axis."""
    if size is None:
        return None
    if padding == "valid":
        return (size - (kernel - 1) * dilation - 1) // stride + 1
    return (size - 1) // stride + 1  # 'same' and 'causal'


def as_float(x: Any) -> Any:
    """Inputs in the layers' compute dtype (Keras casts int inputs of float layers)."""
    return x if x.dtype == "float32" else ops.cast(x, "float32")


def _to_channels_last(x: Any) -> Any:
    r = x.rank
    return ops.transpose(x, [0, *range(2, r), 1])


def _to_channels_first(y: Any) -> Any:
    r = y.rank
    return ops.transpose(y, [0, r - 1, *range(1, r - 1)])


# activations the fused conv kernels compute themselves
def _fused_name(fn: Any) -> str | None:
    table = {id(activations.linear): "linear", id(activations.relu): "relu", id(activations.relu6): "relu6",
             id(activations.elu): "elu", id(activations.sigmoid): "sigmoid", id(activations.tanh): "tanh"}
    return table.get(id(fn))


def _pad_arg(padding: str) -> str:
    return "valid" if padding == "causal" else padding


class _ConvCommon(Layer):
    """Shared checks of the convolution layers: input rank, channel axis, channels_first handling."""

    rank = 2
    data_format = "channels_last"

    def _kind(self) -> str:
        return f"{type(self).__name__} {self.name!r}"

    def _set_geometry(self, rank: int, kernel_size: Any, strides: Any, dilation_rate: Any, padding: str,
                      data_format: str | None, allow_causal: bool = False) -> None:
        """Checks and stores the window arguments every convolution layer shares (Keras' names)."""
        who = type(self).__name__
        self.rank = rank
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size", who)
        self.strides = standardize_tuple(strides, rank, "strides", who)
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate", who)
        self.padding = standardize_padding(padding, who, allow_causal=allow_causal)
        self.data_format = standardize_data_format(data_format, who)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise InvalidArgumentError(f"{who}: strides > 1 is not supported together with dilation_rate > 1, "
                                       f"got strides={self.strides} and dilation_rate={self.dilation_rate}")

    def _set_weight_options(self, activation: Any, use_bias: bool, **weights: tuple) -> None:
        """Stores the activation and, for each weight (kernel=(initializer, regularizer, constraint), ...),
        its `<weight>_initializer`, `<weight>_regularizer` and `<weight>_constraint`."""
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        for name, (init, reg, con) in weights.items():
            setattr(self, f"{name}_initializer", initializers.get(init))
            setattr(self, f"{name}_regularizer", regularizers.get(reg))
            setattr(self, f"{name}_constraint", constraints.get(con))

    def _weight_options_config(self, *names: str) -> dict:
        """The config entries of `_set_weight_options`, in Keras' order: every initializer, every regularizer
        then activity_regularizer, every constraint."""
        config = {}
        for kind in ("initializer", "regularizer", "constraint"):
            for name in names:
                config[f"{name}_{kind}"] = serialize(getattr(self, f"{name}_{kind}"))
            if kind == "regularizer":
                config["activity_regularizer"] = serialize(self.activity_regularizer)
        return config

    def _layout(self) -> str:
        spatial = _SPATIAL_NAMES[self.rank]
        return f"(batch, {spatial}, channels)" if self.data_format == "channels_last" else \
            f"(batch, channels, {spatial})"

    def _check_rank(self, shape: Sequence) -> None:
        if len(shape) != self.rank + 2:
            raise ShapeError(f"{self._kind()}: expected inputs of rank {self.rank + 2} {self._layout()}, got "
                             f"shape {list(shape)}")

    def _channels(self, shape: Sequence) -> int | None:
        return shape[-1] if self.data_format == "channels_last" else shape[1]

    def _known_channels(self, input_shape: Any) -> int:
        shape = tuple(input_shape)
        self._check_rank(shape)
        c = self._channels(shape)
        if c is None:
            raise ShapeError(f"{self._kind()}: the channel dimension of the inputs must be known, got input "
                             f"shape {list(shape)}")
        return int(c)

    def _check_input(self, x: Any) -> None:
        self._check_rank(x.shape)
        c = self._channels(x.shape)
        if c != self.input_channels:
            raise ShapeError(f"{self._kind()}: expected inputs with {self.input_channels} channels (axis "
                             f"{-1 if self.data_format == 'channels_last' else 1}), got shape {list(x.shape)}")

    def _spatial(self, shape: Sequence) -> tuple:
        shape = tuple(shape)
        return shape[1:-1] if self.data_format == "channels_last" else shape[2:]

    def _assemble(self, shape: Sequence, spatial: Sequence, channels: int) -> tuple:
        if self.data_format == "channels_last":
            return (shape[0], *spatial, channels)
        return (shape[0], channels, *spatial)

    def _channels_last_in(self, x: Any) -> Any:
        x = as_float(x)
        return _to_channels_last(x) if self.data_format == "channels_first" else x

    def _channels_last_out(self, y: Any) -> Any:
        return _to_channels_first(y) if self.data_format == "channels_first" else y

    def _finish(self, y: Any) -> Any:
        """bias, activation (unfused path), then back to the layer's data format."""
        if getattr(self, "bias", None) is not None:
            y = ops.add(y, self.bias)
        return self.activation(y)

    def _check_spatial(self, input_shape: Sequence) -> None:
        out = self.compute_output_shape(input_shape)
        if any(d is not None and d <= 0 for d in out[1:]):
            raise ShapeError(f"{self._kind()}: the output size would be zero or negative: inputs of shape "
                             f"{list(input_shape)} with kernel_size={self.kernel_size}, strides={self.strides}, "
                             f"dilation_rate={self.dilation_rate}, padding={self.padding!r} give "
                             f"{list(out)}")

    @classmethod
    def from_config(cls, config: dict) -> "Layer":
        config = dict(config)
        config.pop("rank", None)  # TF.js writes it for some conv classes
        return cls(**config)


# ---- Conv1D / Conv2D / Conv3D --------------------------------------------------------------------------

class _BaseConv(_ConvCommon):

    def __init__(self, rank: int, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: str | None = None, dilation_rate: Any = 1, groups: int = 1, activation: Any = None,
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, lora_rank: Any = None,
                 lora_alpha: Any = None, **kwargs: Any) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        who = type(self).__name__
        self.rank = rank
        filters = _positive_int(filters, "filters", who)
        groups = _positive_int(groups, "groups", who)
        if filters % groups != 0:
            raise InvalidArgumentError(f"{who}: filters must be divisible by groups, got filters={filters}, "
                                       f"groups={groups}")
        if lora_rank:
            raise InvalidArgumentError(f"{who}: LoRA (lora_rank) is not supported")
        self.filters = filters
        self.groups = groups
        self._set_geometry(rank, kernel_size, strides, dilation_rate, padding, data_format, allow_causal=rank == 1)
        self._set_weight_options(activation, use_bias,
                                 kernel=(kernel_initializer, kernel_regularizer, kernel_constraint),
                                 bias=(bias_initializer, bias_regularizer, bias_constraint))

    def build(self, input_shape: Any) -> None:
        channels = self._known_channels(input_shape)
        if channels % self.groups != 0:
            raise ShapeError(f"{self._kind()}: the number of input channels ({channels}) must be divisible by "
                             f"groups={self.groups}; input shape {list(input_shape)}")
        self._check_spatial(tuple(input_shape))
        self.input_channels = channels
        self.kernel = self.add_weight((*self.kernel_size, channels // self.groups, self.filters),
                                      self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.bias = self.add_weight((self.filters,), self.bias_initializer, regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint, name="bias") if self.use_bias else None

    def _conv(self, x: Any, kernel: Any, fused: str | None) -> Any:
        """Channels-last convolution of x with kernel; applies bias + `fused` activation when given."""
        pad = _pad_arg(self.padding)
        bias = self.bias if fused is not None else None
        if self.rank == 1:
            b, w, c = x.shape
            x4 = ops.reshape(x, [b, 1, w, c])
            k4 = ops.reshape(kernel, [1, *kernel.shape])
            strides, dil = (1, self.strides[0]), (1, self.dilation_rate[0])
            if fused is not None:
                y = ops.fused.conv2d(x4, k4, strides, pad, "NHWC", dil, bias=bias, activation=fused)
            else:
                y = ops.conv2d(x4, k4, strides, pad, "NHWC", dil)
            return ops.reshape(y, [b, y.shape[2], y.shape[3]])
        if self.rank == 2:
            if fused is not None:
                return ops.fused.conv2d(x, kernel, self.strides, pad, "NHWC", self.dilation_rate, bias=bias,
                                        activation=fused)
            return ops.conv2d(x, kernel, self.strides, pad, "NHWC", self.dilation_rate)
        y = ops.conv3d(x, kernel, self.strides, pad, "NDHWC", self.dilation_rate)
        if fused is not None:
            raise AssertionError("no fused 3-D convolution")
        return y

    def call(self, inputs: Any) -> Any:
        self._check_input(inputs)
        x = self._channels_last_in(inputs)
        if self.padding == "causal":
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            x = ops.pad(x, [[0, 0], [left, 0], [0, 0]])
        fused = _fused_name(self.activation) if self.rank < 3 and self.groups == 1 else None
        if self.groups == 1:
            y = self._conv(x, self.kernel, fused)
        else:
            xs = ops.split(x, self.groups, axis=-1)
            ks = ops.split(self.kernel, self.groups, axis=-1)
            y = ops.concat([self._conv(xi, ki, None) for xi, ki in zip(xs, ks)], axis=-1)
        if fused is None:
            y = self._finish(y)
        return self._channels_last_out(y)

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = tuple(input_shape)
        self._check_rank(shape)
        spatial = [conv_output_length(d, k, s, self.padding, r) for d, k, s, r in
                   zip(self._spatial(shape), self.kernel_size, self.strides, self.dilation_rate)]
        return self._assemble(shape, spatial, self.filters)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "filters": self.filters, "kernel_size": self.kernel_size, "strides": self.strides,
            "padding": self.padding, "data_format": self.data_format, "dilation_rate": self.dilation_rate,
            "groups": self.groups, "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
        })
        config.update(self._weight_options_config("kernel", "bias"))
        return config


@builtin("keras.layers", "Convolution1D")
class Conv1D(_BaseConv):
    """1-D convolution over (batch, steps, channels); padding 'valid', 'same' or 'causal' (left zeros)."""

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: str | None = None, dilation_rate: Any = 1, groups: int = 1, activation: Any = None,
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(1, filters, kernel_size, strides, padding, data_format, dilation_rate, groups, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, **kwargs)


@builtin("keras.layers", "Convolution2D")
class Conv2D(_BaseConv):
    """2-D convolution over (batch, height, width, channels); kernel (kh, kw, in // groups, filters)."""

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1), padding: str = "valid",
                 data_format: str | None = None, dilation_rate: Any = (1, 1), groups: int = 1,
                 activation: Any = None, use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None, bias_constraint: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(2, filters, kernel_size, strides, padding, data_format, dilation_rate, groups, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, **kwargs)


@builtin("keras.layers", "Convolution3D")
class Conv3D(_BaseConv):
    """3-D convolution over (batch, depth, height, width, channels)."""

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1, 1), padding: str = "valid",
                 data_format: str | None = None, dilation_rate: Any = (1, 1, 1), groups: int = 1,
                 activation: Any = None, use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None, bias_constraint: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(3, filters, kernel_size, strides, padding, data_format, dilation_rate, groups, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, **kwargs)


# ---- transposed convolutions ---------------------------------------------------------------------------

def transpose_pads(kernel: int, stride: int, dilation: int, padding: str, output_padding: int | None) -> tuple:
    """Keras 3's (left, right) padding of the stride-dilated input of a transposed convolution (the
    kernel being flipped); the output length is (size - 1) * stride + left + right - kernel_eff + 2."""
    k = (kernel - 1) * dilation + 1
    if padding == "valid":
        op = max(k, stride) - k if output_padding is None else output_padding
        return k - 1, k - 1 + op
    total = stride + k - 2 if output_padding is None else k + k % 2 - 2 + output_padding
    left = min(total // 2 + total % 2, k - 1)
    return left, total - left


def conv_transpose_output_length(size: int | None, kernel: int, stride: int, padding: str,
                                 output_padding: int | None, dilation: int = 1) -> int | None:
    if size is None:
        return None
    left, right = transpose_pads(kernel, stride, dilation, padding, output_padding)
    return (size - 1) * stride + left + right - ((kernel - 1) * dilation + 1) + 2


def _dilate_kernel(kernel: Any, dilation: Sequence[int]) -> Any:
    """Inserts dilation - 1 zeros between the taps of the spatial axes of kernel (differentiably)."""
    for axis, d in enumerate(dilation):
        if d == 1:
            continue
        k = kernel.shape[axis]
        y = ops.expand_dims(kernel, axis + 1)
        pads = [[0, 0] for _ in range(y.rank)]
        pads[axis + 1] = [0, d - 1]
        y = ops.pad(y, pads)
        shape = list(kernel.shape)
        shape[axis] = k * d
        y = ops.reshape(y, shape)
        begin = [0] * y.rank
        size = list(y.shape)
        size[axis] = (k - 1) * d + 1
        kernel = ops.slice(y, begin, size)
    return kernel


class _BaseConvTranspose(_ConvCommon):

    def __init__(self, rank: int, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 output_padding: Any = None, data_format: str | None = None, dilation_rate: Any = 1,
                 activation: Any = None, use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None, bias_constraint: Any = None,
                 **kwargs: Any) -> None:
        groups = kwargs.pop("groups", 1)  # tf.keras 2 configs carry Conv's groups=1
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        who = type(self).__name__
        if groups != 1:
            raise InvalidArgumentError(f"{who}: groups is not supported by transposed convolutions, got "
                                       f"groups={groups!r}")
        self.filters = _positive_int(filters, "filters", who)
        self._set_geometry(rank, kernel_size, strides, dilation_rate, padding, data_format)
        self.output_padding = None if output_padding is None else \
            standardize_tuple(output_padding, rank, "output_padding", who, allow_zero=True)
        if self.output_padding is not None:
            for i, (op, s) in enumerate(zip(self.output_padding, self.strides)):
                if op >= s:
                    raise InvalidArgumentError(
                        f"{who}: output_padding must be strictly less than strides in every dimension; at "
                        f"dimension {i} output_padding is {op} and strides is {s} (output_padding="
                        f"{self.output_padding}, strides={self.strides})")
        self._set_weight_options(activation, use_bias,
                                 kernel=(kernel_initializer, kernel_regularizer, kernel_constraint),
                                 bias=(bias_initializer, bias_regularizer, bias_constraint))

    def build(self, input_shape: Any) -> None:
        channels = self._known_channels(input_shape)
        self._check_spatial(tuple(input_shape))
        self.input_channels = channels
        self.kernel = self.add_weight((*self.kernel_size, self.filters, channels), self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        self.bias = self.add_weight((self.filters,), self.bias_initializer, regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint, name="bias") if self.use_bias else None

    def _out_padding(self, i: int) -> int | None:
        return None if self.output_padding is None else self.output_padding[i]

    def call(self, inputs: Any) -> Any:
        self._check_input(inputs)
        x = self._channels_last_in(inputs)
        kernel = _dilate_kernel(self.kernel, self.dilation_rate)
        ksize = kernel.shape[:self.rank]
        strides = list(self.strides)
        if self.rank == 1:  # as a 2-D transposed conv of height 1
            x = ops.reshape(x, [x.shape[0], 1, *x.shape[1:]])
            kernel = ops.reshape(kernel, [1, *kernel.shape])
        # the transposed conv is the input-gradient of a conv with explicit (top, bottom) pads crop_lo / crop_hi
        # of the natural output (size - 1) * stride + kernel; a negative crop_hi becomes trailing zeros
        pads, out_spatial, extra = [], [], []
        for i in range(self.rank):
            size = x.shape[1 + i + (self.rank == 1)]
            k = ksize[i]
            left, right = transpose_pads(self.kernel_size[i], self.strides[i], self.dilation_rate[i],
                                         self.padding, self._out_padding(i))
            crop_lo, crop_hi = k - 1 - left, k - 1 - right
            pads.append([crop_lo, max(crop_hi, 0)])
            out_spatial.append((size - 1) * strides[i] + k - crop_lo - max(crop_hi, 0))
            extra.append(max(-crop_hi, 0))
        if self.rank == 1:
            pads, out_spatial, strides, extra = [[0, 0], *pads], [1, *out_spatial], [1, *strides], [0, *extra]
        out_shape = [x.shape[0], *out_spatial, self.filters]
        if self.rank == 3:
            y = ops.conv3d_transpose(x, kernel, out_shape, strides, pads)
        else:
            y = ops.conv2d_transpose(x, kernel, out_shape, strides, pads)
        if any(extra):
            y = ops.pad(y, [[0, 0], *[[0, e] for e in extra], [0, 0]])
        if self.rank == 1:
            y = ops.reshape(y, [y.shape[0], *y.shape[2:]])
        y = self._finish(y)
        return self._channels_last_out(y)

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = tuple(input_shape)
        self._check_rank(shape)
        spatial = [conv_transpose_output_length(d, self.kernel_size[i], self.strides[i], self.padding,
                                                self._out_padding(i), self.dilation_rate[i])
                   for i, d in enumerate(self._spatial(shape))]
        return self._assemble(shape, spatial, self.filters)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "filters": self.filters, "kernel_size": self.kernel_size, "strides": self.strides,
            "padding": self.padding, "output_padding": self.output_padding, "data_format": self.data_format,
            "dilation_rate": self.dilation_rate, "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
        })
        config.update(self._weight_options_config("kernel", "bias"))
        return config


@builtin("keras.layers", "Convolution1DTranspose")
class Conv1DTranspose(_BaseConvTranspose):
    """1-D transposed convolution; kernel (k, filters, in_channels)."""

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 output_padding: Any = None, data_format: str | None = None, dilation_rate: Any = 1,
                 activation: Any = None, use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None, bias_constraint: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(1, filters, kernel_size, strides, padding, output_padding, data_format, dilation_rate,
                         activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint, **kwargs)


@builtin("keras.layers", "Convolution2DTranspose")
class Conv2DTranspose(_BaseConvTranspose):
    """2-D transposed convolution; kernel (kh, kw, filters, in_channels)."""

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1), padding: str = "valid",
                 output_padding: Any = None, data_format: str | None = None, dilation_rate: Any = (1, 1),
                 activation: Any = None, use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None, bias_constraint: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(2, filters, kernel_size, strides, padding, output_padding, data_format, dilation_rate,
                         activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint, **kwargs)


@builtin("keras.layers", "Convolution3DTranspose")
class Conv3DTranspose(_BaseConvTranspose):
    """3-D transposed convolution; kernel (kd, kh, kw, filters, in_channels)."""

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1, 1), padding: str = "valid",
                 data_format: str | None = None, output_padding: Any = None, dilation_rate: Any = (1, 1, 1),
                 activation: Any = None, use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None, bias_constraint: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(3, filters, kernel_size, strides, padding, output_padding, data_format, dilation_rate,
                         activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint, **kwargs)


# ---- depthwise and separable -----------------------------------------------------------------------------

_LEGACY_KERNEL_KEYS = ("kernel_initializer", "kernel_regularizer", "kernel_constraint")


def _check_multiplier(depth_multiplier: Any, who: str) -> int:
    return _positive_int(depth_multiplier, "depth_multiplier", who)


class _BaseDepthwiseConv(_ConvCommon):

    def __init__(self, rank: int, depth_multiplier: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: str | None = None, dilation_rate: Any = 1,
                 activation: Any = None, use_bias: bool = True, depthwise_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", depthwise_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, depthwise_constraint: Any = None, bias_constraint: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        who = type(self).__name__
        self.depth_multiplier = _check_multiplier(depth_multiplier, who)
        self._set_geometry(rank, kernel_size, strides, dilation_rate, padding, data_format)
        self._set_weight_options(activation, use_bias,
                                 depthwise=(depthwise_initializer, depthwise_regularizer, depthwise_constraint),
                                 bias=(bias_initializer, bias_regularizer, bias_constraint))

    def build(self, input_shape: Any) -> None:
        channels = self._known_channels(input_shape)
        self.input_channels = channels
        self._check_spatial(tuple(input_shape))
        self.kernel = self.add_weight((*self.kernel_size, channels, self.depth_multiplier),
                                      self.depthwise_initializer, regularizer=self.depthwise_regularizer,
                                      constraint=self.depthwise_constraint, name="kernel")
        self.bias = self.add_weight((channels * self.depth_multiplier,), self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                    name="bias") if self.use_bias else None

    def call(self, inputs: Any) -> Any:
        self._check_input(inputs)
        x = self._channels_last_in(inputs)
        kernel, strides, dil = self.kernel, self.strides, self.dilation_rate
        if self.rank == 1:
            b, w, c = x.shape
            x = ops.reshape(x, [b, 1, w, c])
            kernel = ops.reshape(kernel, [1, *kernel.shape])
            strides, dil = (1, strides[0]), (1, dil[0])
        fused = _fused_name(self.activation)
        if fused is not None:
            y = ops.fused.depthwise_conv2d(x, kernel, strides, self.padding, "NHWC", dil, bias=self.bias,
                                           activation=fused)
        else:
            y = self._finish(ops.depthwise_conv2d(x, kernel, strides, self.padding, "NHWC", dil))
        if self.rank == 1:
            y = ops.reshape(y, [y.shape[0], *y.shape[2:]])
        return self._channels_last_out(y)

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = tuple(input_shape)
        self._check_rank(shape)
        c = self._channels(shape)
        spatial = [conv_output_length(d, k, s, self.padding, r) for d, k, s, r in
                   zip(self._spatial(shape), self.kernel_size, self.strides, self.dilation_rate)]
        return self._assemble(shape, spatial, None if c is None else c * self.depth_multiplier)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "depth_multiplier": self.depth_multiplier, "kernel_size": self.kernel_size, "strides": self.strides,
            "padding": self.padding, "data_format": self.data_format, "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
        })
        config.update(self._weight_options_config("depthwise", "bias"))
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Layer":
        config = dict(config)
        for key in ("rank", "filters", "groups", *_LEGACY_KERNEL_KEYS):
            config.pop(key, None)  # keys older Keras / TF.js configs carry over from Conv
        return cls(**config)


@builtin("keras.layers")
class DepthwiseConv1D(_BaseDepthwiseConv):
    """Depthwise 1-D convolution: each input channel gets depth_multiplier filters of its own."""

    def __init__(self, kernel_size: Any, strides: Any = 1, padding: str = "valid", depth_multiplier: int = 1,
                 data_format: str | None = None, dilation_rate: Any = 1, activation: Any = None,
                 use_bias: bool = True, depthwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 depthwise_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 depthwise_constraint: Any = None, bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(1, depth_multiplier, kernel_size, strides, padding, data_format, dilation_rate, activation,
                         use_bias, depthwise_initializer, bias_initializer, depthwise_regularizer,
                         bias_regularizer, activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)


@builtin("keras.layers")
class DepthwiseConv2D(_BaseDepthwiseConv):
    """Depthwise 2-D convolution; kernel (kh, kw, in_channels, depth_multiplier); output channel
    c * depth_multiplier + m."""

    def __init__(self, kernel_size: Any, strides: Any = (1, 1), padding: str = "valid", depth_multiplier: int = 1,
                 data_format: str | None = None, dilation_rate: Any = (1, 1), activation: Any = None,
                 use_bias: bool = True, depthwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 depthwise_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 depthwise_constraint: Any = None, bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(2, depth_multiplier, kernel_size, strides, padding, data_format, dilation_rate, activation,
                         use_bias, depthwise_initializer, bias_initializer, depthwise_regularizer,
                         bias_regularizer, activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)


class _BaseSeparableConv(_ConvCommon):

    def __init__(self, rank: int, depth_multiplier: int, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: str | None = None, dilation_rate: Any = 1,
                 activation: Any = None, use_bias: bool = True, depthwise_initializer: Any = "glorot_uniform",
                 pointwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 depthwise_regularizer: Any = None, pointwise_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, depthwise_constraint: Any = None, pointwise_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        who = type(self).__name__
        self.depth_multiplier = _check_multiplier(depth_multiplier, who)
        self.filters = _positive_int(filters, "filters", who)
        self._set_geometry(rank, kernel_size, strides, dilation_rate, padding, data_format)
        self._set_weight_options(activation, use_bias,
                                 depthwise=(depthwise_initializer, depthwise_regularizer, depthwise_constraint),
                                 pointwise=(pointwise_initializer, pointwise_regularizer, pointwise_constraint),
                                 bias=(bias_initializer, bias_regularizer, bias_constraint))

    def build(self, input_shape: Any) -> None:
        channels = self._known_channels(input_shape)
        self.input_channels = channels
        self._check_spatial(tuple(input_shape))
        self.depthwise_kernel = self.add_weight((*self.kernel_size, channels, self.depth_multiplier),
                                                self.depthwise_initializer, regularizer=self.depthwise_regularizer,
                                                constraint=self.depthwise_constraint, name="depthwise_kernel")
        self.pointwise_kernel = self.add_weight((*(1,) * self.rank, channels * self.depth_multiplier, self.filters),
                                                self.pointwise_initializer, regularizer=self.pointwise_regularizer,
                                                constraint=self.pointwise_constraint, name="pointwise_kernel")
        self.bias = self.add_weight((self.filters,), self.bias_initializer, regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint, name="bias") if self.use_bias else None

    def call(self, inputs: Any) -> Any:
        self._check_input(inputs)
        x = self._channels_last_in(inputs)
        dw, pw, strides, dil = self.depthwise_kernel, self.pointwise_kernel, self.strides, self.dilation_rate
        if self.rank == 1:
            b, w, c = x.shape
            x = ops.reshape(x, [b, 1, w, c])
            dw = ops.reshape(dw, [1, *dw.shape])
            pw = ops.reshape(pw, [1, *pw.shape])
            strides, dil = (1, strides[0]), (1, dil[0])
        y = ops.depthwise_conv2d(x, dw, strides, self.padding, "NHWC", dil)
        fused = _fused_name(self.activation)
        if fused is not None:
            y = ops.fused.conv2d(y, pw, 1, "valid", "NHWC", 1, bias=self.bias, activation=fused)
        else:
            y = self._finish(ops.conv2d(y, pw, 1, "valid"))
        if self.rank == 1:
            y = ops.reshape(y, [y.shape[0], *y.shape[2:]])
        return self._channels_last_out(y)

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = tuple(input_shape)
        self._check_rank(shape)
        spatial = [conv_output_length(d, k, s, self.padding, r) for d, k, s, r in
                   zip(self._spatial(shape), self.kernel_size, self.strides, self.dilation_rate)]
        return self._assemble(shape, spatial, self.filters)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "depth_multiplier": self.depth_multiplier, "filters": self.filters, "kernel_size": self.kernel_size,
            "strides": self.strides, "padding": self.padding, "data_format": self.data_format,
            "dilation_rate": self.dilation_rate, "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
        })
        config.update(self._weight_options_config("depthwise", "pointwise", "bias"))
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Layer":
        config = dict(config)
        for key in ("rank", "groups", *_LEGACY_KERNEL_KEYS):
            config.pop(key, None)
        return cls(**config)


@builtin("keras.layers", "SeparableConvolution1D")
class SeparableConv1D(_BaseSeparableConv):
    """Depthwise 1-D convolution followed by a pointwise (1 x 1) convolution to `filters` channels."""

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: str | None = None, dilation_rate: Any = 1, depth_multiplier: int = 1,
                 activation: Any = None, use_bias: bool = True, depthwise_initializer: Any = "glorot_uniform",
                 pointwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 depthwise_regularizer: Any = None, pointwise_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, depthwise_constraint: Any = None, pointwise_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(1, depth_multiplier, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, depthwise_initializer, pointwise_initializer, bias_initializer,
                         depthwise_regularizer, pointwise_regularizer, bias_regularizer, activity_regularizer,
                         depthwise_constraint, pointwise_constraint, bias_constraint, **kwargs)


@builtin("keras.layers", "SeparableConvolution2D")
class SeparableConv2D(_BaseSeparableConv):
    """Depthwise 2-D convolution (kernel (kh, kw, in, depth_multiplier)) followed by a 1 x 1 convolution
    (kernel (1, 1, in * depth_multiplier, filters))."""

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1), padding: str = "valid",
                 data_format: str | None = None, dilation_rate: Any = (1, 1), depth_multiplier: int = 1,
                 activation: Any = None, use_bias: bool = True, depthwise_initializer: Any = "glorot_uniform",
                 pointwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 depthwise_regularizer: Any = None, pointwise_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, depthwise_constraint: Any = None, pointwise_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(2, depth_multiplier, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, depthwise_initializer, pointwise_initializer, bias_initializer,
                         depthwise_regularizer, pointwise_regularizer, bias_regularizer, activity_regularizer,
                         depthwise_constraint, pointwise_constraint, bias_constraint, **kwargs)


# Keras' alternative names
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
