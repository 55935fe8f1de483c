"""Image ops (the tw.image namespace): resize_bilinear, resize_nearest_neighbor, crop_and_resize,
flip_left_right, rotate_with_offset, transform, grayscale_to_rgb, rgb_to_grayscale, non_max_suppression,
non_max_suppression_with_score, non_max_suppression_padded. Images are NHWC (rank 4, or rank 3 for the
resizes). Coordinates, rounding and NMS ordering follow TF.js's cpu backend."""
from __future__ import annotations

import math
import numbers
from typing import Any, NamedTuple, Sequence

from ..core.registry import gradient
from ..core.tensor import Tensor
from ..errors import DtypeError, InvalidArgumentError, ShapeError
from ._base import check_rank, convert, run

__all__ = ["resize_bilinear", "resize_nearest_neighbor", "crop_and_resize", "flip_left_right",
           "rotate_with_offset", "transform", "grayscale_to_rgb", "rgb_to_grayscale", "non_max_suppression",
           "non_max_suppression_with_score", "non_max_suppression_padded"]


class NonMaxSuppressionWithScoreResult(NamedTuple):
    selected_indices: Tensor
    selected_scores: Tensor


class NonMaxSuppressionPaddedResult(NamedTuple):
    selected_indices: Tensor
    valid_outputs: Tensor


