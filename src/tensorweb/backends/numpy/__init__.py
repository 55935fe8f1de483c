"""The NumPy backend: values are read-only NumPy arrays; kernels are plain functions of arrays.

Kernel modules mirror ops/ (arithmetic, basic_math, convolution, ...). Kernels never write into their
inputs (inputs are read-only arrays); hot kernels accept `out=` so a planned runtime can reuse buffers.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ...core import dtypes as _dt
from ...core.registry import register_backend


class NumpyBackend:
    name = "numpy"

    def write(self, values: np.ndarray, dtype: str | None = None) -> np.ndarray:
        values.flags.writeable = False
        return values

    def read(self, value: np.ndarray) -> np.ndarray:
        return value

    def adopt(self, value: Any) -> tuple[np.ndarray, tuple[int, ...], str | None, int]:
        if type(value) is not np.ndarray:
            value = np.asarray(value)
        value.flags.writeable = False
        dtype = _dt._TW_OF.get(value.dtype)
        if dtype == "string":
            nbytes = sum(len(s) for s in value.reshape(-1))
        else:
            nbytes = value.nbytes
        return value, value.shape, dtype, nbytes

    def alias(self, value: np.ndarray, inputs: list) -> int:
        base = value.base
        for i, v in enumerate(inputs):
            if value is v:
                return i
        if base is None:
            return -1
        for i, v in enumerate(inputs):
            if base is v or (v.base is not None and base is v.base):
                return i
        return -1

    def compact(self, value: np.ndarray) -> np.ndarray:
        """A row-major copy of a strided or Fortran-ordered value (as is when it already is row-major);
        variables hold their values this way, so every kernel reading a weight gets BLAS's fast path."""
        if value.flags.c_contiguous:
            return value
        out = np.ascontiguousarray(value)
        out.flags.writeable = False
        return out

    def set_seed(self, seed: int | None) -> None:
        """Seeds the generator of random kernels called without a seed."""
        from .random import set_seed
        set_seed(seed)

    def all_finite(self, value: np.ndarray) -> bool:
        return bool(np.isfinite(value).all())

    def dispose(self) -> None:
        pass


register_backend("numpy", NumpyBackend, priority=1)

from . import (_heap, arithmetic, basic_math, convolution, creation, evaluation, image, linalg,  # noqa: E402,F401
               logical, matrices, normalization, optimizers, pooling, ragged, random, reduction, segment,
               slice_join, sparse, spectral, string, transformation)
