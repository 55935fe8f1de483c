"""NumPy kernels: matrices (BatchMatMul, Transpose, Einsum)."""
from __future__ import annotations

import numpy as np

from ._base import kernel


@kernel("BatchMatMul")
def batch_mat_mul(a, b, *, transpose_a=False, transpose_b=False, out=None):
    """One np.matmul over broadcast batch dimensions; transposes are free views (swapaxes)."""
    if transpose_a:
        a = a.swapaxes(-1, -2)
    if transpose_b:
        b = b.swapaxes(-1, -2)
    return np.matmul(a, b, out=out)


@kernel("Transpose")
def transpose(x, *, perm):
    # A view: tensors are immutable, so the permuted strides are shared with the input.
    return np.transpose(x, perm)


@kernel("Einsum")
def einsum(*xs, equation):
    if len(xs) == 1:
        return np.einsum(equation, xs[0])
    return np.einsum(equation, *xs, optimize=True)
