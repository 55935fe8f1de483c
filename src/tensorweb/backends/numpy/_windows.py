"""Window helpers shared by the convolution and pooling kernels (channels-last, any number of spatial dims).

    xp = pad_spatial(x, info.pad_before, info.pad_after)              # [N, *padded, C], no copy if no pad
    w = windows(xp, info.filter_spatial, info.strides, info.dilations, info.out_spatial)
    # w: read-only strided view [N, *out, *filter, C]; w[n, o..., k..., c] = xp[n, o*s + k*d ..., c]
    for k, sl in taps(...):  # one strided slice per filter tap: xp[(slice(None), *sl)] is [N, *out, C]
    m = merged_windows(xp, ...)          # last stride 1: [N, *out[:-1], *filter, out[-1] * C], rows merged
    for index, slab in window_regions(x, info):   # no padded copy: the interior read from x in place,
        w = windows(slab, ..., box)                # thin border boxes padded; out[index] from slab's windows

`info` is tensorweb.ops.conv_util.ConvInfo; `conv_info_cached` memoizes it for kernels.
"""
from __future__ import annotations

import functools
import itertools
from typing import TYPE_CHECKING, Any, Iterator, Sequence

import numpy as np
from numpy.lib.stride_tricks import as_strided

if TYPE_CHECKING:
    from ...ops.conv_util import ConvInfo

Ints = tuple[int, ...]


