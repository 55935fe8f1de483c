"""Preprocessing layers: Rescaling, Resizing, CenterCrop and CategoryEncoding (Keras 3's semantics).

Images are channels-last by default (`data_format="channels_first"` is accepted), rank 4 (a batch) or
rank 3 (one image). Resizing uses half-pixel centers, as Keras 3 does on every backend.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..core.engine import ENGINE
from ..errors import InvalidArgumentError, ShapeError
from .base import Layer
from .serialization import builtin

__all__ = ["Rescaling", "Resizing", "CenterCrop", "CategoryEncoding"]

_INT32_MIN, _INT32_MAX = -(2 ** 31), 2 ** 31 - 1


def _data_format(value: Any, who: str) -> str:
    value = "channels_last" if value is None else str(value).lower()
    if value not in ("channels_last", "channels_first"):
        raise InvalidArgumentError(f"{who}: data_format must be 'channels_last' or 'channels_first', got {value!r}")
    return value


def _positive_int(value: Any, name: str, who: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise InvalidArgumentError(f"{who}: {name} must be a positive integer, got {value!r}")
    return int(value)


def _to_nhwc(images: Any, data_format: str, who: str) -> tuple[Any, bool]:
    """Rank-4 channels-last images, and whether a batch axis was added."""
    if images.rank not in (3, 4):
        raise ShapeError(f"{who}: expected images of rank 3 (height, width, channels) or rank 4 (batch, height, "
                         f"width, channels), got shape {list(images.shape)}")
    single = images.rank == 3
    if single:
        images = ops.expand_dims(images, 0)
    if data_format == "channels_first":
        images = ops.transpose(images, [0, 2, 3, 1])
    return images, single


def _from_nhwc(images: Any, data_format: str, single: bool) -> Any:
    if data_format == "channels_first":
        images = ops.transpose(images, [0, 3, 1, 2])
    return ops.squeeze(images, [0]) if single else images


def _crop_box(height: int, width: int, target_height: int, target_width: int) -> tuple[int, int, int, int]:
    """The centered box of the target's aspect ratio inside a height x width image (Keras' smart crop)."""
    crop_h = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_w = max(min(width, int(float(height * target_width) / target_height)), 1)
    return int(float(height - crop_h) / 2), int(float(width - crop_w) / 2), crop_h, crop_w


def _resize_nhwc(images: Any, height: int, width: int, interpolation: str) -> Any:
    if images.shape[1] == height and images.shape[2] == width:
        return images
    if interpolation == "nearest":
        return ops.image.resize_nearest_neighbor(images, [height, width], half_pixel_centers=True)
    return ops.image.resize_bilinear(images, [height, width], half_pixel_centers=True)


def _image_shape_out(layer: Any, input_shape: Any) -> tuple:
    shape = list(input_shape)
    if len(shape) not in (3, 4):
        raise ShapeError(f"{type(layer).__name__} {layer.name!r}: expected an input shape of rank 3 or 4, got "
                         f"{shape}")
    h_axis = len(shape) - (2 if layer.data_format == "channels_first" else 3)
    shape[h_axis], shape[h_axis + 1] = layer.height, layer.width
    return tuple(shape)


@builtin("keras.layers")
class Rescaling(Layer):
    """`inputs * scale + offset` (in float32); scale and offset may be numbers or per-channel lists."""

    supports_masking = True

    def __init__(self, scale: Any, offset: Any = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scale = _plain(scale, "scale")
        self.offset = _plain(offset, "offset")

    def call(self, inputs: Any) -> Any:
        x = inputs if inputs.dtype == "float32" else ops.cast(inputs, "float32")
        scale = ENGINE.to_tensor(np.asarray(self.scale, dtype=np.float32))
        offset = ENGINE.to_tensor(np.asarray(self.offset, dtype=np.float32))
        return ops.add(ops.mul(x, scale), offset)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"scale": self.scale, "offset": self.offset})
        return config


def _plain(value: Any, name: str) -> Any:
    """A number or a nested list of numbers (what Keras' config holds)."""
    if isinstance(value, dict):  # a serialized tensor/array in a Keras config
        value = value.get("config", {}).get("value", value)
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, np.generic):
        value = value.item()
    try:
        np.asarray(value, dtype=np.float32)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"Rescaling: {name} must be a number or a list of numbers, got {value!r}") \
            from None
    return value


