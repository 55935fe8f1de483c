"""NumPy kernels: image (resize bilinear / nearest and their gradients, crop_and_resize, flip_left_right,
rotate_with_offset, transform, non-max suppression).

Coordinates follow TF.js's cpu backend exactly: index and weight vectors are computed once per axis in
double precision (as JavaScript does), the pixels are gathered with them one axis at a time (np.take),
float inputs are interpolated in the output float dtype (within an ulp or two of TF.js's per-pixel double
math), and the gradients are the gathers' adjoints (run-length sums, dense matrices as a fallback).
Non-max suppression is TF.js's sequential algorithm (a score-sorted candidate list, soft-NMS re-insertion),
run on Python floats so ties and comparisons come out as in JavaScript; plain NMS of finite boxes takes the
same decisions from blocks of IoU matrices in double precision.
"""
from __future__ import annotations

import bisect
import math

import numpy as np

from ...core.dtypes import to_numpy
from ._base import kernel


def _round_half_up(x):
    """JavaScript's Math.round: halves go towards +infinity."""
    return np.floor(x + 0.5)


def _ratio(in_size: int, out_size: int, align_corners: bool) -> float:
    eff_in = in_size - 1 if align_corners and out_size > 1 else in_size
    eff_out = out_size - 1 if align_corners and out_size > 1 else out_size
    return eff_in / eff_out if eff_out else 0.0


def _bilinear_axis(in_size: int, out_size: int, align_corners: bool, half_pixel_centers: bool):
    """Per output position along one axis: floor index, ceil index and fraction (TF.js cpu's math)."""
    ratio = _ratio(in_size, out_size, align_corners)
    pos = np.arange(out_size, dtype=np.float64)
    src = ratio * (pos + 0.5) - 0.5 if half_pixel_centers else ratio * pos
    lo = np.maximum(0.0, np.floor(src))
    frac = src - lo
    hi = np.minimum(in_size - 1, np.ceil(src))
    return lo.astype(np.intp), hi.astype(np.intp), frac


def _nearest_axis(in_size: int, out_size: int, align_corners: bool, half_pixel_centers: bool):
    ratio = _ratio(in_size, out_size, align_corners)
    pos = np.arange(out_size, dtype=np.float64)
    src = ratio * (pos + 0.5) if half_pixel_centers else ratio * pos
    idx = np.minimum(in_size - 1, _round_half_up(src) if align_corners else np.floor(src))
    if half_pixel_centers:
        idx = np.maximum(0.0, idx)
    return idx.astype(np.intp)


def _bilinear_matrix(in_size: int, out_size: int, align_corners: bool, half_pixel_centers: bool,
                     dtype) -> np.ndarray:
    """The (out_size, in_size) matrix of resize_bilinear's weights along one axis (for the adjoint)."""
    lo, hi, frac = _bilinear_axis(in_size, out_size, align_corners, half_pixel_centers)
    m = np.zeros((out_size, in_size), dtype=np.float64)
    rows = np.arange(out_size)
    np.add.at(m, (rows, lo), 1.0 - frac)
    np.add.at(m, (rows, hi), frac)
    return m.astype(dtype)


def _nearest_matrix(in_size: int, out_size: int, align_corners: bool, half_pixel_centers: bool,
                    dtype) -> np.ndarray:
    idx = _nearest_axis(in_size, out_size, align_corners, half_pixel_centers)
    m = np.zeros((out_size, in_size), dtype=dtype)
    m[np.arange(out_size), idx] = 1
    return m


