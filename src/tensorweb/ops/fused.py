"""Fused ops (tw.fused.*): conv2d, depthwise_conv2d and mat_mul followed by a bias add and an activation,
computed by one kernel (FusedConv2D, FusedDepthwiseConv2D, _FusedMatMul) that applies the bias and the
activation in place on its fresh output.

activation: 'linear' (default), 'relu', 'relu6', 'elu', 'leakyrelu' (leakyrelu_alpha, default 0.2),
'prelu' (prelu_activation_weights, broadcast against the output), 'sigmoid', 'tanh'.
Every activation is differentiable here (TF.js falls back to unfused ops under a gradient tape; the
values are the same).
"""
from __future__ import annotations

from typing import Any

from ..core.registry import gradient
from ..core.tensor import Tensor
from ..errors import DtypeError, InvalidArgumentError, ShapeError
from . import conv_util
from ._base import broadcast_shapes, cast_to, convert, convert_pair, run

__all__ = ["conv2d", "depthwise_conv2d", "mat_mul"]

ACTIVATIONS = ("linear", "relu", "relu6", "elu", "leakyrelu", "prelu", "sigmoid", "tanh")


def _extras(op: str, out_shape: tuple, like: Tensor, bias: Any, activation: str | None,
            prelu_activation_weights: Any, leakyrelu_alpha: Any) -> tuple[list[Tensor], dict]:
    activation = activation or "linear"
    if activation not in ACTIVATIONS:
        raise InvalidArgumentError(f"{op}: unknown activation {activation!r}; expected one of {list(ACTIVATIONS)}")
    extra: list[Tensor] = []
    if bias is not None:
        tb = convert(bias, "bias", op, "numeric")
        _, tb = convert_pair(like, tb, op)
        if broadcast_shapes(out_shape, tb.shape, op) != tuple(out_shape):
            raise ShapeError(f"{op}: bias of shape {list(tb.shape)} does not broadcast to the output shape "
                             f"{list(out_shape)}")
        extra.append(tb)
    if activation == "prelu":
        if prelu_activation_weights is None:
            raise InvalidArgumentError(f"{op}: activation 'prelu' needs prelu_activation_weights")
        tw_ = cast_to(convert(prelu_activation_weights, "prelu_activation_weights", op, "numeric"), like.dtype)
        if broadcast_shapes(out_shape, tw_.shape, op) != tuple(out_shape):
            raise ShapeError(f"{op}: prelu_activation_weights of shape {list(tw_.shape)} is not compatible with "
                             f"the output shape {list(out_shape)}")
        extra.append(tw_)
    alpha = 0.2 if leakyrelu_alpha is None else float(leakyrelu_alpha)
    return extra, {"has_bias": bias is not None, "activation": activation, "leakyrelu_alpha": alpha}


def conv2d(x: Any, filter: Any, strides: Any = 1, pad: Any = "valid", data_format: str = "NHWC",  # noqa: A002
           dilations: Any = 1, dim_rounding_mode: str | None = None, bias: Any = None,
           activation: str = "linear", prelu_activation_weights: Any = None,
           leakyrelu_alpha: float | None = None) -> Tensor:
    """activation(conv2d(x, filter) + bias) in one kernel (see tw.conv2d for the conv arguments)."""
    return _fused_conv("FusedConv2D", "fused.conv2d", False, x, filter, strides, pad, data_format, dilations,
                       dim_rounding_mode, bias, activation, prelu_activation_weights, leakyrelu_alpha)


def depthwise_conv2d(x: Any, filter: Any, strides: Any = 1, pad: Any = "valid",  # noqa: A002
                     data_format: str = "NHWC", dilations: Any = 1, dim_rounding_mode: str | None = None,
                     bias: Any = None, activation: str = "linear", prelu_activation_weights: Any = None,
                     leakyrelu_alpha: float | None = None) -> Tensor:
    """activation(depthwise_conv2d(x, filter) + bias) in one kernel."""
    return _fused_conv("FusedDepthwiseConv2D", "fused.depthwise_conv2d", True, x, filter, strides, pad,
                       data_format, dilations, dim_rounding_mode, bias, activation, prelu_activation_weights,
                       leakyrelu_alpha)