@builtin("keras.layers")
class Resizing(Layer):
    """Resizes images to (height, width): bilinear or nearest with half-pixel centers, optionally cropping
    to (`crop_to_aspect_ratio`) or padding to (`pad_to_aspect_ratio`, with `fill_value`) the target's
    aspect ratio first. Integer images come back rounded, as int32."""

    def __init__(self, height: int, width: int, interpolation: str = "bilinear", crop_to_aspect_ratio: bool = False,
                 pad_to_aspect_ratio: bool = False, fill_mode: str = "constant", fill_value: float = 0.0,
                 antialias: bool = False, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.height = _positive_int(height, "height", "Resizing")
        self.width = _positive_int(width, "width", "Resizing")
        if interpolation not in ("bilinear", "nearest"):
            raise InvalidArgumentError(f"Resizing: interpolation must be 'bilinear' or 'nearest', got "
                                       f"{interpolation!r}")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise InvalidArgumentError("Resizing: only one of crop_to_aspect_ratio and pad_to_aspect_ratio can be "
                                       "True")
        if fill_mode != "constant":
            raise InvalidArgumentError(f"Resizing: fill_mode must be 'constant', got {fill_mode!r}")
        if antialias:
            raise InvalidArgumentError("Resizing: antialias=True is not supported")
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode = fill_mode
        self.fill_value = float(fill_value)
        self.antialias = False
        self.data_format = _data_format(data_format, "Resizing")

    def call(self, inputs: Any) -> Any:
        who = f"Resizing {self.name!r}"
        in_dtype = inputs.dtype
        x = inputs if in_dtype == "float32" else ops.cast(inputs, "float32")
        x, single = _to_nhwc(x, self.data_format, who)
        _, h, w, _ = x.shape
        if self.crop_to_aspect_ratio:
            top, left, ch, cw = _crop_box(h, w, self.height, self.width)
            x = ops.slice(x, [0, top, left, 0], [-1, ch, cw, -1])
        elif self.pad_to_aspect_ratio:
            pad_h = max(h, int(float(w * self.height) / self.width))
            pad_w = max(w, int(float(h * self.width) / self.height))
            top, left = int(float(pad_h - h) / 2), int(float(pad_w - w) / 2)
            if top > 0 or left > 0:  # Keras pads the same amount on both sides
                x = ops.pad(x, [[0, 0], [top, top], [left, left], [0, 0]], self.fill_value)
        x = _resize_nhwc(x, self.height, self.width, self.interpolation)
        x = _from_nhwc(x, self.data_format, single)
        if in_dtype != "float32":
            x = ops.cast(ops.clip_by_value(ops.round(x), _INT32_MIN, _INT32_MAX), in_dtype)
        return x

    def compute_output_shape(self, input_shape: Any) -> Any:
        return _image_shape_out(self, input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "data_format": self.data_format, "height": self.height, "width": self.width,
            "interpolation": self.interpolation, "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
            "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
            "fill_value": self.fill_value, "antialias": self.antialias,
        })
        return config


