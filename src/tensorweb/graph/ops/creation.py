"""Creation TF ops: Fill, Zeros, Ones, ZerosLike, OnesLike, LinSpace, Range, OneHot, and the random ops
RandomUniform, RandomUniformInt, RandomStandardNormal, TruncatedNormal, Multinomial.

Random ops: seed and seed2 both 0 (TF's "no seed") draw fresh numbers on every run; otherwise the numbers
are a function of the seeds, the same on every run (as TF.js, which seeds each call). Their generator is
not TF's, so values differ from TF's and TF.js's; their distributions do not."""
from __future__ import annotations

from typing import Any

import tensorweb as tw

from ...errors import InvalidArgumentError
from . import graph_op
from ._node_args import expect_inputs, host_int, host_ints, host_number, node_error

LIKE = {"ZerosLike": tw.zeros_like, "OnesLike": tw.ones_like}
CONSTANT = {"Zeros": tw.zeros, "Ones": tw.ones}


def _seed(ctx: Any) -> int | None:
    seed, seed2 = int(ctx.attr("seed", 0)), int(ctx.attr("seed2", 0))
    return None if seed == 0 and seed2 == 0 else (seed << 32) + seed2


def _shape(ctx: Any, inputs: list, n: int = 1) -> tuple[list[int], list]:
    shape, *rest = expect_inputs(ctx, inputs, n)
    return host_ints(ctx, shape, "shape"), rest


@graph_op("Fill")
def _fill(ctx: Any, inputs: list) -> tw.Tensor:
    shape, (value,) = _shape(ctx, inputs, 2)
    return tw.fill(shape, value.item(), ctx.attr("T", value.dtype))


@graph_op(*CONSTANT)
def _constant(ctx: Any, inputs: list) -> tw.Tensor:
    shape, _ = _shape(ctx, inputs)
    return CONSTANT[ctx.op](shape, ctx.attr("T", "float32"))


@graph_op(*LIKE)
def _like(ctx: Any, inputs: list) -> tw.Tensor:
    return LIKE[ctx.op](*expect_inputs(ctx, inputs, 1))


@graph_op("LinSpace")
def _linspace(ctx: Any, inputs: list) -> tw.Tensor:
    start, stop, num = expect_inputs(ctx, inputs, 3)
    return tw.linspace(host_number(ctx, start, "start"), host_number(ctx, stop, "stop"), host_int(ctx, num, "num"))


@graph_op("Range")
def _range(ctx: Any, inputs: list) -> tw.Tensor:
    start, limit, delta = expect_inputs(ctx, inputs, 3)
    return tw.range(host_number(ctx, start, "start"), host_number(ctx, limit, "limit"),
                    host_number(ctx, delta, "delta"), ctx.attr("Tidx", start.dtype))


@graph_op("OneHot")
def _one_hot(ctx: Any, inputs: list) -> tw.Tensor:
    """TF's axis attr (-1: a new last axis) is honoured; TF.js ignores it."""
    indices, depth, on, off = expect_inputs(ctx, inputs, 4)
    out = tw.one_hot(indices, host_int(ctx, depth, "depth"), host_number(ctx, on, "on_value"),
                     host_number(ctx, off, "off_value"), ctx.attr("T", on.dtype))
    axis = int(ctx.attr("axis", -1))
    if axis in (-1, indices.rank):
        return out
    perm = list(range(indices.rank))
    perm.insert(axis, indices.rank)
    return tw.transpose(out, perm)


@graph_op("RandomUniform")
def _random_uniform(ctx: Any, inputs: list) -> tw.Tensor:
    shape, _ = _shape(ctx, inputs)
    return tw.random_uniform(shape, float(ctx.attr("minval", 0)), float(ctx.attr("maxval", 1)),
                             ctx.attr("dtype", "float32"), _seed(ctx))


@graph_op("RandomUniformInt")
def _random_uniform_int(ctx: Any, inputs: list) -> tw.Tensor:
    """Integers uniform in [minval, maxval): TF's inputs 1 and 2 (TF.js looks for attrs of those names)."""
    shape, bounds = _shape(ctx, inputs, 3 if len(inputs) > 1 else 1)
    lo, hi = ([host_int(ctx, b, name) for b, name in zip(bounds, ("minval", "maxval"))] if bounds else
              [int(ctx.attr("minval")), int(ctx.attr("maxval"))])
    if lo >= hi:
        raise node_error(ctx, InvalidArgumentError, f"needs minval < maxval, got {lo} and {hi}")
    real = tw.floor(tw.random_uniform(shape, lo, hi, "float32", _seed(ctx)))
    return tw.minimum(tw.cast(real, "int32"), hi - 1)


@graph_op("RandomStandardNormal")
def _random_standard_normal(ctx: Any, inputs: list) -> tw.Tensor:
    shape, _ = _shape(ctx, inputs)
    return tw.random_standard_normal(shape, ctx.attr("dtype", "float32"), _seed(ctx))


@graph_op("TruncatedNormal")
def _truncated_normal(ctx: Any, inputs: list) -> tw.Tensor:
    shape, _ = _shape(ctx, inputs)
    return tw.truncated_normal(shape, float(ctx.attr("means", 0)), float(ctx.attr("stddev", 1)),
                               ctx.attr("dtype", "float32"), _seed(ctx))


@graph_op("Multinomial")
def _multinomial(ctx: Any, inputs: list) -> tw.Tensor:
    logits, num_samples = expect_inputs(ctx, inputs, 2)
    return tw.multinomial(logits, host_int(ctx, num_samples, "num_samples"), _seed(ctx))
