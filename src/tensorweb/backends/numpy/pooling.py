"""NumPy kernels: pooling (AvgPool, AvgPool3D, MaxPool, MaxPool3D, MaxPoolWithArgmax and the gradient
kernels AvgPoolGrad, AvgPool3DGrad, MaxPoolGrad, MaxPool3DGrad), channels-last, any number of spatial dims.

Every kernel takes the window geometry the op computed with ops/conv_util.py (attrs `window`, `strides`,
`dilations`, `pads` ((before, after) per spatial dim), `out_spatial`) and `include_pad`: False for TF.js's
pooling, where padded positions are not part of the window (they are skipped by max and not counted by
avg); True for the dilated `pool` path, where TF.js pools a zero-padded tensor (space_to_batch) and the
padding zeros are ordinary values.

The kernels loop over the few window taps (9 for a 3x3 window), never over pixels: each tap is one strided
view of the (padded) input that covers the whole output, combined with one vectorized NumPy call. The
forward max and sum are separable: they reduce one spatial axis at a time (2k calls for a k x k window,
and a global pool is one reduction per axis), skipping the padding instead of copying the input.
"""
from __future__ import annotations

import itertools

import numpy as np

from ._base import kernel
from ._windows import interior, pad_spatial, tap_slices


# ---- geometry helpers -------------------------------------------------------------------------------

def _extent(out_spatial, window, strides, dilations, pads, in_spatial):
    """Per spatial dim, the pad after x that the windows need: at least pad_after, more when a rounded-up
    output size ('ceil') makes the last window reach past it."""
    after = []
    for o, w, s, d, (b, a), n in zip(out_spatial, window, strides, dilations, pads, in_spatial):
        reach = (o - 1) * s + (w - 1) * d + 1 if o > 0 else 0
        after.append(max(a, reach - b - n, 0))
    return after


def _padded(x, pads, after, fill):
    return pad_spatial(x, [b for b, _ in pads], after, fill)


def _tap_views(xp, window, strides, dilations, out_spatial):
    """The [N, *out, C] view of xp that each tap reads, in row-major tap order."""
    return [xp[sl] for _, sl in tap_slices(window, strides, dilations, out_spatial)]


def _valid_1d(o, w, s, d, before, n):
    """valid[k, i]: whether tap k of output position i lands inside the (unpadded) input."""
    pos = np.arange(o)[None, :] * s - before + np.arange(w)[:, None] * d
    return (pos >= 0) & (pos < n)


def _bcast(v, axis, nd):
    """A 1-D array along spatial `axis` of an [N, *spatial, C] array."""
    shape = [1] * (nd + 2)
    shape[axis + 1] = v.shape[0]
    return v.reshape(shape)


def _valid_counts(in_spatial, window, strides, dilations, pads, out_spatial, include_pad):
    """The number of window taps that count in each output position's average, shaped [1, *out, 1]."""
    nd = len(window)
    if include_pad:
        return np.prod(window)
    count = None
    for i in range(nd):
        c = _valid_1d(out_spatial[i], window[i], strides[i], dilations[i], pads[i][0], in_spatial[i]).sum(0)
        c = _bcast(c, i, nd)
        count = c if count is None else count * c
    return count


