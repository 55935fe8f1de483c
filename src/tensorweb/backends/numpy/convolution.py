"""NumPy kernels: convolutions (channels-last, any number of spatial dims) and the fused conv/matmul kernels.

Forward convs are matmuls: a 1x1 unpadded conv multiplies the (strided) input directly; others gather
im2col columns from a strided window view of the padded input in blocks of output rows that stay in cache,
with the fused bias and activation applied per block. Depthwise convs are np.einsum over window views
(rows merged with channels). Input gradients multiply dy by the filter, then scatter-add the columns back
per filter tap (col2im; large ones accumulate per stride phase in contiguous buffers); filter gradients are
im2col^T @ dy. dilation2d loops over the few filter taps, each step a vectorized op over every pixel.
Attrs: strides, pad ('same' | 'valid' | number | explicit pairs), dilations, dim_rounding_mode.
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from ._base import channel_rows, kernel
from ._windows import (conv_info_cached, full_pads, interior, merged_windows, pad_input, padded_shape,
                       strided_input, tap_slices, window_regions, windows)

_CHUNK_ELEMS = 1 << 23  # im2col buffer budget (elements) per matmul of the filter gradient
_BLOCK_ELEMS = 1 << 19  # forward blocks: im2col columns per matmul (2 MiB of float32)
_MIN_ROWS = 2048        # and at least this many matmul rows (BLAS repacks the filter per call, and its
                        # threads need work)
_EPILOGUE_ELEMS = 1 << 17  # bias + activation of a whole output run in blocks of this size (in cache)
_SPLIT_ELEMS = 1 << 14  # depthwise inputs larger than this skip the padded copy (window_regions)
_PHASE_ROW_ELEMS = 3072  # strided depthwise convs with output rows up to this long merge them by phases


def _prod(xs) -> int:
    return math.prod(xs)


def _needs_pad(info) -> bool:
    before, after = full_pads(info)
    return any(before) or any(after)


# ---- regular convolution -------------------------------------------------------------------------

def _conv_forward(x, w, info, out=None, epilogue=None):
    """The conv as matmuls over blocks of output rows, each block's im2col columns gathered into one small
    reused buffer (it stays in cache: about twice as fast as gathering all columns at once) and the
    block's bias and activation (`epilogue`, on the [rows, O] block) applied while it is still in cache.
    A 1x1 unpadded conv multiplies the (strided) input directly."""
    n, c, o = x.shape[0], x.shape[-1], w.shape[-1]
    out_sp = info.out_spatial
    dtype = np.result_type(x.dtype, w.dtype)
    if out is None or not out.flags.c_contiguous:
        res = np.empty(info.out_shape, dtype=dtype)
    else:
        res = out
    m = n * _prod(out_sp)
    if m and o:
        if c == 0:
            res[...] = 0
            if epilogue is not None:
                epilogue(res.reshape(m, o))
        else:
            _conv_blocks(x, w, info, res, epilogue)
    if out is not None and res is not out:
        out[...] = res
        return out
    return res


def _conv_blocks(x, w, info, res, epilogue):
    n, c, o = x.shape[0], x.shape[-1], w.shape[-1]
    out_sp, fsp = info.out_spatial, info.filter_spatial
    k = _prod(fsp) * c
    if k == c and not _needs_pad(info):         # 1x1: one matmul of the (strided) input rows
        m = n * _prod(out_sp)
        np.matmul(strided_input(x, info.strides, out_sp).reshape(m, c), w.reshape(c, o), out=res.reshape(m, o))
        if epilogue is not None:
            _apply_by_blocks(res, epilogue)
        return
    inner = _prod(out_sp[1:])                   # output positions per row of the first spatial dim
    rows = max(1, _BLOCK_ELEMS // max(inner * k, 1), -(-_MIN_ROWS // inner))
    out3 = res.reshape(n, out_sp[0], inner * o)
    w2 = w.reshape(k, o)
    win = windows(pad_input(x, info), fsp, info.strides, info.dilations, out_sp)  # [N, *out, *f, C]
    cols = np.empty((min(rows, out_sp[0]) * inner, k), dtype=res.dtype)
    for b in range(n):
        for r in range(0, out_sp[0], rows):
            z = min(out_sp[0], r + rows)
            mm = (z - r) * inner
            np.copyto(cols[:mm].reshape(z - r, *out_sp[1:], *fsp, c), win[b, r:z])
            blk = out3[b, r:z].reshape(mm, o)
            np.matmul(cols[:mm], w2, out=blk)
            if epilogue is not None:
                epilogue(blk)


def _conv_backprop_input(dy, w, info):
    """dx [N, *in, C] of a conv with filter w [*f, C, O] given dy [N, *out, O]."""
    n, c, o = info.batch, info.in_channels, w.shape[-1]
    nd = info.ndim
    out_sp = info.out_spatial
    dtype = np.result_type(dy.dtype, w.dtype)
    fsz = _prod(info.filter_spatial)
    m = n * _prod(out_sp)
    if fsz == 1 and not _needs_pad(info):
        g = np.matmul(dy.reshape(m, o), w.reshape(c, o).T).reshape(n, *out_sp, c)
        if all(s == 1 for s in info.strides) and out_sp == info.in_spatial:
            return g
        dx = np.zeros(info.in_shape, dtype=dtype)
        dx[(slice(None), *(slice(0, (q - 1) * s + 1, s) for s, q in zip(info.strides, out_sp)),
            slice(None))] = g
        return dx
    if m and o and c and m * c > _SPLIT_ELEMS:
        return _backprop_input_phases(dy.reshape(m, o), w.reshape(fsz, c, o), info, dtype)
    dxp = np.zeros(padded_shape(info), dtype=dtype)
    if m and o and c:
        cols = np.matmul(dy.reshape(m, o), w.reshape(fsz * c, o).T).reshape(n, *out_sp, fsz, c)
        lead = (slice(None),) * (1 + nd)
        for t, (_, sl) in enumerate(tap_slices(info.filter_spatial, info.strides, info.dilations, out_sp)):
            dxp[sl] += cols[(*lead, t)]
    if not _needs_pad(info):
        return dxp
    return np.ascontiguousarray(dxp[interior(info.pad_before, info.in_spatial)])


def _backprop_input_phases(dy2, w3, info, dtype):
    """The input gradient (the transposed conv) for large outputs, by stride phases: tap k adds dy @ w[k]^T
    at padded position o * s + k * d, which is phase (k * d) % s shifted by (k * d) // s. Each phase
    accumulates its taps in its own contiguous buffer (one matmul per tap into a reused [M, C] buffer, then
    one add over whole rows of channels), and each phase is copied once into its strided place in dx."""
    n, c = info.batch, info.in_channels
    s, d, out_sp = info.strides, info.dilations, info.out_spatial
    padded = padded_shape(info)[1:-1]
    phases: dict[tuple, np.ndarray] = {}
    buf = np.empty((dy2.shape[0], c), dtype=dtype)
    for t, k in enumerate(itertools.product(*(range(f) for f in info.filter_spatial))):
        r = tuple(ki * di % si for ki, di, si in zip(k, d, s))
        if r not in phases:
            phases[r] = np.zeros((n, *(-(-(p - ri) // si) for p, ri, si in zip(padded, r, s)), c), dtype=dtype)
        np.matmul(dy2, w3[t].T, out=buf)
        at = (slice(None), *(slice(ki * di // si, ki * di // si + q) for ki, di, si, q in zip(k, d, s, out_sp)))
        dst = phases[r][at]
        np.add(dst, buf.reshape(n, *out_sp, c), out=dst)
    dx = np.empty(info.in_shape, dtype=dtype)
    for r in itertools.product(*(range(si) for si in s)):
        src, dst = [slice(None)], [slice(None)]
        for ri, si, pb, size in zip(r, s, info.pad_before, info.in_spatial):
            q0 = -(-(pb - ri) // si)               # the phase's first row inside dx (row ri - pb + si * q0)
            start = ri - pb + si * q0
            src.append(slice(q0, q0 + len(range(start, size, si))))
            dst.append(slice(start, size, si))
        if r in phases:
            dx[tuple(dst)] = phases[r][tuple(src)]
        else:                                      # no tap lands in this phase (filter smaller than stride)
            dx[tuple(dst)] = 0
    return dx


def _conv_backprop_filter(x, dy, info):
    """dw [*f, C, O] of a conv given x [N, *in, C] and dy [N, *out, O]."""
    n, c, o = x.shape[0], x.shape[-1], dy.shape[-1]
    out_sp = info.out_spatial
    fsz = _prod(info.filter_spatial)
    m = n * _prod(out_sp)
    dtype = np.result_type(x.dtype, dy.dtype)
    if m == 0:
        return np.zeros((*info.filter_spatial, c, o), dtype=dtype)
    dy2 = dy.reshape(m, o)
    if fsz == 1 and not _needs_pad(info):
        xs = strided_input(x, info.strides, out_sp).reshape(m, c)
        return np.matmul(xs.T, dy2).reshape(*info.filter_spatial, c, o)
    xp = pad_input(x, info)
    win = windows(xp, info.filter_spatial, info.strides, info.dilations, out_sp)
    per_sample = _prod(out_sp) * fsz * c
    step = max(1, _CHUNK_ELEMS // max(per_sample, 1))
    rows = _prod(out_sp)
    dw = None
    for i in range(0, n, step):
        j = min(n, i + step)
        part = np.matmul(win[i:j].reshape((j - i) * rows, fsz * c).T, dy2[i * rows:j * rows])
        dw = part if dw is None else np.add(dw, part, out=dw)
    return dw.reshape(*info.filter_spatial, c, o)


def _info(op, x_shape, w_shape, strides, pad, dilations, dim_rounding_mode, depthwise=False):
    return conv_info_cached(op, x_shape, w_shape, strides, pad, dilations, dim_rounding_mode, depthwise)


@kernel("Conv2D")
def conv2d(x, w, *, strides, pad, dilations=1, dim_rounding_mode=None, out=None):
    return _conv_forward(x, w, _info("conv2d", x.shape, w.shape, strides, pad, dilations, dim_rounding_mode),
                         out)


@kernel("Conv3D")
def conv3d(x, w, *, strides, pad, dilations=1, dim_rounding_mode=None, out=None):
    return _conv_forward(x, w, _info("conv3d", x.shape, w.shape, strides, pad, dilations, dim_rounding_mode),
                         out)


@kernel("Conv2DBackpropInput")
def conv2d_backprop_input(dy, w, *, input_shape, strides, pad, dilations=1, dim_rounding_mode=None):
    return _conv_backprop_input(dy, w, _info("conv2d_backprop_input", input_shape, w.shape, strides, pad,
                                             dilations, dim_rounding_mode))


@kernel("Conv3DBackpropInputV2")
def conv3d_backprop_input(dy, w, *, input_shape, strides, pad, dilations=1, dim_rounding_mode=None):
    return _conv_backprop_input(dy, w, _info("conv3d_backprop_input", input_shape, w.shape, strides, pad,
                                             dilations, dim_rounding_mode))


@kernel("Conv2DBackpropFilter")
def conv2d_backprop_filter(x, dy, *, filter_shape, strides, pad, dilations=1, dim_rounding_mode=None):
    return _conv_backprop_filter(x, dy, _info("conv2d_backprop_filter", x.shape, filter_shape, strides, pad,
                                              dilations, dim_rounding_mode))


@kernel("Conv3DBackpropFilterV2")
def conv3d_backprop_filter(x, dy, *, filter_shape, strides, pad, dilations=1, dim_rounding_mode=None):
    return _conv_backprop_filter(x, dy, _info("conv3d_backprop_filter", x.shape, filter_shape, strides, pad,
                                              dilations, dim_rounding_mode))


# ---- depthwise -----------------------------------------------------------------------------------

def _depthwise_forward(x, w, info, out=None, epilogue=None):
    """The depthwise conv into `out` (or a new array), then `epilogue` (bias + activation) by blocks."""
    dtype = np.result_type(x.dtype, w.dtype)
    if out is None:
        out = np.empty(info.out_shape, dtype=dtype)
    if out.size == 0:
        return out
    res = out if out.flags.c_contiguous and out.dtype == dtype else np.empty(info.out_shape, dtype=dtype)
    _depthwise_into(x, w, info, res)
    if epilogue is not None:
        _apply_by_blocks(res, epilogue)
    if res is not out:
        out[...] = res
    return out


def _depthwise_into(x, w, info, res):
    """Each output box of window_regions (the interior read straight from x, thin padded borders; one
    padded box for small inputs) is one np.einsum over a strided window view: the sum over the filter taps
    runs inside NumPy as one multiply-accumulate pass per tap, with no padded copy of the input and no
    per-tap temporaries. When the last spatial stride is 1 the last spatial dim and the channels are merged
    into one contiguous axis (the taps' weights tiled along it), so the inner loops are long rows instead of
    one per pixel; a larger last stride with short rows goes through the input's column phases
    (_depthwise_phases) to merge them. A depth multiplier m > 1 repeats each input channel m times (output
    channel c * m + k reads input channel c), making it a multiplier-1 conv."""
    n, c = x.shape[0], x.shape[-1]
    mult = w.shape[-1]
    out_sp = info.out_spatial
    dtype = res.dtype
    if mult > 1:
        x = np.repeat(x, mult, axis=-1)
        c *= mult
    x = np.ascontiguousarray(x, dtype=dtype)
    fsp = info.filter_spatial
    nd = info.ndim
    w = w.reshape(*fsp, c).astype(dtype, copy=False)
    merged = res.reshape(n, *out_sp[:-1], out_sp[-1] * c)
    if info.strides[-1] > 1 and out_sp[-1] * c <= _PHASE_ROW_ELEMS:
        _depthwise_phases(x, w, info, merged)
        return
    merge = info.strides[-1] == 1
    if merge:
        w = _tiled(w, out_sp[-1])
        spec = _merged_spec(nd)
    else:
        o_ax, k_ax = "ghij"[:nd], "pqrs"[:nd]
        spec = f"n{o_ax}{k_ax}c,{k_ax}c->n{o_ax}c"
    for idx, slab in window_regions(x, info, split=x.size > _SPLIT_ELEMS):
        box = [sl.stop - sl.start for sl in idx[1:-1]]
        if merge:
            view = merged_windows(slab, fsp, info.strides, info.dilations, box)
            a, b = idx[-2].start * c, idx[-2].stop * c
            np.einsum(spec, view, w[..., :b - a], out=merged[(*idx[:-2], slice(a, b))])
        else:
            view = windows(slab, fsp, info.strides, info.dilations, box)
            np.einsum(spec, view, w, out=res[idx])


def _merged_spec(nd):
    """einsum of merged windows [N, *out[:-1], *f, X] with tiled weights [*f, X] into [N, *out[:-1], X]."""
    o_ax, k_ax = "ghij"[:nd - 1], "pqrs"[:nd]
    return f"n{o_ax}{k_ax}x,{k_ax}x->n{o_ax}x"


def _tiled(w, reps):
    """Depthwise weights [*f, C] repeated along a merged row of `reps` pixels: [*f, reps * C]."""
    *fsp, c = w.shape
    return np.tile(w.reshape(*fsp, 1, c), (1,) * len(fsp) + (reps, 1)).reshape(*fsp, reps * c)


def _depthwise_phases(x, w, info, merged):
    """A depthwise conv with last stride s > 1, merged rows: the padded input's columns split into s phases
    (x[..., q::s, :], contiguous copies). The taps k with k * d = q (mod s) read phase q at consecutive
    columns (k steps by s / g and its column by d / g, g = gcd(d, s)), so each phase is a stride-1
    merged einsum over its taps; the phases' sums are added."""
    fsp, nd = info.filter_spatial, info.ndim
    s, d = info.strides[-1], info.dilations[-1]
    g = math.gcd(d, s)
    xp = pad_input(x, info)
    spec = _merged_spec(nd)
    total = None
    for q in range(s):
        taps = [k for k in range(fsp[-1]) if (k * d) % s == q]
        if not taps:
            continue
        phase = np.ascontiguousarray(xp[..., taps[0] * d::s, :])     # phase q from its first tap's column
        view = merged_windows(phase, (*fsp[:-1], len(taps)), (*info.strides[:-1], 1),
                              (*info.dilations[:-1], d // g), info.out_spatial)
        wq = _tiled(np.take(w, taps, axis=nd - 1), info.out_spatial[-1])
        if total is None:
            total = np.einsum(spec, view, wq, out=merged)
        else:
            total += np.einsum(spec, view, wq)


def _depthwise_backprop_input(dy, w, info):
    """The transpose of _depthwise_forward: per tap, dy times the tap's weights added into the padded
    input gradient (rows merged as in the forward); a multiplier m > 1 sums the m repeated channels."""
    n, c = info.batch, info.in_channels
    mult = w.shape[-1]
    cm = c * mult
    out_sp = info.out_spatial
    dtype = np.result_type(dy.dtype, w.dtype)
    pshape = padded_shape(info)
    dxp = np.zeros((*pshape[:-1], cm), dtype=dtype)
    if dy.size and cm:
        w = w.reshape(*w.shape[:-2], cm).astype(dtype, copy=False)
        merge = info.strides[-1] == 1
        wl = out_sp[-1]
        if merge:
            dyv = dy.reshape(n, *out_sp[:-1], wl * cm)
            dxv = dxp.reshape(*dxp.shape[:-2], dxp.shape[-2] * cm)
        else:
            dyv, dxv = dy, dxp
        tmp = np.empty(dyv.shape, dtype=dtype)
        for k, sl in tap_slices(info.filter_spatial, info.strides, info.dilations, out_sp):
            if merge:
                start = sl[-2].start * cm
                view = dxv[(*sl[:-2], slice(start, start + wl * cm))]
                np.multiply(dyv, np.tile(w[k], wl), out=tmp)
            else:
                view = dxv[sl]
                np.multiply(dyv, w[k], out=tmp)
            np.add(view, tmp, out=view)
    if mult > 1:  # sum the m copies of each channel (a loop: NumPy's sum over a short last axis is slow)
        d5 = dxp.reshape(*pshape, mult)
        acc = d5[..., 0].copy()
        for i in range(1, mult):
            acc += d5[..., i]
        dxp = acc
    if not _needs_pad(info):
        return dxp
    return np.ascontiguousarray(dxp[interior(info.pad_before, info.in_spatial)])


def _depthwise_backprop_filter(x, dy, info):
    n, c = x.shape[0], x.shape[-1]
    fshape = info.filter_shape
    mult = fshape[-1]
    out_sp = info.out_spatial
    dtype = np.result_type(x.dtype, dy.dtype)
    dw = np.zeros(fshape, dtype=dtype)
    if dy.size == 0:
        return dw
    xp = pad_input(x, info)
    win = windows(xp, info.filter_spatial, info.strides, info.dilations, out_sp)  # [N, *out, *f, C]
    nd = info.ndim
    sp = "hwdxyz"[:nd]
    fk = "ijklmo"[:nd]
    dy4 = dy.reshape(n, *out_sp, c, mult)
    if mult == 1:
        np.einsum(f"n{sp}{fk}c,n{sp}c->{fk}c", win, dy4[..., 0], out=dw.reshape(*dw.shape[:-1]))
    else:
        np.einsum(f"n{sp}{fk}c,n{sp}cm->{fk}cm", win, dy4, out=dw)
    return dw


@kernel("DepthwiseConv2dNative")
def depthwise_conv2d(x, w, *, strides, pad, dilations=1, dim_rounding_mode=None, out=None):
    info = _info("depthwise_conv2d", x.shape, w.shape, strides, pad, dilations, dim_rounding_mode, True)
    return _depthwise_forward(x, w, info, out)


@kernel("DepthwiseConv2dNativeBackpropInput")
def depthwise_conv2d_backprop_input(dy, w, *, input_shape, strides, pad, dilations=1, dim_rounding_mode=None):
    info = _info("depthwise_conv2d_backprop_input", input_shape, w.shape, strides, pad, dilations,
                 dim_rounding_mode, True)
    return _depthwise_backprop_input(dy, w, info)


@kernel("DepthwiseConv2dNativeBackpropFilter")
def depthwise_conv2d_backprop_filter(x, dy, *, filter_shape, strides, pad, dilations=1,
                                     dim_rounding_mode=None):
    info = _info("depthwise_conv2d_backprop_filter", x.shape, filter_shape, strides, pad, dilations,
                 dim_rounding_mode, True)
    return _depthwise_backprop_filter(x, dy, info)


# ---- dilation2d (grayscale morphological dilation) -----------------------------------------------

def _dilation_info(x, w, strides, pad, dilations):
    return _info("dilation2d", x.shape, (*w.shape, x.shape[-1]), strides, pad, dilations, None)


def _dilation_argmax(x, w, info):
    """(max values [N, *out, C], index of the first maximal tap [N, *out, C], padded x)."""
    xp = pad_input(x, info, value=-np.inf)
    best = None
    arg = None
    tmp = None
    for t, (k, sl) in enumerate(tap_slices(info.filter_spatial, info.strides, info.dilations,
                                           info.out_spatial)):
        if best is None:
            best = np.add(xp[sl], w[k])
            arg = np.zeros(best.shape, dtype=np.int32)
            tmp = np.empty_like(best)
            continue
        np.add(xp[sl], w[k], out=tmp)
        better = tmp > best
        arg[better] = t
        np.maximum(best, tmp, out=best)
    return best, arg, xp


@kernel("Dilation2D")
def dilation2d(x, w, *, strides, pad, dilations=1):
    info = _dilation_info(x, w, strides, pad, dilations)
    if _prod(info.out_shape) == 0:
        return np.empty(info.out_shape, dtype=np.result_type(x.dtype, w.dtype))
    return _dilation_argmax(x, w, info)[0]


@kernel("Dilation2DBackpropInput")
def dilation2d_backprop_input(x, w, dy, *, strides, pad, dilations=1):
    info = _dilation_info(x, w, strides, pad, dilations)
    dtype = np.result_type(x.dtype, w.dtype, dy.dtype)
    dxp = np.zeros(padded_shape(info), dtype=dtype)
    if dy.size:
        _, arg, _ = _dilation_argmax(x, w, info)
        for t, (_, sl) in enumerate(tap_slices(info.filter_spatial, info.strides, info.dilations,
                                               info.out_spatial)):
            dxp[sl] += np.where(arg == t, dy, 0).astype(dtype, copy=False)
    if not _needs_pad(info):
        return dxp
    return np.ascontiguousarray(dxp[interior(info.pad_before, info.in_spatial)])


@kernel("Dilation2DBackpropFilter")
def dilation2d_backprop_filter(x, w, dy, *, strides, pad, dilations=1):
    info = _dilation_info(x, w, strides, pad, dilations)
    dtype = np.result_type(x.dtype, w.dtype, dy.dtype)
    dw = np.zeros(w.shape, dtype=dtype)
    if dy.size:
        _, arg, _ = _dilation_argmax(x, w, info)
        axes = tuple(range(dy.ndim - 1))
        for t, (k, _) in enumerate(tap_slices(info.filter_spatial, info.strides, info.dilations,
                                              info.out_spatial)):
            dw[k] = np.where(arg == t, dy, 0).sum(axis=axes)
    return dw


# ---- fused ---------------------------------------------------------------------------------------

def apply_activation(y, activation, alpha=None, prelu=None):
    """Applies a fused activation to y in place (y is a fresh, writable output array)."""
    if activation in (None, "linear"):
        return y
    if activation == "relu":
        return np.maximum(y, 0, out=y)
    if activation == "relu6":
        return np.clip(y, 0, 6, out=y)
    if activation == "elu":
        neg = np.minimum(y, 0)
        np.expm1(neg, out=neg)
        np.maximum(y, 0, out=y)
        y += neg
        return y
    if activation == "leakyrelu":
        a = 0.2 if alpha is None else alpha
        neg = np.minimum(y, 0)
        neg *= np.asarray(a - 1, dtype=y.dtype)
        y += neg
        return y
    if activation == "prelu":
        neg = np.minimum(y, 0)
        neg *= (prelu - 1).astype(y.dtype, copy=False)
        y += neg
        return y
    if activation == "sigmoid":
        with np.errstate(over="ignore"):
            np.negative(y, out=y)
            np.exp(y, out=y)
            y += 1
            np.reciprocal(y, out=y)
        return y
    if activation == "tanh":
        return np.tanh(y, out=y)
    raise ValueError(f"unknown fused activation {activation!r}")


def _bias_act(y, extra, has_bias, activation, leakyrelu_alpha):
    extra = list(extra)
    bias = extra.pop(0) if has_bias else None
    prelu = extra.pop(0) if activation == "prelu" else None
    if bias is not None:
        if np.broadcast_shapes(y.shape, bias.shape) != y.shape:
            y = y + bias
        else:
            rows = channel_rows(y, bias)
            if rows is not None:
                np.add(rows[0], rows[1], out=rows[0])
            else:
                y += bias
    return apply_activation(y, activation, leakyrelu_alpha, prelu)


def _channel_epilogue(extra, has_bias, activation, leakyrelu_alpha, out_shape, dtype):
    """The fused bias + activation as a function on [rows, channels] blocks of the output (applied in
    place, in cache, as each block is computed), or None when a bias or prelu weights vary along more than
    the channels (then _bias_act runs on the whole output). Per-channel vectors are tiled to a block's
    length once, so each block is one long-row operation."""
    channels = out_shape[-1]
    extra = list(extra)
    vectors = [extra.pop(0) if has_bias else None, extra.pop(0) if activation == "prelu" else None]
    if any(v is not None and v.size != channels for v in vectors):
        return None
    if not has_bias and activation in (None, "linear"):
        return lambda blk: None
    reps = max(1, min(_BLOCK_ELEMS // max(channels, 1), _prod(out_shape[:-1])))
    bias, prelu = (None if v is None else np.tile(v.reshape(-1).astype(dtype, copy=False), reps)
                   for v in vectors)

    def epilogue(blk):
        flat = blk.reshape(-1)
        size = flat.size
        if size > reps * channels:  # a block larger than the tiles (one very wide output row)
            _bias_act(blk, [v[:channels] for v in (bias, prelu) if v is not None], has_bias, activation,
                      leakyrelu_alpha)
            return
        if bias is not None:
            np.add(flat, bias[:size], out=flat)
        apply_activation(flat, activation, leakyrelu_alpha, None if prelu is None else prelu[:size])
    return epilogue


def _apply_by_blocks(y, epilogue):
    """epilogue on the C-contiguous output y [..., C] as [rows, C] blocks of about _EPILOGUE_ELEMS values."""
    c = y.shape[-1]
    y2 = y.reshape(-1, c)
    step = max(1, _EPILOGUE_ELEMS // max(c, 1))
    for i in range(0, y2.shape[0], step):
        epilogue(y2[i:i + step])


def _fused(forward, x, w, info, extra, has_bias, activation, leakyrelu_alpha, out):
    """forward(x, w, info, out, epilogue) with the fused bias + activation: per block (`epilogue` on each
    [rows, C] block as it is computed) when they are per-channel and the output is larger than one block,
    else on the whole output."""
    dtype = np.result_type(x.dtype, w.dtype)
    small = _prod(info.out_shape) <= _EPILOGUE_ELEMS    # already one block: no tiling needed
    epilogue = None if small else _channel_epilogue(extra, has_bias, activation, leakyrelu_alpha, info.out_shape,
                                                    dtype)
    if epilogue is None:
        return _bias_act(forward(x, w, info, out), extra, has_bias, activation, leakyrelu_alpha)
    return forward(x, w, info, out, epilogue)


@kernel("FusedConv2D")
def fused_conv2d(x, w, *extra, strides, pad, dilations=1, dim_rounding_mode=None, has_bias=False,
                 activation="linear", leakyrelu_alpha=None, out=None):
    info = _info("fused.conv2d", x.shape, w.shape, strides, pad, dilations, dim_rounding_mode)
    return _fused(_conv_forward, x, w, info, extra, has_bias, activation, leakyrelu_alpha, out)


@kernel("FusedDepthwiseConv2D")
def fused_depthwise_conv2d(x, w, *extra, strides, pad, dilations=1, dim_rounding_mode=None, has_bias=False,
                           activation="linear", leakyrelu_alpha=None, out=None):
    info = _info("fused.depthwise_conv2d", x.shape, w.shape, strides, pad, dilations, dim_rounding_mode, True)
    return _fused(_depthwise_forward, x, w, info, extra, has_bias, activation, leakyrelu_alpha, out)


@kernel("_FusedMatMul")
def fused_mat_mul(a, b, *extra, transpose_a=False, transpose_b=False, has_bias=False, activation="linear",
                  leakyrelu_alpha=None, out=None):
    if transpose_a:
        a = np.swapaxes(a, -1, -2)
    if transpose_b:
        b = np.swapaxes(b, -1, -2)
    y = np.matmul(a, b, out=out)
    return _bias_act(y, extra, has_bias, activation, leakyrelu_alpha)
