"""NumPy kernels: basic math."""
from __future__ import annotations

import numpy as np

from ._base import kernel


@kernel("Neg")
def neg(x, out=None):
    return np.negative(x, out=out)


@kernel("Floor")
def floor(x, out=None):
    return np.floor(x, out=out)


@kernel("Log")
def log(x, out=None):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x, out=out)
