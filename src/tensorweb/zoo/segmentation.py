"""Person segmentation: MediaPipe's selfie model ('selfie', 256×256 input, a sigmoid mask) and the Google Meet
model ('meet', 144×256 input, background/person logits), and "portrait mode" built on them.

    segmenter = tw.zoo.segmentation.load()              # selfie; load("meet") for the other
    mask = segmenter.segment("photo.jpg").mask           # H×W float32 in [0, 1]: 1 where the person is
    portrait = segmenter.blur_background("photo.jpg")    # H×W×3 uint8: the background blurred

The image is letterboxed to the model's input (RGB scaled to [0, 1]); the model's mask is mapped back over
the image (bilinear) so that it has the image's size. Meet's two channels are softmaxed and the second
(person) kept.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from ..errors import InvalidArgumentError, ModelFormatError
from ..graph.model import GraphModel
from ._common import ZooModel
from ._image import Roi, prepare, to_rgb, uncrop
from .catalogue import load_graph


@dataclass(frozen=True)
class Segmentation:
    """mask: H×W float32, the probability (0..1) that each pixel of the image belongs to a person."""

    mask: np.ndarray

    def binary(self, threshold: float = 0.5) -> np.ndarray:
        """The mask as H×W bools: mask > threshold."""
        return self.mask > threshold


def box_blur(image: np.ndarray, radius: int, passes: int = 3) -> np.ndarray:
    """`passes` box blurs of half-width `radius` (three approximate a Gaussian of sigma ≈ radius) over the
    first two axes of an H×W×C float array, edges extended; running sums, so the cost is independent of the
    radius."""
    out = image.astype(np.float32)
    size = 2 * radius + 1
    for _ in range(passes):
        for axis in (0, 1):
            pad = [(0, 0)] * out.ndim
            pad[axis] = (radius + 1, radius)
            sums = np.cumsum(np.pad(out, pad, mode="edge"), axis=axis, dtype=np.float64)
            n = out.shape[axis]
            out = ((np.take(sums, np.arange(size, size + n), axis=axis) -
                    np.take(sums, np.arange(n), axis=axis)) / size).astype(np.float32)
    return out


class Segmenter(ZooModel):
    """A person segmentation model ready to `segment` and `blur_background`; see the module docstring."""

    def __init__(self, model: GraphModel) -> None:
        super().__init__(model)
        shape = model.inputs[0].shape if model.inputs else None
        out = model.outputs[0].shape if model.outputs else None
        if not shape or len(shape) != 4 or shape[1] <= 1 or shape[2] <= 1 or not out or len(out) != 4 or \
                out[-1] not in (1, 2):
            raise ModelFormatError(f"{model.source}: expected a segmentation model (input [1, H, W, 3], output "
                                   f"[1, H, W, 1 or 2]), got input {shape} and outputs "
                                   f"{[o.shape for o in model.outputs]}")
        self.input_size = (shape[1], shape[2])

    def preprocess(self, image: object) -> tuple[np.ndarray, np.ndarray, Roi]:
        """(RGB image, model input 1×H×W×3 in [0, 1], the letterbox ROI)."""
        rgb, x, roi = prepare(image, self.input_size)
        return rgb, (x / 255.0)[None].astype(np.float32), roi

    def segment(self, image: object) -> Segmentation:
        """The person mask of `image` (a path, PIL image or H×W×3 uint8 array), at the image's size."""
        rgb, x, roi = self.preprocess(image)
        out = self.run(x)[0][0]
        if out.shape[-1] == 2:
            logits = out - out.max(axis=-1, keepdims=True)
            exp = np.exp(logits)
            out = exp[..., 1:] / exp.sum(axis=-1, keepdims=True)
        mask = uncrop(out, roi, rgb.shape[:2])[..., 0]
        return Segmentation(np.clip(mask, 0.0, 1.0))

    def blur_background(self, image: object, radius: int | None = None) -> np.ndarray:
        """Portrait mode: `image` with everything but the people blurred (box blur of `radius` pixels, default
        1/60 of the image's larger side), blended by the soft mask. Returns H×W×3 uint8."""
        rgb = to_rgb(image)
        radius = max(1, round(max(rgb.shape[:2]) / 60)) if radius is None else radius
        if radius < 1:
            raise InvalidArgumentError(f"blur_background: radius must be at least 1 pixel, got {radius}")
        mask = self.segment(rgb).mask[:, :, None]
        out = rgb * mask + box_blur(rgb, radius) * (1.0 - mask)
        return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def load(model: str = "selfie", source: str | os.PathLike | None = None) -> Segmenter:
    """A person segmenter: model 'selfie' or 'meet' from the catalogue, or that kind of model at `source`
    (a model.json path, URL or npm spec)."""
    if model not in ("selfie", "meet"):
        raise InvalidArgumentError(f"segmentation: model must be 'selfie' or 'meet', got {model!r}")
    return Segmenter(load_graph(model, source))
