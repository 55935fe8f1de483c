"""Convolution: conv1d, conv2d, conv3d, depthwise_conv2d, separable_conv2d, conv2d_transpose,
conv3d_transpose, dilation2d (channels-last layouts, TF.js's padding rules; see conv_util) and their
gradients.

Filters: conv HWIO ([h, w, in, out]), conv3d DHWIO, depthwise HWCM ([h, w, in, multiplier]), dilation2d
HWC. Padding: 'same', 'valid', a number, or explicit [[top, bottom], [left, right]] (or the NHWC form
[[0, 0], [top, bottom], [left, right], [0, 0]]). data_format 'NCHW' is accepted by conv2d and
depthwise_conv2d (the input is transposed to NHWC and the result back).
"""
from __future__ import annotations

from typing import Any

from ..core.registry import gradient
from ..core.tensor import Tensor
from ..errors import InvalidArgumentError, ShapeError
from . import conv_util
from ._base import as_shape, convert, run

__all__ = ["conv1d", "conv2d", "conv3d", "depthwise_conv2d", "separable_conv2d", "conv2d_transpose",
           "conv3d_transpose", "dilation2d"]


# ---- helpers ---------------------------------------------------------------------------------------

def _reshape(x: Tensor, shape) -> Tensor:
    from .transformation import reshape
    return reshape(x, shape)


def _norm_pad(pad: Any, nd: int, op: str, channels_last: bool = True) -> Any:
    """A plain, hashable pad attr: 'same' / 'valid', an int, or a tuple of nd (before, after) pairs."""
    if isinstance(pad, str):
        p = pad.lower()
        if p not in ("same", "valid"):
            raise InvalidArgumentError(f"{op}: unknown padding {pad!r}; expected 'same', 'valid', a number or "
                                       f"explicit [[before, after], ...] pairs")
        return p
    if isinstance(pad, bool):
        raise InvalidArgumentError(f"{op}: unknown padding {pad!r}")
    if isinstance(pad, (int, float)):
        if pad < 0:
            raise InvalidArgumentError(f"{op}: pad must be non-negative, got {pad}")
        return pad if isinstance(pad, int) else (int(pad) if float(pad).is_integer() else pad)
    if isinstance(pad, (list, tuple)):
        before, after = conv_util._explicit_pairs(pad, nd, op, channels_last)
        return tuple(zip(before, after))
    raise InvalidArgumentError(f"{op}: unknown padding {pad!r}; expected 'same', 'valid', a number or "
                               f"explicit [[before, after], ...] pairs")


def _attrs(info: conv_util.ConvInfo, pad: Any, dim_rounding_mode: str | None) -> dict:
    return {"strides": info.strides, "pad": pad, "dilations": info.dilations,
            "dim_rounding_mode": dim_rounding_mode}


def _batched(x: Tensor, rank: int, op: str, arg: str = "x") -> tuple[Tensor, bool]:
    """x of rank `rank` (batched) or rank-1 (unbatched, gets a batch of 1)."""
    if x.rank == rank - 1:
        return _reshape(x, (1, *x.shape)), True
    if x.rank != rank:
        raise ShapeError(f"{op}: {arg} must be of rank {rank} or {rank - 1}, got rank {x.rank} "
                         f"(shape {list(x.shape)})")
    return x, False


def _check_filter_rank(f: Tensor, rank: int, op: str, arg: str = "filter") -> None:
    if f.rank != rank:
        raise ShapeError(f"{op}: {arg} must be of rank {rank}, got rank {f.rank} (shape {list(f.shape)})")


def _unbatch(y: Tensor, squeezed: bool) -> Tensor:
    return _reshape(y, y.shape[1:]) if squeezed else y


def _to_channels_last(x: Tensor, data_format: str, op: str, allowed: tuple[str, str]) -> tuple[Tensor, bool]:
    if data_format == allowed[0]:
        return x, False
    if data_format != allowed[1]:
        raise InvalidArgumentError(f"{op}: data_format must be {allowed[0]!r} or {allowed[1]!r}, "
                                   f"got {data_format!r}")
    from .matrices import transpose
    r = x.rank
    return transpose(x, (0, *range(2, r), 1)), True


def _to_channels_first(y: Tensor) -> Tensor:
    from .matrices import transpose
    r = y.rank
    return transpose(y, (0, r - 1, *range(1, r - 1)))


def _only_format(data_format: str, expected: str, op: str) -> None:
    if data_format != expected:
        raise InvalidArgumentError(f"{op}: data_format must be {expected!r} (the only one supported), "
                                   f"got {data_format!r}")