def _low(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


# ---- forward ----------------------------------------------------------------------------------------

def _tap_range(o, n, k, s, d, before):
    """[lo, hi): the outputs whose tap k lands inside the input along one dim (0 <= i*s + k*d - before < n)."""
    off = k * d - before
    lo = min(o, max(0, -(off // s)))
    hi = min(o, (n - 1 - off) // s + 1) if n - 1 - off >= 0 else 0
    return lo, max(lo, hi)


def _pool_axis(x, axis, o, w, s, d, before, ufunc, fill, out=None):
    """x reduced by `ufunc` over the windows along one spatial axis (window w, stride s, dilation d, `before`
    padding positions that are skipped), keeping every other axis: [..., o, ...]. Few long windows
    (o < w, e.g. a global pool) reduce each window's slice in one call; else one call per tap combines
    the strided slice of every output that tap sees inside the input. Outputs that no tap reaches keep
    `fill`."""
    n = x.shape[axis]
    shape = x.shape[:axis] + (o,) + x.shape[axis + 1:]
    if out is None:
        out = np.empty(shape, dtype=x.dtype)
    lead = (slice(None),) * axis
    if o < w:
        for j in range(o):
            start = j * s - before
            first = start if start >= 0 else start % d   # the first tap position inside the input
            stop = min(n, start + (w - 1) * d + 1)
            dst = out[(*lead, slice(j, j + 1))]
            if first >= stop:
                dst[...] = fill
            else:
                ufunc.reduce(x[(*lead, slice(first, stop, d))], axis=axis, keepdims=True, out=dst)
        return out
    taps = [(k, lo, hi) for k in range(w) for lo, hi in [_tap_range(o, n, k, s, d, before)] if lo < hi]
    full = [t for t in taps if t[1] == 0 and t[2] == o]
    if full:  # a tap that every output sees starts the result (a copy); the others combine into it
        taps.remove(full[0])
        taps.insert(0, full[0])
    else:
        out[...] = fill
    for i, (k, lo, hi) in enumerate(taps):
        off = k * d - before
        src = x[(*lead, slice(lo * s + off, (hi - 1) * s + off + 1, s))]
        dst = out[(*lead, slice(lo, hi))]
        if i == 0 and full:
            np.copyto(dst, src)
        else:
            ufunc(dst, src, out=dst)
    return out


def _pool_separable(x, window, strides, dilations, pads, out_spatial, ufunc, fill, out):
    """A pooling reduction done one spatial axis at a time (max and sum are separable), so a k x k window
    costs 2k vectorized calls instead of k * k, and a global pool a couple of reductions."""
    nd = len(window)
    y = x
    for i in range(nd):
        y = _pool_axis(y, i + 1, out_spatial[i], window[i], strides[i], dilations[i], pads[i][0], ufunc, fill,
                       out if i == nd - 1 else None)
    return y


def _avg_pool(x, window, strides, dilations, pads, out_spatial, include_pad, empty_is_nan, out=None):
    in_spatial = x.shape[1:-1]
    acc_dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    shape = (x.shape[0], *out_spatial, x.shape[-1])
    acc = out if out is not None and out.dtype == acc_dtype and out.flags.c_contiguous else \
        np.empty(shape, dtype=acc_dtype)
    # padding zeros add nothing to a sum: include_pad changes only the count
    _pool_separable(x.astype(acc_dtype, copy=False), window, strides, dilations, pads, out_spatial, np.add, 0,
                    acc)
    count = _valid_counts(in_spatial, window, strides, dilations, pads, out_spatial, include_pad)
    if not empty_is_nan and not include_pad:
        count = np.maximum(count, 1)  # TF.js's 3-D pooling divides an empty window's sum by 1
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(acc, np.asarray(count, dtype=acc.dtype), out=acc)
    if acc.dtype != x.dtype:
        acc = acc.astype(x.dtype)
    if out is not None and acc is not out:
        out[...] = acc
        return out
    return acc


def _max_pool(x, window, strides, dilations, pads, out_spatial, include_pad, out=None):
    in_spatial = x.shape[1:-1]
    if include_pad:  # the padding is made of real zeros, which take part in the max
        x = _padded(x, pads, _extent(out_spatial, window, strides, dilations, pads, in_spatial), 0)
        pads = tuple((0, 0) for _ in pads)
    shape = (x.shape[0], *out_spatial, x.shape[-1])
    acc = out if out is not None and out.flags.c_contiguous else np.empty(shape, dtype=x.dtype)
    if x.dtype.kind == "f":
        # TF.js compares `pixel > max`, so NaN pixels never win: fmax skips NaN the same way; a window whose
        # only values are NaN (or that holds no value) keeps TF.js's initial -Infinity
        _pool_separable(x, window, strides, dilations, pads, out_spatial, np.fmax, np.nan, acc)
        np.copyto(acc, _low(x.dtype), where=np.isnan(acc))
    else:
        _pool_separable(x, window, strides, dilations, pads, out_spatial, np.maximum, _low(x.dtype), acc)
        if any(b or a for b, a in pads):
            # an all-padding window keeps TF.js's -Infinity, which an Int32Array stores as 0
            count = _valid_counts(in_spatial, window, strides, dilations, pads, out_spatial, False)
            np.copyto(acc, 0, where=np.broadcast_to(count == 0, acc.shape))
    if out is not None and acc is not out:
        out[...] = acc
        return out
    return acc


def _max_hits(x, y, window, strides, dilations, pads, out_spatial, include_pad, last):
    """Yields (tap index, slice, hit) where hit marks the outputs whose max is taken from that tap: the
    first tap (row-major) equal to the max y, or the last one for `last` (TF.js's 2-D pooling compares
    `pixel > max`, its 3-D pooling `pixel >= max`). Padding never hits (unless include_pad, where it is
    made of real zeros); NaN never hits; nor does anything in a window whose max is -Infinity."""
    in_spatial = x.shape[1:-1]
    fill = 0 if include_pad else (np.nan if x.dtype.kind == "f" else _low(x.dtype))
    xp = _padded(x, pads, _extent(out_spatial, window, strides, dilations, pads, in_spatial), fill)
    untaken = np.greater(y, _low(x.dtype)) if x.dtype.kind == "f" else np.ones(y.shape, dtype=bool)
    hit = np.empty(y.shape, dtype=bool)
    order = list(enumerate(tap_slices(window, strides, dilations, out_spatial)))
    for t, (_, sl) in (reversed(order) if last else order):
        np.equal(xp[sl], y, out=hit)
        np.logical_and(hit, untaken, out=hit)
        np.greater(untaken, hit, out=untaken)  # untaken &= ~hit
        yield t, sl, hit


def _argmax_taps(x, y, window, strides, dilations, pads, out_spatial, include_pad, last):
    """The index (row-major) of each output's max tap, or -1 where there is none."""
    idx = np.full(y.shape, -1, dtype=np.int32)
    for t, _, hit in _max_hits(x, y, window, strides, dilations, pads, out_spatial, include_pad, last):
        idx += hit * np.int32(t + 1)
    return idx


@kernel("AvgPool")
def avg_pool(x, *, window, strides, dilations, pads, out_spatial, include_pad=False, out=None):
    return _avg_pool(x, window, strides, dilations, pads, out_spatial, include_pad, True, out)


@kernel("AvgPool3D")
def avg_pool3d(x, *, window, strides, dilations, pads, out_spatial, include_pad=False, out=None):
    return _avg_pool(x, window, strides, dilations, pads, out_spatial, include_pad, False, out)


@kernel("MaxPool")
def max_pool(x, *, window, strides, dilations, pads, out_spatial, include_pad=False, out=None):
    return _max_pool(x, window, strides, dilations, pads, out_spatial, include_pad, out)


@kernel("MaxPool3D")
def max_pool3d(x, *, window, strides, dilations, pads, out_spatial, include_pad=False, out=None):
    return _max_pool(x, window, strides, dilations, pads, out_spatial, include_pad, out)


@kernel("MaxPoolWithArgmax")
def max_pool_with_argmax(x, *, window, strides, dilations, pads, out_spatial, include_batch_in_index=False):
    """(max, flat index of the max in x: ((b * H + r) * W + c) * C + ch, b only with include_batch_in_index)."""
    pooled = _max_pool(x, window, strides, dilations, pads, out_spatial, False)
    t = _argmax_taps(x, pooled, window, strides, dilations, pads, out_spatial, False, last=False)
    nd = len(window)
    in_spatial = x.shape[1:-1]
    channels = x.shape[-1]
    # flat index = base(output position, channel) + offset(tap): both small tables, one gather
    elem = [channels * int(np.prod(in_spatial[i + 1:], dtype=np.int64)) for i in range(nd)]
    base = np.arange(channels, dtype=np.int64).reshape((1,) * (nd + 1) + (channels,))
    for i in range(nd):
        base = base + _bcast((np.arange(out_spatial[i]) * strides[i] - pads[i][0]) * elem[i], i, nd)
    offsets = np.zeros(int(np.prod(window)) + 1, dtype=np.int64)
    for j, k in enumerate(itertools.product(*(range(w) for w in window))):
        offsets[j] = sum(ki * d * e for ki, d, e in zip(k, dilations, elem))
    flat = offsets[t] + base  # t == -1 picks the spare last entry; masked below
    if include_batch_in_index:
        flat += np.arange(x.shape[0]).reshape((-1,) + (1,) * (nd + 1)) * int(np.prod(x.shape[1:]))
    flat[t < 0] = -1
    return pooled, flat.astype(np.int32)


# ---- gradients -----------------------------------------------------------------------------------

def _scatter_taps(dy, x_shape, window, strides, dilations, pads, out_spatial, per_tap):
    """dx of shape x_shape: the sum over taps t of per_tap(t) (an output-shaped array) placed at the
    input positions tap t reads."""
    in_spatial = x_shape[1:-1]
    after = _extent(out_spatial, window, strides, dilations, pads, in_spatial)
    padded = tuple(b + n + a for (b, _), n, a in zip(pads, in_spatial, after))
    dxp = np.zeros((x_shape[0], *padded, x_shape[-1]), dtype=dy.dtype)
    for t, (_, sl) in enumerate(tap_slices(window, strides, dilations, out_spatial)):
        contrib = per_tap(t)
        view = dxp[sl]
        np.add(view, contrib, out=view)
    if dxp.shape == tuple(x_shape):
        return dxp
    return np.ascontiguousarray(dxp[interior([b for b, _ in pads], in_spatial)])


def _avg_pool_grad(dy, x, window, strides, dilations, pads, out_spatial, include_pad, empty_is_nan):
    count = _valid_counts(x.shape[1:-1], window, strides, dilations, pads, out_spatial, include_pad)
    if not include_pad:
        count = np.maximum(count, 1)
    scaled = dy / np.asarray(count, dtype=dy.dtype)
    return _scatter_taps(scaled, x.shape, window, strides, dilations, pads, out_spatial, lambda t: scaled)


def _max_pool_grad(dy, x, y, window, strides, dilations, pads, out_spatial, include_pad, last):
    in_spatial = x.shape[1:-1]
    after = _extent(out_spatial, window, strides, dilations, pads, in_spatial)
    padded = tuple(b + n + a for (b, _), n, a in zip(pads, in_spatial, after))
    dxp = np.zeros((x.shape[0], *padded, x.shape[-1]), dtype=dy.dtype)
    contrib = np.empty(dy.shape, dtype=dy.dtype)
    for _, sl, hit in _max_hits(x, y, window, strides, dilations, pads, out_spatial, include_pad, last):
        np.multiply(dy, hit, out=contrib)
        view = dxp[sl]
        np.add(view, contrib, out=view)
    if dxp.shape == tuple(x.shape):
        return dxp
    return np.ascontiguousarray(dxp[interior([b for b, _ in pads], in_spatial)])


@kernel("AvgPoolGrad")
def avg_pool_grad(dy, x, *, window, strides, dilations, pads, out_spatial, include_pad=False):
    return _avg_pool_grad(dy, x, window, strides, dilations, pads, out_spatial, include_pad, True)


@kernel("AvgPool3DGrad")
def avg_pool3d_grad(dy, x, *, window, strides, dilations, pads, out_spatial, include_pad=False):
    return _avg_pool_grad(dy, x, window, strides, dilations, pads, out_spatial, include_pad, False)


@kernel("MaxPoolGrad")
def max_pool_grad(dy, x, y, *, window, strides, dilations, pads, out_spatial, include_pad=False):
    return _max_pool_grad(dy, x, y, window, strides, dilations, pads, out_spatial, include_pad, last=False)


@kernel("MaxPool3DGrad")
def max_pool3d_grad(dy, x, y, *, window, strides, dilations, pads, out_spatial, include_pad=False):
    return _max_pool_grad(dy, x, y, window, strides, dilations, pads, out_spatial, include_pad, last=True)
