"""Helpers for the math mappers (arithmetic, basic_math, logical, reduction, evaluation, normalization,
matrices, image, convolution): input counts, the small host-side values TF.js reads synchronously
(axes, sizes, k), data formats, padding, and the fused-op lists of _FusedConv2D / _FusedMatMul.
Every error names the node and its op."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from ...core.tensor import Tensor
from ...errors import InvalidArgumentError, ModelFormatError, UnsupportedOpError


def node_error(ctx: Any, cls: type[Exception], message: str) -> Exception:
    """An error of type cls whose message starts with the node's op and name."""
    return cls(f"{ctx.op} node '{ctx.name}': {message}")


def expect_inputs(ctx: Any, inputs: Sequence[Any], n: int, at_least: bool = False) -> list:
    """The node's inputs, checked to be exactly n (or at least n)."""
    if len(inputs) < n or (not at_least and len(inputs) > n):
        want = f"at least {n}" if at_least else str(n)
        raise node_error(ctx, ModelFormatError, f"expected {want} inputs, got {len(inputs)}")
    return list(inputs)


def host_array(ctx: Any, value: Any, what: str) -> np.ndarray:
    """A small input's values on the host (TF.js's dataSync), for axes, sizes and counts."""
    arr = value.numpy() if isinstance(value, Tensor) else np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise node_error(ctx, InvalidArgumentError, f"{what} must be numeric, got dtype {arr.dtype}")
    return arr


def host_number(ctx: Any, value: Any, what: str) -> int | float:
    """A scalar input (or a one-element tensor) as a Python number."""
    arr = host_array(ctx, value, what)
    if arr.size != 1:
        raise node_error(ctx, InvalidArgumentError, f"{what} must hold one value, got shape {list(arr.shape)}")
    return arr.reshape(-1)[0].item()


def host_int(ctx: Any, value: Any, what: str) -> int:
    """A scalar integer input (or a one-element tensor) as a Python int."""
    v = host_number(ctx, value, what)
    if isinstance(v, float) and not v.is_integer():
        raise node_error(ctx, InvalidArgumentError, f"{what} must be an integer, got {v}")
    return int(v)


def host_ints(ctx: Any, value: Any, what: str) -> list[int]:
    """A 0-D or 1-D integer input as a list of Python ints."""
    arr = host_array(ctx, value, what)
    if arr.ndim > 1 or (arr.dtype.kind == "f" and not np.all(np.mod(arr, 1) == 0)):
        raise node_error(ctx, InvalidArgumentError, f"{what} must be a scalar or a vector of integers, got "
                                                     f"{arr.tolist()} (shape {list(arr.shape)})")
    return [int(v) for v in arr.reshape(-1)]


def host_axes(ctx: Any, value: Any) -> int | list[int]:
    """A reduction's axis input: an int for a scalar, a list for a vector (an empty one reduces nothing)."""
    axes = host_ints(ctx, value, "axis")
    return axes[0] if np.ndim(value) == 0 else axes


def data_format(ctx: Any, default: str, supported: Sequence[str]) -> str:
    """The node's data_format attr (upper case), refused with a clear error when not supported."""
    fmt = str(ctx.attr("data_format", default)).upper()
    if fmt not in supported:
        raise node_error(ctx, UnsupportedOpError, f"data_format {fmt!r} is not supported; expected one of "
                                                   f"{list(supported)}")
    return fmt


def spatial(ctx: Any, key: str, fmt: str, required: bool = True) -> list[int]:
    """The spatial entries of a per-dimension attr (strides, dilations, ksize) laid out as `fmt`; an
    attr that is not required defaults to all ones."""
    value = ctx.attr(key) if required else ctx.attr(key, [1] * len(fmt))
    if not isinstance(value, list) or len(value) != len(fmt):
        raise node_error(ctx, ModelFormatError, f"attr {key} must be a list of {len(fmt)} ints (one per "
                                                 f"dimension of {fmt}), got {value!r}")
    if any(value[i] != 1 for i, d in enumerate(fmt) if d in "NC"):
        raise node_error(ctx, UnsupportedOpError, f"attr {key} {value} is not 1 on the batch and channel "
                                                   f"dimensions of {fmt}")
    return [int(value[i]) for i, d in enumerate(fmt) if d not in "NC"]


def padding(ctx: Any, fmt: str) -> str | list[list[int]]:
    """'same' / 'valid', or for EXPLICIT the explicit_paddings as [before, after] pairs in `fmt` order."""
    pad = str(ctx.attr("padding")).lower()
    if pad in ("same", "valid"):
        return pad
    if pad != "explicit":
        raise node_error(ctx, ModelFormatError, f"padding must be SAME, VALID or EXPLICIT, got {pad.upper()!r}")
    flat = ctx.attr("explicit_paddings", [])
    if len(flat) != 2 * len(fmt):
        raise node_error(ctx, ModelFormatError, f"padding EXPLICIT needs explicit_paddings of {2 * len(fmt)} "
                                                 f"ints, got {flat!r}")
    return [[int(flat[2 * i]), int(flat[2 * i + 1])] for i in range(len(fmt))]


_ACTIVATIONS = ("relu", "relu6", "elu", "leakyrelu", "prelu", "sigmoid", "tanh")


@dataclass
class FusedOps:
    """The parsed fused_ops and args of a fused contraction: bias, batch norm parameters (scale, offset,
    mean, variance) with epsilon, and the activation with its prelu weights / leakyrelu alpha."""
    bias: Any = None
    batch_norm: tuple | None = None
    epsilon: float = 1e-4
    activation: str = "linear"
    prelu_weights: Any = None
    leakyrelu_alpha: float = 0.2


def fused_ops(ctx: Any, args: list, allow_batch_norm: bool) -> FusedOps:
    """fused_ops [BiasAdd | FusedBatchNorm, activation?] with their num_args extra inputs (TF's order: the
    bias, or scale, offset, mean, variance; then the prelu weights)."""
    ops = [str(o).lower() for o in ctx.attr("fused_ops", [])]
    head, act = (ops[0] if ops else None), ops[1:]
    heads = ("biasadd", "fusedbatchnorm") if allow_batch_norm else ("biasadd",)
    if (ops and head not in heads) or len(act) > 1 or (act and act[0] not in _ACTIVATIONS):
        raise node_error(ctx, UnsupportedOpError, f"fused_ops {ctx.attr('fused_ops', [])} are not supported; "
                                                   f"expected [{' | '.join(heads)}] then one of {list(_ACTIVATIONS)}")
    out = FusedOps(activation=act[0] if act else "linear",
                   leakyrelu_alpha=float(ctx.attr("leakyrelu_alpha", 0.2)),
                   epsilon=float(ctx.attr("epsilon", 1e-4)))
    n_head = {None: 0, "biasadd": 1, "fusedbatchnorm": 4}[head]
    want = n_head + (out.activation == "prelu")
    num_args = ctx.attr("num_args", len(args))
    if len(args) != want or num_args != want:
        raise node_error(ctx, ModelFormatError, f"fused_ops {ctx.attr('fused_ops', [])} need {want} extra "
                                                 f"inputs, got {len(args)} (num_args {num_args})")
    if head == "biasadd":
        out.bias = args[0]
    elif head == "fusedbatchnorm":
        out.batch_norm = tuple(args[:4])
    if out.activation == "prelu":
        out.prelu_weights = args[-1]
    return out
