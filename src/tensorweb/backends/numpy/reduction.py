"""NumPy kernels: reductions."""
from __future__ import annotations

import numpy as np

from ._base import kernel


@kernel("Sum")
def sum_(x, *, axis, keep_dims):
    return np.sum(x, axis=axis, keepdims=keep_dims, dtype=x.dtype)
