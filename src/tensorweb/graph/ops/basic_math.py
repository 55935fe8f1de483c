"""Basic math TF ops: the unary ones (Abs ... Tanh, one table), Atan2, ClipByValue, Complex, LeakyRelu,
Prelu."""
from __future__ import annotations

from typing import Any

import tensorweb as tw

from . import graph_op
from ._node_args import expect_inputs, host_number

UNARY = {
    "Abs": tw.abs, "ComplexAbs": tw.abs, "Acos": tw.acos, "Acosh": tw.acosh, "Asin": tw.asin,
    "Asinh": tw.asinh, "Atan": tw.atan, "Atanh": tw.atanh, "Ceil": tw.ceil, "Cos": tw.cos, "Cosh": tw.cosh,
    "Elu": tw.elu, "Erf": tw.erf, "Exp": tw.exp, "Expm1": tw.expm1, "Floor": tw.floor, "Imag": tw.imag,
    "IsFinite": tw.is_finite, "IsInf": tw.is_inf, "IsNan": tw.is_nan, "Log": tw.log, "Log1p": tw.log1p,
    "Neg": tw.neg, "Real": tw.real, "Reciprocal": tw.reciprocal, "Relu": tw.relu, "Relu6": tw.relu6,
    "Round": tw.round, "Rsqrt": tw.rsqrt, "Selu": tw.selu, "Sigmoid": tw.sigmoid, "Sign": tw.sign,
    "Sin": tw.sin, "Sinh": tw.sinh, "Softplus": tw.softplus, "Sqrt": tw.sqrt, "Square": tw.square,
    "Tan": tw.tan, "Tanh": tw.tanh,
}

BINARY = {"Atan2": tw.atan2, "Complex": tw.complex, "Prelu": tw.prelu}


@graph_op(*UNARY)
def _unary(ctx: Any, inputs: list) -> tw.Tensor:
    (x,) = expect_inputs(ctx, inputs, 1)
    return UNARY[ctx.op](x)


@graph_op(*BINARY)
def _binary(ctx: Any, inputs: list) -> tw.Tensor:
    a, b = expect_inputs(ctx, inputs, 2)
    return BINARY[ctx.op](a, b)


@graph_op("LeakyRelu")
def _leaky_relu(ctx: Any, inputs: list) -> tw.Tensor:
    (x,) = expect_inputs(ctx, inputs, 1)
    return tw.leaky_relu(x, ctx.attr("alpha", 0.2))


@graph_op("ClipByValue")
def _clip_by_value(ctx: Any, inputs: list) -> tw.Tensor:
    """Scalar bounds clip as TF.js's clipByValue; tensor bounds (TF allows them) clip elementwise."""
    x, lo, hi = expect_inputs(ctx, inputs, 3)
    if lo.size == 1 and hi.size == 1:
        return tw.clip_by_value(x, host_number(ctx, lo, "clip_value_min"), host_number(ctx, hi, "clip_value_max"))
    return tw.minimum(tw.maximum(x, lo), hi)