# ---- convolutions ----------------------------------------------------------------------------------

def _conv_nd(kernel: str, op: str, x: Any, filter: Any, strides: Any, pad: Any, dilations: Any,
             dim_rounding_mode: str | None, nd: int) -> Tensor:
    tx = convert(x, "x", op, "float32")
    tf = convert(filter, "filter", op, "float32")
    xb, squeezed = _batched(tx, nd + 2, op)
    _check_filter_rank(tf, nd + 2, op)
    p = _norm_pad(pad, nd, op)
    info = conv_util.conv_info(op, xb.shape, tf.shape, strides, p, dilations, dim_rounding_mode)
    y = run(kernel, (xb, tf), _attrs(info, p, dim_rounding_mode))
    return _unbatch(y, squeezed)


def conv2d(x: Any, filter: Any, strides: Any = 1, pad: Any = "valid", data_format: str = "NHWC",  # noqa: A002
           dilations: Any = 1, dim_rounding_mode: str | None = None) -> Tensor:
    """2D convolution of x [batch, h, w, in] (or [h, w, in]) with filter [fh, fw, in, out]."""
    tx = convert(x, "x", "conv2d", "float32")
    tx, first = _to_channels_last(tx, data_format, "conv2d", ("NHWC", "NCHW"))
    if first and isinstance(pad, (list, tuple)) and len(pad) == 4:
        pad = _norm_pad(pad, 2, "conv2d", channels_last=False)
    y = _conv_nd("Conv2D", "conv2d", tx, filter, strides, pad, dilations, dim_rounding_mode, 2)
    return _to_channels_first(y) if first else y


def conv1d(x: Any, filter: Any, stride: int = 1, pad: Any = "valid", data_format: str = "NWC",  # noqa: A002
           dilation: int = 1, dim_rounding_mode: str | None = None) -> Tensor:
    """1D convolution of x [batch, w, in] (or [w, in]) with filter [fw, in, out] (conv2d with height 1)."""
    op = "conv1d"
    tx = convert(x, "x", op, "float32")
    tf = convert(filter, "filter", op, "float32")
    _only_format(data_format, "NWC", op)
    xb, squeezed = _batched(tx, 3, op)
    _check_filter_rank(tf, 3, op)
    s = conv_util.parse_tuple(stride, 1, op, "stride")[0]
    d = conv_util.parse_tuple(dilation, 1, op, "dilation")[0]
    if isinstance(pad, (int, float)) and not isinstance(pad, bool) and pad >= 0:
        pad = [[pad, pad]]  # pad only the width (TF.js would pad the unit height too)
    if isinstance(pad, (list, tuple)):
        pairs = [list(p) for p in pad]
        if len(pairs) == 3:  # [[0, 0], [left, right], [0, 0]]
            pairs = pairs[1:2] if pairs[0] == [0, 0] and pairs[2] == [0, 0] else pairs
        if len(pairs) != 1:
            raise InvalidArgumentError(f"{op}: explicit pad must be [[left, right]] (or [[0, 0], [left, right], "
                                       f"[0, 0]]), got {pad!r}")
        pad = [[0, 0], pairs[0]]
    x4 = _reshape(xb, (xb.shape[0], 1, xb.shape[1], xb.shape[2]))
    f4 = _reshape(tf, (1, *tf.shape))
    p = _norm_pad(pad, 2, op)
    info = conv_util.conv_info(op, x4.shape, f4.shape, (1, s), p, (1, d), dim_rounding_mode)
    y = run("Conv2D", (x4, f4), _attrs(info, p, dim_rounding_mode))
    y = _reshape(y, (y.shape[0], y.shape[2], y.shape[3]))
    return _unbatch(y, squeezed)


def conv3d(x: Any, filter: Any, strides: Any = 1, pad: Any = "valid", data_format: str = "NDHWC",  # noqa: A002
           dilations: Any = 1) -> Tensor:
    """3D convolution of x [batch, d, h, w, in] (or unbatched) with filter [fd, fh, fw, in, out]."""
    _only_format(data_format, "NDHWC", "conv3d")
    return _conv_nd("Conv3D", "conv3d", x, filter, strides, pad, dilations, None, 3)


