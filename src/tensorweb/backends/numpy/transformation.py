"""NumPy kernels: transformations."""
from __future__ import annotations

import numpy as np

from ...core.dtypes import to_numpy
from ._base import kernel


@kernel("Reshape")
def reshape(x, *, shape):
    return x.reshape(shape)


@kernel("Cast")
def cast(x, *, dtype):
    target = to_numpy(dtype)
    if x.dtype.kind == "c" and target.kind != "c":
        x = x.real  # TF.js keeps the real part
    if dtype == "bool":
        return x != 0
    if target.kind in "iu" and x.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            return np.nan_to_num(np.trunc(x), nan=0.0, posinf=0.0, neginf=0.0).astype(target)
    return x.astype(target)
