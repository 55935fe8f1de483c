"""Shape arithmetic shared by convolutions and pooling (TF.js's conv_util), for any number of spatial dims.

Layouts are channels-last: input [batch, *spatial, channels]; a convolution filter is
[*spatial, in_channels, out_channels] (HWIO / DHWIO); a depthwise filter is [*spatial, in_channels,
multiplier] (HWCM). Padding is 'same', 'valid', a number (the same amount on every side), or explicit
pairs: [[before, after], ...] per spatial dim, or the full-rank form with [0, 0] on batch and channels
([[0, 0], [top, bottom], [left, right], [0, 0]] for NHWC).

'same' pads max(0, (out - 1) * stride + effective_filter - in) in total per dim, the smaller half before
(top/left) and the extra one after (bottom/right), as TF does. Explicit and numeric padding compute the
output size with `dim_rounding_mode` ('floor', 'round', 'ceil'; None truncates, as TF.js does).

    info = conv_info("conv2d", x.shape, filter.shape, strides, pad, dilations)
    info = pool_info("max_pool", x.shape, filter_size, strides, pad, dim_rounding_mode="ceil")
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Sequence

from ..errors import InvalidArgumentError, ShapeError

__all__: list[str] = []  # internal helpers, not ops

Ints = tuple[int, ...]


@dataclass(frozen=True)
class ConvInfo:
    """Everything a conv/pool kernel needs; all spatial fields are tuples with one entry per spatial dim."""
    batch: int
    in_spatial: Ints
    in_channels: int
    filter_spatial: Ints
    effective_filter: Ints  # (f - 1) * dilation + 1
    strides: Ints
    dilations: Ints
    pad_before: Ints
    pad_after: Ints
    pad_type: str  # 'SAME', 'VALID', 'EXPLICIT' or 'NUMBER' (TF.js's PadInfo.type)
    out_spatial: Ints
    out_channels: int
    channel_multiplier: int  # depthwise only (1 otherwise)
    in_shape: Ints
    filter_shape: Ints
    out_shape: Ints

    @property
    def ndim(self) -> int:
        return len(self.in_spatial)

    @property
    def pads(self) -> tuple[tuple[int, int], ...]:
        """((before, after), ...) per spatial dim."""
        return tuple(zip(self.pad_before, self.pad_after))

    @property
    def has_padding(self) -> bool:
        return any(self.pad_before) or any(self.pad_after)


def parse_tuple(value: Any, n: int, op: str, arg: str) -> Ints:
    """An int or a sequence of n ints -> a tuple of n ints (a 2D op also takes TF.js's [h, w] form)."""
    if isinstance(value, bool):
        raise InvalidArgumentError(f"{op}: {arg} must be an integer or a list of {n} integers, got {value!r}")
    if isinstance(value, (int,)) or (hasattr(value, "__index__") and not isinstance(value, (list, tuple))):
        try:
            v = int(value)
        except (TypeError, ValueError):
            raise InvalidArgumentError(f"{op}: {arg} must be an integer or a list of {n} integers, "
                                       f"got {value!r}") from None
        return (v,) * n
    try:
        items = [int(v) for v in value]
        if any(isinstance(v, bool) or int(v) != v for v in value):
            raise ValueError
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"{op}: {arg} must be an integer or a list of {n} integers, "
                                   f"got {value!r}") from None
    if len(items) == 1:
        return (items[0],) * n
    if len(items) != n:
        raise InvalidArgumentError(f"{op}: {arg} must be an integer or a list of {n} integers, got {list(items)}")
    return tuple(items)


def check_pad_on_dim_rounding_mode(op: str, pad: Any, dim_rounding_mode: str | None) -> None:
    """TF.js's checkPadOnDimRoundingMode: a rounding mode needs a numeric or explicit (integer) pad."""
    if dim_rounding_mode is None:
        return
    if dim_rounding_mode not in ("floor", "round", "ceil"):
        raise InvalidArgumentError(f"{op}: dim_rounding_mode must be 'floor', 'round' or 'ceil', "
                                   f"got {dim_rounding_mode!r}")
    if isinstance(pad, str):
        raise InvalidArgumentError(f"{op}: pad must be an integer when using dim_rounding_mode "
                                   f"{dim_rounding_mode} but got pad {pad!r}")
    flat = [pad] if isinstance(pad, (int, float)) else [v for p in pad for v in p]
    for v in flat:
        if isinstance(v, float) and not float(v).is_integer():
            raise InvalidArgumentError(f"{op}: pad must be an integer when using dim_rounding_mode "
                                       f"{dim_rounding_mode} but got pad {v}")


def _round(value: float, mode: str | None) -> int:
    if mode is None:
        return math.trunc(value)
    if mode == "floor":
        return math.floor(value)
    if mode == "ceil":
        return math.ceil(value)
    if mode == "round":
        return math.floor(value + 0.5)  # JS Math.round: halves go up
    raise InvalidArgumentError(f"unknown dim_rounding_mode {mode!r}")


