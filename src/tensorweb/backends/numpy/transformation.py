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


@kernel("PadV2")
def pad_v2(x, *, paddings, constant_value):
    return np.pad(x, paddings, mode="constant", constant_values=np.asarray(constant_value).astype(x.dtype))


@kernel("ExpandDims")
def expand_dims(x, *, dim):
    return np.expand_dims(x, dim)


@kernel("BroadcastTo")
def broadcast_to(x, *, shape):
    return np.array(np.broadcast_to(x, shape))


@kernel("BroadcastArgs")
def broadcast_args(s0, s1):
    from ...errors import ShapeError
    try:
        out = np.broadcast_shapes(tuple(int(d) for d in s0), tuple(int(d) for d in s1))
    except ValueError:
        raise ShapeError(f"broadcast_args: shapes {s0.tolist()} and {s1.tolist()} are not "
                         f"broadcast-compatible") from None
    return np.asarray(out, dtype=s0.dtype).reshape(len(out))


@kernel("DepthToSpace")
def depth_to_space(x, *, block_size, data_format):
    bs = block_size
    if data_format == "NHWC":
        b, h, w, c = x.shape
        y = x.reshape(b, h, w, bs, bs, c // (bs * bs)).transpose(0, 1, 3, 2, 4, 5)
        return y.reshape(b, h * bs, w * bs, c // (bs * bs))
    b, c, h, w = x.shape
    y = x.reshape(b, bs, bs, c // (bs * bs), h, w).transpose(0, 3, 4, 1, 5, 2)
    return y.reshape(b, c // (bs * bs), h * bs, w * bs)


@kernel("SpaceToDepth")
def space_to_depth(x, *, block_size, data_format):
    bs = block_size
    if data_format == "NHWC":
        b, h, w, c = x.shape
        y = x.reshape(b, h // bs, bs, w // bs, bs, c).transpose(0, 1, 3, 2, 4, 5)
        return y.reshape(b, h // bs, w // bs, c * bs * bs)
    b, c, h, w = x.shape
    y = x.reshape(b, c, h // bs, bs, w // bs, bs).transpose(0, 3, 5, 1, 2, 4)
    return y.reshape(b, c * bs * bs, h // bs, w // bs)


@kernel("SpaceToBatchND")
def space_to_batch_nd(x, *, block_shape, paddings):
    m = len(block_shape)
    rest = x.shape[1 + m:]
    padded = np.pad(x, ((0, 0),) + tuple(paddings) + ((0, 0),) * len(rest))
    b = x.shape[0]
    split = [b]
    for i, bs in enumerate(block_shape):
        split += [padded.shape[1 + i] // bs, bs]
    y = padded.reshape(tuple(split) + rest)
    perm = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)] + \
        [1 + 2 * m + j for j in range(len(rest))]
    y = y.transpose(perm)
    nb = b * int(np.prod(block_shape, dtype=np.int64))
    return y.reshape((nb,) + tuple(split[1 + 2 * i] for i in range(m)) + rest)


@kernel("BatchToSpaceND")
def batch_to_space_nd(x, *, block_shape, crops):
    m = len(block_shape)
    prod = int(np.prod(block_shape, dtype=np.int64))
    b = x.shape[0] // prod
    spatial, rest = x.shape[1:1 + m], x.shape[1 + m:]
    y = x.reshape(tuple(block_shape) + (b,) + spatial + rest)
    perm = [m]
    for i in range(m):
        perm += [m + 1 + i, i]
    perm += [1 + 2 * m + j for j in range(len(rest))]
    y = y.transpose(perm).reshape((b,) + tuple(s * bs for s, bs in zip(spatial, block_shape)) + rest)
    index = (slice(None),) + tuple(slice(c0, s * bs - c1) for (c0, c1), s, bs in zip(crops, spatial, block_shape))
    return np.ascontiguousarray(y[index])


@kernel("ListDiff")
def list_diff(x, y):
    """The entries of x not in y (JavaScript Set semantics: NaN matches NaN, 0 matches -0) and their positions."""
    if x.dtype == object:
        from .string import to_bytes
        taken = set(to_bytes(y))
        keep = np.array([v not in taken for v in to_bytes(x)], dtype=bool)
    else:
        keep = ~np.isin(x, y)
        if x.dtype.kind in "fc" and np.isnan(y).any():
            keep &= ~np.isnan(x)
    positions = np.flatnonzero(keep)
    return x[positions], positions.astype(np.int32)
