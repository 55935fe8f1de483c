"""MoveNet body pose (Google): single-pose 'lightning' (192×192 input) and 'thunder' (256×256), and
'multipose' (lightning, 256×256, up to 6 people with boxes).

    estimator = tw.zoo.movenet.load("thunder")
    pose = estimator.estimate("photo.jpg")[0]
    pose.keypoints["left_wrist"]          # Keypoint(name, x, y, score) in image pixels

The image is letterboxed to the square input (int32 RGB 0..255). Single-pose models output [1, 1, 17, 3]:
(y, x, score) per COCO keypoint, normalized to the input; their pose score is the mean keypoint score.
Multipose outputs [1, 6, 56]: 17 × (y, x, score), then the box (ymin, xmin, ymax, xmax) and the pose score.
"""
from __future__ import annotations

import os

import numpy as np

from ..errors import InvalidArgumentError, ModelFormatError
from ..graph.model import GraphModel
from ._common import COCO_KEYPOINTS, Box, Pose, ZooModel, keypoints
from ._image import Roi, prepare
from .catalogue import load_graph

VARIANTS = {"lightning": "movenet-lightning", "thunder": "movenet-thunder", "multipose": "movenet-multipose"}


class MoveNet(ZooModel):
    """A MoveNet model ready to `estimate` poses; see the module docstring."""

    def __init__(self, model: GraphModel, min_pose_score: float = 0.2) -> None:
        super().__init__(model)
        shape = model.inputs[0].shape if model.inputs else None
        out = model.outputs[0].shape if model.outputs else None
        if not shape or len(shape) != 4 or shape[1] <= 0 or shape[2] <= 0 or not out or \
                out[-1] not in (3, 56) or len(model.outputs) != 1:
            raise ModelFormatError(f"{model.source}: expected a MoveNet model (input [1, H, W, 3], one output "
                                   f"[1, 1, 17, 3] or [1, 6, 56]), got input {shape} and outputs "
                                   f"{[o.shape for o in model.outputs]}")
        self.input_size = (shape[1], shape[2])
        self.multipose = out[-1] == 56
        self.min_pose_score = min_pose_score

    def preprocess(self, image: object) -> tuple[np.ndarray, np.ndarray, Roi]:
        """(RGB image, model input 1×S×S×3 int32 0..255, the letterbox ROI)."""
        rgb, x, roi = prepare(image, self.input_size)
        return rgb, np.round(x)[None].astype(np.int32), roi

    def estimate(self, image: object) -> list[Pose]:
        """The poses in `image` (a path, PIL image or H×W×3 uint8 array) in image pixels, best first:
        one pose for single-pose models; for multipose, those scoring at least min_pose_score."""
        _, x, roi = self.preprocess(image)
        out = self.run(x)[0].reshape(-1, 56 if self.multipose else 51)
        poses = []
        for row in out:
            kp = row[:51].reshape(17, 3)
            xs, ys = roi.to_image(kp[:, 1], kp[:, 0])
            named = keypoints(COCO_KEYPOINTS, xs, ys, kp[:, 2])
            if not self.multipose:
                poses.append(Pose(named, float(kp[:, 2].mean())))
                continue
            if row[55] < self.min_pose_score:
                continue
            x1, y1 = roi.to_image(row[52], row[51])
            x2, y2 = roi.to_image(row[54], row[53])
            poses.append(Pose(named, float(row[55]), Box.from_corners(x1, y1, x2, y2)))
        return sorted(poses, key=lambda p: -p.score)


def load(variant: str = "lightning", source: str | os.PathLike | None = None,
         min_pose_score: float = 0.2) -> MoveNet:
    """A MoveNet estimator: variant 'lightning', 'thunder' or 'multipose' from the catalogue, or the model at
    `source` (a model.json path, URL or npm spec). min_pose_score filters multipose detections."""
    if variant not in VARIANTS:
        raise InvalidArgumentError(f"movenet: variant must be one of {', '.join(VARIANTS)}, got {variant!r}")
    return MoveNet(load_graph(VARIANTS[variant], source), min_pose_score)
