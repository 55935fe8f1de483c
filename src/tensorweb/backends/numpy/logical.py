"""NumPy kernels: logical and comparison."""
from __future__ import annotations

import numpy as np

from ...core.registry import register_kernel
from ._base import kernel

for _name, _fn in {"Equal": np.equal, "NotEqual": np.not_equal, "Greater": np.greater,
                   "GreaterEqual": np.greater_equal, "Less": np.less, "LessEqual": np.less_equal,
                   "LogicalAnd": np.logical_and, "LogicalOr": np.logical_or,
                   "LogicalXor": np.logical_xor, "LogicalNot": np.logical_not,
                   "BitwiseAnd": np.bitwise_and}.items():
    register_kernel(_name, "numpy", _fn)


@kernel("Select")
def select(c, a, b):
    return np.where(c, a, b)


@kernel("Where")
def where(c):
    return np.argwhere(c).astype(np.int32)
