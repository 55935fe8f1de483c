"""Hand detection: the Handtrack.js model ('handtrack', an SSD MobileNet from the TF Object Detection API
with its non-max suppression inside) and MediaPipe's palm detector ('handdetect').

    tracker = tw.zoo.hands.load()                  # handtrack
    for hand in tracker.detect("photo.jpg"):
        hand.box, hand.label, hand.score            # label: open, closed, pinch, point, face, pointtip, pinchtip
    palms = tw.zoo.hands.load("handdetect").detect("photo.jpg")   # label 'palm', with 7 palm keypoints

handtrack: the image is stretched to the 320×320 input (int32 RGB; the detector was trained on stretched
images); its outputs are read by the TF Object Detection API's names in sorted order (detection_boxes
[ymin, xmin, ymax, xmax] normalized, detection_classes 1..7, detection_scores, num_detections); detections
of every class above the score threshold are returned, the 'face' class included (it is one of the classes
the model was trained on). handdetect: the image is letterboxed to 256×256 and scaled to [-1, 1]; 2944
anchors (strides 8, 16, 32, 32, 32), each a score logit, a box and 7 keypoints, decoded and merged with
MediaPipe's weighted non-max suppression (zoo.ssd).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from ..errors import InvalidArgumentError, ModelFormatError
from ..graph.model import GraphModel
from . import ssd
from ._common import Box, Keypoint, ZooModel, keypoints
from ._image import Roi, prepare
from .catalogue import load_graph

HANDTRACK_LABELS = ("open", "closed", "pinch", "point", "face", "pointtip", "pinchtip")
"""Handtrack.js's classes 1..7."""
PALM_KEYPOINTS = ("wrist", "index_mcp", "middle_mcp", "ring_mcp", "pinky_mcp", "thumb_cmc", "thumb_mcp")
"""MediaPipe's palm detector keypoints, in the model's order."""
# detection_boxes, detection_classes, detection_scores, num_detections of the SSD's sorted outputs
_HANDTRACK_OUTPUTS = ("Identity_1:0", "Identity_2:0", "Identity_4:0", "Identity_5:0")


@dataclass(frozen=True)
class Hand:
    """A detected hand (or, for handtrack's 'face' class, a face): box and keypoints in image pixels, the
    model's label for it and its score (0..1). keypoints is empty for handtrack."""

    box: Box
    score: float
    label: str
    keypoints: dict[str, Keypoint]


class HandTrack(ZooModel):
    """The Handtrack.js detector; see the module docstring."""

    def __init__(self, model: GraphModel, score_threshold: float = 0.5) -> None:
        super().__init__(model)
        names = {o.name for o in model.outputs}
        if not set(_HANDTRACK_OUTPUTS) <= names:
            raise ModelFormatError(f"{model.source}: expected the handtrack SSD outputs {list(_HANDTRACK_OUTPUTS)}, "
                                   f"got {sorted(names)}")
        self.input_size = (320, 320)
        self.score_threshold = score_threshold

    def preprocess(self, image: object) -> tuple[np.ndarray, np.ndarray, Roi]:
        """(RGB image, model input 1×320×320×3 int32 0..255 (stretched), the ROI: the whole image)."""
        rgb, x, roi = prepare(image, self.input_size, letterbox=False)
        return rgb, np.round(x)[None].astype(np.int32), roi

    def detect(self, image: object) -> list[Hand]:
        """Hands (and faces) in `image` (a path, PIL image or H×W×3 uint8 array), best first."""
        _, x, roi = self.preprocess(image)
        boxes, classes, scores, count = self.run(x, _HANDTRACK_OUTPUTS)
        n = int(count[0])
        out = []
        for box, cls, score in zip(boxes[0, :n], np.rint(classes[0, :n]).astype(int), scores[0, :n]):
            if score < self.score_threshold or not 1 <= cls <= len(HANDTRACK_LABELS):
                continue
            x1, y1 = roi.to_image(box[1], box[0])
            x2, y2 = roi.to_image(box[3], box[2])
            out.append(Hand(Box.from_corners(x1, y1, x2, y2), float(score), HANDTRACK_LABELS[cls - 1], {}))
        return out


class PalmDetector(ZooModel):
    """MediaPipe's palm detector; see the module docstring."""

    def __init__(self, model: GraphModel, score_threshold: float = 0.5, iou_threshold: float = 0.3,
                 max_hands: int = 10) -> None:
        super().__init__(model)
        shape = model.inputs[0].shape if model.inputs else None
        out = model.outputs[0].shape if model.outputs else None
        if not shape or len(shape) != 4 or shape[1] <= 0 or shape[2] <= 0 or not out or out[-1] != 19:
            raise ModelFormatError(f"{model.source}: expected a palm detector (input [1, H, W, 3], output "
                                   f"[1, N, 19]), got input {shape} and outputs {[o.shape for o in model.outputs]}")
        self.input_size = (shape[1], shape[2])
        self.anchors = ssd.anchors(self.input_size, (8, 16, 32, 32, 32))
        if out[1] not in (-1, len(self.anchors)):
            raise ModelFormatError(f"{model.source}: the palm detector has {out[1]} anchors; MediaPipe's layout "
                                   f"for a {shape[1]}×{shape[2]} input has {len(self.anchors)}")
        self.score_threshold = score_threshold
        self.iou_threshold = iou_threshold
        self.max_hands = max_hands

    def preprocess(self, image: object) -> tuple[np.ndarray, np.ndarray, Roi]:
        """(RGB image, model input 1×256×256×3 in [-1, 1], the letterbox ROI)."""
        rgb, x, roi = prepare(image, self.input_size)
        return rgb, (x / 127.5 - 1.0)[None].astype(np.float32), roi

    def detect(self, image: object) -> list[Hand]:
        """Palms in `image` (a path, PIL image or H×W×3 uint8 array), best first, labelled 'palm'."""
        _, x, roi = self.preprocess(image)
        raw = self.run(x)[0][0]
        boxes, kps = ssd.decode(raw[:, 1:], self.anchors, self.input_size)
        found = ssd.non_max_suppression(ssd.sigmoid(raw[:, 0]), boxes, kps, self.iou_threshold,
                                        self.score_threshold, self.max_hands)
        out = []
        for score, box, kp in zip(found.scores, found.boxes, found.keypoints):
            box, xs, ys = ssd.in_image(roi, box, kp)
            out.append(Hand(box, float(score), "palm", keypoints(PALM_KEYPOINTS, xs, ys)))
        return out


def load(model: str = "handtrack", source: str | os.PathLike | None = None, **options: float
         ) -> HandTrack | PalmDetector:
    """A hand detector: model 'handtrack' (Handtrack.js) or 'handdetect' (MediaPipe palms) from the catalogue,
    or that kind of model at `source` (a model.json path, URL or npm spec). options: score_threshold (0.5);
    for handdetect also iou_threshold (0.3) and max_hands (10)."""
    kinds = {"handtrack": HandTrack, "handdetect": PalmDetector}
    if model not in kinds:
        raise InvalidArgumentError(f"hands: model must be 'handtrack' or 'handdetect', got {model!r}")
    return kinds[model](load_graph(model, source), **options)
