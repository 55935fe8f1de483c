"""Pooling: avg_pool, avg_pool3d, max_pool, max_pool3d, max_pool_with_argmax, pool (with gradients: AvgPool,
AvgPool3D, MaxPool, MaxPool3D). Channels-last (NHWC / NDHWC); window geometry from conv_util."""
from __future__ import annotations

from typing import Any, NamedTuple

from ..core.registry import gradient
from ..core.tensor import Tensor
from ..errors import InvalidArgumentError, ShapeError
from . import conv_util
from ._base import convert, run

__all__ = ["avg_pool", "avg_pool3d", "max_pool", "max_pool3d", "max_pool_with_argmax", "pool"]


class MaxPoolWithArgmaxResult(NamedTuple):
    """max_pool_with_argmax's (result, indexes), as TF.js's {result, indexes}."""
    result: Tensor
    indexes: Tensor


def _geometry(info: conv_util.ConvInfo, include_pad: bool = False) -> dict:
    return {"window": tuple(info.filter_spatial), "strides": tuple(info.strides),
            "dilations": tuple(info.dilations), "pads": tuple(info.pads),
            "out_spatial": tuple(info.out_spatial), "include_pad": include_pad}


def _to_batched(t: Tensor, rank: int, op: str) -> tuple[Tensor, bool]:
    """A rank-(rank-1) x gains a batch of 1; returns (x, whether it was added)."""
    from .transformation import reshape
    if t.rank == rank - 1:
        return reshape(t, (1,) + t.shape), True
    if t.rank != rank:
        raise ShapeError(f"{op}: x must be of rank {rank - 1} or {rank}, got rank {t.rank} "
                         f"(shape {list(t.shape)})")
    return t, False


def _unbatched(res: Tensor, squeezed: bool) -> Tensor:
    from .transformation import reshape
    return reshape(res, res.shape[1:]) if squeezed else res


def _pool(kernel: str, op: str, x: Any, filter_size: Any, strides: Any, pad: Any,
          dim_rounding_mode: str | None, rank: int, dtype: str) -> Tensor:
    t = convert(x, "x", op, dtype)
    t, squeezed = _to_batched(t, rank, op)
    info = conv_util.pool_info(op, t.shape, filter_size, strides, pad, 1, dim_rounding_mode)
    return _unbatched(run(kernel, (t,), _geometry(info)), squeezed)


def _check_pad_3d(pad: Any, op: str) -> None:
    if not isinstance(pad, (str, int, float)) or isinstance(pad, bool):
        raise InvalidArgumentError(f"{op}: pad must be 'same', 'valid' or a number (TF.js's 3-D pooling takes "
                                   f"no explicit padding), got {pad!r}")


def _check_data_format(data_format: str, op: str) -> None:
    if data_format != "NDHWC":
        raise InvalidArgumentError(f"{op}: only the NDHWC data_format is supported, got {data_format!r}")


def avg_pool(x: Any, filter_size: Any, strides: Any, pad: Any, dim_rounding_mode: str | None = None) -> Tensor:
    """The mean of each filter_size window of a [batch, height, width, channels] (or unbatched rank-3)
    float32 x. Padded positions are left out of the mean (the divisor counts only real elements), as TF."""
    return _pool("AvgPool", "avg_pool", x, filter_size, strides, pad, dim_rounding_mode, 4, "float32")


def max_pool(x: Any, filter_size: Any, strides: Any, pad: Any, dim_rounding_mode: str | None = None) -> Tensor:
    """The max of each filter_size window of a [batch, height, width, channels] (or rank-3) x."""
    return _pool("MaxPool", "max_pool", x, filter_size, strides, pad, dim_rounding_mode, 4, "numeric")


def avg_pool3d(x: Any, filter_size: Any, strides: Any, pad: Any, dim_rounding_mode: str | None = None,
               data_format: str = "NDHWC") -> Tensor:
    """avg_pool over [batch, depth, height, width, channels] (or rank-4) float32 x."""
    _check_data_format(data_format, "avg_pool3d")
    _check_pad_3d(pad, "avg_pool3d")
    return _pool("AvgPool3D", "avg_pool3d", x, filter_size, strides, pad, dim_rounding_mode, 5, "float32")