def _fused_conv(kernel, op, depthwise, x, filter, strides, pad, data_format, dilations,  # noqa: A002
                dim_rounding_mode, bias, activation, prelu_activation_weights, leakyrelu_alpha) -> Tensor:
    from .convolution import _batched, _check_filter_rank, _norm_pad, _unbatch
    tx = convert(x, "x", op, "float32")
    tf = convert(filter, "filter", op, "float32")
    if data_format != "NHWC":
        raise InvalidArgumentError(f"{op}: data_format must be 'NHWC', got {data_format!r}")
    xb, squeezed = _batched(tx, 4, op)
    _check_filter_rank(tf, 4, op)
    p = _norm_pad(pad, 2, op)
    info = conv_util.conv_info(op, xb.shape, tf.shape, strides, p, dilations, dim_rounding_mode,
                               depthwise=depthwise)
    extra, fattrs = _extras(op, info.out_shape, xb, bias, activation, prelu_activation_weights, leakyrelu_alpha)
    attrs = {"strides": info.strides, "pad": p, "dilations": info.dilations,
             "dim_rounding_mode": dim_rounding_mode, **fattrs}
    y = run(kernel, (xb, tf, *extra), attrs)
    return _unbatch(y, squeezed)


def mat_mul(a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False, bias: Any = None,
            activation: str = "linear", prelu_activation_weights: Any = None,
            leakyrelu_alpha: float | None = None) -> Tensor:
    """activation(mat_mul(a, b) + bias) in one kernel (batched over the broadcast outer dims)."""
    op = "fused.mat_mul"
    ta, tb = convert_pair(a, b, op)
    if ta.dtype in ("string", "complex64", "bool"):
        raise DtypeError(f"{op}: does not accept {ta.dtype} tensors")
    if ta.rank < 2 or tb.rank < 2:
        raise ShapeError(f"{op}: inputs must be of rank >= 2, got ranks {ta.rank} and {tb.rank}")
    transpose_a, transpose_b = bool(transpose_a), bool(transpose_b)
    inner_a = ta.shape[-2] if transpose_a else ta.shape[-1]
    inner_b = tb.shape[-1] if transpose_b else tb.shape[-2]
    if inner_a != inner_b:
        raise ShapeError(f"{op}: inner shapes ({inner_a}) and ({inner_b}) of tensors with shapes {list(ta.shape)} "
                         f"and {list(tb.shape)} and transpose_a={transpose_a} and transpose_b={transpose_b} "
                         f"must match")
    outer = broadcast_shapes(ta.shape[:-2], tb.shape[:-2], op)
    out_shape = (*outer, ta.shape[-1] if transpose_a else ta.shape[-2], tb.shape[-2] if transpose_b else tb.shape[-1])
    if ta.dtype == "int32" and (activation or "linear") not in ("linear", "relu", "relu6"):
        ta, tb = cast_to(ta, "float32"), cast_to(tb, "float32")
    extra, fattrs = _extras(op, out_shape, ta, bias, activation, prelu_activation_weights, leakyrelu_alpha)
    return run("_FusedMatMul", (ta, tb, *extra),
               {"transpose_a": transpose_a, "transpose_b": transpose_b, **fattrs})


# ---- gradients -------------------------------------------------------------------------------------