@builtin("keras.layers")
class CenterCrop(Layer):
    """Crops the central (height, width) window of images; when an image is smaller than the target in
    either dimension, crops the largest centered window of the target's aspect ratio and resizes it
    (bilinear), as Keras 3 does. The output is float32."""

    def __init__(self, height: int, width: int, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.height = _positive_int(height, "height", "CenterCrop")
        self.width = _positive_int(width, "width", "CenterCrop")
        self.data_format = _data_format(data_format, "CenterCrop")

    def call(self, inputs: Any) -> Any:
        who = f"CenterCrop {self.name!r}"
        x = inputs if inputs.dtype == "float32" else ops.cast(inputs, "float32")
        x, single = _to_nhwc(x, self.data_format, who)
        _, h, w, _ = x.shape
        dh, dw = h - self.height, w - self.width
        if dh >= 0 and dw >= 0:
            x = ops.slice(x, [0, dh // 2, dw // 2, 0], [-1, self.height, self.width, -1])
        else:
            top, left, ch, cw = _crop_box(h, w, self.height, self.width)
            x = ops.slice(x, [0, top, left, 0], [-1, ch, cw, -1])
            x = _resize_nhwc(x, self.height, self.width, "bilinear")
        return _from_nhwc(x, self.data_format, single)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return _image_shape_out(self, input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"data_format": self.data_format, "height": self.height, "width": self.width})
        return config


@builtin("keras.layers")
class CategoryEncoding(Layer):
    """Encodes integer category ids in [0, num_tokens) as float32 vectors of length num_tokens:
    'multi_hot' (1 where an id occurs in the sample), 'count' (how often; `count_weights` weighs each
    occurrence) or 'one_hot' (one vector per id; a trailing axis of size 1 is dropped first).
    A rank-1 input is one sample for 'multi_hot' and 'count'."""

    def __init__(self, num_tokens: int | None = None, output_mode: str = "multi_hot", sparse: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in ("multi_hot", "count", "one_hot"):
            raise InvalidArgumentError(f"CategoryEncoding: output_mode must be 'multi_hot', 'count' or 'one_hot', "
                                       f"got {output_mode!r}")
        if num_tokens is None:
            raise InvalidArgumentError("CategoryEncoding: num_tokens must be set (use IntegerLookup when the "
                                       "number of tokens is not known beforehand)")
        self.num_tokens = _positive_int(num_tokens, "num_tokens", "CategoryEncoding")
        if sparse:
            raise InvalidArgumentError("CategoryEncoding: sparse=True is not supported")
        self.output_mode = output_mode
        self.sparse = False

    def call(self, inputs: Any, count_weights: Any = None) -> Any:
        who = f"CategoryEncoding {self.name!r}"
        if count_weights is not None and self.output_mode != "count":
            raise InvalidArgumentError(f"{who}: count_weights is only used when output_mode is 'count', got "
                                       f"output_mode {self.output_mode!r}")
        values = inputs.numpy()
        if values.dtype.kind == "f" and not np.all(np.isfinite(values) & (values == np.round(values))):
            raise InvalidArgumentError(f"{who}: expected integer category ids, got non-integer values")
        if values.size and (values.min() < 0 or values.max() >= self.num_tokens):
            raise InvalidArgumentError(f"{who}: category ids must be in [0, {self.num_tokens}), got values in "
                                       f"[{values.min()}, {values.max()}]")
        ids = inputs if inputs.dtype == "int32" else ops.cast(inputs, "int32")
        if ids.rank == 0:
            ids = ops.reshape(ids, [1])
        if self.output_mode == "one_hot":
            if ids.rank > 1 and ids.shape[-1] == 1:
                ids = ops.squeeze(ids, [ids.rank - 1])
            return ops.one_hot(ids, self.num_tokens, dtype="float32")
        encoded = ops.one_hot(ids, self.num_tokens, dtype="float32")  # (..., k, num_tokens)
        if count_weights is not None:
            cw = count_weights if hasattr(count_weights, "rank") else ENGINE.to_tensor(
                np.asarray(count_weights, dtype=np.float32))
            if tuple(cw.shape) != tuple(ids.shape):
                raise ShapeError(f"{who}: count_weights must have the shape of the inputs {list(ids.shape)}, got "
                                 f"{list(cw.shape)}")
            encoded = ops.mul(encoded, ops.expand_dims(ops.cast(cw, "float32"), -1))
        axis = encoded.rank - 2
        if self.output_mode == "multi_hot":
            return ops.max(encoded, axis)
        return ops.sum(encoded, axis)

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = tuple(input_shape)
        if not shape:
            return (self.num_tokens,)
        if self.output_mode == "one_hot" and (shape[-1] != 1 or len(shape) == 1):
            return (*shape, self.num_tokens)
        return (*shape[:-1], self.num_tokens)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode})
        return config