def effective_filter_size(f: int, dilation: int) -> int:
    return f if dilation <= 1 else f + (f - 1) * (dilation - 1)


def _explicit_pairs(pad: Any, nd: int, op: str, channels_last: bool) -> tuple[Ints, Ints]:
    try:
        pairs = [tuple(int(v) for v in p) for p in pad]
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"{op}: explicit pad must be a list of [before, after] integer pairs, "
                                   f"got {pad!r}") from None
    if any(len(p) != 2 for p in pairs):
        raise InvalidArgumentError(f"{op}: explicit pad must be a list of [before, after] pairs, got {pad!r}")
    if len(pairs) == nd + 2:
        outer = (pairs[0], pairs[-1]) if channels_last else (pairs[0], pairs[1])
        if any(p != (0, 0) for p in outer):
            raise InvalidArgumentError(f"{op}: explicit pad must be [0, 0] on the batch and channel dims, "
                                       f"got {[list(p) for p in pairs]}")
        pairs = pairs[1:-1] if channels_last else pairs[2:]
    elif len(pairs) != nd:
        raise InvalidArgumentError(f"{op}: explicit pad must have {nd} [before, after] pairs (or {nd + 2} with "
                                   f"[0, 0] for batch and channels), got {len(pairs)}")
    if any(v < 0 for p in pairs for v in p):
        raise InvalidArgumentError(f"{op}: explicit pad values must be non-negative, got {[list(p) for p in pairs]}")
    return tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)


