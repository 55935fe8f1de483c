"""BlazePose GHUM (MediaPipe Pose): a pose detector, then a landmark model ('lite', 'full' or 'heavy') giving
33 body landmarks with visibility and 3D world positions.

    estimator = tw.zoo.blazepose.load("full")
    pose = estimator.estimate("photo.jpg")[0]
    pose.keypoints["left_wrist"]        # Keypoint(name, x, y, score=visibility) in image pixels
    pose.world[LANDMARKS.index("left_wrist")]     # metres, origin between the hips

Pipeline (MediaPipe's pose_detection and pose_landmark graphs): the image is letterboxed to the detector's
224×224 input in [-1, 1]; 2254 anchors (strides 8, 16, 32, 32, 32) each give a score logit, a box (the face)
and 4 alignment points (hips center, a point at the body's radius, shoulders center, a point at the upper
body's radius), merged by weighted non-max suppression. A detection becomes a square ROI centered on the hips,
2 × 1.25 times the hips-to-radius-point distance on a side, turned so that that direction points up; the ROI is
resampled to the landmark model's 256×256 input in [0, 1]. The model gives 39 points (x, y, z in input pixels,
visibility and presence logits: the first 33 are the body), a pose presence score (0..1), a 64×64 heatmap per
point (already activated) that refines each point (the confidence-weighted mean cell in a 7×7 window, when the
window's peak is at least 0.5), and the world landmarks (metres).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from ..errors import InvalidArgumentError, ModelFormatError
from ..graph.model import GraphModel
from . import ssd
from ._common import Box, Keypoint, ZooModel, keypoints
from ._image import Roi, crop, prepare, rotation, square_roi, to_rgb
from .catalogue import load_graph

LANDMARKS = ("nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
             "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
             "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky", "right_pinky",
             "left_index", "right_index", "left_thumb", "right_thumb", "left_hip", "right_hip", "left_knee",
             "right_knee", "left_ankle", "right_ankle", "left_heel", "right_heel", "left_foot_index",
             "right_foot_index")
"""MediaPipe's 33 pose landmarks in the model's order (left/right: the person's)."""

_EDGES = ((0, 1), (1, 2), (2, 3), (3, 7), (0, 4), (4, 5), (5, 6), (6, 8), (9, 10), (11, 12), (11, 13), (13, 15),
          (15, 17), (15, 19), (15, 21), (17, 19), (12, 14), (14, 16), (16, 18), (16, 20), (16, 22), (18, 20),
          (11, 23), (12, 24), (23, 24), (23, 25), (24, 26), (25, 27), (26, 28), (27, 29), (28, 30), (29, 31),
          (30, 32), (27, 31), (28, 32))
SKELETON = tuple((LANDMARKS[a], LANDMARKS[b]) for a, b in _EDGES)
"""Pairs of LANDMARKS joined when a pose is drawn (MediaPipe's pose connections)."""

VARIANTS = {"lite": "blazepose-lite", "full": "blazepose-full", "heavy": "blazepose-heavy"}
_DETECTOR_STRIDES = (8, 16, 32, 32, 32)
_ROI_SCALE = 1.25
_MODEL_POINTS = 39
_LANDMARK_OUTPUTS = ("ld_3d", "output_poseflag", "activation_heatmap", "world_3d")


@dataclass(frozen=True)
class BodyPose:
    """A body pose. keypoints: the 33 LANDMARKS by name in image pixels, each scored by its visibility (0..1);
    score: the pose presence (0..1); box: the bounding box of the landmarks visible at 0.5 or more (all of
    them when none is); points: (33, 5) float32 of x, y (image pixels), z (depth relative to the hips, in
    x's pixel scale, smaller is nearer), visibility, presence; world: (33, 3) float32 in metres, origin
    between the hips; roi: the region the landmark model saw."""

    keypoints: dict[str, Keypoint]
    score: float
    box: Box
    points: np.ndarray
    world: np.ndarray
    roi: Roi


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-x) in float32 (computed in float64: no overflow)."""
    return (1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))).astype(np.float32)


def refine_with_heatmap(points: np.ndarray, heatmap: np.ndarray, kernel: int = 7,
                        min_confidence: float = 0.5) -> np.ndarray:
    """MediaPipe's RefineLandmarksFromHeatmap with already-activated heatmaps: points (K, 2) normalized to the
    input, heatmap (H, W, K) confidences. A point inside the heatmap (its cell: the truncated x·W, y·H) whose
    kernel×kernel window (cut at the edges) peaks at min_confidence or more moves to the window's
    confidence-weighted mean cell (col / W, row / H); the others stay. Returns the refined (K, 2)."""
    h, w, k = heatmap.shape
    if points.shape != (k, 2):
        raise InvalidArgumentError(f"refine_with_heatmap: expected points of shape [{k}, 2] for a heatmap with "
                                   f"{k} channels, got {list(points.shape)}")
    col = np.trunc(points[:, 0] * w).astype(np.int64)
    row = np.trunc(points[:, 1] * h).astype(np.int64)
    offsets = np.arange(kernel) - (kernel - 1) // 2
    rows, cols = row[:, None] + offsets, col[:, None] + offsets                       # (K, kernel)
    inside = ((rows >= 0) & (rows < h))[:, :, None] & ((cols >= 0) & (cols < w))[:, None, :]
    conf = heatmap[np.clip(rows, 0, h - 1)[:, :, None], np.clip(cols, 0, w - 1)[:, None, :],
                   np.arange(k)[:, None, None]] * inside                              # (K, kernel, kernel)
    total = conf.sum(axis=(1, 2))
    refine = (col >= 0) & (col < w) & (row >= 0) & (row < h) & (conf.max(axis=(1, 2)) >= min_confidence) & \
        (total > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        x = (conf * cols[:, None, :]).sum(axis=(1, 2)) / total / w
        y = (conf * rows[:, :, None]).sum(axis=(1, 2)) / total / h
    return np.where(refine[:, None], np.stack([x, y], axis=1), points).astype(np.float32)


def pose_roi(hips: tuple[float, float], radius_point: tuple[float, float], scale: float = _ROI_SCALE) -> Roi:
    """MediaPipe's pose ROI from the detector's first two alignment points (image pixels): a square centered
    on the hips, `scale` times twice their distance on a side, turned so that hips → radius point is up."""
    size = 2.0 * float(np.hypot(radius_point[0] - hips[0], radius_point[1] - hips[1]))
    return square_roi(hips[0], hips[1], size, size, scale, rotation(hips, radius_point, np.pi / 2))


class BlazePose(ZooModel):
    """BlazePose: `model` the landmark graph model, `detector` the pose detector graph model; see the module
    docstring."""

    def __init__(self, model: GraphModel, detector: GraphModel, score_threshold: float = 0.5,
                 iou_threshold: float = 0.3, max_poses: int = 1, min_pose_score: float = 0.5) -> None:
        super().__init__(model, detector)
        dshape = detector.inputs[0].shape if detector.inputs else None
        dout = detector.outputs[0].shape if detector.outputs else None
        if not dshape or len(dshape) != 4 or dshape[1] <= 0 or dshape[2] <= 0 or not dout or dout[-1] != 13:
            raise ModelFormatError(f"{detector.source}: expected a pose detector (input [1, H, W, 3], output "
                                   f"[1, N, 13]), got input {dshape} and outputs {[o.shape for o in detector.outputs]}")
        self.detector_size = (dshape[1], dshape[2])
        self.anchors = ssd.anchors(self.detector_size, _DETECTOR_STRIDES)
        if dout[1] not in (-1, len(self.anchors)):
            raise ModelFormatError(f"{detector.source}: the pose detector has {dout[1]} anchors; MediaPipe's layout "
                                   f"for a {dshape[1]}×{dshape[2]} input has {len(self.anchors)}")
        shape = model.inputs[0].shape if model.inputs else None
        names = {o.name for o in model.outputs}
        if not shape or len(shape) != 4 or shape[1] <= 0 or shape[1] != shape[2] or \
                not set(_LANDMARK_OUTPUTS) <= names:
            raise ModelFormatError(f"{model.source}: expected a BlazePose landmark model (a square input [1, S, S, "
                                   f"3]; outputs {list(_LANDMARK_OUTPUTS)}), got input {shape} and outputs "
                                   f"{sorted(names)}")
        self.input_size = (shape[1], shape[2])
        self.detector = detector
        self.score_threshold = score_threshold
        self.iou_threshold = iou_threshold
        self.max_poses = max_poses
        self.min_pose_score = min_pose_score

    def detect(self, image: object) -> list[Roi]:
        """The pose detector's ROIs for the landmark model in `image`, best first."""
        _, x, letterbox = prepare(image, self.detector_size)
        raw = self.run((x / 127.5 - 1.0)[None].astype(np.float32), model=self.detector)[0][0]
        boxes, kps = ssd.decode(raw[:, 1:], self.anchors, self.detector_size)
        found = ssd.non_max_suppression(ssd.sigmoid(raw[:, 0]), boxes, kps, self.iou_threshold,
                                        self.score_threshold, self.max_poses)
        rois = []
        for box, kp in zip(found.boxes, found.keypoints):
            _, xs, ys = ssd.in_image(letterbox, box, kp)
            rois.append(pose_roi((float(xs[0]), float(ys[0])), (float(xs[1]), float(ys[1]))))
        return rois

    def preprocess(self, rgb: np.ndarray, roi: Roi) -> np.ndarray:
        """The landmark model's input for `roi` of an RGB image: 1×S×S×3 float32 in [0, 1]."""
        return (crop(rgb, roi, self.input_size) / 255.0)[None].astype(np.float32)

    def landmarks(self, rgb: np.ndarray, roi: Roi) -> BodyPose | None:
        """The pose in `roi` of an RGB image, or None when its presence score is below min_pose_score."""
        raw, flag, heatmap, world = self.run(self.preprocess(rgb, roi), _LANDMARK_OUTPUTS)
        score = float(flag.reshape(-1)[0])
        if score < self.min_pose_score:
            return None
        side = self.input_size[0]
        points = raw.reshape(_MODEL_POINTS, 5)
        xy = refine_with_heatmap(points[:, :2] / side, heatmap[0])[:len(LANDMARKS)]
        body = points[:len(LANDMARKS)]
        xs, ys = roi.to_image(xy[:, 0], xy[:, 1])
        visibility, presence = sigmoid(body[:, 3]), sigmoid(body[:, 4])
        table = np.stack([xs, ys, body[:, 2] * roi.width / side, visibility, presence], axis=1).astype(np.float32)
        # world landmarks turn with the ROI in the image plane, as MediaPipe projects them
        cos, sin = np.cos(roi.angle), np.sin(roi.angle)
        w = world.reshape(_MODEL_POINTS, 3)[:len(LANDMARKS)]
        world = np.stack([cos * w[:, 0] - sin * w[:, 1], sin * w[:, 0] + cos * w[:, 1], w[:, 2]], axis=1)
        seen = visibility >= 0.5 if (visibility >= 0.5).any() else np.ones(len(LANDMARKS), bool)
        box = Box.from_corners(xs[seen].min(), ys[seen].min(), xs[seen].max(), ys[seen].max())
        return BodyPose(keypoints(LANDMARKS, xs, ys, visibility), score, box, table, world.astype(np.float32), roi)

    def estimate(self, image: object) -> list[BodyPose]:
        """The poses in `image` (a path, PIL image or H×W×3 uint8 array), in image pixels, best detection
        first (at most max_poses)."""
        rgb = to_rgb(image)
        poses = (self.landmarks(rgb, roi) for roi in self.detect(rgb))
        return [p for p in poses if p is not None]


def load(variant: str = "full", source: str | os.PathLike | None = None,
         detector_source: str | os.PathLike | None = None, **options: float) -> BlazePose:
    """A BlazePose estimator: landmark model variant 'lite', 'full' or 'heavy' from the catalogue (or the
    model at `source`) with the catalogue's 'blazepose-detector' (or the one at `detector_source`).
    options: score_threshold (0.5) and iou_threshold (0.3) of the detector, max_poses (1), min_pose_score
    (0.5)."""
    if variant not in VARIANTS:
        raise InvalidArgumentError(f"blazepose: variant must be one of {', '.join(VARIANTS)}, got {variant!r}")
    return BlazePose(load_graph(VARIANTS[variant], source), load_graph("blazepose-detector", detector_source),
                     **options)
