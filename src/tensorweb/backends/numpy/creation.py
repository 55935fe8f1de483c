"""NumPy kernels: creation."""
from __future__ import annotations

import numpy as np

from ...core.dtypes import to_numpy
from ._base import kernel


@kernel("Fill")
def fill(*, shape, value, dtype):
    return np.full(shape, value, dtype=to_numpy(dtype))


@kernel("ZerosLike")
def zeros_like(x):
    return np.zeros(x.shape, dtype=x.dtype) if x.dtype != object else np.full(x.shape, "", dtype=object)


@kernel("OnesLike")
def ones_like(x):
    return np.ones(x.shape, dtype=x.dtype)


@kernel("Identity")
def identity(x):
    return x


@kernel("Eye")
def eye(*, num_rows, num_columns, batch_shape, dtype):
    m = np.eye(num_rows, num_columns, dtype=to_numpy(dtype))
    return np.broadcast_to(m, tuple(batch_shape) + m.shape).copy() if batch_shape else m


@kernel("LinSpace")
def linspace(*, start, stop, num):
    return np.linspace(start, stop, num, dtype=np.float64).astype(to_numpy("float32"))


@kernel("Range")
def range_(*, start, stop, step, dtype):
    n = max(int(np.ceil((stop - start) / step)), 0)
    return (start + step * np.arange(n, dtype=np.float64)).astype(to_numpy(dtype))


@kernel("OneHot")
def one_hot(indices, *, depth, on_value, off_value, dtype):
    out = np.full(indices.shape + (depth,), off_value, dtype=to_numpy(dtype))
    valid = (indices >= 0) & (indices < depth)
    idx = np.nonzero(valid)
    out[idx + (indices[idx],)] = on_value
    return out


@kernel("Diag")
def diag(x):
    flat = x.reshape(-1)
    out = np.zeros((flat.size, flat.size), dtype=x.dtype)
    np.fill_diagonal(out, flat)
    return out.reshape(x.shape + x.shape)


@kernel("Complex")
def complex_(re, im):
    out = np.empty(re.shape, dtype=to_numpy("complex64"))
    out.real, out.imag = re, im
    return out


@kernel("Real")
def real(x):
    return np.ascontiguousarray(x.real)


@kernel("Imag")
def imag(x):
    return np.ascontiguousarray(x.imag)
