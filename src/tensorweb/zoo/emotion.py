"""Facial expression: oarriaga's Mini-Xception trained on FER-2013 ('emotion'), 7 emotions from a face.

    classifier = tw.zoo.emotion.load()
    face = tw.zoo.blazeface.load().detect("photo.jpg")[0]
    result = classifier.classify("photo.jpg", face)      # or classify(face_crop) for an image of one face
    result.label, result.score, result.scores["happy"]

The face crop (zoo._face: 1.4 times the BlazeFace box, square) is resampled to 64×64, turned to gray with the
BT.601 weights and scaled to [-1, 1]; the model's softmax gives one probability per LABELS entry.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from ..errors import ModelFormatError
from ..graph.model import GraphModel
from ._common import ZooModel
from ._face import FaceInput, face_input, face_roi
from ._image import to_rgb
from .catalogue import load_graph

LABELS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
"""FER-2013's classes, in the model's output order."""
INPUT = FaceInput(64, "gray", -1.0, 1.0)


@dataclass(frozen=True)
class Emotion:
    """label: the most probable of LABELS; score: its probability; scores: every label's probability
    (they sum to 1)."""

    label: str
    score: float
    scores: dict[str, float]


def decode(probabilities: np.ndarray) -> Emotion:
    """The Emotion of the model's 7 probabilities (ties: the first label)."""
    p = np.asarray(probabilities, dtype=np.float32).reshape(-1)
    if p.shape != (len(LABELS),):
        raise ModelFormatError(f"emotion: expected {len(LABELS)} probabilities, got shape {list(p.shape)}")
    best = int(np.argmax(p))
    return Emotion(LABELS[best], float(p[best]), {k: float(v) for k, v in zip(LABELS, p)})


class EmotionClassifier(ZooModel):
    """The emotion model ready to `classify` faces; see the module docstring."""

    def __init__(self, model: GraphModel) -> None:
        super().__init__(model)
        INPUT.check(model, "an emotion model")
        outputs = [o.shape for o in model.outputs]
        if outputs != [[-1, len(LABELS)]]:
            raise ModelFormatError(f"{model.source}: expected an emotion model with one output [N, {len(LABELS)}], "
                                   f"got {outputs}")

    def preprocess(self, image: object, face: object | None = None) -> np.ndarray:
        """The model input (1×64×64×1 in [-1, 1]) for `face` in `image` (the whole image without a face)."""
        rgb = to_rgb(image)
        return face_input(rgb, face_roi(rgb, face), INPUT)

    def classify(self, image: object, face: object | None = None) -> Emotion:
        """The expression of `face` (a blazeface Face, a facemesh MeshFace or a Box) in `image` (a path, PIL
        image or H×W×3 uint8 array); without a face, `image` is taken as a crop of one face."""
        return decode(self.run(self.preprocess(image, face))[0])


def load(source: str | os.PathLike | None = None) -> EmotionClassifier:
    """The emotion classifier: the catalogue's 'emotion', or the model at `source` (a model.json path, URL or
    npm spec)."""
    return EmotionClassifier(load_graph("emotion", source))
