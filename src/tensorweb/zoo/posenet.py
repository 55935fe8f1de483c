"""PoseNet (Google; MobileNetV1, output stride 16, 385×385 input): a single body pose from heatmaps and
offsets, as TF.js's posenet decodes a single pose.

    estimator = tw.zoo.posenet.load()
    pose = estimator.estimate("photo.jpg")[0]      # Pose with the 17 COCO keypoints in image pixels

The image is letterboxed to the square input and scaled to [-1, 1]. For each keypoint k the heatmap cell
(row, col) with the highest logit wins; its position in input pixels is (row · stride + offset_y[k],
col · stride + offset_x[k]), where the offsets map has the 17 y offsets then the 17 x offsets, and its score
is the sigmoid of the logit. The pose score is the mean keypoint score.
"""
from __future__ import annotations

import os

import numpy as np

from ..errors import ModelFormatError
from ..graph.model import GraphModel
from . import ssd
from ._common import COCO_KEYPOINTS, Pose, ZooModel, keypoints
from ._image import Roi, prepare
from .catalogue import load_graph


def decode_single_pose(heatmap: np.ndarray, offsets: np.ndarray, stride: int
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """heatmap logits (H, W, K) and offsets (H, W, 2K) → (y, x) in input pixels and scores, each (K,)."""
    h, w, k = heatmap.shape
    flat = heatmap.reshape(h * w, k).argmax(axis=0)
    rows, cols = np.divmod(flat, w)
    ks = np.arange(k)
    y = rows * stride + offsets[rows, cols, ks]
    x = cols * stride + offsets[rows, cols, ks + k]
    return y.astype(np.float32), x.astype(np.float32), ssd.sigmoid(heatmap[rows, cols, ks])


class PoseNet(ZooModel):
    """A PoseNet model ready to `estimate` a pose; see the module docstring."""

    def __init__(self, model: GraphModel) -> None:
        super().__init__(model)
        shape = model.inputs[0].shape if model.inputs else None
        by_channels = {o.shape[-1]: o.name for o in model.outputs if o.shape}
        if not shape or len(shape) != 4 or shape[1] <= 1 or shape[2] <= 1 or 17 not in by_channels or \
                34 not in by_channels:
            raise ModelFormatError(f"{model.source}: expected a PoseNet model (input [1, H, W, 3], outputs with 17 "
                                   f"heatmap and 34 offset channels), got input {shape} and outputs "
                                   f"{[(o.name, o.shape) for o in model.outputs]}")
        self.input_size = (shape[1], shape[2])
        self.outputs = (by_channels[17], by_channels[34])

    def preprocess(self, image: object) -> tuple[np.ndarray, np.ndarray, Roi]:
        """(RGB image, model input 1×S×S×3 in [-1, 1], the letterbox ROI)."""
        rgb, x, roi = prepare(image, self.input_size)
        return rgb, (x / 127.5 - 1.0)[None].astype(np.float32), roi

    def estimate(self, image: object) -> list[Pose]:
        """The pose in `image` (a path, PIL image or H×W×3 uint8 array), in image pixels (a list of one)."""
        _, x, roi = self.preprocess(image)
        heatmap, offsets = self.run(x, self.outputs)
        stride = (self.input_size[0] - 1) // (heatmap.shape[1] - 1)
        y, xs, scores = decode_single_pose(heatmap[0], offsets[0], stride)
        px, py = roi.to_image(xs / self.input_size[1], y / self.input_size[0])
        return [Pose(keypoints(COCO_KEYPOINTS, px, py, scores), float(scores.mean()))]


def load(source: str | os.PathLike | None = None) -> PoseNet:
    """The catalogue's PoseNet, or the model at `source` (a model.json path, URL or npm spec)."""
    return PoseNet(load_graph("posenet", source))
