"""NumPy kernels: convolutions (channels-last, any number of spatial dims) and the fused conv/matmul kernels.

Forward convs are one matmul: a 1x1 unpadded conv multiplies the (strided) input directly; others gather
im2col columns from a strided window view of the padded input (in batch chunks, to bound memory).
Input gradients multiply dy by the filter once, then scatter-add the columns back with one strided
slice per filter tap (col2im); filter gradients are im2col^T @ dy. Depthwise convs and dilation2d
loop over the few filter taps, each step a vectorized op over every pixel.
Attrs: strides, pad ('same' | 'valid' | number | explicit pairs), dilations, dim_rounding_mode.
"""
from __future__ import annotations

import math

import numpy as np

from ._base import channel_rows, kernel
from ._windows import (conv_info_cached, full_pads, interior, pad_input, padded_shape, strided_input, tap_slices,
                       windows)

_CHUNK_ELEMS = 1 << 23  # im2col buffer budget (elements) per matmul


def _prod(xs) -> int:
    return math.prod(xs)


def _needs_pad(info) -> bool:
    before, after = full_pads(info)
    return any(before) or any(after)


# ---- regular convolution -------------------------------------------------------------------------

def _conv_forward(x, w, info, out=None):
    nd = info.ndim
    n, c, o = x.shape[0], x.shape[-1], w.shape[-1]
    out_sp = info.out_spatial
    dtype = np.result_type(x.dtype, w.dtype)
    if out is None:
        out = np.empty(info.out_shape, dtype=dtype)
    m = n * _prod(out_sp)
    if m == 0 or o == 0:
        return out
    if c == 0:
        out[...] = 0
        return out
    out2 = out.reshape(m, o)
    fsz = _prod(info.filter_spatial)
    if fsz == 1 and not _needs_pad(info):
        xs = strided_input(x, info.strides, out_sp)
        np.matmul(xs.reshape(m, c), w.reshape(c, o), out=out2)
        return out
    xp = pad_input(x, info)
    win = windows(xp, info.filter_spatial, info.strides, info.dilations, out_sp)  # [N, *out, *f, C]
    w2 = w.reshape(fsz * c, o)
    per_sample = _prod(out_sp) * fsz * c
    step = max(1, _CHUNK_ELEMS // max(per_sample, 1))
    if step >= n:
        np.matmul(win.reshape(m, fsz * c), w2, out=out2)
        return out
    if step > 1 or nd == 0 or out_sp[0] <= 1:
        rows = _prod(out_sp)
        for i in range(0, n, step):
            j = min(n, i + step)
            np.matmul(win[i:j].reshape((j - i) * rows, fsz * c), w2, out=out2[i * rows:j * rows])
        return out
    # a single sample is over budget: chunk along the first output spatial dim as well
    rows0 = _prod(out_sp[1:])
    step0 = max(1, _CHUNK_ELEMS // max(rows0 * fsz * c, 1))
    out3 = out.reshape(n, out_sp[0], rows0, o)
    for i in range(n):
        for a in range(0, out_sp[0], step0):
            b = min(out_sp[0], a + step0)
            np.matmul(win[i, a:b].reshape((b - a) * rows0, fsz * c), w2,
                      out=out3[i, a:b].reshape((b - a) * rows0, o))
    return out


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
    dxp = np.zeros(padded_shape(info), dtype=dtype)
    if m and o and c:
        cols = np.matmul(dy.reshape(m, o), w.reshape(fsz * c, o).T).reshape(n, *out_sp, fsz, c)
        lead = (slice(None),) * (1 + nd)
        for t, (_, sl) in enumerate(tap_slices(info.filter_spatial, info.strides, info.dilations, out_sp)):
            dxp[sl] += cols[(*lead, t)]
    if not _needs_pad(info):
        return dxp
    return np.ascontiguousarray(dxp[interior(info.pad_before, info.in_spatial)])


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

def _depthwise_forward(x, w, info, out=None):
    """A loop over the filter taps, each one multiply-accumulate over every output pixel (in the result
    dtype, into preallocated buffers). When the last spatial stride is 1 the last spatial dim and the
    channels are merged into one contiguous row (the tap's weights tiled along it), so each NumPy call
    runs long inner loops instead of one per pixel. A depth multiplier m > 1 repeats each input channel m
    times (output channel c * m + k reads input channel c), making it a multiplier-1 conv."""
    n, c = x.shape[0], x.shape[-1]
    mult = w.shape[-1]
    out_sp = info.out_spatial
    dtype = np.result_type(x.dtype, w.dtype)
    if out is None:
        out = np.empty(info.out_shape, dtype=dtype)
    if out.size == 0:
        return out
    if c == 0 or _prod(info.filter_spatial) == 0:
        out[...] = 0
        return out
    res = out if out.flags.c_contiguous and out.dtype == dtype else np.empty(info.out_shape, dtype=dtype)
    if mult > 1:
        x = np.repeat(x, mult, axis=-1)
        c *= mult
    w = w.reshape(*w.shape[:-2], c).astype(dtype, copy=False)
    xp = pad_input(x, info).astype(dtype, copy=False)
    merge = info.strides[-1] == 1
    if merge:
        wl = out_sp[-1]
        xv = xp.reshape(*xp.shape[:-2], xp.shape[-2] * c)
        ov = res.reshape(n, *out_sp[:-1], wl * c)
    else:
        xv, ov = xp, res
    tmp = None
    for k, sl in tap_slices(info.filter_spatial, info.strides, info.dilations, out_sp):
        if merge:
            start = sl[-2].start * c
            src = xv[(*sl[:-2], slice(start, start + wl * c))]
            wk = np.tile(w[k], wl)
        else:
            src, wk = xv[sl], w[k]
        if tmp is None:
            np.multiply(src, wk, out=ov)
            tmp = np.empty_like(ov)
        else:
            np.multiply(src, wk, out=tmp)
            np.add(ov, tmp, out=ov)
    if res is not out:
        out[...] = res
    return out


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


@kernel("FusedConv2D")
def fused_conv2d(x, w, *extra, strides, pad, dilations=1, dim_rounding_mode=None, has_bias=False,
                 activation="linear", leakyrelu_alpha=None, out=None):
    info = _info("fused.conv2d", x.shape, w.shape, strides, pad, dilations, dim_rounding_mode)
    y = _conv_forward(x, w, info, out)
    return _bias_act(y, extra, has_bias, activation, leakyrelu_alpha)


@kernel("FusedDepthwiseConv2D")
def fused_depthwise_conv2d(x, w, *extra, strides, pad, dilations=1, dim_rounding_mode=None, has_bias=False,
                           activation="linear", leakyrelu_alpha=None, out=None):
    info = _info("fused.depthwise_conv2d", x.shape, w.shape, strides, pad, dilations, dim_rounding_mode, True)
    y = _depthwise_forward(x, w, info, out)
    return _bias_act(y, extra, has_bias, activation, leakyrelu_alpha)


@kernel("_FusedMatMul")
def fused_mat_mul(a, b, *extra, transpose_a=False, transpose_b=False, has_bias=False, activation="linear",
                  leakyrelu_alpha=None, out=None):
    if transpose_a:
        a = np.swapaxes(a, -1, -2)
    if transpose_b:
        b = np.swapaxes(b, -1, -2)
    y = np.matmul(a, b, out=out)
    return _bias_act(y, extra, has_bias, activation, leakyrelu_alpha)