def _activation_grad(dy: Tensor, y: Tensor, attrs: dict, prelu_w: Tensor | None, pre_fn):
    """(dy through the activation, gradient of the prelu weights or None)."""
    from .arithmetic import add, mul, sub, unbroadcast
    from .creation import zeros_like
    from .logical import greater, less, logical_and, where
    from .transformation import cast
    act = attrs["activation"]
    if act == "linear":
        return dy, None
    if act == "relu":
        from .basic_math import step
        return mul(dy, step(y)), None
    if act == "relu6":
        return mul(dy, cast(logical_and(greater(y, 0), less(y, 6)), dy.dtype)), None
    if act == "elu":
        return where(greater(y, 0), dy, mul(dy, add(y, 1))), None
    if act == "sigmoid":
        return mul(dy, mul(y, sub(1, y))), None
    if act == "tanh":
        return mul(dy, sub(1, mul(y, y))), None
    if act == "leakyrelu":
        alpha = attrs["leakyrelu_alpha"]
        pos = greater(y, 0) if alpha > 0 else greater(pre_fn(), 0)
        return where(pos, dy, mul(dy, alpha)), None
    if act == "prelu":
        pre = pre_fn()
        pos = greater(pre, 0)
        d_pre = where(pos, dy, mul(dy, prelu_w))
        dw = unbroadcast(where(pos, zeros_like(dy), mul(dy, pre)), prelu_w.shape)
        return d_pre, dw
    raise InvalidArgumentError(f"cannot differentiate fused activation {act!r}")


def _split_extra(inputs, attrs):
    rest = list(inputs[2:])
    bias = rest.pop(0) if attrs.get("has_bias") else None
    prelu_w = rest.pop(0) if attrs["activation"] == "prelu" else None
    return bias, prelu_w


def _fused_conv_grad(fwd: str, bp_input: str, bp_filter: str):
    def grad(dy, inputs, outputs, attrs):
        from .arithmetic import add, unbroadcast
        x, f = inputs[0], inputs[1]
        bias, prelu_w = _split_extra(inputs, attrs)
        conv_attrs = {"strides": attrs["strides"], "pad": attrs["pad"], "dilations": attrs["dilations"],
                      "dim_rounding_mode": attrs.get("dim_rounding_mode")}

        def pre_fn():
            z = run(fwd, (x, f), conv_attrs)
            return add(z, bias) if bias is not None else z
        d, dw = _activation_grad(dy, outputs[0], attrs, prelu_w, pre_fn)
        out = [lambda: run(bp_input, (d, f), {**conv_attrs, "input_shape": tuple(x.shape)}),
               lambda: run(bp_filter, (x, d), {**conv_attrs, "filter_shape": tuple(f.shape)})]
        if bias is not None:
            out.append(unbroadcast(d, bias.shape))
        if prelu_w is not None:
            out.append(dw)
        return tuple(out)
    return grad


gradient("FusedConv2D")(_fused_conv_grad("Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter"))
gradient("FusedDepthwiseConv2D")(_fused_conv_grad("DepthwiseConv2dNative", "DepthwiseConv2dNativeBackpropInput",
                                                  "DepthwiseConv2dNativeBackpropFilter"))


@gradient("_FusedMatMul")
def _fused_mat_mul_grad(dy, inputs, outputs, attrs):
    from .arithmetic import add, unbroadcast
    from .matrices import _batch_mat_mul_grad, mat_mul as _mm
    a, b = inputs[0], inputs[1]
    bias, prelu_w = _split_extra(inputs, attrs)
    mm_attrs = {"transpose_a": attrs["transpose_a"], "transpose_b": attrs["transpose_b"]}

    def pre_fn():
        z = _mm(a, b, mm_attrs["transpose_a"], mm_attrs["transpose_b"])
        return add(z, bias) if bias is not None else z
    d, dw = _activation_grad(dy, outputs[0], attrs, prelu_w, pre_fn)
    out = list(_batch_mat_mul_grad(d, (a, b), None, mm_attrs))
    if bias is not None:
        out.append(unbroadcast(d, bias.shape))
    if prelu_w is not None:
        out.append(dw)
    return tuple(out)
