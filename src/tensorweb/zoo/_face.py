"""What the face-attribute models (emotion, age, gender) share: the face crop they read and how each wants
its pixels (size, gray or RGB or BGR, value range).

The face is a square ROI 1.4 times the longer side of a BlazeFace box, centered on it (Human's crop for these
models); without a face, the whole image is taken as the face crop (stretched to the model's square input).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InvalidArgumentError, ModelFormatError
from ..graph.model import GraphModel
from ._common import Box
from ._image import Roi, crop, square_roi

FACE_SCALE = 1.4
GRAY_WEIGHTS = (0.2989, 0.5870, 0.1140)
"""Luma weights of R, G, B (ITU-R BT.601, as Human and MATLAB's rgb2gray use)."""


@dataclass(frozen=True)
class FaceInput:
    """How a model wants a face: a size×size crop of `region` (left, top, right, bottom as fractions of the
    face ROI), in `channels` ('gray', 'rgb' or 'bgr'), with pixel values 0..255 mapped linearly to
    low..high."""

    size: int
    channels: str
    low: float
    high: float
    region: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)

    def check(self, model: GraphModel, what: str) -> None:
        """ModelFormatError unless the model's input is [N, size, size, 1 or 3] as this spec says."""
        shape = model.inputs[0].shape if model.inputs else None
        want = [self.size, self.size, 1 if self.channels == "gray" else 3]
        if not shape or len(shape) != 4 or list(shape[1:]) != want:
            raise ModelFormatError(f"{model.source}: expected {what} with input [N, {want[0]}, {want[1]}, {want[2]}]"
                                   f", got {shape}")


def face_box(face: object) -> Box:
    """The BlazeFace box of `face`: a Box, or a result with `.detection` (a face mesh) or `.box` (a face)."""
    face = getattr(face, "detection", face)
    box = getattr(face, "box", face)
    if not isinstance(box, Box):
        raise InvalidArgumentError(f"expected a face: a Box, a blazeface Face or a facemesh MeshFace, got "
                                   f"{type(face).__name__}")
    return box


def face_roi(rgb: np.ndarray, face: object | None) -> Roi:
    """The face crop's ROI in an RGB image: FACE_SCALE times the face box, square; the whole image when face
    is None."""
    if face is None:
        return Roi(0.0, 0.0, float(rgb.shape[1]), float(rgb.shape[0]))
    box = face_box(face)
    cx, cy = box.center
    return square_roi(cx, cy, box.width, box.height, FACE_SCALE)


def face_input(rgb: np.ndarray, roi: Roi, spec: FaceInput) -> np.ndarray:
    """The model input (1×size×size×C float32) for the face at `roi` of an RGB image, as `spec` says."""
    left, top, right, bottom = spec.region
    sub = Roi(roi.x + left * roi.width, roi.y + top * roi.height, (right - left) * roi.width,
              (bottom - top) * roi.height)
    pixels = crop(rgb, sub, (spec.size, spec.size))
    if spec.channels == "gray":
        pixels = pixels @ np.asarray(GRAY_WEIGHTS, dtype=np.float32)[:, None]
    elif spec.channels == "bgr":
        pixels = pixels[:, :, ::-1]
    return (spec.low + pixels * ((spec.high - spec.low) / 255.0))[None].astype(np.float32)