def max_pool3d(x: Any, filter_size: Any, strides: Any, pad: Any, dim_rounding_mode: str | None = None,
               data_format: str = "NDHWC") -> Tensor:
    """max_pool over [batch, depth, height, width, channels] (or rank-4) x."""
    _check_data_format(data_format, "max_pool3d")
    _check_pad_3d(pad, "max_pool3d")
    return _pool("MaxPool3D", "max_pool3d", x, filter_size, strides, pad, dim_rounding_mode, 5, "numeric")


def max_pool_with_argmax(x: Any, filter_size: Any, strides: Any, pad: Any,
                         include_batch_in_index: bool = False) -> MaxPoolWithArgmaxResult:
    """(result, indexes): max_pool of a rank-4 x and, for each output, the flat index of its max in x,
    ((b * height + y) * width + x) * channels + c, with the b term only when include_batch_in_index.
    Ties go to the first maximum in the window (row-major); indexes are int32."""
    op = "max_pool_with_argmax"
    t = convert(x, "x", op)
    if t.rank != 4:
        raise ShapeError(f"{op}: x must be of rank 4, got rank {t.rank} (shape {list(t.shape)})")
    info = conv_util.pool_info(op, t.shape, filter_size, strides, pad, 1)
    attrs = _geometry(info)
    del attrs["include_pad"]
    attrs["include_batch_in_index"] = bool(include_batch_in_index)
    result, indexes = run("MaxPoolWithArgmax", (t,), attrs)
    return MaxPoolWithArgmaxResult(result, indexes)


def pool(input: Any, window_shape: Any, pooling_type: str, pad: Any, dilations: Any = None,  # noqa: A002
         strides: Any = None, dim_rounding_mode: str | None = None) -> Tensor:
    """avg or max pooling of a rank-3/4 x with optional dilations (TF.js's tf.pool).

    With dilations > 1 TF.js pools a space_to_batch'ed copy of x: 'same' padding is then made of zeros
    that count as values (in the max and in the mean), and a numeric or explicit pad is ignored ('valid').
    This kernel computes the same result directly with dilated windows.
    """
    op = "pool"
    if pooling_type not in ("avg", "max"):
        raise InvalidArgumentError(f"{op}: pooling_type must be 'avg' or 'max', got {pooling_type!r}")
    if dilations is None:
        dilations = (1, 1)
    if strides is None:
        strides = 1
    if isinstance(pad, (int, float)) and not isinstance(pad, bool) and pad == 0:
        pad = "valid"
    t = convert(input, "x", op, "float32" if pooling_type == "avg" else "numeric")
    t, squeezed = _to_batched(t, 4, op)
    dil = conv_util.parse_tuple(dilations, 2, op, "dilations")
    if any(d != 1 for d in dil):
        info = conv_util.pool_info(op, t.shape, window_shape, strides, pad, dil, dim_rounding_mode)
        # TF.js: only 'same' keeps its padding (as zeros); anything else pools 'valid'
        same = isinstance(pad, str) and pad.lower() == "same"
        if not same:
            info = conv_util.pool_info(op, t.shape, window_shape, strides, "valid", dil)
        kernel = "AvgPool" if pooling_type == "avg" else "MaxPool"
        return _unbatched(run(kernel, (t,), _geometry(info, include_pad=True)), squeezed)
    fn = avg_pool if pooling_type == "avg" else max_pool
    return _unbatched(fn(t, window_shape, strides, pad, dim_rounding_mode), squeezed)


# ---- gradients ------------------------------------------------------------------------------------

def _avg_grad(grad_kernel: str):
    def g(dy, inputs, outputs, attrs):
        return (run(grad_kernel, (dy, inputs[0]), attrs),)
    return g


def _max_grad(grad_kernel: str):
    def g(dy, inputs, outputs, attrs):
        return (run(grad_kernel, (dy, inputs[0], outputs[0]), attrs),)
    return g


gradient("AvgPool")(_avg_grad("AvgPoolGrad"))
gradient("AvgPool3D")(_avg_grad("AvgPool3DGrad"))
gradient("MaxPool")(_max_grad("MaxPoolGrad"))
gradient("MaxPool3D")(_max_grad("MaxPool3DGrad"))


@gradient("AvgPoolGrad")
def _avg_pool_grad_grad(ddx, inputs, outputs, attrs):
    # AvgPoolGrad is linear in dy: its adjoint is the average pool itself
    return run("AvgPool", (ddx,), attrs), None


@gradient("AvgPool3DGrad")
def _avg_pool3d_grad_grad(ddx, inputs, outputs, attrs):
    return run("AvgPool3D", (ddx,), attrs), None