def pad_and_out(op: str, in_spatial: Ints, eff: Ints, strides: Ints, pad: Any,
                dim_rounding_mode: str | None = None, channels_last: bool = True
                ) -> tuple[Ints, Ints, Ints, str]:
    """(pad_before, pad_after, out_spatial, pad_type) for TF.js's padding rules."""
    nd = len(in_spatial)
    if isinstance(pad, str):
        mode = pad.lower()
        if mode == "same":
            out = tuple(-(-i // s) for i, s in zip(in_spatial, strides))
            total = [max(0, (o - 1) * s + e - i) for o, s, e, i in zip(out, strides, eff, in_spatial)]
            before = tuple(t // 2 for t in total)
            after = tuple(t - b for t, b in zip(total, before))
            return before, after, out, "SAME"
        if mode == "valid":
            out = tuple(-(-(i - e + 1) // s) for i, e, s in zip(in_spatial, eff, strides))
            _check_out(op, out, in_spatial, eff)
            return (0,) * nd, (0,) * nd, out, "VALID"
        raise InvalidArgumentError(f"{op}: unknown padding {pad!r}; expected 'same', 'valid', a number or "
                                   f"explicit [[before, after], ...] pairs")
    if isinstance(pad, bool):
        raise InvalidArgumentError(f"{op}: unknown padding {pad!r}")
    if isinstance(pad, (int, float)):
        if pad < 0:
            raise InvalidArgumentError(f"{op}: pad must be non-negative, got {pad}")
        p = int(pad)
        before = after = (p,) * nd
        ptype = "VALID" if p == 0 else "NUMBER"
    elif isinstance(pad, (list, tuple)):
        before, after = _explicit_pairs(pad, nd, op, channels_last)
        ptype = "VALID" if not any(before) and not any(after) else "EXPLICIT"
    else:
        raise InvalidArgumentError(f"{op}: unknown padding {pad!r}; expected 'same', 'valid', a number or "
                                   f"explicit [[before, after], ...] pairs")
    out = tuple(_round((i - e + b + a) / s + 1, dim_rounding_mode)
                for i, e, b, a, s in zip(in_spatial, eff, before, after, strides))
    _check_out(op, out, in_spatial, eff)
    return before, after, out, ptype


def _check_out(op: str, out: Ints, in_spatial: Ints, eff: Ints) -> None:
    if any(o < 0 for o in out):
        raise ShapeError(f"{op}: the (dilated) filter {list(eff)} is larger than the padded input "
                         f"{list(in_spatial)}; the output size {list(out)} would be negative")


def _check_strides_dilations(op: str, strides: Ints, dilations: Ints, both_allowed: bool) -> None:
    if any(s <= 0 for s in strides):
        raise InvalidArgumentError(f"{op}: strides must be positive, got {list(strides)}")
    if any(d <= 0 for d in dilations):
        raise InvalidArgumentError(f"{op}: dilations must be positive, got {list(dilations)}")
    if not both_allowed and any(s != 1 for s in strides) and any(d != 1 for d in dilations):
        raise InvalidArgumentError(f"{op}: either strides or dilations must be 1; got strides {list(strides)} "
                                   f"and dilations {list(dilations)}")


def _key(v: Any) -> Any:
    """v as a hashable cache key part (lists become tuples)."""
    return tuple(_key(i) for i in v) if isinstance(v, (list, tuple)) else v


def conv_info(op: str, in_shape: Sequence[int], filter_shape: Sequence[int], strides: Any, pad: Any,
              dilations: Any = 1, dim_rounding_mode: str | None = None, depthwise: bool = False,
              check_channels: bool = True, allow_strides_and_dilations: bool = False) -> ConvInfo:
    """The ConvInfo of a channels-last convolution: in_shape [N, *spatial, C], filter_shape
    [*spatial, C, out] (depthwise: [*spatial, C, multiplier]). Raises ShapeError/InvalidArgumentError
    naming `op` for channel mismatches, bad strides/dilations/padding. Memoized (graph models compute the
    same few geometries on every run); only valid geometries are remembered."""
    args = (op, in_shape, filter_shape, strides, pad, dilations, dim_rounding_mode, depthwise, check_channels,
            allow_strides_and_dilations)
    try:
        return _conv_info_cached(*map(_key, args))
    except TypeError:  # an unhashable argument: computed, not remembered
        return _conv_info(*args)


@functools.lru_cache(maxsize=1024)
def _conv_info_cached(*args: Any) -> ConvInfo:
    return _conv_info(*args)


def _conv_info(op: str, in_shape: Sequence[int], filter_shape: Sequence[int], strides: Any, pad: Any,
               dilations: Any, dim_rounding_mode: str | None, depthwise: bool, check_channels: bool,
               allow_strides_and_dilations: bool) -> ConvInfo:
    in_shape = tuple(int(d) for d in in_shape)
    filter_shape = tuple(int(d) for d in filter_shape)
    nd = len(in_shape) - 2
    if nd < 1:
        raise ShapeError(f"{op}: input must have a batch, spatial and channel dims, got shape {list(in_shape)}")
    if len(filter_shape) != nd + 2:
        raise ShapeError(f"{op}: filter must be of rank {nd + 2}, got rank {len(filter_shape)} "
                         f"(shape {list(filter_shape)})")
    strides_t = parse_tuple(strides, nd, op, "strides")
    dil_t = parse_tuple(dilations if dilations is not None else 1, nd, op, "dilations")
    _check_strides_dilations(op, strides_t, dil_t, allow_strides_and_dilations)
    check_pad_on_dim_rounding_mode(op, pad, dim_rounding_mode)
    batch, in_spatial, in_c = in_shape[0], in_shape[1:-1], in_shape[-1]
    fsp, f_in, f_out = filter_shape[:nd], filter_shape[nd], filter_shape[nd + 1]
    if check_channels and in_c != f_in:
        what = "number of input channels" if depthwise else "depth of input"
        raise ShapeError(f"{op}: {what} ({in_c}) must match the input depth of the filter ({f_in}); "
                         f"input shape {list(in_shape)}, filter shape {list(filter_shape)}")
    if any(f <= 0 for f in fsp):
        raise ShapeError(f"{op}: filter spatial sizes must be positive, got {list(fsp)}")
    eff = tuple(effective_filter_size(f, d) for f, d in zip(fsp, dil_t))
    before, after, out, ptype = pad_and_out(op, in_spatial, eff, strides_t, pad, dim_rounding_mode)
    out_c = f_out * in_c if depthwise else f_out
    return ConvInfo(batch=batch, in_spatial=in_spatial, in_channels=in_c, filter_spatial=fsp,
                    effective_filter=eff, strides=strides_t, dilations=dil_t, pad_before=before,
                    pad_after=after, pad_type=ptype, out_spatial=out, out_channels=out_c,
                    channel_multiplier=f_out if depthwise else 1, in_shape=in_shape,
                    filter_shape=filter_shape, out_shape=(batch, *out, out_c))


def pool_info(op: str, in_shape: Sequence[int], filter_size: Any, strides: Any, pad: Any,
              dilations: Any = 1, dim_rounding_mode: str | None = None,
              allow_strides_and_dilations: bool = False) -> ConvInfo:
    """The ConvInfo of a channels-last pooling window (channels unchanged; filter_shape is
    [*window, C, C] as in TF.js's computePool2DInfo)."""
    in_shape = tuple(int(d) for d in in_shape)
    nd = len(in_shape) - 2
    if nd < 1:
        raise ShapeError(f"{op}: input must have a batch, spatial and channel dims, got shape {list(in_shape)}")
    window = parse_tuple(filter_size, nd, op, "filter_size")
    if any(w <= 0 for w in window):
        raise InvalidArgumentError(f"{op}: filter_size must be positive, got {list(window)}")
    c = in_shape[-1]
    return conv_info(op, in_shape, (*window, c, c), strides, pad, dilations, dim_rounding_mode,
                     allow_strides_and_dilations=allow_strides_and_dilations)