def _hashable(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return tuple(_hashable(i) for i in v)
    return v


@functools.lru_cache(maxsize=512)
def _conv_info(op, in_shape, filter_shape, strides, pad, dilations, dim_rounding_mode, depthwise):
    from ...ops import conv_util  # lazily: the backend loads before the ops package
    return conv_util.conv_info(op, in_shape, filter_shape, strides, pad, dilations, dim_rounding_mode,
                               depthwise=depthwise, check_channels=True,
                               allow_strides_and_dilations=True)


def conv_info_cached(op: str, in_shape: Sequence[int], filter_shape: Sequence[int], strides: Any, pad: Any,
                     dilations: Any = 1, dim_rounding_mode: str | None = None,
                     depthwise: bool = False) -> "ConvInfo":
    """conv_util.conv_info, memoized (kernels recompute it from shapes and attrs on every call)."""
    try:  # the attrs ops pass are tuples already: look them up as they are
        return _conv_info(op, in_shape, filter_shape, strides, pad, dilations, dim_rounding_mode, depthwise)
    except TypeError:
        return _conv_info(op, tuple(in_shape), tuple(filter_shape), _hashable(strides), _hashable(pad),
                          _hashable(dilations), dim_rounding_mode, depthwise)


@functools.lru_cache(maxsize=512)
def _pool_info(op, in_shape, filter_size, strides, pad, dilations, dim_rounding_mode):
    from ...ops import conv_util
    return conv_util.pool_info(op, in_shape, filter_size, strides, pad, dilations, dim_rounding_mode,
                               allow_strides_and_dilations=True)


def pool_info_cached(op: str, in_shape: Sequence[int], filter_size: Any, strides: Any, pad: Any,
                     dilations: Any = 1, dim_rounding_mode: str | None = None) -> "ConvInfo":
    """conv_util.pool_info, memoized."""
    return _pool_info(op, tuple(in_shape), _hashable(filter_size), _hashable(strides), _hashable(pad),
                      _hashable(dilations), dim_rounding_mode)


def pad_spatial(x: np.ndarray, before: Sequence[int], after: Sequence[int], value: Any = 0) -> np.ndarray:
    """x [N, *spatial, C] padded with `value` on the spatial dims; x itself (no copy) when there is no pad."""
    if not any(before) and not any(after):
        return x
    shape = (x.shape[0], *(d + b + a for d, b, a in zip(x.shape[1:-1], before, after)), x.shape[-1])
    out = np.full(shape, value, dtype=x.dtype) if value != 0 else np.zeros(shape, dtype=x.dtype)
    out[interior(before, x.shape[1:-1])] = x
    return out


def interior(before: Sequence[int], sizes: Sequence[int]) -> tuple[slice, ...]:
    """The index of the unpadded region inside a padded [N, *spatial, C] array."""
    return (slice(None), *(slice(b, b + s) for b, s in zip(before, sizes)), slice(None))


def windows(xp: np.ndarray, filter_spatial: Sequence[int], strides: Sequence[int], dilations: Sequence[int],
            out_spatial: Sequence[int]) -> np.ndarray:
    """A read-only strided view [N, *out, *filter, C] of the padded input xp [N, *padded, C]."""
    nd = len(filter_spatial)
    st = xp.strides
    shape = (xp.shape[0], *out_spatial, *filter_spatial, xp.shape[-1])
    strides_b = (st[0], *(st[1 + i] * strides[i] for i in range(nd)),
                 *(st[1 + i] * dilations[i] for i in range(nd)), st[-1])
    return strided_view(xp, shape, strides_b)


def strided_view(a: np.ndarray, shape: Sequence[int], strides: Sequence[int]) -> np.ndarray:
    """A read-only view of a's memory with the given shape and byte strides (as_strided, with a cheaper
    constructor when a is contiguous: kernels on small inputs make several per call)."""
    if a.flags.c_contiguous:
        v = np.ndarray(shape, a.dtype, buffer=a, strides=strides)
        v.flags.writeable = False
        return v
    return as_strided(a, shape=shape, strides=strides, writeable=False)


def merged_windows(xp: np.ndarray, filter_spatial: Sequence[int], strides: Sequence[int],
                   dilations: Sequence[int], out_spatial: Sequence[int]) -> np.ndarray:
    """windows() with the last spatial dim merged into the channels, for a last stride of 1: a read-only
    view [N, *out[:-1], *filter, out[-1] * C] of xp [N, *padded, C] (whose last two dims must be
    contiguous) where the tap's row starts at its column and runs out[-1] * C contiguous values."""
    nd = len(filter_spatial)
    st = xp.strides
    c = xp.shape[-1]
    shape = (xp.shape[0], *out_spatial[:-1], *filter_spatial, out_spatial[-1] * c)
    strides_b = (st[0], *(st[1 + i] * strides[i] for i in range(nd - 1)),
                 *(st[1 + i] * dilations[i] for i in range(nd)), st[-1])
    return strided_view(xp, shape, strides_b)


def tap_slices(filter_spatial: Sequence[int], strides: Sequence[int], dilations: Sequence[int],
               out_spatial: Sequence[int]) -> Iterator[tuple[Ints, tuple[slice, ...]]]:
    """For each filter tap k (row-major), (k, index) where xp[index] is the [N, *out, C] slice it sees."""
    for k in itertools.product(*(range(f) for f in filter_spatial)):
        sl = tuple(slice(ki * d, ki * d + (o - 1) * s + 1, s) if o > 0 else slice(0, 0)
                   for ki, d, s, o in zip(k, dilations, strides, out_spatial))
        yield k, (slice(None), *sl, slice(None))


def _interior_range(o: int, n: int, s: int, e: int, b: int) -> tuple[int, int]:
    """[lo, hi): the outputs along one dim whose whole window (extent e, stride s, pad before b) lies in
    the input of size n; lo >= hi when there are none."""
    lo = min(o, -(-b // s))
    hi = min(o, (n - e + b) // s + 1) if n - e + b >= 0 else 0
    return lo, hi


@functools.lru_cache(maxsize=512)
def _region_plan(info: "ConvInfo", split: bool) -> tuple:
    """window_regions' boxes for a geometry: (output index, input index, padded extent or None, where the
    input goes in the padded slab) per box."""
    nd = info.ndim
    boxes: list[tuple[tuple[int, int], ...]] = []
    fixed: list[tuple[int, int]] = []
    for i in range(nd if split else 0):
        o = info.out_spatial[i]
        lo, hi = _interior_range(o, info.in_spatial[i], info.strides[i], info.effective_filter[i],
                                 info.pad_before[i])
        rest = [(0, q) for q in info.out_spatial[i + 1:]]
        if lo >= hi:  # no output along this dim sees only the input: one padded box for all of it
            boxes.append((*fixed, (0, o), *rest))
            break
        boxes.extend((*fixed, r, *rest) for r in ((0, lo), (hi, o)) if r[0] < r[1])
        fixed.append((lo, hi))
    else:
        boxes.append(tuple(fixed) if split else tuple((0, o) for o in info.out_spatial))
    plan = []
    for box in boxes:
        src, need, place = [], [], []
        for (lo, hi), s, e, b, n in zip(box, info.strides, info.effective_filter, info.pad_before,
                                       info.in_spatial):
            start, stop = lo * s - b, (hi - 1) * s - b + e
            a, z = max(start, 0), min(stop, n)
            src.append(slice(a, max(a, z)))
            need.append(stop - start)
            place.append(slice(a - start, a - start + max(0, z - a)))
        padded = any(sl.stop - sl.start != q for sl, q in zip(src, need))
        plan.append(((slice(None), *(slice(lo, hi) for lo, hi in box), slice(None)),
                     (slice(None), *src, slice(None)), tuple(need) if padded else None,
                     (slice(None), *place, slice(None))))
    return tuple(plan)


def window_regions(x: np.ndarray, info: Any, value: Any = 0, split: bool = True
                   ) -> Iterator[tuple[tuple[slice, ...], np.ndarray]]:
    """Splits a windowed op's output into at most 2 * ndim + 1 boxes and yields (index, slab) per box:
    out[index] ([N, *box, C]) is computed from the windows of slab exactly as the whole output is from
    the padded input. The interior box's slab is a view of x (no copy); the thin border boxes get small
    copies padded with `value`. This replaces one padded copy of the whole input. split=False: one box,
    the whole output, from the padded input (fewer calls, for small inputs)."""
    for idx, src, need, place in _region_plan(info, split):
        slab = x[src]
        if need is not None:
            shape = (x.shape[0], *need, x.shape[-1])
            padded = np.zeros(shape, dtype=x.dtype) if value == 0 else np.full(shape, value, dtype=x.dtype)
            padded[place] = slab
            slab = padded
        yield idx, slab


def strided_input(x: np.ndarray, strides: Sequence[int], out_spatial: Sequence[int]) -> np.ndarray:
    """x[:, ::s0, ::s1, ..., :] cut to out_spatial (the input a 1x1 unpadded conv sees)."""
    return x[(slice(None), *(slice(0, (o - 1) * s + 1, s) if o > 0 else slice(0, 0)
                             for s, o in zip(strides, out_spatial)), slice(None))]


def full_pads(info: Any) -> tuple[Ints, Ints]:
    """(before, after) padding that covers every window: the 'after' side grows when a rounding mode
    ('ceil', 'round') lets the last window run past the padded input (those positions read the pad value)."""
    after = tuple(max(a, (o - 1) * s + e - i - b) if o > 0 else a
                  for a, o, s, e, i, b in zip(info.pad_after, info.out_spatial, info.strides,
                                              info.effective_filter, info.in_spatial, info.pad_before))
    return info.pad_before, after


def pad_input(x: np.ndarray, info: Any, value: Any = 0) -> np.ndarray:
    """x padded by full_pads(info) with `value` (x itself when no padding is needed)."""
    before, after = full_pads(info)
    return pad_spatial(x, before, after, value)


def padded_shape(info: Any) -> Ints:
    """The shape of pad_input(x, info) for an input of info.in_shape."""
    before, after = full_pads(info)
    return (info.batch, *(i + b + a for i, b, a in zip(info.in_spatial, before, after)), info.in_channels)
