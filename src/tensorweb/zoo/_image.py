"""Images in, model inputs out: any image (a path, a PIL image, an H×W×3 uint8 array) as an RGB uint8 array,
and regions of it (ROIs, which may reach past the edges: the outside is black) resampled to a model's input
size with tw.image ops. A ROI maps the model's normalized coordinates back to image pixels, so every zoo model
answers in the pixels of the image it was given, whatever its input size. A ROI may be rotated about its center
(MediaPipe's rotated rects: a face's eyes or a body's hips-to-shoulders line made level or upright for the
model)."""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from ..errors import DtypeError, InvalidArgumentError, ShapeError
from ..ops import image as tw_image
from ..ops.creation import tensor


def to_rgb(image: object) -> np.ndarray:
    """`image` as an H×W×3 uint8 RGB array. Accepts a file path, a PIL image, or a NumPy array (H×W×3 or
    H×W×4 uint8, whose alpha is dropped, or H×W uint8 grayscale)."""
    if isinstance(image, (str, os.PathLike)):
        from ..vis.image import read_image
        if not os.path.isfile(image):
            raise FileNotFoundError(f"no image file at {os.fspath(image)!r}")
        return read_image(image)
    if type(image).__module__.startswith("PIL."):
        return np.asarray(image.convert("RGB"))
    if not isinstance(image, np.ndarray):
        raise InvalidArgumentError(f"expected an image: a file path, a PIL image or an H×W×3 uint8 NumPy array; "
                                   f"got {type(image).__name__}")
    if image.dtype != np.uint8:
        raise DtypeError(f"an image array must be uint8 (values 0..255), got {image.dtype}; convert with "
                         "(x * 255).round().astype(np.uint8) for floats in [0, 1]")
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    if image.ndim != 3 or image.shape[2] not in (3, 4):
        raise ShapeError(f"an image array must be H×W×3 (RGB), H×W×4 (RGBA) or H×W (gray), got shape "
                         f"{list(image.shape)}")
    if image.shape[0] < 2 or image.shape[1] < 2:
        raise ShapeError(f"an image must be at least 2×2 pixels, got {image.shape[1]}×{image.shape[0]}")
    return np.ascontiguousarray(image[:, :, :3])


