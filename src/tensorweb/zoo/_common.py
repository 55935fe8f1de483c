"""What the zoo's models return (boxes and keypoints in image pixels) and what they share (a loaded graph
model that runs on NumPy inputs and can be disposed, also as a context manager)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..graph.model import GraphModel


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in image pixels: top-left corner (x, y), width and height."""

    x: float
    y: float
    width: float
    height: float

    @property
    def x2(self) -> float:
        return self.x + self.width

    @property
    def y2(self) -> float:
        return self.y + self.height

    @property
    def center(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height / 2

    @classmethod
    def from_corners(cls, x1: float, y1: float, x2: float, y2: float) -> "Box":
        return cls(float(x1), float(y1), float(x2 - x1), float(y2 - y1))


@dataclass(frozen=True)
class Keypoint:
    """A named point in image pixels, with the model's confidence in it (None when the model gives none)."""

    name: str
    x: float
    y: float
    score: float | None = None


COCO_KEYPOINTS = ("nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
                  "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee",
                  "right_knee", "left_ankle", "right_ankle")
"""The 17 COCO body keypoints in the order MoveNet and PoseNet output them (left/right: the person's)."""

COCO_SKELETON = (("nose", "left_eye"), ("nose", "right_eye"), ("left_eye", "left_ear"), ("right_eye", "right_ear"),
                 ("left_shoulder", "right_shoulder"), ("left_shoulder", "left_elbow"), ("left_elbow", "left_wrist"),
                 ("right_shoulder", "right_elbow"), ("right_elbow", "right_wrist"), ("left_shoulder", "left_hip"),
                 ("right_shoulder", "right_hip"), ("left_hip", "right_hip"), ("left_hip", "left_knee"),
                 ("left_knee", "left_ankle"), ("right_hip", "right_knee"), ("right_knee", "right_ankle"))
"""Pairs of COCO_KEYPOINTS joined when a pose is drawn."""


@dataclass(frozen=True)
class Pose:
    """A body pose: the COCO_KEYPOINTS by name (image pixels, each with a score), an overall score and, when
    the model gives one, the person's box."""

    keypoints: dict[str, Keypoint]
    score: float
    box: Box | None = None


def keypoints(names: Sequence[str], xs: np.ndarray, ys: np.ndarray,
              scores: np.ndarray | None = None) -> dict[str, Keypoint]:
    """{name: Keypoint} in the order of `names`."""
    return {n: Keypoint(n, float(x), float(y), None if scores is None else float(s))
            for n, x, y, s in zip(names, xs, ys, scores if scores is not None else [None] * len(names))}


class ZooModel:
    """Base of the zoo's models: holds the graph model (`.model`) and any further parts it owns (graph models
    or zoo models, e.g. a detector), runs a graph model on NumPy inputs, disposes them all."""

    def __init__(self, model: GraphModel, *parts: "GraphModel | ZooModel") -> None:
        self.model = model
        self._parts = parts

    def run(self, x: np.ndarray, outputs: Sequence[str] | None = None,
            model: GraphModel | None = None) -> list[np.ndarray]:
        """The outputs (`outputs`, default all of them in the model's order) of `model` (default `.model`) on
        input x, as arrays."""
        model = self.model if model is None else model
        names = list(outputs) if outputs is not None else [o.name for o in model.outputs]
        result = model.execute(x, names)
        result = result if isinstance(result, list) else [result]
        return [t.numpy() for t in result]

    def dispose(self) -> None:
        """Frees the model's weights (and its parts'); it cannot run afterwards."""
        self.model.dispose()
        for part in self._parts:
            part.dispose()

    def __enter__(self) -> "ZooModel":
        return self

    def __exit__(self, *exc: object) -> None:
        self.dispose()