def depthwise_conv2d(x: Any, filter: Any, strides: Any = 1, pad: Any = "valid",  # noqa: A002
                     data_format: str = "NHWC", dilations: Any = 1,
                     dim_rounding_mode: str | None = None) -> Tensor:
    """Depthwise 2D convolution: filter [fh, fw, in, multiplier]; output channel c*multiplier + m."""
    op = "depthwise_conv2d"
    tx = convert(x, "x", op, "float32")
    tf = convert(filter, "filter", op, "float32")
    tx, first = _to_channels_last(tx, data_format, op, ("NHWC", "NCHW"))
    if first and isinstance(pad, (list, tuple)) and len(pad) == 4:
        pad = _norm_pad(pad, 2, op, channels_last=False)
    xb, squeezed = _batched(tx, 4, op)
    _check_filter_rank(tf, 4, op)
    p = _norm_pad(pad, 2, op)
    info = conv_util.conv_info(op, xb.shape, tf.shape, strides, p, dilations, dim_rounding_mode, depthwise=True)
    y = run("DepthwiseConv2dNative", (xb, tf), _attrs(info, p, dim_rounding_mode))
    y = _unbatch(y, squeezed)
    return _to_channels_first(y) if first else y


def separable_conv2d(x: Any, depthwise_filter: Any, pointwise_filter: Any, strides: Any = 1,
                     pad: Any = "valid", dilation: Any = 1, data_format: str = "NHWC") -> Tensor:
    """A depthwise conv (filter [fh, fw, in, mult]) followed by a 1x1 conv (filter [1, 1, in*mult, out])."""
    op = "separable_conv2d"
    tx = convert(x, "x", op, "float32")
    dw = convert(depthwise_filter, "depthwise_filter", op, "float32")
    pw = convert(pointwise_filter, "pointwise_filter", op, "float32")
    _only_format(data_format, "NHWC", op)
    xb, squeezed = _batched(tx, 4, op)
    _check_filter_rank(dw, 4, op, "depthwise_filter")
    _check_filter_rank(pw, 4, op, "pointwise_filter")
    if pw.shape[0] != 1 or pw.shape[1] != 1:
        raise ShapeError(f"{op}: pointwise_filter must be [1, 1, in*multiplier, out], got {list(pw.shape)}")
    if pw.shape[2] != dw.shape[2] * dw.shape[3]:
        raise ShapeError(f"{op}: the third dim of pointwise_filter must be {dw.shape[2] * dw.shape[3]} "
                         f"(in_channels * channel_multiplier), got {pw.shape[2]}")
    y = depthwise_conv2d(xb, dw, strides, pad, "NHWC", dilation)
    y = conv2d(y, pw, 1, "valid")
    return _unbatch(y, squeezed)


def _conv_backprop_input(kernel: str, op: str, input_shape, dy: Tensor, filter: Tensor, strides: Any,
                         pad: Any, dilations: Any, dim_rounding_mode: str | None, nd: int,
                         depthwise: bool = False) -> Tensor:
    input_shape = as_shape(input_shape, op, "output_shape")
    if len(input_shape) != dy.rank:
        raise ShapeError(f"{op}: output_shape {list(input_shape)} must have the rank of x ({dy.rank})")
    squeezed = dy.rank == nd + 1
    if squeezed:
        dy = _reshape(dy, (1, *dy.shape))
        input_shape = (1, *input_shape)
    if dy.rank != nd + 2:
        raise ShapeError(f"{op}: x must be of rank {nd + 2} or {nd + 1}, got rank {dy.rank - squeezed} "
                         f"(shape {list(dy.shape[squeezed:])})")
    _check_filter_rank(filter, nd + 2, op)
    if not depthwise and dy.shape[-1] != filter.shape[-1]:
        raise ShapeError(f"{op}: depth of x ({dy.shape[-1]}) must match the output depth of the filter "
                         f"({filter.shape[-1]}); filter shape {list(filter.shape)}")
    p = _norm_pad(pad, nd, op)
    info = conv_util.conv_info(op, input_shape, filter.shape, strides, p, dilations, dim_rounding_mode,
                               depthwise=depthwise, allow_strides_and_dilations=True)
    if info.out_shape != tuple(dy.shape):
        raise ShapeError(f"{op}: x has shape {list(dy.shape[squeezed:])} but a convolution of output_shape "
                         f"{list(input_shape[squeezed:])} with these strides and padding gives "
                         f"{list(info.out_shape[squeezed:])}")
    y = run(kernel, (dy, filter), {**_attrs(info, p, dim_rounding_mode), "input_shape": info.in_shape})
    return _unbatch(y, squeezed)


def conv2d_transpose(x: Any, filter: Any, output_shape: Any, strides: Any = 1, pad: Any = "valid",  # noqa: A002
                     dim_rounding_mode: str | None = None) -> Tensor:
    """The transpose (gradient) of conv2d: x [batch, h, w, out] with filter [fh, fw, in, out] gives
    `output_shape` [batch, H, W, in]."""
    op = "conv2d_transpose"
    tx = convert(x, "x", op, "float32")
    tf = convert(filter, "filter", op, "float32")
    conv_util.check_pad_on_dim_rounding_mode(op, pad, dim_rounding_mode)
    return _conv_backprop_input("Conv2DBackpropInput", op, output_shape, tx, tf, strides, pad, 1,
                                dim_rounding_mode, 2)


