"""MediaPipe's single-shot detector post-processing, shared by BlazeFace and the palm detector: anchor
generation (SsdAnchorsCalculator with fixed-size anchors), box and keypoint decoding
(TensorsToDetectionsCalculator) and non-max suppression, plain or weighted (NonMaxSuppressionCalculator).

Coordinates are normalized to the model's input ([0, 1] spans it); boxes are (x_center, y_center, width,
height) and keypoints (x, y).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..errors import InvalidArgumentError
from ._common import Box
from ._image import Roi


def anchors(input_size: tuple[int, int], strides: Sequence[int], per_layer: int = 2) -> np.ndarray:
    """Anchor centers (N, 2) as (x, y), MediaPipe's SsdAnchorsCalculator with fixed_anchor_size and offset 0.5.

    Consecutive layers with the same stride share one feature map of ceil(input / stride) cells; each cell
    gets `per_layer` anchors per layer of its group (2 with aspect ratio 1.0 plus the interpolated scale, 1
    without it), all at the cell's center. Order: layer groups, then rows, columns, anchors."""
    h, w = input_size
    out = []
    i = 0
    while i < len(strides):
        j = i
        while j < len(strides) and strides[j] == strides[i]:
            j += 1
        rows, cols = -(-h // strides[i]), -(-w // strides[i])
        ys, xs = np.meshgrid((np.arange(rows) + 0.5) / rows, (np.arange(cols) + 0.5) / cols, indexing="ij")
        centers = np.stack([xs.ravel(), ys.ravel()], axis=1)
        out.append(np.repeat(centers, per_layer * (j - i), axis=0))
        i = j
    return np.concatenate(out).astype(np.float32)


def decode(raw: np.ndarray, anchor_xy: np.ndarray, input_size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Regressors (N, 4 + 2K) in input pixels relative to the anchors → boxes (N, 4) as normalized
    (x_center, y_center, width, height) and keypoints (N, K, 2) as normalized (x, y)."""
    if raw.ndim != 2 or raw.shape[0] != anchor_xy.shape[0] or raw.shape[1] < 4 or raw.shape[1] % 2:
        raise InvalidArgumentError(f"SSD decode: expected regressors of shape [{anchor_xy.shape[0]}, 4 + 2K], got "
                                   f"{list(raw.shape)}")
    h, w = input_size
    scale = np.array([w, h], dtype=np.float32)
    pairs = raw.reshape(raw.shape[0], -1, 2) / scale
    centers = pairs[:, 0] + anchor_xy
    boxes = np.concatenate([centers, pairs[:, 1]], axis=1)
    return boxes, pairs[:, 2:] + anchor_xy[:, None, :]


def sigmoid(logits: np.ndarray) -> np.ndarray:
    """Scores from logits, clipped to ±100 first as MediaPipe does (computed in float64: no overflow)."""
    return (1.0 / (1.0 + np.exp(-np.clip(logits.astype(np.float64), -100.0, 100.0)))).astype(np.float32)


def iou(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Intersection over union of one (x_center, y_center, w, h) box with each of `others` (0 when disjoint)."""
    lo = np.maximum(box[:2] - box[2:] / 2, others[:, :2] - others[:, 2:] / 2)
    hi = np.minimum(box[:2] + box[2:] / 2, others[:, :2] + others[:, 2:] / 2)
    inter = np.prod(np.clip(hi - lo, 0.0, None), axis=1)
    union = np.prod(box[2:]) + np.prod(others[:, 2:], axis=1) - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, inter / union, 0.0)


@dataclass(frozen=True)
class Detections:
    """Detections after suppression: scores (M,), boxes (M, 4) and keypoints (M, K, 2), best first."""

    scores: np.ndarray
    boxes: np.ndarray
    keypoints: np.ndarray


def non_max_suppression(scores: np.ndarray, boxes: np.ndarray, keypoints: np.ndarray, iou_threshold: float,
                        score_threshold: float, max_detections: int | None = None,
                        weighted: bool = True) -> Detections:
    """MediaPipe's NonMaxSuppressionCalculator over detections with IoU overlap.

    Candidates at or above `score_threshold` are taken by descending score (ties: lower index first). Plain:
    a candidate is kept unless its IoU with a kept one exceeds `iou_threshold`. Weighted: the best remaining
    candidate absorbs every remaining one whose IoU with it exceeds the threshold (itself included), and its
    box and keypoints become their score-weighted average; its score stays its own."""
    order = np.argsort(-scores, kind="stable")
    order = order[scores[order] >= score_threshold]
    keep_scores, keep_boxes, keep_kps = [], [], []
    limit = max_detections if max_detections is not None else len(order)
    while order.size and len(keep_scores) < limit:
        best = order[0]
        near = (iou(boxes[best], boxes[order]) > iou_threshold) | (order == best)
        if weighted:
            w = scores[order[near]][:, None]
            box = (boxes[order[near]] * w).sum(0) / w.sum()
            kps = (keypoints[order[near]] * w[:, :, None]).sum(0) / w.sum()
        else:
            box, kps = boxes[best], keypoints[best]
        order = order[~near]
        keep_scores.append(scores[best])
        keep_boxes.append(box)
        keep_kps.append(kps)
    k = keypoints.shape[1]
    return Detections(np.array(keep_scores, dtype=np.float32).reshape(-1),
                      np.array(keep_boxes, dtype=np.float32).reshape(-1, 4),
                      np.array(keep_kps, dtype=np.float32).reshape(-1, k, 2))


def in_image(roi: Roi, box: np.ndarray, kps: np.ndarray) -> tuple[Box, np.ndarray, np.ndarray]:
    """A decoded (x_center, y_center, w, h) box and its keypoints (K, 2), normalized to the model input that
    covered `roi`, in image pixels: (Box, keypoint xs, keypoint ys)."""
    x1, y1 = roi.to_image(box[0] - box[2] / 2, box[1] - box[3] / 2)
    x2, y2 = roi.to_image(box[0] + box[2] / 2, box[1] + box[3] / 2)
    xs, ys = roi.to_image(kps[:, 0], kps[:, 1])
    return Box.from_corners(x1, y1, x2, y2), xs, ys
