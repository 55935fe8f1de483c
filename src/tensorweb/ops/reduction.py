"""Reductions: sum (more in this group: mean, prod, min, max, all, any, arg_max, arg_min,
log_sum_exp, bincount, dense_bincount, cumsum, cumprod)."""
from __future__ import annotations

from typing import Any, Sequence

from ..core.registry import gradient
from ..core.tensor import Tensor
from ._base import convert, normalize_axes, run

__all__ = ["sum"]


def keep_dims_shape(shape: Sequence[int], axes: Sequence[int]) -> tuple[int, ...]:
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def sum(x: Any, axis: int | Sequence[int] | None = None, keep_dims: bool = False) -> Tensor:  # noqa: A001
    """Sum over `axis` (all axes by default). bool sums as int32."""
    t = convert(x, "x", "sum")
    if t.dtype == "bool":
        t = run("Cast", (t,), {"dtype": "int32"})
    axes = normalize_axes(axis, t.rank, "sum")
    return run("Sum", (t,), {"axis": axes, "keep_dims": bool(keep_dims)})


@gradient("Sum")
def _sum_grad(dy, inputs, outputs, attrs):
    from .arithmetic import mul
    from .creation import ones_like
    from .transformation import reshape
    x = inputs[0]
    dy = reshape(dy, keep_dims_shape(x.shape, attrs["axis"]))
    return (mul(dy, ones_like(x)),)