def _separable_adjoint(dy: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """dx[b, h, w, c] = sum_{r, s} rows[r, h] * dy[b, r, s, c] * cols[s, w] (dense fallback)."""
    t = np.tensordot(rows, dy, axes=([0], [1]))          # (H, B, S, C)
    t = np.tensordot(t, cols, axes=([2], [0]))           # (H, B, C, W)
    return np.ascontiguousarray(t.transpose(1, 0, 3, 2))


# Fast paths. Every resize is separable: one pass along the height axis and one along the flattened
# (width * channels) axis of the [B, H, W * C] view (np.take with channel-expanded indices copies 4-byte
# items instead of C-element chunks). Each pass is a gather with an index vector (np.take along one axis),
# plus, for bilinear, an in-place lerp in the compute dtype. The axis order is picked so that the
# intermediate array is the smaller one.

def _expand(idx: np.ndarray, ch: int) -> np.ndarray:
    """Indices into the flattened (W * C) axis for per-column indices idx."""
    return (idx[:, None] * ch + np.arange(ch)).reshape(-1)


def _lerp_take(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, frac: np.ndarray, axis: int) -> np.ndarray:
    """x[lo] + (x[hi] - x[lo]) * frac along axis (frac already shaped to broadcast), in x's dtype."""
    out = np.take(x, lo, axis=axis)
    t = np.take(x, hi, axis=axis)
    with np.errstate(invalid="ignore", over="ignore"):
        t -= out
        t *= frac
        out += t
    return out


_MAX_RUN = 16  # beyond this many outputs reading one input pixel, the dense adjoint is used


def _runs_ok(*idx: np.ndarray) -> bool:
    """Whether the index vectors are nondecreasing with runs short enough for _take_adjoint."""
    for i in idx:
        if i.size < 2:
            continue
        if not (np.diff(i) >= 0).all():
            return False
        _, counts = np.unique(i, return_counts=True)
        if counts.max() > _MAX_RUN:
            return False
    return True


def _take_adjoint(v: np.ndarray, idx: np.ndarray, size: int, axis: int, ch: int = 1,
                  out: np.ndarray | None = None):
    """The adjoint of np.take(., _expand(idx, ch), axis) for a nondecreasing idx: out[j] (+)= the sum of
    v[i] over the run of i with idx[i] == j; one gather per position in a run (runs are short)."""
    uniq, starts, counts = np.unique(idx, return_index=True, return_counts=True)
    if out is None:
        shape = list(v.shape)
        shape[axis] = size * ch
        out = np.zeros(shape, dtype=v.dtype)
    lead = (slice(None),) * axis
    acc = np.take(v, _expand(starts, ch), axis=axis)
    for k in range(1, int(counts.max())):
        sel = np.flatnonzero(counts > k)
        part = np.take(v, _expand(starts[sel] + k, ch), axis=axis)
        if sel[-1] - sel[0] + 1 == sel.size:                # a contiguous block (the usual case)
            view = acc[(*lead, slice(sel[0] * ch, (sel[-1] + 1) * ch))]
            view += part
        else:
            acc[(*lead, _expand(sel, ch))] += part
    if uniq.size == size:
        out += acc
    else:
        out[(*lead, _expand(uniq, ch))] += acc
    return out


def _bilinear_adjoint_axis(v, lo, hi, frac, size, axis, ch=1):
    """The adjoint of _lerp_take: weights (1 - frac) to lo and frac to hi."""
    shape = [1] * v.ndim
    shape[axis] = frac.shape[0] * ch
    f = np.repeat(frac.astype(v.dtype), ch).reshape(shape)
    g = 1 - f
    out = _take_adjoint(v * g, lo, size, axis, ch)
    return _take_adjoint(v * f, hi, size, axis, ch, out)


# ---- resize ---------------------------------------------------------------------------------------

@kernel("ResizeBilinear")
def resize_bilinear(images, *, size, align_corners=False, half_pixel_centers=False):
    batch, in_h, in_w, ch = images.shape
    out_h, out_w = size
    out_dtype = to_numpy("float32")
    if out_h * out_w * batch * ch == 0:
        return np.zeros((batch, out_h, out_w, ch), dtype=out_dtype)
    y0, y1, fy = _bilinear_axis(in_h, out_h, align_corners, half_pixel_centers)
    x0, x1, fx = _bilinear_axis(in_w, out_w, align_corners, half_pixel_centers)
    # float inputs interpolate in the output float dtype (TF.js computes each pixel in double and rounds
    # once: results agree to an ulp or two); integer inputs in double, as TF.js, then rounded to float.
    ct = np.promote_types(images.dtype, out_dtype) if images.dtype.kind == "f" else np.dtype(np.float64)
    x = images.astype(ct, copy=False).reshape(batch, in_h, in_w * ch)
    fx = np.repeat(fx.astype(ct), ch)                    # per flattened (column, channel)
    fy = fy.astype(ct)[:, None]
    xi0, xi1 = _expand(x0, ch), _expand(x1, ch)
    if in_h * out_w <= out_h * in_w:                     # columns first: the smaller intermediate
        res = _lerp_take(_lerp_take(x, xi0, xi1, fx, 2), y0, y1, fy, 1)
    else:
        res = _lerp_take(_lerp_take(x, y0, y1, fy, 1), xi0, xi1, fx, 2)
    return res.reshape(batch, out_h, out_w, ch).astype(out_dtype, copy=False)


@kernel("ResizeNearestNeighbor")
def resize_nearest_neighbor(images, *, size, align_corners=False, half_pixel_centers=False):
    batch, in_h, in_w, ch = images.shape
    out_h, out_w = size
    if out_h * out_w * batch * ch == 0:
        return np.zeros((batch, out_h, out_w, ch), dtype=images.dtype)
    rows = _nearest_axis(in_h, out_h, align_corners, half_pixel_centers)
    cols = _expand(_nearest_axis(in_w, out_w, align_corners, half_pixel_centers), ch)
    x = images.reshape(batch, in_h, in_w * ch)
    if in_h * out_w <= out_h * in_w:
        res = np.take(np.take(x, cols, axis=2), rows, axis=1)
    else:
        res = np.take(np.take(x, rows, axis=1), cols, axis=2)
    return res.reshape(batch, out_h, out_w, ch)


@kernel("ResizeBilinearGrad")
def resize_bilinear_grad(dy, images, *, align_corners=False, half_pixel_centers=False, size=None):
    """The adjoint of ResizeBilinear (TF.js's cpu kernel ignores half_pixel_centers; this one does not)."""
    batch, in_h, in_w, ch = images.shape
    _, out_h, out_w, _ = dy.shape
    dt = dy.dtype if dy.dtype.kind == "f" else to_numpy("float32")
    dy = dy.astype(dt, copy=False)
    y0, y1, fy = _bilinear_axis(in_h, out_h, align_corners, half_pixel_centers)
    x0, x1, fx = _bilinear_axis(in_w, out_w, align_corners, half_pixel_centers)
    if dy.size == 0 or images.size == 0 or not _runs_ok(y0, y1, x0, x1):
        rows = _bilinear_matrix(in_h, out_h, align_corners, half_pixel_centers, dt)
        cols = _bilinear_matrix(in_w, out_w, align_corners, half_pixel_centers, dt)
        return _separable_adjoint(dy, rows, cols)
    t = _bilinear_adjoint_axis(dy.reshape(batch, out_h, out_w * ch), y0, y1, fy, in_h, 1)
    return _bilinear_adjoint_axis(t, x0, x1, fx, in_w, 2, ch).reshape(batch, in_h, in_w, ch)


@kernel("ResizeNearestNeighborGrad")
def resize_nearest_neighbor_grad(dy, images, *, align_corners=False, half_pixel_centers=False, size=None):
    """The adjoint of ResizeNearestNeighbor: each dy value goes to the pixel it was read from."""
    batch, in_h, in_w, ch = images.shape
    _, out_h, out_w, _ = dy.shape
    rows = _nearest_axis(in_h, out_h, align_corners, half_pixel_centers)
    cols = _nearest_axis(in_w, out_w, align_corners, half_pixel_centers)
    if dy.size == 0 or images.size == 0 or not _runs_ok(rows, cols):
        return _separable_adjoint(dy, _nearest_matrix(in_h, out_h, align_corners, half_pixel_centers, dy.dtype),
                                  _nearest_matrix(in_w, out_w, align_corners, half_pixel_centers, dy.dtype))
    t = _take_adjoint(dy.reshape(batch, out_h, out_w * ch), rows, in_h, 1)
    return _take_adjoint(t, cols, in_w, 2, ch).reshape(batch, in_h, in_w, ch)


# ---- crop, flip, rotate, transform -----------------------------------------------------------------

@kernel("CropAndResize")
def crop_and_resize(image, boxes, box_ind, *, crop_size, method="bilinear", extrapolation_value=0.0):
    batch, in_h, in_w, ch = image.shape
    crop_h, crop_w = crop_size
    n = boxes.shape[0]
    out = np.zeros((n, crop_h, crop_w, ch), dtype=np.float64)
    if n == 0 or ch == 0:
        return out.astype(to_numpy("float32"))
    b = boxes.astype(np.float64)
    y1, x1, y2, x2 = b[:, 0:1], b[:, 1:2], b[:, 2:3], b[:, 3:4]

    def coords(c1, c2, size, crop):
        if crop > 1:
            scale = (c2 - c1) * (size - 1) / (crop - 1)
            return c1 * (size - 1) + np.arange(crop, dtype=np.float64)[None, :] * scale
        return 0.5 * (c1 + c2) * (size - 1)

    ys = np.broadcast_to(coords(y1, y2, in_h, crop_h), (n, crop_h))
    xs = np.broadcast_to(coords(x1, x2, in_w, crop_w), (n, crop_w))
    valid_y = (ys >= 0) & (ys <= in_h - 1)
    valid_x = (xs >= 0) & (xs <= in_w - 1)
    ys_safe = np.where(valid_y, ys, 0.0)
    xs_safe = np.where(valid_x, xs, 0.0)
    bi = box_ind.astype(np.intp)
    box_ok = (bi >= 0) & (bi < batch)
    bi = np.where(box_ok, bi, 0)[:, None, None]
    img = image.astype(np.float64, copy=False)
    if method == "bilinear":
        top, bottom = np.floor(ys_safe), np.ceil(ys_safe)
        left, right = np.floor(xs_safe), np.ceil(xs_safe)
        y_lerp = (ys_safe - top)[:, :, None, None]
        x_lerp = (xs_safe - left)[:, None, :, None]
        t, bo = top.astype(np.intp)[:, :, None], bottom.astype(np.intp)[:, :, None]
        le, ri = left.astype(np.intp)[:, None, :], right.astype(np.intp)[:, None, :]
        tl, tr = img[bi, t, le], img[bi, t, ri]
        bl, br = img[bi, bo, le], img[bi, bo, ri]
        top_v = tl + (tr - tl) * x_lerp
        bot_v = bl + (br - bl) * x_lerp
        vals = top_v + (bot_v - top_v) * y_lerp
    else:
        cy = _round_half_up(ys_safe).astype(np.intp)[:, :, None]
        cx = _round_half_up(xs_safe).astype(np.intp)[:, None, :]
        vals = img[bi, cy, cx]
    valid = (valid_y[:, :, None] & valid_x[:, None, :])[..., None]
    out = np.where(valid, vals, extrapolation_value)
    out = np.where(box_ok[:, None, None, None], out, 0.0)
    return out.astype(to_numpy("float32"))


@kernel("FlipLeftRight")
def flip_left_right(image):
    return np.ascontiguousarray(image[:, :, ::-1])


@kernel("RotateWithOffset")
def rotate_with_offset(image, *, radians, fill_value=0.0, center=0.5):
    batch, h, w, ch = image.shape
    cx = w * (center if isinstance(center, (int, float)) else center[0])
    cy = h * (center if isinstance(center, (int, float)) else center[1])
    sin, cos = math.sin(radians), math.cos(radians)
    ys = np.arange(h, dtype=np.float64)[:, None]
    xs = np.arange(w, dtype=np.float64)[None, :]
    src_x = _round_half_up((xs - cx) * cos - (ys - cy) * sin + cx)
    src_y = _round_half_up((xs - cx) * sin + (ys - cy) * cos + cy)
    inside = (src_x >= 0) & (src_x < w) & (src_y >= 0) & (src_y < h)
    sx = np.where(inside, src_x, 0).astype(np.intp)
    sy = np.where(inside, src_y, 0).astype(np.intp)
    gathered = image[:, sy, sx]                                     # (B, H, W, C)
    if isinstance(fill_value, (int, float)):
        fill = np.full((ch,), float(fill_value))
    else:
        fill = np.array([float(fill_value[c]) if c < 3 else 255.0 for c in range(ch)])
    out = np.where(inside[None, :, :, None], gathered, fill.astype(image.dtype))
    return out.astype(image.dtype, copy=False)


def _map_reflect(c: np.ndarray, n: int) -> np.ndarray:
    if n <= 1:
        c = np.where((c < 0) | (c > n - 1), 0.0, c)
    else:
        sz2 = 2.0 * n
        neg = sz2 * np.trunc(-c / sz2) + c
        neg = np.where(neg < -n, neg + sz2, -neg - 1)
        pos = c - sz2 * np.trunc(c / sz2)
        pos = np.where(pos >= n, sz2 - pos - 1, pos)
        c = np.where(c < 0, neg, np.where(c > n - 1, pos, c))
    return np.clip(c, 0, n - 1)


def _map_wrap(c: np.ndarray, n: int) -> np.ndarray:
    if n <= 1:
        c = np.where((c < 0) | (c > n - 1), 0.0, c)
    else:
        sz = n - 1.0
        neg = c + n * (np.trunc(-c / sz) + 1)
        pos = c - n * np.trunc(c / sz)
        c = np.where(c < 0, neg, np.where(c > n - 1, pos, c))
    return np.clip(c, 0, n - 1)


def _map_coord(c: np.ndarray, n: int, mode: str) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        if mode == "reflect":
            return _map_reflect(c, n)
        if mode == "wrap":
            return _map_wrap(c, n)
        if mode == "nearest":
            return np.clip(c, 0, n - 1)
        return c


@kernel("Transform")
def transform(image, transforms, *, interpolation="nearest", fill_mode="constant", fill_value=0.0,
              output_shape=None):
    batch, in_h, in_w, ch = image.shape
    out_h, out_w = output_shape if output_shape is not None else (in_h, in_w)
    t = np.broadcast_to(transforms.astype(np.float64), (batch, 8))
    tt = [t[:, k][:, None, None] for k in range(8)]                  # each (B, 1, 1)
    ox = np.arange(out_w, dtype=np.float64)[None, None, :]
    oy = np.arange(out_h, dtype=np.float64)[None, :, None]
    fill = float(fill_value)
    img = image.astype(np.float64, copy=False)
    bidx = np.arange(batch)[:, None, None]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        proj = tt[6] * ox + tt[7] * oy + 1
        in_x = (tt[0] * ox + tt[1] * oy + tt[2]) / proj
        in_y = (tt[3] * ox + tt[4] * oy + tt[5]) / proj
        x = _map_coord(in_x, in_w, fill_mode)
        y = _map_coord(in_y, in_h, fill_mode)

        def read(yi, xi):
            ok = (yi >= 0) & (yi < in_h) & (xi >= 0) & (xi < in_w)
            ys = np.where(ok, yi, 0).astype(np.intp)
            xs = np.where(ok, xi, 0).astype(np.intp)
            return np.where(ok[..., None], img[bidx, ys, xs], fill)

        if interpolation == "nearest":
            out = read(_round_half_up(y), _round_half_up(x))
        else:
            yf, xf = np.floor(y), np.floor(x)
            yc, xc = yf + 1, xf + 1
            wx0, wx1 = (xc - x)[..., None], (x - xf)[..., None]
            wy0, wy1 = (yc - y)[..., None], (y - yf)[..., None]
            v_yf = wx0 * read(yf, xf) + wx1 * read(yf, xc)
            v_yc = wx0 * read(yc, xf) + wx1 * read(yc, xc)
            out = wy0 * v_yf + wy1 * v_yc
        out = np.where((proj == 0)[..., None], fill, out)
    return out.astype(image.dtype)


# ---- non-max suppression ---------------------------------------------------------------------------

def _min(a: float, b: float) -> float:
    return a if (a < b or a != a) else b      # JavaScript's Math.min: NaN wins


def _max(a: float, b: float) -> float:
    return a if (a > b or a != a) else b


def _iou(boxes, i: int, j: int) -> float:
    a, b = boxes[i], boxes[j]
    ymin_i, ymax_i = _min(a[0], a[2]), _max(a[0], a[2])
    xmin_i, xmax_i = _min(a[1], a[3]), _max(a[1], a[3])
    ymin_j, ymax_j = _min(b[0], b[2]), _max(b[0], b[2])
    xmin_j, xmax_j = _min(b[1], b[3]), _max(b[1], b[3])
    area_i = (ymax_i - ymin_i) * (xmax_i - xmin_i)
    area_j = (ymax_j - ymin_j) * (xmax_j - xmin_j)
    if area_i <= 0 or area_j <= 0:
        return 0.0
    inter = (_max(_min(ymax_i, ymax_j) - _max(ymin_i, ymin_j), 0.0)
             * _max(_min(xmax_i, xmax_j) - _max(xmin_i, xmin_j), 0.0))
    union = area_i + area_j - inter
    return inter / union if union != 0 else math.nan    # union is 0 only through Inf/NaN arithmetic


def _hard_nms(b, sc, order, max_output_size, iou_threshold, block=64):
    """Plain NMS (no soft-NMS, finite boxes): a candidate is dropped iff its IoU with any selected box is
    >= iou_threshold. Candidates go in blocks of `block` (in `order`): one IoU matrix drops those that an
    earlier block's selection suppresses, another (within the block) lets the greedy pass over the block
    run on precomputed rows, so only the boxes up to the last one selected are ever looked at."""
    ymin, ymax = np.minimum(b[:, 0], b[:, 2]), np.maximum(b[:, 0], b[:, 2])
    xmin, xmax = np.minimum(b[:, 1], b[:, 3]), np.maximum(b[:, 1], b[:, 3])
    area = (ymax - ymin) * (xmax - xmin)

    def suppressed(c, j):
        """[len(c), len(j)]: whether selected box j suppresses candidate c (IoU >= threshold)."""
        inter = (np.maximum(np.minimum(ymax[c, None], ymax[j]) - np.maximum(ymin[c, None], ymin[j]), 0.0)
                 * np.maximum(np.minimum(xmax[c, None], xmax[j]) - np.maximum(xmin[c, None], xmin[j]), 0.0))
        ok = (area[j] > 0) & (area[c, None] > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            iou = np.where(ok, inter / (area[c, None] + area[j] - inter), 0.0)
        return iou >= iou_threshold

    chosen: list[int] = []
    for start in range(0, len(order), block):
        if len(chosen) >= max_output_size:
            break
        cand = np.asarray(order[start:start + block])
        dropped = suppressed(cand, np.asarray(chosen)).any(axis=1) if chosen else np.zeros(len(cand), bool)
        within = suppressed(cand, cand)          # within[q, p]: selecting p drops q
        for p in range(len(cand)):
            if dropped[p]:
                continue
            chosen.append(int(cand[p]))
            if len(chosen) >= max_output_size:
                break
            dropped |= within[:, p]
    return chosen, [float(sc[i]) for i in chosen]


def _nms(boxes, scores, max_output_size, iou_threshold, score_threshold, soft_nms_sigma=0.0):
    """TF.js's nonMaxSuppressionImpl_: returns (selected indices, their scores) as Python lists."""
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    if soft_nms_sigma <= 0 and np.isfinite(b).all():
        sc = np.asarray(scores, dtype=np.float64).reshape(-1)
        idx = np.flatnonzero(sc > score_threshold)
        # descending (score, -index), except that +Infinity scores go by descending index (see below)
        key = np.where(np.isfinite(sc[idx]), -idx, idx)
        order = idx[np.lexsort((key, sc[idx]))[::-1]]
        return _hard_nms(b, sc, order, max_output_size, iou_threshold)
    bx = [tuple(float(v) for v in row) for row in b]
    sc = [float(s) for s in np.asarray(scores).reshape(-1)]
    # Candidates sorted ascending by (score, -index): pop() gives the highest score, lowest index first.
    # (JavaScript's comparator sees +Infinity scores as equal, so its stable sort keeps them in index order.)
    cands = sorted(((s, -i if math.isfinite(s) else i, i, 0) for i, s in enumerate(sc) if s > score_threshold),
                   key=lambda c: c[:2])
    keys = [c[:2] for c in cands]
    scale = -0.5 / soft_nms_sigma if soft_nms_sigma > 0 else 0.0
    sel: list[int] = []
    sel_scores: list[float] = []
    while len(sel) < max_output_size and cands:
        score, _, i, begin = cands.pop()
        keys.pop()
        original = score
        if original < score_threshold:
            break
        ignore = False
        for j in range(len(sel) - 1, begin - 1, -1):
            iou = _iou(bx, i, sel[j])
            if iou >= iou_threshold:
                ignore = True
                break
            score *= math.exp(scale * iou * iou) if iou <= iou_threshold else 0.0
            if score <= score_threshold:
                break
        if ignore:
            continue
        if score == original:
            sel.append(i)
            sel_scores.append(score)
        elif score > score_threshold:
            pos = bisect.bisect_left(keys, (score, -i))
            keys.insert(pos, (score, -i))
            cands.insert(pos, (score, -i, i, len(sel)))
    return sel, sel_scores


@kernel("NonMaxSuppressionV3")
def non_max_suppression_v3(boxes, scores, *, max_output_size, iou_threshold, score_threshold):
    sel, _ = _nms(boxes, scores, max_output_size, iou_threshold, score_threshold)
    return np.array(sel, dtype=np.int32)


@kernel("NonMaxSuppressionV4")
def non_max_suppression_v4(boxes, scores, *, max_output_size, iou_threshold, score_threshold,
                           pad_to_max_output_size=False):
    sel, _ = _nms(boxes, scores, max_output_size, iou_threshold, score_threshold)
    valid = len(sel)
    if pad_to_max_output_size and max_output_size > valid:
        sel = sel + [0] * (max_output_size - valid)
    return np.array(sel, dtype=np.int32), np.array(valid, dtype=np.int32)


@kernel("NonMaxSuppressionV5")
def non_max_suppression_v5(boxes, scores, *, max_output_size, iou_threshold, score_threshold,
                           soft_nms_sigma=0.0):
    sel, sel_scores = _nms(boxes, scores, max_output_size, iou_threshold, score_threshold, soft_nms_sigma)
    return np.array(sel, dtype=np.int32), np.array(sel_scores, dtype=to_numpy("float32"))