def conv3d_transpose(x: Any, filter: Any, output_shape: Any, strides: Any = 1,  # noqa: A002
                     pad: Any = "valid") -> Tensor:
    """The transpose (gradient) of conv3d: x [batch, d, h, w, out], filter [fd, fh, fw, in, out]."""
    op = "conv3d_transpose"
    tx = convert(x, "x", op, "float32")
    tf = convert(filter, "filter", op, "float32")
    return _conv_backprop_input("Conv3DBackpropInputV2", op, output_shape, tx, tf, strides, pad, 1, None, 3)


def dilation2d(x: Any, filter: Any, strides: Any = 1, pad: Any = "valid", dilations: Any = 1,  # noqa: A002
               data_format: str = "NHWC") -> Tensor:
    """Grayscale morphological dilation: out[b, y, x, c] = max over the window of
    x[b, y*s + i*d, x*s + j*d, c] + filter[i, j, c] (padding never wins). filter: [fh, fw, depth]."""
    op = "dilation2d"
    tx = convert(x, "x", op, "numeric")
    tf = convert(filter, "filter", op, "numeric")
    _only_format(data_format, "NHWC", op)
    xb, squeezed = _batched(tx, 4, op)
    _check_filter_rank(tf, 3, op)
    if xb.shape[3] != tf.shape[2]:
        raise ShapeError(f"{op}: x and filter must have the same depth, got {xb.shape[3]} and {tf.shape[2]}")
    if tx.dtype != tf.dtype:
        from ._base import convert_pair
        xb, tf = convert_pair(xb, tf, op)
    if not isinstance(pad, str):
        raise InvalidArgumentError(f"{op}: pad must be 'same' or 'valid', got {pad!r}")
    p = _norm_pad(pad, 2, op)
    info = conv_util.conv_info(op, xb.shape, (*tf.shape, xb.shape[3]), strides, p, dilations,
                               allow_strides_and_dilations=True)
    y = run("Dilation2D", (xb, tf), {"strides": info.strides, "pad": p, "dilations": info.dilations})
    return _unbatch(y, squeezed)


# ---- gradients -------------------------------------------------------------------------------------

def _bp_attrs(attrs: dict) -> dict:
    return {"strides": attrs["strides"], "pad": attrs["pad"], "dilations": attrs.get("dilations", 1),
            "dim_rounding_mode": attrs.get("dim_rounding_mode")}


def _conv_grads(fwd: str, bp_input: str, bp_filter: str):
    def grad(dy, inputs, outputs, attrs):
        x, f = inputs
        a = _bp_attrs(attrs)
        return (lambda: run(bp_input, (dy, f), {**a, "input_shape": tuple(x.shape)}),
                lambda: run(bp_filter, (x, dy), {**a, "filter_shape": tuple(f.shape)}))

    def grad_input(ddx, inputs, outputs, attrs):  # y = bp_input(dy, f)
        dy, f = inputs
        a = _bp_attrs(attrs)
        return (lambda: run(fwd, (ddx, f), a),
                lambda: run(bp_filter, (ddx, dy), {**a, "filter_shape": tuple(f.shape)}))

    def grad_filter(ddf, inputs, outputs, attrs):  # y = bp_filter(x, dy)
        x, dy = inputs
        a = _bp_attrs(attrs)
        return lambda: run(bp_input, (dy, ddf), {**a, "input_shape": tuple(x.shape)}), lambda: run(fwd, (x, ddf), a)

    gradient(fwd)(grad)
    gradient(bp_input)(grad_input)
    gradient(bp_filter)(grad_filter)


_conv_grads("Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter")
_conv_grads("Conv3D", "Conv3DBackpropInputV2", "Conv3DBackpropFilterV2")
_conv_grads("DepthwiseConv2dNative", "DepthwiseConv2dNativeBackpropInput", "DepthwiseConv2dNativeBackpropFilter")


@gradient("Dilation2D")
def _dilation2d_grad(dy, inputs, outputs, attrs):
    x, f = inputs
    a = {"strides": attrs["strides"], "pad": attrs["pad"], "dilations": attrs.get("dilations", 1)}
    return (lambda: run("Dilation2DBackpropInput", (x, f, dy), a),
            lambda: run("Dilation2DBackpropFilter", (x, f, dy), a))