def _is_number(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _size_pair(size: Any, op: str, arg: str, minimum: int = 0) -> tuple[int, int]:
    if isinstance(size, Tensor):
        size = size.tolist()
    try:
        items = list(size)
    except TypeError:
        raise InvalidArgumentError(f"{op}: {arg} must be a list of 2 integers, got {size!r}") from None
    if len(items) != 2:
        raise InvalidArgumentError(f"{op}: {arg} must have 2 elements [height, width], got {len(items)} "
                                   f"({items!r})")
    out = []
    for d in items:
        if isinstance(d, bool) or not isinstance(d, numbers.Real) or int(d) != d:
            raise InvalidArgumentError(f"{op}: {arg} must be a list of 2 integers, got {items!r}")
        if d < minimum:
            raise InvalidArgumentError(f"{op}: {arg} must be at least [{minimum}, {minimum}], got {items!r}")
        out.append(int(d))
    return out[0], out[1]


def _not_complex_or_string(t: Tensor, op: str, arg: str) -> None:
    if t.dtype in ("complex64", "string"):
        raise DtypeError(f"{op}: argument '{arg}' must be a real numeric tensor, got a {t.dtype} tensor")


# ---- resize ---------------------------------------------------------------------------------------

def _resize(kernel: str, op: str, images: Any, size: Any, align_corners: bool, half_pixel_centers: bool,
            int_or_float_only: bool) -> Tensor:
    from .transformation import reshape
    t = convert(images, "images", op)
    _not_complex_or_string(t, op, "images")
    if int_or_float_only and t.dtype not in ("float32", "int32"):
        raise DtypeError(f"{op}: images must be an int32 or float32 tensor, got a {t.dtype} tensor")
    check_rank(t, (3, 4), op, "images")
    out_h, out_w = _size_pair(size, op, "size")
    if half_pixel_centers and align_corners:
        raise InvalidArgumentError(f"{op}: if half_pixel_centers is true, align_corners must be false")
    batched = t if t.rank == 4 else reshape(t, (1,) + t.shape)
    if (batched.shape[1] == 0 or batched.shape[2] == 0) and out_h * out_w > 0:
        raise InvalidArgumentError(f"{op}: cannot resize an empty image (shape {list(t.shape)}) to "
                                   f"[{out_h}, {out_w}]")
    res = run(kernel, (batched,), {"size": (out_h, out_w), "align_corners": bool(align_corners),
                                   "half_pixel_centers": bool(half_pixel_centers)})
    return res if t.rank == 4 else reshape(res, res.shape[1:])


def resize_bilinear(images: Any, size: Sequence[int], align_corners: bool = False,
                    half_pixel_centers: bool = False) -> Tensor:
    """Bilinear resize of NHWC images (rank 3 or 4) to size [height, width]; float32 output."""
    return _resize("ResizeBilinear", "resize_bilinear", images, size, align_corners, half_pixel_centers, False)


def resize_nearest_neighbor(images: Any, size: Sequence[int], align_corners: bool = False,
                            half_pixel_centers: bool = False) -> Tensor:
    """Nearest-neighbor resize of NHWC int32/float32 images (rank 3 or 4); keeps the dtype."""
    return _resize("ResizeNearestNeighbor", "resize_nearest_neighbor", images, size, align_corners,
                   half_pixel_centers, True)


@gradient("ResizeBilinear")
def _resize_bilinear_grad(dy, inputs, outputs, attrs):
    return (run("ResizeBilinearGrad", (dy, inputs[0]), attrs),)


@gradient("ResizeBilinearGrad")
def _resize_bilinear_grad_grad(ddx, inputs, outputs, attrs):
    return run("ResizeBilinear", (ddx,), attrs), None


@gradient("ResizeNearestNeighbor")
def _resize_nearest_grad(dy, inputs, outputs, attrs):
    return (run("ResizeNearestNeighborGrad", (dy, inputs[0]), attrs),)


@gradient("ResizeNearestNeighborGrad")
def _resize_nearest_grad_grad(ddx, inputs, outputs, attrs):
    return run("ResizeNearestNeighbor", (ddx,), attrs), None


# ---- crop, flip, rotate, transform ----------------------------------------------------------------

def crop_and_resize(image: Any, boxes: Any, box_ind: Any, crop_size: Sequence[int], method: str = "bilinear",
                    extrapolation_value: float = 0.0) -> Tensor:
    """Crops boxes ([y1, x1, y2, x2], normalized to [0, 1]) out of images box_ind and resizes each to
    crop_size; coordinates outside the image take extrapolation_value. Output [num_boxes, h, w, C] float32."""
    op = "crop_and_resize"
    img = convert(image, "image", op)
    _not_complex_or_string(img, op, "image")
    bx = convert(boxes, "boxes", op, "float32")
    bi = convert(box_ind, "box_ind", op, "int32")
    check_rank(img, 4, op, "image")
    if bx.rank != 2 or bx.shape[1] != 4:
        raise ShapeError(f"{op}: boxes must have shape [num_boxes, 4], got shape {list(bx.shape)}")
    if bi.rank != 1 or bi.shape[0] != bx.shape[0]:
        raise ShapeError(f"{op}: box_ind must have shape [{bx.shape[0]}] (one index per box), got shape "
                         f"{list(bi.shape)}")
    ch, cw = _size_pair(crop_size, op, "crop_size", minimum=1)
    if method not in ("bilinear", "nearest"):
        raise InvalidArgumentError(f"{op}: method must be 'bilinear' or 'nearest', got {method!r}")
    if not _is_number(extrapolation_value):
        raise InvalidArgumentError(f"{op}: extrapolation_value must be a number, got {extrapolation_value!r}")
    return run("CropAndResize", (img, bx, bi), {"crop_size": (ch, cw), "method": method,
                                                 "extrapolation_value": float(extrapolation_value)})


def flip_left_right(image: Any) -> Tensor:
    """Mirrors NHWC float32 images along the width axis."""
    t = convert(image, "image", "flip_left_right", "float32")
    check_rank(t, 4, "flip_left_right", "image")
    return run("FlipLeftRight", (t,))


@gradient("FlipLeftRight")
def _flip_left_right_grad(dy, inputs, outputs, attrs):
    return (run("FlipLeftRight", (dy,)),)


def rotate_with_offset(image: Any, radians: float, fill_value: float | Sequence[float] = 0,
                       center: float | Sequence[float] = 0.5) -> Tensor:
    """Rotates NHWC float32 images by `radians` about `center` (a fraction of the width/height, or
    [cx, cy]); pixels from outside take fill_value (a number, or [r, g, b] with alpha 255)."""
    op = "rotate_with_offset"
    t = convert(image, "image", op, "float32")
    check_rank(t, 4, op, "image")
    if not _is_number(radians):
        raise InvalidArgumentError(f"{op}: radians must be a number, got {radians!r}")
    if _is_number(fill_value):
        fill: Any = float(fill_value)
    else:
        try:
            fill = tuple(float(v) for v in fill_value)
        except (TypeError, ValueError):
            raise InvalidArgumentError(f"{op}: fill_value must be a number or [r, g, b], got "
                                       f"{fill_value!r}") from None
        if len(fill) != 3:
            raise InvalidArgumentError(f"{op}: fill_value must be a number or [r, g, b], got {fill_value!r}")
        if t.shape[3] > 4:
            raise InvalidArgumentError(f"{op}: an [r, g, b] fill_value needs images with at most 4 channels, "
                                       f"got {t.shape[3]}")
    if _is_number(center):
        cen: Any = float(center)
    else:
        try:
            cen = tuple(float(v) for v in center)
        except (TypeError, ValueError):
            raise InvalidArgumentError(f"{op}: center must be a number or [x, y], got {center!r}") from None
        if len(cen) != 2:
            raise InvalidArgumentError(f"{op}: center must be a number or [x, y], got {center!r}")
    return run("RotateWithOffset", (t,), {"radians": float(radians), "fill_value": fill, "center": cen})


def transform(image: Any, transforms: Any, interpolation: str = "nearest", fill_mode: str = "constant",
              fill_value: float = 0, output_shape: Sequence[int] | None = None) -> Tensor:
    """Applies projective transforms [a0, a1, a2, b0, b1, b2, c0, c1] (one per image, or one for all):
    output (x, y) reads input ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1."""
    op = "transform"
    t = convert(image, "image", op, "float32")
    tr = convert(transforms, "transforms", op, "float32")
    check_rank(t, 4, op, "image")
    if tr.rank != 2 or tr.shape[1] != 8 or tr.shape[0] not in (1, t.shape[0]):
        raise ShapeError(f"{op}: transforms must have shape [{t.shape[0]}, 8] or [1, 8], got shape "
                         f"{list(tr.shape)}")
    if interpolation not in ("nearest", "bilinear"):
        raise InvalidArgumentError(f"{op}: interpolation must be 'nearest' or 'bilinear', got {interpolation!r}")
    if fill_mode not in ("constant", "reflect", "wrap", "nearest"):
        raise InvalidArgumentError(f"{op}: fill_mode must be 'constant', 'reflect', 'wrap' or 'nearest', got "
                                   f"{fill_mode!r}")
    if not _is_number(fill_value):
        raise InvalidArgumentError(f"{op}: fill_value must be a number, got {fill_value!r}")
    shape = None if output_shape is None else _size_pair(output_shape, op, "output_shape")
    return run("Transform", (t, tr), {"interpolation": interpolation, "fill_mode": fill_mode,
                                      "fill_value": float(fill_value), "output_shape": shape})


# ---- color ----------------------------------------------------------------------------------------

def grayscale_to_rgb(image: Any) -> Tensor:
    """Repeats the single channel of grayscale images (rank >= 2, last dimension 1) three times."""
    t = convert(image, "image", "grayscale_to_rgb", "any")
    if t.rank < 2:
        raise ShapeError(f"grayscale_to_rgb: image must be of rank 2 or more, got rank {t.rank}")
    if t.shape[-1] != 1:
        raise ShapeError(f"grayscale_to_rgb: the last dimension of a grayscale image must be 1, got "
                         f"{t.shape[-1]} (shape {list(t.shape)})")
    from .slice_join import tile
    return tile(t, [1] * (t.rank - 1) + [3])


_RGB_WEIGHTS = (0.2989, 0.5870, 0.1140)


def rgb_to_grayscale(image: Any) -> Tensor:
    """Luma 0.2989 R + 0.5870 G + 0.1140 B of RGB images (rank >= 2, last dimension 3), keeping the last
    axis (size 1) and the dtype (int32 results truncate)."""
    from .arithmetic import mul
    from .creation import tensor
    from .reduction import sum as _sum
    from .transformation import cast
    t = convert(image, "image", "rgb_to_grayscale")
    _not_complex_or_string(t, "rgb_to_grayscale", "image")
    if t.rank < 2:
        raise ShapeError(f"rgb_to_grayscale: image must be of rank 2 or more, got rank {t.rank}")
    if t.shape[-1] != 3:
        raise ShapeError(f"rgb_to_grayscale: the last dimension of an RGB image must be 3, got "
                         f"{t.shape[-1]} (shape {list(t.shape)})")
    gray = _sum(mul(cast(t, "float32"), tensor(_RGB_WEIGHTS, dtype="float32")), -1, keep_dims=True)
    return cast(gray, t.dtype)


# ---- non-max suppression ----------------------------------------------------------------------------

def _nms_check(boxes: Any, scores: Any, max_output_size: Any, iou_threshold: Any, score_threshold: Any,
               op: str, dtype: str, soft_nms_sigma: Any = 0.0):
    b = convert(boxes, "boxes", op, dtype)
    s = convert(scores, "scores", op, dtype)
    for t, arg in ((b, "boxes"), (s, "scores")):
        if t.dtype not in ("float32", "int32"):
            raise DtypeError(f"{op}: argument '{arg}' must be a float32 or int32 tensor, got a {t.dtype} tensor")
    iou_threshold = 0.5 if iou_threshold is None else iou_threshold
    score_threshold = -math.inf if score_threshold is None else score_threshold
    soft_nms_sigma = 0.0 if soft_nms_sigma is None else soft_nms_sigma
    if b.rank != 2:
        raise ShapeError(f"{op}: boxes must be a 2D tensor [num_boxes, 4], got rank {b.rank} "
                         f"(shape {list(b.shape)})")
    if b.shape[1] != 4:
        raise ShapeError(f"{op}: boxes must have 4 columns, got shape {list(b.shape)}")
    if s.rank != 1:
        raise ShapeError(f"{op}: scores must be a 1D tensor, got rank {s.rank} (shape {list(s.shape)})")
    if s.shape[0] != b.shape[0]:
        raise ShapeError(f"{op}: scores must have one value per box ({b.shape[0]}), got {s.shape[0]}")
    if isinstance(max_output_size, bool) or not _is_number(max_output_size) \
            or int(max_output_size) != max_output_size or max_output_size < 0:
        raise InvalidArgumentError(f"{op}: max_output_size must be a non-negative integer, got "
                                   f"{max_output_size!r}")
    for name, v in (("iou_threshold", iou_threshold), ("soft_nms_sigma", soft_nms_sigma)):
        if not _is_number(v) or not 0 <= v <= 1:
            raise InvalidArgumentError(f"{op}: {name} must be in [0, 1], got {v!r}")
    if not _is_number(score_threshold):
        raise InvalidArgumentError(f"{op}: score_threshold must be a number, got {score_threshold!r}")
    if b.dtype != "float32":
        b = run("Cast", (b,), {"dtype": "float32"})
    if s.dtype != "float32":
        s = run("Cast", (s,), {"dtype": "float32"})
    attrs = {"max_output_size": min(int(max_output_size), b.shape[0]), "iou_threshold": float(iou_threshold),
             "score_threshold": float(score_threshold)}
    return b, s, attrs, float(soft_nms_sigma)


def non_max_suppression(boxes: Any, scores: Any, max_output_size: int, iou_threshold: float = 0.5,
                        score_threshold: float = -math.inf) -> Tensor:
    """Greedy non-max suppression: indices (int32) of at most max_output_size boxes, best score first,
    skipping boxes whose IoU with an already selected box is >= iou_threshold. Boxes are [y1, x1, y2, x2]
    (any two opposite corners)."""
    b, s, attrs, _ = _nms_check(boxes, scores, max_output_size, iou_threshold, score_threshold,
                                "non_max_suppression", "float32")
    return run("NonMaxSuppressionV3", (b, s), attrs)


def non_max_suppression_with_score(boxes: Any, scores: Any, max_output_size: int, iou_threshold: float = 0.5,
                                   score_threshold: float = -math.inf,
                                   soft_nms_sigma: float = 0.0) -> NonMaxSuppressionWithScoreResult:
    """Non-max suppression with Soft-NMS (Bodla et al.) when soft_nms_sigma > 0: overlapping boxes have
    their scores decayed by exp(-iou^2 / (2 sigma)) instead of being dropped. Returns
    (selected_indices int32, selected_scores float32)."""
    b, s, attrs, sigma = _nms_check(boxes, scores, max_output_size, iou_threshold, score_threshold,
                                    "non_max_suppression_with_score", "numeric", soft_nms_sigma)
    idx, sc = run("NonMaxSuppressionV5", (b, s), dict(attrs, soft_nms_sigma=sigma))
    return NonMaxSuppressionWithScoreResult(idx, sc)


def non_max_suppression_padded(boxes: Any, scores: Any, max_output_size: int, iou_threshold: float = 0.5,
                               score_threshold: float = -math.inf,
                               pad_to_max_output_size: bool = False) -> NonMaxSuppressionPaddedResult:
    """Non-max suppression returning (selected_indices, valid_outputs); with pad_to_max_output_size the
    indices are padded with zeros to min(max_output_size, num_boxes)."""
    b, s, attrs, _ = _nms_check(boxes, scores, max_output_size, iou_threshold, score_threshold,
                                "non_max_suppression_padded", "numeric")
    idx, valid = run("NonMaxSuppressionV4", (b, s), dict(attrs, pad_to_max_output_size=bool(pad_to_max_output_size)))
    return NonMaxSuppressionPaddedResult(idx, valid)
