"""MediaPipe Face Mesh: 468 face landmarks on every face BlazeFace finds, and optionally MediaPipe Iris: the
iris of each eye (center and 4 points on its edge) with a refined eye region.

    mesher = tw.zoo.facemesh.load()                  # facemesh + iris + the BlazeFace detector
    for face in mesher.estimate("photo.jpg"):
        face.mesh                                    # (468, 3): x, y in image pixels, z (depth, pixels)
        face.landmarks["nose_tip"], face.irises["left"].center     # named points, image pixels

Pipeline (MediaPipe's face_landmark_front and iris_landmark graphs): a BlazeFace detection becomes a square
ROI 1.5 times its box's longer side, turned so that the eyes are level (the person's right eye → left eye
direction made horizontal); the ROI is resampled to the 192×192 mesh input in [0, 1]. The mesh model gives
468 (x, y, z) in input pixels and a face presence score (0..1). For the iris model each eye's corners
(landmarks 33/133 and 362/263) give a square ROI 2.3 times their distance, level along the corners,
resampled to 64×64 in [0, 1]; the model sees a person's right eye, so the left eye's crop is mirrored (and
its answers mirrored back). It returns 71 eye-region points, whose x and y replace the mesh's landmarks of
that region (eyelids, eyebrows), and 5 iris points (center, then 4 on the edge).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from ..errors import ModelFormatError
from ..graph.model import GraphModel
from . import blazeface
from ._common import Box, Keypoint, ZooModel, keypoints
from ._image import Roi, crop, rotation, square_roi, to_rgb
from .catalogue import load_graph

MESH_POINTS = 468
LANDMARKS = {"nose_tip": 1, "forehead": 10, "chin": 152, "upper_lip": 13, "lower_lip": 14, "mouth_right": 61,
             "mouth_left": 291, "right_eye_outer": 33, "right_eye_inner": 133, "left_eye_inner": 362,
             "left_eye_outer": 263, "right_cheek": 234, "left_cheek": 454}
"""Named mesh indices (MediaPipe's canonical face model; right/left are the person's)."""

# The mesh indices of the iris model's 71 eye-region points, per eye, in the model's order: lower eyelid
# (9), upper eyelid (7), then two more rings below (9) and above (7) the eye, the lower eyebrow (6), a third
# ring below (9) and the upper eyebrow (8). Left-eye indices mirror the right eye's.
_EYE_REGIONS = {
    "right": (33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173,
              130, 25, 110, 24, 23, 22, 26, 112, 243, 247, 30, 29, 27, 28, 56, 190,
              226, 31, 228, 229, 230, 231, 232, 233, 244, 113, 225, 224, 223, 222, 221, 189,
              35, 124, 46, 53, 52, 65, 143, 111, 117, 118, 119, 120, 121, 128, 245,
              156, 70, 63, 105, 66, 107, 55, 193),
    "left": (263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398,
             359, 255, 339, 254, 253, 252, 256, 341, 463, 467, 260, 259, 257, 258, 286, 414,
             446, 261, 448, 449, 450, 451, 452, 453, 464, 342, 445, 444, 443, 442, 441, 413,
             265, 353, 276, 283, 282, 295, 372, 340, 346, 347, 348, 349, 350, 357, 465,
             383, 300, 293, 334, 296, 336, 285, 417),
}
_EYE_CORNERS = {"right": (33, 133), "left": (362, 263)}     # image-left corner first: the ROI is level along it
FACE_SCALE = 1.5        # MediaPipe: the face ROI is 1.5 times the detection box
EYE_SCALE = 2.3         # MediaPipe: the eye ROI is 2.3 times the distance between the eye's corners
IRIS_POINTS = 5


@dataclass(frozen=True)
class Iris:
    """One eye's iris in image pixels: its center and 4 points on its edge (in the model's order)."""

    center: Keypoint
    edge: tuple[Keypoint, ...]

    @property
    def radius(self) -> float:
        """The mean distance from the center to the edge points, in pixels."""
        return float(np.mean([np.hypot(p.x - self.center.x, p.y - self.center.y) for p in self.edge]))


@dataclass(frozen=True)
class MeshFace:
    """A face's mesh. mesh: (468, 3) float32, x and y in image pixels, z the depth relative to the face's
    center in the same pixel scale (smaller is nearer the camera); score: the mesh model's face presence
    (0..1); box: the bounding box of the mesh; detection: the BlazeFace face it started from; roi: the
    region the mesh model saw; irises: 'right' and 'left' (the person's) when the iris model ran, else {}."""

    mesh: np.ndarray
    score: float
    box: Box
    detection: blazeface.Face
    roi: Roi
    irises: dict[str, Iris] = field(default_factory=dict)

    @property
    def landmarks(self) -> dict[str, Keypoint]:
        """LANDMARKS by name, plus 'right_iris' and 'left_iris' (the iris centers) when known."""
        out = keypoints(LANDMARKS, self.mesh[list(LANDMARKS.values()), 0], self.mesh[list(LANDMARKS.values()), 1])
        out.update({f"{side}_iris": Keypoint(f"{side}_iris", iris.center.x, iris.center.y)
                    for side, iris in self.irises.items()})
        return out


def face_roi(face: blazeface.Face, scale: float = FACE_SCALE) -> Roi:
    """MediaPipe's face ROI from a detection: square, `scale` times the box's longer side, centered on the
    box, turned so that the eyes are level."""
    right, left = face.landmarks["right_eye"], face.landmarks["left_eye"]
    angle = rotation((right.x, right.y), (left.x, left.y), 0.0)
    cx, cy = face.box.center
    return square_roi(cx, cy, face.box.width, face.box.height, scale, angle)


def eye_roi(mesh: np.ndarray, eye: str) -> Roi:
    """The iris model's ROI for the person's `eye` ('right' or 'left') from the mesh's eye corners."""
    a, b = (mesh[i, :2] for i in _EYE_CORNERS[eye])
    cx, cy = (a + b) / 2
    width = float(np.hypot(*(b - a)))
    return square_roi(cx, cy, width, 0.0, EYE_SCALE, rotation(tuple(a), tuple(b), 0.0))


class FaceMesh(ZooModel):
    """Face mesh (and iris) estimation; see the module docstring. `model` is the face mesh graph model,
    `detector` a BlazeFace, `iris` the iris graph model or None."""

    def __init__(self, model: GraphModel, detector: blazeface.BlazeFace, iris: GraphModel | None = None,
                 min_score: float = 0.5) -> None:
        super().__init__(model, detector, *([iris] if iris is not None else []))
        shape = model.inputs[0].shape if model.inputs else None
        sizes = sorted(o.shape[-1] for o in model.outputs if o.shape)
        if not shape or len(shape) != 4 or shape[1] <= 0 or shape[1] != shape[2] or 3 * MESH_POINTS not in sizes \
                or 1 not in sizes:
            raise ModelFormatError(f"{model.source}: expected a face mesh model (a square input [1, S, S, 3]; "
                                   f"outputs [1, {3 * MESH_POINTS}] and [1, 1]), got input {shape} and outputs "
                                   f"{[o.shape for o in model.outputs]}")
        self._mesh_output = next(o.name for o in model.outputs if o.shape[-1] == 3 * MESH_POINTS)
        self._score_output = next(o.name for o in model.outputs if o.shape[-1] == 1)
        self.input_size = (shape[1], shape[2])
        if iris is not None:
            ishape = iris.inputs[0].shape if iris.inputs else None
            ioutputs = [o.shape for o in iris.outputs]
            if not ishape or len(ishape) != 4 or ishape[1] <= 0 or ishape[1] != ishape[2] or \
                    ioutputs != [[-1, 1, 1, 3 * (len(_EYE_REGIONS["right"]) + IRIS_POINTS)]]:
                raise ModelFormatError(f"{iris.source}: expected an iris model (a square input [N, S, S, 3], output "
                                       f"[N, 1, 1, 228]), got input {ishape} and outputs {ioutputs}")
        self.detector = detector
        self.iris = iris
        self.min_score = min_score

    def preprocess(self, rgb: np.ndarray, roi: Roi) -> np.ndarray:
        """The mesh model's input for `roi` of an RGB image: 1×S×S×3 float32 in [0, 1]."""
        return (crop(rgb, roi, self.input_size) / 255.0)[None].astype(np.float32)

    def eye_inputs(self, rgb: np.ndarray, mesh: np.ndarray) -> tuple[np.ndarray, dict[str, Roi]]:
        """The iris model's input for both eyes (2×S×S×3 in [0, 1]: the person's right eye, then the left one
        mirrored) and each eye's ROI."""
        size = tuple(self.iris.inputs[0].shape[1:3])
        rois = {eye: eye_roi(mesh, eye) for eye in ("right", "left")}
        right, left = (crop(rgb, rois[eye], size) / 255.0 for eye in ("right", "left"))
        return np.stack([right, left[:, ::-1]]).astype(np.float32), rois

    def estimate(self, image: object) -> list[MeshFace]:
        """The face meshes of `image` (a path, PIL image or H×W×3 uint8 array), in the detector's order
        (best first); faces whose mesh scores below min_score are left out."""
        rgb = to_rgb(image)
        out = []
        for face in self.detector.detect(rgb):
            roi = face_roi(face)
            raw, score = self.run(self.preprocess(rgb, roi), [self._mesh_output, self._score_output])
            if float(score.ravel()[0]) < self.min_score:
                continue
            mesh = self.to_image(raw.reshape(MESH_POINTS, 3), roi, self.input_size[0])
            irises = self._refine_eyes(rgb, mesh) if self.iris is not None else {}
            box = Box.from_corners(*mesh[:, :2].min(axis=0), *mesh[:, :2].max(axis=0))
            out.append(MeshFace(mesh, float(score.ravel()[0]), box, face, roi, irises))
        return out

    @staticmethod
    def to_image(points: np.ndarray, roi: Roi, input_side: int, mirrored: bool = False) -> np.ndarray:
        """Model points (N, 3) in input pixels of a square input that covered `roi` (mirrored left to right
        when `mirrored`) → image pixels; z is scaled like x."""
        u = points[:, 0] / input_side
        xs, ys = roi.to_image(1.0 - u if mirrored else u, points[:, 1] / input_side)
        return np.stack([xs, ys, points[:, 2] * roi.width / input_side], axis=1).astype(np.float32)

    def _refine_eyes(self, rgb: np.ndarray, mesh: np.ndarray) -> dict[str, Iris]:
        """Runs the iris model on both eyes: replaces the mesh's eye-region x, y in place, returns the irises."""
        x, rois = self.eye_inputs(rgb, mesh)
        raw = self.run(x, model=self.iris)[0].reshape(2, -1, 3)
        irises = {}
        for eye, points, mirrored in (("right", raw[0], False), ("left", raw[1], True)):
            found = self.to_image(points, rois[eye], x.shape[1], mirrored)
            region = len(_EYE_REGIONS[eye])
            mesh[list(_EYE_REGIONS[eye]), :2] = found[:region, :2]
            names = [f"{eye}_iris"] + [f"{eye}_iris_edge_{i}" for i in range(1, IRIS_POINTS)]
            center, *edge = keypoints(names, found[region:, 0], found[region:, 1]).values()
            irises[eye] = Iris(center, tuple(edge))
        return irises


def load(source: str | os.PathLike | None = None, iris: bool | str | os.PathLike = True,
         detector: blazeface.BlazeFace | None = None, min_score: float = 0.5) -> FaceMesh:
    """A face mesh estimator: the catalogue's 'facemesh' (or the model at `source`), with the catalogue's
    'iris' model when iris is True (or the one at that path; False: no iris), and `detector` (default
    `blazeface.load()`). min_score: the least mesh presence score a face needs (0.5)."""
    mesh_model = load_graph("facemesh", source)
    iris_model = None
    if iris is not False:
        iris_model = load_graph("iris", None if iris is True else iris)
    return FaceMesh(mesh_model, detector if detector is not None else blazeface.load(), iris_model, min_score)
