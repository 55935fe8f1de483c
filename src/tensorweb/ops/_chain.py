"""Tensor methods (TF.js's chained API: `x.reshape(...)`, `x.sum()`) and Python operators.

Every op whose first argument is the tensor becomes a method of the same name. Python's `/` is true
division (int32 operands become float32), unlike `tw.div`, which keeps TF.js's floor division for int32.
"""
from __future__ import annotations

from typing import Any

from ..core.tensor import Tensor
from . import FLAT_GROUPS

# Ops that take something other than a tensor first, or that are not methods in TF.js.
_NOT_METHODS = {"tensor", "scalar", "tensor1d", "tensor2d", "tensor3d", "tensor4d", "tensor5d", "tensor6d",
                "fill", "zeros", "ones", "eye", "linspace", "range", "variable", "add_n", "complex",
                "where", "stack", "concat", "meshgrid", "einsum", "random_uniform", "random_normal",
                "random_standard_normal", "truncated_normal", "random_gamma", "random_uniform_int",
                "multinomial", "scatter_nd", "broadcast_args", "confusion_matrix", "buffer", "sparse_to_dense",
                "ragged_gather", "ragged_range", "ragged_tensor_to_tensor"}


def _install_methods() -> None:
    for group in FLAT_GROUPS:
        for name in getattr(group, "__all__", []):
            if name not in _NOT_METHODS and not hasattr(Tensor, name):
                setattr(Tensor, name, getattr(group, name))


def _install_operators() -> None:
    from . import arithmetic as ar, basic_math as bm, logical as lg
    from .transformation import cast
    from ._base import convert_pair

    def truediv(a: Any, b: Any) -> Tensor:
        ta, tb = convert_pair(a, b, "div")
        if ta.dtype in ("int32", "bool"):
            ta, tb = cast(ta, "float32"), cast(tb, "float32")
        return ar.div(ta, tb)

    def flip(fn):
        return lambda self, other: fn(other, self)

    ops = {
        "__add__": ar.add, "__sub__": ar.sub, "__mul__": ar.mul, "__truediv__": truediv,
        "__floordiv__": ar.floor_div, "__mod__": ar.mod, "__pow__": ar.pow,
        "__lt__": lg.less, "__le__": lg.less_equal, "__gt__": lg.greater, "__ge__": lg.greater_equal,
        "__eq__": lg.equal, "__ne__": lg.not_equal,
        "__and__": lg.logical_and, "__or__": lg.logical_or, "__xor__": lg.logical_xor,
    }
    for name, fn in ops.items():
        setattr(Tensor, name, fn)
    for name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "and", "or", "xor"):
        setattr(Tensor, f"__r{name}__", flip(getattr(Tensor, f"__{name}__")))
    Tensor.__neg__ = bm.neg
    Tensor.__invert__ = lg.logical_not
    Tensor.__hash__ = object.__hash__


def _install_late() -> None:
    """Operators whose ops live in groups that may not define them yet (matmul, abs, indexing)."""
    from . import basic_math as bm, matrices as mx, slice_join as sj
    if hasattr(mx, "mat_mul"):
        Tensor.__matmul__ = lambda self, other: mx.mat_mul(self, other)
        Tensor.__rmatmul__ = lambda self, other: mx.mat_mul(other, self)
    if hasattr(bm, "abs"):
        Tensor.__abs__ = bm.abs
    if hasattr(sj, "getitem"):
        Tensor.__getitem__ = sj.getitem


_install_methods()
_install_operators()
_install_late()