@dataclass(frozen=True)
class Roi:
    """A region of an image in pixels (x, y: the top-left corner of the unrotated region; the image spans
    [0, W] × [0, H]), turned by `angle` radians about its center (clockwise on screen, y pointing down: the
    region's x axis runs along (cos angle, sin angle)); it may reach past the image's edges."""

    x: float
    y: float
    width: float
    height: float
    angle: float = 0.0

    @classmethod
    def around(cls, cx: float, cy: float, width: float, height: float, angle: float = 0.0) -> "Roi":
        """The ROI of that size and angle centered on (cx, cy)."""
        return cls(float(cx - width / 2), float(cy - height / 2), float(width), float(height), float(angle))

    @property
    def center(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height / 2

    def to_image(self, nx: np.ndarray, ny: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Normalized coordinates inside the ROI ([0, 1] spans it, along its own axes) → image pixels."""
        if self.angle == 0.0:
            return self.x + np.asarray(nx) * self.width, self.y + np.asarray(ny) * self.height
        cx, cy = self.center
        dx, dy = (np.asarray(nx) - 0.5) * self.width, (np.asarray(ny) - 0.5) * self.height
        cos, sin = np.cos(self.angle), np.sin(self.angle)
        return cx + cos * dx - sin * dy, cy + sin * dx + cos * dy


def rotation(start: tuple[float, float], end: tuple[float, float], target: float) -> float:
    """MediaPipe's ROI rotation (radians, in [-pi, pi)) that turns the image direction start → end (pixels)
    to `target` radians (counter-clockwise from the x axis, as a person sees it: 0 is level, pi/2 up)."""
    angle = target - np.arctan2(-(end[1] - start[1]), end[0] - start[0])
    return float(angle - 2 * np.pi * np.floor((angle + np.pi) / (2 * np.pi)))


def square_roi(cx: float, cy: float, width: float, height: float, scale: float, angle: float = 0.0) -> Roi:
    """MediaPipe's RectTransformation with square_long: a square ROI centered on (cx, cy) whose side is
    `scale` times the longer of width and height, turned by `angle`."""
    side = float(max(width, height)) * scale
    return Roi.around(cx, cy, side, side, angle)


def fit_roi(image_w: int, image_h: int, aspect: float) -> Roi:
    """The smallest ROI of width/height `aspect` centered on the whole image (letterboxing: the image keeps
    its aspect ratio and the rest is padded with black on both sides)."""
    if image_w / image_h > aspect:
        h = image_w / aspect
        return Roi(0.0, (image_h - h) / 2, float(image_w), h)
    w = image_h * aspect
    return Roi((image_w - w) / 2, 0.0, w, float(image_h))


def crop(pixels: np.ndarray, roi: Roi, size: tuple[int, int]) -> np.ndarray:
    """The ROI of an H×W×C array (an image, a mask) resampled to size (height, width): bilinear, pixel
    centers aligned, zeros outside the array (samples less than a pixel outside take the edge's value, so
    that samples on the edge, computed in float32, never fall outside). A rotated ROI is sampled along its
    own axes. Returns float32 size×C."""
    pixels = np.pad(pixels, ((1, 1), (1, 1), (0, 0)), mode="edge")
    roi = Roi(roi.x + 1, roi.y + 1, roi.width, roi.height, roi.angle)
    h, w = pixels.shape[:2]
    out_h, out_w = size
    if roi.angle != 0.0:
        # tw.image.transform reads input pixel (a0 j + a1 i + a2, b0 j + b1 i + b2) for output pixel (i, j):
        # the ROI point of output pixel center ((j + 0.5) / out_w, (i + 0.5) / out_h), less half a pixel.
        corner = np.array(roi.to_image(0.5 / out_w, 0.5 / out_h)) - 0.5
        step_j = np.array(roi.to_image(1.5 / out_w, 0.5 / out_h)) - 0.5 - corner
        step_i = np.array(roi.to_image(0.5 / out_w, 1.5 / out_h)) - 0.5 - corner
        matrix = np.array([[step_j[0], step_i[0], corner[0], step_j[1], step_i[1], corner[1], 0.0, 0.0]],
                          dtype=np.float32)
        out = tw_image.transform(tensor(pixels[None].astype(np.float32)), tensor(matrix), "bilinear",
                                 output_shape=size)
        return out.numpy()[0]
    # crop_and_resize samples index coordinates y1*(H-1) + i*(y2-y1)*(H-1)/(out_h-1); solve for the box whose
    # output pixel i samples the ROI at its center: roi.y + (i + 0.5) * roi.height / out_h - 0.5.
    def span(start: float, length: float, n_in: int, n_out: int) -> tuple[float, float]:
        first = start + 0.5 * length / n_out - 0.5
        last = first + length * (n_out - 1) / n_out
        return first / (n_in - 1), last / (n_in - 1)

    y1, y2 = span(roi.y, roi.height, h, out_h)
    x1, x2 = span(roi.x, roi.width, w, out_w)
    boxes = np.array([[y1, x1, y2, x2]], dtype=np.float32)
    out = tw_image.crop_and_resize(tensor(pixels[None]), tensor(boxes), tensor(np.zeros(1, np.int32)), size)
    return out.numpy()[0]


def uncrop(pixels: np.ndarray, roi: Roi, image_size: tuple[int, int]) -> np.ndarray:
    """The inverse of `crop`: an h×w×C array that covered `roi` of an image, resampled to the image's size
    (height, width); zeros where the ROI did not reach. The ROI must not be rotated."""
    if roi.angle != 0.0:
        raise InvalidArgumentError(f"uncrop: the ROI must not be rotated, got angle {roi.angle}")
    h, w = pixels.shape[:2]
    image_h, image_w = image_size
    sx, sy = w / roi.width, h / roi.height
    return crop(pixels, Roi(-roi.x * sx, -roi.y * sy, image_w * sx, image_h * sy), image_size)


def prepare(image: object, size: tuple[int, int], letterbox: bool = True) -> tuple[np.ndarray, np.ndarray, Roi]:
    """(the RGB image, its model input of `size` (float32 0..255, H×W×3), the ROI the input covers): the
    whole image, letterboxed to the input's aspect ratio (or stretched when letterbox is False)."""
    rgb = to_rgb(image)
    h, w = rgb.shape[:2]
    roi = fit_roi(w, h, size[1] / size[0]) if letterbox else Roi(0.0, 0.0, float(w), float(h))
    return rgb, crop(rgb, roi, size), roi
